// Panel: what a forecast reads, held densely: for every site, one hourly float series per
// variable (the six pollutants and the observed weather), on one common hour axis.
//
// Hour k of the panel is the hour starting at start() + k*3600 (the platform's hour-start key);
// NaN is missing. Sites carry a group (their city): the "city mean" features average the sites
// of one group. A panel is built once and then only read, so it may be shared between threads.
//
// REQUIRES: `start` is a whole hour; hours > 0; group.size() == sites.size().
#pragma once

#include "core/time.h"

#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skyriver::forecast {

// The variables, in panel order. The first six are the pollutants a forecast is issued for.
enum Var : int { kPm25, kPm10, kSo2, kNo2, kCo, kO3, kTemp, kPres, kDewp, kRain, kWd, kWspm, kVarCount };
inline constexpr int kPollutantCount = 6;
inline constexpr int kMetFirst = kTemp;

// Platform parameter code of a variable ("pm25", ..., "wspm") and back.
std::string_view var_code(int var);
std::optional<int> var_of(std::string_view code);

class Panel {
 public:
  Panel() = default;
  Panel(core::Instant start, int hours, std::vector<std::string> sites, std::vector<int> group);

  core::Instant start() const { return start_; }
  int hours() const { return hours_; }
  int site_count() const { return static_cast<int>(sites_.size()); }
  const std::string& site(int s) const { return sites_[s]; }
  int group(int s) const { return group_[s]; }
  int group_count() const { return groups_; }
  std::optional<int> site_index(std::string_view id) const;

  core::Instant time(int k) const { return start_ + core::Instant(k) * core::kHour; }
  // Index of the hour starting at `hour_start` (may lie outside [0, hours)).
  int index(core::Instant hour_start) const {
    return static_cast<int>((hour_start - start_) / core::kHour);
  }

  float* series(int s, int var) { return &data_[(std::size_t(s) * kVarCount + var) * hours_]; }
  const float* series(int s, int var) const {
    return &data_[(std::size_t(s) * kVarCount + var) * hours_];
  }
  // NaN outside the panel.
  float at(int s, int var, int k) const {
    return k < 0 || k >= hours_ ? NAN : series(s, var)[k];
  }
  void set(int s, int var, int k, float v) {
    if (k >= 0 && k < hours_) series(s, var)[k] = v;
  }

 private:
  core::Instant start_ = 0;
  int hours_ = 0, groups_ = 0;
  std::vector<std::string> sites_;
  std::vector<int> group_;
  std::vector<float> data_;
};

}  // namespace skyriver::forecast
