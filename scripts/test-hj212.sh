#!/usr/bin/env bash
# Fuzzes the HJ 212 ingest for a bounded time with AddressSanitizer and UBSan, two targets:
#   hj212_fuzz          the codec (2005/2017/2025 frames, re-encoding, redaction)
#   hj212_session_fuzz  the server's session logic: bytes -> frames -> dispatcher (auth, data,
#                       split packets, times, 2025), with its invariants (fuzz/*.cpp headers)
# Builds them directly with clang++ into build-fuzz/ (objects rebuilt only when their source or
# a header changed; no CMake needed). FUZZ_SECONDS (default 60) is shared: half each.
# Exits non-zero on any crash, leak, invariant violation or sanitizer report.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/build-fuzz"
mkdir -p "$out/obj" "$out/corpus" "$out/corpus-session"
seconds=${FUZZ_SECONDS:-60}
half=$(( (seconds + 1) / 2 ))
flags=(-std=c++20 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined
       -DSPDLOG_COMPILED_LIB -DSPDLOG_FMT_EXTERNAL "-DSKYRIVER_SOURCE_DIR=\"$root\"" -I"$root/src")
# Both fuzzers link one archive of src/core, src/model and src/ingest/hj212 (all but the network
# server and the simulator, which need Asio and the store): the linker takes from it only what a
# fuzzer uses, so a new source file or a new dependency there needs no edit here.
sources=()
for f in "$root"/src/core/*.cpp "$root"/src/model/*.cpp "$root"/src/ingest/hj212/*.cpp; do
  case "$f" in */hj212/server.cpp|*/hj212/simulator.cpp) continue ;; esac
  sources+=("${f#"$root/src/"}")
done
newest_header=$(ls -t "$root"/src/core/*.h "$root"/src/model/*.h "$root"/src/store/store.h "$root"/src/ingest/hj212/*.h | head -1)

# obj SRC: the object of src/SRC (compiled for fuzzing), rebuilt when stale.
obj() {
  local src="$root/src/$1" o="$out/obj/${1//\//_}.o"
  if [ ! -f "$o" ] || [ "$src" -nt "$o" ] || [ "$newest_header" -nt "$o" ]; then
    clang++ "${flags[@]}" -fsanitize=fuzzer-no-link -c "$src" -o "$o"
  fi
  echo "$o"
}
# The archive of all sources' objects, rebuilt when one of them changed.
lib="$out/libskyriver-fuzz.a"
objs=()
for src in "${sources[@]}"; do objs+=("$(obj "$src")"); done
for o in "${objs[@]}"; do
  if [ ! -f "$lib" ] || [ "$o" -nt "$lib" ]; then rm -f "$lib"; ar rcs "$lib" "${objs[@]}"; break; fi
done
# link NAME: build-fuzz/NAME from fuzz/NAME.cpp and the archive.
link() {
  local name=$1 bin="$out/$1" main="$root/fuzz/$1.cpp"
  if [ ! -x "$bin" ] || [ "$main" -nt "$bin" ] || [ "$lib" -nt "$bin" ]; then
    clang++ "${flags[@]}" -fsanitize=fuzzer "$main" "$lib" -lspdlog -lfmt -lz -lzstd -o "$bin"
  fi
}
link hj212_fuzz
link hj212_session_fuzz

# Seeds: the kept corpora plus the conformance vectors and public samples, one frame per file
# (for the session fuzzer with a leading chunking byte).
i=0
while IFS= read -r line; do
  case "$line" in ''|'#'*) continue ;; esac
  printf '%s\r\n' "${line##*	}" > "$out/corpus/vec$i"
  printf '\001%s\r\n' "${line##*	}" > "$out/corpus-session/vec$i"
  i=$((i + 1))
done < "$root/tests/conformance/hj212/frames.txt"

status=0
run() {
  local name=$1; shift
  echo "skyriver: fuzzing $name for ${half} s"
  if ! UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$out/$name" -max_total_time="$half" -max_len=4096 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$out/$name-" "$@" 2>&1 | tail -12; then
    echo "skyriver: $name FAILED (artifacts in $out/)"
    status=1
  fi
}
run hj212_fuzz "$out/corpus" "$root/fuzz/corpus/hj212"
run hj212_session_fuzz "$out/corpus-session" "$root/fuzz/corpus/hj212_session"
exit $status
