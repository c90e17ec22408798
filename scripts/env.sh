# shellcheck shell=bash
# Sourced by every script (and usable by hand: `source scripts/env.sh`).
# Sets REPO, loads tools/versions.env and puts the project's tools first on PATH:
#   node_modules/.bin  (wasm-opt from npm binaryen: must win over any Debian wasm-opt)
#   ~/.cargo/bin       (trunk, wasm-bindgen, wasm-bindgen-test-runner)
#   .venv/bin          (moto_server, python with boto3)
# CARGO_TARGET_DIR is left alone: unset means the workspace's target/ (what CI caches).

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO

set -a
# shellcheck source=../tools/versions.env
. "$REPO/tools/versions.env"
set +a

export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
case ":$PATH:" in
  *":$REPO/node_modules/.bin:"*) ;;
  *) PATH="$REPO/node_modules/.bin:$CARGO_HOME/bin:$PATH:$REPO/.venv/bin" ;;
esac
export PATH

VENV="$REPO/.venv"
export VENV
# Where built things live (honours an existing CARGO_TARGET_DIR).
TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
export TARGET_DIR
PROXY_BIN="$TARGET_DIR/debug/undelete-proxy"
export PROXY_BIN
# Chromium for the e2e suite and for wasm-bindgen-test-runner (via chromedriver).
export CHROMIUM_BIN="${CHROMIUM_BIN:-/usr/bin/chromium}"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"

# Colourless, timestamped progress lines on stderr.
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
