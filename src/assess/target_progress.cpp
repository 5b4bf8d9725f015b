// Progress against targets (contract in target_progress.h).
#include "assess/target_progress.h"

#include "core/error.h"
#include "engine/air.h"
#include "standards/air_stats.h"
#include "standards/day_status.h"
#include "standards/rounding.h"

#include <cmath>

namespace skyriver::assess {

namespace st = skyriver::standards;
using nlohmann::json;

const IndicatorProgress* AreaProgress::item(std::string_view code) const {
  for (const auto& i : items)
    if (i.indicator->code == code) return &i;
  return nullptr;
}

core::Date progress_through(const engine::Engine& e, int year, int month, std::optional<core::Date> through) {
  if (month < 1 || month > 12) throw core::Error("month", std::to_string(month) + " is not a month 1..12");
  const core::Date first{year, month, 1}, last{year, month, core::days_in_month(year, month)};
  if (through) return std::clamp(*through, first, last);
  if (auto h = e.latest_hour("air")) {
    const core::Date d = core::beijing_date(*h);
    if (d >= first && d < last) return d;
  }
  return last;
}

namespace {

// The figure's change against last year: percent for concentrations and the composite,
// percentage points for the good-day ratio, days for heavy-pollution days.
double change_of(const Indicator& ind, const Figure& now, const Figure& before) {
  if (std::isnan(now.value) || std::isnan(before.value)) return st::kMissing;
  if (ind.code == "good_ratio" || ind.code == "heavy_days") return now.value - before.value;
  if (before.value == 0) return st::kMissing;
  return (now.value - before.value) / before.value * 100.0;
}

std::string_view change_unit(const Indicator& ind) {
  if (ind.code == "good_ratio") return "points";
  if (ind.code == "heavy_days") return "d";
  return "%";
}

// The largest unrounded figure that still meets "op T" after rounding to `decimals`.
double bound(const Target& t, int decimals) {
  const double half = 0.5 * std::pow(10.0, -decimals);
  return t.op == Op::lt ? *t.value - half : *t.value + half;
}

double daily_value(const st::DailyRecord& d, std::string_view code, bool drop_dust) {
  if (drop_dust && d.dust) return st::kMissing;
  if (code == "pm25") return d.values.pm25;
  if (code == "pm10") return d.values.pm10;
  if (code == "so2") return d.values.so2;
  if (code == "no2") return d.values.no2;
  if (code == "co") return d.values.co;
  if (code == "o3_8h") return d.values.o3_8h;
  return st::kMissing;
}

Figure water_figure(const Indicator& ind, const std::map<std::string, WaterFigures>& m, const std::string& area) {
  Figure f;
  auto it = m.find(area);
  if (it == m.end() || it->second.sections == 0) return f;
  f.value = ind.code == "water_good_share" ? it->second.good_share : it->second.worse_v_share;
  f.complete = !std::isnan(f.value);
  f.days = it->second.sections;
  return f;
}

}  // namespace

Allowance remaining_allowance(const Indicator& ind, const Target& annual, std::span<const st::DailyRecord> ytd,
                              int remaining_days) {
  Allowance a;
  a.remaining_days = remaining_days;
  if (!annual.value || !ind.air || ind.code == "composite") return a;
  const std::string_view c = ind.code;
  int valid = 0, good = 0, heavy = 0;
  for (const auto& d : ytd) {
    const auto s = st::day_status(d.values, d.aqi);
    if (s == st::DayStatus::invalid) continue;
    ++valid;
    good += s == st::DayStatus::good;
    heavy += (d.aqi.aqi ? *d.aqi.aqi : d.aqi.max_iaqi) > 200;
  }
  if (valid == 0) return a;  // nothing measured so far (no station): no allowance to speak of
  if (c == "good_ratio") {
    const int n = valid + remaining_days;
    const int need = int(std::ceil(*annual.value * n / 100.0 - 1e-9));
    a.kind = "days_left";
    a.value = double((n - need) - (valid - good));
    a.best = 100.0 * (good + remaining_days) / n;
  } else if (c == "heavy_days") {
    a.kind = "days_left";
    a.value = *annual.value - (annual.op == Op::lt ? 1 : 0) - heavy;
  } else if (annual.op == Op::lt || annual.op == Op::le) {
    const double b = bound(annual, ind.decimals);
    double sum = 0, above = 0;
    int n = 0;
    const bool pm = c == "pm25" || c == "pm10";
    for (const auto& d : ytd) {
      const double v = daily_value(d, c, pm);
      if (std::isnan(v)) continue;
      sum += v, ++n;
      above += v > b;
    }
    const int total = n + remaining_days;
    if (c == "co" || c == "o3_8h") {
      const double p = st::annual_percentile_p(c == "co" ? st::Pollutant::co : st::Pollutant::o3_8h);
      const double k = 1 + double(total - 1) * p;
      const int s = int(std::floor(k + 1e-9));
      a.kind = "days_above_left";
      a.value = double(total - s - (k - s > 1e-9 ? 1 : 0)) - above;
    } else {
      if (remaining_days == 0) return a;
      a.kind = "average_below";
      a.value = (b * total - sum) / remaining_days;
      a.best = sum / total;
    }
  } else {
    return a;
  }
  a.reachable = a.value >= 0;
  return a;
}

std::vector<AreaProgress> progress_all(const engine::Engine& e, const Targets& t, int year, int month, core::Date through,
                                       const WaterByArea& water) {
  const core::Date jan1{year, 1, 1}, first{year, month, 1};
  const core::Date last_through = engine::same_day_last_year(through);
  const int remaining = int(core::days_from_civil({year, 12, 31}) - core::days_from_civil(through));
  std::vector<AreaProgress> out;
  std::vector<std::vector<st::DailyRecord>> ytd_days;
  for (const auto& area : e.areas()) {
    AreaProgress a;
    a.code = area.code, a.name = area.name, a.level = area.level;
    a.year = year, a.month = month, a.through = through;
    const engine::Target target = engine::air_target(e, area.code);
    auto days = engine::daily_records(target, jan1, core::add_days(through, 1));
    const auto before = engine::daily_records(target, {year - 1, 1, 1}, core::add_days(last_through, 1));
    const std::size_t m0 = std::size_t(core::days_from_civil(first) - core::days_from_civil(jan1));
    const std::size_t m0_before = std::size_t(core::days_from_civil({year - 1, month, 1}) - core::days_from_civil({year - 1, 1, 1}));
    a.ytd_summary = st::summarize_period(days);
    a.month_summary = st::summarize_period(std::span(days).subspan(m0));
    a.ytd_last_year = st::summarize_period(before);
    a.month_last_year = st::summarize_period(std::span(before).subspan(std::min(m0_before, before.size())));
    const MonthlyTargets mt = monthly_targets(e, t, area.code, year);
    a.monthly_targets_how = mt.how;
    for (const auto& ind : indicators()) {
      IndicatorProgress p;
      p.indicator = &ind;
      if (ind.air) {
        p.month = air_figure(a.month_summary, ind);
        p.ytd = air_figure(a.ytd_summary, ind);
        p.month_last_year = air_figure(a.month_last_year, ind);
        p.ytd_last_year = air_figure(a.ytd_last_year, ind);
      } else {
        p.month = water_figure(ind, water.month, area.code);
        p.ytd = water_figure(ind, water.ytd, area.code);
      }
      p.year_target = t.annual(area.code, year, ind.code);
      if (auto it = mt.by_indicator.find(std::string(ind.code)); it != mt.by_indicator.end())
        p.month_target = it->second[std::size_t(month - 1)];
      auto judge = [&](const Figure& f, const std::optional<Target>& tg, double& gap, std::optional<bool>& met) {
        if (!tg || !tg->value || std::isnan(f.value)) return;
        gap = f.value - *tg->value;
        met = tg->met(f.value, ind.decimals);
      };
      judge(p.month, p.month_target, p.month_gap, p.month_met);
      judge(p.ytd, p.year_target, p.ytd_gap, p.ytd_met);
      p.month_change = change_of(ind, p.month, p.month_last_year);
      p.ytd_change = change_of(ind, p.ytd, p.ytd_last_year);
      if (p.year_target) p.allowance = remaining_allowance(ind, *p.year_target, days, remaining);
      a.items.push_back(std::move(p));
    }
    out.push_back(std::move(a));
  }
  // Ranks among the districts and counties: complete figures only, better first.
  for (std::size_t k = 0; k < indicators().size(); ++k) {
    const Indicator& ind = indicators()[k];
    for (bool ytd : {false, true}) {
      std::vector<double> keys;
      for (const auto& a : out) {
        const Figure& f = ytd ? a.items[k].ytd : a.items[k].month;
        const bool rankable = a.level != "city" && f.complete && !std::isnan(f.value);
        keys.push_back(!rankable ? st::kMissing : ind.better == Better::higher ? -f.value : f.value);
      }
      const auto ranks = st::rank_ascending(keys);
      for (std::size_t i = 0; i < out.size(); ++i) (ytd ? out[i].items[k].ytd_rank : out[i].items[k].month_rank) = ranks[i];
    }
  }
  return out;
}

AreaProgress progress(const engine::Engine& e, const Targets& t, const std::string& area, int year, int month,
                      core::Date through, const WaterByArea& water) {
  if (!e.area(area)) throw core::Error("area", "'" + area + "' is not a configured area");
  for (auto& a : progress_all(e, t, year, month, through, water))
    if (a.code == area) return a;
  throw core::Error("area", "'" + area + "' is not a configured area");
}

namespace {

json num(double v, int decimals) {
  return std::isnan(v) ? json(nullptr) : json(st::round_half_even(v, decimals));
}

json figure_json(const Figure& f, const Indicator& ind) {
  json months = json::array();  // the months below their data minimum
  for (int m = 1; m <= 12; ++m)
    if (f.short_months & (1u << (m - 1))) months.push_back(m);
  return {{"value", num(f.value, ind.decimals)}, {"complete", f.complete}, {"days", f.days}, {"required", f.required},
          {"short_months", months}};
}

}  // namespace

json target_json(const std::optional<Target>& t) {
  if (!t) return nullptr;
  return {{"value", t->value ? json(*t->value) : json(nullptr)}, {"op", std::string(op_text(t->op))},
          {"source", t->source}, {"confirmed", t->confirmed}, {"inherited", t->inherited}};
}

json to_json(const IndicatorProgress& p) {
  const Indicator& ind = *p.indicator;
  auto opt_bool = [](std::optional<bool> b) { return b ? json(*b) : json(nullptr); };
  auto rank = [](int r) { return r ? json(r) : json(nullptr); };
  json allowance = nullptr;
  if (!p.allowance.kind.empty())
    allowance = {{"kind", p.allowance.kind}, {"value", num(p.allowance.value, p.allowance.kind == "average_below" ? ind.decimals : 0)},
                 {"remaining_days", p.allowance.remaining_days}, {"reachable", p.allowance.reachable}};
  return {{"indicator", std::string(ind.code)},
          {"name", std::string(ind.name_zh)},
          {"name_en", std::string(ind.name_en)},
          {"unit", std::string(ind.unit_shown)},
          {"month", figure_json(p.month, ind)},
          {"ytd", figure_json(p.ytd, ind)},
          {"month_last_year", figure_json(p.month_last_year, ind)},
          {"ytd_last_year", figure_json(p.ytd_last_year, ind)},
          {"month_target", target_json(p.month_target)},
          {"year_target", target_json(p.year_target)},
          {"month_gap", num(p.month_gap, ind.decimals)},
          {"ytd_gap", num(p.ytd_gap, ind.decimals)},
          {"month_met", opt_bool(p.month_met)},
          {"ytd_met", opt_bool(p.ytd_met)},
          {"month_change", num(p.month_change, 2)},
          {"ytd_change", num(p.ytd_change, 2)},
          {"change_unit", std::string(change_unit(ind))},
          {"month_rank", rank(p.month_rank)},
          {"ytd_rank", rank(p.ytd_rank)},
          {"allowance", allowance}};
}

json to_json(const AreaProgress& a) {
  json items = json::array();
  for (const auto& i : a.items) items.push_back(to_json(i));
  return {{"code", a.code},
          {"name", a.name},
          {"level", a.level},
          {"year", a.year},
          {"month", a.month},
          {"through", core::format_date(a.through)},
          {"monthly_targets", a.monthly_targets_how},
          {"indicators", items}};
}

}  // namespace skyriver::assess
