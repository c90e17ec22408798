#!/usr/bin/env bash
# Proxy overhead: wrk against undelete-proxy and against nginx's own proxy_pass, both forwarding
# to the same fast upstream (nginx `return 200` with a fixed ListSecrets JSON body), same run.
#   scripts/bench/proxy_overhead.sh PROXY_BIN OUT_JSON [DURATION_S=10]
# Everything on loopback, on free ports; nginx runs in the foreground with its own config and
# temp dirs under a mktemp dir, and is stopped (with the proxy) on exit.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
PROXY="$1"; OUT="$2"; DURATION="${3:-10}"
THREADS="${BENCH_WRK_THREADS:-2}"; CONNS="${BENCH_WRK_CONNECTIONS:-32}"
command -v nginx >/dev/null || die "nginx is missing (apt-get install nginx-light)"
command -v wrk >/dev/null || die "wrk is missing (apt-get install wrk)"

RUN="$(mktemp -d /tmp/undelete-bench-proxy.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$RUN"
}
trap cleanup EXIT

UP=$(free_port); NGX=$(free_port); PX=$(free_port); PXQ=$(free_port)

# A fixed ListSecrets answer of 3 entries (~1 KB), like a small real page.
BODY='{"SecretList":[{"ARN":"arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf","Name":"prod/db","Description":"Primary Postgres credentials for the orders service","LastChangedDate":1.7e9,"DeletedDate":1.7e9,"Tags":[{"Key":"team","Value":"payments"},{"Key":"env","Value":"prod"}]},{"ARN":"arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-replica-GhIjKl","Name":"prod/db-replica","Description":"Read replica credentials (reporting)","LastChangedDate":1.7e9,"DeletedDate":1.7e9,"Tags":[{"Key":"team","Value":"payments"}]},{"ARN":"arn:aws:secretsmanager:us-east-1:123456789012:secret:staging/api/stripe-key-MnOpQr","Name":"staging/api/stripe-key","Description":"Stripe restricted key for staging checkout","LastChangedDate":1.7e9,"Tags":[{"Key":"vendor","Value":"stripe"}]}]}'
mkdir -p "$RUN/logs" "$RUN/tmp"
cat >"$RUN/nginx.conf" <<CONF
worker_processes auto;
pid $RUN/nginx.pid;
error_log $RUN/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $RUN/tmp/body;
  proxy_temp_path $RUN/tmp/proxy;
  fastcgi_temp_path $RUN/tmp/fastcgi;
  uwsgi_temp_path $RUN/tmp/uwsgi;
  scgi_temp_path $RUN/tmp/scgi;
  keepalive_requests 1000000;
  upstream fake_aws { server 127.0.0.1:$UP; keepalive 64; }
  # The fast upstream: a fixed JSON body for any request.
  server {
    listen 127.0.0.1:$UP;
    location / {
      default_type application/x-amz-json-1.1;
      add_header x-amzn-RequestId 00000000-0000-0000-0000-000000000000;
      return 200 '$BODY';
    }
  }
  # The floor: nginx's own reverse proxy to the same upstream (keep-alive, like the proxy's pool).
  server {
    listen 127.0.0.1:$NGX;
    location /api/secretsmanager {
      proxy_pass http://fake_aws/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
CONF
nginx -p "$RUN" -c "$RUN/nginx.conf" -g 'daemon off;' 2>>"$RUN/logs/error.log" &
pids+=($!)
wait_http "http://127.0.0.1:$UP/" 10 "${pids[-1]}" || { cat "$RUN/logs/error.log"; die "nginx did not start"; }

start_proxy() { # port log-filter: as a user runs it (default RUST_LOG=info: successful reads are
  # counted in a once-a-minute summary, everything else gets its own line; docs/proxy.md)
  env -u AWS_PROFILE -u AWS_SESSION_TOKEN -u AWS_DEFAULT_PROFILE \
    AWS_ACCESS_KEY_ID=AKIDBENCHMARK0000000 AWS_SECRET_ACCESS_KEY=benchmark-secret-key \
    AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    RUST_LOG="$2" "$PROXY" --listen "127.0.0.1:$1" --region us-east-1 --endpoint-url "http://127.0.0.1:$UP" \
    >"$RUN/logs/proxy-$1.log" 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$1/healthz" 10 "${pids[-1]}" || { cat "$RUN/logs/proxy-$1.log"; die "the proxy did not start"; }
}
start_proxy "$PX" info
# The same binary with RUST_LOG=warn (no info lines at all), to show what the default logging costs.
start_proxy "$PXQ" warn

cat >"$RUN/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = "{}"
wrk.headers["Content-Type"] = "application/x-amz-json-1.1"
wrk.headers["X-Amz-Target"] = "secretsmanager.ListSecrets"
LUA
# Sanity: both answer 200 with the body.
for port in "$NGX" "$PX" "$PXQ"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/x-amz-json-1.1' \
    -H 'X-Amz-Target: secretsmanager.ListSecrets' -d '{}' "http://127.0.0.1:$port/api/secretsmanager")
  [ "$code" = 200 ] || { cat "$RUN"/logs/*.log; die "POST via port $port answered $code"; }
done

run_wrk() { # name port
  log "bench: wrk -t$THREADS -c$CONNS -d${DURATION}s POST ListSecrets -> $1"
  wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s "$RUN/post.lua" \
    "http://127.0.0.1:$2/api/secretsmanager" >"$RUN/wrk-$1.txt"
}
# Short warm-up of both, then the measured runs.
wrk -t1 -c4 -d1s -s "$RUN/post.lua" "http://127.0.0.1:$NGX/api/secretsmanager" >/dev/null
wrk -t1 -c4 -d1s -s "$RUN/post.lua" "http://127.0.0.1:$PX/api/secretsmanager" >/dev/null
wrk -t1 -c4 -d1s -s "$RUN/post.lua" "http://127.0.0.1:$PXQ/api/secretsmanager" >/dev/null
run_wrk nginx "$NGX"
run_wrk proxy "$PX"
run_wrk proxy_quiet "$PXQ"

python3 - "$RUN" "$OUT" "$THREADS" "$CONNS" "$DURATION" <<'PY'
import json, re, sys
run, out, threads, conns, duration = sys.argv[1:]
def unit(v, u):
    return float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[u]
def parse(name):
    t = open(f"{run}/wrk-{name}.txt").read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
    lat = {p: unit(*re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\b", t, re.M).groups()) for p in ("50", "99")}
    errs = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
    sock = re.search(r"Socket errors: (.*)", t)
    return {"rps": rps, "p50_ms": lat["50"], "p99_ms": lat["99"],
            "non2xx": int(errs.group(1)) if errs else 0, "socket_errors": sock.group(1) if sock else None}
res = {"nginx": parse("nginx"), "proxy": parse("proxy"), "proxy_quiet": parse("proxy_quiet"),
       "wrk": f"wrk -t{threads} -c{conns} -d{duration}s --latency (POST ListSecrets, body {{}})"}
json.dump(res, open(out, "w"))
PY
log "bench: proxy overhead done"
