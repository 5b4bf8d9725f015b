#!/usr/bin/env bash
# Fuzzes the HJ 212 codec (2005/2017/2025 paths) for a bounded time with AddressSanitizer and
# UBSan. Builds the fuzzer directly with clang++ into build-fuzz/ (no CMake needed).
# Exits non-zero on any crash, leak or sanitizer report. FUZZ_SECONDS overrides the 60 s.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/build-fuzz"
mkdir -p "$out/corpus"
seconds=${FUZZ_SECONDS:-60}
srcs=(core/time.cpp core/text.cpp
      ingest/hj212/crc.cpp ingest/hj212/frame.cpp ingest/hj212/packet.cpp ingest/hj212/edition.cpp
      ingest/hj212/edition2025.cpp ingest/hj212/readings.cpp
      ingest/hj212/decode.cpp ingest/hj212/answers.cpp ingest/hj212/splitter.cpp
      ingest/hj212/archive.cpp)
paths=()
for s in "${srcs[@]}"; do paths+=("$root/src/$s"); done
newest=$(ls -t "${paths[@]}" "$root/fuzz/hj212_fuzz.cpp" | head -1)
if [ ! -x "$out/hj212_fuzz" ] || [ "$newest" -nt "$out/hj212_fuzz" ]; then
  clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$root/src" "${paths[@]}" "$root/fuzz/hj212_fuzz.cpp" -lfmt -lz -o "$out/hj212_fuzz"
fi
# Seed: the kept corpus plus the conformance vectors and public samples, one frame per file.
i=0
while IFS= read -r line; do
  case "$line" in ''|'#'*) continue ;; esac
  printf '%s\r\n' "${line##*	}" > "$out/corpus/vec$i"; i=$((i + 1))
done < "$root/tests/conformance/hj212/frames.txt"
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  "$out/hj212_fuzz" -max_total_time="$seconds" -max_len=4096 -timeout=10 -print_final_stats=1 \
  -artifact_prefix="$out/" "$out/corpus" "$root/fuzz/corpus/hj212" 2>&1 | tail -25
exit "${PIPESTATUS[0]}"
