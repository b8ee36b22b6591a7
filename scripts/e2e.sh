#!/usr/bin/env bash
# Browser tests: a fresh database with the demo data, the real server on a loopback port, and
# Playwright driving headless Debian Chromium. Expects `cargo leptos build` to have run and
# TEST_DATABASE_URL (or DATABASE_URL) to reach a Postgres where databases can be created.
# E2E_PROFILE=release serves `cargo leptos build --release` output; arguments go to Playwright
# (e.g. `--grep "long"`).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/test-server.sh

port=${E2E_PORT:-3137}
# Many sign-ins from one address in a few minutes: lift that limit (tests/api covers it).
# Calls the tests leave active must not time out under later tests (tests/api covers timeouts).
start_test_server e2e "$port" \
  SWITCHBOARD_SIGN_IN_LIMIT_ADDRESS="${SWITCHBOARD_SIGN_IN_LIMIT_ADDRESS:-1000/60}" \
  SWITCHBOARD_CALL_TIMEOUT_QUEUED_SECS=86400 SWITCHBOARD_CALL_TIMEOUT_RINGING_SECS=86400 \
  SWITCHBOARD_CALL_TIMEOUT_IN_PROGRESS_SECS=86400
export E2E_DATABASE_URL=$TEST_SERVER_DB_URL
export BASE_URL="http://127.0.0.1:$port"
if ! (cd end2end && npx playwright test "$@"); then
  node scripts/e2e-digest.mjs end2end/test-results/report.json "$TEST_SERVER_LOG" >&2 || true
  echo "e2e: failed; server log in $TEST_SERVER_LOG" >&2
  exit 1
fi
