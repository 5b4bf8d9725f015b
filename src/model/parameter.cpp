#include "model/parameter.h"

#include "core/error.h"

#include <algorithm>
#include <cctype>

namespace skyriver::model {

std::string normalize_unit(std::string_view unit) {
  std::string out;
  for (std::size_t i = 0; i < unit.size(); ++i) {
    const unsigned char c = unit[i];
    if (c == ' ' || c == '\t') continue;
    if (unit.substr(i, 2) == "\xC2\xB5" || unit.substr(i, 2) == "\xCE\xBC") {  // µ (micro, mu)
      out += 'u';
      ++i;
    } else if (unit.substr(i, 2) == "\xC2\xB3") {  // ³
      out += '3';
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  // Spelling variants of the few units we store.
  std::string lower = out;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return c < 128 ? std::tolower(c) : c; });
  if (lower == "ug/m3" || lower == "mg/m3" || lower == "ng/m3" || lower == "m3/s" ||
      lower == "m/s" || lower == "ntu" || lower == "hpa" || lower == "kpa")
    return lower == "ntu" ? "NTU" : lower == "hpa" ? "hPa" : lower == "kpa" ? "kPa" : lower;
  if (lower == "mg/l") return "mg/L";
  if (lower == "ug/l") return "ug/L";
  if (lower == "us/cm") return "uS/cm";
  if (lower == "ms/cm") return "mS/cm";
  if (lower == "degc" || lower == "\xE2\x84\x83" || lower == "\xC2\xB0" "c") return "C";
  return out;
}

void ParameterRegistry::add(Parameter p) {
  const std::string where = "parameter " + p.code;
  if (p.code.empty()) throw core::Error("parameter", "empty code");
  if (by_code_.count(p.code)) throw core::Error(where, "defined twice");
  std::string hj = p.hj212;
  std::transform(hj.begin(), hj.end(), hj.begin(), ::tolower);
  if (!hj.empty() && by_hj_.count(hj))
    throw core::Error(where, "HJ 212 code " + p.hj212 + " already used by " + params_[by_hj_[hj]].code);
  if (!p.hj212_old.empty() && by_old_.count(p.hj212_old))
    throw core::Error(where, "HJ/T 212-2005 code " + p.hj212_old + " already used by " +
                                 params_[by_old_[p.hj212_old]].code);
  p.unit = normalize_unit(p.unit);
  p.outlet_unit = normalize_unit(p.outlet_unit);
  for (auto& c : p.conversions) c.from = normalize_unit(c.from);
  const std::size_t i = params_.size();
  by_code_[p.code] = i;
  if (!hj.empty()) by_hj_[hj] = i;
  if (!p.hj212_old.empty()) by_old_[p.hj212_old] = i;
  params_.push_back(std::move(p));
}

const Parameter* ParameterRegistry::find(std::string_view code) const {
  auto it = by_code_.find(std::string(code));
  return it == by_code_.end() ? nullptr : &params_[it->second];
}

const Parameter* ParameterRegistry::by_hj212(std::string_view code) const {
  std::string hj(code);
  std::transform(hj.begin(), hj.end(), hj.begin(), ::tolower);
  auto it = by_hj_.find(hj);
  return it == by_hj_.end() ? nullptr : &params_[it->second];
}

const Parameter* ParameterRegistry::by_old_code(std::string_view code) const {
  auto it = by_old_.find(std::string(code));
  return it == by_old_.end() ? nullptr : &params_[it->second];
}

const std::string& ParameterRegistry::stored_unit(const Parameter& p, std::string_view site_kind) {
  return site_kind == "outlet" && !p.outlet_unit.empty() ? p.outlet_unit : p.unit;
}

double ParameterRegistry::to_stored(const Parameter& p, double value, std::string_view unit,
                                    const std::string& where, std::string_view site_kind) {
  const std::string u = normalize_unit(unit);
  const std::string& target = stored_unit(p, site_kind);
  if (u.empty() || u == target) return value;
  // Outlet values of a parameter with an outlet unit: the air conversions are relative to
  // `unit`, so go through it.
  if (target != p.unit && u == p.unit) {
    for (const auto& c : p.conversions)
      if (c.from == target) return value / c.factor;
  }
  for (const auto& c : p.conversions) {
    if (c.from != u) continue;
    const double in_unit = value * c.factor;  // in p.unit
    if (target == p.unit) return in_unit;
    for (const auto& d : p.conversions)
      if (d.from == target) return in_unit / d.factor;
  }
  throw core::Error(where, "unit '" + std::string(unit) + "' is not known for parameter " + p.code +
                               " (stored in '" + target + "')");
}

}  // namespace skyriver::model
