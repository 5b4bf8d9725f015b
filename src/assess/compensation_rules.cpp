// load_rules(): compensation.toml -> Rules, validated (see compensation.h for the contract and
// docs/compensation.md for the file's keys).
#include "assess/compensation.h"

#include "core/error.h"
#include "model/toml_file.h"

#include <fmt/format.h>
#include <toml.hpp>

#include <set>

namespace skyriver::assess {

namespace {

using standards::WaterBody;

template <class T>
T opt(const toml::value& v, const char* key, T fallback) {
  return v.contains(key) ? toml::find<T>(v, key) : fallback;
}

// TOML distinguishes 50 from 50.0; amounts and limits accept both.
double number(const toml::value& v) {
  return v.is_integer() ? static_cast<double>(v.as_integer()) : toml::get<double>(v);
}
double number(const toml::value& v, const char* key) { return number(toml::find(v, key)); }
double number_or(const toml::value& v, const char* key, double fallback) {
  return v.contains(key) ? number(v, key) : fallback;
}

}  // namespace

Rules load_rules(const std::string& file) {
  const toml::value doc = model::read_toml(file);
  auto fail = [&](const std::string& key, const std::string& why) {
    throw core::Error(file + ": " + key, why);
  };
  Rules r;
  try {
    const auto& scheme = toml::find(doc, "scheme");
    r.name = toml::find<std::string>(scheme, "name");
    r.unit = opt<std::string>(scheme, "unit", "万元");
    r.source = opt<std::string>(scheme, "source", "");
    r.amounts_are_defaults = opt<bool>(scheme, "amounts_are_defaults", true);
    const auto basis = opt<std::string>(scheme, "basis", "quarter");
    if (basis == "quarter") r.basis = Basis::Quarter;
    else if (basis == "month") r.basis = Basis::Month;
    else fail("scheme.basis", "'" + basis + "' is not quarter or month");
    r.factors = opt<std::vector<std::string>>(scheme, "factors", r.factors);
    if (r.factors.empty()) fail("scheme.factors", "no factor");
    for (const auto& f : r.factors) {
      const auto* item = standards::find_item(f);
      if (!item || f == "ph" || f == "wtemp" || item->at_least)
        fail("scheme.factors", "'" + f + "' is not a GB 3838 concentration item with an upper limit");
    }
    const auto up = opt<std::string>(scheme, "upstream_rule", "inflow_as_reference");
    if (up == "none") r.upstream = UpstreamRule::None;
    else if (up == "inflow_as_reference") r.upstream = UpstreamRule::InflowAsReference;
    else if (up == "subtract_inflow_exceedance") r.upstream = UpstreamRule::SubtractInflowExceedance;
    else fail("scheme.upstream_rule", "'" + up + "' is not none, inflow_as_reference or subtract_inflow_exceedance");
    r.min_samples_quarter = opt<int>(scheme, "min_samples_quarter", 2);
    r.min_samples_month = opt<int>(scheme, "min_samples_month", 1);
    if (r.min_samples_quarter < 1 || r.min_samples_month < 1) fail("scheme.min_samples_*", "must be >= 1");
    std::string flags;
    for (const auto& f : opt<std::vector<std::string>>(scheme, "valid_flags", {"N"})) {
      if (f.size() != 1) fail("scheme.valid_flags", "'" + f + "' is not one HJ 212 flag letter");
      flags += f;
    }
    r.valid_flags = flags;
    r.below_detection_factor = number_or(scheme, "below_detection_factor", 0.5);
    if (r.below_detection_factor < 0 || r.below_detection_factor > 1)
      fail("scheme.below_detection_factor", "must lie in [0, 1]");

    const auto& tiers = toml::find<toml::array>(doc, "tier");
    for (std::size_t i = 0; i < tiers.size(); ++i) {
      Tier t;
      if (tiers[i].contains("up_to")) t.up_to = number(tiers[i], "up_to");
      t.amount = number(tiers[i], "amount");
      t.label = opt<std::string>(tiers[i], "label", "");
      const std::string key = fmt::format("tier[{}]", i + 1);
      if (t.amount < 0) fail(key, "negative amount");
      if (!r.tiers.empty() && (!r.tiers.back().up_to || (t.up_to && *t.up_to <= *r.tiers.back().up_to)))
        fail(key, "tiers must ascend, the open-ended one last");
      r.tiers.push_back(t);
    }
    if (r.tiers.empty() || r.tiers.back().up_to) fail("tier", "the last tier must be open-ended (no up_to)");

    if (doc.contains("rewards")) {
      const auto& rw = toml::find(doc, "rewards");
      r.rewards.target_kept = number_or(rw, "target_kept", 0);
      r.rewards.class_improved = number_or(rw, "class_improved", 0);
      r.rewards.now_compliant = number_or(rw, "now_compliant", 0);
    }

    for (const auto& s : toml::find<toml::array>(doc, "section")) {
      CompSection c;
      c.id = toml::find<std::string>(s, "id");
      const std::string key = "section " + c.id;
      if (r.section(c.id)) fail(key, "defined twice");
      c.name = opt<std::string>(s, "name", c.id);
      c.river = opt<std::string>(s, "river", "");
      const auto body = opt<std::string>(s, "body", "river");
      if (body == "river") c.body = WaterBody::River;
      else if (body == "lake" || body == "reservoir") c.body = WaterBody::Lake;
      else fail(key, "body '" + body + "' is not river, lake or reservoir");
      if (!s.contains("target")) fail(key, "no target class");
      const auto target = toml::find<std::string>(s, "target");
      auto cls = standards::parse_class(target);
      if (!cls || *cls == standards::WaterClass::WorseV) fail(key, "target '" + target + "' is not I..V");
      c.target = *cls;
      if (s.contains("target_values"))
        for (const auto& [f, v] : toml::find<toml::table>(s, "target_values")) {
          const double x = number(v);
          if (!(x > 0)) fail(key, "target value of " + f + " must be positive");
          c.target_values[f] = x;
        }
      c.confirmed = opt<bool>(s, "confirmed", false);
      c.note = opt<std::string>(s, "note", "");
      r.sections.push_back(c);
    }

    std::set<std::string> outflow_of;
    for (const auto& cv : toml::find<toml::array>(doc, "county")) {
      CountyRule c;
      c.code = toml::find<std::string>(cv, "code");
      c.name = opt<std::string>(cv, "name", c.code);
      const std::string key = "county " + c.code;
      for (const auto& ov : toml::find<toml::array>(cv, "outflow")) {
        Outflow o;
        o.section = toml::find<std::string>(ov, "section");
        o.inflows = opt<std::vector<std::string>>(ov, "inflow", {});
        if (!r.section(o.section)) fail(key, "outflow section '" + o.section + "' is not defined");
        if (!outflow_of.insert(o.section).second)
          fail(key, "section '" + o.section + "' is already the outflow of another county");
        for (const auto& in : o.inflows)
          if (!r.section(in)) fail(key, "inflow section '" + in + "' is not defined");
        c.outflows.push_back(o);
      }
      r.counties.push_back(c);
    }
  } catch (const core::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw core::Error(file, e.what());
  }
  // Every factor must have a target at every section (class limits exist for all factors allowed).
  for (const auto& s : r.sections)
    for (const auto& f : r.factors) r.target_of(s, f);
  return r;
}

}  // namespace skyriver::assess
