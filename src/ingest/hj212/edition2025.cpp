#include "ingest/hj212/edition2025.h"

namespace skyriver::hj212::edition2025 {

bool is_data_command(std::string_view cn) {
  return cn == kFurnaceTemp5Min || cn == kNoiseSingle || cn == kStandardSampleCheck;
}

bool is_known_command(std::string_view cn) {
  return cn == kHeartbeat || cn == kKeyExchange || is_data_command(cn);
}

bool carries_secret(std::string_view cn) { return cn == kKeyExchange; }

}  // namespace skyriver::hj212::edition2025
