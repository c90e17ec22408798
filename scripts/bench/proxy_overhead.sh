#!/usr/bin/env bash
# The proxy in front of a fast local upstream (nginx `return 200` with a fixed ListSecrets JSON
# body), everything in one run on this machine, on loopback, on free ports:
#   1. added latency: p50/p99 of a POST ListSecrets through the proxy minus straight to the
#      upstream, with 1 connection (back to back) and with 50 connections (each sending its
#      next request 20 ms after its answer: ~2,000 calls/s, busy but not saturated); in rounds
#      (default 3 x 5 s), direct and proxy next to each other, the median of the rounds' figures
#      (on a shared machine one slow moment decides a single run's p99);
#   2. throughput reference: wrk -c50 unpaced against the proxy and against nginx's own
#      `proxy_pass` to the same upstream (no goal);
#   3. under load: 200 connections for 30 s, unpaced: errors, non-2xx answers, and the proxy's
#      RSS after the first 5 s and at the end;
#   4. hostile requests mixed into the load: the refusal corpus of proxy/tests/refusals.rs
#      sent over and over while wrk sends good ListSecrets calls; every hostile request must get
#      its usual status and `__type`, every good one a 200, and the upstream (which logs each
#      request's X-Amz-Target, Content-Length and Content-Type) must see nothing but the good
#      calls and the proxy's own STS calls (GetCallerIdentity, the STS query protocol: form-encoded,
#      no X-Amz-Target), counted apart.
#   scripts/bench/proxy_overhead.sh PROXY_BIN OUT_JSON [SECONDS=10]
# SECONDS is the length of each throughput run and of the hostile mix. Knobs:
# BENCH_LATENCY_ROUNDS (3), BENCH_LATENCY_SECONDS (5), BENCH_LOAD_SECONDS (30).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
PROXY="$1"; OUT="$2"; SECONDS_EACH="${3:-10}"
LOAD_SECONDS="${BENCH_LOAD_SECONDS:-30}"
LAT_ROUNDS="${BENCH_LATENCY_ROUNDS:-3}"; LAT_SECONDS="${BENCH_LATENCY_SECONDS:-5}"
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

UP=$(free_port); UPH=$(free_port); NGX=$(free_port); PX=$(free_port); PXH=$(free_port)

# A fixed ListSecrets answer of 3 entries (~1 KB), like a small real page.
BODY='{"SecretList":[{"ARN":"arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf","Name":"prod/db","Description":"Primary Postgres credentials for the orders service","LastChangedDate":1.7e9,"DeletedDate":1.7e9,"Tags":[{"Key":"team","Value":"payments"},{"Key":"env","Value":"prod"}]},{"ARN":"arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-replica-GhIjKl","Name":"prod/db-replica","Description":"Read replica credentials (reporting)","LastChangedDate":1.7e9,"DeletedDate":1.7e9,"Tags":[{"Key":"team","Value":"payments"}]},{"ARN":"arn:aws:secretsmanager:us-east-1:123456789012:secret:staging/api/stripe-key-MnOpQr","Name":"staging/api/stripe-key","Description":"Stripe restricted key for staging checkout","LastChangedDate":1.7e9,"Tags":[{"Key":"vendor","Value":"stripe"}]}]}'
mkdir -p "$RUN/logs" "$RUN/tmp"
cat >"$RUN/nginx.conf" <<CONF
worker_processes auto;
pid $RUN/nginx.pid;
error_log $RUN/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $RUN/tmp/body;
  proxy_temp_path $RUN/tmp/proxy;
  fastcgi_temp_path $RUN/tmp/fastcgi;
  uwsgi_temp_path $RUN/tmp/uwsgi;
  scgi_temp_path $RUN/tmp/scgi;
  keepalive_requests 1000000;
  log_format seen '\$http_x_amz_target|\$content_length|\$content_type';
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
  # The same upstream for the hostile phase, logging what reaches it.
  server {
    listen 127.0.0.1:$UPH;
    access_log $RUN/logs/upstream-hostile.log seen;
    location / {
      default_type application/x-amz-json-1.1;
      return 200 '$BODY';
    }
  }
  # The reference: nginx's own reverse proxy to the same upstream (keep-alive, like the proxy's pool).
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

start_proxy() { # port upstream-port -> PROXY_PID; as a user runs it (default RUST_LOG=info)
  env -u AWS_PROFILE -u AWS_SESSION_TOKEN -u AWS_DEFAULT_PROFILE -u RUST_LOG \
    AWS_ACCESS_KEY_ID=AKIDBENCHMARK0000000 AWS_SECRET_ACCESS_KEY=benchmark-secret-key \
    AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    "$PROXY" --listen "127.0.0.1:$1" --region us-east-1 --endpoint-url "http://127.0.0.1:$2" \
    >"$RUN/logs/proxy-$1.log" 2>&1 &
  pids+=($!)
  PROXY_PID=$!
  wait_http "http://127.0.0.1:$1/healthz" 10 "$PROXY_PID" || { cat "$RUN/logs/proxy-$1.log"; die "the proxy did not start"; }
}
start_proxy "$PX" "$UP"; MAIN_PID=$PROXY_PID
start_proxy "$PXH" "$UPH"

cat >"$RUN/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = "{}"
wrk.headers["Content-Type"] = "application/x-amz-json-1.1"
wrk.headers["X-Amz-Target"] = "secretsmanager.ListSecrets"
LUA
# The same request, each connection waiting 20 ms after an answer before its next request.
{ cat "$RUN/post.lua"; echo 'function delay() return 20 end'; } >"$RUN/paced.lua"
# Sanity: each answers 200.
for url in "http://127.0.0.1:$UP/" "http://127.0.0.1:$NGX/api/secretsmanager" \
  "http://127.0.0.1:$PX/api/secretsmanager" "http://127.0.0.1:$PXH/api/secretsmanager"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/x-amz-json-1.1' \
    -H 'X-Amz-Target: secretsmanager.ListSecrets' -d '{}' "$url")
  [ "$code" = 200 ] || { cat "$RUN"/logs/*.log; die "POST $url answered $code"; }
done

wrk_run() { # name threads conns seconds script url
  log "bench: wrk -t$2 -c$3 -d$4s $(basename "$5" .lua) -> $1"
  wrk -t"$2" -c"$3" -d"$4s" --latency -s "$5" "$6" >"$RUN/wrk-$1.txt"
}
DIRECT="http://127.0.0.1:$UP/"
VIA="http://127.0.0.1:$PX/api/secretsmanager"
# Short warm-up, then the measured runs, direct and through the proxy next to each other.
wrk -t1 -c4 -d1s -s "$RUN/post.lua" "$DIRECT" >/dev/null
wrk -t1 -c4 -d1s -s "$RUN/post.lua" "$VIA" >/dev/null
wrk -t1 -c4 -d1s -s "$RUN/post.lua" "http://127.0.0.1:$NGX/api/secretsmanager" >/dev/null

# 1. added latency
for ((r = 1; r <= LAT_ROUNDS; r++)); do
  wrk_run "c1_direct_$r" 1 1 "$LAT_SECONDS" "$RUN/post.lua" "$DIRECT"
  wrk_run "c1_proxy_$r" 1 1 "$LAT_SECONDS" "$RUN/post.lua" "$VIA"
  wrk_run "c50_direct_$r" 2 50 "$LAT_SECONDS" "$RUN/paced.lua" "$DIRECT"
  wrk_run "c50_proxy_$r" 2 50 "$LAT_SECONDS" "$RUN/paced.lua" "$VIA"
done
# 2. throughput reference
wrk_run nginx 2 50 "$SECONDS_EACH" "$RUN/post.lua" "http://127.0.0.1:$NGX/api/secretsmanager"
wrk_run proxy 2 50 "$SECONDS_EACH" "$RUN/post.lua" "$VIA"

# 3. under load, with the proxy's RSS sampled twice a second
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
python3 - "$MAIN_PID" >"$RUN/rss.txt" <<'PY' &
import sys, time
pid, start = sys.argv[1], time.monotonic()
while True:
    try:
        kb = next(l.split()[1] for l in open(f"/proc/{pid}/status") if l.startswith("VmRSS:"))
    except (OSError, StopIteration):
        break
    print(f"{time.monotonic() - start:.2f} {kb}", flush=True)
    time.sleep(0.5)
PY
SAMPLER=$!
rss_kb "$MAIN_PID" >"$RUN/rss-before.txt"
wrk_run load 2 200 "$LOAD_SECONDS" "$RUN/post.lua" "$VIA"
kill "$SAMPLER" 2>/dev/null || true; wait "$SAMPLER" 2>/dev/null || true
rss_kb "$MAIN_PID" >"$RUN/rss-after.txt"

# 4. hostile requests mixed into the load (a proxy of its own, whose upstream logs what it sees)
HOSTILE_SECONDS=$SECONDS_EACH
log "bench: ${HOSTILE_SECONDS}s of good ListSecrets (wrk -c50) with the refusal corpus mixed in -> proxy"
wrk -t1 -c50 -d"${HOSTILE_SECONDS}s" -s "$RUN/post.lua" "http://127.0.0.1:$PXH/api/secretsmanager" \
  >"$RUN/wrk-mixed.txt" &
WRK_MIXED=$!
python3 - "$PXH" "$HOSTILE_SECONDS" >"$RUN/hostile.json" <<'PY'
# The refusal corpus of proxy/tests/refusals.rs (every_bad_request_is_refused_before_the_upstream
# and chunked_oversized_body_and_rebinding_host_are_refused), each with its status and __type.
import http.client, json, sys, threading, time
port, seconds = int(sys.argv[1]), float(sys.argv[2])
J = "application/x-amz-json-1.1"
def req(method="POST", ctype=J, target="secretsmanager.ListSecrets", body="{}", path="/api/secretsmanager", **extra):
    h = {}
    if ctype: h["Content-Type"] = ctype
    if target: h["X-Amz-Target"] = target
    h.update(extra)
    return (method, path, h, body)
corpus = [
    (req("GET", None, None, None), 405, "MethodNotAllowed"),
    (req("PUT", target=None), 405, "MethodNotAllowed"),
    (req("DELETE", None, None, None), 405, "MethodNotAllowed"),
    (req(ctype="application/json"), 415, "UnsupportedMediaType"),
    (req(ctype="text/plain"), 415, "UnsupportedMediaType"),
    (req(ctype=None), 415, "UnsupportedMediaType"),
    (req(target=None), 400, "MissingTarget"),
] + [(req(target=t), 400, "InvalidTarget") for t in
     ["ListSecrets", "kms.ListKeys", "secretsmanager.", "secretsmanager.list secrets", "secretsmanager.a/b"]
] + [(req(target=f"secretsmanager.{a}", body='{"SecretId":"x"}'), 403, "ActionNotAllowed") for a in
     ["GetSecretValue", "BatchGetSecretValue", "DeleteSecret", "PutSecretValue", "UpdateSecret", "NoSuchAction"]
] + [(req(body=b), 400, "InvalidRequestBody") for b in ["", "[]", "null", '"str"', "12", "{not json", "{}{}"]
] + [
    (req(target="secretsmanager.DescribeSecret", body='{"SecretId":"%s"}' % ("a" * 65536)), 413, "RequestTooLarge"),
    (req("CHUNKED", body='{"x":"' + "a" * 70000 + '"}'), 413, "RequestTooLarge"),
] + [(req(Origin=o), 403, "ForbiddenOrigin") for o in
     ["https://evil.test", "null", "http://127.0.0.1:1", "http://localhost.evil.test"]
] + [
    (req("OPTIONS", None, None, None, Origin="https://evil.test", **{"Access-Control-Request-Method": "POST",
     "Access-Control-Request-Headers": "content-type,x-amz-target"}), 403, "ForbiddenOrigin"),
    (req(path="/api/other", ctype=None, target=None, body=None), 404, "NotFound"),
    (req(path="/api/config", ctype=None, target=None, body=None), 405, "MethodNotAllowed"),
    (req(Host=f"evil.test:{port}", Origin=f"http://evil.test:{port}"), 403, "ForbiddenHost"),
] + [(req(target=f"secretsmanager.{a}", body=json.dumps(b)), 400, "InvalidParameter") for a, b in [
    ("RestoreSecret", {}), ("RestoreSecret", {"SecretId": 5}),
    ("RestoreSecret", {"SecretId": "a", "ForceDeleteWithoutRecovery": True}),
    ("DescribeSecret", {"SecretId": ""}), ("ListSecrets", {"Foo": 1}), ("ListSecrets", {"MaxResults": 1000}),
    ("ListSecrets", {"Filters": [{"Key": "name", "Values": ["a"], "X": 1}]}),
]]

def send(case):
    (method, path, headers, body), status, error_type = case
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        if method == "CHUNKED":
            c.putrequest("POST", path, skip_accept_encoding=True)
            for k, v in headers.items():
                c.putheader(k, v)
            c.putheader("Transfer-Encoding", "chunked")
            c.endheaders()
            data = body.encode()
            try:
                for i in range(0, len(data), 10240):
                    chunk = data[i:i + 10240]
                    c.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                c.send(b"0\r\n\r\n")
            except OSError:
                pass  # the proxy may answer (and close) before the whole body is sent
        else:
            c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        text = r.read()
        try:
            got = json.loads(text).get("__type")
        except ValueError:
            got = None
        ok = r.status == status and got == error_type and r.getheader("x-undelete-proxy-refusal") == "true"
        return ok, f"{method} {path} {headers} -> {r.status} {got}, expected {status} {error_type}"
    except Exception as e:  # noqa: BLE001 - every failure is a mismatch to report
        return False, f"{method} {path} {headers} -> {e!r}"
    finally:
        c.close()

sent, wrong, examples = 0, 0, []
lock = threading.Lock()
deadline = time.monotonic() + seconds
def worker(offset):
    global sent, wrong
    i = offset
    while time.monotonic() < deadline:
        ok, what = send(corpus[i % len(corpus)])
        i += 1
        with lock:
            sent += 1
            if not ok:
                wrong += 1
                if len(examples) < 5:
                    examples.append(what)
threads = [threading.Thread(target=worker, args=(k * 7,)) for k in range(4)]
for t in threads: t.start()
for t in threads: t.join()
json.dump({"cases": len(corpus), "sent": sent, "wrong": wrong, "examples": examples}, sys.stdout)
PY
wait "$WRK_MIXED"
log "bench: proxy under load and hostile mix done"

python3 - "$RUN" "$OUT" "$SECONDS_EACH" "$LOAD_SECONDS" "$LAT_ROUNDS" "$LAT_SECONDS" <<'PY'
import json, re, statistics, sys
run, out, seconds, load_seconds, rounds, lat_seconds = sys.argv[1:]
def unit(v, u):
    return float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[u]
def parse(name):
    t = open(f"{run}/wrk-{name}.txt").read()
    res = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1)),
           "requests": int(re.search(r"(\d+) requests in", t).group(1))}
    for p in ("50", "99"):
        m = re.search(rf"^\s+{p}(?:\.0+)?%\s+([\d.]+)(us|ms|s)\b", t, re.M)
        if m:
            res[f"p{p}_ms"] = unit(*m.groups())
    errs = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", t)
    res["non2xx"] = int(errs.group(1)) if errs else 0
    res["socket_errors"] = sum(int(x) for x in sock.groups()) if sock else 0
    return res
res = {k: parse(k) for k in ("nginx", "proxy", "load")}
med = statistics.median
for c in ("c1", "c50"):
    runs = [(parse(f"{c}_direct_{r}"), parse(f"{c}_proxy_{r}")) for r in range(1, int(rounds) + 1)]
    for side, i in (("direct", 0), ("proxy", 1)):
        res[f"{c}_{side}"] = {"p50_ms": med(x[i]["p50_ms"] for x in runs), "p99_ms": med(x[i]["p99_ms"] for x in runs),
                              "rps": med(x[i]["rps"] for x in runs), "non2xx": sum(x[i]["non2xx"] for x in runs),
                              "socket_errors": sum(x[i]["socket_errors"] for x in runs)}
    res[f"{c}_added"] = {f"{q}_ms": med(p[f"{q}_ms"] - d[f"{q}_ms"] for d, p in runs) for q in ("p50", "p99")}
    res[f"{c}_added"]["rounds_p99_ms"] = [round(p["p99_ms"] - d["p99_ms"], 2) for d, p in runs]
res["latency_method"] = (f"wrk --latency, {rounds} rounds of {lat_seconds} s, direct then proxy in each; 1 connection"
                         " back to back; 50 connections (-t2), each waiting 20 ms after an answer before its next"
                         " request; medians of the rounds (added: of each round's proxy minus direct)")
res["throughput_method"] = f"wrk -t2 -c50 -d{seconds}s, unpaced"
samples = [tuple(map(float, l.split())) for l in open(f"{run}/rss.txt") if len(l.split()) == 2]
after5 = next((kb for t, kb in samples if t >= 5), None)
during = [kb for t, kb in samples if t <= float(load_seconds)]
res["load"].update(connections=200, seconds=int(load_seconds),
                   rss_kb_before=int(open(f"{run}/rss-before.txt").read()),
                   rss_kb_5s=int(after5) if after5 else None,
                   rss_kb_end=int(during[-1]) if during else None,
                   rss_kb_after=int(open(f"{run}/rss-after.txt").read()))
res["mixed"] = parse("mixed")
res["hostile"] = json.load(open(f"{run}/hostile.json"))
seen = [l.strip() for l in open(f"{run}/logs/upstream-hostile.log")]
res["hostile"]["upstream_requests"] = len(seen)
good = lambda l: l == "secretsmanager.ListSecrets|2|application/x-amz-json-1.1"  # noqa: E731
# The proxy asks STS who it is at start-up (and again later while this upstream's answer, no STS
# answer, leaves it unknown): the query protocol, no X-Amz-Target, form-encoded, and its body
# "Action=GetCallerIdentity&Version=2011-06-15" is 43 bytes.
own_sts = lambda l: l == "-|43|application/x-www-form-urlencoded"  # noqa: E731
other = [l for l in seen if not good(l) and not own_sts(l)]
res["hostile"]["upstream_own_sts"] = sum(1 for l in seen if own_sts(l))
res["hostile"]["upstream_other_than_good"] = len(other)
# What they were (X-Amz-Target|Content-Length|Content-Type as the upstream logged them).
res["hostile"]["upstream_other_examples"] = other[:5]
json.dump(res, open(out, "w"), indent=1)
PY
log "bench: proxy overhead done"
