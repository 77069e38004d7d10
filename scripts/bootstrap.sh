#!/usr/bin/env bash
# Installs what building, running and testing need, each piece only when missing.
# Idempotent: a second run with everything present takes a second or two.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

CARGO_LEPTOS_VERSION=0.3.11
CARGO_FUZZ_VERSION=0.13.2
BINARYEN_VERSION=132
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
mkdir -p "$PERSONA_TOOLS" "$PERSONA_CACHE"

apt_updated=0
apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "bootstrap: need Debian packages: $* (run as root, or: sudo apt-get install $*)" >&2
    exit 1
  fi
  if [ "$apt_updated" = 0 ]; then
    say "apt-get update"
    apt-get update -qq
    apt_updated=1
  fi
  say "Installing Debian packages: $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

say "Toolchain route: $PERSONA_ROUTE"
if [ "$PERSONA_ROUTE" = debian ]; then
  need=()
  [ -x /usr/bin/rustc ] || need+=(rustc-web)
  [ -x /usr/bin/cargo ] || need+=(cargo-web)
  [ -d /usr/lib/rustlib/src/rust/library ] || need+=(rust-web-src)
  [ -x /usr/bin/cargo-clippy ] || [ -x /usr/bin/clippy-driver ] || need+=(rust-web-clippy)
  [ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"
  if [ -z "${CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER:-}" ]; then
    echo "bootstrap: no rust-lld found under ~/.rustup to link wasm32; install rustup's stable toolchain" >&2
    exit 1
  fi
  echo "    $(/usr/bin/rustc --version); wasm linker: $CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER"
else
  echo "    $(rustc --version) with the wasm32-unknown-unknown target"
fi

if ! cargo-leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  say "Installing cargo-leptos $CARGO_LEPTOS_VERSION (compiles from source: about 20 minutes on two cores)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --features no_downloads --locked \
    --root "$PERSONA_TOOLS" --target-dir "$PERSONA_CACHE/tool-build"
fi

wbg_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " $wbg_version\$"; then
  say "Installing wasm-bindgen-cli $wbg_version, the version in Cargo.lock (about 4 minutes)"
  # Not --locked: one locked dependency of the CLI is missing from the registry mirror here.
  cargo install wasm-bindgen-cli --version "$wbg_version" --force \
    --root "$PERSONA_TOOLS" --target-dir "$PERSONA_CACHE/tool-build"
fi

if ! wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
  say "Installing wasm-opt (binaryen@$BINARYEN_VERSION from npm; Debian's 108 breaks hydration)"
  mkdir -p "$PERSONA_CACHE/binaryen"
  npm install --prefix "$PERSONA_CACHE/binaryen" --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
fi

if ! cargo-fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  say "Installing cargo-fuzz $CARGO_FUZZ_VERSION (about 2 minutes)"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked \
    --root "$PERSONA_TOOLS" --target-dir "$PERSONA_CACHE/tool-build"
fi

if [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi

if [ ! -d end2end/node_modules/@playwright/test ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  say "Installing the browser-test dependencies (npm ci in end2end/)"
  (cd end2end && npm ci --no-audit --no-fund --silent)
fi

say "Toolchain ready"
