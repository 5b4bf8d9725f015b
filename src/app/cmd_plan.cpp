// `skyriver plan`: the plan's indicator register (表3-1, config/<city>/plan_indicators.toml).
//   skyriver plan status [--year Y] [--json]    each indicator's value, target, status, trend
//   skyriver plan enter --indicator N --year Y --value V [--target T] [--note TEXT] --who NAME
// Entered values go to the store's records journal (kind plan_entry); a correction is a new
// entry, the history is kept (src/assess/plan*).
#include "app/command.h"
#include "app/locate.h"
#include "assess/plan_store.h"
#include "core/error.h"
#include "engine/engine.h"
#include "engine/load.h"
#include "report/inputs.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <iostream>
#include <memory>

namespace {

using namespace skyriver;

struct Options {
  std::string config = app::default_config(), db = "var/skyriver.db", who, note;
  int year = 0, indicator = 0;
  std::optional<double> value, target;
  bool json = false;
};

int status(const Options& o) {
  const report::Inputs in = report::load_inputs(o.config);
  if (!in.plan) throw core::Error(o.config + "/plan_indicators.toml", "no plan register in this configuration");
  engine::Engine eng;
  engine::set_city(eng, in.city);
  auto db = app::open_store(o.db, app::StoreUse::read);
  engine::load(eng, *db);
  const auto entries = assess::plan_entries(*db);
  const auto list = eng.read([&](const engine::Engine& e) {
    int year = o.year;
    if (!year) {
      auto h = e.latest_hour();
      year = h ? core::beijing_date(*h).year : 2025;
    }
    return assess::plan_status(*in.plan, year, entries, assess::platform_values(e, in.city, db.get(), in.water_rules));
  });
  if (o.json) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& s : list) j.push_back(assess::to_json(s));
    std::cout << j.dump(1) << "\n";
    return 0;
  }
  std::cout << fmt::format("plan indicators (表3-1), {}\n", list.empty() ? 0 : list.front().year);
  for (const auto& s : list) {
    const auto& i = *s.indicator;
    const std::string target = s.target ? fmt::format("{}{:g}", assess::op_text(i.op), *s.target) : i.target_text;
    std::vector<std::string> trend;  // 2020 base, then each year with a value
    for (const auto& p : s.trend) trend.push_back(fmt::format("{} {:g}", p.year, p.value));
    std::cout << fmt::format("{:>2} {} [{}] value {} target {} -> {}{}{}\n", i.id, i.name, i.unit,
                             s.value ? fmt::format("{:g} ({})", *s.value, s.origin) : std::string("-"), target, s.status,
                             s.direction.empty() ? "" : ", " + s.direction,
                             trend.empty() ? "" : fmt::format("; trend {}", fmt::join(trend, " → ")));
  }
  return 0;
}

int enter(const Options& o) {
  const report::Inputs in = report::load_inputs(o.config);
  if (!in.plan) throw core::Error(o.config + "/plan_indicators.toml", "no plan register in this configuration");
  if (o.who.empty()) throw core::Error("--who", "say who enters the value");
  nlohmann::json body{{"indicator", o.indicator}, {"year", o.year}};
  if (o.value) body["value"] = *o.value;
  if (o.target) body["target"] = *o.target;
  if (!o.note.empty()) body["note"] = o.note;
  assess::PlanEntry e;
  try {
    e = assess::validate_plan_entry(*in.plan, body);
  } catch (const core::Error& err) {
    throw core::Error("--" + err.where(), err.why());
  }
  e.who = o.who;
  auto db = app::open_store(o.db, app::StoreUse::read);
  e = assess::add_plan_entry(*db, e);
  std::cout << fmt::format("plan entry {} stored: indicator {} ({}) {} by {} at {}\n", e.id, e.indicator,
                           in.plan->find(e.indicator)->name, e.year, e.who, core::format_iso(e.at));
  return 0;
}

}  // namespace

static skyriver::app::Command plan_command{
    "plan", "the plan's indicator register (表3-1): status, and entering values", [](CLI::App& cmd) {
      auto o = std::make_shared<Options>();
      auto mode = std::make_shared<std::string>();
      cmd.require_subcommand(1);
      auto* st = cmd.add_subcommand("status", "each indicator's latest value, target, status (met / not met / no data) and trend");
      auto* en = cmd.add_subcommand("enter", "enter a value (or an assigned target) for an indicator and year; corrections are new entries");
      for (auto* sub : {st, en}) {
        sub->add_option("--config", o->config, "city configuration folder")->capture_default_str();
        sub->add_option("--db", o->db, "store URL or SQLite file")->capture_default_str();
      }
      st->add_option("--year", o->year, "the year (default: the year of the latest data)");
      st->add_flag("--json", o->json, "JSON output");
      en->add_option("--indicator", o->indicator, "indicator number 1..30 of 表3-1")->required();
      en->add_option("--year", o->year, "the year the value is for")->required();
      en->add_option("--value", o->value, "the value, in the indicator's unit");
      en->add_option("--target", o->target, "the target assigned for the year (完成国家、省级下达指标)");
      en->add_option("--note", o->note, "where the value comes from");
      en->add_option("--who", o->who, "who enters it (department, person)")->required();
      st->callback([mode] { *mode = "status"; });
      en->callback([mode] { *mode = "enter"; });
      return [o, mode]() { return *mode == "enter" ? enter(*o) : status(*o); };
    }};
