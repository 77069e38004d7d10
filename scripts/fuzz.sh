#!/usr/bin/env bash
# Runs every cargo-fuzz target for N seconds each (default 60; `make test` uses 5).
# The growing corpus lives in the cache, seeded from fuzz/seeds; a crash leaves its input
# in fuzz/artifacts/<target>/ and fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
seconds="${1:-60}"
targets=(token decision_request events_request)
# Its own target dir: instrumented builds must not evict the normal ones.
export CARGO_TARGET_DIR="$PERSONA_CACHE/fuzz-target"
# No sanitizer: the project forbids unsafe code, so AddressSanitizer would add build and
# run time without finding more than coverage-guided fuzzing with panics does.
# RUSTC_BOOTSTRAP lets the stable compiler take the fuzzing flags cargo-fuzz passes.
export RUSTC_BOOTSTRAP=1
echo "fuzz: building the targets (instrumented; the first build takes several minutes)"
cargo fuzz build --sanitizer none
log="$PERSONA_CACHE/fuzz-last.log"
for t in "${targets[@]}"; do
  corpus="$PERSONA_CACHE/fuzz-corpus/$t"
  mkdir -p "$corpus"
  set +e
  cargo fuzz run --sanitizer none "$t" "$corpus" "fuzz/seeds/$t" -- \
    -max_total_time="$seconds" -max_len=16384 -print_final_stats=1 >"$log" 2>&1
  status=$?
  set -e
  runs=$(awk -F: '/^stat::number_of_executed_units/ { gsub(/ /, "", $NF); print $NF }' "$log")
  if [ "$status" -ne 0 ]; then
    tail -40 "$log" >&2
    echo "fuzz: $t FAILED after ${runs:-?} inputs (the input is saved under fuzz/artifacts/$t/)" >&2
    exit 1
  fi
  echo "fuzz: $t ran ${seconds}s, ${runs:-?} inputs, no panic"
done
echo "fuzz: all targets ran clean"
