#include "ingest/hj212/crc.h"

namespace skyriver::hj212 {

std::uint16_t crc16(std::string_view segment) {
  std::uint16_t crc = 0xFFFF;
  for (unsigned char b : segment) {
    crc = static_cast<std::uint16_t>((crc >> 8) ^ b);  // as Appendix A writes it
    for (int i = 0; i < 8; ++i) {
      const bool lsb = crc & 1;
      crc >>= 1;
      if (lsb) crc ^= 0xA001;
    }
  }
  return crc;
}

std::string crc16_hex(std::string_view segment) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const std::uint16_t c = crc16(segment);
  return {kHex[(c >> 12) & 15], kHex[(c >> 8) & 15], kHex[(c >> 4) & 15], kHex[c & 15]};
}

}  // namespace skyriver::hj212
