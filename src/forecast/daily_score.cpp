#include "forecast/daily_score.h"

#include "core/text.h"
#include "standards/aqi.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace skyriver::forecast {

namespace {

bool share_a_pollutant(const std::string& a, const std::string& b) {
  const auto x = core::split_csv(a), y = core::split_csv(b);
  return std::any_of(x.begin(), x.end(), [&](const auto& p) { return !p.empty() && std::find(y.begin(), y.end(), p) != y.end(); });
}

}  // namespace

DailyScores score_days(const std::vector<DayPair>& pairs) {
  DailyScores s;
  for (const auto& p : pairs) {
    ++s.days;
    s.level_right += standards::level_of(p.forecast) == standards::level_of(p.observed);
    if (p.observed > 50 && !p.observed_primary.empty() && !p.forecast_primary.empty()) {
      ++s.primary_days;
      s.primary_right += share_a_pollutant(p.forecast_primary, p.observed_primary);
    }
    for (auto& t : s.thresholds) {
      const bool f = p.forecast > t.above, o = p.observed > t.above;
      t.hits += f && o, t.misses += !f && o, t.false_alarms += f && !o;
    }
  }
  return s;
}

nlohmann::json to_json(const DailyScores& s) {
  auto num = [](double x) { return std::isnan(x) ? nlohmann::json() : nlohmann::json(std::round(x * 1000) / 1000); };
  nlohmann::json j{{"days", s.days},
                   {"level_accuracy", num(s.level_accuracy())},
                   {"primary_days", s.primary_days},
                   {"primary_accuracy", num(s.primary_accuracy())}};
  for (const auto& t : s.thresholds)
    j["above_" + std::to_string(t.above)] = {
        {"hits", t.hits}, {"misses", t.misses}, {"false_alarms", t.false_alarms}, {"ts", num(t.ts())}};
  return j;
}

}  // namespace skyriver::forecast
