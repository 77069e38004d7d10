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
# One line on what failed, for the end of `make test`'s summary.
failure="$PERSONA_CACHE/fuzz-failure"
rm -f "$failure"
echo "fuzz: building the targets (instrumented; the first build takes several minutes)"
if ! cargo fuzz build --sanitizer none; then
  echo "the instrumented build failed (see the compiler's output above)" >"$failure"
  exit 1
fi
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
    # CI logs are often cut to their last lines: say what failed and on which input in
    # the few lines that survive, and keep the input outside the clone.
    # The input libFuzzer wrote for this failure (older artifacts in the folder are not it).
    mkdir -p "$PERSONA_CACHE/fuzz-crashes/$t"
    input=$(sed -n 's/.*Test unit written to \([^ ]*\).*/\1/p' "$log" | tail -n1)
    if [ -n "$input" ] && [ -f "$input" ]; then
      cp "$input" "$PERSONA_CACHE/fuzz-crashes/$t/"
      echo "fuzz: $t input $(basename "$input") (bytes, escaped): $(head -c 300 "$input" | od -An -c | tr -s ' \n' ' ')"
    fi
    why=$(grep -m1 -A1 -E "panicked at|ERROR: libFuzzer" "$log" | tr "\n" " " || true)
    why=${why:-see $log}
    echo "fuzz: $t why: $why"
    echo "$t: $why" >"$failure"
    echo "fuzz: $t FAILED after ${runs:-?} inputs (input kept in fuzz/artifacts/$t/ and $PERSONA_CACHE/fuzz-crashes/$t/)"
    exit 1
  fi
  echo "fuzz: $t ran ${seconds}s, ${runs:-?} inputs, no panic"
done
echo "fuzz: all targets ran clean"
