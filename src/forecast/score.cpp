#include "forecast/score.h"

#include "core/error.h"
#include "engine/air.h"
#include "standards/edition.h"
#include "forecast/forecaster.h"
#include "store/store.h"

#include <nlohmann/json.hpp>

#include <set>

namespace skyriver::forecast {

namespace {

std::optional<core::Instant> iso_instant(const nlohmann::json& j) {
  if (!j.is_string()) return std::nullopt;
  const auto c = core::parse_civil(j.get<std::string>().substr(0, 19));
  if (!c) return std::nullopt;
  return core::from_beijing(*c);
}

}  // namespace

StoredScores score_stored(store::Store& st, const engine::Engine& e, core::Instant from, core::Instant to) {
  StoredScores out;
  for (auto& v : out.by_horizon) v.resize(72);
  store::RecordQuery q;
  q.kind = kForecastKind;
  q.from = from;
  q.to = to;
  std::vector<DayPair> days[3];
  std::set<core::Instant> issues;
  const auto records = one_per_issue(st.records(q));  // the model issue replaces the fallback of its hour
  e.read([&](const engine::Engine& en) {
    for (const auto& r : records) {
      const auto j = nlohmann::json::parse(r.body, nullptr, false);
      const auto latest = j.is_object() ? iso_instant(j.value("latest_data_hour", nlohmann::json())) : std::nullopt;
      if (!latest || !j.contains("kind") || !j.contains("id")) {
        ++out.unreadable;
        continue;
      }
      issues.insert(r.at);
      const std::string kind = j["kind"], id = j["id"];
      if (kind == "site") {
        ++out.site_forecasts;
        const auto pollutants = j.find("pollutants");
        if (pollutants == j.end() || !pollutants->is_object()) continue;
        for (int v = 0; v < kPollutantCount; ++v) {
          const auto* series = en.series(id, std::string(var_code(v)));
          const auto p = pollutants->find(std::string(var_code(v)));
          if (!series || p == pollutants->end() || !p->contains("value")) continue;
          const auto& values = (*p)["value"];
          for (std::size_t h = 1; h <= values.size() && h <= 72; ++h) {
            if (!values[h - 1].is_number()) continue;
            const double y = series->usable(*latest + core::Instant(h) * core::kHour);
            if (!std::isnan(y)) out.by_horizon[v][h - 1].add(y - values[h - 1].get<double>());
          }
        }
        continue;
      }
      ++out.area_forecasts;
      engine::Target target;
      try {
        target = engine::air_target(en, id);
      } catch (const core::Error&) {
        continue;  // an area no longer configured
      }
      for (const auto& d : j.value("days", nlohmann::json::array())) {
        const int lead = d.value("lead_day", 0);
        const auto day = core::parse_date(d.value("day", std::string()));
        if (lead < 1 || lead > 3 || !day || !d.contains("aqi")) continue;
        const auto obs = engine::daily_records(target, *day, core::add_days(*day, 1));
        if (obs.empty() || !obs[0].aqi.aqi) continue;
        days[lead - 1].push_back({id, *day, d["aqi"].get<int>(), int(*obs[0].aqi.aqi), d.value("primary", std::string()),
                                  *obs[0].aqi.aqi > 50 ? standards::codes_of(obs[0].aqi.primary) : ""});
      }
    }
  });
  out.issues = issues.size();
  for (int l = 0; l < 3; ++l) out.daily[l] = score_days(days[l]);
  return out;
}

nlohmann::json to_json(const StoredScores& s) {
  auto num = [](double x) { return std::isnan(x) ? nlohmann::json() : nlohmann::json(std::round(x * 100) / 100); };
  nlohmann::json j{{"issues", s.issues},
                   {"site_forecasts", s.site_forecasts},
                   {"area_forecasts", s.area_forecasts},
                   {"unreadable_records", s.unreadable}};
  for (int v = 0; v < kPollutantCount; ++v) {
    nlohmann::json rows = nlohmann::json::array();
    for (std::size_t h = 0; h < s.by_horizon[v].size(); ++h) {
      const auto& e = s.by_horizon[v][h];
      if (e.n) rows.push_back({{"horizon", h + 1}, {"n", e.n}, {"rmse", num(e.rmse())}, {"mae", num(e.mae())}});
    }
    j["hourly"][std::string(var_code(v))] = rows;
  }
  for (int l = 0; l < 3; ++l) j["daily"]["day" + std::to_string(l + 1)] = to_json(s.daily[l]);
  return j;
}

}  // namespace skyriver::forecast
