#!/usr/bin/env bash
# Lighthouse on the pages as users get them: the release build (`cargo leptos build --release
# --precompress`, what `make run` serves) on a fresh seeded database with the dialer simulator
# and the agent worker running, scored by scripts/lighthouse.mjs (login, campaign list, a
# campaign page: every category >= 95, first load <= 700 KB; it fails otherwise).
#
# Expects that build and TEST_DATABASE_URL (or DATABASE_URL) reaching a Postgres where
# databases can be created. LH_PRESETS="mobile" (or "desktop") for one of the two settings.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/test-server.sh

port=${LH_PORT:-3950}
E2E_PROFILE=release start_test_server lighthouse "$port" \
  SWITCHBOARD_SIMULATOR=on SWITCHBOARD_AGENT_WORKER=on RUST_LOG=warn
campaign=$(psql "$TEST_SERVER_DB_URL" -qAtc "SELECT id FROM campaigns WHERE name = 'Spring Renewals'")
# Let the simulator get going: the pages are measured while calls change.
sleep "${LH_WARMUP_SECS:-10}"
# Both of Lighthouse's settings: its default (a phone: the target) and its desktop one (where an
# operations dashboard is mostly used), one after the other on the same server.
status=0
for preset in ${LH_PRESETS:-mobile desktop}; do
  LH_PRESET=$preset LH_URL="http://127.0.0.1:$port" LH_CAMPAIGN="$campaign" node scripts/lighthouse.mjs || status=1
done
exit $status
