#!/usr/bin/env bash
# `make test`: unit and integration tests (SQLite and PostgreSQL), then the browser
# journeys against a release build. Ends with the runners' own summaries and a total.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
mkdir -p "$PERSONA_CACHE"
log="$PERSONA_CACHE/last-cargo-test.log"

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

pg_url="${PERSONA_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if psql "$pg_url" -qtAc 'select 1' >/dev/null 2>&1; then
  echo "PostgreSQL reachable at $pg_url: integration tests run on SQLite and PostgreSQL."
elif [ "${PERSONA_REQUIRE_POSTGRES:-0}" = 1 ]; then
  echo "PostgreSQL is required (PERSONA_REQUIRE_POSTGRES=1) but not reachable at $pg_url" >&2
  exit 1
else
  printf '\n\033[1;33m!!! PostgreSQL is NOT reachable at %s: the PostgreSQL variants are SKIPPED !!!\033[0m\n\n' "$pg_url"
fi

# A full disk makes databases and linkers fail in confusing ways: say so up front, and
# drop incremental build state (rebuildable) when space is short.
free_kb=$(df -Pk "$CARGO_TARGET_DIR" 2>/dev/null | awk 'NR == 2 { print $4 }' || echo 0)
if [ "${free_kb:-0}" -lt $((8 * 1024 * 1024)) ]; then
  echo "Low disk space ($((free_kb / 1024)) MB free): removing incremental build state."
  rm -rf "$CARGO_TARGET_DIR"/debug/incremental "$CARGO_TARGET_DIR"/release/incremental
fi
echo "Disk: $(df -Ph "$CARGO_TARGET_DIR" 2>/dev/null | awk 'NR == 2 { print $4 " free on " $6 }')"

say "Unit and integration tests"
set +e
cargo test -p persona-console -p app -p migration --features app/ssr 2>&1 | tee "$log"
rust_status=${PIPESTATUS[0]}
set -e
rust_passed=$(awk '/^test result:/ { for (i = 1; i < NF; i++) if ($(i+1) ~ /^passed/) s += $i } END { print s + 0 }' "$log")
rust_failed=$(awk '/^test result:/ { for (i = 1; i < NF; i++) if ($(i+1) ~ /^failed/) s += $i } END { print s + 0 }' "$log")

say "Fuzz targets, 5 seconds each (make fuzz runs them longer)"
set +e
scripts/fuzz.sh 5
fuzz_status=$?
set -e

say "Release build for the browser tests"
cargo leptos build --release ${PERSONA_LIB_CARGO_ARGS:+--lib-cargo-args=$PERSONA_LIB_CARGO_ARGS}

say "Browser tests (Playwright, Debian's Chromium)"
set +e
(cd end2end && PERSONA_BIN="$CARGO_TARGET_DIR/release/persona-console" npx playwright test)
e2e_status=$?
set -e
read -r e2e_passed e2e_failed < <(node -e '
  try {
    const s = require("./end2end/.e2e/results.json").stats;
    console.log(s.expected, s.unexpected + s.flaky);
  } catch { console.log(0, 1); }')

echo
echo "rust: ${rust_passed:-0} passed, ${rust_failed:-0} failed"
echo "browser: ${e2e_passed} passed, ${e2e_failed} failed"
if [ "$fuzz_status" -eq 0 ]; then
  echo "fuzz: 3 targets clean"
else
  echo "fuzz: FAILED: $(cat "$PERSONA_CACHE/fuzz-failure" 2>/dev/null || echo "see the fuzz step above")"
fi
if [ "$rust_status" -ne 0 ] || [ "$e2e_status" -ne 0 ] || [ "$fuzz_status" -ne 0 ]; then
  echo "make test: FAILED" >&2
  exit 1
fi
echo "total: $((rust_passed + e2e_passed)) passed, $((rust_failed + e2e_failed)) failed"
