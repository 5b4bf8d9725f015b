// Sites and areas: the places observations belong to.
//
// A Site is an air station, a water section or an enterprise emission outlet. Its id is the
// national code where one exists (air: "1723A"), otherwise a stable code chosen in the city
// configuration. Every site belongs to one Area (by area id). Optional HJ 212 fields (mn,
// password, edition) are used by the ingest server to accept a data logger's packets; a site
// with an mn must have a password (load_city refuses it otherwise).
#pragma once

#include "core/time.h"

#include <map>
#include <optional>
#include <string>
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

  std::string attribute(const std::string& key, const std::string& fallback = "") const {
    auto it = attributes.find(key);
    return it == attributes.end() ? fallback : it->second;
  }
};

}  // namespace skyriver::model
