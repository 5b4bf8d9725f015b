// Client text as error messages and answers may hold it: whether it is valid UTF-8, and a
// clipped copy of a value for echoing.
//
// Contract: invalid_utf8_at() follows RFC 3629 (no overlong forms, no surrogates, nothing
// above U+10FFFF); clipped() returns at most 64 bytes of the value, cut on a UTF-8 boundary,
// with the full length noted, so a huge bad value (a 15 MB column name) is never echoed whole.
// Pure functions, safe from any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace skyriver::core {

// The offset of the first byte of the first invalid sequence, or nullopt when all is valid.
std::optional<std::size_t> invalid_utf8_at(std::string_view text);

std::string clipped(const std::string& value);

}  // namespace skyriver::core
