#!/usr/bin/env bash
# Installs whatever is missing for building, demoing and testing Undelete.
# Idempotent: every step checks first and is a no-op (well under a second) when already done.
# Everything comes from the package registries only (crates.io, PyPI, npm, Debian apt):
#   rustup target wasm32-unknown-unknown
#   wasm-bindgen-cli  (cargo install, version = the wasm-bindgen in Cargo.lock)
#   trunk             (cargo install --locked)
#   chromium, chromium-driver (apt; needs root or sudo)
#   .venv with moto[server] + boto3 (pip)
#   node_modules with binaryen (wasm-opt) + playwright-core (npm ci from package-lock.json)
# Versions: tools/versions.env.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO"

step_start=0
step() { step_start=$SECONDS; log "setup: $*"; }
done_step() { log "setup:   done ($((SECONDS - step_start))s)"; }

# --- consistency checks (cheap, first, so a mismatch fails before any long install) ---------
lock_wb="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
[ -n "$lock_wb" ] || die "could not find the wasm-bindgen version in Cargo.lock"
if [ "$lock_wb" != "$WASM_BINDGEN_VERSION" ]; then
  die "Cargo.lock has wasm-bindgen $lock_wb but tools/versions.env has WASM_BINDGEN_VERSION=$WASM_BINDGEN_VERSION.
       They must be equal (wasm-bindgen-cli must match the library exactly). Update one of them."
fi
for pin in "binaryen:$BINARYEN_VERSION" "playwright-core:$PLAYWRIGHT_CORE_VERSION"; do
  name="${pin%%:*}" want="${pin#*:}"
  got="$(node -p "require('./package.json').devDependencies['$name'] || ''")"
  [ "$got" = "$want" ] || die "package.json pins $name '$got' but tools/versions.env says '$want'"
done

# --- Rust: wasm target --------------------------------------------------------------------
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
  done_step
fi

# --- Debian packages (before the long cargo installs: fails fast without root) -------------
# shellcheck disable=SC2086
missing=()
for p in $APT_PACKAGES ${EXTRA_APT_PACKAGES:-}; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  step "apt-get install ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || die "need root (or sudo) to apt-get install ${missing[*]}"
    SUDO="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  done_step
fi

# --- Python venv: moto server + boto3 ----------------------------------------------------
venv_ok() {
  [ -x "$VENV/bin/moto_server" ] && "$VENV/bin/python" - "$MOTO_VERSION" "$BOTO3_VERSION" <<'EOF' 2>/dev/null
import sys, importlib.metadata as md
import flask  # moto[server] extra
sys.exit(0 if (md.version("moto"), md.version("boto3")) == (sys.argv[1], sys.argv[2]) else 1)
EOF
}
if ! venv_ok; then
  step "python venv .venv with moto[server]==$MOTO_VERSION boto3==$BOTO3_VERSION"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV/bin/pip" install -q "moto[server]==$MOTO_VERSION" "boto3==$BOTO3_VERSION"
  venv_ok || die "the venv at $VENV does not have moto $MOTO_VERSION / boto3 $BOTO3_VERSION after pip install"
  done_step
fi

# --- npm: binaryen (wasm-opt), playwright-core ---------------------------------------
lock_sum="$(sha256sum package-lock.json package.json | sha256sum | cut -c1-64)"
if [ "$(cat node_modules/.undelete-stamp 2>/dev/null)" != "$lock_sum" ] || [ ! -x node_modules/.bin/wasm-opt ] \
   || [ ! -d node_modules/playwright-core ]; then
  step "npm ci (binaryen $BINARYEN_VERSION, playwright-core $PLAYWRIGHT_CORE_VERSION)"
  npm ci --no-audit --no-fund --prefer-offline --loglevel=error
  echo "$lock_sum" > node_modules/.undelete-stamp
  done_step
fi
wasm_opt_v="$(wasm-opt --version 2>/dev/null || true)"
case "$wasm_opt_v" in
  "wasm-opt version ${BINARYEN_VERSION%%.*}"*) ;;
  *) die "wasm-opt on PATH is '$wasm_opt_v' ($(command -v wasm-opt)); expected version ${BINARYEN_VERSION%%.*} from node_modules/.bin" ;;
esac

# --- cargo installs (slow on a fresh machine: ~3 min + ~9 min on 2 cores) ------------------
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ] \
   || [ "$(wasm-bindgen-test-runner --version 2>/dev/null)" != "wasm-bindgen-test-runner $WASM_BINDGEN_VERSION" ]; then
  step "cargo install wasm-bindgen-cli --version =$WASM_BINDGEN_VERSION"
  # Not --locked: the crate's own lockfile names a webpki-roots version the registry no longer has.
  cargo install --force wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
  done_step
fi
if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  step "cargo install --locked trunk --version $TRUNK_VERSION"
  cargo install --locked --force trunk --version "$TRUNK_VERSION"
  done_step
fi

log "setup: all tools present (trunk $TRUNK_VERSION, wasm-bindgen $WASM_BINDGEN_VERSION, wasm-opt ${BINARYEN_VERSION%%.*}, $(chromium --version 2>/dev/null | head -1), moto $MOTO_VERSION, playwright-core $PLAYWRIGHT_CORE_VERSION)"
