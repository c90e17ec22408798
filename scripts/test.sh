#!/usr/bin/env bash
# Runs every test: native unit + integration tests (cargo test --workspace), the wasm-bindgen tests
# of the UI crate (in headless Chromium via chromedriver), and the browser end-to-end suite
# (e2e/, Playwright driving Debian Chromium against dist/ served by the proxy, the proxy against
# moto with IAM auth on).
#   scripts/test.sh                      all stages (after setup + build)
#   TEST_STAGES="e2e" scripts/test.sh    only some of: cargo wasm e2e
#   E2E_FILES="e2e/restore.test.mjs" ...  only some e2e files
# Ends with the runners' summary lines and a total; exits non-zero if anything failed.
# Logs: artifacts/logs/. Screenshots: artifacts/screenshots/.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO"
STAGES="${TEST_STAGES:-cargo wasm e2e}"
LOGS="$REPO/artifacts/logs"
mkdir -p "$LOGS"
rm -f "$LOGS"/*.log
failed=()

run_stage() { # name, command...
  local name="$1"; shift
  local t=$SECONDS
  log "test: == $name: $*"
  "$@" 2>&1 | tee "$LOGS/$name.log"
  local rc=${PIPESTATUS[0]}
  log "test: == $name finished with exit code $rc ($((SECONDS - t))s)"
  [ "$rc" = 0 ] || failed+=("$name")
  return "$rc"
}

has_stage() { case " $STAGES " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

bash "$REPO/scripts/setup.sh" || exit 1

build_ok=1
if has_stage e2e; then
  run_stage build-ui bash "$REPO/scripts/build.sh" ui || build_ok=0
fi
if has_stage cargo || has_stage e2e; then
  run_stage build-native bash "$REPO/scripts/build.sh" native || build_ok=0
fi

if has_stage cargo; then
  run_stage cargo-test cargo test --workspace
fi

if has_stage wasm; then
  # wasm-bindgen-test-runner drives Chromium through chromedriver; webdriver.json adds the
  # flags Chromium needs here (root, closed network). Tests not configured for the browser run
  # in Node.
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  WASM_BINDGEN_TEST_WEBDRIVER_JSON="$REPO/scripts/webdriver.json" \
  WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}" \
  CHROMEDRIVER="$CHROMEDRIVER" \
    run_stage wasm-test cargo test -p undelete --target wasm32-unknown-unknown --tests
fi

if has_stage e2e; then
  if [ "$build_ok" = 1 ]; then
    # shellcheck disable=SC2086
    run_stage e2e node --test --test-reporter=spec --test-concurrency=1 --test-timeout=300000 \
      ${E2E_FILES:-e2e/*.test.mjs}
  else
    log "test: e2e skipped: the build failed"
    failed+=("e2e (not run: build failed)")
  fi
fi

# ---- summary: the runners' own closing lines, then one total ---------------------------------
echo
echo "==================== summary ===================="
passed=0 nfailed=0
for f in "$LOGS/cargo-test.log" "$LOGS/wasm-test.log"; do
  [ -f "$f" ] || continue
  echo "--- $(basename "$f" .log) (cargo test):"
  grep -E '^test result: ' "$f" || echo "(no 'test result' line: it did not get to run tests)"
  read -r p n < <(awk '/^test result: /{for(i=2;i<=NF;i++){if($i=="passed;")p+=$(i-1); if($i=="failed;")f+=$(i-1)}} END{print p+0, f+0}' "$f")
  passed=$((passed + ${p:-0})); nfailed=$((nfailed + ${n:-0}))
done
if [ -f "$LOGS/e2e.log" ]; then
  echo "--- e2e (node --test):"
  grep -E '^ℹ (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) ' "$LOGS/e2e.log" \
    || echo "(no node --test summary: it did not get to run tests)"
  p=$(grep -E '^ℹ pass ' "$LOGS/e2e.log" | tail -1 | awk '{print $3}')
  n=$(grep -E '^ℹ fail ' "$LOGS/e2e.log" | tail -1 | awk '{print $3}')
  c=$(grep -E '^ℹ cancelled ' "$LOGS/e2e.log" | tail -1 | awk '{print $3}')
  passed=$((passed + ${p:-0})); nfailed=$((nfailed + ${n:-0} + ${c:-0}))
fi
if [ "${#failed[@]}" -gt 0 ]; then
  echo "FAILED stages: ${failed[*]} (logs in artifacts/logs/)"
  [ "$nfailed" -gt 0 ] || nfailed=1
fi
echo "total: $passed passed, $nfailed failed"
[ "${#failed[@]}" -eq 0 ]
