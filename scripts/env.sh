# Sourced by the Makefile and scripts: picks the toolchain route and sets the build
# environment. Cheap and idempotent; installs nothing (scripts/bootstrap.sh does that).
#
# Route "rustup": a normal machine where rustup has the wasm32-unknown-unknown target.
# Route "debian": rustup cannot fetch that target here, so Debian's rustc-web/cargo-web
# build std for wasm32 from rust-web-src (-Zbuild-std) and rustup's rust-lld links it.

export PERSONA_CACHE="${PERSONA_CACHE:-$HOME/.cache/persona-console}"
export PERSONA_TOOLS="${PERSONA_TOOLS:-$PERSONA_CACHE/tools}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

if [ -z "${PERSONA_ROUTE:-}" ]; then
  if command -v rustup >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    PERSONA_ROUTE=rustup
  else
    PERSONA_ROUTE=debian
  fi
fi
export PERSONA_ROUTE

PERSONA_WASM_OPT_DIR="$PERSONA_CACHE/binaryen/node_modules/.bin"
export PATH="$PERSONA_WASM_OPT_DIR:$PERSONA_TOOLS/bin:$PATH"
PERSONA_LIB_CARGO_ARGS=""
if [ "$PERSONA_ROUTE" = debian ]; then
  export PATH="$PERSONA_WASM_OPT_DIR:$PERSONA_TOOLS/bin:/usr/bin:$PATH"
  export RUSTC_BOOTSTRAP=1
  if [ -z "${CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER:-}" ]; then
    for lld in "$HOME"/.rustup/toolchains/*/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld; do
      [ -x "$lld" ] && export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$lld" && break
    done
  fi
  PERSONA_LIB_CARGO_ARGS="-Zbuild-std=std,panic_abort"
fi
export PERSONA_LIB_CARGO_ARGS
