# shellcheck shell=bash
# Sourced by scripts/bench/run.sh and scripts/bench/compare_lists.sh (after scripts/env.sh):
# in-process moto and release proxies on free loopback ports, stopped on exit.
#   start_moto TOTAL DELETED_EVERY   -> MOTO_URL   (scripts/bench/moto_bench.py)
#   start_fleet_moto                 -> MOTO_URL, FLEET_ROLE_ARNS, FLEET_REGIONS
#                                       (scripts/bench/moto_fleet.py; its JSON in $RUN/moto-fleet.json)
#   start_bulk_moto                  -> MOTO_URL, MOTO_CONTROL_URL (scripts/bench/moto_bulk.py: 600
#                                       secrets, 200 scheduled, re-scheduled by POST $MOTO_CONTROL_URL/reschedule;
#                                       its JSON in $RUN/moto-bulk.json)
#   start_delay UPSTREAM_URL MS      -> DELAY_URL  (scripts/bench/delay_upstream.py; its calls per
#                                       action are written to $RUN/delay.json when it is stopped)
#   start_proxy STATIC_DIR [ARGS...] -> PROXY_URL, PROXY_LOG  (needs PROXY_RELEASE, and MOTO_URL or
#                                       PROXY_UPSTREAM; ARGS replace the default `--region us-east-1`)
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

start_fleet_moto() { # -> sets MOTO_URL, FLEET_ROLE_ARNS (array), FLEET_REGIONS (a,b,c)
  local port; port=$(free_port)
  "$VENV/bin/python" "$REPO/scripts/bench/moto_fleet.py" --port "$port" \
    >"$RUN/moto-fleet.json" 2>"$RUN/moto-fleet.log" &
  pids+=($!)
  wait_line "$RUN/moto-fleet.json" "${pids[-1]}" "$RUN/moto-fleet.log" "moto (fleet)"
  MOTO_URL="http://127.0.0.1:$port"
  mapfile -t FLEET_ROLE_ARNS < <("$VENV/bin/python" -c 'import json,sys; print(*json.load(sys.stdin)["roleArns"], sep="\n")' <"$RUN/moto-fleet.json")
  FLEET_REGIONS="$("$VENV/bin/python" -c 'import json,sys; print(",".join(json.load(sys.stdin)["regions"]))' <"$RUN/moto-fleet.json")"
  log "bench: moto seeded: $(cat "$RUN/moto-fleet.json")"
}

start_bulk_moto() { # -> sets MOTO_URL, MOTO_CONTROL_URL
  local port control; port=$(free_port); control=$(free_port)
  "$VENV/bin/python" "$REPO/scripts/bench/moto_bulk.py" --port "$port" --control-port "$control" \
    >"$RUN/moto-bulk.json" 2>"$RUN/moto-bulk.log" &
  pids+=($!)
  wait_line "$RUN/moto-bulk.json" "${pids[-1]}" "$RUN/moto-bulk.log" "moto (bulk)"
  MOTO_URL="http://127.0.0.1:$port"
  MOTO_CONTROL_URL="http://127.0.0.1:$control"
  log "bench: moto seeded: $(cat "$RUN/moto-bulk.json")"
}

start_delay() { # upstream-url delay-ms -> sets DELAY_URL
  local port; port=$(free_port)
  "$VENV/bin/python" "$REPO/scripts/bench/delay_upstream.py" --port "$port" --upstream "$1" --delay-ms "$2" \
    >"$RUN/delay.json" 2>"$RUN/delay.log" &
  pids+=($!)
  wait_line "$RUN/delay.json" "${pids[-1]}" "$RUN/delay.log" "the delaying upstream"
  DELAY_URL="http://127.0.0.1:$port"
}

wait_line() { # file pid log what: waits until the process has written its ready line
  local i
  for ((i = 0; i < 1200; i++)); do
    [ -s "$1" ] && return 0
    kill -0 "$2" 2>/dev/null || { cat "$3"; die "$4 did not start"; }
    sleep 0.1
  done
  die "$4 was not ready within 120 s"
}

start_proxy() { # static dir [proxy args] -> sets PROXY_URL; dummy keys: moto's IAM auth is off for the benchmarks
  [ -f "$1/index.html" ] || die "start_proxy: no index.html in $1"
  local dir="$1"; shift
  local args=("$@"); [ ${#args[@]} -gt 0 ] || args=(--region us-east-1)
  local port; port=$(free_port)
  env -u AWS_PROFILE -u AWS_SESSION_TOKEN -u AWS_DEFAULT_PROFILE \
    AWS_ACCESS_KEY_ID=AKIDBENCHMARK0000000 AWS_SECRET_ACCESS_KEY=benchmark-secret-key \
    AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    "$PROXY_RELEASE" --listen "127.0.0.1:$port" "${args[@]}" --endpoint-url "${PROXY_UPSTREAM:-$MOTO_URL}" \
    --static-dir "$dir" >"$RUN/proxy-$port.log" 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$port/healthz" 30 "${pids[-1]}" || { cat "$RUN/proxy-$port.log"; die "the proxy did not start"; }
  PROXY_URL="http://127.0.0.1:$port"
  PROXY_LOG="$RUN/proxy-$port.log"
}
