// The SQLite store's recent segment (schema version 4): small writes (HJ 212 ingest) are
// appended in arrival order to an unindexed table, and moved into the clustered observations
// table later, many rows per series at a time.
//
// Why: observations are clustered on (series, time), so a store in operation has one last
// leaf page per series. A commit of 3 500 rows from 2 000 stations (12 000 series) dirtied a
// page per row, wrote it to the WAL and copied it back: 16-19 us a row, and p99 acknowledgement
// latency of 1.2-2.3 s at 10 000 frames/s (docs/performance.md, "A store with history"). An
// append touches a few pages per commit; the merge writes each series' last page once for all
// the rows it gained meanwhile.
//
// How:
// - Two tables, observations_recent_0 and _1, and one row of state (recent_state): which table
//   is active (receives appends), and for the other (frozen) one the series up to which its rows
//   have been merged (merged_0/merged_1; the view observations_recent hides those rows, so a
//   reader sees each row once, in a table or in the segment, at every commit).
// - When the active table holds kFreezeRows rows, or its first row is kFreezeSeconds old, and
//   the frozen one is empty, they swap. Each later small write also merges a chunk of the frozen
//   table (whole series, in key order, at least as many rows as it appended and kMinChunk) in
//   the same transaction: no second fsync, and the merge never holds the write lock for long.
//   Twice the rows appended made the commits under load twice as long, so the batches grew,
//   and p99 doubled (docs/performance.md); if the merge falls behind, the active table just
//   grows past kFreezeRows until the frozen one is done.
// - The writer keeps the segment's rows in memory, per series in time order (a station sends in
//   time order, so a row is appended and a swap only sorts the series ids), to find duplicates
//   and conflicts without an index; a key not there is probed in the clustered table, only if
//   it is not later than the newest time stored there for its series (which the writer keeps).
//   recent_state.version changes with every write to the segment or the clustered table; a
//   writer that finds another version at the start of its transaction (another process wrote)
//   reads the segment again.
// - A bulk write (an import's batches) first moves the whole segment into the clustered table,
//   and changes the version too.
// - Nothing is lost by a kill -9: the segment's rows are committed with their batch, and the
//   next writer reads them back and goes on merging.
//
// Contract: used by one connection's thread; begin() first in every write transaction,
// forget() after a rollback. A store made before version 4 has no segment (enabled() false).
#pragma once

#include "store/backend.h"

#include <sqlite3.h>

#include <ctime>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace skyriver::store {

class RecentSegment {
 public:
  // The schema's part (created by the migration to version 4).
  static const char* const kSchema;
  static constexpr std::size_t kFreezeRows = 200000;
  static constexpr std::time_t kFreezeSeconds = 60;
  static constexpr std::size_t kMinChunk = 1024;

  RecentSegment(sqlite3* db, const std::string& where) : db_(db), where_(where) {}
  ~RecentSegment();
  RecentSegment(const RecentSegment&) = delete;
  RecentSegment& operator=(const RecentSegment&) = delete;

  // Inside a write transaction, first: brings the memory up to what the file holds.
  void begin();
  // After a rollback: the memory may hold what was rolled back.
  void forget() { loaded_ = false; }  // load() clears clustered_newest_ too
  bool enabled() const { return enabled_ && loaded_; }
  bool empty() const { return active_rows_ == 0 && pos_ == frozen_.size(); }

  // As Backend::insert_new into observations: new keys are appended; then the merge goes on.
  void insert_new(std::span<const StoredRow> rows, std::vector<char>& inserted);
  // Before a bulk write into the clustered table: moves every row of the segment there, and
  // tells the other writers (by the version) that the clustered table changed.
  void before_bulk();
  // The segment's row of a key, or null.
  const StoredRow* find(std::int64_t series, core::Instant time) const;

 private:
  using Rows = std::vector<StoredRow>;  // one series' rows, by time

  static void add(Rows& rows, const StoredRow& r);
  static std::vector<std::pair<std::int64_t, Rows>> by_series(std::unordered_map<std::int64_t, Rows>&& m);
  sqlite3_stmt* prepare(const std::string& sql);
  void exec(const std::string& sql);
  void step_done(sqlite3_stmt* st, const char* what);
  bool in_clustered(const StoredRow& r);
  void to_clustered(std::span<const StoredRow> rows);
  void load();
  void merge(std::size_t at_least);
  void freeze();
  void save_state();
  int frozen_table() const { return 1 - active_table_; }

  sqlite3* db_;
  std::string where_;
  bool enabled_ = false, loaded_ = false;
  sqlite3_stmt *probe_ = nullptr, *newest_ = nullptr, *append_[2] = {nullptr, nullptr}, *insert_ = nullptr, *state_ = nullptr,
               *save_ = nullptr;
  std::int64_t version_ = 0;
  int active_table_ = 0;
  std::int64_t merged_[2] = {0, 0};
  std::unordered_map<std::int64_t, Rows> active_;  // by series
  std::size_t active_rows_ = 0;
  std::time_t active_since_ = 0;
  std::vector<std::pair<std::int64_t, Rows>> frozen_;  // by series; [0, pos_) are merged already
  // Per series, the newest time in the clustered table (read on first need; a later time
  // cannot be there). Valid while the version is ours: every write to the clustered table
  // (a merge, a bulk write) changes the version.
  std::unordered_map<std::int64_t, core::Instant> clustered_newest_;
  std::size_t pos_ = 0;
};

}  // namespace skyriver::store
