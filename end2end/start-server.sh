#!/usr/bin/env bash
# Starts persona-console for the browser tests: a fresh SQLite database, the demo tenant
# (its login written to .e2e/demo.json for the tests), and the server on the given port.
set -euo pipefail
cd "$(dirname "$0")"
port="${1:-3100}"
bin="${PERSONA_BIN:-${CARGO_TARGET_DIR:-../target}/release/persona-console}"
[ -x "$bin" ] || { echo "start-server: no binary at $bin (run make build)" >&2; exit 1; }
mkdir -p .e2e
rm -f .e2e/console.db .e2e/console.db-wal .e2e/console.db-shm
export DATABASE_URL="sqlite://$PWD/.e2e/console.db"
"$bin" demo --json --public-url "http://127.0.0.1:$port" > .e2e/demo.json
exec "$bin" serve --addr "127.0.0.1:$port"
