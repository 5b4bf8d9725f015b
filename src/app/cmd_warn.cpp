// `skyriver warn level|replay`: the heavy-pollution warning level a rule set assigns to a daily
// AQI forecast, and a replay of observed data as if it had been forecast perfectly (what would
// have been issued, raised, lowered and lifted; heavy days covered and missed). Rule sets come
// from <config>/warning.toml (docs/warning.md). Bad input: core::Error, exit status 2.
#include "alert/warning_level.h"
#include "alert/warning_observed.h"
#include "alert/warning_replay.h"
#include "alert/warning_rules.h"
#include "app/command.h"
#include "app/locate.h"
#include "core/error.h"
#include "core/text.h"
#include "engine/load.h"
#include "ingest/import/importer.h"
#include "model/city.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>

namespace {

using namespace skyriver;
using json = nlohmann::ordered_json;

struct Options {
  CLI::App *level = nullptr, *replay = nullptr;
  CLI::Option* daily_option = nullptr;
  std::string config = app::default_config(), rules, daily, format, area;
  std::vector<std::string> files;
  int horizon = 0, lookback = -1;
  bool json = false, rolling = false;
};

// "120,210,230" -> numbers; every item must be a non-negative number.
std::vector<double> parse_daily(const std::string& text) {
  if (core::trim(text).empty()) throw core::Error("--daily", "empty list: give the daily AQI of day 1..n, e.g. 120,210,230");
  std::vector<double> out;
  std::size_t pos = 0, item = 1;
  while (true) {
    const std::size_t comma = text.find(',', pos);
    const std::string_view s = core::trim(std::string_view(text).substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (s.empty()) throw core::Error("--daily", fmt::format("item {} is empty", item));
    const auto v = core::parse_number(s);
    if (!v) throw core::Error("--daily", fmt::format("item {} is not a number: '{}'", item, s));
    if (*v < 0) throw core::Error("--daily", fmt::format("item {}: an AQI cannot be negative: {}", item, s));
    out.push_back(*v);
    if (comma == std::string::npos) break;
    pos = comma + 1, ++item;
  }
  return out;
}

std::string num(double v) { return v == std::floor(v) ? fmt::format("{}", (long long)v) : fmt::format("{}", v); }

// How the files' hour labels map to days (the importers' reading; docs/warning.md).
std::string hour_labels(const std::string& format) {
  if (format == "long") return "Beijing natural days of the files' hour-start times";
  return "Beijing natural days; " + format +
         " hour labels are hour-ending (label H = the hour (H-1, H]), so label 0 belongs to the day before and a "
         "day is labels 1..23 plus label 0 of the next date";
}

std::string kind_name(char k) { return k == 'o' ? "o3" : k == 'd' ? "dust" : "pm"; }

std::string rules_line(const alert::WarningConfig& cfg, const alert::RuleSet& r) {
  std::string s = r.name + " (" + r.title + ")";
  if (const auto note = cfg.note_for(r.name); !note.empty()) s += " - the city's default, " + note;
  return s;
}

int run_level(const Options& o) {
  const auto cfg = alert::load_warning_config(alert::warning_file(o.config));
  if (o.daily_option->count() == 0) throw core::Error("--daily", "required: the daily AQI of day 1..n, e.g. 120,210,230");
  const alert::RuleSet& rules = cfg.get(o.rules);
  const auto days = parse_daily(o.daily);
  const auto a = alert::assess(rules, alert::Trace::of_days(0, days));
  int from_day = 0, n_days = 0;
  if (a.episode) {
    from_day = static_cast<int>(a.episode->from / core::kDay) + 1;
    n_days = static_cast<int>((a.episode->to - a.episode->from + core::kDay - 1) / core::kDay);
  }
  if (o.json) {
    json j;
    j["rules"] = rules.name;
    j["level"] = std::string(alert::level_name(a.level));
    j["episode"] = a.episode ? json{{"from_day", from_day}, {"days", n_days}} : json(nullptr);
    j["basis"] = a.episode ? json(a.episode->basis) : json(nullptr);
    std::cout << j.dump() << "\n";
    return 0;
  }
  std::cout << "rules:   " << rules_line(cfg, rules) << "\nforecast:";
  for (std::size_t i = 0; i < days.size(); ++i) std::cout << fmt::format(" day {} {}", i + 1, num(days[i])) << (i + 1 < days.size() ? "," : "");
  std::cout << "\nlevel:   " << alert::level_name(a.level);
  if (a.level != alert::Level::none) std::cout << " (" << alert::level_name_zh(a.level) << "预警)";
  std::cout << "\n";
  if (a.episode)
    std::cout << fmt::format("episode: day {} to day {} ({} days), peak AQI {}\nbasis:   {}\n", from_day,
                             from_day + n_days - 1, n_days, num(a.episode->peak), a.episode->basis);
  return 0;
}

// Reads the files with the importers into an engine in memory (nothing is stored).
class EngineSink final : public ingest::Sink {
 public:
  explicit EngineSink(engine::Engine& e) : e_(e) {}
  void row() override { ++rows; }
  void value(store::Observation&& o) override {
    static const std::set<std::string> kAqi{"pm25", "pm10", "so2", "no2", "co", "o3"};
    if (o.interval != store::Interval::hour || !kAqi.count(o.parameter)) return;
    first = std::min(first, o.time), last = std::max(last, o.time);
    batch_.push_back({o.site, o.parameter, o.time, o.value, o.flag});
    if (batch_.size() >= 65536) flush();
  }
  void reject(std::string where, std::string why) override {
    if (rejected++ < 5) std::cerr << "skyriver: " << where << ": " << why << "\n";
  }
  void skipped_outside_city(std::size_t) override {}
  void skipped_type() override {}
  void register_site(const model::Site& s, const model::Area& a) override {
    if (!sites.count(s.id)) sites[s.id] = s, areas[a.id] = a;
  }
  void flush() {
    e_.put(batch_, false);
    batch_.clear();
  }
  std::size_t rows = 0, rejected = 0;
  core::Instant first = std::numeric_limits<core::Instant>::max(), last = std::numeric_limits<core::Instant>::min();
  std::map<std::string, model::Site> sites;
  std::map<std::string, model::Area> areas;

 private:
  engine::Engine& e_;
  std::vector<engine::Update> batch_;
};

std::string dates(const std::vector<core::Date>& ds) {
  std::string s;
  for (const auto& d : ds) s += (s.empty() ? "" : " ") + core::format_date(d);
  return s.empty() ? "-" : s;
}

int run_replay(const Options& o) {
  const auto cfg = alert::load_warning_config(alert::warning_file(o.config));
  const alert::RuleSet& rules = cfg.get(o.rules);
  const ingest::FormatReader reader = ingest::format_reader(o.format);
  if (o.format.empty()) throw core::Error("--format", "required: cnemc, uci or long");
  if (!reader) throw core::Error("--format", "unknown format '" + o.format + "' (cnemc, uci, long)");
  if (o.files.empty()) throw core::Error("warn replay", "no files given");
  for (const auto& f : o.files)
    if (!std::filesystem::is_regular_file(f)) throw core::Error(f, "no such file");
  if (o.horizon < 0) throw core::Error("--horizon", "must be at least 1 day");
  if (o.lookback < -1) throw core::Error("--lookback", "cannot be negative");
  alert::ReplayOptions ro;
  ro.horizon_days = o.horizon > 0 ? o.horizon : cfg.horizon_days;
  ro.lookback_days = o.lookback >= 0 ? o.lookback : cfg.lookback_days;

  model::CityConfig city = model::load_city(o.config);
  ingest::ImportOptions io;
  io.format = o.format;
  engine::Engine e;
  EngineSink sink(e);
  ingest::ReadContext ctx{city, io, static_cast<core::Instant>(std::time(nullptr)),
                          [&](const std::string& id) -> const model::Site* {
                            if (const model::Site* s = city.site(id)) return s;
                            auto it = sink.sites.find(id);
                            return it == sink.sites.end() ? nullptr : &it->second;
                          }};
  for (const auto& f : o.files) reader(f, ctx, sink);
  sink.flush();
  if (sink.rejected) std::cerr << "skyriver: " << sink.rejected << " bad rows skipped\n";
  if (sink.first > sink.last) throw core::Error("warn replay", "the files hold no hourly AQI pollutant values");
  std::string default_area = city.city.id;
  for (const auto& [id, a] : sink.areas) {
    if (!city.area(id)) city.areas.push_back(a);
    if (a.level == "city" && default_area == city.city.id) default_area = id;
  }
  for (const auto& [id, s] : sink.sites) city.sites.push_back(s);
  engine::set_city(e, city);
  const std::string area = o.area.empty() ? default_area : o.area;
  const core::Date from = core::beijing_date(sink.first), to = core::add_days(core::beijing_date(sink.last), 1);
  const auto days = alert::observed_days(e, area, from, to);
  std::string area_name = area;
  int n_sites = 0;
  e.read([&](const engine::Engine& en) {
    if (const auto* a = en.area(area)) {
      area_name = a->name;
      for (const auto& s : en.sites())
        if (s.kind == "air" && !s.reference && (a->level == "city" || s.area == a->code) && en.series(s.id, "pm25"))
          ++n_sites;
    } else if (const auto* s = en.site(area)) {
      area_name = s->name, n_sites = 1;
    }
    return 0;
  });
  const auto r = o.rolling ? alert::replay_rolling(rules, alert::observed_rolling(e, area, from, to), days, ro)
                           : alert::replay(rules, days, ro);
  auto when = [&](const alert::ReplayStep& s) {
    return o.rolling ? core::format_beijing(s.at).substr(0, 16) : core::format_date(s.effective);
  };

  if (o.json) {
    json j;
    j["rules"] = rules.name;
    j["rules_title"] = rules.title;
    if (const auto note = cfg.note_for(rules.name); !note.empty()) j["rules_note"] = note;
    j["area"] = area;
    j["area_name"] = area_name;
    j["sites"] = n_sites;
    j["from"] = core::format_date(from);
    j["to"] = core::format_date(core::add_days(to, -1));
    j["days"] = r.days;
    j["days_without_aqi"] = r.days_without_aqi;
    j["days_cross_midnight"] = o.rolling;
    j["hour_labels"] = hour_labels(o.format);
    j["horizon_days"] = ro.horizon_days;
    j["lookback_days"] = ro.lookback_days;
    j["lift_hours"] = rules.lift_hours;
    j["merge_gap_hours"] = rules.merge_gap_hours;
    json steps = json::array();
    for (const auto& s : r.steps)
      steps.push_back({{"warning", s.warning}, {"effective", core::format_date(s.effective)},
                       {"at", core::format_iso(s.at)},
                       {"action", std::string(alert::action_name(s.action))},
                       {"from", std::string(alert::level_name(s.from))}, {"to", std::string(alert::level_name(s.to))},
                       {"basis", s.basis}, {"kind", s.kind}});
    j["steps"] = steps;
    json ws = json::array();
    for (const auto& w : r.warnings) {
      json hc = json::array();
      for (const auto& d : w.heavy_covered) hc.push_back(core::format_date(d));
      ws.push_back({{"number", w.number}, {"start", core::format_date(w.start)},
                    {"lifted", w.lifted ? json(core::format_date(*w.lifted)) : json(nullptr)},
                    {"top", std::string(alert::level_name(w.top))}, {"kind", w.kind},
                    {"advice_only", rules.advice_only_kind(w.kind)}, {"days", w.days}, {"heavy_covered", hc}});
    }
    j["warnings"] = ws;
    json daily = json::array();
    for (const auto& d : r.daily)
      daily.push_back({{"date", core::format_date(d.date)}, {"aqi", std::isnan(d.aqi) ? json(nullptr) : json(d.aqi)},
                       {"kind", kind_name(d.kind)}, {"level", std::string(alert::level_name(d.met.level))},
                       {"met", d.met.met}, {"in_force", std::string(alert::level_name(d.in_force))}});
    j["daily"] = daily;
    json heavy = json::array(), missed = json::array();
    for (const auto& d : r.heavy) heavy.push_back(core::format_date(d));
    for (const auto& d : r.missed) missed.push_back(core::format_date(d));
    j["heavy_days"] = heavy;
    j["missed"] = missed;
    j["summary"] = {{"warnings", r.warnings.size()}, {"warning_days", r.warning_days},
                    {"heavy_days", r.heavy.size()}, {"covered", r.heavy.size() - r.missed.size()},
                    {"missed", r.missed.size()}};
    std::cout << j.dump(1) << "\n";
    return 0;
  }
  std::cout << "rules:  " << rules_line(cfg, rules) << "\n"
            << fmt::format("area:   {} {} ({} sites), {} to {}: {} days, {} without a daily AQI\n", area, area_name,
                           n_sites, core::format_date(from), core::format_date(core::add_days(to, -1)), r.days,
                           r.days_without_aqi)
            << fmt::format("replay: observed {} as a perfect forecast of {} days, decided the evening before; "
                           "{} observed days kept; lift after {} h below the start condition; episodes closer than {} h "
                           "merged\n",
                           o.rolling ? "24-h AQI ending at each hour (days crossing midnight)" : "daily AQI",
                           ro.horizon_days, ro.lookback_days, rules.lift_hours, rules.merge_gap_hours)
            << "days:   " << hour_labels(o.format) << "\n\n";
  std::size_t si = 0;
  for (const auto& w : r.warnings) {
    std::cout << fmt::format("warning {:>3}  {}{}\n", w.number, w.kind,
                             rules.advice_only_kind(w.kind) ? " (health advice only, no curtailment)" : "");
    for (; si < r.steps.size() && r.steps[si].warning == w.number; ++si) {
      const auto& s = r.steps[si];
      if (s.action == alert::Action::lift)
        std::cout << fmt::format("  {}  lift\n", when(s));
      else
        std::cout << fmt::format("  {}  {:<6} {:<6}  {}\n", when(s), alert::action_name(s.action),
                                 alert::level_name(s.to), s.basis);
    }
    std::cout << fmt::format("  in force {} d; heavy days covered {}: {}\n", w.days, w.heavy_covered.size(),
                             dates(w.heavy_covered));
  }
  // Each day's working: its AQI, what it met on the whole series, the warning in force.
  std::cout << fmt::format("\n{:<10}  {:>4}  {:<4}  {:<6}  {}\n", "day", "AQI", "kind", "force", "conditions met");
  for (const auto& d : r.daily)
    std::cout << fmt::format("{}  {:>4}  {:<4}  {:<6}  {}\n", core::format_date(d.date),
                             std::isnan(d.aqi) ? std::string("-") : num(d.aqi), kind_name(d.kind),
                             d.in_force == alert::Level::none ? std::string("-") : std::string(alert::level_name(d.in_force)),
                             d.met.met.empty() ? std::string("-") : d.met.met);
  std::cout << fmt::format("\nsummary: {} warnings, {} warning days (blue {}, yellow {}, orange {}, red {}); "
                           "{} heavy days (AQI > 200): {} covered, {} missed\nmissed: {}\n",
                           r.warnings.size(), r.warning_days, r.days_at[1], r.days_at[2], r.days_at[3], r.days_at[4],
                           r.heavy.size(), r.heavy.size() - r.missed.size(), r.missed.size(), dates(r.missed));
  return 0;
}

}  // namespace

static skyriver::app::Command warn_command{
    "warn", "heavy-pollution warning levels: a forecast's level, a replay of observed data",
    [](CLI::App& cmd) {
      auto o = std::make_shared<Options>();
      cmd.require_subcommand(1);
      cmd.add_option("--config", o->config, "city configuration folder (its warning.toml)");
      o->level = cmd.add_subcommand("level", "the level a rule set assigns to a forecast of daily AQI");
      o->level->add_option("--rules", o->rules, "rule set (default: the city's)");
      o->daily_option = o->level->add_option("--daily", o->daily, "daily AQI of day 1..n, comma-separated: 120,210,230");
      o->level->add_flag("--json", o->json, "one JSON object");
      o->level->add_option("--config", o->config, "city configuration folder (its warning.toml)");
      o->replay = cmd.add_subcommand("replay", "replay observed daily AQI as a perfect forecast");
      o->replay->add_option("--rules", o->rules, "rule set (default: the city's)");
      o->replay->add_option("--format", o->format, "cnemc | uci | long");
      o->replay->add_option("--area", o->area, "area code or site id (default: the city of the data)");
      o->replay->add_option("--horizon", o->horizon, "days of perfect forecast (default: warning.toml)");
      o->replay->add_option("--lookback", o->lookback, "observed days kept before the forecast (default: warning.toml)");
      o->replay->add_option("--config", o->config, "city configuration folder");
      o->replay->add_flag("--json", o->json, "one JSON document");
      o->replay->add_flag("--rolling", o->rolling, "days cross midnight: judge the 24-h AQI ending at every hour");
      o->replay->add_option("files", o->files, "data files");
      return [o]() { return o->level->parsed() ? run_level(*o) : run_replay(*o); };
    }};
