#include "store/sqlite/recent_segment.h"

#include "core/error.h"
#include "core/store_error.h"
#include "store/sqlite/stored_row.h"

#include <algorithm>
#include <limits>

namespace skyriver::store {

namespace {

bool key_less(const StoredRow& a, const StoredRow& b) {
  return a.series != b.series ? a.series < b.series : a.time < b.time;
}

}  // namespace

const char* const RecentSegment::kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS recent_state(
  id INTEGER PRIMARY KEY CHECK(id = 0), version INTEGER NOT NULL, active INTEGER NOT NULL,
  merged_0 INTEGER NOT NULL, merged_1 INTEGER NOT NULL);
INSERT OR IGNORE INTO recent_state VALUES(0, 0, 0, 0, 0);
CREATE TABLE IF NOT EXISTS observations_recent_0(
  series INTEGER NOT NULL, time INTEGER NOT NULL, value REAL NOT NULL, flag INTEGER NOT NULL,
  unit INTEGER NOT NULL, source INTEGER NOT NULL, line INTEGER, received_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS observations_recent_1(
  series INTEGER NOT NULL, time INTEGER NOT NULL, value REAL NOT NULL, flag INTEGER NOT NULL,
  unit INTEGER NOT NULL, source INTEGER NOT NULL, line INTEGER, received_at INTEGER NOT NULL);
CREATE VIEW IF NOT EXISTS observations_recent AS
  SELECT series, time, value, flag, unit, source, line, received_at FROM observations_recent_0
    WHERE series > (SELECT merged_0 FROM recent_state)
  UNION ALL
  SELECT series, time, value, flag, unit, source, line, received_at FROM observations_recent_1
    WHERE series > (SELECT merged_1 FROM recent_state);
CREATE VIEW IF NOT EXISTS observations_all AS
  SELECT series, time, value, flag, unit, source, line, received_at FROM observations
  UNION ALL
  SELECT series, time, value, flag, unit, source, line, received_at FROM observations_recent;
)SQL";

RecentSegment::~RecentSegment() {
  for (sqlite3_stmt* s : {probe_, newest_, append_[0], append_[1], insert_, state_, save_}) sqlite3_finalize(s);
}

sqlite3_stmt* RecentSegment::prepare(const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
    throw core::StoreError(where_, std::string("recent segment: ") + sqlite3_errmsg(db_));
  return st;
}

void RecentSegment::exec(const std::string& sql) {
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
    throw core::StoreError(where_, std::string("recent segment: ") + sqlite3_errmsg(db_));
}

void RecentSegment::step_done(sqlite3_stmt* st, const char* what) {
  const int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) throw core::StoreError(where_, std::string(what) + ": " + sqlite3_errmsg(db_));
}

void RecentSegment::begin() {
  if (!enabled_) {
    // Before version 4 (or during the migration to it) the store has no segment.
    sqlite3_stmt* s = prepare("SELECT 1 FROM sqlite_master WHERE name = 'recent_state'");
    const bool exists = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_finalize(s);
    if (!exists) return;
    probe_ = prepare("SELECT 1 FROM observations WHERE series = ?1 AND time = ?2");
    newest_ = prepare("SELECT max(time) FROM observations WHERE series = ?1");
    for (int t : {0, 1})
      append_[t] = prepare("INSERT INTO observations_recent_" + std::to_string(t) + "(" + kStoredRowCols +
                           ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8)");
    insert_ = prepare(std::string("INSERT INTO observations(") + kStoredRowCols +
                      ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8) ON CONFLICT DO NOTHING");
    state_ = prepare("SELECT version, active, merged_0, merged_1 FROM recent_state");
    save_ = prepare("UPDATE recent_state SET version = ?1, active = ?2, merged_0 = ?3, merged_1 = ?4");
    enabled_ = true;
    loaded_ = false;
  }
  if (sqlite3_step(state_) != SQLITE_ROW) {
    sqlite3_reset(state_);
    throw core::StoreError(where_, std::string("recent segment: no state: ") + sqlite3_errmsg(db_));
  }
  const std::int64_t version = sqlite3_column_int64(state_, 0);
  const int active = sqlite3_column_int(state_, 1);
  const std::int64_t m0 = sqlite3_column_int64(state_, 2), m1 = sqlite3_column_int64(state_, 3);
  sqlite3_reset(state_);
  if (loaded_ && version == version_) return;
  version_ = version, active_table_ = active, merged_[0] = m0, merged_[1] = m1;
  load();
}

void RecentSegment::load() {
  loaded_ = false;
  active_.clear(), active_rows_ = 0, frozen_.clear(), pos_ = 0;
  clustered_newest_.clear();
  active_since_ = std::time(nullptr);
  std::unordered_map<std::int64_t, Rows> frozen;
  for (int t : {active_table_, frozen_table()}) {
    sqlite3_stmt* s = prepare(std::string("SELECT ") + kStoredRowCols + " FROM observations_recent_" + std::to_string(t) +
                              " WHERE series > " + std::to_string(t == active_table_ ? 0 : merged_[t]));
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      const StoredRow r = read_row(s);
      if (t == active_table_) add(active_[r.series], r), ++active_rows_;
      else add(frozen[r.series], r);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) throw core::StoreError(where_, std::string("recent segment: ") + sqlite3_errmsg(db_));
  }
  frozen_ = by_series(std::move(frozen));
  loaded_ = true;
}

void RecentSegment::add(Rows& rows, const StoredRow& r) {
  if (rows.empty() || rows.back().time < r.time) rows.push_back(r);  // the usual case: in time order
  else rows.insert(std::lower_bound(rows.begin(), rows.end(), r, key_less), r);
}

std::vector<std::pair<std::int64_t, RecentSegment::Rows>> RecentSegment::by_series(
    std::unordered_map<std::int64_t, Rows>&& m) {
  std::vector<std::pair<std::int64_t, Rows>> v;
  v.reserve(m.size());
  for (auto& [series, rows] : m) v.emplace_back(series, std::move(rows));
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return v;
}

const StoredRow* RecentSegment::find(std::int64_t series, core::Instant time) const {
  auto in = [&](const Rows& rows) -> const StoredRow* {
    if (rows.empty() || rows.back().time < time) return nullptr;
    auto it = std::lower_bound(rows.begin(), rows.end(), time, [](const StoredRow& r, core::Instant t) { return r.time < t; });
    return it != rows.end() && it->time == time ? &*it : nullptr;
  };
  if (auto it = active_.find(series); it != active_.end())
    if (const StoredRow* r = in(it->second)) return r;
  auto it = std::lower_bound(frozen_.begin() + static_cast<std::ptrdiff_t>(pos_), frozen_.end(), series,
                             [](const auto& e, std::int64_t s) { return e.first < s; });
  return it != frozen_.end() && it->first == series ? in(it->second) : nullptr;
}

bool RecentSegment::in_clustered(const StoredRow& r) {
  // A station sends its series in time order: a row after the series' newest stored time needs
  // no look-up (the newest time is read once per series and kept as merges add to it).
  auto newest = clustered_newest_.find(r.series);
  if (newest == clustered_newest_.end()) {
    sqlite3_bind_int64(newest_, 1, r.series);
    const int rc = sqlite3_step(newest_);
    const core::Instant t = rc == SQLITE_ROW && sqlite3_column_type(newest_, 0) != SQLITE_NULL
                                ? sqlite3_column_int64(newest_, 0)
                                : std::numeric_limits<core::Instant>::min();
    sqlite3_reset(newest_);
    if (rc != SQLITE_ROW) throw core::StoreError(where_, std::string("lookup: ") + sqlite3_errmsg(db_));
    newest = clustered_newest_.emplace(r.series, t).first;
  }
  if (r.time > newest->second) return false;
  sqlite3_bind_int64(probe_, 1, r.series);
  sqlite3_bind_int64(probe_, 2, r.time);
  const int rc = sqlite3_step(probe_);
  sqlite3_reset(probe_);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) throw core::StoreError(where_, std::string("lookup: ") + sqlite3_errmsg(db_));
  return rc == SQLITE_ROW;
}

void RecentSegment::to_clustered(std::span<const StoredRow> rows) {
  for (const StoredRow& r : rows) {
    bind_row(insert_, r);
    step_done(insert_, "merge");
    if (auto it = clustered_newest_.find(r.series); it != clustered_newest_.end()) it->second = std::max(it->second, r.time);
  }
}

void RecentSegment::insert_new(std::span<const StoredRow> rows, std::vector<char>& inserted) {
  inserted.assign(rows.size(), 0);
  std::size_t appended = 0;
  sqlite3_stmt* append = append_[active_table_];
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const StoredRow& r = rows[i];
    if (find(r.series, r.time) || in_clustered(r)) continue;
    bind_row(append, r);
    step_done(append, "insert");
    if (active_rows_ == 0) active_since_ = std::time(nullptr);
    add(active_[r.series], r);
    ++active_rows_;
    inserted[i] = 1;
    ++appended;
  }
  const bool merging = pos_ < frozen_.size();
  if (merging) merge(std::max(kMinChunk, appended));
  const bool freezing = pos_ == frozen_.size() && (active_rows_ >= kFreezeRows ||
                                                   (active_rows_ && std::time(nullptr) - active_since_ >= kFreezeSeconds));
  if (freezing) freeze();
  if (appended || merging || freezing) save_state();
}

void RecentSegment::merge(std::size_t at_least) {
  for (std::size_t n = 0; pos_ < frozen_.size() && n < at_least; ++pos_) {  // whole series
    to_clustered(frozen_[pos_].second);
    n += frozen_[pos_].second.size();
    merged_[frozen_table()] = frozen_[pos_].first;
  }
  if (pos_ == frozen_.size()) {
    // All of it is in the clustered table: the frozen table empties (SQLite truncates a table
    // deleted without a WHERE at once) and becomes the next to receive appends.
    exec("DELETE FROM observations_recent_" + std::to_string(frozen_table()));
    merged_[frozen_table()] = 0;
    frozen_.clear(), pos_ = 0;
  }
}

void RecentSegment::freeze() {
  frozen_ = by_series(std::move(active_));
  active_.clear(), active_rows_ = 0, pos_ = 0;
  active_table_ = frozen_table();
  merged_[frozen_table()] = 0;
}

void RecentSegment::before_bulk() {
  if (!empty()) {
    constexpr auto all = std::numeric_limits<std::size_t>::max();
    if (pos_ < frozen_.size()) merge(all);
    freeze();
    if (!frozen_.empty()) merge(all);
  }
  // The bulk write adds to the clustered table: every writer's newest times are read again.
  clustered_newest_.clear();
  save_state();
}

void RecentSegment::save_state() {
  sqlite3_bind_int64(save_, 1, ++version_);
  sqlite3_bind_int(save_, 2, active_table_);
  sqlite3_bind_int64(save_, 3, merged_[0]);
  sqlite3_bind_int64(save_, 4, merged_[1]);
  step_done(save_, "recent segment state");
}

}  // namespace skyriver::store
