#!/usr/bin/env bash
# Builds skyriver and runs every test: unit, conformance, integration (SQLite and a private
# PostgreSQL server started here), fuzzing for a bounded time, and the web page in headless
# Chromium. Installs what it needs first. Safe to run again. `.ci/run` calls exactly this.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/build.sh"

# A private PostgreSQL for the store's tests, stopped however we leave.
pgdir=$(mktemp -d /tmp/skyriver-pg.XXXXXX)
trap 'bash "$root/scripts/pg-test.sh" stop "$pgdir"; rm -rf "$pgdir"' EXIT
SKYRIVER_TEST_PG=$(bash "$root/scripts/pg-test.sh" start "$pgdir")
export SKYRIVER_TEST_PG
echo "skyriver: test PostgreSQL at $SKYRIVER_TEST_PG"

# The real public data beside the project: tests that need it skip without it (and fail with
# CI=true). Said once here, so a green run without it is not mistaken for a full one.
shared=$(cd "$root/.." && pwd)/shared
if [ ! -d "$shared/data" ]; then
  what="SKIPPED"; [ "${CI:-}" = true ] && what="FAILED (CI=true)"
  echo "skyriver: $shared/data (real public data, see PROVENANCE.md) is missing: the tests that need it are $what"
fi

status=0
(cd "$root/build" && ctest --output-on-failure -j"$(nproc)" --timeout 900) || status=1

# Further suites (fuzzing, web) add themselves as scripts/test-*.sh.
for extra in "$root"/scripts/test-*.sh; do
  [ -f "$extra" ] || continue
  echo "skyriver: running $(basename "$extra")"
  bash "$extra" || status=1
done
exit $status
