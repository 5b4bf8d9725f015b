#!/usr/bin/env bash
# A private PostgreSQL server for the tests: `pg-test.sh start DIR` makes a new cluster in DIR
# (initdb), starts it on a free port of 127.0.0.1 and prints its connection URI;
# `pg-test.sh stop DIR` stops it. Runs the server as the 'postgres' user when we are root
# (initdb refuses root). Tests run it with fsync=off (speed; a test's data need not survive a
# power cut); PG_FSYNC=on makes it durable as in production, for benchmarks of the write path;
# PG_OPTS adds server settings (e.g. "-c max_wal_size=8GB -c checkpoint_timeout=15min", the
# ingest settings of docs/province.md).
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?directory}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$cmd" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    as_pg "$bin/initdb" -D "$dir/data" -U skyriver --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
    port=""
    for try in $(seq 1 50); do
      p=$(( 20000 + RANDOM % 30000 ))
      if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then port=$p; break; fi
    done
    [ -n "$port" ] || { echo "pg-test: no free port" >&2; exit 1; }
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c fsync=${PG_FSYNC:-off} ${PG_OPTS:-}" start >/dev/null
    as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U skyriver skyriver_test
    echo "postgresql://skyriver@127.0.0.1:$port/skyriver_test"
    ;;
  stop)
    [ -d "$dir/data" ] && as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    ;;
esac
