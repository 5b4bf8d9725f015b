// The store's dictionaries, cached in memory (schema version 3): the series table (site ×
// parameter × interval × source kind → a small integer id) and the texts table (units and
// the text part of sources → ids). Observations are keyed by (series id, time); the text keys
// stay in the API (store.h) and the files.
//
// Sources: "china_sites_20190101.csv.gz:17" or "hj212-...raw.zst:4711" are stored as the id of
// their text prefix ("china_sites_20190101.csv.gz:") and the number 17; a source that does not
// end in a canonical number (no leading zero, at most 18 digits) is stored whole. The split is
// exact: join(split(s)) == s.
//
// Rows of both tables are never changed or removed, so a cached entry never goes stale; rows
// written by another process are found by reading those after the highest id known (and, for
// a few minutes, the ids skipped below it: PostgreSQL may commit a lower id later).
// REQUIRES: one thread at a time (it belongs to one SqlStore).
#pragma once

#include "store/backend.h"
#include "store/store.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace skyriver::store {

struct SeriesKey {
  std::string site, parameter;
  Interval interval = Interval::hour;
  std::string source_kind;
};

// The text part and the number of a source (number -1: the whole text is the part).
struct SourceParts {
  std::string_view text;
  std::int64_t number = -1;
};
SourceParts split_source(std::string_view source);
std::string join_source(std::string_view text, std::int64_t number);

struct SeriesView {
  std::string_view site, parameter;
  Interval interval;
  std::string_view source_kind;
};

class Catalog {
 public:
  explicit Catalog(Backend& db) : db_(db) {}

  // Reads the rows added since the last call (all of them the first time).
  void refresh();

  // Fills every field of rows[i] from batch[i]. With `create`, what is missing is inserted in
  // the current transaction (the caller begins and commits it: ids of a rolled-back
  // transaction must be forgotten with forget_uncommitted()); without, returns false when
  // something is missing.
  bool resolve(std::span<const Observation> batch, std::span<StoredRow> rows, bool create);
  void forget_uncommitted();  // drops what resolve() created since the last commit_created()
  void commit_created();

  const SeriesKey& series(std::int64_t id);  // throws for an id the store does not have
  const std::string& text(std::int64_t id);

  // The series a query selects (its site, parameter, interval and source kind filters), in
  // the order scans return them: site, parameter, interval, source kind.
  std::vector<std::int64_t> match(const Query& q) const;
  bool selects_all(const Query& q) const;  // no series filter at all

  // Restores the observation that `r` stores.
  Observation observation(const StoredRow& r);

 private:
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(const SeriesKey& k) const { return hash(k.site, k.parameter, k.interval, k.source_kind); }
    std::size_t operator()(const SeriesView& k) const { return hash(k.site, k.parameter, k.interval, k.source_kind); }
    static std::size_t hash(std::string_view s, std::string_view p, Interval i, std::string_view k);
  };
  struct KeyEq {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      return a.interval == b.interval && a.site == b.site && a.parameter == b.parameter &&
             a.source_kind == b.source_kind;
    }
  };
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::int64_t series_id(const Observation& o, bool create);  // 0: missing
  std::int64_t text_id(std::string_view t, bool create);
  // At the first key of a resolve() that is not known here: reads what other writers (another
  // connection of this process, another process) added since, all in one query, so that a
  // writer that meets thousands of them does not look each up alone. True if it read now.
  bool refresh_once();
  void add_series(std::int64_t id, SeriesKey k);
  void add_text(std::int64_t id, std::string t);
  void read_series(const std::string& where, std::span<const Param> args);
  void read_texts(const std::string& where, std::span<const Param> args);

  Backend& db_;
  std::unordered_map<SeriesKey, std::int64_t, KeyHash, KeyEq> series_ids_;
  std::unordered_map<std::string, std::int64_t, TextHash, std::equal_to<>> text_ids_;
  std::unordered_map<std::int64_t, const SeriesKey*> series_;  // by id (into series_ids_)
  std::unordered_map<std::int64_t, const std::string*> texts_;  // by id (into text_ids_)
  std::int64_t max_series_ = 0, max_text_ = 0;
  // Ids below the highest known that were not seen yet, with when that was noticed.
  std::unordered_map<std::int64_t, core::Instant> series_gaps_, text_gaps_;
  std::vector<std::int64_t> created_series_, created_texts_;  // since commit_created()
  bool refreshed_ = false;  // refresh_once() ran in this resolve()
  // The last unit and source text looked up (consecutive rows usually share them).
  std::string last_unit_, last_source_;
  std::int64_t last_unit_id_ = 0, last_source_id_ = 0;
};

}  // namespace skyriver::store
