#!/usr/bin/env bash
# What capture costs a writing transaction, in CPU instructions (part of `make bench`): Postgres in
# single-user mode (`postgres --single`) under valgrind's callgrind, which counts the same for the
# same input whatever else the machine is doing — unlike pgbench's rates, which drift by ±10-20 %
# here from one minute to the next. Each figure is the difference between 900 and 300 single-row
# UPDATE transactions (start-up and first-use costs cancel out), divided by 600:
#   - an UPDATE of `calls` with the capture trigger disabled, and enabled;
#   - the sequencer's work per commit, with a batch every 1, 15 or 50 commits;
#   - one look of the sequencer at a log with nothing new.
# Migrations are applied with psql to a throwaway cluster; CAPTURE_COST_UNTIL=<version> applies
# only those before it (for a before/after). Needs valgrind (Debian's `valgrind`).
#
#   scripts/bench-capture-cost.sh
set -euo pipefail
cd "$(dirname "$0")/.."

until=${CAPTURE_COST_UNTIL:-99999999999999}
port=${CAPTURE_COST_PORT:-54398}
command -v valgrind >/dev/null || { echo "bench-capture-cost: valgrind is missing (apt-get install valgrind)" >&2; exit 1; }
bin=$(dirname "$(readlink -f "$(command -v pg_ctl 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n 1)")")
work=$(mktemp -d /var/tmp/switchboard-capture-cost.XXXXXX)
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres: "$work"
cleanup() {
  as_owner "$bin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

as_owner "$bin/initdb" -D "$work/data" -U switchboard --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
printf "port = %s\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\n" "$port" "$work" \
  >> "$work/data/postgresql.conf"
as_owner "$bin/pg_ctl" -D "$work/data" -l "$work/log" -w start >/dev/null
url="postgres://switchboard@127.0.0.1:$port"
psql "$url/postgres" -qAtc "CREATE DATABASE cost"
for f in migrations/*.sql; do
  v=$(basename "$f" | cut -d_ -f1)
  [ "$v" -lt "$until" ] || continue
  psql "$url/cost" -qAt -1 -v ON_ERROR_STOP=1 -f "$f" >/dev/null
done
# 20,000 calls, then 20,000 single-row commits numbered, so the log and its indexes have the
# size and statistics of a running system.
psql "$url/cost" -qAt -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
INSERT INTO organizations (name, slug) VALUES ('Acme', 'acme');
INSERT INTO campaigns (organization_id, name, status)
  SELECT id, 'Campaign ' || g, 'active' FROM organizations, generate_series(1, 10) g;
INSERT INTO contacts (organization_id, campaign_id, name, phone)
  SELECT organization_id, id, 'Contact ' || g, '+1555' || g FROM campaigns, generate_series(1, 500) g;
INSERT INTO calls (organization_id, campaign_id, contact_id, status, started_at)
  SELECT organization_id, campaign_id, id, 'IN_PROGRESS', now() FROM contacts, generate_series(1, 4);
CREATE TABLE bench_calls AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM calls;
ALTER TABLE bench_calls ADD PRIMARY KEY (n);
SQL
printf '%s\n' '\set n random(1, 20000)' \
  'UPDATE calls c SET failure_reason = NULL FROM bench_calls b WHERE b.n = :n AND c.id = b.id;' > "$work/warm.sql"
pgbench -n -c 2 -t 10000 -f "$work/warm.sql" "$url/cost" >/dev/null 2>&1
for _ in 1 2 3; do psql "$url/cost" -qAtc "SELECT count(*) FROM realtime.sequence_changes(1000000)" >/dev/null; done
psql "$url/cost" -qAtc "VACUUM ANALYZE"
as_owner "$bin/pg_ctl" -D "$work/data" -w stop >/dev/null

# Instructions of one single-user session: N UPDATE transactions, a batch every SEQ of them
# (0: never), or N bare sequencer looks (kind=idle).
count() { # name kind n seq
  local name=$1 kind=$2 n=$3 every=$4 d="$work/run" f="$work/$1.sql"
  rm -rf "$d"; cp -a "$work/data" "$d"; rm -f "$d/postmaster.pid"
  {
    [ "$kind" = off ] && printf 'ALTER TABLE calls DISABLE TRIGGER realtime_capture;\n\n'
    for i in $(seq 1 "$n"); do
      if [ "$kind" != idle ]; then
        printf 'UPDATE calls c SET failure_reason = NULL FROM bench_calls b WHERE b.n = %d AND c.id = b.id;\n\n' \
          $(( (i * 7919) % 20000 + 1 ))
      fi
      if [ "$kind" = idle ] || { [ "$every" -gt 0 ] && [ $((i % every)) = 0 ]; }; then
        printf 'SELECT count(*) FROM realtime.sequence_changes(1000);\n\n'
      fi
    done
  } > "$f"
  [ "$(id -u)" -eq 0 ] && chown -R postgres: "$d" "$f"
  as_owner valgrind --tool=callgrind --callgrind-out-file="$work/$name.out" \
    "$bin/postgres" --single -D "$d" -j -c fsync=off -c synchronous_commit=off cost < "$f" 2> "$work/$name.log" >/dev/null
  grep -o 'Collected : [0-9]*' "$work/$name.log" | grep -o '[0-9]*$'
}
# Per unit: (900 − 300 runs) / 600, in thousands of instructions.
per() { echo $(( ($(count "$1-b" "$2" 900 "$3") - $(count "$1-a" "$2" 300 "$3")) / 600000 )); }

off=$(per off off 0)
on=$(per on on 0)
echo "capture cost in instructions (postgres --single under callgrind; thousands per transaction):"
echo "  single-row UPDATE, capture off: ${off}k; on: ${on}k (the trigger: +$((on - off))k, +$(( (on - off) * 100 / off ))%)"
for every in 1 15 50; do
  with=$(per "seq$every" on "$every")
  echo "  + the sequencer, a batch every $every commits: +$((with - on))k per commit; capture in all: +$(( (with - off) * 100 / off ))%"
done
echo "  one look at a log with nothing new: $(per idle idle 0)k"
