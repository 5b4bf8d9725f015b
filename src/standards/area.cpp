#include "standards/area.h"

#include <cmath>

namespace skyriver::standards {

double area_mean(std::span<const double> site_values, const AreaConfig& cfg) {
  double sum = 0;
  int n = 0;
  for (double v : site_values)
    if (!std::isnan(v)) sum += v, ++n;
  if (n == 0 || n < cfg.min_valid_share * double(site_values.size()) - 1e-9) return kMissing;
  return sum / n;
}

HourlyInput area_hour(std::span<const HourlyInput> sites, const AreaConfig& cfg) {
  HourlyInput out;
  auto one = [&](double HourlyInput::*f) {
    double sum = 0;
    int n = 0;
    for (const HourlyInput& s : sites)
      if (!std::isnan(s.*f)) sum += s.*f, ++n;
    if (n == 0 || n < cfg.min_valid_share * double(sites.size()) - 1e-9) return kMissing;
    return sum / n;
  };
  out.pm25 = one(&HourlyInput::pm25);
  out.pm10 = one(&HourlyInput::pm10);
  out.so2 = one(&HourlyInput::so2);
  out.no2 = one(&HourlyInput::no2);
  out.co = one(&HourlyInput::co);
  out.o3 = one(&HourlyInput::o3);
  return out;
}

}  // namespace skyriver::standards
