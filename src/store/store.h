// The store: where every observation the bureau holds lands, durable and traceable.
//
// One interface, two implementations with the same behaviour: SQLite (the default, one file in
// WAL mode) and PostgreSQL (libpq). Store::open(url) picks one from the URL and creates or
// migrates the schema on first use (a schema_version table records the version).
//
// Contract:
// - Observations are append-only. The key is (site, parameter, time, interval, source_kind).
//   Writing an observation whose key exists with the same value and flag is a duplicate and
//   adds nothing (so re-importing a file is a no-op); a different value or flag is kept as a
//   conflict (listed by conflicts()), never overwritten. Raw values are never changed or deleted.
// - write() runs one transaction: after a crash the store holds the whole batch or none of it.
// - Audit marks (invalid, dust, ...) sit beside observations; they never alter them.
// - Missing values are not observations: callers do not write NaN (write() rejects it).
// - Times are core::Instant (UTC seconds); an hourly value is keyed by its hour's start.
// - Records (append/records) are the platform's own append-only journal of documents: forecast
//   runs, warnings and each step of their life, alarms, tasks, plan entries, quarantined
//   values. A change to a thing is a new record with the same (kind, key), so its history with
//   who and when is never lost; its current state is the latest record of the key.
// - Durability: a write or append that returned has been committed and synced to disk (SQLite
//   synchronous=FULL; PostgreSQL's own commit), so an acknowledgement may follow it.
// - Every method throws core::Error(where, why) on failure (where = the store URL or table).
// - A Store object is used by one thread at a time (open one per thread if needed).
#pragma once

#include "core/time.h"
#include "model/parameter.h"
#include "model/site.h"

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace skyriver::store {

enum class Interval { rtd, min, hour, day };
std::string_view to_string(Interval i);                   // "rtd" "min" "hour" "day"
std::optional<Interval> parse_interval(std::string_view s);

struct Observation {
  std::string site;       // Site::id
  std::string parameter;  // platform code (pm25, aqi_published, codmn, so2_zs, ...)
  core::Instant time = 0;  // for hour/day/min: the start of the period
  Interval interval = Interval::hour;
  double value = 0;       // in `unit`, normally the parameter's stored unit
  std::string unit;       // normalised unit (model::normalize_unit), "" = dimensionless
  char flag = 'N';        // HJ 212 Table 8: N F M S D C T B
  std::string source_kind;  // cnemc | uci | long | hj212 | manual ...
  std::string source;       // "china_sites_20190101.csv.gz:17" or a packet QN / id
  core::Instant received_at = 0;
};

struct WriteResult {
  std::size_t inserted = 0, duplicates = 0, conflicts = 0;
  // One letter per input row, in input order: 'i' inserted, 'd' duplicate (same value and flag
  // already stored, or the same conflicting value recorded before), 'c' a new conflict.
  // Only 'i' rows are part of the record: pass on nothing else as data.
  std::string outcome;
  WriteResult& operator+=(const WriteResult& o) {
    inserted += o.inserted, duplicates += o.duplicates, conflicts += o.conflicts;
    outcome += o.outcome;
    return *this;
  }
};

// What to read. Empty lists mean "all". Time range is [from, to).
struct Query {
  std::vector<std::string> sites, parameters, source_kinds;
  std::optional<Interval> interval;
  core::Instant from = std::numeric_limits<core::Instant>::min();
  core::Instant to = std::numeric_limits<core::Instant>::max();
  // Only observations received at or after this instant (incremental reads).
  core::Instant received_from = std::numeric_limits<core::Instant>::min();
};

// A value that arrived for an existing key with a different value or flag.
struct Conflict {
  Observation incoming;   // the new value as it arrived (with its source)
  double existing_value = 0;
  char existing_flag = 'N';
  std::string existing_source;
};

// An auditor's decision beside one observation key (all source kinds of that key).
struct AuditMark {
  std::int64_t id = 0;      // assigned by the store
  std::string site, parameter;
  core::Instant time = 0;
  Interval interval = Interval::hour;
  std::string mark;         // invalid | dust | valid (a later "valid" lifts an earlier mark)
  std::string reason, who;
  core::Instant at = 0;     // when the decision was made
};

// One import run (file importer or other batch source).
struct ImportRecord {
  std::int64_t id = 0;
  std::string source_kind;  // cnemc | uci | long | ...
  std::string file;
  core::Instant started = 0, finished = 0;  // finished = 0 while running / if interrupted
  std::string status;       // running | done | failed | rejected (strict mode, nothing stored)
  std::size_t rows_read = 0, stored = 0, duplicates = 0, conflicts = 0, rejected = 0;
  std::string note;
};

struct ParameterCount {
  std::string parameter;
  Interval interval = Interval::hour;
  std::size_t count = 0, sites = 0;
  core::Instant first = 0, last = 0;
};

struct Stats {
  std::size_t sites = 0, areas = 0, parameters = 0;
  std::size_t observations = 0, conflicts = 0, marks = 0, imports = 0;
  std::optional<core::Instant> first, last;
  std::vector<ParameterCount> by_parameter;
};

// One entry of the records journal (see the contract above).
struct Record {
  std::int64_t id = 0;    // assigned by append(); increases with every append
  std::string kind;       // "forecast", "warning", "alarm", "task", "plan_entry", "quarantine", ...
  std::string key;        // the thing's id within its kind ("" allowed)
  core::Instant at = 0;   // when it happened; 0 on append means now
  std::string who;        // the person, or "system"
  std::string body;       // JSON text (the store does not parse it)
};

// Which records to read. `kind` is required.
struct RecordQuery {
  std::string kind;
  std::optional<std::string> key;  // exactly this key
  std::string key_prefix;          // keys starting with this ("" = any)
  std::int64_t after_id = 0;       // only ids > after_id (follow the journal)
  core::Instant from = std::numeric_limits<core::Instant>::min();  // at in [from, to)
  core::Instant to = std::numeric_limits<core::Instant>::max();
  bool latest_per_key = false;     // only the newest record of each key (after the other filters)
  bool newest_first = false;       // order by id descending (default ascending)
  std::size_t limit = 0;           // 0 = no limit
};

class Store {
 public:
  // url: "" → "var/skyriver.db" (folder created); "postgresql://..." or "postgres://..." →
  // PostgreSQL (an extra query parameter `schema=NAME` selects / creates a schema, used by
  // tests); "sqlite:PATH", "sqlite::memory:" or a plain path → SQLite.
  static std::unique_ptr<Store> open(const std::string& url);
  static std::string default_url() { return "var/skyriver.db"; }
  virtual ~Store() = default;

  virtual std::string backend() const = 0;     // "sqlite" | "postgresql"
  virtual int schema_version() const = 0;

  // Observations. write(): one transaction for the whole span.
  virtual WriteResult write(std::span<const Observation> batch) = 0;
  // The same, and in the same transaction adds the result to `log`'s counts (stored,
  // duplicates, conflicts) and saves `log` as update_import() does: after a crash the import
  // log agrees exactly with what was committed.
  virtual WriteResult write(std::span<const Observation> batch, ImportRecord& log) = 0;
  // Calls `each` for every matching observation, ordered by site, parameter, time, interval,
  // source_kind; streams (does not load the result into memory).
  virtual void scan(const Query& q, const std::function<void(const Observation&)>& each) = 0;
  virtual std::size_t count(const Query& q) = 0;
  virtual std::vector<Conflict> conflicts(const Query& q) = 0;

  // Audit marks.
  virtual std::int64_t add_mark(const AuditMark& m) = 0;
  // Every mark of the batch in one transaction (sets each id): all are stored or none.
  virtual void add_marks(std::span<AuditMark> batch) = 0;
  virtual std::vector<AuditMark> marks(const Query& q) = 0;  // ordered by site, parameter, time, id

  // Reference data: upsert by id / code, list ordered by id / code.
  virtual void put_areas(std::span<const model::Area> areas) = 0;
  virtual std::vector<model::Area> areas() = 0;
  virtual void put_sites(std::span<const model::Site> sites) = 0;
  virtual std::vector<model::Site> sites() = 0;
  virtual void put_parameters(std::span<const model::Parameter> params) = 0;
  virtual std::vector<model::Parameter> parameters() = 0;  // without conversions / ranges

  // Import log.
  virtual std::int64_t begin_import(const std::string& source_kind, const std::string& file) = 0;
  virtual void update_import(const ImportRecord& r) = 0;  // by r.id: counts, status, finished
  virtual std::vector<ImportRecord> imports() = 0;        // ordered by id

  virtual Stats stats() = 0;

  // Records journal: append() is one transaction (the batch form sets each record's id and,
  // where 0, its `at`); records() in id order (or newest first).
  virtual std::int64_t append(const Record& r) = 0;
  virtual void append(std::span<Record> batch) = 0;
  virtual std::vector<Record> records(const RecordQuery& q) = 0;
};

}  // namespace skyriver::store
