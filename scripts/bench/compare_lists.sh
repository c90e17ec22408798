#!/usr/bin/env bash
# Two UI builds side by side in the same run, on the same moto, the same proxy binary and the
# same Chromium, loaded turn about (A, B, then B, A, ...), so that the machine's noisy moments
# hit both alike. For decisions such as "does this change make the complete list >= 10% faster"
# or "does <For> cost more than 100 ms on a 2,000-row search or re-sort".
#   scripts/bench/compare_lists.sh DIST_A DIST_B
#     list:   5,000 secrets, 1,667 scheduled: first row and complete list of A, B and the
#             browser floor (scripts/bench/plain_page), COMPARE_RUNS loads each (+1 warm-up)
#     search: 2,000 scheduled: type `billing` and erase it in #search, COMPARE_ROUNDS loads each
#     sort:   2,000 scheduled: 6 clicks on the sort buttons, COMPARE_ROUNDS loads each
# Knobs: COMPARE_PARTS (default "list search sort"), COMPARE_RUNS (9), COMPARE_ROUNDS (3),
#        COMPARE_OUT (default artifacts/bench/compare-<UTC date>/). Builds nothing: build the
#        dists (trunk build --release --dist DIR) and the release proxy first.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
[ $# -eq 2 ] || die "usage: scripts/bench/compare_lists.sh DIST_A DIST_B"
A="$(cd "$1" && pwd)"; B="$(cd "$2" && pwd)"
for d in "$A" "$B"; do [ -f "$d/index.html" ] || die "no index.html in $d (trunk build --release --dist $d)"; done
PROXY_RELEASE="$TARGET_DIR/release/undelete-proxy"
[ -x "$PROXY_RELEASE" ] || die "missing $PROXY_RELEASE (cargo build --release -p undelete-proxy)"
PARTS="${COMPARE_PARTS:-list search sort}"
RUNS="${COMPARE_RUNS:-9}"
ROUNDS="${COMPARE_ROUNDS:-3}"
OUT="${COMPARE_OUT:-$REPO/artifacts/bench/compare-$(date -u +%Y-%m-%dT%H%M%SZ)}"
mkdir -p "$OUT"
BROWSER="$REPO/scripts/bench/browser.mjs"
printf '{"a": "%s", "b": "%s", "load_start": "%s"}\n' "$A" "$B" "$(cut -d' ' -f1-3 /proc/loadavg)" >"$OUT/dists.json"

. "$REPO/scripts/bench/stack.sh"

case " $PARTS " in *" list "*)
  start_moto 5000 3
  start_proxy "$A"; A_URL="$PROXY_URL"
  start_proxy "$B"; B_URL="$PROXY_URL"
  start_proxy "$REPO/scripts/bench/plain_page"; PLAIN_URL="$PROXY_URL"
  log "compare: list, $RUNS loads each of A, B and the plain page (+1 warm-up), turn about"
  node "$BROWSER" list --runs "$RUNS" --page "a=$A_URL/" --page "b=$B_URL/" --page "plain_page=$PLAIN_URL/" \
    >"$OUT/list.json"
  stop_all
  ;;
esac
for part in search sort; do
  case " $PARTS " in *" $part "*)
    start_moto 2000 1
    start_proxy "$A"; A_URL="$PROXY_URL"
    start_proxy "$B"; B_URL="$PROXY_URL"
    log "compare: $part with 2,000 rows, $ROUNDS loads each of A and B, turn about"
    mode=$part; [ "$part" = search ] && mode=filter
    node "$BROWSER" "$mode" --rounds "$ROUNDS" --page "a=$A_URL/" --page "b=$B_URL/" >"$OUT/$part.json"
    stop_all
    ;;
  esac
done
"$VENV/bin/python" "$REPO/scripts/bench/compare_report.py" "$OUT" | tee "$OUT/table.txt"
log "compare: results in ${OUT#"$REPO"/}/"
