#include "assess/source_month.h"

#include "standards/emission.h"

#include <cmath>
#include <map>

namespace skyriver::assess {

namespace em = standards::emission;

namespace {

void add_loads(std::vector<PollutantLoad>& into, const std::vector<PollutantLoad>& from, bool first) {
  for (const auto& l : from) {
    PollutantLoad* t = nullptr;
    for (auto& x : into)
      if (x.parameter == l.parameter) t = &x;
    if (!t) {
      into.push_back(l);
      if (!first) into.back().annual_cap_t.reset(), into.back().daily_cap_kg.reset();  // not every member has one
      continue;
    }
    t->month_t += l.month_t;
    t->year_to_date_t += l.year_to_date_t;
    t->max_day_kg += l.max_day_kg;  // an upper bound of the group's largest day
    t->exceed_hours += l.exceed_hours;
    t->annual_cap_t = t->annual_cap_t && l.annual_cap_t ? std::optional(*t->annual_cap_t + *l.annual_cap_t) : std::nullopt;
    t->daily_cap_kg = t->daily_cap_kg && l.daily_cap_kg ? std::optional(*t->daily_cap_kg + *l.daily_cap_kg) : std::nullopt;
  }
}

void add(GroupMonth& g, const OutletMonth& o) {
  add_loads(g.loads, o.loads, g.outlets == 0);
  ++g.outlets;
  g.online += o.online;
  g.expected_hours += o.expected_hours;
  g.received_hours += o.received_hours;
  g.valid_hours += o.valid_hours;
}

}  // namespace

SourcesMonth source_month(const engine::Engine& e, const model::Sources& sources, int year, int month,
                          core::Instant until) {
  SourcesMonth m;
  m.year = year, m.month = month;
  const core::Instant start = core::beijing_midnight({year, month, 1});
  const core::Instant end = month == 12 ? core::beijing_midnight({year + 1, 1, 1}) : core::beijing_midnight({year, month + 1, 1});
  const core::Instant stop = std::max(start, std::min(end, until));
  m.until = stop;
  const core::Instant year_start = core::beijing_midnight({year, 1, 1});
  std::map<std::string, GroupMonth> ents, counties;
  for (const auto& out : sources.outlets) {
    OutletMonth o;
    o.site = out.site;
    o.enterprise = out.enterprise;
    o.medium = out.medium;
    const auto* site = e.site(out.site);
    const auto* ent = sources.enterprise(out.enterprise);
    o.county = ent ? ent->area : (site ? site->area : "");
    o.expected_hours = int((stop - start) / core::kHour);
    const auto params = e.parameters(out.site);
    const engine::HourlySeries* flow = e.series(out.site, std::string(out.flow_parameter()));
    std::vector<const engine::HourlySeries*> all;
    for (const auto& p : params) all.push_back(e.series(out.site, p));
    for (core::Instant t = start; t < stop; t += core::kHour) {
      bool any = false;
      for (const auto* s : all) any = any || (s && (s->marks(t) & engine::kPresent));
      if (!any) continue;
      ++o.received_hours;
      bool valid = flow && !std::isnan(flow->usable(t));
      for (const auto& l : out.limits) {
        const auto* s = e.series(out.site, l.parameter);
        valid = valid && s && !std::isnan(s->usable(t));
      }
      o.valid_hours += valid;
    }
    o.online = o.received_hours > 0;
    for (const auto& l : out.limits) {
      PollutantLoad pl;
      pl.parameter = l.parameter;
      pl.annual_cap_t = l.annual_t;
      pl.daily_cap_kg = l.daily_kg;
      const auto* c = e.series(out.site, l.parameter);
      const auto* zs = e.series(out.site, l.parameter + "_zs");
      const auto* o2 = e.series(out.site, "o2");
      if (!c) {
        o.loads.push_back(pl);
        continue;
      }
      double day_kg = 0, ytd_kg = 0, month_kg = 0;
      core::Date day{};
      for (core::Instant t = year_start; t < stop; t += core::kHour) {
        const double cv = c->usable(t), q = flow ? flow->usable(t) : NAN;
        if (t >= start) {
          const core::Date d = core::beijing_date(t);
          if (d != day) day = d, day_kg = 0;
          // Exceedance hours on the 折算 value (Zs when sent, else from O2), as the alarms judge.
          if (l.concentration) {
            double judged = zs ? zs->usable(t) : NAN;
            if (std::isnan(judged) && l.ref_o2 && o2 && !std::isnan(cv) && !std::isnan(o2->usable(t)))
              judged = em::converted_by_o2(cv, o2->usable(t), *l.ref_o2).value_or(NAN);
            if (std::isnan(judged) && !l.ref_o2) judged = cv;
            if (!std::isnan(judged) && judged > *l.concentration) ++pl.exceed_hours;
          }
        }
        if (std::isnan(cv) || std::isnan(q)) continue;
        const double kg = out.medium == "water" ? em::water_load_kg_per_hour(cv, q) : em::gas_load_kg_per_hour(cv, q);
        ytd_kg += kg;
        if (t >= start) {
          month_kg += kg;
          day_kg += kg;
          pl.max_day_kg = std::max(pl.max_day_kg, day_kg);
        }
      }
      pl.month_t = month_kg / 1000.0;
      pl.year_to_date_t = ytd_kg / 1000.0;
      o.loads.push_back(pl);
    }
    auto& g = ents[o.enterprise];
    g.id = o.enterprise;
    g.name = ent ? ent->name : o.enterprise;
    add(g, o);
    auto& cg = counties[o.county];
    cg.id = o.county;
    const auto* area = e.area(o.county);
    cg.name = area ? area->name : o.county;
    add(cg, o);
    m.outlets.push_back(std::move(o));
  }
  for (auto& [k, g] : ents) m.enterprises.push_back(std::move(g));
  for (auto& [k, g] : counties) m.counties.push_back(std::move(g));
  return m;
}

namespace {

nlohmann::json rate(int a, int b) { return b ? nlohmann::json(double(a) / double(b)) : nlohmann::json(nullptr); }
nlohmann::json opt(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

nlohmann::json loads_json(const std::vector<PollutantLoad>& loads) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& l : loads)
    a.push_back({{"parameter", l.parameter},
                 {"month_t", l.month_t},
                 {"year_to_date_t", l.year_to_date_t},
                 {"annual_cap_t", opt(l.annual_cap_t)},
                 {"annual_share", l.annual_cap_t ? nlohmann::json(l.year_to_date_t / *l.annual_cap_t) : nlohmann::json(nullptr)},
                 {"max_day_kg", l.max_day_kg},
                 {"daily_cap_kg", opt(l.daily_cap_kg)},
                 {"exceed_hours", l.exceed_hours}});
  return a;
}

}  // namespace

nlohmann::json to_json(const OutletMonth& o) {
  return {{"site", o.site},
          {"enterprise", o.enterprise},
          {"county", o.county},
          {"medium", o.medium},
          {"online", o.online},
          {"expected_hours", o.expected_hours},
          {"received_hours", o.received_hours},
          {"valid_hours", o.valid_hours},
          {"transmission_rate", rate(o.received_hours, o.expected_hours)},
          {"validity_rate", rate(o.valid_hours, o.received_hours)},
          {"loads", loads_json(o.loads)}};
}

nlohmann::json to_json(const GroupMonth& g, const char* id_key) {
  return {{id_key, g.id},
          {"name", g.name},
          {"outlets", g.outlets},
          {"online", g.online},
          {"online_rate", rate(g.online, g.outlets)},
          {"expected_hours", g.expected_hours},
          {"received_hours", g.received_hours},
          {"valid_hours", g.valid_hours},
          {"transmission_rate", rate(g.received_hours, g.expected_hours)},
          {"validity_rate", rate(g.valid_hours, g.received_hours)},
          {"loads", loads_json(g.loads)}};
}

nlohmann::json to_json(const SourcesMonth& m) {
  char month[16];
  std::snprintf(month, sizeof month, "%04d-%02d", m.year, m.month);
  nlohmann::json outs = nlohmann::json::array(), ents = nlohmann::json::array(), cs = nlohmann::json::array();
  for (const auto& o : m.outlets) outs.push_back(to_json(o));
  for (const auto& g : m.enterprises) ents.push_back(to_json(g, "enterprise"));
  for (const auto& g : m.counties) cs.push_back(to_json(g, "county"));
  return {{"month", month}, {"until", core::format_iso(m.until)}, {"outlets", outs}, {"enterprises", ents}, {"counties", cs}};
}

}  // namespace skyriver::assess
