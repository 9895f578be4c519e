#!/usr/bin/env bash
# Runs a command with DATABASE_URL pointing at a brand-new PostgreSQL cluster on a free loopback
# port, and removes the cluster afterwards whatever happens. Usage:
#   scripts/with-throwaway-postgres.sh npm test
# PG_BIN overrides where initdb/pg_ctl live (default: Debian's PostgreSQL 15, else the PATH).
set -euo pipefail

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
[ -x "$PG_BIN/initdb" ] || PG_BIN="$(dirname "$(command -v initdb || echo /nonexistent/initdb)")"
if [ ! -x "$PG_BIN/initdb" ]; then
  echo "with-throwaway-postgres: initdb not found (set PG_BIN)" >&2
  exit 1
fi

workdir="$(mktemp -d "${TMPDIR:-/tmp}/lumen-pg.XXXXXX")"
# PostgreSQL refuses to run as root; as root, run the cluster as the 'postgres' system user.
as_owner=()
if [ "$(id -u)" = 0 ]; then
  as_owner=(runuser -u postgres --)
  chown postgres "$workdir"
fi

stop_cluster() {
  "${as_owner[@]}" "$PG_BIN/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap stop_cluster EXIT

port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
"${as_owner[@]}" "$PG_BIN/initdb" -D "$workdir/data" -U lumen --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
"${as_owner[@]}" "$PG_BIN/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w \
  -o "-p $port -k $workdir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null

export DATABASE_URL="postgresql://lumen@127.0.0.1:$port/postgres"
echo "Throwaway PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on port $port"
"$@"
