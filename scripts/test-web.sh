#!/usr/bin/env bash
# The one-map page in headless Chromium: installs chromium/node (scripts/deps-web.list) and the
# page's npm packages (web/package-lock.json), imports the bundled Datong sample into a
# temporary store, starts `skyriver serve` on free ports (HTTP and HJ 212), runs the browser
# tests (web/test, `node --test`) and stops the server. Screenshots: test-artifacts/web/.
# Exits non-zero on any failure; bounded by timeouts (about 5 minutes at most).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/deps.sh"
[ -x "$root/build/skyriver" ] || bash "$root/scripts/build.sh" --target skyriver

bash "$root/scripts/web-deps.sh"  # npm ci (web/package-lock.json) and web/vendor/
cd "$root/web"

work=$(mktemp -d /tmp/skyriver-web-test.XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

timeout 120 "$root/build/skyriver" import --format cnemc --no-progress --config "$root/config/datong" \
  --db "$work/store.db" --rejects "$work/rejects.txt" "$root/data/datong/china_sites_2019_datong_sample.csv.gz" >"$work/import.log"
# The page has no login yet (issue 26's duty desk comes later): this server publishes its
# internal views too ([api] public in a copy of the configuration), and the tests that act as
# the duty officer (web/test/warning.test.mjs) use a token of a duty account made in the store.
cp -r "$root/config/datong" "$work/config"
cat >>"$work/config/server.toml" <<'TOML'
[api]
public = ["meta", "air", "sites", "series", "water", "forecast", "warnings", "targets", "warning_desk", "sources", "alarms", "ledger"]
TOML
printf 'web test password %s\n' "$$" | "$root/build/skyriver" user add web-duty --role duty --password-stdin \
  --config "$work/config" --db "$work/store.db" >/dev/null
token=$("$root/build/skyriver" user token web-duty --label "web tests" --db "$work/store.db" 2>/dev/null)
unset SKYRIVER_API_TOKEN
"$root/build/skyriver" serve --config "$work/config" --db "$work/store.db" --web "$root/web" \
  --port 0 --hj212-port 0 --hj212-max-age 315360000 --forecast-retrain-days 0 >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q "serving http" "$work/serve.log" && break; sleep 0.2; done
url=$(grep -o 'http://[0-9.]*:[0-9]*/' "$work/serve.log" | head -n1 || true)
hj=$(grep -o 'tcp://[0-9.]*:[0-9]*' "$work/serve.log" | head -n1 | sed 's/.*://' || true)
[ -n "$url" ] || { echo "skyriver serve did not start:"; cat "$work/serve.log"; exit 1; }
[ -n "$hj" ] || { echo "no HJ 212 port (tcp://...) in the serve log:"; cat "$work/serve.log"; exit 1; }
echo "skyriver: page tests against $url (HJ 212 port $hj)"

mkdir -p "$root/test-artifacts/web"
status=0
SKYRIVER_URL="$url" SKYRIVER_HJ212_PORT="${hj:-}" SKYRIVER_ARTIFACTS="$root/test-artifacts/web" SKYRIVER_TOKEN="$token" \
  timeout 240 node --test --test-concurrency=1 --test-reporter=spec test/ || status=1
[ $status -eq 0 ] || { echo "--- serve log"; tail -n 30 "$work/serve.log"; }
exit $status
