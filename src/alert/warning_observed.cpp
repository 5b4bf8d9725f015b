#include "alert/warning_observed.h"

#include "core/error.h"
#include "engine/air.h"

#include <cmath>

namespace skyriver::alert {

std::vector<DayAqi> observed_days(const engine::Engine& e, const std::string& target, core::Date from,
                                  core::Date to) {
  namespace st = skyriver::standards;
  return e.read([&](const engine::Engine& en) {
    engine::Target t;
    try {
      t = engine::air_target(en, target);
    } catch (const core::Error& err) {
      throw core::Error("--area", err.why());
    }
    std::vector<DayAqi> out;
    const std::uint8_t o3 = st::bit(st::Pollutant::o3) | st::bit(st::Pollutant::o3_8h);
    for (const auto& rec : engine::daily_records(t, from, to)) {
      DayAqi d;
      d.date = rec.date;
      d.aqi = rec.aqi.aqi ? double(*rec.aqi.aqi) : std::nan("");
      if (rec.dust) d.kind = 'd';
      else if (rec.aqi.primary && (rec.aqi.primary & ~o3) == 0) d.kind = 'o';
      out.push_back(d);
    }
    return out;
  });
}

}  // namespace skyriver::alert
