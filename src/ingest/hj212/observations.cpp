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

// A reading's parameter: a 2005 code through hj212_old first, then the (2017) code.
const model::Parameter* lookup(Edition edition, std::string_view sent_code, std::string_view code,
                               const model::ParameterRegistry& reg) {
  if (edition == Edition::hj2005)
    if (const auto* q = reg.by_old_code(sent_code)) return q;
  return reg.by_hj212(code);
}

}  // namespace

namespace {

// What both forms share for one frame: where its values go and how they are labelled.
struct Frame212 {
  const model::Site& site;
  const model::ParameterRegistry& registry;
  store::Interval interval;
  core::Instant time, received_at;
  std::string_view mn, qn;
  std::string where;   // "MN <mn>", for unit errors (built once per frame, on first use)
  std::string source;  // "QN=<qn>": the server replaces it with the raw-archive position
};

// One reading's main value (-Rtd / -Avg) and converted value (-ZsRtd / -ZsAvg) -> observations.
// `base`: the reading's parameter (nullptr: a code the registry does not know).
void add_reading(Converted& out, Frame212& f, std::string_view sent_code, const model::Parameter* base,
                 std::optional<double> main, std::optional<double> zs_value, char flag) {
  if (!base) {
    out.skipped.push_back(std::string(sent_code) + ": code not in the parameter registry");
    return;
  }
  for (const bool zs : {false, true}) {
    const auto v = zs ? zs_value : main;
    if (!v) continue;
    const model::Parameter* param = zs ? f.registry.find(base->code + "_zs") : base;
    if (!param) {
      out.skipped.push_back(std::string(sent_code) + "-Zs: no parameter " + base->code + "_zs in the registry");
      continue;
    }
    // A site without attributes reports the stored units (no lookup, no string per value).
    const std::string unit = f.site.attributes.empty()
                                 ? std::string()
                                 : model::normalize_unit(f.site.attribute("hj212_unit." + param->code,
                                                                          f.site.attribute("hj212_unit")));
    const std::string& stored = model::ParameterRegistry::stored_unit(*param, f.site.kind);
    bool declared = unit.empty() || unit == stored || unit == param->unit;
    for (const auto& c : param->conversions) declared = declared || c.from == unit;
    double value = *v;
    if (declared && !unit.empty()) {
      if (f.where.empty()) f.where = "MN " + std::string(f.mn);
      value = model::ParameterRegistry::to_stored(*param, *v, unit, f.where, f.site.kind);
    }
    if ((param->min && value < *param->min) || (param->max && value > *param->max)) {
      out.skipped.push_back(param->code + ": " + std::to_string(value) + " outside the possible range");
      continue;
    }
    if (f.source.empty()) f.source = "QN=" + std::string(f.qn);
    store::Observation& o = out.observations.emplace_back();
    o.site = f.site.id;
    o.parameter = param->code;
    o.time = f.time;
    o.interval = f.interval;
    o.value = value;
    o.unit = stored;
    o.flag = flag;
    o.source_kind = "hj212";
    o.source = f.source;
    o.received_at = f.received_at;
  }
}

}  // namespace

Converted to_observations(const Packet& p, const DataBlock& d, const model::Site& site,
                          const model::ParameterRegistry& registry, core::Instant received_at) {
  Converted out;
  const auto interval = interval_of(p.cn);
  if (!interval || !d.data_time) return out;
  const bool rtd = *interval == store::Interval::rtd;
  Frame212 f{site, registry, *interval, *d.data_time, received_at, p.mn, p.qn, {}, {}};
  out.observations.reserve(d.readings.size());
  for (const auto& r : d.readings)
    add_reading(out, f, r.sent_code, lookup(p.edition, r.sent_code, r.code, registry), r.value(rtd ? "Rtd" : "Avg"),
                r.value(rtd ? "ZsRtd" : "ZsAvg"), r.flag.value_or('N'));
  return out;
}

Converted to_observations(const Header& h, const DataView& d, const model::Site& site,
                          const model::ParameterRegistry& registry, core::Instant received_at) {
  Converted out;
  const auto interval = interval_of(h.cn);
  if (!interval || !d.data_time) return out;
  const bool rtd = *interval == store::Interval::rtd;
  Frame212 f{site, registry, *interval, *d.data_time, received_at, h.mn, h.qn, {}, {}};
  out.observations.reserve(d.readings.size());
  for (const auto& r : d.readings)  // a view holds the code as sent
    add_reading(out, f, r.code, lookup(h.edition, r.code, r.code, registry), d.value(r, rtd ? "Rtd" : "Avg"),
                d.value(r, rtd ? "ZsRtd" : "ZsAvg"), r.flag.value_or('N'));
  return out;
}

}  // namespace skyriver::hj212
