# Sourced by e2e.sh and fuzz.sh: a fresh database on the test Postgres and the real server on a
# loopback port, stopped and dropped on exit.
#
#   start_test_server <name> <port> [VAR=value ...]
#
# Needs TEST_DATABASE_URL (or DATABASE_URL) to reach a Postgres where databases can be created.
# Sets TEST_SERVER_DB_URL (the database) and TEST_SERVER_LOG; the server binary is
# target/${E2E_PROFILE:-debug}/server.

start_test_server() {
  local name=$1 port=$2
  shift 2
  local base=${TEST_DATABASE_URL:-${DATABASE_URL:?set DATABASE_URL or TEST_DATABASE_URL}}
  TEST_SERVER_PG=${base%/*}
  TEST_SERVER_DB="switchboard_${name}_$(date +%s)_$$"
  TEST_SERVER_DB_URL="$TEST_SERVER_PG/$TEST_SERVER_DB"
  TEST_SERVER_LOG="target/$name-server.log"
  psql "$TEST_SERVER_PG/postgres" -qAtc "CREATE DATABASE $TEST_SERVER_DB"
  env SWITCHBOARD_ADDR="127.0.0.1:$port" DATABASE_URL="$TEST_SERVER_DB_URL" SWITCHBOARD_SEED_DEMO=on \
    SWITCHBOARD_SIMULATOR=off LEPTOS_SITE_ROOT=target/site RUST_LOG="${RUST_LOG:-info,sqlx=warn}" "$@" \
    "target/${E2E_PROFILE:-debug}/server" >"$TEST_SERVER_LOG" 2>&1 &
  TEST_SERVER_PID=$!
  trap stop_test_server EXIT
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
    if ! kill -0 "$TEST_SERVER_PID" 2>/dev/null; then
      echo "$name: the server exited; its log:" >&2
      cat "$TEST_SERVER_LOG" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "$name: the server is not ready; its log:" >&2
  cat "$TEST_SERVER_LOG" >&2
  return 1
}

stop_test_server() {
  kill "$TEST_SERVER_PID" 2>/dev/null || true
  wait "$TEST_SERVER_PID" 2>/dev/null || true
  psql "$TEST_SERVER_PG/postgres" -qAtc "DROP DATABASE IF EXISTS $TEST_SERVER_DB WITH (FORCE)" || true
}
