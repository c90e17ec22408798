#!/usr/bin/env bash
# `make bench`: builds what it measures (release UI in dist/, the card floor, the release proxy),
# then measures and prints one table, each figure next to its floor from the same run:
#   1. transfer size of dist/ (raw, gzip -9, brotli) vs bench/card-floor's, and twiggy's view of
#      the wasm
#   2. time to the first row / complete list in headless Chromium (moto in-process, 5,000
#      secrets, 1,667 scheduled for deletion): the dashboard, the card floor and the browser
#      floor (scripts/bench/plain_page), same proxy binary, same moto, loaded turn about
#   3. search keystroke and re-sort click latency with 2,000 deleted rows
#   4. the proxy in front of a fast nginx upstream: added latency (1 and 50 connections), 200
#      connections for 30 s (errors, RSS), hostile requests mixed into load, nginx proxy_pass
#      throughput as a reference; and the criterion signing micro-benchmark
#   5. the fleet list (scripts/bench/fleet.sh, runnable alone): 12 targets (3 accounts x 4
#      regions, 300 secrets each) behind an upstream adding 50 ms a call: the dashboard vs the
#      fleet floor (scripts/bench/plain_fleet, a plain fetch loop, 6 in flight), turn about, and
#      the dashboard over one of those targets alone
#   6. bulk restore (scripts/bench/bulk.sh, runnable alone): 200 secrets restored in one
#      confirmation against moto vs the bulk floor (scripts/bench/plain_bulk, the same 200
#      RestoreSecret calls, 5 in flight), turn about, moto re-scheduled before each load
# Not part of `make test`. Results (JSON + the table) go to artifacts/bench/<date>/.
# Knobs: BENCH_RUNS (browser loads per page, default 5), BENCH_WRK_SECONDS (10: each
#        proxy latency/throughput run), BENCH_LOAD_SECONDS (30: the proxy's load phase),
#        BENCH_SKIP_BUILD=1 (measure what is already built), BENCH_DIST (default dist/),
#        BENCH_UI_WASM (the cargo output of that dist's wasm, for twiggy; skipped if missing),
#        BENCH_OUT (result dir).
# Two UI builds side by side, same run: scripts/bench/compare_lists.sh DIST_A DIST_B.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
cd "$REPO"
T0=$SECONDS
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
RUNS="${BENCH_RUNS:-5}"
WRK_SECONDS="${BENCH_WRK_SECONDS:-10}"
DIST="${BENCH_DIST:-$REPO/dist}"
STAMP="$(date -u +%Y-%m-%dT%H%M%SZ)"
OUT="${BENCH_OUT:-$REPO/artifacts/bench/$STAMP}"
mkdir -p "$OUT"
CARD_FLOOR="$REPO/bench/card-floor"
PROXY_RELEASE="$TARGET_DIR/release/undelete-proxy"
# The UI's wasm as cargo wrote it (index.html selects the wasm-release profile).
UI_WASM="${BENCH_UI_WASM:-$TARGET_DIR/wasm32-unknown-unknown/wasm-release/undelete.wasm}"
PY="$VENV/bin/python"
BROWSER="$REPO/scripts/bench/browser.mjs"

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
  log "bench: building the card floor: bench/card-floor (trunk build --release)"
  # The workspace's target dir: the floor reuses the UI's compiled crates where features match.
  (cd "$CARD_FLOOR" && cargo fetch --quiet && CARGO_TARGET_DIR="$TARGET_DIR" trunk build --release)
  log "bench: cargo build --release -p undelete-proxy"
  cargo build --release --quiet -p undelete-proxy
fi
for f in "$DIST/index.html" "$CARD_FLOOR/dist/index.html" "$PROXY_RELEASE"; do
  [ -e "$f" ] || die "missing $f (run without BENCH_SKIP_BUILD)"
done

. "$REPO/scripts/bench/stack.sh"

# --- 1. transfer size -----------------------------------------------------------------------
log "bench: sizes (gzip -9, brotli -q 11) and twiggy"
twiggy_args=()
if [ -f "$UI_WASM" ] && command -v twiggy >/dev/null; then
  # twiggy needs function names, which Trunk's wasm-opt step drops: the same cargo output
  # through wasm-bindgen and wasm-opt -Oz -g (its total, without the name section, is close to
  # the shipped wasm's).
  wasm-bindgen --target web --no-typescript --out-dir "$RUN/named" "$UI_WASM"
  wasm-opt -Oz -g "$RUN/named/undelete_bg.wasm" -o "$RUN/named.wasm"
  twiggy_args=(--named-wasm "$RUN/named.wasm" --twiggy "$(command -v twiggy)")
  twiggy top -n 25 "$RUN/named.wasm" >"$OUT/twiggy-top.txt"
else
  log "bench: no twiggy breakdown (twiggy or $UI_WASM missing)"
fi
"$PY" "$REPO/scripts/bench/sizes.py" --dist "$DIST" --floor "$CARD_FLOOR/dist" --out "$OUT/sizes.json" \
  "${twiggy_args[@]}"

# --- 2. time to the list ----------------------------------------------------------------------
start_moto 5000 3
start_proxy "$DIST"; DASHBOARD_URL="$PROXY_URL"
start_proxy "$CARD_FLOOR/dist"; CARD_FLOOR_URL="$PROXY_URL"
start_proxy "$REPO/scripts/bench/plain_page"; PLAIN_URL="$PROXY_URL"
log "bench: headless Chromium: dashboard, card floor, browser floor; $RUNS loads each (+1 warm-up), turn about"
node "$BROWSER" list --runs "$RUNS" --page "dashboard=$DASHBOARD_URL/" \
  --page "card_floor=$CARD_FLOOR_URL/" --page "plain_page=$PLAIN_URL/" >"$OUT/browser_list.json"
cp "$RUN/moto-5000.json" "$OUT/moto_list.json"
stop_all

# --- 3. search and re-sort ----------------------------------------------------------------------
start_moto 2000 1
start_proxy "$DIST"
log "bench: search keystrokes and re-sort clicks with 2,000 deleted rows"
node "$BROWSER" filter --page "dashboard=$PROXY_URL/" >"$OUT/browser_filter.json"
node "$BROWSER" sort --page "dashboard=$PROXY_URL/" >"$OUT/browser_sort.json"
stop_all

# --- 4. the proxy: latency added, load, hostile mix; signing ------------------------------------
bash "$REPO/scripts/bench/proxy_overhead.sh" "$PROXY_RELEASE" "$OUT/proxy.json" "$WRK_SECONDS"
log "bench: cargo bench -p undelete-proxy --bench signing (criterion)"
cargo bench --quiet -p undelete-proxy --bench signing 2>/dev/null | tee "$OUT/criterion.txt" >&2

# --- 5. the fleet list: 12 targets behind a 50 ms upstream ----------------------------------------
BENCH_DIST="$DIST" bash "$REPO/scripts/bench/fleet.sh" "$OUT"

# --- 6. bulk restore: 200 secrets in one confirmation ---------------------------------------------
BENCH_DIST="$DIST" bash "$REPO/scripts/bench/bulk.sh" "$OUT"

# --- the table --------------------------------------------------------------------------------
"$PY" "$REPO/scripts/bench/meta.py" "$OUT/meta.json" "$STAMP" "$((SECONDS - T0))" "$LOAD_START"
"$PY" "$REPO/scripts/bench/report.py" "$OUT" | tee "$OUT/table.txt"
log "bench: done in $((SECONDS - T0))s; results in ${OUT#"$REPO"/}/"
