// `skyriver report day|month|year`: the bureau's daily report (日报), monthly bulletin (月度通报)
// and annual report (年报) from the store's data and the city configuration (src/report/).
//   skyriver report month --config DIR --db URL --month YYYY-MM [--format json|html|xlsx] [--out F]
//   skyriver report day   ... --date YYYY-MM-DD        skyriver report year ... --year YYYY
// JSON and HTML go to standard output unless --out is given; XLSX needs --out.
// 期数 and 文号 (--issue-no, --doc-no) default to the patterns of <config>/reports.toml.
// A period without any air data (a future month, a typo) is an error, not a blank document.
#include "app/command.h"
#include "app/locate.h"
#include "core/error.h"
#include "engine/engine.h"
#include "engine/load.h"
#include "report/bulletin.h"
#include "report/inputs.h"
#include "store/store.h"

#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

namespace {

using namespace skyriver;

struct Options {
  std::string kind, config = app::default_config(), db = "var/skyriver.db", month, date, format = "html", out;
  std::optional<std::string> issue_no, doc_no;
  int year = 0;
  bool json = false;
};

int run(const Options& o) {
  const std::string format = o.json ? "json" : o.format;
  if (format == "xlsx" && o.out.empty()) throw core::Error("--out", "xlsx needs an output file");
  // Check the period option before any loading.
  std::pair<int, int> ym{0, 0};
  core::Date day{};
  if (o.kind == "month") {
    if (o.month.empty()) throw core::Error("--month", "required: the month YYYY-MM");
    ym = report::parse_month(o.month);
  } else if (o.kind == "day") {
    auto d = core::parse_date(o.date);
    if (!d) throw core::Error("--date", "'" + o.date + "' is not a date YYYY-MM-DD");
    day = *d;
  } else if (o.year < 1990 || o.year > 2100) {
    throw core::Error("--year", "required: the year YYYY");
  }
  const report::Inputs in = report::load_inputs(o.config);
  engine::Engine eng;
  engine::set_city(eng, in.city);
  auto db = app::open_store(o.db, app::StoreUse::read);
  engine::load(eng, *db);
  report::Sources src{eng, in.city, in.targets, db.get()};
  if (in.compensation) src.compensation = &*in.compensation;
  src.water_rules = in.water_rules;
  if (in.plan) src.plan = &*in.plan;
  // The period's first and last day, for the data check and the numbering patterns.
  const core::Date first = o.kind == "month" ? core::Date{ym.first, ym.second, 1} : o.kind == "day" ? day : core::Date{o.year, 1, 1};
  const core::Date last = o.kind == "month" ? core::Date{ym.first, ym.second, core::days_in_month(ym.first, ym.second)}
                          : o.kind == "day" ? day
                                            : core::Date{o.year, 12, 31};
  const std::string option = o.kind == "month" ? "--month " + o.month : o.kind == "day" ? "--date " + o.date : "--year " + std::to_string(o.year);
  eng.read([&](const engine::Engine& e) { report::require_air_data(e, in.city, first, last, option); });
  report::Report r = eng.read([&](const engine::Engine&) {
    if (o.kind == "month") return report::month_report(src, ym.first, ym.second);
    if (o.kind == "day") return report::day_report(src, day);
    return report::year_report(src, o.year);
  });
  const report::Numbering& pattern = in.numbering.count(o.kind) ? in.numbering.at(o.kind) : report::Numbering{};
  r.doc.issue_no = o.issue_no ? *o.issue_no : report::fill_numbering(pattern.issue_no, first);
  r.doc.doc_no = o.doc_no ? *o.doc_no : report::fill_numbering(pattern.doc_no, first);
  r.json["issue_no"] = r.doc.issue_no;
  r.json["doc_no"] = r.doc.doc_no;
  if (format == "xlsx") {
    report::write_xlsx(r.doc, o.out);
    return 0;
  }
  std::ostringstream text;
  if (format == "json") text << r.json.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  else report::write_html(r.doc, text);
  if (o.out.empty()) {
    std::cout << text.str();
  } else {
    std::ofstream f(o.out, std::ios::binary);
    if (!(f << text.str())) throw core::Error(o.out, "cannot write the report");
  }
  return 0;
}

}  // namespace

static skyriver::app::Command report_command{
    "report", "the daily report, monthly bulletin and annual report (json, html for A4, xlsx)", [](CLI::App& cmd) {
      auto o = std::make_shared<Options>();
      cmd.require_subcommand(1);
      for (const char* kind : {"day", "month", "year"}) {
        auto* sub = cmd.add_subcommand(kind, std::string(kind) == "day" ? "日报: one day, every area" : std::string(kind) == "month"
                                                                                          ? "月度通报: the month and the year to date, every area"
                                                                                          : "年报: the year, every area, with the plan register");
        sub->add_option("--config", o->config, "city configuration folder")->capture_default_str();
        sub->add_option("--db", o->db, "store URL or SQLite file")->capture_default_str();
        if (std::string(kind) == "month") sub->add_option("--month", o->month, "the month, YYYY-MM")->required();
        if (std::string(kind) == "day") sub->add_option("--date", o->date, "the day, YYYY-MM-DD")->required();
        if (std::string(kind) == "year") sub->add_option("--year", o->year, "the year, YYYY")->required();
        sub->add_option("--format", o->format, "json | html | xlsx")->check(CLI::IsMember({"json", "html", "xlsx"}))->capture_default_str();
        sub->add_flag("--json", o->json, "same as --format json");
        sub->add_option("--out", o->out, "output file (default: standard output; required for xlsx)");
        sub->add_option("--issue-no", o->issue_no, "期数 printed under the title (default: reports.toml of the configuration)");
        sub->add_option("--doc-no", o->doc_no, "文号 printed under the title (default: reports.toml of the configuration)");
        sub->callback([o, kind] { o->kind = kind; });
      }
      return [o]() { return run(*o); };
    }};
