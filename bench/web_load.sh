#!/usr/bin/env bash
# HTTP load of `skyriver serve` with wrk over a year of Datong data (the bundled 2019 sample):
# requests/s and p99 latency of the latest-state, series and summary routes, plus a static
# file as the peer (the same server answering without the engine). Not part of the tests.
#   bash bench/web_load.sh [seconds per route (10)] [connections (32)] [wrk threads (2)]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-10}; conns=${2:-32}; threads=${3:-2}
bin="$root/build/skyriver"
[ -x "$bin" ] || { echo "build skyriver first (bash scripts/build.sh --target skyriver)"; exit 1; }
command -v wrk >/dev/null || { echo "wrk missing: bash scripts/deps.sh"; exit 1; }
work=$(mktemp -d /tmp/skyriver-web-load.XXXXXX)
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$work"' EXIT
"$bin" import --format cnemc --no-progress --config "$root/config/datong" --db "$work/store.db" \
  --rejects "$work/rejects.txt" "$root/data/datong/china_sites_2019_datong_sample.csv.gz" >/dev/null
"$bin" serve --config "$root/config/datong" --db "$work/store.db" --web "$root/web" --port 0 >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q "serving http" "$work/serve.log" && break; sleep 0.2; done
url=$(grep -o 'http://[0-9.]*:[0-9]*' "$work/serve.log" | head -n1)
echo "skyriver web load: $url, $secs s per route, $conns connections, $threads wrk threads, $(nproc) cores"
printf '%-62s %12s %10s %10s\n' route requests/s p50 p99
for route in \
  "/api/latest" \
  "/api/sites/1724A/series?parameter=pm25&from=2019-12-01&to=2020-01-01" \
  "/api/aqi/daily?area=140200&from=2019-01-01&to=2020-01-01" \
  "/api/summary?area=140200&from=2019-01-01&to=2020-01-01" \
  "/api/health" \
  "/css/app.css"; do
  out=$(wrk -t"$threads" -c"$conns" -d"${secs}s" --latency "$url$route")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  errs=$(echo "$out" | grep -E "Non-2xx|Socket errors" || true)
  printf '%-62s %12s %10s %10s %s\n' "$route" "$rps" "$p50" "$p99" "$errs"
done
