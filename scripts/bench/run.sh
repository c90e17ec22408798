#!/usr/bin/env bash
# `make bench`: builds what it measures (release UI in dist/, the Leptos counter floor, the
# release proxy), then measures and prints one table, each figure next to its floor:
#   1. transfer size of dist/ (raw, gzip -9, brotli) vs bench/counter, and twiggy's view of the wasm
#   2. time to the first row / complete list in headless Chromium vs a plain script's paging
#      (moto in-process, 5,000 secrets, 1,667 scheduled for deletion), and parallel name-prefix
#      partitions vs that floor
#   3. search filtering latency with 2,000 deleted rows
#   4. the proxy in front of a fast nginx upstream: added latency (1 and 50 connections), 200
#      connections for 30 s (errors, RSS), hostile requests mixed into load, nginx proxy_pass
#      throughput as a reference; and the criterion signing micro-benchmark
# Not part of `make test`. Results (JSON + the table) go to artifacts/bench/<date>/.
# Knobs: BENCH_RUNS (browser loads, default 5), BENCH_FLOOR_RUNS (3), BENCH_WRK_SECONDS (10: each
#        proxy latency/throughput run), BENCH_LOAD_SECONDS (30: the proxy's load phase),
#        BENCH_SKIP_BUILD=1 (measure what is already built), BENCH_DIST (default dist/),
#        BENCH_OUT (result dir).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
cd "$REPO"
T0=$SECONDS
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
RUNS="${BENCH_RUNS:-5}"
FLOOR_RUNS="${BENCH_FLOOR_RUNS:-3}"
WRK_SECONDS="${BENCH_WRK_SECONDS:-10}"
DIST="${BENCH_DIST:-$REPO/dist}"
STAMP="$(date -u +%Y-%m-%dT%H%M%SZ)"
OUT="${BENCH_OUT:-$REPO/artifacts/bench/$STAMP}"
mkdir -p "$OUT"
COUNTER="$REPO/bench/counter"
# Shares the workspace target dir: the counter reuses the UI's compiled Leptos where features match.
COUNTER_TARGET="$TARGET_DIR"
PROXY_RELEASE="$TARGET_DIR/release/undelete-proxy"
UI_WASM="$TARGET_DIR/wasm32-unknown-unknown/release/undelete.wasm"
PY="$VENV/bin/python"

# --- build --------------------------------------------------------------------------------
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  EXTRA_APT_PACKAGES="$BENCH_APT_PACKAGES" bash "$REPO/scripts/setup.sh"
  if ! command -v twiggy >/dev/null || [ "$(twiggy --version | awk '{print $2}')" != "$TWIGGY_VERSION" ]; then
    log "bench: cargo install twiggy $TWIGGY_VERSION"
    cargo install --locked --quiet twiggy --version "$TWIGGY_VERSION"
  fi
  if [ -z "${BENCH_DIST:-}" ]; then
    bash "$REPO/scripts/build.sh" ui
  else # e.g. BENCH_DIST=/tmp/bench-dist: leave dist/ alone (someone may be testing with it)
    cargo fetch --quiet
    trunk build --release --dist "$DIST"
  fi
  log "bench: building the floor: bench/counter (trunk build --release)"
  (cd "$COUNTER" && cargo fetch --quiet && CARGO_TARGET_DIR="$COUNTER_TARGET" trunk build --release)
  log "bench: cargo build --release -p undelete-proxy"
  cargo build --release --quiet -p undelete-proxy
fi
for f in "$DIST/index.html" "$COUNTER/dist/index.html" "$PROXY_RELEASE" "$UI_WASM"; do
  [ -e "$f" ] || die "missing $f (run without BENCH_SKIP_BUILD)"
done
command -v twiggy >/dev/null || die "twiggy is missing: cargo install --locked twiggy --version $TWIGGY_VERSION"

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
  "$PY" "$REPO/scripts/bench/moto_bench.py" --port "$port" --total "$1" --deleted-every "$2" \
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
start_proxy() { # [static dir] -> sets PROXY_URL; dummy keys: moto's IAM auth is off for the benchmarks
  local port; port=$(free_port)
  env -u AWS_PROFILE -u AWS_SESSION_TOKEN -u AWS_DEFAULT_PROFILE \
    AWS_ACCESS_KEY_ID=AKIDBENCHMARK0000000 AWS_SECRET_ACCESS_KEY=benchmark-secret-key \
    AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    "$PROXY_RELEASE" --listen "127.0.0.1:$port" --region us-east-1 --endpoint-url "$MOTO_URL" \
    --static-dir "${1:-$DIST}" >"$RUN/proxy-$port.log" 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$port/healthz" 30 "${pids[-1]}" || { cat "$RUN/proxy-$port.log"; die "the proxy did not start"; }
  PROXY_URL="http://127.0.0.1:$port"
}

# --- 1. transfer size -----------------------------------------------------------------------
log "bench: sizes (gzip -9, brotli -q 11) and twiggy"
# twiggy needs names, which the shipped wasm no longer has: the same cargo output through
# wasm-bindgen and wasm-opt -Oz -g. It still has what the post-build hook takes out (the stubs
# of the unused wasm-streams exports, see scripts/wasm-link.mjs, and the long import names), so
# its total is above dist/'s.
wasm-bindgen --target web --no-typescript --out-dir "$RUN/named" "$UI_WASM"
wasm-opt -Oz -g "$RUN/named/undelete_bg.wasm" -o "$RUN/named.wasm"
"$PY" "$REPO/scripts/bench/sizes.py" --dist "$DIST" --floor "$COUNTER/dist" --out "$OUT/sizes.json" \
  --named-wasm "$RUN/named.wasm" --twiggy "$(command -v twiggy)"
twiggy top -n 25 "$RUN/named.wasm" >"$OUT/twiggy-top.txt"

# --- 2. time to the list ----------------------------------------------------------------------
start_moto 5000 3
start_proxy
log "bench: floor: plain-script paging straight to moto ($FLOOR_RUNS runs per mode)"
"$PY" "$REPO/scripts/bench/list_floor.py" --endpoint "$MOTO_URL" --runs "$FLOOR_RUNS" >"$OUT/list_floor.json"
log "bench: the same plain script through the proxy (1 run)"
"$PY" "$REPO/scripts/bench/list_floor.py" --endpoint "$PROXY_URL/api/secretsmanager" --runs 1 \
  --mode sequential >"$OUT/list_floor_proxy.json"
log "bench: headless Chromium: $RUNS page loads (+1 warm-up)"
node "$REPO/scripts/bench/browser.mjs" list --url "$PROXY_URL/" --runs "$RUNS" >"$OUT/browser_list.json"
log "bench: browser floor: a plain fetch loop page, same proxy, same Chromium ($RUNS loads)"
start_proxy "$REPO/scripts/bench/plain_page"
node "$REPO/scripts/bench/browser.mjs" list --url "$PROXY_URL/" --runs "$RUNS" >"$OUT/browser_plain.json"
stop_all

# --- 3. filtering -----------------------------------------------------------------------------
start_moto 2000 1
start_proxy
log "bench: search filtering with 2,000 deleted rows"
node "$REPO/scripts/bench/browser.mjs" filter --url "$PROXY_URL/" >"$OUT/browser_filter.json"
stop_all

# --- 4. the proxy: latency added, load, hostile mix; signing ------------------------------------
bash "$REPO/scripts/bench/proxy_overhead.sh" "$PROXY_RELEASE" "$OUT/proxy.json" "$WRK_SECONDS"
log "bench: cargo bench -p undelete-proxy --bench signing (criterion)"
cargo bench --quiet -p undelete-proxy --bench signing 2>/dev/null | tee "$OUT/criterion.txt" >&2

# --- the table --------------------------------------------------------------------------------
"$PY" - "$OUT/meta.json" "$STAMP" "$((SECONDS - T0))" "$LOAD_START" <<'PY'
import json, os, platform, subprocess, sys
def sh(c):
    try: return subprocess.run(c, shell=True, capture_output=True, text=True).stdout.strip()
    except Exception: return ""
cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
json.dump({"date": sys.argv[2], "seconds": int(sys.argv[3]),
           "machine": f"{cpu}, {os.cpu_count()} cores, {round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30, 1)} GiB, {platform.system()} {platform.release()}",
           "load": sh("cut -d' ' -f1-3 /proc/loadavg"), "load_start": sys.argv[4],
           "tools": sh("rustc --version; trunk --version; wasm-opt --version; /usr/bin/chromium --version 2>/dev/null; nginx -v 2>&1; wrk --version 2>&1 | head -1").split("\n")},
          open(sys.argv[1], "w"))
PY
"$PY" "$REPO/scripts/bench/report.py" "$OUT" | tee "$OUT/table.txt"
log "bench: done in $((SECONDS - T0))s; results in ${OUT#"$REPO"/}/"
