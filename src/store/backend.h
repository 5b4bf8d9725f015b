// What differs between the SQL engines the store runs on, in one place (DESIGN.md: "a backend
// difference lives in one place"): the Dialect table holds the SQL text that differs, and a
// Backend is one connection that runs statements and loads batches of rows the fastest way
// its engine allows. Every rule of the store (keys, duplicates, conflicts, series, migrations)
// is written once, in SqlStore (sql_store.h), over this interface.
//
// Contract:
// - Statements are written with the dialect's placeholders (Dialect::param). run() prepares a
//   statement once per connection and reuses it (the SQL text is the cache key).
// - Errors throw core::Error(where(), why).
// - A Backend is used by one thread at a time.
#pragma once

#include "core/time.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace skyriver::store {

struct Dialect {
  std::string_view name;         // "sqlite" | "postgresql"
  std::string_view bigint;       // a 64-bit integer column type
  std::string_view real;         // a 64-bit float column type
  std::string_view smallint;     // a small integer column type
  std::string_view serial_id;    // an auto-assigned integer primary key column
  std::string_view clustered;    // after ")" of a table that should be stored in key order
  std::string_view partitioned;  // after ")" of the observations table ("" = one table)
  std::string_view received_index;  // the index that serves Query::received_from
  std::string_view begin_write;  // starts a transaction that will write
  std::string (*param)(int n);   // the n-th (1-based) statement parameter
  std::string_view recent_segment;  // the schema of writes not yet in observations ("" = none)
  std::string_view recent_observations;  // the rows not yet in observations ("" = none)
};

// A statement parameter: NULL, an integer, a double or text.
using Param = std::variant<std::monostate, std::int64_t, double, std::string_view>;

// One result row, valid only inside the callback that receives it.
class Row {
 public:
  virtual ~Row() = default;
  virtual bool null(int col) const = 0;
  virtual std::int64_t i64(int col) const = 0;
  virtual double real(int col) const = 0;
  virtual std::string_view text(int col) const = 0;
};
using RowFn = std::function<void(const Row&)>;

// An observation as the store keeps it (schema version 3): integer keys into the series and
// text dictionaries, the source as a dictionary prefix and a number.
struct StoredRow {
  std::int64_t series = 0;
  core::Instant time = 0;
  double value = 0;
  char flag = 'N';
  std::int64_t unit = 0;     // texts.id
  std::int64_t source = 0;   // texts.id of the source's text (or of its prefix)
  std::int64_t line = -1;    // the number that followed the prefix; -1 = none
  core::Instant received_at = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual const Dialect& dialect() const = 0;
  virtual const std::string& where() const = 0;  // the store's URL without password

  // Statements without parameters and results (may hold several, separated by ';').
  virtual void exec(const std::string& sql) = 0;
  // One statement; `each` sees every result row. Returns the rows a write affected.
  virtual std::size_t run(const std::string& sql, std::span<const Param> args = {}, const RowFn& each = {}) = 0;
  // The same, for results too large to hold: rows are streamed (PostgreSQL single-row mode).
  virtual void stream(const std::string& sql, std::span<const Param> args, const RowFn& each) = 0;

  virtual void begin_write() = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;
  // Inside begin_write(): serialise schema changes between processes.
  virtual void lock_schema() = 0;

  // Before `rows` are written (PostgreSQL: the month partitions of their times exist; only
  // months that hold a row: a value of 1970 among 2026 ones must not create every month in
  // between, issue 27). Outside a transaction.
  virtual void prepare_times(std::span<const StoredRow> rows) = 0;
  // Inserts `rows` (sorted by series, time; keys unique) into `table`, keeping existing keys:
  // inserted[i] = 1 where rows[i] was new. Inside a write transaction.
  virtual void insert_new(const std::string& table, std::span<const StoredRow> rows, std::vector<char>& inserted) = 0;
  // Inside a write transaction: tells listeners (store/changes.h) that observations received at or
  // after `received_from` were written; delivered at commit, dropped on rollback. Default: none.
  virtual void announce(core::Instant received_from) { (void)received_from; }
  // For each key (series, time) of `keys`, the stored row if any: found[i] = 1 and out[i] set.
  virtual void fetch(std::span<const StoredRow> keys, std::vector<StoredRow>& out, std::vector<char>& found) = 0;
};

// A connection for a store URL as Store::open takes it (store.cpp).
std::unique_ptr<Backend> open_backend(const std::string& url);
// The connections (sqlite/sqlite_backend.cpp, postgres/postgres_backend.cpp).
std::unique_ptr<Backend> open_sqlite(const std::string& path);
std::unique_ptr<Backend> open_postgres(const std::string& url);
class ChangeListener;
std::unique_ptr<ChangeListener> listen_postgres(const std::string& url, bool own_process);

}  // namespace skyriver::store
