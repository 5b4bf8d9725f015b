#include "forecast/issue.h"

#include "standards/air_stats.h"
#include "standards/aqi.h"
#include "standards/area.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <map>
#include <thread>

namespace skyriver::forecast {

const PlaceForecast* Issue::find(const std::string& kind, const std::string& id) const {
  for (const auto* list : {&sites, &areas})
    for (const auto& p : *list)
      if (p.kind == kind && p.id == id) return &p;
  return nullptr;
}

namespace {

constexpr int kQ10 = 0, kQ25 = 1, kQ75 = 3, kQ90 = 4;
constexpr int kChunk = 200;  // sites per batch of model rows (bounds memory)
constexpr double kFallbackTau = 12.0;  // hours: the weight of the latest value decays as exp(-h/12)

struct Full {  // per site and pollutant, all kMaxHorizon hours, with 25/75 % for the daily range
  std::vector<float> value, q10, q25, q75, q90;
  void init() {
    for (auto* v : {&value, &q10, &q25, &q75, &q90}) v->assign(kMaxHorizon, NAN);
  }
};

std::string hour_text(core::Instant t) { return core::format_beijing(t).substr(0, 16); }

// The fallback: climatology blended with the latest value. `clim(h)` gives the climatology of
// horizon h (NaN when unknown); the interval is the 10-90 % (25-75 %) range of the site's values
// in the panel's history, moved to the forecast value.
void fallback(const Panel& panel, int s, int var, int t, const std::function<float(int)>& clim, Full& out) {
  const float* y = panel.series(s, var);
  float last = NAN;
  int age = 0;
  for (int k = t; k >= 0 && k > t - 24 * 7; --k)
    if (!std::isnan(y[k])) {
      last = y[k], age = t - k;
      break;
    }
  std::vector<float> hist;
  for (int k = std::max(0, t - 24 * 30 + 1); k <= t && k < panel.hours(); ++k)
    if (!std::isnan(y[k])) hist.push_back(y[k]);
  std::sort(hist.begin(), hist.end());
  auto q = [&](double p) { return hist.empty() ? NAN : hist[std::min(hist.size() - 1, std::size_t(p * double(hist.size())))]; };
  const float median = q(0.5);
  for (int h = 1; h <= kMaxHorizon; ++h) {
    float c = clim(h);
    if (std::isnan(c)) c = median;
    float v = c;
    if (!std::isnan(last)) v = std::isnan(c) ? last : float(c + std::exp(-(h + age) / kFallbackTau) * (last - c));
    out.value[h - 1] = v;
    if (std::isnan(v) || hist.size() < 24) continue;
    // The history's spread around its median, placed around the forecast (never below 0).
    out.q10[h - 1] = std::max(0.f, v + (q(0.1) - median));
    out.q25[h - 1] = std::max(0.f, v + (q(0.25) - median));
    out.q75[h - 1] = v + (q(0.75) - median);
    out.q90[h - 1] = v + (q(0.9) - median);
  }
}

// Does the panel hold a weather forecast for site s over hours t+1 .. t+h_max (wind and
// temperature at 80 % of the hours)?
bool has_future_weather(const Panel& panel, int s, int t) {
  int n = 0, need = 0;
  for (int k = t + 1; k <= t + kHourlyHorizons; ++k, ++need)
    n += !std::isnan(panel.at(s, kWspm, k)) && !std::isnan(panel.at(s, kTemp, k));
  return n * 5 >= need * 4;
}

std::string levels_of(int lo, int hi) { return levels_spanned_zh(lo, hi); }

// Hourly AQI, level and primary of the central values (h = 1..72).
void hourly_aqi(PlaceForecast& p, core::Instant latest) {
  p.aqi.assign(kHourlyHorizons, 0);
  p.level.assign(kHourlyHorizons, 0);
  p.primary.assign(kHourlyHorizons, "");
  for (int h = 1; h <= kHourlyHorizons; ++h) {
    const core::Instant start = latest + core::Instant(h) * core::kHour;
    standards::HourlyInput in;
    auto val = [&](int v) { return double(p.pollutants[v].value[h - 1]); };
    in.pm25 = val(kPm25), in.pm10 = val(kPm10), in.so2 = val(kSo2), in.no2 = val(kNo2), in.co = val(kCo), in.o3 = val(kO3);
    const auto r = standards::hourly_aqi(standards::edition_for(core::beijing_date(start)), in);
    if (!r.aqi) continue;
    p.aqi[h - 1] = *r.aqi;
    p.level[h - 1] = r.level();
    p.primary[h - 1] = standards::codes_of(r.primary);
  }
}

// Daily AQI of day `day` from hourly series given per pollutant (index h-1), NaN when the
// day lacks hours.
standards::AqiResult day_aqi(const std::array<const std::vector<float>*, kPollutantCount>& series, core::Instant latest,
                             core::Date day) {
  std::array<std::array<double, 24>, kPollutantCount> hours{};
  const core::Instant midnight = core::beijing_midnight(day);
  for (int v = 0; v < kPollutantCount; ++v)
    for (int i = 0; i < 24; ++i) {
      const int h = int((midnight + i * core::kHour - latest) / core::kHour);
      hours[v][i] = h >= 1 && h <= kMaxHorizon ? double((*series[v])[h - 1]) : NAN;
    }
  standards::DayHours d{hours[kPm25], hours[kPm10], hours[kSo2], hours[kNo2], hours[kCo], hours[kO3]};
  const auto edition = standards::edition_for(day);
  return standards::daily_aqi(edition, standards::daily_values(d));
}

void daily(PlaceForecast& p, const Issue& issue, const std::array<Full, kPollutantCount>& full) {
  const core::Date today = core::beijing_date(issue.latest);
  std::array<const std::vector<float>*, kPollutantCount> mid{}, lo{}, hi{};
  for (int v = 0; v < kPollutantCount; ++v) mid[v] = &full[v].value, lo[v] = &full[v].q25, hi[v] = &full[v].q75;
  std::string basis = issue.model_version.empty() ? "fallback" : "model " + issue.model_version;
  for (int v = 0; v < kPollutantCount; ++v)
    if (p.pollutants[v].basis != "model") {
      basis += "; " + std::string(var_code(v)) + " " + p.pollutants[v].basis;
    }
  for (int d = 1; d <= 3; ++d) {
    const core::Date day = core::add_days(today, d);
    const auto c = day_aqi(mid, issue.latest, day);
    if (!c.aqi) continue;
    const auto l = day_aqi(lo, issue.latest, day), h = day_aqi(hi, issue.latest, day);
    DailyAqi a;
    a.area = p.id;
    a.issued = issue.issued;
    a.day = day;
    a.lead_day = d;
    a.aqi = *c.aqi;
    a.aqi_low = std::min(a.aqi, l.aqi ? int(*l.aqi) : a.aqi);
    a.aqi_high = std::max(a.aqi, h.aqi ? int(*h.aqi) : a.aqi);
    a.primary = standards::codes_of(c.primary);
    a.basis = basis;
    p.daily.push_back(a);
    p.daily_levels_zh.push_back(levels_of(a.aqi_low, a.aqi_high));
  }
}

void finish(PlaceForecast& p, const Issue& issue, const std::array<Full, kPollutantCount>& full) {
  for (int v = 0; v < kPollutantCount; ++v) {
    p.pollutants[v].value = full[v].value;
    p.pollutants[v].low = full[v].q10;
    p.pollutants[v].high = full[v].q90;
  }
  hourly_aqi(p, issue.latest);
  daily(p, issue, full);
}

}  // namespace

std::string levels_spanned_zh(int lo, int hi) {
  const int a = standards::level_of(std::max(0, lo)), b = standards::level_of(std::max(0, hi));
  if (a < 1 || b < 1) return "";
  const auto e = standards::Edition::e2012;  // the category names are the same in both editions
  const std::string first(standards::level_info(e, a).category_zh), last(standards::level_info(e, b).category_zh);
  return a == b ? first : first + "至" + last;
}

Issue issue_forecasts(const Panel& panel, const ModelSet* models, const IssueOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  Issue issue;
  const int t = o.t;
  issue.latest = panel.time(t);
  issue.issued = issue.latest + core::kHour;
  if (models) issue.model_version = models->version, issue.train_from = models->from, issue.train_to = models->to;

  const Climatology local = Climatology::fit(panel, t + 1, true);  // for sites the model does not know
  static const Climatology kEmpty;
  const Climatology& clim = models ? models->clim : kEmpty;

  const int n = panel.site_count();
  std::vector<std::array<Full, kPollutantCount>> full(n);
  issue.sites.resize(n);

  // Chunks of sites on o.threads threads, each with its own feature builders (they are not
  // thread-safe); a chunk writes only its own sites' entries.
  auto run = [&](int worker, int workers) {
    FeatureBuilder fb_none(panel, clim, Weather::none);
    std::optional<FeatureBuilder> fb_future;
    if (models && models->has_weather()) fb_future.emplace(panel, clim, Weather::future);
    for (int c0 = worker * kChunk; c0 < n; c0 += workers * kChunk) {
      const int c1 = std::min(n, c0 + kChunk);
      // Rows per model, then one prediction per model.
      struct Ref {
        int site, var, h;
      };
      std::map<const HorizonModel*, std::pair<Matrix, std::vector<Ref>>> batches;
      for (int s = c0; s < c1; ++s) {
        PlaceForecast& p = issue.sites[s];
        p.kind = "site";
        p.id = panel.site(s);
        p.name = s < int(o.site_names.size()) ? o.site_names[s] : p.id;
        const bool known = models && clim.site_index(p.id).has_value();
        const bool future = fb_future && has_future_weather(panel, s, t);
        p.weather = future ? "forecast" : "none";
        FeatureBuilder& fb = future ? *fb_future : fb_none;
        if (models) fb.select_site(s);
        const int clim_site = clim.site_index(p.id).value_or(-1), local_site = local.site_index(p.id).value_or(-1);
        for (int v = 0; v < kPollutantCount; ++v) {
          Full& f = full[s][v];
          f.init();
          std::string reason;
          const float* y = panel.series(s, v);
          bool recent = false;
          for (int k = t; k >= 0 && k > t - 3; --k) recent = recent || !std::isnan(y[k]);
          if (!models) reason = "no model yet";
          else if (!models->find(Weather::none, v, 1)) reason = "no model for " + std::string(var_code(v)) + " (too little history)";
          else if (!known) reason = "site not in the model's training";
          else if (!recent) {
            int k = t;
            while (k >= 0 && std::isnan(y[k])) --k;
            reason = k >= 0 ? "no " + std::string(var_code(v)) + " value since " + hour_text(panel.time(k) + core::kHour) +
                                  " (gap at issue time)"
                            : "no " + std::string(var_code(v)) + " value in the last " + std::to_string(t / 24) + " days";
          }
          if (!reason.empty()) {
            p.pollutants[v].basis = "fallback: " + reason;
            p.notes.push_back(std::string(var_code(v)) + ": " + reason);
            fallback(panel, s, v, t, [&](int h) {
              const core::Instant when = panel.time(t + h);
              float c = known && clim.count(clim_site, v, core::to_beijing(when).date.month, core::to_beijing(when).hour) > 0
                            ? clim.at_time(clim_site, v, when) : NAN;
              if (std::isnan(c) && local_site >= 0) c = local.at_time(local_site, v, when);
              return c;
            }, f);
            continue;
          }
          p.pollutants[v].basis = "model";
          const Weather w = future ? Weather::future : Weather::none;
          for (int h = 1; h <= kMaxHorizon; ++h) {
            const HorizonModel* m = models->find(w, v, h);
            if (!m) m = models->find(Weather::none, v, h);
            if (!m) continue;
            FeatureBuilder& b = m->weather == Weather::future ? *fb_future : fb_none;
            if (&b != &fb) {
              b.select_site(s);  // rare: a block without a weather model
            }
            auto& [x, refs] = batches[m];
            x.cols = b.cols();
            const std::size_t at = x.x.size();
            x.x.resize(at + std::size_t(x.cols));
            b.row(t, h, v, &x.x[at]);
            const float a = m->anchor(b, t, h);
            x.offset.push_back(std::isnan(a) ? 0.f : a);
            refs.push_back({s, v, h});
            if (&b != &fb) fb.select_site(s);
          }
        }
      }
      for (auto& [m, batch] : batches) {
        auto& [x, refs] = batch;
        const std::vector<float> pred = m->predict(x);
        for (std::size_t i = 0; i < refs.size(); ++i) {
          Full& f = full[refs[i].site][refs[i].var];
          const int k = refs[i].h - 1;
          f.value[k] = pred[i];
          const int h = refs[i].h;
          f.q10[k] = m->quantile(pred[i], h, kQ10), f.q25[k] = m->quantile(pred[i], h, kQ25);
          f.q75[k] = m->quantile(pred[i], h, kQ75), f.q90[k] = m->quantile(pred[i], h, kQ90);
        }
      }
    }
  };
  const int workers = std::clamp(o.threads, 1, std::max(1, (n + kChunk - 1) / kChunk));
  std::vector<std::exception_ptr> failed(static_cast<std::size_t>(workers));
  std::vector<std::thread> pool;
  for (int w = 1; w < workers; ++w)
    pool.emplace_back([&, w] {
      try {
        run(w, workers);
      } catch (...) {
        failed[std::size_t(w)] = std::current_exception();
      }
    });
  try {
    run(0, workers);
  } catch (...) {
    failed[0] = std::current_exception();
  }
  for (auto& th : pool) th.join();
  for (const auto& e : failed)
    if (e) std::rethrow_exception(e);
  for (int s = 0; s < n; ++s) finish(issue.sites[s], issue, full[s]);

  // Areas: per hour the mean of their sites' forecasts (standards::area_mean under the engine's area rule).
  for (const auto& a : o.areas) {
    std::vector<int> members;
    for (const auto& id : a.sites)
      if (auto i = panel.site_index(id)) members.push_back(*i);
    if (members.empty()) continue;
    PlaceForecast p;
    p.kind = "area";
    p.id = a.id;
    p.name = a.name;
    std::array<Full, kPollutantCount> af;
    std::vector<double> vals(members.size());
    int with_weather = 0;
    for (int i : members) with_weather += issue.sites[i].weather == "forecast";
    p.weather = with_weather == int(members.size()) ? "forecast" : with_weather ? "partly forecast" : "none";
    for (int v = 0; v < kPollutantCount; ++v) {
      af[v].init();
      int fallbacks = 0;
      for (int i : members) fallbacks += issue.sites[i].pollutants[v].basis != "model";
      p.pollutants[v].basis = fallbacks == 0 ? "model"
                              : fallbacks == int(members.size())
                                  ? "fallback: every site of the area"
                                  : "model; fallback at " + std::to_string(fallbacks) + " of " +
                                        std::to_string(members.size()) + " sites";
      if (fallbacks) p.notes.push_back(std::string(var_code(v)) + ": " + p.pollutants[v].basis);
      for (int k = 0; k < kMaxHorizon; ++k) {
        auto mean_of = [&](std::vector<float> Full::*field) {
          for (std::size_t j = 0; j < members.size(); ++j) vals[j] = (full[members[j]][v].*field)[k];
          return float(standards::area_mean(vals, o.area_rule));
        };
        af[v].value[k] = mean_of(&Full::value);
        af[v].q10[k] = mean_of(&Full::q10), af[v].q25[k] = mean_of(&Full::q25);
        af[v].q75[k] = mean_of(&Full::q75), af[v].q90[k] = mean_of(&Full::q90);
      }
    }
    finish(p, issue, af);
    issue.areas.push_back(std::move(p));
  }
  issue.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return issue;
}

namespace {

nlohmann::json numbers(const std::vector<float>& v, int n, int decimals) {
  nlohmann::json a = nlohmann::json::array();
  const double f = std::pow(10.0, decimals);
  for (int i = 0; i < n && i < int(v.size()); ++i)
    a.push_back(std::isnan(v[i]) ? nlohmann::json() : nlohmann::json(std::round(v[i] * f) / f));
  return a;
}

}  // namespace

nlohmann::json daily_json(const PlaceForecast& p, const Issue& issue) {
  nlohmann::json days = nlohmann::json::array();
  for (std::size_t i = 0; i < p.daily.size(); ++i) {
    const auto& d = p.daily[i];
    const int lvl = standards::level_of(d.aqi);
    days.push_back({{"day", core::format_date(d.day)},
                    {"lead_day", d.lead_day},
                    {"aqi", d.aqi},
                    {"aqi_low", d.aqi_low},
                    {"aqi_high", d.aqi_high},
                    {"level", lvl},
                    {"level_low", standards::level_of(d.aqi_low)},
                    {"level_high", standards::level_of(d.aqi_high)},
                    {"levels_zh", p.daily_levels_zh[i]},
                    {"primary", d.primary},
                    {"basis", d.basis}});
  }
  return {{"kind", p.kind},
          {"id", p.id},
          {"name", p.name},
          {"issued", core::format_iso(issue.issued)},
          {"model_version", issue.model_version},
          {"weather", p.weather},
          {"days", days},
          {"notes", p.notes}};
}

nlohmann::json to_json(const PlaceForecast& p, const Issue& issue, int hours) {
  hours = std::clamp(hours, 1, kHourlyHorizons);
  nlohmann::json j = daily_json(p, issue);
  j["latest_data_hour"] = core::format_iso(issue.latest);
  j["training_range"] = {{"from", issue.train_from ? core::format_iso(issue.train_from) : ""},
                         {"to", issue.train_to ? core::format_iso(issue.train_to) : ""}};
  nlohmann::json times = nlohmann::json::array();
  for (int h = 1; h <= hours; ++h) times.push_back(core::format_iso(issue.latest + core::Instant(h) * core::kHour));
  j["hours"] = hours;
  j["time"] = times;  // the start of each forecast hour
  nlohmann::json pol = nlohmann::json::object();
  for (int v = 0; v < kPollutantCount; ++v) {
    const auto& f = p.pollutants[v];
    const int d = v == kCo ? 2 : 0;
    pol[std::string(var_code(v))] = {{"value", numbers(f.value, hours, d)},
                                      {"low", numbers(f.low, hours, d)},
                                      {"high", numbers(f.high, hours, d)},
                                      {"basis", f.basis}};
  }
  j["pollutants"] = pol;
  j["interval"] = "10-90 % of the model's held-out errors at each horizon";
  j["aqi"] = std::vector<int>(p.aqi.begin(), p.aqi.begin() + std::min<std::size_t>(hours, p.aqi.size()));
  j["level"] = std::vector<int>(p.level.begin(), p.level.begin() + std::min<std::size_t>(hours, p.level.size()));
  j["primary"] = std::vector<std::string>(p.primary.begin(), p.primary.begin() + std::min<std::size_t>(hours, p.primary.size()));
  return j;
}

}  // namespace skyriver::forecast
