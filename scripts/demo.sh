#!/usr/bin/env bash
# Local demo: installs what is missing, builds (UI release + proxy), starts a moto server seeded
# with a realistic fleet (IAM auth on): the proxy's own account and a second account reached by
# assuming a role (hub and spoke, docs/proxy.md), each in two regions, one secret name scheduled
# for deletion in two of them. Starts the proxy against it serving dist/, and prints the URL.
# Ctrl-C stops everything it started.
#   PORT=8080 MOTO_PORT=5005 scripts/demo.sh
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO"
PORT="${PORT:-8080}"
MOTO_PORT="${MOTO_PORT:-5005}"
REGION="us-east-1"
REGIONS="us-east-1,eu-west-1"

bash "$REPO/scripts/setup.sh"
bash "$REPO/scripts/build.sh" ui
# The same native build as `make test` (so switching between the two rebuilds nothing).
bash "$REPO/scripts/build.sh" native

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port_free "$PORT" || die "port $PORT is in use: run with PORT=<another port>"
port_free "$MOTO_PORT" || die "port $MOTO_PORT is in use: run with MOTO_PORT=<another port>"

RUN="$(mktemp -d /tmp/undelete-demo.XXXXXX)"
pids=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$RUN"
  log "demo: stopped"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "demo: starting moto on 127.0.0.1:$MOTO_PORT (log: $RUN/moto.log)"
"$VENV/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT" >"$RUN/moto.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$MOTO_PORT/moto-api/" 30 "${pids[-1]}" || { cat "$RUN/moto.log"; die "moto did not start"; }
"$VENV/bin/python" scripts/seed_moto.py --endpoint "http://127.0.0.1:$MOTO_PORT" --region "$REGION" \
  --fleet --regions "$REGIONS" --spoke staging=210987654321 --state "$RUN/state.json"
SPOKE_ROLE="$("$VENV/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["spokes"][0]["roleArn"])' "$RUN/state.json")"

# `--allow-origin`: `trunk serve` (port 8081, Trunk.toml) forwards /api/ here with its own Origin.
# The proxy signs with the seeded `undelete-dashboard` user's key (least-privilege policy);
# nothing from the caller's AWS configuration may leak in.
read -r AKID SAK < <("$VENV/bin/python" -c 'import json,sys; d=json.load(open(sys.argv[1]))["dashboard"]; print(d["accessKeyId"], d["secretAccessKey"])' "$RUN/state.json")
log "demo: starting the proxy on 127.0.0.1:$PORT (log: $RUN/proxy.log)"
env -u AWS_PROFILE -u AWS_SESSION_TOKEN -u AWS_DEFAULT_PROFILE \
  AWS_ACCESS_KEY_ID="$AKID" AWS_SECRET_ACCESS_KEY="$SAK" AWS_EC2_METADATA_DISABLED=true \
  AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
  "$PROXY_BIN" --listen "127.0.0.1:$PORT" --region "$REGIONS" --role-arn "staging=$SPOKE_ROLE" \
    --endpoint-url "http://127.0.0.1:$MOTO_PORT" --static-dir "$REPO/dist" \
    --allow-origin "http://127.0.0.1:8081" \
    > >(tee "$RUN/proxy.log") 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$PORT/healthz" 30 "${pids[-1]}" || die "the proxy did not start (see above)"

cat <<EOF

  Undelete demo is running: open  http://127.0.0.1:$PORT/

  moto (IAM auth on): http://127.0.0.1:$MOTO_PORT   admin keys in $RUN/state.json
  Try it: .venv/bin/python scripts/moto_admin.py --state $RUN/state.json scheduled
  Press Ctrl-C to stop moto and the proxy.

EOF
# Exit (and clean up) as soon as either process dies, or on Ctrl-C.
wait -n "${pids[@]}"
log "demo: a process exited; stopping"
