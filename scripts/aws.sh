#!/usr/bin/env bash
# Runs the proxy against real AWS Secrets Manager, serving the built UI from dist/.
# Credentials: the standard AWS chain (AWS_PROFILE, env keys, SSO, instance role...).
# Give the identity only the least-privilege policy in docs/iam-policy.json.
#   AWS_PROFILE=myprofile AWS_REGION=eu-west-1 [PORT=8080] scripts/aws.sh [extra proxy flags, e.g. --read-only]
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO"
PORT="${PORT:-8080}"
REGION="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
[ -n "$REGION" ] || die "set AWS_REGION (for example AWS_REGION=eu-west-1)"
[ -f dist/index.html ] || die "dist/ is not built: run 'make build' first"
[ -x "$PROXY_BIN" ] || die "the proxy is not built: run 'make build' first"
log "aws: proxy for Secrets Manager in $REGION${AWS_PROFILE:+ (profile $AWS_PROFILE)}: open http://127.0.0.1:$PORT/"
exec "$PROXY_BIN" --listen "127.0.0.1:$PORT" --region "$REGION" --static-dir "$REPO/dist" "$@"
