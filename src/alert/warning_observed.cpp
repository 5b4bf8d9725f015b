#include "alert/warning_observed.h"

#include "core/error.h"
#include "engine/air.h"

#include <array>
#include <cmath>
#include <span>

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

Trace observed_rolling(const engine::Engine& e, const std::string& target, core::Date from, core::Date to) {
  namespace st = skyriver::standards;
  const core::Instant start = core::beijing_midnight(from), end = core::beijing_midnight(to);
  const std::uint8_t o3 = st::bit(st::Pollutant::o3) | st::bit(st::Pollutant::o3_8h);
  return e.read([&](const engine::Engine& en) {
    engine::Target t;
    try {
      t = engine::air_target(en, target);
    } catch (const core::Error& err) {
      throw core::Error("--area", err.why());
    }
    // Hourly area values from 23 hours before the first window.
    const auto hours = engine::hourly_aqi(t, start - 23 * core::kHour, end);
    std::array<std::vector<double>, 6> v;
    for (const auto& h : hours) {
      const double x[6] = {h.values.pm25, h.values.pm10, h.values.so2, h.values.no2, h.values.co, h.values.o3};
      for (int p = 0; p < 6; ++p) v[p].push_back(x[p]);
    }
    Trace tr;
    tr.start = start;
    for (std::size_t i = 23; i < hours.size(); ++i) {
      auto win = [&](int p) { return std::span<const double, 24>(v[p].data() + i - 23, 24); };
      const st::DayHours d{win(0), win(1), win(2), win(3), win(4), win(5)};
      const auto r = st::daily_aqi(st::edition_for(core::beijing_date(hours[i].time)), st::daily_values(d));
      tr.aqi.push_back(r.aqi ? double(*r.aqi) : std::nan(""));
      tr.kind += r.aqi && r.primary && (r.primary & ~o3) == 0 ? 'o' : 'p';
    }
    return tr;
  });
}

}  // namespace skyriver::alert
