#include "forecast/panel.h"

#include "core/error.h"

#include <algorithm>
#include <array>

namespace skyriver::forecast {

namespace {
constexpr std::array<std::string_view, kVarCount> kCodes{
    "pm25", "pm10", "so2", "no2", "co", "o3", "temp", "pres", "dewp", "rain", "wd", "wspm"};
}

std::string_view var_code(int var) { return kCodes.at(static_cast<std::size_t>(var)); }

std::optional<int> var_of(std::string_view code) {
  for (int v = 0; v < kVarCount; ++v)
    if (kCodes[v] == code) return v;
  return std::nullopt;
}

Panel::Panel(core::Instant start, int hours, std::vector<std::string> sites, std::vector<int> group)
    : start_(start), hours_(hours), sites_(std::move(sites)), group_(std::move(group)) {
  if (start_ % core::kHour != 0) throw core::Error("forecast panel", "start is not a whole hour");
  if (hours_ <= 0) throw core::Error("forecast panel", "no hours");
  if (group_.size() != sites_.size()) throw core::Error("forecast panel", "one group per site needed");
  for (int g : group_) groups_ = std::max(groups_, g + 1);
  data_.assign(sites_.size() * kVarCount * std::size_t(hours_), NAN);
}

std::optional<int> Panel::site_index(std::string_view id) const {
  for (std::size_t i = 0; i < sites_.size(); ++i)
    if (sites_[i] == id) return static_cast<int>(i);
  return std::nullopt;
}

}  // namespace skyriver::forecast
