#include "ingest/hj212/edition.h"

#include "ingest/hj212/edition2025.h"

namespace skyriver::hj212 {

std::string_view edition_name(Edition e) {
  switch (e) {
    case Edition::hj2005: return "2005";
    case Edition::hj2017: return "2017";
    case Edition::hj2025: return "2025";
  }
  return "?";
}

std::optional<Edition> parse_edition(std::string_view s) {
  if (s == "2005") return Edition::hj2005;
  if (s == "2017") return Edition::hj2017;
  if (s == "2025") return Edition::hj2025;
  return std::nullopt;
}

std::optional<Edition> edition_from_flag(std::optional<int> flag) {
  if (!flag) return Edition::hj2005;
  switch (*flag >> 2) {
    case 0: return Edition::hj2005;
    case 1: return Edition::hj2017;
    case edition2025::kVersionBits: return Edition::hj2025;
  }
  return std::nullopt;
}

int version_bits(Edition e) {
  switch (e) {
    case Edition::hj2005: return 0;
    case Edition::hj2017: return 1;
    case Edition::hj2025: return edition2025::kVersionBits;
  }
  return 1;
}

}  // namespace skyriver::hj212
