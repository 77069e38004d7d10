#!/usr/bin/env bash
# `make bench`: login verify time, verify-audit throughput, console page server times at
# scale, time to first byte of the login page under a fixed request rate, and the wasm
# bundle size, the decision rule, a full buyer evaluation, and the runtime API under load. Prints figures for
# docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
bin="$CARGO_TARGET_DIR/release/persona-console"
command -v brotli >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq brotli >/dev/null; }

echo "== login verify (argon2id m=19456,t=2,p=1; median of 20)"
cargo bench --profile bench-release -p persona-console --bench login_verify 2>/dev/null | grep login_verify

echo "== verify-audit throughput (one tenant's chain of 1,000,000 entries, SQLite)"
cargo bench --profile bench-release -p persona-console --bench verify_audit 2>/dev/null | grep verify_audit

echo "== console pages at scale (10,000 personas, 1,000,000 audit entries, SQLite; SSR server time)"
cargo bench --profile bench-release -p persona-console --bench console_pages 2>/dev/null | grep '^page='

echo "== login page: TTFB at a fixed 20 requests/s for 15 s (one client, loopback)"
work=$(mktemp -d)
port=3199
DATABASE_URL="sqlite://$work/bench.db" "$bin" serve --addr "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
for i in $(seq 1 300); do
  start=$(date +%s%N)
  curl -s -o /dev/null -w '%{time_starttransfer}\n' "http://127.0.0.1:$port/login" >>"$work/ttfb.txt"
  # Hold the rate at 20/s: sleep what is left of this request's 50 ms slot.
  left=$(( 50000000 - ($(date +%s%N) - start) ))
  [ "$left" -gt 0 ] && sleep "0.$(printf '%09d' "$left")"
done
sort -n "$work/ttfb.txt" | awk '{ v[NR] = $1 * 1000 } END {
  printf "login_page_ttfb_ms p50=%.2f p99=%.2f max=%.2f n=%d\n", v[int(NR*0.5)], v[int(NR*0.99)], v[NR], NR }'

echo "== decision rule alone (criterion; 100 grants)"
cargo bench --profile bench-release -p persona-console --bench decide 2>/dev/null | grep -E '^decide|time:'

echo "== buyer evaluation (one space of 1,000 personas x 5 grants, SQLite; 200 runs after 20 warm-ups)"
cargo bench --profile bench-release -p persona-console --bench evaluation 2>/dev/null | grep -E '^(evaluation_full|readiness_gate)'

echo "== runtime API under load (1,000 personas x 100 grants, SQLite; server on core 0, generator on core 1)"
bash scripts/bench-runtime.sh

echo "== wasm bundle (release)"
wasm="$CARGO_TARGET_DIR/site/pkg/persona-console.wasm"
raw=$(stat -c %s "$wasm")
br=$(brotli -c -q 11 "$wasm" | wc -c)
echo "wasm_raw_bytes=$raw wasm_brotli_bytes=$br brotli_ratio=$(awk -v r="$raw" -v b="$br" 'BEGIN { printf "%.3f", b / r }')"
