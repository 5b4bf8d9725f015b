#!/usr/bin/env bash
# /api/forecast answered from memory (issue 11's target: p99 < 20 ms). Imports the bundled
# Datong 2019 sample, trains a model set on it (`forecast train --max-rounds N`, default 30:
# the trees' count does not change the route's cost, which serializes the in-memory issue),
# starts `skyriver serve` with that set and no retraining, and loads the forecast routes with
# wrk, beside /api/health (the same server answering without the forecast) as the peer.
# Prints requests/s, p50 and p99 per route and the machine's load. Not part of the tests.
#   bash bench/forecast_api.sh [seconds per route (10)] [connections (8)] [wrk threads (2)]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-10}; conns=${2:-8}; threads=${3:-2}
bin="$root/build/skyriver"
[ -x "$bin" ] || { echo "build skyriver first"; exit 1; }
command -v wrk >/dev/null || { echo "wrk missing: bash scripts/deps.sh"; exit 1; }
work=$(mktemp -d /tmp/skyriver-forecast-api.XXXXXX)
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$work"' EXIT
"$bin" import --format cnemc --no-progress --config "$root/config/datong" --db "$work/store.db" \
  --rejects "$work/rejects.txt" "$root/data/datong/china_sites_2019_datong_sample.csv.gz" >/dev/null
"$bin" forecast train --config "$root/config/datong" --db "$work/store.db" --models "$work/models" \
  --max-rounds "${MAX_ROUNDS:-30}" 2>/dev/null | head -n1
"$bin" serve --config "$root/config/datong" --db "$work/store.db" --web "$root/web" --port 0 \
  --forecast-models "$work/models" --forecast-retrain-days 0 >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do grep -q "serving http" "$work/serve.log" && break; sleep 0.2; done
url=$(grep -o 'http://[0-9.]*:[0-9]*' "$work/serve.log" | head -n1)
grep -o "issued .*" "$work/serve.log" | head -n1
echo "forecast API load: $url, $secs s per route, $conns connections, $threads wrk threads, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-44s %12s %10s %10s\n' route requests/s p50 p99
for route in \
  "/api/forecast?area=140200&hours=72" \
  "/api/forecast?site=1724A&hours=72" \
  "/api/forecast/daily?area=140200" \
  "/api/health"; do
  out=$(wrk -t"$threads" -c"$conns" -d"${secs}s" --latency "$url$route")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  errs=$(echo "$out" | grep -E "Non-2xx|Socket errors" || true)
  printf '%-44s %12s %10s %10s %s\n' "$route" "$rps" "$p50" "$p99" "$errs"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
