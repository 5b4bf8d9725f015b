// File import: reads files of one format, checks every row, writes good values to the store in
// batches (one transaction each) and reports bad rows as "file:line: reason".
//
// Contract:
// - Streaming: memory does not grow with the file (a line at a time, a batch at a time).
// - Missing values (empty cells, "NA") are not errors and not observations.
// - Default mode: good rows are stored, every rejected row is listed in the rejects file.
//   Strict mode: the files are checked first; if any row is bad nothing is stored.
// - Re-importing a file adds nothing (the store's duplicate rule); a changed value becomes a
//   visible conflict (Store::conflicts).
// - Each file gets an import-log record, updated after every committed batch, so an interrupted
//   import shows as "running" with the counts of its committed batches; a file that cannot be
//   read to its end (e.g. a cut-short .gz) ends "failed" with the reason, its last batch unstored.
// - A value stamped more than max_future ahead of the clock is a rejected row, and the value is
//   quarantined in the records journal (kind "quarantine") with the reason, never stored.
// - received_at of a file's values is the time its import record starts (at most a second
//   before ImportRecord::started): a reader following the store by received_at finds them.
#pragma once

#include "ingest/import/line_reader.h"

#include "model/city.h"
#include "store/store.h"

#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace skyriver::ingest {

struct ImportOptions {
  std::string format;            // cnemc | cnemc-water | uci | long
  bool strict = false;
  bool all_stations = false;     // cnemc: register stations outside the city (needs station list)
  std::string station_list;      // cnemc: the national station list CSV (NewSiteList format)
  store::Interval interval = store::Interval::hour;  // long: the interval of its rows
  std::size_t batch_size = 400000;  // observations per transaction (see docs/performance.md)
  bool progress = false;          // draw a progress bar on stderr
  std::string rejects_file;       // where rejected rows are listed ("" = none)
  // Values stamped more than this many seconds ahead of the clock are refused and quarantined
  // (the store's records journal, kind "quarantine"): a clock or file error must not store
  // data "from the future" nor move the platform's "now".
  core::Instant max_future = core::kHour;
  // Values stamped before this are refused, each row with an error (issue 27: 1970 and 1969
  // were stored, and on PostgreSQL made a partition per month since). 2000-01-01 Beijing.
  core::Instant min_time = core::beijing_midnight({2000, 1, 1});
  std::function<core::Instant()> now;  // the clock (default: the system clock); tests set it
};

struct Reject {
  std::string where;  // file:line
  std::string why;
};

struct ImportSummary {
  std::size_t files = 0, rows_read = 0, values_read = 0;
  std::size_t stored = 0, duplicates = 0, conflicts = 0, rejected = 0;
  std::size_t skipped_outside_city = 0;  // values of stations not in the city (cnemc)
  std::size_t skipped_types = 0;         // rows of types not stored (cnemc *_24h)
  std::size_t sites_registered = 0;
  std::size_t future = 0;                // values refused as stamped beyond clock + max_future
  std::size_t too_old = 0;               // values refused as stamped before min_time
  std::vector<Reject> rejects;           // the first few, for the terminal
  bool stored_nothing_strict = false;    // strict mode found bad rows
};

// What a format reader sends back while reading one file.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void row() = 0;                            // one data row read
  virtual void value(store::Observation&& o) = 0;   // one good value
  virtual void reject(std::string where, std::string why) = 0;
  virtual void skipped_outside_city(std::size_t n) = 0;
  virtual void skipped_type() = 0;
  // A site not in the configuration that the format may register (uci, cnemc --all-stations).
  virtual void register_site(const model::Site& s, const model::Area& area) = 0;
  // Bytes read of the file so far and its size (for the progress bar); call now and then.
  virtual void progress(std::uint64_t pos, std::uint64_t size) {}
};

// Context a format reader needs.
struct ReadContext {
  const model::CityConfig& city;
  const ImportOptions& options;
  core::Instant received_at;
  // Looks a site up in the city, then among sites registered during this run.
  std::function<const model::Site*(const std::string&)> site;
};

using FormatReader = void (*)(const std::string& file, const ReadContext& ctx, Sink& sink);
FormatReader format_reader(const std::string& format);  // nullptr if unknown

// The row loop every CSV format shares: reads the data lines after the header, skips blank
// ones, counts each row, reports progress, and calls `each(where, fields)` with where =
// "file:line"; a row with fewer than `min_fields` fields is rejected as truncated instead.
void each_csv_row(LineReader& in, const std::string& file_name, std::size_t min_fields, Sink& sink,
                  const std::function<void(const std::string& where,
                                           const std::vector<std::string_view>& fields)>& each);

// Checks a value against its parameter's physical range; returns the reason or "".
std::string check_value(const model::Parameter& p, double v);

// Shared by every importer: each of `files` is a readable file (core::Error naming the first
// that is not; none at all is an error too), and the rejects file of `options` opened for
// writing, its folder created (nullptr when none is asked).
void check_input_files(const std::vector<std::string>& files);
std::unique_ptr<std::ofstream> open_rejects_file(const ImportOptions& options);

// Imports `files` into `db`. Throws core::Error for problems that stop the whole import
// (unreadable file, unknown format, store failure); bad rows are reported, not thrown.
ImportSummary run_import(const std::vector<std::string>& files, store::Store& db,
                         const model::CityConfig& city, const ImportOptions& options);

}  // namespace skyriver::ingest
