#!/usr/bin/env bash
# Phase 6 of `make bench` (docs/benchmarks.md): bulk restore, also runnable alone to iterate:
#   scripts/bench/bulk.sh [OUT_DIR]
# One target (the default account, us-east-1) in in-process moto with 600 secrets, 200 of them
# scheduled for deletion (scripts/bench/moto_bulk.py). Two release proxies forward to it: the
# dashboard's and the bulk floor's (scripts/bench/plain_bulk: the same 200 RestoreSecret calls
# by a plain fetch loop, 5 in flight, the dashboard's bound per account-region). In headless
# Chromium (scripts/bench/browser.mjs bulk), turn about, each load in a fresh context: the
# dashboard's list, "Select all shown", "Cancel deletion for 200 selected", "Confirm restore of
# 200"; the floor's one "Confirm restore of 200" button; from the Confirm click to the first row
# leaving the table and to the run's end. Before every load moto schedules the 200 again through
# its backend; each load must have restored all 200.
# Measures what is built: the release proxy ($TARGET_DIR/release/undelete-proxy) and the UI in
# BENCH_DIST (default dist/); build them first (`make bench` does, or:
# `cargo build --release -p undelete-proxy` and `trunk build --release --dist DIR`).
# Knobs: BENCH_RUNS (loads per page, default 5, +1 warm-up), BENCH_DIST,
#        BENCH_OUT (alone: default artifacts/bench/bulk-<date>/).
# Writes to OUT_DIR: browser_bulk.json, moto_bulk.json. Alone, it also writes meta.json and
# table.txt (this phase only) and prints the table.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
cd "$REPO"
T0=$SECONDS
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
RUNS="${BENCH_RUNS:-5}"
DIST="${BENCH_DIST:-$REPO/dist}"
STAMP="$(date -u +%Y-%m-%dT%H%M%SZ)"
ALONE=""
if [ $# -ge 1 ]; then OUT="$1"; else OUT="${BENCH_OUT:-$REPO/artifacts/bench/bulk-$STAMP}"; ALONE=1; fi
mkdir -p "$OUT"
PROXY_RELEASE="$TARGET_DIR/release/undelete-proxy"
for f in "$DIST/index.html" "$PROXY_RELEASE"; do
  [ -e "$f" ] || die "missing $f (build it first: see the header of $0)"
done

. "$REPO/scripts/bench/stack.sh"

start_bulk_moto
COUNT="$("$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["deleted"])' <"$RUN/moto-bulk.json")"
start_proxy "$DIST"; DASHBOARD_URL="$PROXY_URL"
start_proxy "$REPO/scripts/bench/plain_bulk"; PLAIN_URL="$PROXY_URL"
log "bench: bulk restore: dashboard and bulk floor (plain fetch loop, 5 in flight), $COUNT secrets;" \
  "$RUNS loads each (+1 warm-up), turn about, moto re-scheduled before each"
node "$REPO/scripts/bench/browser.mjs" bulk --runs "$RUNS" --count "$COUNT" --reset "$MOTO_CONTROL_URL/reschedule" \
  --page "bulk_dashboard=$DASHBOARD_URL/" --plain "bulk_plain=$PLAIN_URL/" >"$OUT/browser_bulk.json"
cp "$RUN/moto-bulk.json" "$OUT/moto_bulk.json"
stop_all

if [ -n "$ALONE" ]; then
  "$VENV/bin/python" "$REPO/scripts/bench/meta.py" "$OUT/meta.json" "$STAMP" "$((SECONDS - T0))" "$LOAD_START"
  "$VENV/bin/python" "$REPO/scripts/bench/report.py" "$OUT" | tee "$OUT/table.txt"
  log "bench: bulk done in $((SECONDS - T0))s; results in ${OUT#"$REPO"/}/"
fi
