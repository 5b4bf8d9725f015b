// One frame, fully decoded: frame checks, header, and (for commands carrying data) the CP
// readings. What `skyriver hj212 check` prints and what the fuzzer drives. Never throws:
// a rejection is returned with its reason and QnRtn.
//
// Decoder is the fast form (the ingest path): its result views into the frame's bytes and into
// the decoder's own vectors, reused from frame to frame, so an accepted frame costs no
// allocation once the decoder is warm. decode_frame is the owning form, built from it.
// A Decoder is used by one thread at a time; decode_frame is thread-safe.
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

// with_cp = false leaves Packet::cp empty (the readings are in `data`): the ingest server needs
// only the header and the readings, and each CP field would cost two strings.
Decoded decode_frame(std::string_view text, std::string_view where, const OldCodeMap& old_codes = {},
                     bool with_cp = true);

struct DecodedView {
  bool ok = false;
  std::string reason;  // as Decoded (set only on rejection)
  QnRtn qnrtn = QnRtn::ready;
  std::string message;
  bool length_variant = false;
  bool has_header = false;  // header and cp are set (even if the CRC failed)
  Header header;
  std::vector<FieldView> cp;
  bool has_data = false;  // data is set (ok data commands)
  DataView data;          // 2005 codes as sent (map them through the registry's old codes)
};

class Decoder {
 public:
  // Decodes one frame (with or without its CR LF). The result is valid until the next call and
  // while `text`'s bytes are.
  const DecodedView& decode(std::string_view text, std::string_view where);

 private:
  DecodedView v_;
};

// Whether a frame of this CN carries a secret in its CP (1072 NewPW, 2025 1014 key): such
// frames are archived with the CP redacted (archive.h redact_frame) and their CP never shown.
bool is_secret_command(std::string_view cn);

// Whether CN carries observations: 2011 2051 2061 2031 (+ the 2025 data commands).
bool is_data_command(std::string_view cn, Edition e);

}  // namespace skyriver::hj212
