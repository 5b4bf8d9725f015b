// The store (store.h) over any SQL backend: every rule is written here once, and what differs
// between SQLite and PostgreSQL lives in their Backend and Dialect (backend.h).
//
// Writes: a batch's series and texts are resolved first (new ones committed on their own, so
// the ids stay valid whatever happens to the batch); then one transaction inserts the first
// occurrence of each key in (series, time) order with the backend's bulk path, reads back the
// stored rows of the keys that existed, classifies every input row as row-by-row insertion
// would ('i', 'd', 'c'), records the conflicts and, for imports, the import log.
// Scans: the series a query selects, in the order scans return (site, parameter, interval,
// source kind), each read by its key range (time); series of the same site and parameter are
// merged by time; rows not yet in the observations table (SQLite's recent segment,
// sqlite/recent_segment.h) are read once per scan and merged in. A query with received_from reads through the received_at index instead and
// sorts what it found (incremental reads are small).
// REQUIRES: one thread at a time (store.h).
#pragma once

#include "store/backend.h"
#include "store/catalog.h"
#include "store/store.h"

#include <memory>

namespace skyriver::store {

class SqlStore final : public Store {
 public:
  explicit SqlStore(std::unique_ptr<Backend> db);

  std::string backend() const override { return std::string(db_->dialect().name); }
  int schema_version() const override { return version_; }
  WriteResult write(std::span<const Observation> batch) override;
  WriteResult write(std::span<const Observation> batch, ImportRecord& log) override;
  void scan(const Query& q, const std::function<void(const Observation&)>& each) override;
  std::size_t count(const Query& q) override;
  std::vector<Conflict> conflicts(const Query& q) override;
  std::int64_t add_mark(const AuditMark& m) override;
  void add_marks(std::span<AuditMark> batch) override;
  std::vector<AuditMark> marks(const Query& q) override;
  void put_areas(std::span<const model::Area> areas) override;
  std::vector<model::Area> areas() override;
  void put_sites(std::span<const model::Site> sites) override;
  std::vector<model::Site> sites() override;
  void put_parameters(std::span<const model::Parameter> params) override;
  std::vector<model::Parameter> parameters() override;
  std::int64_t begin_import(const std::string& source_kind, const std::string& file) override;
  void update_import(const ImportRecord& r) override;
  std::vector<ImportRecord> imports() override;
  Stats stats() override;
  std::int64_t append(const Record& r) override;
  void append(std::span<Record> batch) override;
  std::vector<Record> records(const RecordQuery& q) override;

 private:
  WriteResult write_batch(std::span<const Observation> batch, ImportRecord* log);
  // Runs `body` in a write transaction (rolled back if it throws).
  template <class F>
  void in_transaction(F&& body);
  // " AND ..." conditions on time and received_at for a query (columns prefixed by `t`).
  std::string range_conditions(const Query& q, const std::string& t, std::vector<Param>& args) const;
  // Where observations are: the table, and the rows not yet in it (SQLite's recent segment).
  std::vector<std::string> observation_tables() const;
  void read_rows(const std::string& sql, std::span<const Param> args, std::vector<StoredRow>& out, int first_col = 0);

  std::unique_ptr<Backend> db_;
  Catalog catalog_;
  int version_ = 0;
};

}  // namespace skyriver::store
