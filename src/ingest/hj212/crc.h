// The CRC of HJ 212 frames: the standard's own CRC16 (HJ 212-2017 Appendix A, CRC16_Checkout),
// which is NOT CRC-16/MODBUS: each byte is XORed into the crc shifted right by 8 (the high
// byte moved down), then 8 rounds of shift-right with XOR 0xA001. Computed over the data
// segment only (from "QN="/"ST=" through the final "&&"). Printed as 4 upper-case hex digits,
// high byte first. Only 256 distinct values exist; that is the standard, not a bug.
// Table-driven (the same values as the standard's bitwise loop); thread-safe, no allocation
// except the std::string of crc16_hex(segment).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace skyriver::hj212 {

std::uint16_t crc16(std::string_view segment);
std::string crc16_hex(std::string_view segment);  // "1C80"
void crc16_hex(std::string_view segment, char out[4]);  // the same 4 characters, no allocation

}  // namespace skyriver::hj212
