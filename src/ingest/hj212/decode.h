// One frame, fully decoded: frame checks, header, and (for commands carrying data) the CP
// readings. What `skyriver hj212 check` prints and what the fuzzer drives. Never throws:
// a rejection is returned with its reason and QnRtn.
#pragma once

#include "ingest/hj212/frame.h"
#include "ingest/hj212/packet.h"
#include "ingest/hj212/readings.h"

#include <optional>
#include <string>
#include <string_view>

namespace skyriver::hj212 {

struct Decoded {
  bool ok = false;
  std::string reason;  // when !ok: "crc", "length", "pw", ...
  QnRtn qnrtn = QnRtn::ready;
  std::string message;  // when !ok: where + why
  bool length_variant = false;
  std::optional<Packet> packet;  // set when the header parsed (even if the CRC or length failed)
  std::optional<DataBlock> data;  // set for ok data commands (2xxx with DataTime/readings)
};

Decoded decode_frame(std::string_view text, std::string_view where, const OldCodeMap& old_codes = {});

// Whether a frame of this CN carries a secret in its CP (1072 NewPW, 2025 1014 key): such
// frames are archived with the CP redacted (archive.h redact_frame) and their CP never shown.
bool is_secret_command(std::string_view cn);

// Whether CN carries observations: 2011 2051 2061 2031 (+ the 2025 data commands).
bool is_data_command(std::string_view cn, Edition e);

}  // namespace skyriver::hj212
