#include "ingest/hj212/observations.h"

#include "ingest/hj212/edition2025.h"

#include <cmath>

namespace skyriver::hj212 {

std::optional<store::Interval> interval_of(std::string_view cn) {
  if (cn == "2011") return store::Interval::rtd;
  if (cn == "2051") return store::Interval::min;
  if (cn == "2061") return store::Interval::hour;
  if (cn == "2031") return store::Interval::day;
  if (cn == edition2025::kFurnaceTemp5Min) return store::Interval::min;
  if (cn == edition2025::kNoiseSingle) return store::Interval::rtd;
  return std::nullopt;
}

OldCodeMap old_code_map(const model::ParameterRegistry& registry) {
  return [&registry](std::string_view old) -> std::optional<std::string> {
    const auto* p = registry.by_old_code(old);
    if (!p || p->hj212.empty()) return std::nullopt;
    return p->hj212;
  };
}

namespace {

const model::Parameter* lookup(const Packet& p, const Reading& r, const model::ParameterRegistry& reg) {
  if (p.edition == Edition::hj2005)
    if (const auto* q = reg.by_old_code(r.sent_code)) return q;
  return reg.by_hj212(r.code);
}

}  // namespace

Converted to_observations(const Packet& p, const DataBlock& d, const model::Site& site,
                          const model::ParameterRegistry& registry, core::Instant received_at) {
  Converted out;
  const auto interval = interval_of(p.cn);
  if (!interval || !d.data_time) return out;
  const bool rtd = *interval == store::Interval::rtd;
  for (const auto& r : d.readings) {
    const model::Parameter* base = lookup(p, r, registry);
    if (!base) {
      out.skipped.push_back(r.sent_code + ": code not in the parameter registry");
      continue;
    }
    for (const bool zs : {false, true}) {
      const auto v = r.value(zs ? (rtd ? "ZsRtd" : "ZsAvg") : (rtd ? "Rtd" : "Avg"));
      if (!v) continue;
      const model::Parameter* param = zs ? registry.find(base->code + "_zs") : base;
      if (!param) {
        out.skipped.push_back(r.sent_code + "-Zs: no parameter " + base->code + "_zs in the registry");
        continue;
      }
      std::string unit = site.attribute("hj212_unit." + param->code, site.attribute("hj212_unit"));
      unit = model::normalize_unit(unit);
      bool declared = unit.empty() || unit == model::ParameterRegistry::stored_unit(*param, site.kind) ||
                      unit == param->unit;
      for (const auto& c : param->conversions) declared = declared || c.from == unit;
      const double value = declared ? model::ParameterRegistry::to_stored(*param, *v, unit, "MN " + p.mn, site.kind)
                                    : *v;
      if ((param->min && value < *param->min) || (param->max && value > *param->max)) {
        out.skipped.push_back(param->code + ": " + std::to_string(value) + " outside the possible range");
        continue;
      }
      store::Observation o;
      o.site = site.id;
      o.parameter = param->code;
      o.time = *d.data_time;
      o.interval = *interval;
      o.value = value;
      o.unit = model::ParameterRegistry::stored_unit(*param, site.kind);
      o.flag = r.flag.value_or('N');
      o.source_kind = "hj212";
      o.source = "QN=" + p.qn;  // the server replaces it with the raw-archive position
      o.received_at = received_at;
      out.observations.push_back(std::move(o));
    }
  }
  return out;
}

}  // namespace skyriver::hj212
