#!/usr/bin/env bash
# Runs the proxy (a release build) against real AWS Secrets Manager, serving the built UI from dist/.
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
log "aws: cargo build --release -p undelete-proxy"
cargo build --release --quiet -p undelete-proxy
PROXY_RELEASE="$TARGET_DIR/release/undelete-proxy"
[ -x "$PROXY_RELEASE" ] || die "expected the release proxy at $PROXY_RELEASE"
log "aws: proxy for Secrets Manager in $REGION${AWS_PROFILE:+ (profile $AWS_PROFILE)}: open http://127.0.0.1:$PORT/"
exec "$PROXY_RELEASE" --listen "127.0.0.1:$PORT" --region "$REGION" --static-dir "$REPO/dist" "$@"
