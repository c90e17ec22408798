#!/usr/bin/env bash
# Phase 5 of `make bench` (docs/benchmarks.md): the fleet list, also runnable alone to iterate:
#   scripts/bench/fleet.sh [OUT_DIR]
# 12 targets (the proxy's own account + 2 spokes through AssumeRole roles, x 4 regions), 300
# secrets each, 100 of them scheduled for deletion (scripts/bench/moto_fleet.py, in-process moto),
# behind scripts/bench/delay_upstream.py, which adds BENCH_FLEET_DELAY_MS (50) to every call,
# Secrets Manager and STS alike. Three release proxies forward to it: the dashboard over the 12
# targets, the fleet floor (scripts/bench/plain_fleet: a plain fetch loop, 6 in flight) over the
# same 12, and the dashboard over one target alone (the own account's first region, no roles).
# They are loaded turn about in headless Chromium (scripts/bench/browser.mjs list).
# Measures what is built: the release proxy ($TARGET_DIR/release/undelete-proxy) and the UI in
# BENCH_DIST (default dist/); build them first (`make bench` does, or:
# `cargo build --release -p undelete-proxy` and `trunk build --release --dist DIR`).
# Knobs: BENCH_RUNS (loads per page, default 5, +1 warm-up), BENCH_FLEET_DELAY_MS (50),
#        BENCH_DIST, BENCH_OUT (alone: default artifacts/bench/fleet-<date>/).
# Writes to OUT_DIR: browser_fleet.json, moto_fleet.json, fleet_upstream.json (the calls the
# delaying upstream forwarded, per action), fleet_proxy.txt (the proxies' start-up lines). Alone,
# it also writes meta.json and table.txt (this phase only) and prints the table.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
cd "$REPO"
T0=$SECONDS
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
RUNS="${BENCH_RUNS:-5}"
DELAY_MS="${BENCH_FLEET_DELAY_MS:-50}"
DIST="${BENCH_DIST:-$REPO/dist}"
STAMP="$(date -u +%Y-%m-%dT%H%M%SZ)"
ALONE=""
if [ $# -ge 1 ]; then OUT="$1"; else OUT="${BENCH_OUT:-$REPO/artifacts/bench/fleet-$STAMP}"; ALONE=1; fi
mkdir -p "$OUT"
PROXY_RELEASE="$TARGET_DIR/release/undelete-proxy"
PLAIN_FLEET="$REPO/scripts/bench/plain_fleet"
for f in "$DIST/index.html" "$PROXY_RELEASE"; do
  [ -e "$f" ] || die "missing $f (build it first: see the header of $0)"
done

. "$REPO/scripts/bench/stack.sh"

start_fleet_moto
start_delay "$MOTO_URL" "$DELAY_MS"
PROXY_UPSTREAM="$DELAY_URL"
fleet_args=(--region "$FLEET_REGIONS")
for i in "${!FLEET_ROLE_ARNS[@]}"; do fleet_args+=(--role-arn "spoke-$((i + 1))=${FLEET_ROLE_ARNS[$i]}"); done
: >"$OUT/fleet_proxy.txt"
start_proxy "$DIST" "${fleet_args[@]}"; DASHBOARD_URL="$PROXY_URL"
{ echo "# dashboard, 12 targets: undelete-proxy ${fleet_args[*]}"; cat "$PROXY_LOG"; } >>"$OUT/fleet_proxy.txt"
start_proxy "$PLAIN_FLEET" "${fleet_args[@]}"; PLAIN_URL="$PROXY_URL"
{ echo "# fleet floor: the same arguments"; cat "$PROXY_LOG"; } >>"$OUT/fleet_proxy.txt"
start_proxy "$DIST" --region "${FLEET_REGIONS%%,*}"; ONE_URL="$PROXY_URL"
{ echo "# dashboard, one target: undelete-proxy --region ${FLEET_REGIONS%%,*}"; cat "$PROXY_LOG"; } >>"$OUT/fleet_proxy.txt"

# Every target must be there and available, or the figures would compare different work.
"$VENV/bin/python" - "$DASHBOARD_URL" "$PLAIN_URL" "$ONE_URL" "$RUN/moto-fleet.json" <<'PY'
import json, sys, urllib.request
seeded = json.load(open(sys.argv[4]))
for url, want in ((sys.argv[1], seeded["targets"]), (sys.argv[2], seeded["targets"]), (sys.argv[3], 1)):
    targets = json.load(urllib.request.urlopen(f"{url}/api/config", timeout=30))["targets"]
    if len(targets) != want or not all(t["available"] for t in targets):
        sys.exit(f"fleet: {url}/api/config lists {targets}, expected {want} available targets")
PY

log "bench: fleet: dashboard (12 targets), fleet floor (plain fetch loop, 12 targets), dashboard (1 target);" \
  "$RUNS loads each (+1 warm-up), turn about, upstream +$DELAY_MS ms a call"
node "$REPO/scripts/bench/browser.mjs" list --runs "$RUNS" --page "fleet_dashboard=$DASHBOARD_URL/" \
  --page "fleet_plain=$PLAIN_URL/" --page "one_target=$ONE_URL/" >"$OUT/browser_fleet.json"
cp "$RUN/moto-fleet.json" "$OUT/moto_fleet.json"
stop_all
# The delaying upstream's last line: the calls it forwarded, per action.
"$VENV/bin/python" - "$RUN/delay.json" "$OUT/fleet_upstream.json" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
json.dump({**lines[0], **(lines[1] if len(lines) > 1 else {"calls": None})}, open(sys.argv[2], "w"))
PY

if [ -n "$ALONE" ]; then
  "$VENV/bin/python" "$REPO/scripts/bench/meta.py" "$OUT/meta.json" "$STAMP" "$((SECONDS - T0))" "$LOAD_START"
  "$VENV/bin/python" "$REPO/scripts/bench/report.py" "$OUT" | tee "$OUT/table.txt"
  log "bench: fleet done in $((SECONDS - T0))s; results in ${OUT#"$REPO"/}/"
fi
