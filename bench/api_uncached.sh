#!/usr/bin/env bash
# Uncached API answers on ten years of city data (issue 15: p99 < 50 ms for the page's routes
# right after new data; cached answers as cheap as /api/health).
#
#   bash bench/api_uncached.sh [BUILD_DIR] [ROUNDS (100)] [YEARS (10)]
#
# The city: Datong's configuration with its air stations in service plus synthetic ones up to
# 20 (a copy of config/datong in the work folder; sites S01.. spread over the counties), ten
# years of simulated hourly data of the six AQI pollutants (bench/sim_hourly.h) ending 5 days
# before now, in a SQLite store (~10 M values). `skyriver serve --poll 0.2` loads it. Then, each
# round: one new hour for every station arrives as an import run (`bench_sim_store city`, what
# `skyriver import` does: the serve notices the import log), the script waits until
# /api/health shows the new hour, then requests each route the page calls at load (web/js/app.js:
# refreshState, main, renderCalendar, renderRanking; a station's panel: openSite) once, uncached
# (the data version changed), then once more (cached). The forecaster does not train
# (--forecast-retrain-days 0: training is a periodic job, it would hold a core for minutes).
# Times are curl's time_total (connection to last byte, loopback, one request at a time),
# p50 / p99 / max over the rounds.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
rounds=${2:-100}; years=${3:-10}
sim=$build/bench/bench_sim_store
bin=$build/skyriver
[ -x "$sim" ] && [ -x "$bin" ] || { echo "build skyriver and bench_sim_store first" >&2; exit 1; }
work=$(mktemp -d /tmp/skyriver-bench-api.XXXXXX)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"' EXIT

# the city: configured stations in service + synthetic ones up to 20
cp -r "$root/config/datong" "$work/config"
in_service=$(awk '/^\[\[site\]\]/ { n++ } /^stopped/ { s++ } END { print n - s }' "$work/config/air_stations.toml")
areas=(140221 140222 140223 140224 140225 140226 140212 140214 140215 140213)
for i in $(seq 1 $((20 - in_service))); do
  printf '\n[[site]]\nid = "S%02d"\nname = "模拟站%02d"\narea = "%s"\nlon = 113.3\nlat = 40.1\nparameters = ["pm25", "pm10", "so2", "no2", "co", "o3"]\n' \
    "$i" "$i" "${areas[$(((i - 1) % ${#areas[@]}))]}" >>"$work/config/air_stations.toml"
done

beijing() { TZ=Asia/Shanghai date -d "@$1" '+%Y-%m-%d %H:%M'; }
now=$(date +%s)
end=$(( (now / 3600 - 120) * 3600 ))           # the last filled hour ends 5 days ago
start=$(TZ=Asia/Shanghai date -d "$(beijing $end | cut -c1-10) - $years years" +%s)
echo "api_uncached: $rounds rounds; fill $(beijing $start) .. $(beijing $end) (Beijing); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
"$sim" city "$work/store.db" "$work/config" "$(beijing $start)" "$(beijing $end)"
ls -l "$work/store.db" | awk '{ printf "store: %.0f MB\n", $5 / 1048576 }'

t0=$(date +%s.%N)
"$bin" serve --config "$work/config" --db "$work/store.db" --web "$root/web" --port 0 --poll 0.2 --forecast-retrain-days 0 >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 3000); do grep -q "serving http" "$work/serve.log" && break; kill -0 "$pid" || { cat "$work/serve.log"; exit 1; }; sleep 0.2; done
url=$(grep -o 'http://[0-9.]*:[0-9]*' "$work/serve.log" | head -n1)
echo "serve up after $(echo "$(date +%s.%N) - $t0" | bc) s (engine load of the ten years); load $(cut -d' ' -f1-3 /proc/loadavg)"

health_now() { curl -s "$url/api/health" | sed -n 's/.*"now":"\([^"]*\)".*/\1/p'; }
site=$(curl -s "$url/api/sites?kind=air" | grep -o '"id":"[^"]*"' | head -n1 | cut -d'"' -f4)
: >"$work/times.txt"
for r in $(seq 1 "$rounds"); do
  before=$(health_now)
  h=$((end + (r - 1) * 3600))
  "$sim" city "$work/store.db" "$work/config" "$(beijing $h)" "$(beijing $((h + 3600)))" >/dev/null
  for _ in $(seq 1 400); do [ "$(health_now)" != "$before" ] && break; sleep 0.05; done
  nowiso=$(health_now)                                  # e.g. 2026-11-22T10:00:00+08:00
  nowb=$(date -d "$nowiso" +%s)
  year=$(beijing "$nowb" | cut -c1-4); day=$(beijing "$nowb" | cut -c1-10)
  tomorrow=$(TZ=Asia/Shanghai date -d "$day + 1 day" +%Y-%m-%d)
  after=$(TZ=Asia/Shanghai date -d "@$((nowb + 3600))" +%Y-%m-%dT%H:%M)
  from24=$(TZ=Asia/Shanghai date -d "@$((nowb + 3600 - 86400))" +%Y-%m-%dT%H:%M)
  from30=$(TZ=Asia/Shanghai date -d "$day - 29 days" +%Y-%m-%d)
  routes=(
    "/api/latest"
    "/api/aqi/hourly?area=140200&to=$after"
    "/api/summary?area=140200&from=$year-01-01&to=$tomorrow"
    "/api/ranking?from=$year-01-01&to=$tomorrow&by=composite"
    "/api/aqi/daily?area=140200&from=$year-01-01&to=$((year + 1))-01-01"
    "/api/sites"
    "/api/areas"
    "/api/aqi/levels"
    "/api/sites/$site/series?parameter=pm25&from=$from24&to=$after"
    "/api/aqi/hourly?site=$site&from=$from24&to=$after"
    "/api/aqi/daily?site=$site&from=$from30&to=$tomorrow"
    "/api/summary?site=$site&from=$year-01-01&to=$tomorrow"
    "/api/health")
  for pass in uncached cached; do
    for i in "${!routes[@]}"; do
      out=$(curl -s -o "$work/body" -w '%{http_code} %{time_total}' "$url${routes[$i]}")
      [ "${out%% *}" = 200 ] || { echo "HTTP ${out%% *} for ${routes[$i]}: $(head -c 300 "$work/body")"; exit 1; }
      echo "$pass $i ${out#* } $r" >>"$work/times.txt"
    done
  done
done
echo "rounds done; load $(cut -d' ' -f1-3 /proc/loadavg); the routes of the last round:"
printf '%-3s %s\n' $(for i in "${!routes[@]}"; do echo "$i ${routes[$i]}"; done) | sed 's/^/  /'
printf '%-4s %-8s %9s %9s %9s\n' route pass p50_ms p99_ms max_ms
for pass in uncached cached; do
  for i in "${!routes[@]}"; do
    awk -v p="$pass" -v i="$i" '$1 == p && $2 == i { print $3 * 1000 }' "$work/times.txt" | sort -n |
      awk -v p="$pass" -v i="$i" '{ v[NR] = $1 } END { printf "%-4s %-8s %9.2f %9.2f %9.2f\n", i, p, v[int(NR * 0.5) + 1], v[int(NR * 0.99) + (NR * 0.99 > int(NR * 0.99)) ], v[NR] }'
  done
done
# Where the tail comes from: the three slowest uncached answers of each route (round: ms).
# Round 1 is cold (nothing computed yet); later ones are scheduling noise or real work.
echo "slowest uncached (round:ms):"
for i in "${!routes[@]}"; do
  awk -v i="$i" '$1 == "uncached" && $2 == i { printf "%s:%.1f\n", $4, $3 * 1000 }' "$work/times.txt" | sort -t: -k2 -rn | head -n3 |
    paste -sd' ' | sed "s/^/  $i  /"
done
