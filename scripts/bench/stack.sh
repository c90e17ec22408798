# shellcheck shell=bash
# Sourced by scripts/bench/run.sh and scripts/bench/compare_lists.sh (after scripts/env.sh):
# in-process moto and release proxies on free loopback ports, stopped on exit.
#   start_moto TOTAL DELETED_EVERY   -> MOTO_URL   (scripts/bench/moto_bench.py)
#   start_proxy STATIC_DIR           -> PROXY_URL  (needs PROXY_RELEASE and MOTO_URL)
#   stop_all                         stops every process started so far
# Temporary files go to $RUN (removed on exit).

RUN="$(mktemp -d /tmp/undelete-bench.XXXXXX)"
pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
cleanup() { stop_all; rm -rf "$RUN"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

start_moto() { # total deleted-every -> sets MOTO_URL
  local port; port=$(free_port)
  rm -f "$RUN/moto-$1.json" # a moto of the same size may have run before: wait for this one
  "$VENV/bin/python" "$REPO/scripts/bench/moto_bench.py" --port "$port" --total "$1" --deleted-every "$2" \
    >"$RUN/moto-$1.json" 2>"$RUN/moto-$1.log" &
  pids+=($!)
  local i
  for ((i = 0; i < 1200; i++)); do
    [ -s "$RUN/moto-$1.json" ] && break
    kill -0 "${pids[-1]}" 2>/dev/null || { cat "$RUN/moto-$1.log"; die "moto did not start"; }
    sleep 0.1
  done
  [ -s "$RUN/moto-$1.json" ] || die "moto was not ready within 120 s"
  MOTO_URL="http://127.0.0.1:$port"
  log "bench: moto seeded: $(cat "$RUN/moto-$1.json")"
}

start_proxy() { # static dir -> sets PROXY_URL; dummy keys: moto's IAM auth is off for the benchmarks
  [ -f "$1/index.html" ] || die "start_proxy: no index.html in $1"
  local port; port=$(free_port)
  env -u AWS_PROFILE -u AWS_SESSION_TOKEN -u AWS_DEFAULT_PROFILE \
    AWS_ACCESS_KEY_ID=AKIDBENCHMARK0000000 AWS_SECRET_ACCESS_KEY=benchmark-secret-key \
    AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    "$PROXY_RELEASE" --listen "127.0.0.1:$port" --region us-east-1 --endpoint-url "$MOTO_URL" \
    --static-dir "$1" >"$RUN/proxy-$port.log" 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$port/healthz" 30 "${pids[-1]}" || { cat "$RUN/proxy-$port.log"; die "the proxy did not start"; }
  PROXY_URL="http://127.0.0.1:$port"
}
