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
// name, every CP field of a 1014 frame is treated as secret (carries_secret below).
inline constexpr std::string_view kKeyField = "Key";

// The data commands of 2025 whose CP follows the 2017 data layout (DataTime + code-Suffix
// fields): 2111, 2052 and 2062. They must carry DataTime (decode.h); 2111 and 2052 become
// observations of their codes (observations.h interval_of); 2062 has no interval there, so its
// readings are archived raw and acknowledged, not stored.
bool is_data_command(std::string_view cn);
// Production-condition and electricity-use data: ASSUMPTION, CN codes not yet confirmed
// (public code lists them without the standard's numbering): any other 2xxx CN of a 2025 frame
// is archived raw and acknowledged (dispatch.h), not decoded.

// Commands the platform understands in a 2025 frame beyond those of 2017.
bool is_known_command(std::string_view cn);

// Whether a 2025 frame of this CN carries a secret in its CP (1014: the key). Such frames are
// archived with the CP blanked (archive.h redact_frame) and their CP is never logged or shown;
// decode.h is_secret_command adds the 2017 secrets (1072 NewPW).
bool carries_secret(std::string_view cn);

}  // namespace skyriver::hj212::edition2025
