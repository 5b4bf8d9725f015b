// Emission rules of stationary sources (flue gas and wastewater), as pure functions.
//
// Concentration conversions, the 折算 (converted) concentration and loads follow HJ 212-2017
// Appendix D (which cites HJ/T 75-2007 / HJ/T 76-2007, now HJ 75-2017 / HJ 76-2017), equation
// numbers as printed there; validity counts likewise (docs/sources.md cites each clause):
//   gas: minute mean >= 12 instantaneous values (eq. 23), hourly mean >= 45 valid minute means
//        (eq. 24), daily mean >= 20 valid hourly means (eq. 25);
//   wastewater: a minute (interval) value needs >= 120 time slices (eq. 2, 9, 15); an hour is the
//        sum / mean of its 1..6 valid interval values (eq. 3, 10, 16).
// Units: concentrations mg/m3 (gas, standard state, dry) or mg/L (water); O2 in % (dry, by
// volume); flue-gas flow m3/s at standard state, dry (what HJ 212 a00000 carries); wastewater
// flow L/s (w00000). Loads in kg. No state, no I/O; nullopt where the formula has no answer.
#pragma once

#include <optional>

namespace skyriver::standards::emission {

// eq. (28): C_zs = C_sn,dry * (21 - O2_ref) / (21 - O2_dry). nullopt when O2 is not in [0, 21).
std::optional<double> converted_by_o2(double c_dry, double o2_dry, double o2_ref);

// eq. (27): excess-air coefficient alpha = 21 / (21 - O2_dry); eq. (26): C_zs = C * alpha / alpha_s.
std::optional<double> excess_air(double o2_dry);
std::optional<double> converted_by_excess_air(double c_dry, double o2_dry, double alpha_standard);

// eq. (18): concentration at actual state -> standard state (273 K, 101325 Pa).
// ba_pa: ambient pressure, ps_pa: flue static pressure (Pa), ts_c: flue temperature (C).
double to_standard_state(double c_actual, double ba_pa, double ps_pa, double ts_c);

// eq. (19): wet -> dry basis; xsw is the flue-gas moisture as a fraction (0.08 = 8 %). nullopt if >= 1.
std::optional<double> wet_to_dry(double c_wet, double xsw);

// eq. (21): NOx (as NO2) from separately measured NO and NO2 mass concentrations.
double nox_as_no2(double c_no, double c_no2);

// eq. (33): hourly emission rate of flue gas, kg/h, from the hourly standard-dry concentration
// (NOT the 折算 value) and the standard-dry flow. Q in m3/s (HJ 212 a00000), so Q_h = 3600 * Q.
double gas_load_kg_per_hour(double c_mg_m3, double flow_m3_s);

// eq. (1), (8), (10): hourly load of a water pollutant, kg/h: D_h = Q * 3600 * 1e-3 m3 and
// G_h = D_h * C * 1e-3 kg, with Q in L/s and C in mg/L.
double water_load_kg_per_hour(double c_mg_l, double flow_l_s);

// Validity counts (see the header comment).
inline constexpr int kGasMinuteMinValues = 12;   // eq. (23)
inline constexpr int kGasHourMinMinutes = 45;    // eq. (24)
inline constexpr int kGasDayMinHours = 20;       // eq. (25)
inline constexpr int kWaterIntervalMinSlices = 120;  // eq. (2), (9), (15)
bool gas_hour_valid(int valid_minute_means);
bool gas_day_valid(int valid_hour_means);

// HJ 212-2017 Table 8 data flags: only N (normal) is valid monitoring data; F (stopped),
// M (maintenance), S (manual set value), D (fault), C (calibration), T (over the upper range),
// B (communication fault) are not.
bool flag_valid(char flag);

}  // namespace skyriver::standards::emission
