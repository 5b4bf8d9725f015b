#!/usr/bin/env bash
# The main job on the bundled Datong configuration and sample data. Installs and builds first.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/build.sh" --target skyriver
cd "$root"
./build/skyriver version
