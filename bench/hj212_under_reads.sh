#!/usr/bin/env bash
# HJ 212 acknowledgement latency while the HTTP API is under heavy read load (issue 10: heavy
# reads delayed 9014s from 1 ms to 18 s). Process level, one `skyriver serve --hj212-port 0` on
# the bundled year of Datong data (2019 sample): `skyriver simulate` sends hourly frames at a
# steady rate and reports send -> 9014 latency p50/p99, first with the API idle (the peer), then
# while wrk hammers the API's heaviest read routes (year-long daily AQI, summary and series,
# every request a different period so the response cache never answers). The figure is the
# ratio loaded p99 / idle p99. Not part of the tests.
#   bash bench/hj212_under_reads.sh [stations (200)] [hours (6)] [frames/s (100)] [connections (64)]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
stations=${1:-200}; hours=${2:-6}; rate=${3:-100}; conns=${4:-64}
bin="$root/build/skyriver"
[ -x "$bin" ] || { echo "build skyriver first (bash scripts/build.sh --target skyriver)"; exit 1; }
command -v wrk >/dev/null || { echo "wrk missing: bash scripts/deps.sh"; exit 1; }
work=$(mktemp -d /tmp/skyriver-hj212-reads.XXXXXX)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"' EXIT

cp -r "$root/config/datong" "$work/cfg"
"$bin" simulate --stations "$stations" --editions 2017 --write-config "$work/sim.toml"
cat "$work/sim.toml" >>"$work/cfg/air_stations.toml"
"$bin" import --format cnemc --no-progress --config "$work/cfg" --db "$work/store.db" \
  --rejects "$work/rejects.txt" "$root/data/datong/china_sites_2019_datong_sample.csv.gz" >/dev/null
"$bin" serve --config "$work/cfg" --db "$work/store.db" --web "$root/web" --port 0 --hj212-port 0 --hj212-max-age 315360000 >"$work/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 150); do grep -q "serving http" "$work/serve.log" && break; sleep 0.2; done
url=$(grep -o 'http://[0-9.]*:[0-9]*' "$work/serve.log" | head -n1)
hj=$(grep -o 'tcp://[0-9.]*:[0-9]*' "$work/serve.log" | head -n1 | sed 's/.*://')
[ -n "$url" ] && [ -n "$hj" ] || { echo "skyriver serve did not start:"; cat "$work/serve.log"; exit 1; }

# A different year-long period per request (day of the year shifts), so no cached answer.
cat >"$work/vary.lua" <<'EOF'
local n = 0
request = function()
  n = n + 1
  local d = (n % 28) + 1
  local path = string.format(wrk.path, d, d)
  return wrk.format("GET", path)
end
EOF
frames=$((stations * hours))
secs=$(( frames / rate + 20 ))
sim() {  # begin-date → "p50 p99 acked"
  "$bin" simulate --port "$hj" --stations "$stations" --editions 2017 --hours "$hours" --rate "$rate" \
    --begin "$1" --ack-timeout-ms 60000 --deadline 600 | awk '{for (i=1;i<NF;i++) {if ($i=="p50_ms") a=$(i+1); if ($i=="p99_ms") b=$(i+1); if ($i=="acked") c=$(i+1)}} END {print a, b, c}'
}
echo "skyriver HJ 212 under reads: $stations stations x $hours h at $rate frames/s; wrk $conns connections; $(nproc) cores"
read -r q50 q99 qacked < <(sim 2024-01-01)
printf '%-34s %10s %10s %8s\n' "" "p50 ms" "p99 ms" acked
printf '%-34s %10s %10s %8s\n' "API idle (peer)" "$q50" "$q99" "$qacked"
per=$(( conns / 3 > 0 ? conns / 3 : 1 ))
for route in "/api/aqi/daily?area=140200&from=2019-01-%02d&to=2019-12-%02d" \
             "/api/summary?area=140200&from=2019-01-%02d&to=2019-12-%02d" \
             "/api/sites/1724A/series?parameter=pm25&from=2019-01-%02d&to=2019-12-%02d"; do
  wrk -t1 -c"$per" -d"${secs}s" --latency -s "$work/vary.lua" "$url$route" >"$work/wrk-$(echo "$route" | cut -d'?' -f1 | tr / _).txt" 2>&1 &
  pids+=($!)
done
sleep 3  # the readers are at full speed
read -r l50 l99 lacked < <(sim 2024-02-01)
printf '%-34s %10s %10s %8s\n' "API under $conns readers" "$l50" "$l99" "$lacked"
awk -v a="$l99" -v b="$q99" 'BEGIN { if (b > 0) printf "ratio p99 loaded / idle: %.2f\n", a / b }'
for f in "$work"/wrk-*.txt; do
  printf '  reads %-28s %s req/s\n' "$(basename "$f" .txt | sed 's/wrk-//')" "$(awk '/Requests\/sec/ {print $2}' "$f")"
done
