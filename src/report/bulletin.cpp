// The daily report, monthly bulletin and annual report (contract in bulletin.h).
#include "report/bulletin.h"

#include "assess/compensation_report.h"
#include "assess/compensation_store.h"
#include "assess/plan_store.h"
#include "assess/target_progress.h"
#include "assess/water_period_store.h"
#include "core/error.h"
#include "core/text.h"
#include "engine/air.h"
#include "standards/air_stats.h"
#include "standards/day_status.h"
#include "standards/level_colour.h"
#include "standards/pollutant_names.h"
#include "standards/rounding.h"

#include <fmt/format.h>

#include <cmath>
#include <ctime>
#include <set>

namespace skyriver::report {

namespace st = skyriver::standards;
using assess::AreaProgress;
using assess::IndicatorProgress;
using nlohmann::json;

std::pair<int, int> parse_month(std::string_view text) {
  const std::string t(core::trim(text));
  auto y = t.size() == 7 && t[4] == '-' ? core::parse_integer(std::string_view(t).substr(0, 4)) : std::nullopt;
  auto m = t.size() == 7 && t[4] == '-' ? core::parse_integer(std::string_view(t).substr(5, 2)) : std::nullopt;
  if (!y || !m) throw core::Error("--month", "'" + t + "' is not a month YYYY-MM");
  if (*m < 1 || *m > 12) throw core::Error("--month", "month " + std::to_string(*m) + " is not 1..12");
  return {int(*y), int(*m)};
}

namespace {

// The indicators a bulletin shows as figures, in column order.
constexpr const char* kFigures[] = {"composite", "pm25", "pm10", "so2", "no2", "co", "o3_8h", "good_ratio", "heavy_days"};

json num(double v, int decimals) { return std::isnan(v) ? json(nullptr) : json(st::round_half_even(v, decimals)); }

const assess::Indicator& ind(std::string_view code) { return *assess::find_indicator(code); }

std::string_view short_name(std::string_view code) {
  if (code == "composite") return "综合指数";
  if (code == "o3_8h") return "O₃-8h";
  if (auto p = st::pollutant_from_code(code)) return st::official_name(*p);
  if (code == "good_ratio") return "优良天数比例";
  if (code == "heavy_days") return "重污染天数";
  if (code == "water_good_share") return "水质优良断面比例";
  return "劣Ⅴ类断面比例";
}

// "2019年1-7月", and "2019年1月" for January (never "1-1月").
std::string months_label(int year, int month) {
  return month == 1 ? fmt::format("{}年1月", year) : fmt::format("{}年1-{}月", year, month);
}

// Column heads of the pollutants, in official form.
std::vector<std::string> heads(std::initializer_list<const char*> codes) {
  std::vector<std::string> out;
  for (const char* c : codes) out.emplace_back(short_name(c));
  return out;
}

// Period figures of one side (month or year to date) of an area.
json side_json(const AreaProgress& a, bool ytd) {
  const st::PeriodSummary& s = ytd ? a.ytd_summary : a.month_summary;
  json j;
  for (const char* code : kFigures) {
    const IndicatorProgress* p = a.item(code);
    const assess::Figure& f = ytd ? p->ytd : p->month;
    if (std::string_view(code) == "good_ratio") j[code] = num(s.good_ratio, 2);
    else j[code] = num(f.value, p->indicator->decimals);
  }
  j["good_days"] = s.good_days;
  j["valid_days"] = s.valid_days;
  j["days"] = s.days;
  j["required_days"] = s.required_days;
  j["dust_days"] = s.dust_days;
  json below = json::array();
  for (const auto& p : a.items) {
    const assess::Figure& f = ytd ? p.ytd : p.month;
    if (p.indicator->air && !std::isnan(f.value) && !f.complete) below.push_back(std::string(p.indicator->code));
  }
  j["below_minimum"] = below;
  j["complete"] = s.complete && s.days_complete;
  const IndicatorProgress* c = a.item("composite");
  j["rank"] = (ytd ? c->ytd_rank : c->month_rank) ? json(ytd ? c->ytd_rank : c->month_rank) : json(nullptr);
  json targets = json::object(), change = json::object(), allowance = json::object(), ranks = json::object();
  for (const auto& p : a.items) {
    const std::string code(p.indicator->code);
    const auto& tg = ytd ? p.year_target : p.month_target;
    if (tg) {
      json t = assess::target_json(tg);
      t["gap"] = num(ytd ? p.ytd_gap : p.month_gap, p.indicator->decimals);
      const auto met = ytd ? p.ytd_met : p.month_met;
      t["met"] = met ? json(*met) : json(nullptr);
      targets[code] = t;
    }
    if (p.indicator->air) {
      change[code] = num(ytd ? p.ytd_change : p.month_change, 2);
      const int r = ytd ? p.ytd_rank : p.month_rank;
      ranks[code] = r ? json(r) : json(nullptr);
    }
    if (ytd && !p.allowance.kind.empty())
      allowance[code] = {{"kind", p.allowance.kind},
                         {"value", num(p.allowance.value, p.allowance.kind == "average_below" ? p.indicator->decimals : 0)},
                         {"remaining_days", p.allowance.remaining_days},
                         {"reachable", p.allowance.reachable}};
  }
  j["ranks"] = ranks;
  j["targets"] = targets;
  j["change"] = change;  // % for concentrations and the composite, points for the ratio, days for heavy days
  if (ytd) j["allowance"] = allowance;
  const auto* w = a.item("water_good_share");
  const auto& wf = ytd ? w->ytd : w->month;
  if (!std::isnan(wf.value)) {
    const auto& v = ytd ? a.item("water_worse_v_share")->ytd : a.item("water_worse_v_share")->month;
    j["water"] = {{"good_share", num(wf.value, 1)}, {"worse_v_share", num(v.value, 1)}, {"sections", wf.days}};
  } else {
    j["water"] = nullptr;
  }
  return j;
}

// Notes on figures below their data minimum and areas without data, for one side.
void minimum_notes(const std::vector<AreaProgress>& areas, bool ytd, const std::string& label, std::vector<std::string>& notes) {
  std::vector<std::string> empty;
  for (const auto& a : areas) {
    const st::PeriodSummary& s = ytd ? a.ytd_summary : a.month_summary;
    bool any = false;
    for (const auto& p : a.items)
      if (p.indicator->air && !std::isnan((ytd ? p.ytd : p.month).value)) any = true;
    if (!any) {
      empty.push_back(a.name);
      continue;
    }
    std::vector<std::string> parts;
    for (const auto& p : a.items) {
      const assess::Figure& f = ytd ? p.ytd : p.month;
      if (!p.indicator->air || std::isnan(f.value) || f.complete) continue;
      std::vector<std::string> months;
      for (int m = 1; m <= 12; ++m)
        if (f.short_months & (1u << (m - 1))) months.push_back(std::to_string(m));
      parts.push_back(months.empty() ? fmt::format("{} 有效 {} 天", short_name(p.indicator->code), f.days)
                                     : fmt::format("{} 有效 {} 天（{}月不足）", short_name(p.indicator->code), f.days,
                                                   fmt::join(months, "、")));
    }
    if (!parts.empty())
      notes.push_back(fmt::format("{}{}：以下数值未达到数据有效性要求（每月有效日数不少于 27 天、2月不少于 25 天、"
                                  "全年不少于 324 天，本期应有 {} 天；GB 3095 表4、HJ 663），仅供参考，不参与排名：{}。",
                                  a.name, label, s.required_days, fmt::join(parts, "，")));
  }
  if (!empty.empty())
    notes.push_back(fmt::format("{}{}：无空气质量监测数据（未设国控站点或站点未运行），不参与排名。", fmt::join(empty, "、"), label));
}

void target_notes(const std::vector<AreaProgress>& areas, std::vector<std::string>& notes) {
  int inherited = 0, unconfirmed = 0;
  for (const auto& a : areas)
    for (const auto& p : a.items) {
      for (const auto* t : {&p.month_target, &p.year_target})
        if (*t && (*t)->value) {
          inherited += (*t)->inherited;
          unconfirmed += !(*t)->confirmed;
        }
    }
  if (unconfirmed)
    notes.push_back(fmt::format("目标值中有 {} 项为默认值或未经市里确认（待确认；其中 {} 项为区县沿用市目标或按月分解的默认控制目标），以市里正式下达为准。",
                                unconfirmed, inherited));
  if (!areas.empty()) {
    // The city's default (target_months.h): "pattern 2017-2019[ (months without ...)]", "flat ...".
    const std::string& how = areas.front().monthly_targets_how;
    if (how.rfind("pattern ", 0) == 0) {
      const std::string years = how.substr(8, how.find(' ', 8) - 8);
      const bool partial = how.find("months without") != std::string::npos;
      notes.push_back(fmt::format("月度控制目标：未单独下达的，按 {} 年逐月规律分解年度目标（各月目标平均等于年度目标{}），默认值，待确认。", years,
                                  partial ? "；基准年无完整数据的月份取年度目标" : ""));
    } else {
      notes.push_back(fmt::format("月度控制目标：未单独下达的，取年度目标（{}）。", how == "flat" ? "按全年同值" : "无基准年数据"));
    }
  }
}

std::vector<DayPoint> chart_of(const std::vector<st::DailyRecord>& days) {
  std::vector<DayPoint> out;
  for (const auto& d : days) {
    DayPoint p;
    p.date = d.date;
    if (d.aqi.aqi) p.aqi = *d.aqi.aqi;
    p.colour = st::colour_hex(st::edition_for(d.date), d.aqi.level());
    out.push_back(p);
  }
  return out;
}

json chart_json(const std::vector<st::DailyRecord>& days) {
  json out = json::array();
  for (const auto& d : days) {
    const int level = d.aqi.level();
    out.push_back({{"date", core::format_date(d.date)},
                   {"aqi", d.aqi.aqi ? json(*d.aqi.aqi) : json(nullptr)},
                   {"level", level ? json(level) : json(nullptr)},
                   {"color", st::colour_hex(st::edition_for(d.date), level)},
                   {"counts", std::string(d.aqi.aqi ? (st::day_status(d.values, d.aqi) == st::DayStatus::good       ? "good"
                                                       : st::day_status(d.values, d.aqi) == st::DayStatus::not_good ? "not_good"
                                                                                                                    : "invalid")
                                                    : "invalid")}});
  }
  return out;
}

// A figure cell: the value, shaded when below its data minimum.
Cell figure_cell(const IndicatorProgress& p, bool ytd) {
  const assess::Figure& f = ytd ? p.ytd : p.month;
  return Cell::of_number(std::isnan(f.value) ? std::nullopt : std::optional<double>(st::round_half_even(f.value, p.indicator->decimals)),
                         p.indicator->decimals, !std::isnan(f.value) && !f.complete ? "incomplete" : "");
}

Cell target_cell(const std::optional<assess::Target>& t, int decimals) {
  if (!t || !t->value) return Cell::of_text(t ? "待定" : "—");
  return Cell::of_text(fmt::format("{}{:.{}f}{}", assess::op_text(t->op), *t->value, decimals, t->confirmed ? "" : "*"));
}

Cell met_cell(std::optional<bool> met) {
  if (!met) return Cell::of_text("—");
  return Cell::of_text(*met ? "达标" : "未达标", *met ? "good" : "bad");
}

Cell rank_cell(int r) { return r ? Cell::of_number(double(r), 0) : Cell::of_text("—"); }

Cell change_cell(double v, const std::string& unit) {
  if (std::isnan(v)) return Cell::of_text("—");
  Cell c = Cell::of_number(st::round_half_even(v, 1), 1, v > 0 ? "bad" : v < 0 ? "good" : "");
  c.text = fmt::format("{:+.1f}{}", st::round_half_even(v, 1), unit);
  return c;
}

// The area table of one side: composite, rank, concentrations, good days, heavy days, change.
Table figures_table(const std::vector<AreaProgress>& areas, bool ytd, const std::string& title, const std::string& sheet) {
  Table t;
  t.title = title, t.sheet = sheet;
  t.head = {"区域", "综合指数", "排名"};
  for (auto& h : heads({"pm25", "pm10", "o3_8h", "so2", "no2", "co"})) t.head.push_back(h);
  t.head.insert(t.head.end(), {"优良天数/有效天数", "优良率%", "重污染天数", "综合指数同比"});
  for (const auto& a : areas) {
    const st::PeriodSummary& s = ytd ? a.ytd_summary : a.month_summary;
    std::vector<Cell> row{Cell::of_text(a.name)};
    row.push_back(figure_cell(*a.item("composite"), ytd));
    row.push_back(rank_cell(ytd ? a.item("composite")->ytd_rank : a.item("composite")->month_rank));
    for (const char* c : {"pm25", "pm10", "o3_8h", "so2", "no2", "co"}) row.push_back(figure_cell(*a.item(c), ytd));
    row.push_back(Cell::of_text(s.valid_days ? fmt::format("{}/{}", s.good_days, s.valid_days) : "—", s.days_complete ? "" : "incomplete"));
    row.push_back(Cell::of_number(std::isnan(s.good_ratio) ? std::nullopt : std::optional<double>(s.good_ratio), 1,
                                  s.days_complete || std::isnan(s.good_ratio) ? "" : "incomplete"));
    row.push_back(s.valid_days ? Cell::of_number(double(s.heavy_days), 0) : Cell::of_text("—"));
    const auto* c = a.item("composite");
    row.push_back(change_cell(ytd ? c->ytd_change : c->month_change, "%"));
    t.rows.push_back(std::move(row));
  }
  t.note = "浓度单位 µg/m³（CO 为 mg/m³）；CO 为日均值第95百分位，O₃-8h 为日最大8小时平均第90百分位；排名按综合指数由小到大，仅对达到数据有效性要求的区县排名。";
  return t;
}

// What may still happen before the year ends: the figure while the target can be met; when it
// no longer can, says so with the best the year can still reach (never a negative allowance).
Cell allowance_cell(const assess::Allowance& a, int decimals, const char* best_format) {
  if (a.kind.empty()) return Cell::of_text("—");
  if (a.reachable) return Cell::of_number(st::round_half_even(a.value, decimals), decimals);
  if (std::isnan(a.best)) return Cell::of_text("已无法完成", "bad");
  return Cell::of_text("已无法完成（" + fmt::format(fmt::runtime(best_format), st::round_half_even(a.best, 1)) + "）", "bad");
}

// Targets table: PM2.5, good-day ratio, O3 and composite against the side's targets; the gap
// cell is green when the target is met and red when not.
Table targets_table(const std::vector<AreaProgress>& areas, bool ytd, const std::string& title, const std::string& sheet) {
  Table t;
  t.title = title, t.sheet = sheet;
  t.head = {"区域"};
  const char* codes[] = {"pm25", "good_ratio", "o3_8h", "composite"};
  for (const char* c : codes) {
    const std::string n(short_name(c));
    t.head.insert(t.head.end(), {n, n + "目标", n + "差距"});
  }
  if (ytd) t.head.insert(t.head.end(), {"余下日均PM₂.₅须低于", "尚可非优良天数"});
  for (const auto& a : areas) {
    std::vector<Cell> row{Cell::of_text(a.name)};
    for (const char* c : codes) {
      const IndicatorProgress& p = *a.item(c);
      const int d = p.indicator->decimals;
      row.push_back(figure_cell(p, ytd));
      row.push_back(target_cell(ytd ? p.year_target : p.month_target, d));
      const double gap = ytd ? p.ytd_gap : p.month_gap;
      const auto met = ytd ? p.ytd_met : p.month_met;
      row.push_back(Cell::of_number(std::isnan(gap) ? std::nullopt : std::optional<double>(st::round_half_even(gap, d)), d,
                                    !met ? "" : *met ? "good" : "bad"));
    }
    if (ytd) {
      const auto& pm = a.item("pm25")->allowance;
      const auto& gd = a.item("good_ratio")->allowance;
      row.push_back(allowance_cell(pm, 1, "全年均值最低 {:.1f}"));
      row.push_back(allowance_cell(gd, 0, "全年最高 {:.1f}%"));
    }
    t.rows.push_back(std::move(row));
  }
  t.note = "差距 = 实际值 − 目标值，绿色为达标、红色为未达标；目标后标 * 者为默认值或待确认；“待定”为规划未给出数值、待市里下达。" +
           std::string(ytd ? "余下额度假定年内余下各日均为有效日；“已无法完成”表示即使余下各日浓度为零（或均为优良天），年度目标也已无法完成，括号内为全年可达到的最好值。" : "");
  return t;
}

Table water_table(const st::CityWater& w) {
  Table t;
  t.title = "地表水断面水质";
  t.sheet = "地表水";
  t.head = {"断面", "河流", "水质类别", "水质状况", "目标", "是否达标", "说明"};
  for (const auto& s : w.sections) {
    std::vector<Cell> row{Cell::of_text(s.name), Cell::of_text(s.river)};
    if (s.eval) {
      row.push_back(Cell::of_text(std::string(st::class_name(s.eval->cls))));
      row.push_back(Cell::of_text(std::string(s.eval->status.name)));
      row.push_back(Cell::of_text(s.eval->target ? std::string(st::class_name(*s.eval->target)) : "未定"));
      row.push_back(s.eval->meets_target ? met_cell(*s.eval->meets_target) : Cell::of_text("—"));
      row.push_back(Cell::of_text(""));
    } else {
      for (int i = 0; i < 4; ++i) row.push_back(Cell::of_text("—"));
      row.push_back(Cell::of_text("本期无有效样本，未评价", "incomplete"));  // the reason in English is in the JSON
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

json water_json(const st::CityWater& w) {
  json sections = json::array();
  for (const auto& s : w.sections) {
    json j{{"id", s.id}, {"name", s.name}, {"river", s.river}};
    if (s.eval) {
      j["class"] = std::string(st::class_name(s.eval->cls));
      j["status"] = std::string(s.eval->status.name);
      j["target"] = s.eval->target ? json(std::string(st::class_name(*s.eval->target))) : json(nullptr);
      j["meets_target"] = s.eval->meets_target ? json(*s.eval->meets_target) : json(nullptr);
    } else {
      j["class"] = nullptr;
      j["excluded"] = s.excluded.empty() ? "no samples" : s.excluded;
    }
    sections.push_back(j);
  }
  return {{"sections", sections},
          {"evaluated", w.evaluated},
          {"good_share", w.evaluated ? json(st::round_half_even(100.0 * w.share_i_iii, 1)) : json(nullptr)},
          {"worse_v_share", w.evaluated ? json(st::round_half_even(100.0 * w.share_worse_v, 1)) : json(nullptr)}};
}

// Water figures (month and year to date) for progress, from the store when there is one.
struct WaterSides {
  assess::WaterByArea by_area;
  std::optional<st::CityWater> month, ytd;
};

WaterSides water_sides(const Sources& s, core::Date first, core::Date month_first, core::Date through) {
  WaterSides w;
  if (!s.store) return w;
  const core::Instant end = core::beijing_midnight(core::add_days(through, 1));
  auto m = assess::water_period(*s.store, s.city, core::beijing_midnight(month_first), end, s.water_rules);
  auto y = assess::water_period(*s.store, s.city, core::beijing_midnight(first), end, s.water_rules);
  w.by_area.month = m.by_area;
  w.by_area.ytd = y.by_area;
  w.month = m.city;
  w.ytd = y.city;
  return w;
}

std::vector<st::DailyRecord> city_days(const Sources& s, core::Date from, core::Date to_inclusive) {
  return engine::daily_records(engine::air_target(s.engine, s.city.city.id), from, core::add_days(to_inclusive, 1));
}

std::string issued_line(core::Date through) { return "统计截至 " + core::format_date(through); }

// The days of [from, through] that the area rule alone makes invalid: valid when the stations
// reporting are averaged whatever their number, invalid under the configured share (city.toml
// [assessment] min_site_share). Empty for single-station areas and when the rule is off.
std::vector<core::Date> days_removed_by_rule(const Sources& s, const std::string& area, core::Date from, core::Date through) {
  std::vector<core::Date> out;
  if (s.engine.area_rule().min_valid_share <= 0) return out;
  const engine::Target t = engine::air_target(s.engine, area);
  bool several = false;
  for (const auto& p : t.series) several = several || p.size() > 1;
  if (!t.area || !several) return out;
  const core::Date end = core::add_days(through, 1);
  const auto with = engine::daily_records(t, from, end);
  const auto without = engine::daily_records(engine::with_area_rule(t, {0.0}), from, end);
  for (std::size_t i = 0; i < with.size() && i < without.size(); ++i)
    if (st::day_status(with[i].values, with[i].aqi) == st::DayStatus::invalid &&
        st::day_status(without[i].values, without[i].aqi) != st::DayStatus::invalid)
      out.push_back(with[i].date);
  return out;
}

// Says, per area, how many and which days the area rule made invalid (and puts the dates in the
// area's JSON as "rule_invalid_days").
void rule_notes(const Sources& s, const std::vector<AreaProgress>& areas, core::Date from, core::Date through,
                const std::string& label, json& list, std::vector<std::string>& notes) {
  const double share = s.engine.area_rule().min_valid_share;
  for (std::size_t i = 0; i < areas.size(); ++i) {
    const auto days = days_removed_by_rule(s, areas[i].code, from, through);
    json dates = json::array();
    std::vector<std::string> shown;
    for (const auto& d : days) {
      dates.push_back(core::format_date(d));
      shown.push_back(fmt::format("{}月{}日", d.month, d.day));
    }
    if (i < list.size()) list[i]["rule_invalid_days"] = dates;
    if (days.empty()) continue;
    notes.push_back(fmt::format("{}{}：区域小时值须有不少于 {:g}% 的考核站点取得有效数据方为有效（该比例依据待确认），"
                                "有 {} 天因有效站点数不足判为无效日，不计入优良天数统计：{}。若按有数据的站点平均，这 {} 天均为有效日。",
                                areas[i].name, label, st::round_half_even(100 * share, 1), days.size(), fmt::join(shown, "、"),
                                days.size()));
  }
}

}  // namespace

void require_air_data(const engine::Engine& e, const model::CityConfig& city, core::Date first, core::Date last,
                      const std::string& option) {
  const auto latest = e.latest_hour("air");
  const core::Date today = core::beijing_date(std::time(nullptr));
  if (first > today) throw core::Error(option, "is in the future (today is " + core::format_date(today) + "): no report");
  if (!latest) throw core::Error(option, "the store holds no air data: no report");
  const core::Date newest = core::beijing_date(*latest);
  if (first > newest)
    throw core::Error(option, "no air data yet: the store's latest hour is " + core::format_beijing(*latest) + " (Beijing): no report");
  const core::Date to = std::min(core::add_days(last, 1), core::add_days(newest, 1));
  for (const auto& d : engine::daily_records(engine::air_target(e, city.city.id), first, to))
    for (double v : {d.values.pm25, d.values.pm10, d.values.so2, d.values.no2, d.values.co, d.values.o3_8h})
      if (!std::isnan(v)) return;
  throw core::Error(option, "no valid daily air value of " + city.city.name + " in this period: no report");
}

Report month_report(const Sources& s, int year, int month) {
  const core::Date through = assess::progress_through(s.engine, year, month);
  const WaterSides water = water_sides(s, {year, 1, 1}, {year, month, 1}, through);
  const auto areas = assess::progress_all(s.engine, s.targets, year, month, through, water.by_area);
  const auto days = city_days(s, {year, month, 1}, through);
  Report r;
  json list = json::array();
  for (const auto& a : areas) {
    json j{{"code", a.code}, {"name", a.name}, {"level", a.level}};
    j.update(side_json(a, false));
    j["ytd"] = side_json(a, true);
    j["ytd"]["from"] = fmt::format("{}-01-01", year);
    j["ytd"]["through"] = core::format_date(through);
    list.push_back(j);
  }
  std::vector<std::string> notes;
  const std::string mlabel = fmt::format("{}年{}月", year, month), ylabel = months_label(year, month);
  minimum_notes(areas, false, mlabel, notes);
  minimum_notes(areas, true, ylabel, notes);
  rule_notes(s, areas, {year, month, 1}, through, mlabel, list, notes);
  target_notes(areas, notes);
  if (through < core::Date{year, month, core::days_in_month(year, month)})
    notes.push_back("本月数据截至 " + core::format_date(through) + "（月份尚未结束或数据尚未到齐）。");
  r.json = {{"kind", "month"},
            {"month", fmt::format("{:04d}-{:02d}", year, month)},
            {"through", core::format_date(through)},
            {"edition", std::string(st::edition_name(st::edition_for(through)))},
            {"areas", list}};
  r.json["water"] = water.month ? water_json(*water.month) : json(nullptr);
  // The quarter's eco-compensation when the month closes a quarter.
  json comp = nullptr;
  std::optional<assess::Statement> statement;
  if (month % 3 == 0 && s.compensation && s.store) {
    const auto period = assess::parse_period(fmt::format("{}Q{}", year, month / 3));
    statement = assess::compensate(*s.compensation, period, assess::samples_from_store(*s.store, *s.compensation, period));
    comp = assess::to_json(*statement);
  }
  r.json["compensation"] = comp;
  r.json["daily_aqi"] = chart_json(days);
  if (water.month)
    for (const auto& sec : water.month->sections)
      if (!sec.eval) notes.push_back(fmt::format("{}断面本月无有效样本，未评价。", sec.name));
  r.json["notes"] = notes;

  Document& d = r.doc;
  d.issuer = s.city.city.name + "生态环境局";
  d.title = s.city.city.name + "环境空气质量月度通报";
  d.subtitle = mlabel;
  d.issued = issued_line(through);
  d.tables.push_back(figures_table(areas, false, mlabel + " 各区县环境空气质量", "本月"));
  d.tables.push_back(targets_table(areas, false, mlabel + " 月度控制目标完成情况", "本月目标"));
  d.tables.push_back(figures_table(areas, true, ylabel + " 累计", "累计"));
  d.tables.push_back(targets_table(areas, true, ylabel + " 年度目标进度", "年度目标进度"));
  if (water.month) d.tables.push_back(water_table(*water.month));
  if (statement) {
    Table t;
    t.title = fmt::format("{}年第{}季度 跨界断面生态补偿（{}）", year, month / 3, statement->unit);
    t.sheet = "生态补偿";
    t.head = {"区县", "扣缴", "奖励", "净额"};
    for (const auto& c : statement->counties)
      t.rows.push_back({Cell::of_text(c.name), Cell::of_number(c.deducted, 2), Cell::of_number(c.rewarded, 2), Cell::of_number(c.net(), 2)});
    t.rows.push_back({Cell::of_text("全市"), Cell::of_number(statement->deducted, 2), Cell::of_number(statement->rewarded, 2),
                      Cell::of_number(statement->net(), 2)});
    t.note = statement->amounts_are_defaults ? "金额为默认规则（待市里确定）。" : "";
    for (const auto& n : statement->notes) notes.push_back("生态补偿：" + n);
    d.tables.push_back(std::move(t));
  }
  d.chart_title = s.city.city.name + " " + mlabel + " 逐日空气质量指数（AQI）";
  d.chart = chart_of(days);
  d.notes = notes;
  r.json["notes"] = notes;
  return r;
}

Report day_report(const Sources& s, core::Date day) {
  const auto areas = assess::progress_all(s.engine, s.targets, day.year, day.month, day);
  Report r;
  json list = json::array();
  Table t;
  t.title = core::format_date(day) + " 各区县空气质量";
  t.sheet = "日报";
  t.head = {"区域", "AQI", "级别", "首要污染物"};
  for (auto& h : heads({"pm25", "pm10", "o3_8h", "so2", "no2", "co"})) t.head.push_back(h);
  t.head.insert(t.head.end(), {"本月优良天数", "年度优良率%", "年度目标"});
  std::vector<std::string> notes;
  for (const auto& a : areas) {
    const auto rec = engine::daily_records(engine::air_target(s.engine, a.code), day, core::add_days(day, 1)).at(0);
    const st::Edition ed = st::edition_for(day);
    const int level = rec.aqi.level();
    const auto status = st::day_status(rec.values, rec.aqi);
    json j{{"code", a.code}, {"name", a.name}, {"level", a.level}};
    j["aqi"] = rec.aqi.aqi ? json(*rec.aqi.aqi) : json(nullptr);
    j["aqi_level"] = level ? json(level) : json(nullptr);
    j["category"] = level ? json(std::string(st::level_info(ed, level).category_zh)) : json(nullptr);
    j["color"] = st::colour_hex(ed, level);
    j["primary"] = st::codes_of(rec.aqi.primary);
    j["primary_name"] = st::official_names(rec.aqi.primary);
    j["counts"] = status == st::DayStatus::good ? "good" : status == st::DayStatus::not_good ? "not_good" : "invalid";
    const std::pair<const char*, double> conc[] = {{"pm25", rec.values.pm25}, {"pm10", rec.values.pm10}, {"o3_8h", rec.values.o3_8h},
                                                    {"so2", rec.values.so2},   {"no2", rec.values.no2},   {"co", rec.values.co}};
    for (auto [code, v] : conc) j[code] = num(v, ind(code).decimals);
    j["month_to_date"] = {{"good_days", a.month_summary.good_days}, {"valid_days", a.month_summary.valid_days},
                          {"good_ratio", num(a.month_summary.good_ratio, 2)}};
    j["ytd"] = side_json(a, true);
    list.push_back(j);
    std::vector<Cell> row{Cell::of_text(a.name), rec.aqi.aqi ? Cell::of_number(double(*rec.aqi.aqi), 0) : Cell::of_text("—"),
                          Cell::of_text(level ? std::string(st::level_info(ed, level).category_zh) : "—"),
                          Cell::of_text(rec.aqi.primary ? st::official_names(rec.aqi.primary) : "—")};
    for (auto [code, v] : conc)
      row.push_back(Cell::of_number(std::isnan(v) ? std::nullopt : std::optional<double>(st::round_report(*st::pollutant_from_code(code), v)),
                                    ind(code).decimals));
    row.push_back(Cell::of_text(a.month_summary.valid_days ? fmt::format("{}/{}", a.month_summary.good_days, a.month_summary.valid_days) : "—"));
    row.push_back(figure_cell(*a.item("good_ratio"), true));
    row.push_back(target_cell(a.item("good_ratio")->year_target, 1));
    t.rows.push_back(std::move(row));
    if (status == st::DayStatus::invalid)
      notes.push_back(fmt::format("{}{}：六项污染物未全部有效，当日不计入优良天数统计。", a.name, core::format_date(day)));
  }
  minimum_notes(areas, true, months_label(day.year, day.month), notes);
  const auto days = city_days(s, {day.year, day.month, 1}, day);
  r.json = {{"kind", "day"}, {"date", core::format_date(day)}, {"edition", std::string(st::edition_name(st::edition_for(day)))},
            {"areas", list}, {"daily_aqi", chart_json(days)}, {"notes", notes}};
  Document& d = r.doc;
  d.issuer = s.city.city.name + "生态环境局";
  d.title = s.city.city.name + "环境空气质量日报";
  d.subtitle = core::format_date(day);
  d.issued = issued_line(day);
  d.tables.push_back(std::move(t));
  d.tables.push_back(targets_table(areas, true, months_label(day.year, day.month) + " 年度目标进度", "年度目标进度"));
  d.chart_title = s.city.city.name + " 本月逐日空气质量指数（AQI）";
  d.chart = chart_of(days);
  d.notes = notes;
  return r;
}

Report year_report(const Sources& s, int year) {
  const core::Date through = assess::progress_through(s.engine, year, 12);
  const core::Date dec31{year, 12, 31};
  const core::Date last = through < core::Date{year, 12, 1} ? dec31 : through;
  const WaterSides water = water_sides(s, {year, 1, 1}, {year, 12, 1}, last);
  const auto areas = assess::progress_all(s.engine, s.targets, year, 12, last, water.by_area);
  const auto days = city_days(s, {year, 1, 1}, last);
  Report r;
  json list = json::array();
  Table comp;
  comp.title = fmt::format("{}年 GB 3095 二级标准年评价（年均值与百分位数）", year);
  comp.sheet = "年评价";
  comp.head = {"区域", "PM₂.₅", "PM₁₀", "SO₂", "NO₂", "CO-P95", "O₃-8h-P90", "达标项目"};
  for (const auto& a : areas) {
    json j{{"code", a.code}, {"name", a.name}, {"level", a.level}};
    j.update(side_json(a, true));
    // Annual compliance per pollutant (HJ 663 3.1, class 2, the year's limit set).
    const auto recs = engine::daily_records(engine::air_target(s.engine, a.code), {year, 1, 1}, {year + 1, 1, 1});
    std::vector<double> daily(recs.size()), scratch(recs.size());
    json cj = json::object();
    std::vector<Cell> row{Cell::of_text(a.name)};
    int ok = 0, valid = 0;
    const std::pair<const char*, st::Pollutant> ps[] = {{"pm25", st::Pollutant::pm25}, {"pm10", st::Pollutant::pm10}, {"so2", st::Pollutant::so2},
                                                         {"no2", st::Pollutant::no2},   {"co", st::Pollutant::co},     {"o3_8h", st::Pollutant::o3_8h}};
    for (auto [code, p] : ps) {
      for (std::size_t i = 0; i < recs.size(); ++i) {
        const auto& v = recs[i].values;
        daily[i] = p == st::Pollutant::pm25 ? v.pm25 : p == st::Pollutant::pm10 ? v.pm10 : p == st::Pollutant::so2 ? v.so2
                 : p == st::Pollutant::no2 ? v.no2 : p == st::Pollutant::co ? v.co : v.o3_8h;
      }
      const auto c = st::annual_compliance(st::limit_set_for({year, 12, 31}), st::ZoneClass::class2, p, year, daily, scratch);
      cj[code] = {{"mean", num(c.mean, ind(code).decimals)}, {"percentile", num(c.pct, ind(code).decimals)}, {"valid", c.valid},
                  {"compliant", c.valid ? json(c.compliant) : json(nullptr)}};
      const double shown = std::isnan(c.mean) ? c.pct : c.mean;
      Cell cell = Cell::of_number(std::isnan(shown) ? std::nullopt : std::optional<double>(shown), ind(code).decimals,
                                  !c.valid ? "incomplete" : c.compliant ? "good" : "bad");
      row.push_back(cell);
      valid += c.valid;
      ok += c.valid && c.compliant;
    }
    row.push_back(Cell::of_text(valid ? fmt::format("{}/{}", ok, valid) : "—"));
    comp.rows.push_back(std::move(row));
    j["compliance"] = cj;
    list.push_back(j);
  }
  comp.note = "SO₂、NO₂、PM₁₀、PM₂.₅ 显示年均值，CO、O₃ 显示百分位数；绿色达标，红色超标，标黄为数据不足（年有效日数 324 天且每月 27 天，二月 25 天）。";
  std::vector<std::string> notes;
  minimum_notes(areas, true, fmt::format("{}年", year), notes);
  rule_notes(s, areas, {year, 1, 1}, last, fmt::format("{}年", year), list, notes);
  target_notes(areas, notes);
  r.json = {{"kind", "year"}, {"year", year}, {"through", core::format_date(last)},
            {"edition", std::string(st::edition_name(st::edition_for(last)))}, {"areas", list}};
  r.json["water"] = water.ytd ? water_json(*water.ytd) : json(nullptr);
  r.json["daily_aqi"] = chart_json(days);
  Document& d = r.doc;
  d.issuer = s.city.city.name + "生态环境局";
  d.title = s.city.city.name + "环境质量年报";
  d.subtitle = fmt::format("{}年", year);
  d.issued = issued_line(last);
  d.tables.push_back(figures_table(areas, true, fmt::format("{}年 各区县环境空气质量", year), "全年"));
  d.tables.push_back(targets_table(areas, true, fmt::format("{}年 年度目标完成情况", year), "年度目标"));
  d.tables.push_back(std::move(comp));
  if (water.ytd) d.tables.push_back(water_table(*water.ytd));
  json plan = nullptr;
  if (s.plan) {
    // This year's 优良天数比例 and PM2.5 are the figures this report shows for the city, also when
    // below the data minimum (then marked and not judged), so that the document agrees with itself.
    const assess::ComputeFn platform = assess::platform_values(s.engine, s.city, s.store, s.water_rules);
    const AreaProgress* city = nullptr;
    for (const auto& a : areas)
      if (a.code == s.city.city.id) city = &a;
    std::set<std::string> partial;  // computed kinds shown below their data minimum
    const assess::ComputeFn computed = [&](const std::string& kind, int y) -> std::optional<double> {
      if (y != year || !city || (kind != "air.good_ratio" && kind != "air.pm25")) return platform(kind, y);
      const bool ratio = kind == "air.good_ratio";
      const double v = ratio ? city->ytd_summary.good_ratio : city->item("pm25")->ytd.value;
      if (std::isnan(v)) return std::nullopt;
      if (!(ratio ? city->ytd_summary.days_complete : city->item("pm25")->ytd.complete)) partial.insert(kind);
      return v;
    };
    plan = json::array();
    Table pt;
    pt.title = fmt::format("规划指标（表3-1）{}年情况", year);
    pt.sheet = "规划指标";
    pt.head = {"序号", "指标", "单位", "2020年", "2025年目标", year == 0 ? "" : fmt::format("{}年", year), "来源", "状态", "属性", "责任部门"};
    const auto entries = s.store ? assess::plan_entries(*s.store) : std::vector<assess::PlanEntry>{};
    for (const auto& ps : assess::plan_status(*s.plan, year, entries, computed)) {
      const auto& i = *ps.indicator;
      const bool below_minimum = partial.count(i.computed) > 0;
      const int decimals = i.computed == "air.pm25" ? 0 : i.computed == "air.good_ratio" ? 1 : 2;  // as shown above
      plan.push_back(assess::to_json(ps));
      plan.back()["below_minimum"] = below_minimum;
      const char* status = below_minimum ? "数据不足，仅供参考"
                           : ps.status == "met" ? "达标" : ps.status == "not_met" ? "未达标" : ps.status == "no_target" ? "目标待下达" : "无数据";
      pt.rows.push_back({Cell::of_number(double(i.id), 0), Cell::of_text(i.name), Cell::of_text(i.unit),
                         i.base ? Cell::of_number(*i.base, 2) : Cell::of_text(i.base_text.empty() ? "—" : i.base_text),
                         Cell::of_text(i.target ? fmt::format("{}{:g}", assess::op_text(i.op), *i.target) : i.target_text),
                         ps.value ? Cell::of_number(st::round_half_even(*ps.value, decimals), decimals, below_minimum ? "incomplete" : "")
                                  : Cell::of_text("—"),
                         Cell::of_text(ps.origin == "computed" ? "平台计算" : ps.origin == "entered" ? "填报" : "—"),
                         Cell::of_text(status, below_minimum ? "incomplete" : ps.status == "met" ? "good" : ps.status == "not_met" ? "bad" : ""),
                         Cell::of_text(i.nature), Cell::of_text(i.department + (i.department_confirmed ? "" : "*"))});
    }
    pt.note = "责任部门后标 * 者为参照区县规划的默认分工，待确认；平台计算的数值与本报告上文一致，未达到数据有效性要求者标黄、仅供参考。";
    d.tables.push_back(std::move(pt));
  }
  r.json["plan"] = plan;
  r.json["notes"] = notes;
  d.chart_title = s.city.city.name + fmt::format(" {}年 逐日空气质量指数（AQI）", year);
  d.chart = chart_of(days);
  d.notes = notes;
  return r;
}

}  // namespace skyriver::report
