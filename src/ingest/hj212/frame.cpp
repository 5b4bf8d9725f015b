#include "ingest/hj212/frame.h"

#include "ingest/hj212/crc.h"

#include <cstdio>

namespace skyriver::hj212 {

namespace {

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
char upper(char c) { return c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c; }


}  // namespace

Frame parse_frame(std::string_view text, std::string_view w) {
  if (text.size() >= 2 && text.substr(text.size() - 2) == "\r\n") text.remove_suffix(2);
  if (text.size() < 2 || text.substr(0, 2) != "##")
    reject(w, "frame", QnRtn::rejected, "frame does not start with \"##\"");
  if (text.size() < 10)
    reject(w, "frame", QnRtn::rejected, "frame too short for header, length and CRC");
  std::size_t declared = 0;
  for (std::size_t i = 2; i < 6; ++i) {
    if (text[i] < '0' || text[i] > '9')
      reject(w, "frame", QnRtn::rejected,
                     "data length \"" + std::string(text.substr(2, 4)) + "\" is not 4 decimal digits");
    declared = declared * 10 + static_cast<std::size_t>(text[i] - '0');
  }
  Frame f;
  f.crc = text.substr(text.size() - 4);
  f.segment = text.substr(6, text.size() - 10);
  for (char c : f.crc)
    if (!is_hex(c))
      reject(w, "frame", QnRtn::rejected,
                     "frame does not end with 4 hex CRC digits (got \"" + std::string(f.crc) + "\")");
  if (declared != f.segment.size()) {
    if (declared == f.segment.size() + 6) {
      f.length_variant = true;
    } else {
      reject(w, "length", QnRtn::rejected,
                     "data length field says " + std::to_string(declared) + " but the data segment has " +
                         std::to_string(f.segment.size()) + " bytes");
    }
  }
  char computed[4];
  crc16_hex(f.segment, computed);
  for (int i = 0; i < 4; ++i)
    if (upper(f.crc[i]) != computed[i])
      reject(w, "crc", QnRtn::crc_error,
             "CRC " + std::string(f.crc) + " does not match the data segment (computed " +
                 std::string(computed, 4) + ")");
  return f;
}

std::string encode_frame(std::string_view segment) {
  if (segment.size() > 9999)
    throw core::Error("hj212 encoder", "data segment of " + std::to_string(segment.size()) +
                                           " bytes does not fit the 4-digit length field");
  char len[8];
  std::snprintf(len, sizeof len, "%04zu", segment.size() % 10000);
  std::string out;
  out.reserve(segment.size() + 12);
  out += "##";
  out += len;
  out += segment;
  out += crc16_hex(segment);
  out += "\r\n";
  return out;
}

}  // namespace skyriver::hj212
