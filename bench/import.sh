#!/usr/bin/env bash
# Import speed and memory, process level: `skyriver import` of national CNEMC data into SQLite
# and PostgreSQL, beside the plain bulk loaders of the same rows as peers (sqlite3 .import into
# the same table, PostgreSQL COPY into the same table), with peak memory (max RSS).
#
#   bash bench/import.sh [BUILD_DIR] [month|sqlite]  (needs build/skyriver; starts a private
#        PostgreSQL; `month`: only the month runs and their peers; `sqlite`: only SQLite's)
#
# Data: month = the 31 real national files of January 2019 (1 605 stations), all stations kept
# (--all-stations). Year = 365 daily files synthesised by repeating the 38 real national days
# (January 1-31, July 1-7) with the date column shifted to 2019-01-01 ... 2019-12-31; imported
# for the configured city (Datong) only, which reads every row and cell of the year but stores
# Datong's values: it shows the streaming reader's speed and that memory does not grow.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
only=${2:-all}
bin=$build/skyriver
shared=${SKYRIVER_SHARED_DIR:-$root/../shared}/data/air
[ -d "$shared" ] || shared=/work/shared/data/air
[ -x "$bin" ] || { echo "build skyriver first ($bin)" >&2; exit 1; }
work=$(mktemp -d /tmp/skyriver-bench-import.XXXXXX)
chmod 755 "$work"  # the PostgreSQL server runs as postgres
pgdir=$work/pg
trap 'bash "$root/scripts/pg-test.sh" stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
pg=$(bash "$root/scripts/pg-test.sh" start "$pgdir")
cd "$work"
ln -s "$root/config" config

measure() {  # label count unit command... → prints seconds, count/s, CPU seconds (user+sys), max RSS
  local label=$1 values=$2 unit=$3; shift 3
  /usr/bin/time -f "%e %M %U %S" -o t.txt "$@" >out.txt 2>err.txt || { cat out.txt err.txt; exit 1; }
  read -r secs rss usr sys <t.txt
  awk -v l="$label" -v v="$values" -v u="$unit" -v s="$secs" -v r="$rss" -v c="$(echo "$usr + $sys" | bc)" \
    'BEGIN { printf "%-46s %10d %s %8.2f s %10.0f %s/s  cpu %7.2f s  max RSS %6.1f MB\n", l, v, u, s, (s > 0 ? v / s : 0), u, c, r / 1024 }'
}
count_sqlite() { sqlite3 "$1" "select count(*) from observations_all"; }
# The stored rows with their text keys (schema 3 keeps them as ids), in file order (time, then
# parameter and site: the order the national files list them), as the peers' input.
rows_of() {
  sqlite3 -csv "$1" "select s.site, s.parameter, o.time, s.interval, s.source_kind, o.value, u.text, char(o.flag),
    x.text || coalesce(o.line, ''), o.received_at from observations_all o join series s on s.id = o.series
    join texts u on u.id = o.unit join texts x on x.id = o.source order by o.time, s.parameter, s.site"
}

month=("$shared"/national/china_sites_201901*.csv.gz)
echo "month: ${#month[@]} files; load: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$only" = all ]; then
echo "year: synthesising 365 files from 38 days ..."
mkdir year
src=("$shared"/national/china_sites_201901*.csv.gz "$shared"/national/china_sites_201907*.csv.gz)
for d in $(seq 0 364); do
  day=$(date -u -d "2019-01-01 + $d days" +%Y%m%d)
  zcat "${src[$((d % ${#src[@]}))]}" | sed "2,\$s/^[0-9]\{8\}/$day/" >"year/china_sites_$day.csv"
done
fi

# 1. month, all stations, SQLite
"$bin" db init --db month.db >/dev/null
measure "skyriver import month (all) -> SQLite" "$((31 * 360))" rows "$bin" import --format cnemc --no-progress \
  --all-stations --stations "$shared/station_list_NewSiteList.csv" --db month.db "${month[@]}"
n=$(count_sqlite month.db)
echo "   = $n values stored; values/s:"
awk -v n="$n" '{ printf "   %.0f values/s\n", n / $1 }' t.txt

# peer: sqlite3 .import of the same rows into the same table (same primary key)
rows_of month.db >rows.csv
sqlite3 peer.db "CREATE TABLE observations(site TEXT NOT NULL, parameter TEXT NOT NULL, time INTEGER NOT NULL, interval TEXT NOT NULL, source_kind TEXT NOT NULL, value REAL NOT NULL, unit TEXT NOT NULL, flag TEXT NOT NULL, source TEXT NOT NULL, received_at INTEGER NOT NULL, PRIMARY KEY(site, parameter, time, interval, source_kind)) WITHOUT ROWID; PRAGMA journal_mode=WAL;" >/dev/null
measure "peer: sqlite3 .import (same rows, same table)" "$n" values sqlite3 peer.db -cmd ".mode csv" ".import rows.csv observations"

# 2. month, all stations, PostgreSQL
if [ "$only" != sqlite ]; then
measure "skyriver import month (all) -> PostgreSQL" "$n" values "$bin" import --format cnemc --no-progress --all-stations \
  --stations "$shared/station_list_NewSiteList.csv" --db "$pg?schema=bench_month" "${month[@]}"
psql -q "$pg" -c "CREATE SCHEMA peer; CREATE TABLE peer.observations(site TEXT NOT NULL, parameter TEXT NOT NULL, time BIGINT NOT NULL, interval TEXT NOT NULL, source_kind TEXT NOT NULL, value DOUBLE PRECISION NOT NULL, unit TEXT NOT NULL, flag TEXT NOT NULL, source TEXT NOT NULL, received_at BIGINT NOT NULL, PRIMARY KEY(site, parameter, time, interval, source_kind))"
measure "peer: PostgreSQL COPY (same rows, same table)" "$n" values psql -q "$pg" -c "\\copy peer.observations from 'rows.csv' csv"
fi

# the SQLite peer again (disk and CPU are shared: the two peer runs bracket the noise)
sqlite3 peer2.db "CREATE TABLE observations(site TEXT NOT NULL, parameter TEXT NOT NULL, time INTEGER NOT NULL, interval TEXT NOT NULL, source_kind TEXT NOT NULL, value REAL NOT NULL, unit TEXT NOT NULL, flag TEXT NOT NULL, source TEXT NOT NULL, received_at INTEGER NOT NULL, PRIMARY KEY(site, parameter, time, interval, source_kind)) WITHOUT ROWID; PRAGMA journal_mode=WAL;" >/dev/null
measure "peer again: sqlite3 .import" "$n" values sqlite3 peer2.db -cmd ".mode csv" ".import rows.csv observations"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$only" != all ] && exit 0

# 3. year (365 synthetic days), Datong only: streaming read of every row, memory flat
rows_year=$((365 * 360))
measure "skyriver import year (city) -> SQLite" "$rows_year" rows "$bin" import --format cnemc --no-progress --db year.db year/*.csv
echo "   stored: $(count_sqlite year.db) values of Datong's stations"
measure "skyriver import year (city) -> PostgreSQL" "$rows_year" rows "$bin" import --format cnemc --no-progress --db "$pg?schema=bench_year" year/*.csv
measure "skyriver import month (city) -> SQLite" $((31 * 360)) rows "$bin" import --format cnemc --no-progress --db month_city.db "${month[@]}"
