// The SQLite store: one file in WAL mode with synchronous=FULL (a returned commit survives a
// killed process and a power cut). See store.h for the contract.
#pragma once

#include "store/store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace skyriver::store {

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const std::string& path);
  ~SqliteStore() override;

  std::string backend() const override { return "sqlite"; }
  int schema_version() const override { return version_; }
  WriteResult write(std::span<const Observation> batch) override;
  WriteResult write(std::span<const Observation> batch, ImportRecord& log) override;
  void scan(const Query& q, const std::function<void(const Observation&)>& each) override;
  std::size_t count(const Query& q) override;
  std::vector<Conflict> conflicts(const Query& q) override;
  std::int64_t add_mark(const AuditMark& m) override;
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
  class Stmt;
  void exec(const std::string& sql);
  void migrate();
  [[noreturn]] void fail(const std::string& what) const;

  std::string path_;
  sqlite3* db_ = nullptr;
  int version_ = 0;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* existing_ = nullptr;
  sqlite3_stmt* conflict_ = nullptr;
};

}  // namespace skyriver::store
