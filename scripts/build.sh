#!/usr/bin/env bash
# Builds the UI in release mode (Trunk -> dist/) and the native workspace (proxy + tests, debug).
#   scripts/build.sh [ui|native|all]     (default: all)
# Assumes scripts/setup.sh has run (make does that). Honours an existing CARGO_TARGET_DIR.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO"
what="${1:-all}"

# Trunk.toml sets `offline = true`, which passes --offline to cargo: fetch everything first
# (all targets, so the native and wasm builds below find their crates too).
t=$SECONDS
# In CI the committed Cargo.lock must be complete and current (--locked).
cargo fetch --quiet ${CI:+--locked}
log "build: cargo fetch done ($((SECONDS - t))s)"

if [ "$what" = ui ] || [ "$what" = all ]; then
  t=$SECONDS
  log "build: trunk build --release -> dist/ (wasm-opt: $(command -v wasm-opt))"
  trunk build --release
  [ -f dist/index.html ] || die "trunk build finished but dist/index.html is missing"
  log "build: UI done ($((SECONDS - t))s): $(du -sh dist | cut -f1) in dist/"
fi

if [ "$what" = native ] || [ "$what" = all ]; then
  t=$SECONDS
  # --all-targets builds the proxy binary with the same features as `cargo test --workspace`
  # (dev-dependencies unify features), so the test run reuses it instead of rebuilding.
  log "build: cargo build --workspace --all-targets (debug)"
  cargo build --workspace --all-targets
  [ -x "$PROXY_BIN" ] || die "expected the proxy binary at $PROXY_BIN"
  log "build: native done ($((SECONDS - t))s)"
fi
