#!/usr/bin/env bash
# Runs the proxy (a release build) against real AWS Secrets Manager, serving the built UI from dist/.
# Credentials: the standard AWS chain (AWS_PROFILE, env keys, SSO, instance role...).
# Give the identity only the least-privilege policy in docs/iam-policy.json (and, to reach other
# accounts, docs/iam-hub-policy.json; see "Many accounts and regions" in docs/proxy.md).
#   AWS_PROFILE=myprofile AWS_REGION=eu-west-1 [PORT=8080] scripts/aws.sh [extra proxy flags]
# Every argument, and the words of PROXY_ARGS, go to the proxy after the script's own flags, e.g.
#   AWS_REGION=eu-west-1 scripts/aws.sh --read-only --region us-east-1 \
#       --role-arn prod=arn:aws:iam::210987654321:role/undelete
#   PROXY_ARGS="--region eu-west-1,us-east-1 --profile hub --profile ops" scripts/aws.sh
# AWS_REGION (or AWS_DEFAULT_REGION) is the first region; it may be left unset when a --region is given.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO"
PORT="${PORT:-8080}"
# shellcheck disable=SC2206 # PROXY_ARGS is a list of words on purpose
EXTRA=(${PROXY_ARGS:-} "$@")
REGION="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
REGION_ARGS=()
[ -n "$REGION" ] && REGION_ARGS=(--region "$REGION")
if [ -z "$REGION" ]; then
  has_region=""
  for arg in "${EXTRA[@]}"; do
    case "$arg" in --region|--region=*) has_region=1 ;; esac
  done
  [ -n "$has_region" ] || die "set AWS_REGION (for example AWS_REGION=eu-west-1) or pass --region"
fi
[ -f dist/index.html ] || die "dist/ is not built: run 'make build' first"
log "aws: cargo build --release -p undelete-proxy"
cargo build --release --quiet -p undelete-proxy
PROXY_RELEASE="$TARGET_DIR/release/undelete-proxy"
[ -x "$PROXY_RELEASE" ] || die "expected the release proxy at $PROXY_RELEASE"
log "aws: proxy for Secrets Manager${REGION:+ in $REGION}${AWS_PROFILE:+ (profile $AWS_PROFILE)}${EXTRA[*]:+ with ${EXTRA[*]}}: open http://127.0.0.1:$PORT/"
exec "$PROXY_RELEASE" --listen "127.0.0.1:$PORT" "${REGION_ARGS[@]}" --static-dir "$REPO/dist" "${EXTRA[@]}"
