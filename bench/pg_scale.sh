#!/usr/bin/env bash
# A province on PostgreSQL, scaled down (issue 15): simulated hourly data of the six AQI
# pollutants (bench/sim_hourly.h: diurnal and seasonal cycles, weather episodes, outages) loaded
# through the store (binary COPY into the monthly partitions) at growing sizes, with
#   - load time and rate of each step (values/s),
#   - size on disk per value: pg_total_relation_size summed over the observations partitions
#     (heap + primary key + BRIN), and with the series and texts dictionaries,
#   - p50/p99 of series reads (one site x pm25, 30 and 365 days) and of the city reads a day or
#     month summary makes (20 sites x 6 pollutants, daily means), random picks, fixed seed,
# then extrapolates to 10 years x 2 000 stations from the measured curve.
#
#   bash bench/pg_scale.sh [BUILD_DIR] [STATIONS (200)] [WIDE (2000)] [REPS (100)]
#
# Steps: STATIONS stations for 1 month, then 3, then 12 months (the same store growing: does
# a month's load or a read slow down as history grows?), then WIDE stations for 1 month in a
# second schema (does the width of an hour matter?). Needs build/bench/bench_sim_store; starts
# a private PostgreSQL (scripts/pg-test.sh: fsync=off, the test server's defaults otherwise).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
stations=${2:-200}; wide=${3:-2000}; reps=${4:-100}
bin=$build/bench/bench_sim_store
[ -x "$bin" ] || { echo "build bench_sim_store first ($bin)" >&2; exit 1; }
work=$(mktemp -d /tmp/skyriver-bench-pgscale.XXXXXX)
chmod 755 "$work"  # the PostgreSQL server runs as postgres
trap 'bash "$root/scripts/pg-test.sh" stop "$work/pg" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
pg=$(bash "$root/scripts/pg-test.sh" start "$work/pg")
echo "pg_scale: $stations stations x 1/3/12 months, $wide stations x 1 month, $reps picks per read; $(nproc) cores"

size_of() {  # schema → "observations_bytes total_bytes values partitions heap_bytes index_bytes"
  psql -Atq "$pg" -F' ' -c "select (select sum(pg_total_relation_size(i.inhrelid)) from pg_inherits i
      where i.inhparent = '$1.observations'::regclass),
    (select sum(pg_total_relation_size(i.inhrelid)) from pg_inherits i where i.inhparent = '$1.observations'::regclass)
      + pg_total_relation_size('$1.series') + pg_total_relation_size('$1.texts'),
    (select count(*) from $1.observations),
    (select count(*) from pg_inherits i where i.inhparent = '$1.observations'::regclass),
    (select sum(pg_relation_size(i.inhrelid)) from pg_inherits i where i.inhparent = '$1.observations'::regclass),
    (select sum(pg_indexes_size(i.inhrelid)) from pg_inherits i where i.inhparent = '$1.observations'::regclass)"
}
step() {  # label schema stations from to query_to
  local label=$1 schema=$2 n=$3 from=$4 to=$5 qto=$6
  echo "== $label: load $(cut -d' ' -f1-3 /proc/loadavg)"
  "$bin" load "$pg?schema=$schema" "$n" "$from" "$to" | tee "$work/load.txt"
  psql -q "$pg" -c "VACUUM ANALYZE $schema.observations" >/dev/null
  read -r obs total values parts heap index < <(size_of "$schema")
  awk -v o="$obs" -v t="$total" -v v="$values" -v p="$parts" -v h="$heap" -v x="$index" 'BEGIN { printf "store: %d values in %d partitions, observations %.1f MB = %.1f bytes/value (rows %.1f, indexes %.1f), with dictionaries %.1f bytes/value\n", v, p, o / 1048576, o / v, h / v, x / v, t / v }'
  "$bin" query "$pg?schema=$schema" "$n" 2024-01-01 "$qto" "$reps"
  echo "   (reads done at load $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "${label%%:*} $(awk '/loaded/ {print $2, $7}' "$work/load.txt") $values $obs" >>"$work/curve.txt"
}
step "A: $stations stations, 1 month" scale "$stations" 2024-01-01 2024-02-01 2024-02-01
step "B: $stations stations, 3 months" scale "$stations" 2024-02-01 2024-04-01 2024-04-01
step "C: $stations stations, 12 months" scale "$stations" 2024-04-01 2025-01-01 2025-01-01
# C again after rewriting each month in series order (CLUSTER on the primary key): arrival order
# puts a series' consecutive hours on different pages (one page per value read); series order
# puts a month of a series on a few pages. What a store would do to a month once it is closed.
echo "== C2: CLUSTER every partition on its primary key: load $(cut -d' ' -f1-3 /proc/loadavg)"
t0=$(date +%s.%N)
for part in $(psql -Atq "$pg" -c "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'scale.observations'::regclass order by 1"); do
  psql -q "$pg" -c "CLUSTER scale.$part USING ${part}_pkey" >/dev/null
done
psql -q "$pg" -c "ANALYZE scale.observations" >/dev/null
echo "clustered in $(echo "$(date +%s.%N) - $t0" | bc) s"
read -r obs total values parts heap index < <(size_of scale)
awk -v o="$obs" -v v="$values" -v h="$heap" -v x="$index" 'BEGIN { printf "store: %.1f bytes/value (rows %.1f, indexes %.1f)\n", o / v, h / v, x / v }'
"$bin" query "$pg?schema=scale" "$stations" 2024-01-01 2025-01-01 "$reps"
echo "   (reads done at load $(cut -d' ' -f1-3 /proc/loadavg))"
step "D: $wide stations, 1 month" wide "$wide" 2024-01-01 2024-02-01 2024-02-01

echo "== the plan of a series read on the largest store (generic plan, as the store's prepared statement runs it)"
psql -Atq "$pg" -c "SET search_path = scale; SET plan_cache_mode = force_generic_plan;
  PREPARE q(bigint, bigint, bigint) AS SELECT series, time, value FROM observations WHERE series = \$1 AND time >= \$2 AND time < \$3 ORDER BY time;
  EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE q(1, 1706716800, 1709222400);"

echo "== extrapolation to 10 years x 2 000 stations"
# bytes/value from the largest store (C); load rate from the wide month (D: 2 000 stations an
# hour, the province's batch width); values = 2 000 x 6 x 87 660 h x the measured fill ratio.
awk -v months=12 -v st="$stations" '
  { label[NR] = $1; added[NR] = $2; rate[NR] = $3; values[NR] = $4; bytes[NR] = $5 }
  END {
    fill = values[3] / (st * 6 * 8784);  # 2024 has 8 784 hours
    total = 2000 * 6 * 87660 * fill;
    bpv = bytes[3] / values[3];
    printf "fill ratio (values present) %.4f; 10 y x 2 000 stations = %.3g values\n", fill, total;
    printf "size: %.1f bytes/value (C) -> %.0f GB of observations (A %.1f, B %.1f, C %.1f, D %.1f bytes/value)\n",
      bpv, total * bpv / 1e9, bytes[1] / values[1], bytes[2] / values[2], bytes[3] / values[3], bytes[4] / values[4];
    printf "load: %.0f values/s (D) -> %.1f h for the 10 years; growth: A %.0f, B %.0f, C %.0f values/s\n",
      rate[4], total / rate[4] / 3600, rate[1], rate[2], rate[3];
  }' "$work/curve.txt"
