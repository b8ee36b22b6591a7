#!/usr/bin/env bash
# `make bench`: the realtime benchmark. A release server on 127.0.0.1:3900 against a fresh
# seeded database on the test cluster (fsync off: this measures the server, not the disk),
# and the `loadgen` client holding N SSE streams while writers commit M changes/s.
#
#   STREAMS="1000 5000 9000" RATES=10,100,1000 SECONDS_PER_RUN=10 make bench
#
# Then the dashboard in the browser (release WASM, headless Chromium): live badge latency after
# a psql write, catch-up time after going offline, the longest main-thread task while 100
# calls change status 4 times a second, and editing latency (EDIT_SAMPLES edits of a trip in one
# browser: local apply, own edit confirmed, seen by another browser), commit → screen for a board
# of 1,000 live calls at 200 changes/s (BOARD_SECONDS of writes, 10 by default); then Lighthouse on the login page, the campaign list
# and a campaign page with the simulator running (scripts/lighthouse.sh: scores and first-load
# bytes, failing below target). BROWSER_BENCH=off skips both, LIGHTHOUSE=off the second.
#
# Then the capacity: streams per instance before the p99 passes 100 ms at 10 changes/s
# (CAPACITY_STREAMS="2000 4000 ..."; CAPACITY_BENCH=off skips it).
# And the commit throughput of captured writes with pgbench (scripts/bench-writes.sh: capture
# on / off / the old commit-lock design, 1, 8 and 32 writers, fsync on). WRITE_BENCH=off skips it.
# And what capture and the sequencer cost per commit in CPU instructions (scripts/bench-capture-
# cost.sh, valgrind on a single-user Postgres: deterministic). CAPTURE_COST=off skips it.
set -euo pipefail
cd "$(dirname "$0")/.."

streams=${STREAMS:-"1000 5000 9000"}
rates=${RATES:-10,100,1000}
seconds=${SECONDS_PER_RUN:-10}
port=${BENCH_PORT:-3900}

scripts/setup.sh --bench
if [ -z "${DATABASE_URL:-}" ]; then
  eval "$(scripts/pg.sh start test)"
fi
stop_pg() { [ "${SWITCHBOARD_PG_STARTED:-0}" = 1 ] && scripts/pg.sh stop test || true; }
server_url=${DATABASE_URL%/*}
db="switchboard_bench_$$"

cargo build --release -p server -p bench

psql "$server_url/postgres" -qAtc "CREATE DATABASE $db"
# Streams and writers share this machine's open-file limit per process (20,000 here).
ulimit -n "$(ulimit -Hn)"
# One benchmark user holds every stream: lift the per-user, per-organization and connection caps.
SWITCHBOARD_ADDR="127.0.0.1:$port" DATABASE_URL="$server_url/$db" SWITCHBOARD_SEED_DEMO=on \
  SWITCHBOARD_SIMULATOR=off DATABASE_MAX_CONNECTIONS=20 RUST_LOG=warn \
  SWITCHBOARD_SIGN_IN_LIMIT_ADDRESS=100000/60 \
  SWITCHBOARD_STREAMS_PER_USER=20000 SWITCHBOARD_STREAMS_PER_ORGANIZATION=20000 \
  SWITCHBOARD_STREAMS_PER_INSTANCE=20000 SWITCHBOARD_MAX_CONNECTIONS=20000 \
  env ${BENCH_SERVER_ENV:-} target/release/server > target/bench-server.log 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  psql "$server_url/postgres" -qAtc "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
}
trap 'cleanup; stop_pg' EXIT
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done

echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; client and server on the same machine"
for n in $streams; do
  echo
  target/release/loadgen --url "http://127.0.0.1:$port" --database-url "$server_url/$db" \
    --server-pid "$pid" --streams "$n" --rates "$rates" --seconds "$seconds" --saturate
  sleep 2
done

if [ "${CAPACITY_BENCH:-on}" != off ]; then
  # Streams per instance before the p99 passes 100 ms at 10 changes/s: the largest N tried
  # that stayed under it.
  echo
  echo "capacity: streams per instance at 10 changes/s until p99 > 100 ms"
  best=0
  for n in ${CAPACITY_STREAMS:-2000 4000 6000 8000 10000 12000}; do
    row=$(target/release/loadgen --url "http://127.0.0.1:$port" --database-url "$server_url/$db" \
      --server-pid "$pid" --streams "$n" --rates 10 --seconds "$seconds" | grep "^| $n |" || true)
    [ -n "$row" ] || { echo "capacity: $n streams could not be measured"; break; }
    echo "$row"
    p99=$(echo "$row" | awk -F'|' '{gsub(/ /, "", $8); print $8}')
    sleep 2
    if awk -v p="$p99" 'BEGIN { exit !(p < 100) }'; then best=$n; else break; fi
  done
  echo "capacity: $best streams with p99 under 100 ms at 10 changes/s"
fi

if [ "${PRESENCE_BENCH:-on}" != off ]; then
  # A second instance on the same database, for the cross-instance figures.
  SWITCHBOARD_ADDR="127.0.0.1:$((port + 1))" DATABASE_URL="$server_url/$db" \
    SWITCHBOARD_SIMULATOR=off DATABASE_MAX_CONNECTIONS=20 RUST_LOG=warn \
    SWITCHBOARD_SIGN_IN_LIMIT_ADDRESS=100000/60 target/release/server > target/bench-server-2.log 2>&1 &
  pid2=$!
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$((port + 1))/healthz" >/dev/null 2>&1 && break
    sleep 0.5
  done
  echo
  echo "presence and broadcast:"
  target/release/presencegen --url "http://127.0.0.1:$port" --url2 "http://127.0.0.1:$((port + 1))" \
    --database-url "$server_url/$db" --server-pid "$pid" --users "${PRESENCE_USERS:-100}" \
    --rate "${PRESENCE_RATE:-20}" --seconds "$seconds"
  kill "$pid2" 2>/dev/null || true
  wait "$pid2" 2>/dev/null || true
fi

if [ "${WRITE_BENCH:-on}" != off ]; then
  # Commit throughput of captured writes, on its own durable cluster (fsync on).
  echo
  scripts/bench-writes.sh
fi
if [ "${CAPTURE_COST:-on}" != off ]; then
  # The same cost counted in instructions (valgrind), which this noisy machine cannot blur.
  echo
  scripts/bench-capture-cost.sh
fi

if [ "${BROWSER_BENCH:-on}" != off ]; then
  echo
  echo "dashboard in the browser (release build):"
  cargo leptos build --release --precompress >/dev/null
  EDIT_SAMPLES=${EDIT_SAMPLES:-60} BOARD_SECONDS=${BOARD_SECONDS:-10} E2E_PROFILE=release \
    TEST_DATABASE_URL="$DATABASE_URL" scripts/e2e.sh --grep "latency|Offline|longest main-thread|board of 1,000" \
    | grep -E "latency|back online|long tasks|passed|failed"
  if [ "${LIGHTHOUSE:-on}" != off ]; then
    echo
    echo "pages as users get them (Lighthouse, release build, simulator running):"
    TEST_DATABASE_URL="$DATABASE_URL" scripts/lighthouse.sh
  fi
fi
