#!/usr/bin/env bash
# Browser tests: a fresh database with the demo data, the real server on a loopback port, and
# Playwright driving headless Debian Chromium. Expects `cargo leptos build` to have run and
# TEST_DATABASE_URL (or DATABASE_URL) to reach a Postgres where databases can be created.
# E2E_PROFILE=release serves `cargo leptos build --release` output; arguments go to Playwright
# (e.g. `--grep "long"`).
set -euo pipefail
cd "$(dirname "$0")/.."

base=${TEST_DATABASE_URL:-${DATABASE_URL:?set DATABASE_URL or TEST_DATABASE_URL}}
server_url=${base%/*}
db="switchboard_e2e_$(date +%s)_$$"
port=${E2E_PORT:-3137}
log=target/e2e-server.log

psql "$server_url/postgres" -qAtc "CREATE DATABASE $db"
export E2E_DATABASE_URL="$server_url/$db"

SWITCHBOARD_ADDR="127.0.0.1:$port" DATABASE_URL="$E2E_DATABASE_URL" SWITCHBOARD_SEED_DEMO=on \
  SWITCHBOARD_SIMULATOR=off SWITCHBOARD_SIGN_IN_LIMIT_ADDRESS=${SWITCHBOARD_SIGN_IN_LIMIT_ADDRESS:-1000/60} \
  LEPTOS_SITE_ROOT=target/site RUST_LOG=${RUST_LOG:-info,sqlx=warn} \
  "target/${E2E_PROFILE:-debug}/server" >"$log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  psql "$server_url/postgres" -qAtc "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
}
trap cleanup EXIT

for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { echo "e2e: the server exited; its log:" >&2; cat "$log" >&2; exit 1; }
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { echo "e2e: server not ready" >&2; cat "$log" >&2; exit 1; }

export BASE_URL="http://127.0.0.1:$port"
(cd end2end && npx playwright test "$@") || { echo "e2e: failed; server log in $log" >&2; exit 1; }
