#!/usr/bin/env bash
# The forecast's honest backtest (issue 11, docs/forecast.md): PM2.5 on the 12 UCI Beijing sites,
# trained on the hours labelled before 2016-03-01, every hour of 2016-03-01 .. 2017-03-01 issued
# at 1/24/48/72 h, without weather (--met none) and with the observed weather standing in for a
# perfect weather forecast (--met observed). Prints each run's summary (model, persistence and
# month x hour climatology RMSE per horizon; next-day daily AQI scores), its wall time and peak
# memory (max RSS), and the machine's load; the JSON reports (per site) stay in OUT_DIR.
#
#   bash bench/forecast.sh [BUILD_DIR] [OUT_DIR]     (needs build/skyriver)
#   ISSUE_STEP=2 (default) trains on every 2nd issue hour; HORIZONS=1,24,48,72 (default);
#   MET="none observed" (default) the modes to run; TRAIN_TO=2016-03-01 TEST_TO=2017-03-01
#   (default: the test year; the test period starts at TRAIN_TO). The two validation years the
#   model's choices were made on (docs/forecast.md):
#     TRAIN_TO=2014-03-01 TEST_TO=2015-03-01 MET=none HORIZONS=48,72 bash bench/forecast.sh
#     TRAIN_TO=2015-03-01 TEST_TO=2016-03-01 MET=none HORIZONS=48,72 bash bench/forecast.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
out=${2:-$(mktemp -d /tmp/skyriver-bench-forecast.XXXXXX)}
bin=$build/skyriver
data=${SKYRIVER_SHARED_DIR:-$root/../shared}/data/beijing_prsa
[ -x "$bin" ] || { echo "build skyriver first ($bin)" >&2; exit 1; }
[ -d "$data" ] || { echo "no UCI Beijing data at $data (set SKYRIVER_SHARED_DIR)" >&2; exit 1; }
mkdir -p "$out"
echo "cores: $(nproc); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
train_to=${TRAIN_TO:-2016-03-01}
test_to=${TEST_TO:-2017-03-01}
for met in ${MET:-none observed}; do
  /usr/bin/time -f "%e %M" -o "$out/time_$met.txt" "$bin" forecast backtest --format uci --pollutant pm25 \
    --met "$met" --train-to "$train_to" --test-from "$train_to" --test-to "$test_to" \
    --horizons "${HORIZONS:-1,24,48,72}" --issue-step "${ISSUE_STEP:-2}" --config "$root/config/datong" \
    --out "$out/preds_$met.csv" --report "$out/report_$met.json" "$data"/PRSA_Data_*.csv.gz \
    2> "$out/log_$met.txt" | tee "$out/summary_$met.txt"
  read -r secs rss < "$out/time_$met.txt"
  echo "  --met $met: wall ${secs} s, max RSS $((rss / 1024)) MB, load after: $(cut -d' ' -f1-3 /proc/loadavg)"
done
echo "reports: $out"
