#include "store/sqlite/sqlite_store.h"

#include "core/error.h"
#include "store/sql_common.h"

#include <sqlite3.h>

#include <cmath>
#include <ctime>

namespace skyriver::store {
namespace {

const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS areas(
  id TEXT PRIMARY KEY, name TEXT NOT NULL, level TEXT NOT NULL, parent TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS sites(
  id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, area TEXT NOT NULL,
  lon REAL, lat REAL, reference INTEGER NOT NULL DEFAULT 0, stopped TEXT,
  attributes TEXT NOT NULL DEFAULT '', mn TEXT NOT NULL DEFAULT '',
  password TEXT NOT NULL DEFAULT '', edition INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS parameters(
  code TEXT PRIMARY KEY, name_zh TEXT NOT NULL, name_en TEXT NOT NULL, unit TEXT NOT NULL,
  outlet_unit TEXT NOT NULL DEFAULT '', grp TEXT NOT NULL DEFAULT '',
  hj212 TEXT NOT NULL DEFAULT '', hj212_old TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS observations(
  site TEXT NOT NULL, parameter TEXT NOT NULL, time INTEGER NOT NULL, interval TEXT NOT NULL,
  source_kind TEXT NOT NULL, value REAL NOT NULL, unit TEXT NOT NULL, flag TEXT NOT NULL,
  source TEXT NOT NULL, received_at INTEGER NOT NULL,
  PRIMARY KEY(site, parameter, time, interval, source_kind)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS conflicts(
  id INTEGER PRIMARY KEY, site TEXT NOT NULL, parameter TEXT NOT NULL, time INTEGER NOT NULL,
  interval TEXT NOT NULL, source_kind TEXT NOT NULL, value REAL NOT NULL, unit TEXT NOT NULL,
  flag TEXT NOT NULL, source TEXT NOT NULL, received_at INTEGER NOT NULL,
  UNIQUE(site, parameter, time, interval, source_kind, value, flag));
CREATE TABLE IF NOT EXISTS audit_marks(
  id INTEGER PRIMARY KEY, site TEXT NOT NULL, parameter TEXT NOT NULL, time INTEGER NOT NULL,
  interval TEXT NOT NULL, mark TEXT NOT NULL, reason TEXT NOT NULL, who TEXT NOT NULL,
  at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS audit_marks_key ON audit_marks(site, parameter, time);
CREATE TABLE IF NOT EXISTS imports(
  id INTEGER PRIMARY KEY, source_kind TEXT NOT NULL, file TEXT NOT NULL, started INTEGER NOT NULL,
  finished INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL, rows_read INTEGER NOT NULL DEFAULT 0,
  stored INTEGER NOT NULL DEFAULT 0, duplicates INTEGER NOT NULL DEFAULT 0,
  conflicts INTEGER NOT NULL DEFAULT 0, rejected INTEGER NOT NULL DEFAULT 0,
  note TEXT NOT NULL DEFAULT '');
)SQL";

std::string qmark(int) { return "?"; }

}  // namespace

// A prepared statement, finalised on scope exit.
class SqliteStore::Stmt {
 public:
  Stmt(SqliteStore& s, const std::string& sql) : s_(s) {
    if (sqlite3_prepare_v2(s.db_, sql.c_str(), -1, &st_, nullptr) != SQLITE_OK) s.fail("prepare");
  }
  ~Stmt() { sqlite3_finalize(st_); }
  Stmt& text(int i, const std::string& v) {
    sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& i64(int i, std::int64_t v) {
    sqlite3_bind_int64(st_, i, v);
    return *this;
  }
  Stmt& real(int i, std::optional<double> v) {
    if (v) sqlite3_bind_double(st_, i, *v);
    else sqlite3_bind_null(st_, i);
    return *this;
  }
  Stmt& args(const std::vector<std::string>& a) {
    for (std::size_t i = 0; i < a.size(); ++i) text(static_cast<int>(i + 1), a[i]);
    return *this;
  }
  bool step() {
    const int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    s_.fail("step");
  }
  std::string col_text(int i) {
    auto p = sqlite3_column_text(st_, i);
    return p ? reinterpret_cast<const char*>(p) : "";
  }
  std::int64_t col_i64(int i) { return sqlite3_column_int64(st_, i); }
  double col_real(int i) { return sqlite3_column_double(st_, i); }
  sqlite3_stmt* get() { return st_; }
  std::optional<double> col_opt(int i) {
    if (sqlite3_column_type(st_, i) == SQLITE_NULL) return std::nullopt;
    return col_real(i);
  }

 private:
  SqliteStore& s_;
  sqlite3_stmt* st_ = nullptr;
};

SqliteStore::SqliteStore(const std::string& path) : path_(path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw core::Error(path, "cannot open SQLite store: " + why);
  }
  sqlite3_busy_timeout(db_, 30000);
  exec("PRAGMA journal_mode=WAL");
  // FULL: a commit is on disk (WAL fsync'ed) before write() returns, so a caller may
  // acknowledge it (HJ 212's 9014); with group commits this costs one fsync per batch.
  exec("PRAGMA synchronous=FULL");
  // National files arrive hour by hour across ~1 600 stations, i.e. scattered over the key
  // order: a larger page cache keeps the B-tree's inner pages in memory.
  exec("PRAGMA cache_size=-65536");
  migrate();
  auto prep = [&](const char* sql, sqlite3_stmt** st) {
    if (sqlite3_prepare_v2(db_, sql, -1, st, nullptr) != SQLITE_OK) fail("prepare");
  };
  prep("INSERT INTO observations(site, parameter, time, interval, source_kind, value, unit, flag, "
       "source, received_at) VALUES(?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
       &insert_);
  prep("SELECT value, flag FROM observations WHERE site=? AND parameter=? AND time=? AND "
       "interval=? AND source_kind=?",
       &existing_);
  prep("INSERT INTO conflicts(site, parameter, time, interval, source_kind, value, unit, flag, "
       "source, received_at) VALUES(?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
       &conflict_);
}

SqliteStore::~SqliteStore() {
  sqlite3_finalize(insert_);
  sqlite3_finalize(existing_);
  sqlite3_finalize(conflict_);
  sqlite3_close(db_);
}

void SqliteStore::fail(const std::string& what) const {
  throw core::Error(path_, what + ": " + sqlite3_errmsg(db_));
}

void SqliteStore::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string why = err ? err : "unknown error";
    sqlite3_free(err);
    throw core::Error(path_, why);
  }
}

void SqliteStore::migrate() {
  exec("BEGIN IMMEDIATE");
  try {
    exec("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)");
    {
      Stmt st(*this, "SELECT max(version) FROM schema_version");
      version_ = st.step() ? static_cast<int>(st.col_i64(0)) : 0;
    }
    if (version_ > detail::kSchemaVersion)
      throw core::Error(path_, "store schema version " + std::to_string(version_) +
                                   " is newer than this program (" +
                                   std::to_string(detail::kSchemaVersion) + ")");
    if (version_ < 1) {
      exec(kSchema);
      exec("INSERT INTO schema_version(version) VALUES(1)");
      version_ = 1;
    }
    if (version_ < 2) {
      exec(detail::schema_v2("INTEGER"));
      exec("INSERT INTO schema_version(version) VALUES(2)");
      version_ = 2;
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

WriteResult SqliteStore::write(std::span<const Observation> batch) {
  return write_batch(batch, nullptr);
}

WriteResult SqliteStore::write(std::span<const Observation> batch, ImportRecord& log) {
  return write_batch(batch, &log);
}

WriteResult SqliteStore::write_batch(std::span<const Observation> batch, ImportRecord* log) {
  WriteResult r;
  r.outcome.reserve(batch.size());
  exec("BEGIN IMMEDIATE");
  try {
    for (const Observation& o : batch) {
      if (!std::isfinite(o.value))
        throw core::Error(o.source, "not a finite value for " + o.site + " " + o.parameter);
      const std::string interval(to_string(o.interval));
      const std::string flag(1, o.flag);
      auto bind_row = [&](sqlite3_stmt* st) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, o.site.data(), int(o.site.size()), SQLITE_STATIC);
        sqlite3_bind_text(st, 2, o.parameter.data(), int(o.parameter.size()), SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, o.time);
        sqlite3_bind_text(st, 4, interval.data(), int(interval.size()), SQLITE_STATIC);
        sqlite3_bind_text(st, 5, o.source_kind.data(), int(o.source_kind.size()), SQLITE_STATIC);
        sqlite3_bind_double(st, 6, o.value);
        sqlite3_bind_text(st, 7, o.unit.data(), int(o.unit.size()), SQLITE_STATIC);
        sqlite3_bind_text(st, 8, flag.data(), 1, SQLITE_STATIC);
        sqlite3_bind_text(st, 9, o.source.data(), int(o.source.size()), SQLITE_STATIC);
        sqlite3_bind_int64(st, 10, o.received_at);
      };
      bind_row(insert_);
      if (sqlite3_step(insert_) != SQLITE_DONE) fail("insert");
      if (sqlite3_changes(db_) == 1) {
        ++r.inserted;
        r.outcome += 'i';
        continue;
      }
      // The key exists: same value and flag is a duplicate, anything else a conflict.
      sqlite3_reset(existing_);
      for (int i = 1; i <= 5; ++i) sqlite3_bind_null(existing_, i);
      sqlite3_bind_text(existing_, 1, o.site.data(), int(o.site.size()), SQLITE_STATIC);
      sqlite3_bind_text(existing_, 2, o.parameter.data(), int(o.parameter.size()), SQLITE_STATIC);
      sqlite3_bind_int64(existing_, 3, o.time);
      sqlite3_bind_text(existing_, 4, interval.data(), int(interval.size()), SQLITE_STATIC);
      sqlite3_bind_text(existing_, 5, o.source_kind.data(), int(o.source_kind.size()), SQLITE_STATIC);
      if (sqlite3_step(existing_) != SQLITE_ROW) fail("lookup");
      const double v = sqlite3_column_double(existing_, 0);
      const char* f = reinterpret_cast<const char*>(sqlite3_column_text(existing_, 1));
      const bool same = v == o.value && f && f[0] == o.flag;
      sqlite3_reset(existing_);
      if (same) {
        ++r.duplicates;
        r.outcome += 'd';
        continue;
      }
      bind_row(conflict_);
      if (sqlite3_step(conflict_) != SQLITE_DONE) fail("insert conflict");
      const bool recorded = sqlite3_changes(db_) == 1;  // else recorded before: a duplicate
      ++(recorded ? r.conflicts : r.duplicates);
      r.outcome += recorded ? 'c' : 'd';
    }
    sqlite3_reset(insert_);
    sqlite3_reset(conflict_);
    if (log) {
      ImportRecord next = *log;
      next.stored += r.inserted, next.duplicates += r.duplicates, next.conflicts += r.conflicts;
      update_import(next);
      exec("COMMIT");
      *log = next;
      return r;
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_reset(insert_);
    sqlite3_reset(existing_);
    sqlite3_reset(conflict_);
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  return r;
}

static Observation read_obs(auto& st, const std::string& where, int first = 0) {
  Observation o;
  o.site = st.col_text(first + 0);
  o.parameter = st.col_text(first + 1);
  o.time = st.col_i64(first + 2);
  o.interval = detail::interval_from_db(st.col_text(first + 3), where);
  o.source_kind = st.col_text(first + 4);
  o.value = st.col_real(first + 5);
  o.unit = st.col_text(first + 6);
  const std::string f = st.col_text(first + 7);
  o.flag = f.empty() ? 'N' : f[0];
  o.source = st.col_text(first + 8);
  o.received_at = st.col_i64(first + 9);
  return o;
}

static const char* kObsCols =
    "site, parameter, time, interval, source_kind, value, unit, flag, source, received_at";

void SqliteStore::scan(const Query& q, const std::function<void(const Observation&)>& each) {
  auto w = detail::where_clause(q, qmark);
  Stmt st(*this, std::string("SELECT ") + kObsCols + " FROM observations" + w.sql +
                     " ORDER BY site, parameter, time, interval, source_kind");
  st.args(w.args);
  while (st.step()) each(read_obs(st, path_));
}

std::size_t SqliteStore::count(const Query& q) {
  auto w = detail::where_clause(q, qmark);
  Stmt st(*this, "SELECT count(*) FROM observations" + w.sql);
  st.args(w.args);
  st.step();
  return static_cast<std::size_t>(st.col_i64(0));
}

std::vector<Conflict> SqliteStore::conflicts(const Query& q) {
  auto w = detail::where_clause(q, qmark, "c.time");
  // Column names are qualified for the join: rewrite the bare names the clause uses.
  std::string where = w.sql;
  for (const char* col : {"site", "parameter", "source_kind", "interval", "received_at"}) {
    const std::string bare = std::string(" ") + col + " ", qual = std::string(" c.") + col + " ";
    for (auto p = where.find(bare); p != std::string::npos; p = where.find(bare, p + qual.size()))
      where.replace(p, bare.size(), qual);
  }
  Stmt st(*this,
          "SELECT c.site, c.parameter, c.time, c.interval, c.source_kind, c.value, c.unit, c.flag, "
          "c.source, c.received_at, o.value, o.flag, o.source FROM conflicts c JOIN observations o "
          "ON o.site=c.site AND o.parameter=c.parameter AND o.time=c.time AND "
          "o.interval=c.interval AND o.source_kind=c.source_kind" +
              where + " ORDER BY c.site, c.parameter, c.time, c.id");
  st.args(w.args);
  std::vector<Conflict> out;
  while (st.step()) {
    Conflict c;
    c.incoming = read_obs(st, path_);
    c.existing_value = st.col_real(10);
    const std::string f = st.col_text(11);
    c.existing_flag = f.empty() ? 'N' : f[0];
    c.existing_source = st.col_text(12);
    out.push_back(std::move(c));
  }
  return out;
}

std::int64_t SqliteStore::add_mark(const AuditMark& m) {
  Stmt st(*this,
          "INSERT INTO audit_marks(site, parameter, time, interval, mark, reason, who, at) "
          "VALUES(?,?,?,?,?,?,?,?)");
  st.text(1, m.site).text(2, m.parameter).i64(3, m.time).text(4, std::string(to_string(m.interval)));
  st.text(5, m.mark).text(6, m.reason).text(7, m.who).i64(8, m.at ? m.at : std::time(nullptr));
  st.step();
  return sqlite3_last_insert_rowid(db_);
}

std::vector<AuditMark> SqliteStore::marks(const Query& q) {
  Query mq = q;
  mq.source_kinds.clear();  // marks apply to every source kind
  auto w = detail::where_clause(mq, qmark);
  Stmt st(*this,
          "SELECT id, site, parameter, time, interval, mark, reason, who, at FROM audit_marks" +
              w.sql + " ORDER BY site, parameter, time, id");
  st.args(w.args);
  std::vector<AuditMark> out;
  while (st.step()) {
    AuditMark m;
    m.id = st.col_i64(0);
    m.site = st.col_text(1);
    m.parameter = st.col_text(2);
    m.time = st.col_i64(3);
    m.interval = detail::interval_from_db(st.col_text(4), path_);
    m.mark = st.col_text(5);
    m.reason = st.col_text(6);
    m.who = st.col_text(7);
    m.at = st.col_i64(8);
    out.push_back(std::move(m));
  }
  return out;
}

void SqliteStore::put_areas(std::span<const model::Area> areas) {
  exec("BEGIN IMMEDIATE");
  try {
    for (const auto& a : areas) {
      Stmt st(*this,
              "INSERT INTO areas(id, name, level, parent) VALUES(?,?,?,?) ON CONFLICT(id) DO "
              "UPDATE SET name=excluded.name, level=excluded.level, parent=excluded.parent");
      st.text(1, a.id).text(2, a.name).text(3, a.level).text(4, a.parent).step();
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::vector<model::Area> SqliteStore::areas() {
  Stmt st(*this, "SELECT id, name, level, parent FROM areas ORDER BY id");
  std::vector<model::Area> out;
  while (st.step()) out.push_back({st.col_text(0), st.col_text(1), st.col_text(2), st.col_text(3)});
  return out;
}

void SqliteStore::put_sites(std::span<const model::Site> sites) {
  exec("BEGIN IMMEDIATE");
  try {
    for (const auto& s : sites) {
      Stmt st(*this,
              "INSERT INTO sites(id, name, kind, area, lon, lat, reference, stopped, attributes, "
              "mn, password, edition) VALUES(?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE "
              "SET name=excluded.name, kind=excluded.kind, area=excluded.area, lon=excluded.lon, "
              "lat=excluded.lat, reference=excluded.reference, stopped=excluded.stopped, "
              "attributes=excluded.attributes, mn=excluded.mn, password=excluded.password, "
              "edition=excluded.edition");
      st.text(1, s.id).text(2, s.name).text(3, s.kind).text(4, s.area).real(5, s.lon).real(6, s.lat);
      st.i64(7, s.reference ? 1 : 0);
      if (s.stopped) st.text(8, core::format_date(*s.stopped));
      st.text(9, detail::encode_attributes(s.attributes)).text(10, s.mn).text(11, s.password);
      st.i64(12, s.edition).step();
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::vector<model::Site> SqliteStore::sites() {
  Stmt st(*this,
          "SELECT id, name, kind, area, lon, lat, reference, stopped, attributes, mn, password, "
          "edition FROM sites ORDER BY id");
  std::vector<model::Site> out;
  while (st.step()) {
    model::Site s;
    s.id = st.col_text(0);
    s.name = st.col_text(1);
    s.kind = st.col_text(2);
    s.area = st.col_text(3);
    s.lon = st.col_opt(4);
    s.lat = st.col_opt(5);
    s.reference = st.col_i64(6) != 0;
    s.stopped = core::parse_date(st.col_text(7));
    s.attributes = detail::decode_attributes(st.col_text(8));
    s.mn = st.col_text(9);
    s.password = st.col_text(10);
    s.edition = static_cast<int>(st.col_i64(11));
    out.push_back(std::move(s));
  }
  return out;
}

void SqliteStore::put_parameters(std::span<const model::Parameter> params) {
  exec("BEGIN IMMEDIATE");
  try {
    for (const auto& p : params) {
      Stmt st(*this,
              "INSERT INTO parameters(code, name_zh, name_en, unit, outlet_unit, grp, hj212, "
              "hj212_old) VALUES(?,?,?,?,?,?,?,?) ON CONFLICT(code) DO UPDATE SET "
              "name_zh=excluded.name_zh, name_en=excluded.name_en, unit=excluded.unit, "
              "outlet_unit=excluded.outlet_unit, grp=excluded.grp, hj212=excluded.hj212, "
              "hj212_old=excluded.hj212_old");
      st.text(1, p.code).text(2, p.name_zh).text(3, p.name_en).text(4, p.unit);
      st.text(5, p.outlet_unit).text(6, p.group).text(7, p.hj212).text(8, p.hj212_old).step();
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::vector<model::Parameter> SqliteStore::parameters() {
  Stmt st(*this,
          "SELECT code, name_zh, name_en, unit, outlet_unit, grp, hj212, hj212_old FROM "
          "parameters ORDER BY code");
  std::vector<model::Parameter> out;
  while (st.step()) {
    model::Parameter p;
    p.code = st.col_text(0);
    p.name_zh = st.col_text(1);
    p.name_en = st.col_text(2);
    p.unit = st.col_text(3);
    p.outlet_unit = st.col_text(4);
    p.group = st.col_text(5);
    p.hj212 = st.col_text(6);
    p.hj212_old = st.col_text(7);
    out.push_back(std::move(p));
  }
  return out;
}

std::int64_t SqliteStore::begin_import(const std::string& source_kind, const std::string& file) {
  Stmt st(*this, "INSERT INTO imports(source_kind, file, started, status) VALUES(?,?,?,'running')");
  st.text(1, source_kind).text(2, file).i64(3, std::time(nullptr)).step();
  return sqlite3_last_insert_rowid(db_);
}

void SqliteStore::update_import(const ImportRecord& r) {
  Stmt st(*this,
          "UPDATE imports SET finished=?, status=?, rows_read=?, stored=?, duplicates=?, "
          "conflicts=?, rejected=?, note=? WHERE id=?");
  st.i64(1, r.finished).text(2, r.status).i64(3, std::int64_t(r.rows_read));
  st.i64(4, std::int64_t(r.stored)).i64(5, std::int64_t(r.duplicates));
  st.i64(6, std::int64_t(r.conflicts)).i64(7, std::int64_t(r.rejected)).text(8, r.note);
  st.i64(9, r.id).step();
}

std::vector<ImportRecord> SqliteStore::imports() {
  Stmt st(*this,
          "SELECT id, source_kind, file, started, finished, status, rows_read, stored, "
          "duplicates, conflicts, rejected, note FROM imports ORDER BY id");
  std::vector<ImportRecord> out;
  while (st.step()) {
    ImportRecord r;
    r.id = st.col_i64(0);
    r.source_kind = st.col_text(1);
    r.file = st.col_text(2);
    r.started = st.col_i64(3);
    r.finished = st.col_i64(4);
    r.status = st.col_text(5);
    r.rows_read = std::size_t(st.col_i64(6));
    r.stored = std::size_t(st.col_i64(7));
    r.duplicates = std::size_t(st.col_i64(8));
    r.conflicts = std::size_t(st.col_i64(9));
    r.rejected = std::size_t(st.col_i64(10));
    r.note = st.col_text(11);
    out.push_back(std::move(r));
  }
  return out;
}

Stats SqliteStore::stats() {
  Stats s;
  auto one = [&](const char* sql) {
    Stmt st(*this, sql);
    st.step();
    return std::size_t(st.col_i64(0));
  };
  s.sites = one("SELECT count(*) FROM sites");
  s.areas = one("SELECT count(*) FROM areas");
  s.parameters = one("SELECT count(*) FROM parameters");
  s.conflicts = one("SELECT count(*) FROM conflicts");
  s.marks = one("SELECT count(*) FROM audit_marks");
  s.imports = one("SELECT count(*) FROM imports");
  Stmt st(*this,
          "SELECT parameter, interval, count(*), count(DISTINCT site), min(time), max(time) FROM "
          "observations GROUP BY parameter, interval ORDER BY parameter, interval");
  while (st.step()) {
    ParameterCount c{st.col_text(0), detail::interval_from_db(st.col_text(1), path_),
                     std::size_t(st.col_i64(2)), std::size_t(st.col_i64(3)), st.col_i64(4),
                     st.col_i64(5)};
    s.observations += c.count;
    if (!s.first || c.first < *s.first) s.first = c.first;
    if (!s.last || c.last > *s.last) s.last = c.last;
    s.by_parameter.push_back(std::move(c));
  }
  return s;
}

static Record read_record(auto& st) {
  return Record{st.col_i64(0), st.col_text(1), st.col_text(2), st.col_i64(3), st.col_text(4), st.col_text(5)};
}

std::int64_t SqliteStore::append(const Record& r) {
  Record copy = r;
  append(std::span<Record>(&copy, 1));
  return copy.id;
}

void SqliteStore::append(std::span<Record> batch) {
  exec("BEGIN IMMEDIATE");
  try {
    Stmt st(*this, "INSERT INTO records(kind, key, at, who, body) VALUES(?,?,?,?,?)");
    for (Record& r : batch) {
      if (r.kind.empty()) throw core::Error(path_, "a record needs a kind");
      if (!r.at) r.at = std::time(nullptr);
      sqlite3_reset(st.get());
      st.text(1, r.kind).text(2, r.key).i64(3, r.at).text(4, r.who).text(5, r.body);
      st.step();
      r.id = sqlite3_last_insert_rowid(db_);
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::vector<Record> SqliteStore::records(const RecordQuery& q) {
  auto w = detail::records_clause(q, qmark);
  Stmt st(*this, std::string("SELECT ") + detail::kRecordCols + " FROM records" + w.sql);
  st.args(w.args);
  std::vector<Record> out;
  while (st.step()) out.push_back(read_record(st));
  return out;
}

}  // namespace skyriver::store
