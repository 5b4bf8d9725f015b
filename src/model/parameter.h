// Parameters: what can be measured (platform code, names, stored unit, HJ 212 codes) and the
// registry that finds one by platform code, by HJ 212-2017 code or by HJ/T 212-2005 code, and
// converts a reported value into the stored unit.
//
// Contract: a value is stored in its parameter's stored unit (`Parameter::unit`; for outlets
// `outlet_unit` when set). A value reported in any other unit is converted with one of the
// parameter's declared conversions (stored = reported * factor); a unit that is not declared is
// an error, never a silent pass-through. Units are compared after normalisation
// ("µg/m³", "μg/m3", "ug/m3" are one unit; see normalize_unit).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace skyriver::model {

struct UnitConversion {
  std::string from;   // a unit a device or file may report (normalised)
  double factor = 1;  // stored = reported * factor
};

struct Parameter {
  std::string code;              // platform code: pm25, so2, codmn, ... (lowercase)
  std::string name_zh, name_en;  // 细颗粒物 / PM2.5
  std::string unit;              // stored unit, normalised ("ug/m3", "mg/m3", "mg/L", "" = none)
  std::string outlet_unit;       // stored unit at emission outlets when it differs (so2 → mg/m3)
  std::string group;             // air | weather | water | outlet (for listing; not a constraint)
  std::string hj212;             // HJ 212-2017 code (a34004), empty when none
  std::string hj212_old;         // HJ/T 212-2005 code (02), empty when none
  std::vector<UnitConversion> conversions;
  std::optional<double> min, max;  // physically possible range of the stored value
  int decimals = -1;               // reporting precision, -1 = not fixed
};

// "µg/m³" → "ug/m3": µ/μ → u, ³ → 3, spaces dropped. Case is kept except for the "m3"/"l"
// spelling variants handled explicitly ("mg/l" → "mg/L").
std::string normalize_unit(std::string_view unit);

class ParameterRegistry {
 public:
  // Throws core::Error("parameter <code>", why) on a duplicate code or HJ 212 code.
  void add(Parameter p);

  const Parameter* find(std::string_view code) const;         // platform code
  const Parameter* by_hj212(std::string_view code) const;     // a21026 (case-insensitive)
  const Parameter* by_old_code(std::string_view code) const;  // 02
  const std::vector<Parameter>& all() const { return params_; }

  // The stored unit for a site kind ("air", "water", "outlet").
  static const std::string& stored_unit(const Parameter& p, std::string_view site_kind = "");

  // `value` reported in `unit` → value in the stored unit. An empty unit means "already in the
  // stored unit". Throws core::Error(where, "unit X is not known for parameter Y") otherwise.
  static double to_stored(const Parameter& p, double value, std::string_view unit,
                          const std::string& where, std::string_view site_kind = "");

 private:
  std::vector<Parameter> params_;
  std::unordered_map<std::string, std::size_t> by_code_, by_hj_, by_old_;
};

// The platform's built-in parameter table is config/<city>/parameters.toml; tests and tools
// that need it without a city call load_parameters(file).
ParameterRegistry load_parameters(const std::string& toml_file);

}  // namespace skyriver::model
