// `skyriver compensate --period 2026Q3`: the quarterly eco-compensation statement per county
// (src/assess/compensation*), from a samples CSV (--samples) or the store (--db), with the rules
// of <config>/compensation.toml. Formats: html (default), xlsx, csv, json.
#include "app/command.h"
#include "app/locate.h"
#include "assess/compensation.h"
#include "assess/compensation_report.h"
#include "assess/compensation_store.h"
#include "core/error.h"

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

namespace {

struct Options {
  std::string period, format = "html", out, samples, db, config = skyriver::app::default_config(), rules, basis, interval;
};

}  // namespace

static skyriver::app::Command compensate_command{
    "compensate", "cross-boundary water eco-compensation statement per county", [](CLI::App& cmd) {
      auto o = std::make_shared<Options>();
      cmd.add_option("--period", o->period, "quarter, e.g. 2026Q3")->required();
      cmd.add_option("--format", o->format, "html | xlsx | csv | json")
          ->check(CLI::IsMember({"html", "xlsx", "csv", "json"}));
      cmd.add_option("--out", o->out, "output file (default: standard output; required for xlsx)");
      cmd.add_option("--samples", o->samples, "samples CSV: site,time,parameter,value[,unit][,flag]");
      cmd.add_option("--db", o->db, "store URL (default var/skyriver.db), read when --samples is not given");
      cmd.add_option("--interval", o->interval, "store input: only this interval (rtd|min|hour|day)");
      cmd.add_option("--config", o->config, "city configuration folder (compensation.toml)");
      cmd.add_option("--rules", o->rules, "rules file (default: <config>/compensation.toml)");
      cmd.add_option("--basis", o->basis, "override the rules' basis: quarter | month")
          ->check(CLI::IsMember({"quarter", "month"}));
      return [o]() -> int {
        using namespace skyriver;
        const auto period = assess::parse_period(o->period);
        auto rules = assess::load_rules(o->rules.empty() ? o->config + "/compensation.toml" : o->rules);
        if (o->basis == "month") rules.basis = assess::Basis::Month;
        if (o->basis == "quarter") rules.basis = assess::Basis::Quarter;
        std::vector<assess::Sample> samples;
        if (!o->samples.empty()) {
          samples = assess::read_samples_csv(o->samples);
        } else {
          std::optional<store::Interval> interval;
          if (!o->interval.empty()) {
            interval = store::parse_interval(o->interval);
            if (!interval) throw core::Error("--interval", "'" + o->interval + "' is not rtd, min, hour or day");
          }
          auto db = app::open_store(o->db, app::StoreUse::read);
          samples = assess::samples_from_store(*db, rules, period, interval);
        }
        const auto st = assess::compensate(rules, period, samples);
        if (o->format == "xlsx") {
          if (o->out.empty()) throw core::Error("--out", "xlsx needs an output file");
          assess::write_xlsx(st, o->out);
          return 0;
        }
        std::ostringstream text;
        if (o->format == "json") text << assess::to_json(st).dump(2) << "\n";
        else if (o->format == "csv") assess::write_csv(st, text);
        else assess::write_html(st, text);
        if (o->out.empty()) {
          std::cout << text.str();
        } else {
          std::ofstream f(o->out, std::ios::binary);
          if (!(f << text.str())) throw core::Error(o->out, "cannot write the statement");
        }
        return 0;
      };
    }};
