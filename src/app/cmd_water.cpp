// `skyriver water class|cwqi|tli|report|realtime|assess`: GB 3838-2002 classes, the section
// evaluation (评价办法), CWQI and TLI of values given on the command line; `report` evaluates a
// quarter of samples for the city's water sections (sections, rivers, CWQI, plan indicators);
// `assess` a month (or the year to date) of the store against each section's target. Item options are the platform codes (--codmn, --nh3n,
// --cr6, ...); values in stored units (mg/L, fcoli 个/L, pH none).
#include "app/command.h"
#include "app/locate.h"
#include "assess/compensation.h"
#include "model/city.h"
#include "standards/water_period.h"
#include "standards/water_rules.h"
#include "store/store.h"
#include "core/time.h"
#include "core/error.h"
#include "core/text.h"
#include "standards/cwqi.h"
#include "standards/tli.h"
#include "standards/water_class.h"
#include "standards/water_eval.h"
#include "assess/water_json.h"
#include "assess/water_rules_file.h"
#include "assess/water_period_store.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

namespace {

using namespace skyriver;
using namespace skyriver::standards;
using namespace skyriver::assess;

struct Options {
  bool lake = false, json = false;
  std::string target, period, samples, config = app::default_config(), db, at, month, site;
  int year = 0;
  int min_samples = 1, hours = 2;
  std::map<std::string, std::string> values;  // option text per item code
};


void add_items(CLI::App& cmd, Options& o, bool auxiliaries) {
  for (const auto& item : table1()) {
    const std::string code(item.code);
    cmd.add_option("--" + code, o.values[code],
                   fmt::format("{} ({})", item.name_zh, item.unit.empty() ? "none" : item.unit));
  }
  if (auxiliaries)
    for (const char* code : {"chla", "sd"}) cmd.add_option(std::string("--") + code, o.values[code]);
}

Concentrations parse_values(const Options& o) {
  Concentrations out;
  for (const auto& [code, text] : o.values) {
    if (text.empty()) continue;
    auto v = core::parse_number(text);
    if (!v) throw core::Error("--" + code, "'" + text + "' is not a number");
    if (*v < 0 && code != "wtemp") throw core::Error("--" + code, "negative value " + text);
    out[code] = *v;
  }
  return out;
}

std::optional<WaterClass> parse_target(const Options& o) {
  if (o.target.empty()) return std::nullopt;
  auto c = parse_class(o.target);
  if (!c || *c == WaterClass::WorseV)
    throw core::Error("--target", "'" + o.target + "' is not a target class (I II III IV V)");
  return c;
}

void print_text(const SectionEval& e) {
  std::cout << fmt::format("{:<10} {:>12} {:>6} {:>10}\n", "item", "value", "class", "x over III");
  for (const auto& it : e.items)
    std::cout << fmt::format("{:<10} {:>12} {:>6} {:>10}{}\n", it.code, fmt::format("{:g}", it.value),
                             it.cls ? class_name(*it.cls) : "-",
                             it.exceed_iii ? fmt::format("{:.2f}", *it.exceed_iii) : "",
                             it.in_class ? "" : "  (not in the section class)");
  std::cout << fmt::format("section class {} ({}, {}), from {} of 21 items\n", class_name(e.cls),
                           e.status.name, e.status.colour, e.evaluated.size());
  if (e.target)
    std::cout << fmt::format("target {}: {}\n", class_name(*e.target),
                             *e.meets_target ? "met" : "NOT met");
  if (!e.main_pollutants.empty()) {
    std::cout << "main pollutants:";
    for (const auto& code : e.main_pollutants) {
      std::cout << " " << code;
      for (const auto& it : e.items)
        if (it.code == code && it.exceed_iii) std::cout << fmt::format(" ({:.2f})", *it.exceed_iii);
    }
    std::cout << "\n";
  }
  if (e.tn_class) std::cout << "TN (evaluated separately): " << class_name(*e.tn_class) << "\n";
  if (e.fcoli_class) std::cout << "faecal coliforms (evaluated separately): " << class_name(*e.fcoli_class) << "\n";
}

double round4(double v) { return std::round(v * 1e4) / 1e4; }

// `water report`: the city's water sections (config) and a samples CSV -> the period's picture.
int report(const Options& o) {
  const auto period = assess::parse_period(o.period);
  const auto city = model::load_city(o.config);
  std::vector<SectionInput> inputs;
  std::map<std::string, std::size_t> index;
  for (const auto* site : city.sites_of_kind("water")) {
    SectionInput in;
    in.id = site->id, in.name = site->name, in.river = site->attribute("river", "?");
    const auto body = site->attribute("water_body", "river");
    in.body = (body == "lake" || body == "reservoir") ? WaterBody::Lake : WaterBody::River;
    if (auto t = parse_class(site->attribute("target_class")); t && *t != WaterClass::WorseV) in.target = t;
    index[in.id] = inputs.size();
    inputs.push_back(std::move(in));
  }
  int outside = 0, invalid = 0;
  for (const auto& s : assess::read_samples_csv(o.samples)) {
    auto it = index.find(s.site);
    if (it == index.end() || s.time < period.from || s.time >= period.to) {
      ++outside;
      continue;
    }
    if (s.flag != 'N') {
      ++invalid;
      continue;
    }
    inputs[it->second].samples[s.parameter].push_back({s.value, s.below_detection});
  }
  const CityWater cw = evaluate_period(inputs, o.min_samples, load_evaluation_rules(o.config + "/water.toml"));
  if (o.json) {
    nlohmann::json j{{"period", period.label}, {"sections", nlohmann::json::array()},
                     {"rivers", nlohmann::json::array()}, {"samples_ignored", outside},
                     {"samples_flagged", invalid}};
    for (const auto& s : cw.sections) {
      nlohmann::json js{{"id", s.id}, {"name", s.name}, {"river", s.river}, {"counts", s.counts}};
      if (s.eval) {
        js["evaluation"] = to_json(*s.eval, s.body);
        js["cwqi"] = round4(s.cwqi->total);
      } else {
        js["excluded"] = s.excluded;
      }
      j["sections"].push_back(js);
    }
    for (const auto& r : cw.rivers)
      j["rivers"].push_back({{"river", r.river}, {"body", r.body == WaterBody::Lake ? "lake" : "river"},
                             {"sections", r.eval.sections},
                             {"method", r.eval.by_shares ? "shares" : "means"},
                             {"status", r.eval.status.name}, {"colour", r.eval.status.colour},
                             {"share_i_iii", r.eval.share_i_iii}, {"share_worse_v", r.eval.share_worse_v},
                             {"main_pollutants", r.eval.main_pollutants}, {"cwqi", round4(r.cwqi.total)}});
    auto opt = [](std::optional<double> v) { return v ? nlohmann::json(round4(*v)) : nlohmann::json(nullptr); };
    j["city"] = {{"evaluated", cw.evaluated}, {"share_i_iii", cw.share_i_iii},
                 {"share_worse_v", cw.share_worse_v}, {"cwqi_river", opt(cw.cwqi_river)},
                 {"cwqi_lake", opt(cw.cwqi_lake)}, {"cwqi_city", opt(cw.cwqi_city)}};
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << fmt::format("{} surface water, {} sections ({} evaluated)\n", period.label,
                           cw.sections.size(), cw.evaluated);
  for (const auto& s : cw.sections) {
    if (!s.eval) {
      std::cout << fmt::format("  {:<26} {:<8} excluded: {}\n", s.id + " " + s.name, s.river, s.excluded);
      continue;
    }
    std::string main;
    for (const auto& m : s.eval->main_pollutants) main += (main.empty() ? "" : ",") + m;
    std::cout << fmt::format("  {:<26} {:<8} {:>4} {:<8} CWQI {:7.4f}{}{}\n", s.id + " " + s.name, s.river,
                             class_name(s.eval->cls), s.eval->status.name, s.cwqi->total,
                             main.empty() ? "" : "  main " + main,
                             s.eval->target ? fmt::format("  target {} {}", class_name(*s.eval->target),
                                                          *s.eval->meets_target ? "met" : "NOT met")
                                            : "");
  }
  for (const auto& r : cw.rivers)
    std::cout << fmt::format("{} {:<8} {} sections ({}): {}  I-III {:.1f}%  劣V {:.1f}%  CWQI {:.4f}\n",
                             r.body == WaterBody::Lake ? "lake/reservoir" : "river", r.river, r.eval.sections, r.eval.by_shares ? "shares" : "means",
                             r.eval.status.name, r.eval.share_i_iii * 100, r.eval.share_worse_v * 100,
                             r.cwqi.total);
  std::cout << fmt::format("city: I-III {:.1f}%  劣V {:.1f}%  CWQI river {} lake {} city {}\n",
                           cw.share_i_iii * 100, cw.share_worse_v * 100,
                           cw.cwqi_river ? fmt::format("{:.4f}", *cw.cwqi_river) : "-",
                           cw.cwqi_lake ? fmt::format("{:.4f}", *cw.cwqi_lake) : "-",
                           cw.cwqi_city ? fmt::format("{:.4f}", *cw.cwqi_city) : "-");
  if (outside || invalid)
    std::cout << fmt::format("{} samples outside the period or of other sites ignored, {} flagged "
                             "samples (not N) left out\n", outside, invalid);
  return 0;
}

// `water realtime`: the class of each water section from its automatic station's latest values
// in the store (within --hours before --at), over the items it measures.
int realtime(const Options& o) {
  const auto city = model::load_city(o.config);
  const auto rules = load_evaluation_rules(o.config + "/water.toml");
  core::Instant at = std::time(nullptr);
  if (!o.at.empty()) {
    auto c = core::parse_civil(o.at);
    if (!c) throw core::Error("--at", "'" + o.at + "' is not YYYY-MM-DD HH:MM (Beijing time)");
    at = core::from_beijing(*c);
  }
  if (o.hours < 1) throw core::Error("--hours", "must be at least 1");
  auto db = app::open_store(o.db, app::StoreUse::read);
  nlohmann::json out = nlohmann::json::array();
  for (const auto* site : city.sites_of_kind("water")) {
    store::Query q;
    q.sites = {site->id};
    q.from = at - o.hours * core::kHour;
    q.to = at + 1;
    std::map<std::string, std::pair<core::Instant, double>> latest;  // code -> (time, value)
    db->scan(q, [&](const store::Observation& ob) {
      if (ob.flag != 'N' || !is_water_parameter(ob.parameter)) return;
      auto& l = latest[ob.parameter];
      if (l.first == 0 || ob.time >= l.first) l = {ob.time, ob.value};
    });
    nlohmann::json j{{"id", site->id}, {"name", site->name}};
    Concentrations values;
    core::Instant newest = 0;
    for (const auto& [code, tv] : latest) {
      values[code] = tv.second;
      newest = std::max(newest, tv.first);
    }
    bool any = false;
    for (const auto& [code, v] : values) any |= is_class_item(code);
    if (!any) {
      j["class"] = nullptr;
      j["basis"] = "no valid values in the last " + std::to_string(o.hours) + " h";
    } else {
      const auto body = site->attribute("water_body", "river");
      const WaterBody b = (body == "lake" || body == "reservoir") ? WaterBody::Lake : WaterBody::River;
      std::optional<WaterClass> target;
      if (auto t = parse_class(site->attribute("target_class")); t && *t != WaterClass::WorseV) target = t;
      const auto rc = realtime_class(values, b, target, rules);
      j = to_json(rc.eval, b);
      j["id"] = site->id, j["name"] = site->name, j["basis"] = rc.basis, j["time"] = core::format_iso(newest);
    }
    out.push_back(j);
  }
  if (o.json) {
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  for (const auto& j : out)
    std::cout << fmt::format("{:<26} {:>4} {:<8} {}{}\n", j["id"].get<std::string>() + " " + j["name"].get<std::string>(),
                             j["class"].is_null() ? "-" : j["class"].get<std::string>(),
                             j.contains("status") ? j["status"].get<std::string>() : "",
                             j["basis"].get<std::string>(),
                             j.contains("time") ? "  at " + j["time"].get<std::string>() : "");
  return 0;
}


// `water assess`: a month (--month YYYY-MM) or the year to date (--year YYYY) of the store, per
// section, by 环办〔2011〕22号 as implemented in assess::water_period (period means of the valid
// values, flag N and not marked invalid; class = worst item; main pollutants with their
// multiple over class III), against the section's target class, beside the same period a year
// earlier.
int assess_period(const Options& o) {
  if (o.month.empty() == (o.year == 0)) throw core::Error("water assess", "give either --month YYYY-MM or --year YYYY");
  core::Date first{}, next{};
  std::string label;
  if (!o.month.empty()) {
    const auto d = core::parse_date(o.month + "-01");
    if (o.month.size() != 7 || !d) throw core::Error("--month", "'" + o.month + "' is not YYYY-MM");
    first = *d;
    next = d->month == 12 ? core::Date{d->year + 1, 1, 1} : core::Date{d->year, d->month + 1, 1};
    label = o.month;
  } else {
    if (o.year < 1900 || o.year > 9999) throw core::Error("--year", "'" + std::to_string(o.year) + "' is not a year");
    first = {o.year, 1, 1}, next = {o.year + 1, 1, 1};
    label = std::to_string(o.year) + " (year to date)";
  }
  const auto city = model::load_city(o.config);
  if (!o.site.empty() && (!city.site(o.site) || city.site(o.site)->kind != model::kWater))
    throw core::Error("--site", "'" + o.site + "' is not a water section of " + o.config);
  const auto rules = load_evaluation_rules(o.config + "/water.toml");
  auto db = app::open_store(o.db, app::StoreUse::read);
  const auto now = assess::water_period(*db, city, core::beijing_midnight(first), core::beijing_midnight(next), rules);
  const auto before = assess::water_period(*db, city, core::beijing_midnight({first.year - 1, first.month, first.day}),
                                           core::beijing_midnight({next.year - 1, next.month, next.day}), rules);
  std::map<std::string, const SectionPeriod*> last_year;
  for (const auto& s : before.city.sections) last_year[s.id] = &s;

  auto means_json = [](const Concentrations& m) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [code, v] : m) j[code] = v;
    return j;
  };
  nlohmann::json out{{"period", label}, {"from", core::format_date(first)}, {"to", core::format_date(next)},
                     {"sections", nlohmann::json::array()}};
  for (const auto& s : now.city.sections) {
    if (!o.site.empty() && s.id != o.site) continue;
    const model::Site* site = city.site(s.id);
    const auto target = parse_class(site->attribute("target_class"));
    nlohmann::json j{{"id", s.id}, {"name", s.name}, {"river", s.river},
                     {"water_body", s.body == WaterBody::Lake ? "lake" : "river"},
                     {"class", nullptr}, {"target_class", target ? nlohmann::json(class_name(*target)) : nlohmann::json(nullptr)},
                     {"met", nullptr}, {"main_pollutants", nlohmann::json::array()}, {"exceed_iii", nlohmann::json::object()},
                     {"means", means_json(s.means)}, {"samples", s.counts}};
    if (s.eval) {
      j["class"] = class_name(s.eval->cls);
      j["status"] = s.eval->status.name;
      j["main_pollutants"] = s.eval->main_pollutants;
      for (const auto& it : s.eval->items)
        if (it.exceed_iii && it.in_class) j["exceed_iii"][it.code] = std::round(*it.exceed_iii * 100) / 100;
      if (target) j["met"] = rank(s.eval->cls) <= rank(*target);
    } else {
      j["excluded"] = s.excluded;
    }
    if (!target) j["target_note"] = site->attribute("target_class", "no target configured");
    nlohmann::json ly = nullptr;
    if (auto it = last_year.find(s.id); it != last_year.end() && it->second->eval)
      ly = {{"class", class_name(it->second->eval->cls)}, {"means", means_json(it->second->means)}};
    j["last_year"] = ly;
    out["sections"].push_back(j);
  }
  if (o.json) {
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::cout << "water assessment " << label << " (环办〔2011〕22号; means of valid values)\n";
  for (const auto& j : out["sections"]) {
    std::string mp;
    for (const auto& p : j["main_pollutants"]) {
      const std::string code = p.get<std::string>();
      mp += (mp.empty() ? "" : ", ") + code;
      if (j["exceed_iii"].contains(code)) mp += fmt::format(" ({:.2f}x)", j["exceed_iii"][code].get<double>());
    }
    std::cout << fmt::format("{:<28} {:>4}  target {:<4} {:<8} last year {:<4} {}\n",
                             j["id"].get<std::string>() + " " + j["name"].get<std::string>(),
                             j["class"].is_null() ? "-" : j["class"].get<std::string>(),
                             j["target_class"].is_null() ? "?" : j["target_class"].get<std::string>(),
                             j["met"].is_null() ? "" : (j["met"].get<bool>() ? "met" : "NOT met"),
                             j["last_year"].is_null() ? "-" : j["last_year"]["class"].get<std::string>(),
                             j["class"].is_null() ? j["excluded"].get<std::string>() : mp);
  }
  return 0;
}

}  // namespace

static skyriver::app::Command water_command{
    "water", "surface water: GB 3838 class, section evaluation, CWQI, TLI", [](CLI::App& cmd) {
      cmd.require_subcommand(1);
      auto o = std::make_shared<Options>();
      auto* cls = cmd.add_subcommand("class", "class of each item, section class, status, "
                                              "exceedance multiples and main pollutants");
      cls->add_flag("--lake", o->lake, "lake or reservoir (TP lake limits, TN evaluated)");
      cls->add_option("--target", o->target, "the section's target class (I..V)");
      cls->add_flag("--json", o->json, "JSON output");
      cls->add_option("--config", o->config, "city configuration folder (optional water.toml rules)");
      add_items(*cls, *o, false);

      auto* cw = cmd.add_subcommand("cwqi", "CWQI of one section (or of river means)");
      cw->add_flag("--lake", o->lake, "lake or reservoir point");
      cw->add_flag("--json", o->json, "JSON output");
      add_items(*cw, *o, false);

      auto* tl = cmd.add_subcommand("tli", "trophic level index TLI of a lake or reservoir");
      tl->add_flag("--json", o->json, "JSON output");
      tl->add_option("--config", o->config, "city configuration folder (optional water.toml rules)");
      for (const char* code : {"chla", "tp", "tn", "sd", "codmn"})
        tl->add_option(std::string("--") + code, o->values[code]);

      auto* rep = cmd.add_subcommand("report", "a quarter of samples for the city's water sections: "
                                               "classes, rivers, CWQI, plan indicators");
      rep->add_option("--period", o->period, "quarter, e.g. 2026Q3")->required();
      rep->add_option("--samples", o->samples, "samples CSV site,time,parameter,value[,unit][,flag]")
          ->required();
      rep->add_option("--config", o->config, "city configuration folder (water sections)");
      rep->add_option("--min-samples", o->min_samples, "samples an item needs in the period (default 1)");
      rep->add_flag("--json", o->json, "JSON output");

      auto* rt = cmd.add_subcommand("realtime", "class of each water section from its station's "
                                                "latest values in the store");
      rt->add_option("--db", o->db, "store URL (default var/skyriver.db)");
      rt->add_option("--config", o->config, "city configuration folder (water sections)");
      rt->add_option("--at", o->at, "Beijing time 'YYYY-MM-DD HH:MM' (default now)");
      rt->add_option("--hours", o->hours, "look back this many hours for the latest values (default 2)");
      rt->add_flag("--json", o->json, "JSON output");

      auto* as = cmd.add_subcommand("assess", "a month or the year to date of the store per section: "
                                              "means, class, main pollutants, target met, last year");
      as->add_option("--month", o->month, "month YYYY-MM");
      as->add_option("--year", o->year, "year YYYY: the year to date (cumulative)");
      as->add_option("--site", o->site, "one section id");
      as->add_option("--db", o->db, "store URL (default var/skyriver.db)");
      as->add_option("--config", o->config, "city configuration folder (water sections)");
      as->add_flag("--json", o->json, "JSON output");

      return [o, cls, cw, tl, rep, rt, as]() -> int {
        // A folder named on the command line must exist: silently using the built-in rules
        // instead of a mistyped folder's would give a different class without a word.
        for (CLI::App* sub : {cls, tl, rep, rt, as})
          if (sub->parsed() && sub->count("--config") && !std::filesystem::is_directory(o->config))
            throw core::Error("--config " + o->config, "no such folder");
        if (rep->parsed()) return report(*o);
        if (rt->parsed()) return realtime(*o);
        if (as->parsed()) return assess_period(*o);
        const WaterBody body = o->lake ? WaterBody::Lake : WaterBody::River;
        const Concentrations values = parse_values(*o);
        if (cls->parsed()) {
          const auto e = evaluate_section(values, body, parse_target(*o),
                                          load_evaluation_rules(o->config + "/water.toml"));
          if (o->json) std::cout << to_json(e, body).dump(2) << "\n";
          else print_text(e);
        } else if (cw->parsed()) {
          const auto c = cwqi(values, body);
          if (o->json) {
            nlohmann::json j{{"cwqi", c.total}, {"items", nlohmann::json::object()}};
            for (const auto& [code, v] : c.items) j["items"][code] = v;
            std::cout << j.dump(2) << "\n";
          } else {
            for (const auto& [code, v] : c.items) std::cout << fmt::format("{:<10} {:.4f}\n", code, v);
            std::cout << fmt::format("CWQI {:.4f}\n", c.total);
          }
        } else if (tl->parsed()) {
          auto get = [&](const char* k) -> std::optional<double> {
            auto it = values.find(k);
            return it == values.end() ? std::nullopt : std::optional<double>(it->second);
          };
          const auto r = tli({get("chla"), get("tp"), get("tn"), get("sd"), get("codmn")},
                             load_evaluation_rules(o->config + "/water.toml"));
          if (o->json) {
            nlohmann::json j{{"tli", std::round(r.tli * 100) / 100}, {"state", r.state}};
            for (const auto& p : r.parts) j["parts"][p.code] = {{"tli", p.tli}, {"weight", p.weight}};
            std::cout << j.dump(2) << "\n";
          } else {
            for (const auto& p : r.parts)
              std::cout << fmt::format("{:<6} TLI {:7.2f}  weight {:.4f}\n", p.code, p.tli, p.weight);
            std::cout << fmt::format("TLI {:.2f} {}\n", r.tli, r.state);
          }
        }
        return 0;
      };
    }};
