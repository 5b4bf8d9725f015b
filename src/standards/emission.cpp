#include "standards/emission.h"

#include <cmath>

namespace skyriver::standards::emission {

std::optional<double> converted_by_o2(double c_dry, double o2_dry, double o2_ref) {
  if (!(o2_dry >= 0 && o2_dry < 21) || !(o2_ref >= 0 && o2_ref < 21) || !std::isfinite(c_dry)) return std::nullopt;
  return c_dry * (21.0 - o2_ref) / (21.0 - o2_dry);
}

std::optional<double> excess_air(double o2_dry) {
  if (!(o2_dry >= 0 && o2_dry < 21)) return std::nullopt;
  return 21.0 / (21.0 - o2_dry);
}

std::optional<double> converted_by_excess_air(double c_dry, double o2_dry, double alpha_standard) {
  const auto a = excess_air(o2_dry);
  if (!a || !(alpha_standard > 0) || !std::isfinite(c_dry)) return std::nullopt;
  return c_dry * *a / alpha_standard;
}

double to_standard_state(double c_actual, double ba_pa, double ps_pa, double ts_c) {
  return c_actual * 101325.0 / (ba_pa + ps_pa) * (273.0 + ts_c) / 273.0;
}

std::optional<double> wet_to_dry(double c_wet, double xsw) {
  if (!(xsw >= 0 && xsw < 1)) return std::nullopt;
  return c_wet / (1.0 - xsw);
}

double nox_as_no2(double c_no, double c_no2) {
  constexpr double kMNO2 = 46.0, kMNO = 30.0;  // g/mol (as the standard's worked ratio 46/30)
  return c_no * kMNO2 / kMNO + c_no2;
}

double gas_load_kg_per_hour(double c_mg_m3, double flow_m3_s) { return c_mg_m3 * (flow_m3_s * 3600.0) * 1e-6; }

double water_load_kg_per_hour(double c_mg_l, double flow_l_s) {
  const double d_m3 = flow_l_s * 3600.0 * 1e-3;
  return d_m3 * c_mg_l * 1e-3;
}

bool gas_hour_valid(int valid_minute_means) { return valid_minute_means >= kGasHourMinMinutes; }
bool gas_day_valid(int valid_hour_means) { return valid_hour_means >= kGasDayMinHours; }

bool flag_valid(char flag) { return flag == 'N'; }

}  // namespace skyriver::standards::emission
