// `skyriver db init|stats|conflicts|imports|quarantine [--db URL] [--config DIR]`: create or
// migrate the store (init also loads the city's areas, sites and parameters), and show what it
// holds. `db detach|attach --month YYYY-MM` and `db archived` move old months of a PostgreSQL
// store to the archive and back (store/archive.h). The store URL is shown without its password (core::redact_url).
#include "app/command.h"
#include "app/locate.h"
#include "core/error.h"
#include "core/secret.h"
#include "model/city.h"
#include "store/archive.h"
#include "store/store.h"

#include <filesystem>
#include <iostream>

using namespace skyriver;

static app::Command db_command{"db", "create the store and show what it holds", [](CLI::App& cmd) {
  struct Opts {
    std::string db, config = app::default_config();
    CLI::App *init = nullptr, *stats = nullptr, *conflicts = nullptr, *imports = nullptr, *quarantine = nullptr;
    CLI::App *detach = nullptr, *attach = nullptr, *archived = nullptr;
    std::string month, tablespace;
  };
  auto opts = std::make_shared<Opts>();
  cmd.require_subcommand(1);
  opts->init = cmd.add_subcommand("init", "create or migrate the schema, load the city config");
  opts->stats = cmd.add_subcommand("stats", "sites, parameters, time range, counts");
  opts->conflicts = cmd.add_subcommand("conflicts", "values that arrived different from the stored ones");
  opts->imports = cmd.add_subcommand("imports", "the import log");
  opts->quarantine = cmd.add_subcommand("quarantine", "values refused and kept aside (e.g. stamped in the future), with the reason");
  opts->detach = cmd.add_subcommand("detach", "move a past month of observations to the archive (PostgreSQL)");
  opts->attach = cmd.add_subcommand("attach", "bring an archived month back (PostgreSQL)");
  opts->archived = cmd.add_subcommand("archived", "the months in the archive (PostgreSQL)");
  for (CLI::App* sub : {opts->detach, opts->attach})
    sub->add_option("--month", opts->month, "the month, YYYY-MM (Beijing calendar)")->required();
  opts->detach->add_option("--tablespace", opts->tablespace, "also move the archived table to this tablespace");
  for (CLI::App* sub : {opts->init, opts->stats, opts->conflicts, opts->imports, opts->quarantine, opts->detach,
                        opts->attach, opts->archived}) {
    sub->add_option("--db", opts->db, "store URL (default var/skyriver.db)");
    sub->add_option("--config", opts->config, "city configuration folder");
  }
  return [opts]() {
    auto db = app::open_store(opts->db, opts->init->parsed() ? app::StoreUse::create : app::StoreUse::read);
    const std::string url = core::redact_url(opts->db.empty() ? store::Store::default_url() : opts->db);
    if (opts->init->parsed()) {
      const auto city = model::load_city(opts->config);
      db->put_areas(city.areas);
      db->put_sites(city.sites);
      db->put_parameters(city.parameters.all());
      std::cout << "store " << url << " (" << db->backend() << "), schema version "
                << db->schema_version() << ": " << city.areas.size() << " areas, "
                << city.sites.size() << " sites, " << city.parameters.all().size()
                << " parameters loaded from " << opts->config << "\n";
    } else if (opts->stats->parsed()) {
      const auto s = db->stats();
      std::cout << "store " << url << " (" << db->backend() << "), schema version "
                << db->schema_version() << "\n"
                << "  areas " << s.areas << ", sites " << s.sites << ", parameters "
                << s.parameters << "\n"
                << "  observations " << s.observations << ", conflicts " << s.conflicts
                << ", audit marks " << s.marks << ", imports " << s.imports << "\n";
      if (s.first)
        std::cout << "  time range " << core::format_beijing(*s.first) << " .. "
                  << core::format_beijing(*s.last) << " (Beijing, period starts)\n";
      for (const auto& c : s.by_parameter)
        std::cout << "  " << c.parameter << " " << store::to_string(c.interval) << ": " << c.count
                  << " values, " << c.sites << " sites, " << core::format_beijing(c.first)
                  << " .. " << core::format_beijing(c.last) << "\n";
    } else if (opts->conflicts->parsed()) {
      for (const auto& c : db->conflicts({}))
        std::cout << c.incoming.site << " " << c.incoming.parameter << " "
                  << core::format_beijing(c.incoming.time) << " "
                  << store::to_string(c.incoming.interval) << ": stored " << c.existing_value
                  << " (" << c.existing_flag << ", " << c.existing_source << "), arrived "
                  << c.incoming.value << " (" << c.incoming.flag << ", " << c.incoming.source
                  << ")\n";
    } else if (opts->quarantine->parsed()) {
      store::RecordQuery q;
      q.kind = "quarantine";
      for (const auto& r : db->records(q))
        std::cout << r.id << " " << core::format_beijing(r.at) << " " << r.who << " " << r.key << " " << r.body << "\n";
    } else if (opts->detach->parsed() || opts->attach->parsed()) {
      const std::string raw = opts->db.empty() ? store::Store::default_url() : opts->db;
      const int month = store::parse_month(opts->month, "--month");
      if (opts->detach->parsed()) {
        const auto n = store::detach_month(raw, month, opts->tablespace);
        std::cout << "month " << opts->month << " archived: " << n << " values in table archived_p" << month << "\n";
      } else {
        const auto n = store::attach_month(raw, month);
        std::cout << "month " << opts->month << " attached back: " << n << " values\n";
      }
    } else if (opts->archived->parsed()) {
      for (const auto& a : store::archived_months(opts->db.empty() ? store::Store::default_url() : opts->db))
        std::cout << a.month / 100 << "-" << (a.month % 100 < 10 ? "0" : "") << a.month % 100 << " " << a.table
                  << " archived " << core::format_beijing(a.at) << "\n";
    } else if (opts->imports->parsed()) {
      for (const auto& r : db->imports())
        std::cout << r.id << " " << r.source_kind << " " << r.status << " "
                  << core::format_beijing(r.started) << " rows " << r.rows_read << " stored "
                  << r.stored << " duplicates " << r.duplicates << " conflicts " << r.conflicts
                  << " rejected " << r.rejected << " " << r.file
                  << (r.note.empty() ? "" : " (" + r.note + ")") << "\n";
    }
    return 0;
  };
}};
