// The PostgreSQL store (libpq). Same contract as store.h. A `schema=NAME` query parameter in
// the URL selects that schema (created if missing) instead of `public`, so test runs and
// tenants can share one server. write() sends a batch with COPY into a temporary table and
// inserts it in one transaction.
#pragma once

#include "store/store.h"

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace skyriver::store {

class PostgresStore final : public Store {
 public:
  explicit PostgresStore(const std::string& url);
  ~PostgresStore() override;

  std::string backend() const override { return "postgresql"; }
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
  class Result;
  Result exec(const std::string& sql, const std::vector<std::string>& args = {},
              const std::vector<bool>& nulls = {});
  void migrate();

  std::string where_;  // the URL without password, for messages
  PGconn* conn_ = nullptr;
  int version_ = 0;
};

}  // namespace skyriver::store
