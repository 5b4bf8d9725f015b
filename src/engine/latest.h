// Latest state of a site: the latest hour with any value at the site, and every parameter's
// raw value and usability at that hour (parameters without a value that hour are absent).
#pragma once

#include "engine/engine.h"

#include <map>
#include <optional>

namespace skyriver::engine {

struct LatestValue {
  double value;
  bool usable;  // flag N and not invalidated by an auditor
};

struct Latest {
  core::Instant time = 0;
  std::map<std::string, LatestValue> values;
};

// Call inside Engine::read().
std::optional<Latest> latest(const Engine& e, const std::string& site);

// Hourly raw values of one series over [from, to) (NaN = missing); usable-only when asked.
std::vector<double> hourly(const Engine& e, const std::string& site, const std::string& parameter,
                           core::Instant from, core::Instant to, bool usable_only);

}  // namespace skyriver::engine
