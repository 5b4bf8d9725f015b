// `skyriver import --format F FILE... [--db URL] [--config DIR] [--strict] [--all-stations
// --stations LIST] [--interval hour] [--rejects FILE]`: file importers (src/ingest/import).
// Prints a summary; rejected rows go to the rejects file (named in the summary). Exit status:
// 0 done (even with rejected rows), 2 when --strict found bad rows and stored nothing.
#include "app/command.h"
#include "app/locate.h"
#include "core/error.h"
#include "ingest/import/importer.h"

#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <iostream>

using namespace skyriver;

namespace {

std::string default_rejects_file() {
  const std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
  return "var/rejects/import-" + std::string(stamp) + "-" + std::to_string(::getpid()) + ".txt";
}

}  // namespace

static app::Command import_command{
    "import", "import observation files (cnemc, cnemc-water, uci, long) into the store", [](CLI::App& cmd) {
      struct Opts {
        std::vector<std::string> files;
        std::string db, config = app::default_config(), interval = "hour", rejects, min_time = "2000-01-01";
        ingest::ImportOptions o;
        bool no_progress = false;
      };
      auto opts = std::make_shared<Opts>();
      cmd.add_option("--format", opts->o.format, "cnemc | cnemc-water | uci | long")->required();
      cmd.add_option("files", opts->files, "files to import (.csv or .csv.gz)")->required();
      cmd.add_option("--db", opts->db, "store URL (default var/skyriver.db)");
      cmd.add_option("--config", opts->config, "city configuration folder");
      cmd.add_flag("--strict", opts->o.strict, "store nothing if any row is bad");
      cmd.add_flag("--all-stations", opts->o.all_stations,
                   "cnemc: register stations outside the city from --stations");
      cmd.add_option("--stations", opts->o.station_list, "cnemc: national station list CSV");
      cmd.add_option("--interval", opts->interval, "long: interval of the rows (rtd|min|hour|day)");
      cmd.add_option("--batch", opts->o.batch_size, "observations per transaction (default 400000)");
      cmd.add_option("--rejects", opts->rejects, "rejects file (default var/rejects/import-*.txt)");
      cmd.add_flag("--no-progress", opts->no_progress, "no progress bar");
      cmd.add_option("--max-future", opts->o.max_future,
                     "seconds ahead of the clock a value may be stamped; later ones are rejected and quarantined (default 3600)")
          ->check(CLI::Range(0, 366 * 86400));
      cmd.add_option("--min-time", opts->min_time,
                     "refuse values stamped before this Beijing date, each row with an error (YYYY-MM-DD)")
          ->capture_default_str();
      return [opts]() {
        auto& o = opts->o;
        const auto min_date = core::parse_date(opts->min_time);
        if (!min_date) throw core::Error("--min-time " + opts->min_time, "not a date (YYYY-MM-DD)");
        o.min_time = core::beijing_midnight(*min_date);
        auto iv = store::parse_interval(opts->interval);
        if (!iv) throw core::Error("--interval", "unknown interval '" + opts->interval + "'");
        o.interval = *iv;
        if (o.batch_size == 0) throw core::Error("--batch", "must be at least 1");
        o.progress = !opts->no_progress && ::isatty(2);
        o.rejects_file = opts->rejects.empty() ? default_rejects_file() : opts->rejects;
        const auto city = model::load_city(opts->config);
        auto db = app::open_store(opts->db, app::StoreUse::create);
        const auto s = ingest::run_import(opts->files, *db, city, o);

        std::error_code ec;
        const bool have_rejects = s.rejected > 0;
        if (!have_rejects) std::filesystem::remove(o.rejects_file, ec);
        std::cout << "import " << o.format << ": " << s.files << " file(s), " << s.rows_read
                  << " rows read, " << s.values_read << " values read\n"
                  << "  stored " << s.stored << ", duplicates " << s.duplicates << ", conflicts "
                  << s.conflicts << ", rejected " << s.rejected << "\n";
        if (s.skipped_outside_city)
          std::cout << "  skipped " << s.skipped_outside_city << " values of stations outside "
                    << city.city.name << " (use --all-stations to keep them)\n";
        if (s.skipped_types)
          std::cout << "  skipped " << s.skipped_types
                    << " rows of moving-average types (*_24h; not stored)\n";
        if (s.future)
          std::cout << "  refused " << s.future << " values stamped more than " << o.max_future
                    << " s ahead of the clock (quarantined: skyriver db quarantine)\n";
        if (s.too_old)
          std::cout << "  refused " << s.too_old << " values stamped before " << opts->min_time << " (--min-time)\n";
        if (s.sites_registered)
          std::cout << "  registered " << s.sites_registered << " site(s) not in the city\n";
        if (s.conflicts)
          std::cout << "  conflicts are kept beside the stored values (skyriver db conflicts)\n";
        if (have_rejects) {
          std::cout << "  rejected rows: " << o.rejects_file << "\n";
          for (const auto& r : s.rejects) std::cerr << r.where << ": " << r.why << "\n";
          if (s.rejected > s.rejects.size())
            std::cerr << "... " << (s.rejected - s.rejects.size()) << " more in " << o.rejects_file << "\n";
        }
        if (s.stored_nothing_strict) {
          std::cout << "  --strict: bad rows found, nothing stored\n";
          return 2;
        }
        return 0;
      };
    }};
