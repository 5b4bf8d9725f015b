// The curtailment list (减排清单): per enterprise, its county, its outlets or production lines,
// and per warning level the measure it takes (stop, or limit by x %, counted by raw material,
// fuel, electricity or output) with the expected cut of PM, SO2, NOx and VOCs (kg/day). Read
// from config/<city>/curtailment.toml (docs/warning.md); entries marked `example = true` are
// shown with the word EXAMPLE wherever they appear.
//
// A level without its own measure takes the measure of the nearest lower level the entry lists
// (a red warning keeps at least the orange measures). An enterprise may name the HJ 212 site
// (outlet or electricity meter) and parameter whose hourly values show the cut, with its
// baseline (the normal hourly mean, in the parameter's stored unit): during a warning the
// platform compares the mean since the warning's start with the required share of the baseline
// (stop: at most `stop_share`, default 10 %; limit x %: at most 100 - x %).
//
// load_curtailment() throws core::Error("file: enterprise[i].key", why) on the first bad key,
// an unknown county, site or parameter. Immutable once loaded; thread-safe to share.
#pragma once

#include "alert/warning_rules.h"
#include "model/city.h"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace skyriver::alert {

struct Measure {
  std::string action;   // stop | limit
  double percent = 0;   // limit: cut by this share of normal (stop: 100)
  std::string basis;    // raw_material | fuel | electricity | output
  std::string text;     // what is done, as the notice prints it ("2# 熟料线停产")
  std::array<double, 4> cut{};  // expected cut, kg/day: pm, so2, nox, vocs
  double required_share() const;  // the highest share of the baseline allowed (0..1)
};

struct Monitor {
  std::string site, parameter;
  double baseline = 0;  // normal hourly mean, stored unit
};

struct Enterprise {
  std::string id, name, county, industry;
  bool example = false;
  std::vector<std::string> lines;  // outlets or production lines
  std::optional<Monitor> monitor;
  std::array<std::optional<Measure>, 5> by_level;  // index = Level
  // The measure in force at `level` (the nearest lower level listed), or nullptr.
  const Measure* measure_at(Level level) const;
};

struct CurtailmentList {
  std::string file;
  double stop_share = 0.10;
  std::vector<Enterprise> enterprises;
  const Enterprise* find(const std::string& id) const;
};

// A missing file gives an empty list.
CurtailmentList load_curtailment(const std::string& file, const model::CityConfig& city);
std::string curtailment_file(const std::string& config_dir);

inline constexpr std::array<const char*, 4> kCutPollutants{"pm", "so2", "nox", "vocs"};

}  // namespace skyriver::alert
