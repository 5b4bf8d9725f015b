// The outer HJ 212 frame: "##" + 4-digit length + data segment + 4-hex CRC + "\r\n"
// (HJ 212-2017 Table 2). parse_frame checks the header, the length and the CRC and returns the
// data segment; it never looks inside the segment (see packet.h).
//
// Length: the standard counts the data segment only. Some devices count the CRC and CR LF too
// (length = segment + 6); that variant is accepted and reported in Frame::length_variant.
// CRC: compared case-insensitively (devices send "cc01"), emitted upper case by encode_frame.
#pragma once

#include "ingest/hj212/rejection.h"

#include <string>
#include <string_view>

namespace skyriver::hj212 {

struct Frame {
  std::string_view segment;     // "QN=...&&", a view into the parsed text
  std::string_view crc;         // the 4 hex digits as sent
  bool length_variant = false;  // the length field counted CRC + CR LF (segment + 6)
};

// `text` is one frame, with or without its trailing "\r\n". Throws Rejected ("frame",
// "length", "crc") naming `where`.
Frame parse_frame(std::string_view text, std::string_view where);

// Wraps a data segment: "##" + length + segment + CRC + "\r\n".
std::string encode_frame(std::string_view segment);

}  // namespace skyriver::hj212
