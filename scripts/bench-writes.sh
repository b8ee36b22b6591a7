#!/usr/bin/env bash
# Commit throughput of captured writes (part of `make bench`): pgbench single-row UPDATEs of
# `calls`, and 10-row transactions, with capture on (the sequencer numbering commits, a server
# running) and off (the capture trigger disabled), at 1, 8 and 32 writers — and, for the
# before/after, the commit-time design this replaced (an advisory lock and a NOTIFY in every
# writing transaction, rebuilt here in a copy of the database) and, to show where the cost
# lies, the capture trigger alone (no server running: nothing numbers or reads the log while
# it runs). Durable cluster: fsync on.
#
#   WRITERS="1 8 32" WRITE_SECONDS=10 WRITE_REPS=3 scripts/bench-writes.sh   (needs target/release/server)
set -euo pipefail
cd "$(dirname "$0")/.."

writers=${WRITERS:-"1 8 32"}
seconds=${WRITE_SECONDS:-10}
reps=${WRITE_REPS:-3}
port=${WRITE_BENCH_PORT:-3910}
calls=20000

eval "$(scripts/pg.sh start bench)"
base=${DATABASE_URL%/*}
db="switchboard_writes_$$"
legacy="${db}_legacy"
work=$(mktemp -d)
pid=
stop_server() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  pid=
}
cleanup() {
  stop_server || true
  psql "$base/postgres" -qAtc "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
  psql "$base/postgres" -qAtc "DROP DATABASE IF EXISTS $legacy WITH (FORCE)" || true
  rm -rf "$work"
  [ "${SWITCHBOARD_PG_STARTED:-0}" = 1 ] && scripts/pg.sh stop bench || true
}
trap cleanup EXIT

start_server() {
  SWITCHBOARD_ADDR="127.0.0.1:$port" DATABASE_URL="$base/$db" SWITCHBOARD_SEED_DEMO=on \
    SWITCHBOARD_SIMULATOR=off SWITCHBOARD_AGENT_WORKER=off RUST_LOG=warn \
    target/release/server > target/bench-writes-server.log 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return
    sleep 0.5
  done
  echo "bench-writes: the server did not start (target/bench-writes-server.log)" >&2
  exit 1
}

psql "$base/postgres" -qAtc "CREATE DATABASE $db"
start_server
# Enough calls that 32 writers rarely touch the same row; numbered for pgbench.
psql "$base/$db" -qAt <<SQL
INSERT INTO calls (organization_id, campaign_id, contact_id)
SELECT organization_id, campaign_id, id FROM contacts,
       generate_series(1, ceil($calls::numeric / (SELECT count(*) FROM contacts))::int)
LIMIT $calls;
CREATE TABLE bench_calls AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM calls;
ALTER TABLE bench_calls ADD PRIMARY KEY (n);
SQL
rows=$(psql "$base/$db" -qAtc "SELECT count(*) FROM bench_calls")
cat > "$work/one.sql" <<'SQL'
\set n random(1, :rows)
UPDATE calls c SET failure_reason = NULL FROM bench_calls b WHERE b.n = :n AND c.id = b.id;
SQL
{
  echo "BEGIN;"
  for i in $(seq 1 10); do
    echo "\\set n$i random(1, :rows)"
    echo "UPDATE calls c SET failure_reason = NULL FROM bench_calls b WHERE b.n = :n$i AND c.id = b.id;"
  done
  echo "COMMIT;"
} > "$work/ten.sql"

# The design before migration 20261202000008, in a copy: the deferred trigger of migration
# realtime_capture (read from that file, which never changes), which takes a transaction-scoped
# advisory lock at COMMIT, numbers the transaction and notifies.
stop_server
psql "$base/postgres" -qAtc "CREATE DATABASE $legacy TEMPLATE $db"
{
  echo "CREATE SEQUENCE realtime.commit_seq AS bigint;"
  echo "DO \$\$ BEGIN PERFORM setval('realtime.commit_seq', realtime.current_seq() + 1, false); END \$\$;"
  awk '/^CREATE FUNCTION realtime.sequence_commit\(\)/,/EXECUTE FUNCTION realtime.sequence_commit\(\);/' \
    migrations/20261120000002_realtime_capture.sql
} | psql "$base/$legacy" -qAt -v ON_ERROR_STOP=1
start_server

# pgbench; prints the transactions per second.
tps() {
  local url=$1 script=$2 n=$3
  pgbench -n -c "$n" -j "$(( n < 2 ? 1 : 2 ))" -T "$seconds" -D rows="$rows" -f "$script" "$url" 2>/dev/null \
    | awk '/^tps/ {printf "%.0f", $3}'
}
capture() { psql "$base/$db" -qAtc "ALTER TABLE calls $1 TRIGGER realtime_capture"; }
# Every captured commit numbered: how long after the writers stopped, and that none is left.
settled() {
  local start=$(date +%s%N) left
  for _ in $(seq 1 200); do
    left=$(psql "$base/$db" -qAtc "SELECT count(*) FROM (SELECT DISTINCT txid FROM realtime.changes) t \
      WHERE NOT EXISTS (SELECT 1 FROM realtime.commits c WHERE c.txid = t.txid)")
    [ "$left" = 0 ] && break
    sleep 0.05
  done
  echo "$left unnumbered, settled $(( ($(date +%s%N) - start) / 1000000 )) ms after the run"
}

# The machine's speed drifts by ±10-20 % from one minute to the next: each configuration runs
# REPS times, interleaved, and the median is reported (with the range).
median() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
range() { tr ' ' '\n' | grep . | sort -n | awk 'NR==1 {lo=$1} {hi=$1} END {printf "%s-%s", lo, hi}'; }
measure() { # label writers script scale
  local label=$1 n=$2 script=$3 scale=$4 offs="" ons="" olds="" trigs="" check
  for _ in $(seq 1 "$reps"); do
    capture DISABLE; offs="$offs $(( $(tps "$base/$db" "$script" "$n") * scale ))"
    capture ENABLE; ons="$ons $(( $(tps "$base/$db" "$script" "$n") * scale ))"; check=$(settled)
    olds="$olds $(( $(tps "$base/$legacy" "$script" "$n") * scale ))"
    # The write path alone: the trigger on, no server (so no sequencer and no tailer);
    # the commits wait in the log and the restarted server numbers them.
    stop_server; trigs="$trigs $(( $(tps "$base/$db" "$script" "$n") * scale ))"
    start_server; settled >/dev/null
  done
  local off on old trig
  off=$(echo "$offs" | median); on=$(echo "$ons" | median); old=$(echo "$olds" | median)
  trig=$(echo "$trigs" | median)
  printf '%-22s %8s %14s %14s %14s %14s   sequencer %s%% of no capture, trigger alone %s%% (runs: %s / %s / %s / %s); %s\n' \
    "$label" "$n" "$off" "$on" "$old" "$trig" "$(( on * 100 / (off > 0 ? off : 1) ))" \
    "$(( trig * 100 / (off > 0 ? off : 1) ))" "$(echo "$offs" | range)" "$(echo "$ons" | range)" \
    "$(echo "$olds" | range)" "$(echo "$trigs" | range)" "$check"
}

echo "commit throughput of captured writes (pgbench, fsync on, ${seconds}s per run, median of $reps, $rows calls):"
printf '%-22s %8s %14s %14s %14s %14s\n' "" writers "no capture" "sequencer" "commit lock" "trigger alone"
for n in $writers; do
  measure "single-row UPDATE tps" "$n" "$work/one.sql" 1
done
measure "10-row txn rows/s" 8 "$work/ten.sql" 10
