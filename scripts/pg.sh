#!/usr/bin/env bash
# A private Postgres cluster for this project, in a project-local data directory, on its own
# port and socket, so it never collides with a system Postgres.
#
#   scripts/pg.sh start KIND   start (initdb on first use); prints `export DATABASE_URL=...`
#                              and SWITCHBOARD_PG_STARTED=1 if it was not running yet
#   scripts/pg.sh stop  KIND   stop it (fast shutdown)
#   scripts/pg.sh reset KIND   stop it and delete its data directory
#   scripts/pg.sh url   KIND   print its DATABASE_URL
#
# dev:   .data/postgres        port ${SWITCHBOARD_PG_PORT:-54329}, database `switchboard`
# test:  .data/postgres-test   port ${SWITCHBOARD_TEST_PG_PORT:-54330}, fsync off (throwaway data)
# bench: .data/postgres-bench  port ${SWITCHBOARD_BENCH_PG_PORT:-54331}, durable like dev (the
#        write benchmark measures commits, so it keeps fsync on)
# Postgres refuses to run as root: as root, the cluster runs as the `postgres` system user.
set -euo pipefail

cmd=${1:-}
kind=${2:-dev}
root=$(cd "$(dirname "$0")/.." && pwd)
case "$kind" in
  dev)  data=${SWITCHBOARD_PG_DATA:-$root/.data/postgres};      port=${SWITCHBOARD_PG_PORT:-54329} ;;
  test) data=${SWITCHBOARD_TEST_PG_DATA:-$root/.data/postgres-test}; port=${SWITCHBOARD_TEST_PG_PORT:-54330} ;;
  bench) data=${SWITCHBOARD_BENCH_PG_DATA:-$root/.data/postgres-bench}; port=${SWITCHBOARD_BENCH_PG_PORT:-54331} ;;
  *) echo "pg.sh: unknown cluster '$kind' (dev, test or bench)" >&2; exit 2 ;;
esac
db=switchboard
user=switchboard
url="postgres://$user@127.0.0.1:$port/$db"

log() { echo "pg.sh: $*" >&2; }

bindir() {
  if command -v pg_ctl >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v pg_ctl)")"; return; fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$d" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return; fi
  log "no Postgres server found; installing it from the OS packages"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  else
    sudo apt-get update -qq >&2 && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  fi
  ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1
}

# Run a Postgres program as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

running() { [ -f "$data/postmaster.pid" ] && as_owner "$BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; }

start() {
  BIN=$(bindir)
  mkdir -p "$data"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    chown -R postgres: "$data"
    chmod 700 "$data"
    if ! runuser -u postgres -- test -x "$data"; then
      log "the postgres user cannot reach $data (a parent directory is private)."
      log "set SWITCHBOARD_PG_DATA to a directory it can reach, e.g. /var/tmp/switchboard-pg"
      exit 1
    fi
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    log "creating a new cluster in $data"
    as_owner "$BIN/initdb" -D "$data" -U "$user" --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    {
      echo "listen_addresses = '127.0.0.1'"
      echo "port = $port"
      echo "unix_socket_directories = '$data'"
      echo "max_connections = 300"
      echo "shared_buffers = 128MB"
      if [ "$kind" = test ]; then
        echo "fsync = off"
        echo "synchronous_commit = off"
        echo "full_page_writes = off"
      fi
    } | as_owner tee -a "$data/postgresql.conf" >/dev/null
  fi
  started=0
  if running; then
    log "already running on port $port"
  else
    started=1
    # setsid: Ctrl-C in the terminal stops the server first; whoever started us stops Postgres.
    as_owner setsid -w "$BIN/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start >/dev/null \
      || { log "Postgres did not start; see $data/server.log"; tail -n 20 "$data/server.log" >&2; exit 1; }
    log "started on 127.0.0.1:$port (data: $data)"
  fi
  if ! as_owner "$BIN/psql" -h "$data" -p "$port" -U "$user" -d postgres -Atqc \
      "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    as_owner "$BIN/createdb" -h "$data" -p "$port" -U "$user" "$db"
  fi
  echo "export DATABASE_URL=$url"
  # Callers stop the cluster afterwards only if this call started it.
  echo "export SWITCHBOARD_PG_STARTED=$started"
}

stop() {
  BIN=$(bindir)
  if running; then
    as_owner "$BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null && log "stopped ($data)"
  fi
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  reset) stop; rm -rf "$data"; log "deleted $data" ;;
  url) echo "$url" ;;
  *) sed -n '2,16p' "$0" >&2; exit 2 ;;
esac
