#!/usr/bin/env bash
# A disposable PostgreSQL 15 for tests and local runs.
#   throwaway-postgres.sh start DIR   -> prints a connection string on stdout
#   throwaway-postgres.sh stop DIR
#   throwaway-postgres.sh pause DIR    -> stops the server, keeps its data (outage tests)
#   throwaway-postgres.sh halt DIR     -> an immediate stop, as in a crash; the data stays
#   throwaway-postgres.sh resume DIR   -> starts a paused or halted server again on the same port
# Installs Debian's postgresql-15 when the binaries are missing. The server refuses to run as
# root, so as root it runs as the postgres user.
set -euo pipefail

action="${1:?start or stop}"
dir="${2:?data directory}"
bin=/usr/lib/postgresql/15/bin

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

serve() {
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $1 -k $dir -c listen_addresses=127.0.0.1 -c timezone=Europe/Moscow -c fsync=on -c max_connections=300" start >/dev/null
}

case "$action" in
  pause)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    exit 0 ;;
  halt)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
    exit 0 ;;
  resume)
    serve "$(cat "$dir/port")"
    exit 0 ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$dir"
    exit 0 ;;
esac

if [ ! -x "$bin/pg_ctl" ]; then
  echo "installing postgresql-15" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15) >&2
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
  || shuf -i 20000-60000 -n 1)

mkdir -p "$dir"
if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >/dev/null
echo "$port" >"$dir/port"
# Tests must not depend on the server's zone being UTC.
serve "$port"
echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
