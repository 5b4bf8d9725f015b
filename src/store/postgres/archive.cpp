// Detaching and attaching month partitions (store/archive.h), over the PostgreSQL backend.
#include "store/archive.h"

#include "core/error.h"
#include "core/secret.h"
#include "store/backend.h"
#include "store/postgres/months.h"
#include "store/store.h"

#include <chrono>
#include <cstdio>

namespace skyriver::store {

namespace {

std::string month_text(int ym) {
  char b[16];
  std::snprintf(b, sizeof b, "%04d-%02d", ym / 100, ym % 100);
  return b;
}

// A connection to a store that exists at its current schema version.
std::unique_ptr<Backend> postgres_store(const std::string& url) {
  if (Store::open(url)->backend() != "postgresql")
    throw core::Error(core::redact_url(url), "only a PostgreSQL store is partitioned by month (a SQLite store is "
                                             "one file: copy it to archive it)");
  return open_postgres(url);
}

// Whether `table` is a table of the store's schema, and whether it is a partition of observations.
bool exists(Backend& db, const std::string& table) {
  bool found = false;
  const Param p[] = {std::string_view(table)};
  db.run("SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = $1 AND "
         "n.nspname = current_schema()",
         p, [&](const Row&) { found = true; });
  return found;
}

bool archived(Backend& db, int ym) {
  bool found = false;
  const Param p[] = {std::int64_t(ym)};
  db.run("SELECT 1 FROM archived_months WHERE month = $1", p, [&](const Row&) { found = true; });
  return found;
}

std::size_t count(Backend& db, const std::string& table) {
  std::size_t n = 0;
  db.run("SELECT count(*) FROM " + table, {}, [&](const Row& r) { n = static_cast<std::size_t>(r.i64(0)); });
  return n;
}

template <class F>
std::size_t locked(Backend& db, F&& body) {
  db.begin_write();
  try {
    db.exec("SELECT pg_advisory_xact_lock(" + std::to_string(pg::kPartitionLock) + ")");
    const std::size_t n = body();
    db.commit();
    return n;
  } catch (...) {
    db.rollback();
    throw;
  }
}

}  // namespace

int parse_month(const std::string& text, const std::string& where) {
  int y = 0, m = 0;
  char tail = 0;
  if (text.size() != 7 || std::sscanf(text.c_str(), "%4d-%2d%c", &y, &m, &tail) != 2 || m < 1 || m > 12 || y < 1900)
    throw core::Error(where, "'" + text + "' is not a month (YYYY-MM, e.g. 2019-01)");
  return y * 100 + m;
}

std::size_t detach_month(const std::string& url, int ym, const std::string& tablespace) {
  auto db = postgres_store(url);
  const std::string where = "month " + month_text(ym);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  if (ym >= pg::month_of(now))
    throw core::Error(where, "only a past month can be archived (writes go to the current month and the ones ahead)");
  return locked(*db, [&] {
    if (archived(*db, ym)) throw core::Error(where, "already archived, as table " + pg::archived_name(ym));
    const std::string part = pg::partition_name(ym), arch = pg::archived_name(ym);
    if (!exists(*db, part)) throw core::Error(where, "the store holds no values of this month (no partition " + part + ")");
    if (exists(*db, arch)) throw core::Error(where, "a table " + arch + " already exists: rename or drop it first");
    const std::size_t n = count(*db, part);
    db->exec("ALTER TABLE observations DETACH PARTITION " + part + "; ALTER TABLE " + part + " RENAME TO " + arch);
    if (!tablespace.empty()) db->exec("ALTER TABLE " + arch + " SET TABLESPACE \"" + tablespace + "\"");
    const Param p[] = {std::int64_t(ym), std::string_view(arch), std::int64_t(now)};
    db->run("INSERT INTO archived_months(month, name, at) VALUES($1, $2, $3)", p);
    return n;
  });
}

std::size_t attach_month(const std::string& url, int ym) {
  auto db = postgres_store(url);
  const std::string where = "month " + month_text(ym);
  return locked(*db, [&] {
    if (!archived(*db, ym)) throw core::Error(where, "not archived");
    const std::string part = pg::partition_name(ym), arch = pg::archived_name(ym);
    if (!exists(*db, arch))
      throw core::Error(where, "its table " + arch + " is not in the database: restore it first (pg_restore or psql)");
    const std::size_t n = count(*db, arch);
    db->exec("ALTER TABLE " + arch + " RENAME TO " + part + "; ALTER TABLE observations ATTACH PARTITION " + part +
             " FOR VALUES FROM (" + std::to_string(pg::month_start(ym)) + ") TO (" +
             std::to_string(pg::month_start(pg::next_month(ym))) + ")");
    const Param p[] = {std::int64_t(ym)};
    db->run("DELETE FROM archived_months WHERE month = $1", p);
    return n;
  });
}

std::vector<ArchivedMonth> archived_months(const std::string& url) {
  auto db = postgres_store(url);
  std::vector<ArchivedMonth> out;
  db->run("SELECT month, name, at FROM archived_months ORDER BY month", {}, [&](const Row& r) {
    out.push_back({static_cast<int>(r.i64(0)), std::string(r.text(1)), r.i64(2)});
  });
  return out;
}

}  // namespace skyriver::store
