#!/usr/bin/env bash
# Installs the page's npm packages from web/package-lock.json (Debian's node and npm) and puts
# the files the page loads into web/vendor/ (served locally: no CDN). Safe to run again.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v npm >/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
cd "$root/web"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  timeout 300 npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
mkdir -p vendor && cp node_modules/echarts/dist/echarts.min.js vendor/
