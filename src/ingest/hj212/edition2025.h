// Everything specific to HJ 212-2025 lives here, so it can be corrected in one place once the
// text of the standard is in hand. What we know comes from public code that already speaks it
// (REFERENCE.md §13, caoyiliang/HJ212 Enum.cs/IGB.cs): frame, CRC and data segment unchanged;
// protocol version 2 in the Flag (Flag 8..11); new commands below. ASSUMPTIONS are marked.
#pragma once

#include <string_view>

namespace skyriver::hj212::edition2025 {

inline constexpr int kVersionBits = 2;  // Flag >> 2 == 2 (Flag = 8, 9, 10, 11)

// New command codes of the 2025 edition.
inline constexpr std::string_view kHeartbeat = "9015";    // keeps connection + station online
inline constexpr std::string_view kKeyExchange = "1014";  // station asks for / host sets a key
inline constexpr std::string_view kFurnaceTemp5Min = "2111";
inline constexpr std::string_view kNoiseSingle = "2052";
inline constexpr std::string_view kStandardSampleCheck = "2062";

// ASSUMPTION: the CP field that carries a key in 1014 (request and answer). Whatever its
// name, every CP field of a 1014 frame is treated as secret (see redact_secrets).
inline constexpr std::string_view kKeyField = "Key";

// The data commands of 2025 whose CP follows the 2017 data layout (DataTime + code-Suffix
// fields), stored as observations of their own parameters when the codes are known.
bool is_data_command(std::string_view cn);
// Production-condition and electricity-use data: ASSUMPTION, CN codes not yet confirmed
// (public code lists them without the standard's numbering); we accept 2000-2999 data CNs
// generically through is_data_command when their CP parses.

// Commands the platform understands in a 2025 frame beyond those of 2017.
bool is_known_command(std::string_view cn);

// A segment with the CP of key-exchange frames blanked ("CP=&&<redacted>&&"), for the raw
// archive and the logs. Other frames are returned unchanged.
bool carries_secret(std::string_view cn);

}  // namespace skyriver::hj212::edition2025
