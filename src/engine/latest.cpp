#include "engine/latest.h"

#include <limits>

namespace skyriver::engine {

std::optional<Latest> latest(const Engine& e, const std::string& site) {
  std::optional<core::Instant> when;
  const auto params = e.parameters(site);
  for (const auto& p : params) {
    core::Instant t;
    if (e.series(site, p)->latest(t) && (!when || t > *when)) when = t;
  }
  if (!when) return std::nullopt;
  Latest out;
  out.time = *when;
  for (const auto& p : params) {
    const HourlySeries* s = e.series(site, p);
    const std::uint8_t m = s->marks(*when);
    if (!(m & kPresent)) continue;
    out.values[p] = {s->raw(*when), !std::isnan(s->usable(*when))};
  }
  return out;
}

std::vector<double> hourly(const Engine& e, const std::string& site, const std::string& parameter,
                           core::Instant from, core::Instant to, bool usable_only) {
  std::vector<double> out;
  if (to <= from) return out;
  out.reserve(static_cast<std::size_t>((to - from) / core::kHour));
  const HourlySeries* s = e.series(site, parameter);
  for (core::Instant t = from; t < to; t += core::kHour) {
    if (!s) out.push_back(std::numeric_limits<double>::quiet_NaN());
    else out.push_back(usable_only ? s->usable(t) : s->raw(t));
  }
  return out;
}

}  // namespace skyriver::engine
