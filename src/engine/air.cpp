#include "engine/air.h"

#include "core/error.h"
#include "standards/area.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace skyriver::engine {

namespace st = skyriver::standards;
static constexpr const char* kCodes[6] = {"pm25", "pm10", "so2", "no2", "co", "o3"};
static constexpr double kNaN = st::kMissing;

Target air_target(const Engine& e, const std::string& id, st::ZoneClass zone) {
  Target t;
  t.id = id;
  t.zone = zone;
  std::vector<std::string> sites;
  if (const Site* s = e.site(id)) {
    t.name = s->name;
    sites.push_back(s->id);
  } else if (const Area* a = e.area(id)) {
    t.name = a->name;
    t.area = true;
    const bool city = a->level == "city";
    for (const auto& s : e.sites())
      if (s.kind == "air" && !s.reference && (city || s.area == a->code)) sites.push_back(s.id);
  } else {
    throw core::Error("site or area", "'" + id + "' is neither a configured site nor an area code");
  }
  for (int p = 0; p < 6; ++p)
    for (const auto& s : sites) t.series[p].push_back(e.series(s, kCodes[p]));
  t.cache = e.daily_cache();
  t.area_rule = e.area_rule();
  return t;
}

Target with_area_rule(Target t, st::AreaConfig rule) {
  t.area_rule = rule;
  t.cache = nullptr;
  return t;
}

// Value of pollutant p at hour h for the target: the site's usable value, or the area mean.
static double value_at(const Target& t, int p, core::Instant h) {
  if (!t.area) return t.series[p][0] ? t.series[p][0]->usable(h) : kNaN;
  double vals[64];
  std::vector<double> many;
  const std::size_t n = t.series[p].size();
  double* v = vals;
  if (n > 64) {
    many.resize(n);
    v = many.data();
  }
  // A site counts in the area from its first value of the pollutant until it has been silent
  // for kSilentDays: stations not yet built or long stopped do not make the area's hour invalid,
  // while a station late with this hour's data still counts (as missing) at the live edge.
  std::size_t m = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const HourlySeries* s = t.series[p][i];
    if (s && h >= s->first() && h < s->end() + kSilentDays * core::kDay) v[m++] = s->usable(h);
  }
  return m ? st::area_mean(std::span<const double>(v, m), t.area_rule) : kNaN;
}

static bool dust_at(const Target& t, core::Instant h) {
  for (int p = 0; p < 2; ++p)  // PM2.5, PM10
    for (const auto* s : t.series[p])
      if (s && (s->marks(h) & kDust)) return true;
  return false;
}

std::vector<HourAqi> hourly_aqi(const Target& t, core::Instant from, core::Instant to) {
  std::vector<HourAqi> out;
  from -= ((from % core::kHour) + core::kHour) % core::kHour;
  for (core::Instant h = from; h < to; h += core::kHour) {
    HourAqi r;
    r.time = h;
    double* fields[6] = {&r.values.pm25, &r.values.pm10, &r.values.so2, &r.values.no2, &r.values.co, &r.values.o3};
    for (int p = 0; p < 6; ++p) *fields[p] = value_at(t, p, h);
    const st::Edition ed = st::edition_for(core::beijing_date(h));
    if (ed == st::Edition::e2012 && r.values.so2 > 800) {
      // HJ 633-2012 Table 1 note 2: the SO2 IAQI then comes from the 24-h mean.
      std::array<double, 24> last;
      for (int i = 0; i < 24; ++i) last[i] = value_at(t, 2, h - (23 - i) * core::kHour);
      r.values.so2_24h = st::daily_mean(last);
    }
    r.aqi = st::hourly_aqi(ed, r.values);
    out.push_back(r);
  }
  return out;
}

// The record of one day, from its 24 hours.
static st::DailyRecord daily_record(const Target& t, core::Date date) {
  std::array<std::array<double, 24>, 6> day;
  st::DailyRecord rec;
  rec.date = date;
  const core::Instant midnight = core::beijing_midnight(rec.date);
  for (int h = 0; h < 24; ++h) {
    const core::Instant at = midnight + h * core::kHour;
    for (int p = 0; p < 6; ++p) day[p][h] = value_at(t, p, at);
    rec.dust = rec.dust || dust_at(t, at);
  }
  st::DayHours hours{day[0], day[1], day[2], day[3], day[4], day[5]};
  const double o3_limit = *st::limit(st::limit_set_for(rec.date), t.zone, st::LimitItem::o3, st::Averaging::max8h);
  rec.values = st::daily_values(hours, o3_limit);
  rec.aqi = st::daily_aqi(st::edition_for(rec.date), rec.values);
  return rec;
}

// What the records of the n days from `midnight` are computed from (daily_cache.h): the latest
// change of each day's hours, and per series whether it exists and, for an area, the hours of
// the day it counts in (value_at's rule: from first() until kSilentDays after end()).
static std::vector<DailyCache::Fingerprint> fingerprints(const Target& t, core::Instant midnight, std::size_t n) {
  std::vector<DailyCache::Fingerprint> fps(n);
  std::vector<std::uint64_t> stamps(n, 0);
  std::size_t count = 0;
  for (const auto& s : t.series) count += s.size();
  for (auto& fp : fps) fp.series.reserve(count);
  for (int p = 0; p < 6; ++p)
    for (const HourlySeries* s : t.series[p]) {
      if (!s) {
        for (auto& fp : fps) fp.series.push_back(0xFFFF);
        continue;
      }
      s->day_stamps(midnight, stamps);
      if (!t.area) {
        for (auto& fp : fps) fp.series.push_back(0);
        continue;
      }
      const core::Instant on = s->first(), off = s->end() + kSilentDays * core::kDay;
      core::Instant day = midnight;
      for (auto& fp : fps) {
        auto hour_of_day = [&](core::Instant x) { return std::clamp<core::Instant>((x - day) / core::kHour, 0, 24); };
        fp.series.push_back(static_cast<std::uint16_t>(hour_of_day(on) * 25 + hour_of_day(off)));
        day += core::kDay;
      }
    }
  for (std::size_t d = 0; d < n; ++d) fps[d].stamp = stamps[d];
  return fps;
}

std::vector<st::DailyRecord> daily_records(const Target& t, core::Date from, core::Date to) {
  std::vector<st::DailyRecord> out;
  const auto first = core::days_from_civil(from), last = core::days_from_civil(to);
  if (last <= first) return out;
  const auto n = static_cast<std::size_t>(last - first);
  out.reserve(n);
  if (!t.cache) {
    for (auto d = first; d < last; ++d) out.push_back(daily_record(t, core::civil_from_days(d)));
    return out;
  }
  auto fps = fingerprints(t, core::beijing_midnight(from), n);  // Beijing days: 24 h each
  const std::string key = t.id + (t.zone == st::ZoneClass::class1 ? "|1" : "|2");
  std::vector<std::optional<st::DailyRecord>> held;
  t.cache->find(key, first, fps, held);
  for (std::size_t i = 0; i < n; ++i) {
    if (held[i]) {
      out.push_back(*held[i]);
      continue;
    }
    const auto d = first + static_cast<std::int64_t>(i);
    out.push_back(daily_record(t, core::civil_from_days(d)));
    t.cache->store(key, d, std::move(fps[i]), out.back());
  }
  return out;
}

st::PeriodSummary summary(const Target& t, core::Date from, core::Date to) {
  return st::summarize_period(daily_records(t, from, to));
}

core::Date same_day_last_year(core::Date d) {
  core::Date out{d.year - 1, d.month, d.day};
  if (out.day > core::days_in_month(out.year, out.month)) out.day = core::days_in_month(out.year, out.month);
  return out;
}

// The ranking key; NaN (unranked) when the figure is below its data minimum.
static double key_of(const RankRow& r, RankBy by) {
  const int pm25 = static_cast<int>(st::Pollutant::pm25);
  switch (by) {
    case RankBy::composite: return r.now.complete ? r.now.composite.total : kNaN;
    case RankBy::pm25: return r.now.conc_complete[pm25] ? r.now.conc[pm25] : kNaN;
    case RankBy::good_ratio: return r.now.days_complete ? -r.now.good_ratio : kNaN;  // higher is better
  }
  return kNaN;
}

std::vector<RankRow> ranking(const Engine& e, core::Date from, core::Date to, RankBy by) {
  std::vector<RankRow> rows;
  for (const auto& a : e.areas()) {
    if (a.level == "city") continue;
    Target t = air_target(e, a.code);
    RankRow r;
    r.area = a.code;
    r.name = a.name;
    r.now = summary(t, from, to);
    r.last_year = summary(t, same_day_last_year(from), same_day_last_year(to));
    r.change = st::compare_periods(r.now, r.last_year);
    rows.push_back(std::move(r));
  }
  std::vector<double> keys;
  for (const auto& r : rows) keys.push_back(key_of(r, by));
  const std::vector<int> ranks = st::rank_ascending(keys);
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i].rank = ranks[i];
  // Best first; unranked last, in configuration order.
  std::stable_sort(rows.begin(), rows.end(), [](const RankRow& a, const RankRow& b) {
    return (a.rank ? a.rank : 1 << 30) < (b.rank ? b.rank : 1 << 30);
  });
  return rows;
}

}  // namespace skyriver::engine
