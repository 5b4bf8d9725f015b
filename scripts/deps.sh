#!/usr/bin/env bash
# Installs what skyriver needs on Debian 12, only what is missing (safe to run again).
# Every package comes from Debian; the web page's packages come from npm (web/package-lock.json).
set -euo pipefail

packages=(
  # build
  build-essential cmake pkg-config git
  # libraries (DESIGN.md "choices already made")
  libboost-dev libboost-system-dev nlohmann-json3-dev libtoml11-dev libcli11-dev libspdlog-dev
  libfmt-dev libsqlite3-dev libpq-dev zlib1g-dev libzstd-dev zstd libxlsxwriter-dev libzip-dev libexpat1-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev sqlite3 postgresql
)
# Extra packages a part of the project needs are listed in scripts/deps-*.list, one per line.
here=$(cd "$(dirname "$0")" && pwd)
for list in "$here"/deps-*.list; do
  [ -f "$list" ] || continue
  while read -r p; do
    p=${p%%#*}; p=$(echo "$p" | xargs)
    [ -n "$p" ] && packages+=("$p")
  done < "$list"
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "skyriver: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
