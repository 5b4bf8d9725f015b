// Sites and areas: the places observations belong to.
//
// A Site is an air station, a water section or an enterprise emission outlet. Its id is the
// national code where one exists (air: "1723A"), otherwise a stable code chosen in the city
// configuration. Every site belongs to one Area (by area id). Optional HJ 212 fields (mn,
// password, edition) are used by the ingest server to accept a data logger's packets; a site
// with an mn must have a password (load_city refuses it otherwise). `allow` optionally limits
// the addresses a logger may send from (fixed addresses, a private APN): CIDR ranges, IPv4 or
// IPv6; an empty list lets any address in (the password alone decides).
#pragma once

#include "core/time.h"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skyriver::model {

inline constexpr const char* kAir = "air";
inline constexpr const char* kWater = "water";
inline constexpr const char* kOutlet = "outlet";

struct Area {
  std::string id;      // administrative code: "140200", "140213"; or a free id ("beijing")
  std::string name;    // 平城区
  std::string level;   // city | district | county
  std::string parent;  // parent area id, empty for the top
};

// An address range "10.1.2.0/24", "2001:db8::/32" or one address "10.1.2.3" (= /32 or /128).
struct AddressRange {
  std::array<std::uint8_t, 16> bytes{};  // network order; IPv4 in the first 4
  bool v6 = false;
  int bits = 0;  // prefix length
  std::string text;  // as configured

  // Whether `address` (textual, as a socket reports it; an IPv4-mapped IPv6 address counts as
  // its IPv4 address) lies in the range. An unparsable address lies in no range.
  bool contains(std::string_view address) const;
};

// nullopt when `text` is not an address or a CIDR range (the prefix too long, host bits are
// allowed: "10.1.2.3/24" means 10.1.2.0/24).
std::optional<AddressRange> parse_address_range(std::string_view text);

struct Site {
  std::string id;    // 1723A, or a configured code for water sections / outlets
  std::string name;  // 云冈宾馆
  std::string kind;  // air | water | outlet
  std::string area;  // Area::id
  std::optional<double> lon, lat;  // WGS-84 as published (station list)
  bool reference = false;          // 对照点 (background / reference station)
  std::optional<core::Date> stopped;  // 停运 date, when the site no longer reports
  // Free attributes kept as text: river, water_body (river|reservoir|lake), target_class
  // (I..V or "unknown"), national (true), enterprise, ... Shown, stored, never interpreted here.
  std::map<std::string, std::string> attributes;
  // Platform codes of what the site measures, when the configuration states it (empty = not
  // stated); every code must be a known parameter.
  std::vector<std::string> parameters;
  // HJ 212 data logger (optional).
  std::string mn;        // 24 hex chars (2017/2025) or a short 2005 id
  std::string password;  // PW
  int edition = 0;       // 0 = decide per packet from Flag; 2017 or 2025 pins it
  std::vector<AddressRange> allow;  // empty = any address

  // Whether a logger may send from `address` (allow is empty, or one range contains it).
  bool allows(std::string_view address) const {
    if (allow.empty()) return true;
    for (const auto& r : allow)
      if (r.contains(address)) return true;
    return false;
  }

  std::string attribute(const std::string& key, const std::string& fallback = "") const {
    auto it = attributes.find(key);
    return it == attributes.end() ? fallback : it->second;
  }
};

}  // namespace skyriver::model
