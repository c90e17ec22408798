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

# Waits until `url` answers 2xx, for at most `seconds`; gives up early if process `pid` died.
wait_http() { # url seconds pid
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# A free TCP port on loopback (for servers the scripts start).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
