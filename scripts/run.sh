#!/usr/bin/env bash
# `make run`: install what is missing, start the private Postgres (unless DATABASE_URL is
# set), build, load the demo data and serve on http://127.0.0.1:3000 with the dialer simulator
# and the agent worker. It serves the optimized build, as users get it: release server, release
# WASM through wasm-opt, content-hashed file names (cached for a year) and brotli/gzip files
# made at build time.
#
# `make dev` (`scripts/run.sh --dev`): the same with the debug build, rebuilt and restarted on
# every source change (`cargo leptos watch`): seconds per change instead of minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
set -a; [ -f .env ] && . ./.env; set +a
mode=release
[ "${1:-}" = "--dev" ] && mode=dev

scripts/setup.sh
if [ -z "${DATABASE_URL:-}" ]; then
  eval "$(scripts/pg.sh start dev)"
  [ "$SWITCHBOARD_PG_STARTED" = 1 ] && trap 'scripts/pg.sh stop dev' EXIT
fi

if [ "$mode" = release ]; then
  cargo leptos build --release --precompress
fi

export SWITCHBOARD_ADDR=${SWITCHBOARD_ADDR:-127.0.0.1:3000}
export SWITCHBOARD_SEED_DEMO=${SWITCHBOARD_SEED_DEMO:-on}
export SWITCHBOARD_SIMULATOR=${SWITCHBOARD_SIMULATOR:-on}
export SWITCHBOARD_AGENT_WORKER=${SWITCHBOARD_AGENT_WORKER:-on}
export LEPTOS_SITE_ROOT=${LEPTOS_SITE_ROOT:-target/site}

cat <<MSG

  Switchboard  →  http://$SWITCHBOARD_ADDR

  Demo logins (password: switchboard-demo — demo data only):
    operator@acme.example    organizer@acme.example    admin@acme.example
    operator@globex.example  organizer@globex.example  admin@globex.example

  Database:  DATABASE_URL=$DATABASE_URL
             (psql "\$DATABASE_URL" reaches the same database)
  Simulator: $SWITCHBOARD_SIMULATOR (SWITCHBOARD_SIMULATOR=off make run to turn it off)
  Agents:    $SWITCHBOARD_AGENT_WORKER (SWITCHBOARD_AGENT_WORKER=off make run to turn them off)
  Stop with Ctrl-C.

MSG
# Not exec: the EXIT trap above stops Postgres after the server has shut down.
if [ "$mode" = release ]; then
  target/release/server
else
  cargo leptos watch
fi
