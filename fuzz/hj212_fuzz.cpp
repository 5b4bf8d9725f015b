// libFuzzer target for the HJ 212 codec: any bytes through the stream splitter, each frame
// through decode_frame (frame, header, CP, readings, 2005 mapping, 2025 paths), and every
// accepted packet re-encoded and decoded again to the same header and field count; 2025 key
// exchange frames redacted (no key may survive).
// Built by scripts/test-hj212.sh with clang++ -fsanitize=fuzzer,address,undefined.
#include "ingest/hj212/answers.h"
#include "ingest/hj212/archive.h"
#include "ingest/hj212/edition2025.h"
#include "ingest/hj212/decode.h"
#include "ingest/hj212/frame.h"
#include "ingest/hj212/splitter.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace skyriver::hj212;

static void check_one(std::string_view text) {
  const Decoded d = decode_frame(text, "fuzz");
  if (!d.ok) return;
  const std::string again = encode_frame(encode_segment(*d.packet));
  const Decoded e = decode_frame(again, "fuzz-again");
  if (!e.ok || e.packet->cn != d.packet->cn || e.packet->mn != d.packet->mn ||
      e.packet->edition != d.packet->edition || e.packet->cp.size() != d.packet->cp.size())
    std::abort();  // re-encoding an accepted packet must give an equivalent accepted packet
  // 2025 key exchange: the redacted form keeps no byte of the CP (no key reaches disk or log).
  if (is_secret_command(d.packet->cn)) {
    const std::string red = redact_frame(text);
    for (const auto& g : d.packet->cp)
      for (const auto& f : g)
        if (f.value.size() >= 12 && red.find(f.value) != std::string::npos) std::abort();
  }
  (void)answer_9014(*d.packet);
  (void)answer_9011(*d.packet, QnRtn::pw_error);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  check_one(in);  // the whole input as one frame (as `hj212 check` reads a line)
  FrameSplitter split(512);
  // Feed in two chunks to exercise partial frames.
  split.feed(in.substr(0, size / 2));
  while (auto f = split.next()) check_one(*f);
  split.feed(in.substr(size / 2));
  while (auto f = split.next()) check_one(*f);
  return 0;
}
