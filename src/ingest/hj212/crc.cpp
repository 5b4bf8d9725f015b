#include "ingest/hj212/crc.h"

#include <array>

namespace skyriver::hj212 {

namespace {

// Appendix A's inner loop on one byte: 8 rounds of shift right, XOR 0xA001 when the LSB was set.
constexpr std::uint16_t eight_rounds(std::uint16_t crc) {
  for (int i = 0; i < 8; ++i) crc = (crc & 1) ? std::uint16_t((crc >> 1) ^ 0xA001) : std::uint16_t(crc >> 1);
  return crc;
}

// Appendix A feeds each byte as crc = (crc >> 8) ^ b, which is at most 0xFF: the whole state
// that carries from one byte to the next is the crc's high byte s, and one step is
//   crc' = T[s ^ b],  s' = H[s ^ b] = T[s ^ b] >> 8.
// The 8 rounds are linear over GF(2), so H[x ^ y] = H[x] ^ H[y], and eight steps fold into
//   s'' = P8[s ^ b0] ^ P7[b1] ^ ... ^ P1[b7]   (Pk = H applied k times)
// whose eight lookups are independent of each other (slicing-by-8): the same values as the
// bitwise loop, which tests/hj212/codec_test.cpp keeps as the reference.
struct Tables {
  std::array<std::uint16_t, 256> t{};           // T: the full 16-bit result of one byte
  std::array<std::array<std::uint8_t, 256>, 9> p{};  // p[k] = H^k (p[0] unused)
};

constexpr Tables make_tables() {
  Tables tb;
  for (int x = 0; x < 256; ++x) tb.t[x] = eight_rounds(std::uint16_t(x));
  for (int x = 0; x < 256; ++x) tb.p[1][x] = std::uint8_t(tb.t[x] >> 8);
  for (int k = 2; k <= 8; ++k)
    for (int x = 0; x < 256; ++x) tb.p[k][x] = tb.p[1][tb.p[k - 1][x]];
  return tb;
}

constexpr Tables kT = make_tables();

}  // namespace

std::uint16_t crc16(std::string_view segment) {
  const auto* b = reinterpret_cast<const unsigned char*>(segment.data());
  std::size_t n = segment.size();
  if (n == 0) return 0xFFFF;
  std::uint8_t s = 0xFF;  // high byte of the initial 0xFFFF
  --n;                    // the last byte gives the full 16-bit value: done below
  for (; n >= 8; n -= 8, b += 8)
    s = std::uint8_t(kT.p[8][s ^ b[0]] ^ kT.p[7][b[1]] ^ kT.p[6][b[2]] ^ kT.p[5][b[3]] ^ kT.p[4][b[4]] ^
                     kT.p[3][b[5]] ^ kT.p[2][b[6]] ^ kT.p[1][b[7]]);
  for (; n > 0; --n, ++b) s = kT.p[1][s ^ *b];
  return kT.t[s ^ *b];
}

std::string crc16_hex(std::string_view segment) {
  char out[4];
  crc16_hex(segment, out);
  return {out, 4};
}

void crc16_hex(std::string_view segment, char out[4]) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const std::uint16_t c = crc16(segment);
  out[0] = kHex[(c >> 12) & 15], out[1] = kHex[(c >> 8) & 15], out[2] = kHex[(c >> 4) & 15], out[3] = kHex[c & 15];
}

}  // namespace skyriver::hj212
