// The forecast's view of the engine: a Panel of every air site's hourly pollutants and observed
// weather over [first, latest], plus `future` empty hours after it (for a weather forecast), the
// sites' names and the areas with the sites whose mean is their value.
//
// Values are the engine's usable values (invalid or audit-rejected hours are missing). A site
// that reports relative humidity but no dew point gets the dew point from temperature and
// humidity (Magnus formula). Areas follow engine::air_target: the city holds every air site
// that is not a reference station, a district or county the sites whose area is its code;
// sites silent for engine::kSilentDays before `latest` do not count.
// REQUIRES: called inside Engine::read() (shared lock held).
#pragma once

#include "engine/engine.h"
#include "forecast/issue.h"

namespace skyriver::forecast {

struct EnginePanel {
  Panel panel;
  std::vector<std::string> names;  // by panel site
  std::vector<AreaMembers> areas;
  int latest = 0;                  // the panel hour of `latest`
};

EnginePanel panel_from_engine(const engine::Engine& e, core::Instant first, core::Instant latest, int future_hours);

}  // namespace skyriver::forecast
