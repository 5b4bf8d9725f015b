#!/usr/bin/env bash
# The main job: builds skyriver, installs the page's npm packages, imports the bundled Datong
# sample (data/datong/) into the default SQLite store (var/skyriver.db) if it is not there yet,
# and serves the API, the one-map page and HJ 212 ingest on the bundled Datong configuration.
# Safe to run again. Ports: SKYRIVER_PORT (HTTP, default 8080), SKYRIVER_HJ212_PORT (default 9212);
# SKYRIVER_HJ212_ADDRESS: the station network's bind address (default 127.0.0.1; 0.0.0.0 to let
# data loggers on other machines in). The raw HJ 212 archive goes to var/hj212-raw/.
# Accounts: an `admin` is made on the first start (see below; docs/api.md for the others).
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
# The first start makes an `admin` account (if the store has no admin yet) and prints its
# one-time password once; SKYRIVER_ADMIN_PASSWORD sets it instead (never printed).
if ! ./build/skyriver user list --db "$db" | cut -f2 | grep -qx admin; then
  password=${SKYRIVER_ADMIN_PASSWORD:-$(head -c 24 /dev/urandom | base64 | tr -d '/+=' | head -c 20)}
  printf '%s\n' "$password" | ./build/skyriver user add admin --role admin --display 管理员 --password-stdin \
    --config config/datong --db "$db"
  if [ -z "${SKYRIVER_ADMIN_PASSWORD:-}" ]; then
    echo "skyriver: log in as 'admin' with the one-time password $password"
    echo "          (it is shown only now; change it: ./build/skyriver user password admin --password-stdin --db $db)"
  fi
  unset password
fi
echo "skyriver: store $db holds:"
./build/skyriver db stats --db "$db" | sed -n '1,4p'
exec ./build/skyriver serve --config config/datong --db "$db" --web web \
  --port "${SKYRIVER_PORT:-8080}" --hj212-port "${SKYRIVER_HJ212_PORT:-9212}" \
  --hj212-address "${SKYRIVER_HJ212_ADDRESS:-127.0.0.1}"
