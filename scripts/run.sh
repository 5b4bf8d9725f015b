#!/usr/bin/env bash
# The main job: builds skyriver, installs the page's npm packages, imports the bundled Datong
# sample (data/datong/) into the default SQLite store (var/skyriver.db) if it is not there yet,
# and serves the API, the one-map page and HJ 212 ingest on the bundled Datong configuration.
# Safe to run again. Ports: SKYRIVER_PORT (HTTP, default 8080), SKYRIVER_HJ212_PORT (default 9212);
# SKYRIVER_HJ212_ADDRESS: the station network's bind address (default 127.0.0.1; 0.0.0.0 to let
# data loggers on other machines in). The raw HJ 212 archive goes to var/hj212-raw/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/build.sh --target skyriver
bash scripts/web-deps.sh

db=var/skyriver.db
sample=data/datong/china_sites_2019_datong_sample.csv.gz
if ! ./build/skyriver db stats --db "$db" 2>/dev/null | grep -q "aqi_published"; then
  ./build/skyriver import --format cnemc --config config/datong --db "$db" "$sample"
fi
echo "skyriver: store $db holds:"
./build/skyriver db stats --db "$db" | sed -n '1,4p'
exec ./build/skyriver serve --config config/datong --db "$db" --web web \
  --port "${SKYRIVER_PORT:-8080}" --hj212-port "${SKYRIVER_HJ212_PORT:-9212}" \
  --hj212-address "${SKYRIVER_HJ212_ADDRESS:-127.0.0.1}"
