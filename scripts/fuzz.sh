#!/usr/bin/env bash
# API fuzzing: schemathesis (from PyPI, pinned) generates requests from /api/openapi.json and
# checks every response against the document (`--checks all`), signed in as an admin, against
# the real server on a fresh seeded database. Expects `cargo leptos build` (or `cargo build
# -p server`) to have run and TEST_DATABASE_URL (or DATABASE_URL) to reach a Postgres where
# databases can be created. FUZZ_MAX_EXAMPLES (default 30) sets the depth; arguments go to
# schemathesis.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
venv=.data/fuzz-venv
if [ "$("$venv/bin/schemathesis" --version 2>/dev/null | awk '{print $3}')" != "$SCHEMATHESIS_VERSION" ]; then
  echo "fuzz: installing schemathesis $SCHEMATHESIS_VERSION into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

. scripts/test-server.sh
port=${FUZZ_PORT:-3138}
# The fuzzer signs in thousands of times from one address, with made-up accounts.
start_test_server fuzz "$port" RUST_LOG="${RUST_LOG:-warn}" \
  SWITCHBOARD_SIGN_IN_LIMIT_ADDRESS=100000/60 SWITCHBOARD_SIGN_IN_LIMIT_ACCOUNT=100000/60

token=$(curl -fsS -X POST "http://127.0.0.1:$port/api/auth/token" -H 'content-type: application/json' \
  -d '{"email":"admin@acme.example","password":"switchboard-demo"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

# Real ids half of the time, so the fuzzer reaches past "not found": this organization's
# campaigns, calls, agents, contacts with agent work, drafts and follow-ups, and the other
# organization's too (those must stay 404).
ids=$(psql "$TEST_SERVER_DB_URL" -qAtc "SELECT string_agg(format('\"%s\"', id), ',') FROM (
  (SELECT id FROM campaigns) UNION ALL (SELECT id FROM calls ORDER BY created_at DESC LIMIT 20)
  UNION ALL (SELECT id FROM agents) UNION ALL (SELECT contact_id FROM agent_tasks LIMIT 10)
  UNION ALL (SELECT id FROM drafts LIMIT 20) UNION ALL (SELECT id FROM follow_ups LIMIT 10)) x")
config=target/fuzz-schemathesis.toml
cat >"$config" <<TOML
[dictionaries.ids]
values = [$ids]

[parameters]
"path.id" = { dictionary = "ids", probability = 0.5 }

# Drafts and follow-ups have rules no schema can say (a time in the past, a subject on a text
# message, a decision someone already made): 409 and 422 are right answers to requests that
# match the schema. The stateful phase also follows ids read from responses, null ones too.
[[operations]]
include-path-regex = "^/api/(drafts|follow-ups)/"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422"]
phases.stateful.checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409", "422"]

# Presence and broadcast: a room name's form, a payload's size and the sender's rate are rules
# no schema here says (400, 429); a made-up connection id is someone else's or nobody's (404).
[[operations]]
include-path-regex = "^/api/(presence|broadcast)$"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "404", "429"]
phases.stateful.checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "404", "429"]

# Editing: a field's base may be stale (409), a record deleted meanwhile (410), and what a
# field accepts depends on its name in a free-form map (422) — rules no schema here can say.
[[operations]]
include-path-regex = "^/api/(clients|trips|campaigns)"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "410", "422"]
phases.stateful.checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409", "410", "422"]
TOML

# Left out: the event stream (it never ends, by design: tests/api covers it) and revoking the
# token the fuzzer signs in with (it would sign itself out; tests/api covers it too).
"$venv/bin/schemathesis" --config-file "$config" run "http://127.0.0.1:$port/api/openapi.json" \
  --checks all \
  --header "Authorization: Bearer $token" \
  --max-examples "${FUZZ_MAX_EXAMPLES:-30}" \
  --exclude-path /api/realtime/stream \
  --exclude-operation-id revoke_token \
  --request-timeout 10 \
  --seed 1 \
  "$@" || { echo "fuzz: failed; server log in $TEST_SERVER_LOG" >&2; exit 1; }
