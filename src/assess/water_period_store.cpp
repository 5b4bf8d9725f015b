#include "assess/water_period_store.h"

#include <tuple>

namespace skyriver::assess {

namespace st = skyriver::standards;

namespace {
WaterFigures shares(const st::CityWater& w) {
  WaterFigures f;
  f.sections = w.evaluated;
  if (w.evaluated) {
    f.good_share = 100.0 * w.share_i_iii;
    f.worse_v_share = 100.0 * w.share_worse_v;
  }
  return f;
}
}  // namespace

WaterPeriod water_period(store::Store& db, const model::CityConfig& city, core::Instant from, core::Instant to,
                         const st::EvaluationRules& rules) {
  std::vector<st::SectionInput> inputs;
  std::vector<std::string> area_of;
  std::map<std::string, std::size_t> index;
  store::Query q;
  q.from = from, q.to = to;
  for (const auto* site : city.sites_of_kind("water")) {
    st::SectionInput in;
    in.id = site->id, in.name = site->name, in.river = site->attribute("river", "?");
    const auto body = site->attribute("water_body", "river");
    in.body = (body == "lake" || body == "reservoir") ? st::WaterBody::Lake : st::WaterBody::River;
    if (auto t = st::parse_class(site->attribute("target_class")); t && *t != st::WaterClass::WorseV) in.target = t;
    index[in.id] = inputs.size();
    inputs.push_back(std::move(in));
    area_of.push_back(site->area);
    q.sites.push_back(site->id);
  }
  WaterPeriod out;
  if (!inputs.empty()) {
    using Key = std::tuple<std::string, std::string, core::Instant, store::Interval>;
    std::map<Key, std::string> last_mark;
    for (const auto& m : db.marks(q)) last_mark[{m.site, m.parameter, m.time, m.interval}] = m.mark;
    db.scan(q, [&](const store::Observation& o) {
      if (o.flag != 'N' || !st::is_water_parameter(o.parameter)) return;
      if (auto m = last_mark.find({o.site, o.parameter, o.time, o.interval}); m != last_mark.end() && m->second == "invalid") return;
      inputs[index.at(o.site)].samples[o.parameter].push_back({o.value, false});
    });
  }
  out.city = st::evaluate_period(inputs, 1, rules);
  out.by_area[city.city.id] = shares(out.city);
  for (const auto& a : city.areas) {
    if (a.id == city.city.id) continue;
    std::vector<st::SectionInput> mine;
    for (std::size_t i = 0; i < inputs.size(); ++i)
      if (area_of[i] == a.id) mine.push_back(inputs[i]);
    if (!mine.empty()) out.by_area[a.id] = shares(st::evaluate_period(mine, 1, rules));
  }
  return out;
}

}  // namespace skyriver::assess
