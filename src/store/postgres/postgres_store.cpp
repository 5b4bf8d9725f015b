#include "store/postgres/postgres_store.h"

#include "core/error.h"
#include "store/sql_common.h"

#include <libpq-fe.h>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <regex>

namespace skyriver::store {
namespace {

const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS areas(
  id TEXT PRIMARY KEY, name TEXT NOT NULL, level TEXT NOT NULL, parent TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS sites(
  id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, area TEXT NOT NULL,
  lon DOUBLE PRECISION, lat DOUBLE PRECISION, reference BOOLEAN NOT NULL DEFAULT false,
  stopped TEXT, attributes TEXT NOT NULL DEFAULT '', mn TEXT NOT NULL DEFAULT '',
  password TEXT NOT NULL DEFAULT '', edition INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS parameters(
  code TEXT PRIMARY KEY, name_zh TEXT NOT NULL, name_en TEXT NOT NULL, unit TEXT NOT NULL,
  outlet_unit TEXT NOT NULL DEFAULT '', grp TEXT NOT NULL DEFAULT '',
  hj212 TEXT NOT NULL DEFAULT '', hj212_old TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS observations(
  site TEXT NOT NULL, parameter TEXT NOT NULL, time BIGINT NOT NULL, interval TEXT NOT NULL,
  source_kind TEXT NOT NULL, value DOUBLE PRECISION NOT NULL, unit TEXT NOT NULL,
  flag TEXT NOT NULL, source TEXT NOT NULL, received_at BIGINT NOT NULL,
  PRIMARY KEY(site, parameter, time, interval, source_kind));
CREATE TABLE IF NOT EXISTS conflicts(
  id BIGSERIAL PRIMARY KEY, site TEXT NOT NULL, parameter TEXT NOT NULL, time BIGINT NOT NULL,
  interval TEXT NOT NULL, source_kind TEXT NOT NULL, value DOUBLE PRECISION NOT NULL,
  unit TEXT NOT NULL, flag TEXT NOT NULL, source TEXT NOT NULL, received_at BIGINT NOT NULL,
  UNIQUE(site, parameter, time, interval, source_kind, value, flag));
CREATE TABLE IF NOT EXISTS audit_marks(
  id BIGSERIAL PRIMARY KEY, site TEXT NOT NULL, parameter TEXT NOT NULL, time BIGINT NOT NULL,
  interval TEXT NOT NULL, mark TEXT NOT NULL, reason TEXT NOT NULL, who TEXT NOT NULL,
  at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS audit_marks_key ON audit_marks(site, parameter, time);
CREATE TABLE IF NOT EXISTS imports(
  id BIGSERIAL PRIMARY KEY, source_kind TEXT NOT NULL, file TEXT NOT NULL, started BIGINT NOT NULL,
  finished BIGINT NOT NULL DEFAULT 0, status TEXT NOT NULL, rows_read BIGINT NOT NULL DEFAULT 0,
  stored BIGINT NOT NULL DEFAULT 0, duplicates BIGINT NOT NULL DEFAULT 0,
  conflicts BIGINT NOT NULL DEFAULT 0, rejected BIGINT NOT NULL DEFAULT 0,
  note TEXT NOT NULL DEFAULT '');
)SQL";

std::string dollar(int n) { return "$" + std::to_string(n); }

// COPY text format: backslash, tab, newline and CR escaped.
void copy_text(std::string& out, const std::string& s) {
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\t') out += "\\t";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else out += c;
  }
}

std::string exact(double v) {  // shortest text that reads back as exactly v
  char buf[32];
  for (int prec = 15; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

}  // namespace

class PostgresStore::Result {
 public:
  explicit Result(PGresult* r) : r_(r) {}
  Result(Result&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  ~Result() { PQclear(r_); }
  int rows() const { return PQntuples(r_); }
  std::string text(int row, int col) const { return PQgetvalue(r_, row, col); }
  bool null(int row, int col) const { return PQgetisnull(r_, row, col); }
  std::int64_t i64(int row, int col) const { return std::strtoll(PQgetvalue(r_, row, col), nullptr, 10); }
  double real(int row, int col) const { return std::strtod(PQgetvalue(r_, row, col), nullptr); }
  std::size_t affected() const { return std::strtoull(PQcmdTuples(r_), nullptr, 10); }

 private:
  PGresult* r_;
};

PostgresStore::PostgresStore(const std::string& url_in) {
  std::string url = url_in;
  // Our own `schema=NAME` parameter is not libpq's: take it out.
  std::string schema;
  std::smatch m;
  static const std::regex schema_re(R"(([?&])schema=([A-Za-z_][A-Za-z0-9_]*)(&?))");
  if (std::regex_search(url, m, schema_re)) {
    schema = m[2];
    const std::string keep = (m[1] == "?" && m[3] == "&") ? "?" : (m[1] == "&" && m[3] == "&") ? "&" : "";
    url = m.prefix().str() + keep + m.suffix().str();
  }
  where_ = std::regex_replace(url, std::regex(R"(://([^:@/]*):[^@/]*@)"), "://$1:***@");
  conn_ = PQconnectdb(url.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string why = PQerrorMessage(conn_);
    PQfinish(conn_);
    conn_ = nullptr;
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    throw core::Error(where_, "cannot connect to PostgreSQL: " + why);
  }
  exec("SET client_min_messages = warning");
  if (!schema.empty()) {
    exec("CREATE SCHEMA IF NOT EXISTS " + schema);
    exec("SET search_path TO " + schema);
    where_ += " (schema " + schema + ")";
  }
  migrate();
}

PostgresStore::~PostgresStore() { PQfinish(conn_); }

PostgresStore::Result PostgresStore::exec(const std::string& sql, const std::vector<std::string>& args,
                                          const std::vector<bool>& nulls) {
  std::vector<const char*> vals;
  for (std::size_t i = 0; i < args.size(); ++i)
    vals.push_back(i < nulls.size() && nulls[i] ? nullptr : args[i].c_str());
  PGresult* r = args.empty() ? PQexec(conn_, sql.c_str())
                             : PQexecParams(conn_, sql.c_str(), int(vals.size()), nullptr,
                                            vals.data(), nullptr, nullptr, 0);
  const auto st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_COPY_IN) {
    std::string why = PQresultErrorMessage(r);
    PQclear(r);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    throw core::Error(where_, why);
  }
  return Result(r);
}

void PostgresStore::migrate() {
  exec("BEGIN");
  try {
    exec("SELECT pg_advisory_xact_lock(712260001)");  // one migrator at a time
    exec("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)");
    auto r = exec("SELECT coalesce(max(version), 0) FROM schema_version");
    version_ = int(r.i64(0, 0));
    if (version_ > detail::kSchemaVersion)
      throw core::Error(where_, "store schema version " + std::to_string(version_) +
                                    " is newer than this program (" +
                                    std::to_string(detail::kSchemaVersion) + ")");
    if (version_ < 1) {
      exec(kSchema);
      exec("INSERT INTO schema_version(version) VALUES(1)");
      version_ = 1;
    }
    if (version_ < 2) {
      exec(detail::schema_v2("BIGSERIAL"));
      exec("INSERT INTO schema_version(version) VALUES(2)");
      version_ = 2;
    }
    exec("COMMIT");
  } catch (...) {
    PQclear(PQexec(conn_, "ROLLBACK"));
    throw;
  }
}

WriteResult PostgresStore::write(std::span<const Observation> batch) {
  return write_batch(batch, nullptr);
}

WriteResult PostgresStore::write(std::span<const Observation> batch, ImportRecord& log) {
  return write_batch(batch, &log);
}

WriteResult PostgresStore::write_batch(std::span<const Observation> batch, ImportRecord* log) {
  WriteResult r;
  if (batch.empty()) {
    if (log) update_import(*log);
    return r;
  }
  std::string data;
  data.reserve(batch.size() * 96);
  long long n = 0;
  for (const Observation& o : batch) {
    if (!std::isfinite(o.value))
      throw core::Error(o.source, "not a finite value for " + o.site + " " + o.parameter);
    data += std::to_string(n++) + '\t';
    copy_text(data, o.site), data += '\t';
    copy_text(data, o.parameter), data += '\t';
    data += std::to_string(o.time) + '\t';
    data += std::string(to_string(o.interval)) + '\t';
    copy_text(data, o.source_kind), data += '\t';
    data += exact(o.value) + '\t';
    copy_text(data, o.unit), data += '\t';
    data += o.flag, data += '\t';
    copy_text(data, o.source), data += '\t';
    data += std::to_string(o.received_at) + '\n';
  }
  exec("BEGIN");
  try {
    exec("CREATE TEMP TABLE IF NOT EXISTS incoming(seq BIGINT, site TEXT, parameter TEXT, "
         "time BIGINT, interval TEXT, source_kind TEXT, value DOUBLE PRECISION, unit TEXT, "
         "flag TEXT, source TEXT, received_at BIGINT) ON COMMIT DELETE ROWS");
    exec("COPY incoming FROM STDIN");
    if (PQputCopyData(conn_, data.data(), int(data.size())) != 1 || PQputCopyEnd(conn_, nullptr) != 1)
      throw core::Error(where_, std::string("COPY failed: ") + PQerrorMessage(conn_));
    Result copied(PQgetResult(conn_));
    while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);
    // First occurrence of each key in the batch wins, as it would row by row. The seq of every
    // inserted row comes back for WriteResult::outcome.
    std::string outcome(batch.size(), 'd');
    auto mark = [&](const Result& res, char letter) {
      for (int i = 0; i < res.rows(); ++i) {
        const auto seq = static_cast<std::size_t>(res.i64(i, 0));
        if (seq < outcome.size()) outcome[seq] = letter;
      }
      return static_cast<std::size_t>(res.rows());
    };
    r.inserted = mark(exec("WITH ins AS (INSERT INTO observations SELECT site, parameter, time, "
                           "interval, source_kind, value, unit, flag, source, received_at FROM "
                           "incoming ORDER BY seq ON CONFLICT DO NOTHING RETURNING site, parameter, "
                           "time, interval, source_kind) SELECT min(i.seq) FROM incoming i JOIN ins "
                           "USING (site, parameter, time, interval, source_kind) GROUP BY i.site, "
                           "i.parameter, i.time, i.interval, i.source_kind"),
                      'i');
    // Rows not inserted: differing value or flag → conflicts (each distinct one recorded once).
    // The temporary table has no statistics: force the index lookup per incoming row rather
    // than a hash join over the whole observations table.
    if (r.inserted < batch.size()) {
      exec("SET LOCAL enable_hashjoin = off");
      exec("SET LOCAL enable_mergejoin = off");
      r.conflicts = mark(
          exec("WITH c AS (INSERT INTO conflicts(site, parameter, time, interval, source_kind, "
               "value, unit, flag, source, received_at) SELECT i.site, i.parameter, i.time, "
               "i.interval, i.source_kind, i.value, i.unit, i.flag, i.source, i.received_at FROM "
               "incoming i JOIN observations o USING (site, parameter, time, interval, "
               "source_kind) WHERE o.value <> i.value OR o.flag <> i.flag ORDER BY i.seq ON "
               "CONFLICT DO NOTHING RETURNING site, parameter, time, interval, source_kind, value, "
               "flag) SELECT min(i.seq) FROM incoming i JOIN c USING (site, parameter, time, "
               "interval, source_kind, value, flag) GROUP BY i.site, i.parameter, i.time, "
               "i.interval, i.source_kind, i.value, i.flag"),
          'c');
    }
    r.outcome = std::move(outcome);
    r.duplicates = batch.size() - r.inserted - r.conflicts;
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
    PQclear(PQexec(conn_, "ROLLBACK"));
    throw;
  }
  return r;
}

static const char* kObsCols =
    "site, parameter, time, interval, source_kind, value, unit, flag, source, received_at";

static Observation read_obs(PGresult* r, int row, const std::string& where) {
  Observation o;
  o.site = PQgetvalue(r, row, 0);
  o.parameter = PQgetvalue(r, row, 1);
  o.time = std::strtoll(PQgetvalue(r, row, 2), nullptr, 10);
  o.interval = detail::interval_from_db(PQgetvalue(r, row, 3), where);
  o.source_kind = PQgetvalue(r, row, 4);
  o.value = std::strtod(PQgetvalue(r, row, 5), nullptr);
  o.unit = PQgetvalue(r, row, 6);
  const char* f = PQgetvalue(r, row, 7);
  o.flag = f[0] ? f[0] : 'N';
  o.source = PQgetvalue(r, row, 8);
  o.received_at = std::strtoll(PQgetvalue(r, row, 9), nullptr, 10);
  return o;
}

void PostgresStore::scan(const Query& q, const std::function<void(const Observation&)>& each) {
  auto w = detail::where_clause(q, dollar);
  const std::string sql = std::string("SELECT ") + kObsCols + " FROM observations" + w.sql +
                          " ORDER BY site, parameter, time, interval, source_kind";
  std::vector<const char*> vals;
  for (auto& a : w.args) vals.push_back(a.c_str());
  if (!PQsendQueryParams(conn_, sql.c_str(), int(vals.size()), nullptr, vals.data(), nullptr,
                         nullptr, 0))
    throw core::Error(where_, PQerrorMessage(conn_));
  PQsetSingleRowMode(conn_);  // stream: one row per result, never the whole answer in memory
  std::string error;
  while (PGresult* r = PQgetResult(conn_)) {
    const auto st = PQresultStatus(r);
    if (st == PGRES_SINGLE_TUPLE && error.empty()) {
      try {
        each(read_obs(r, 0, where_));
      } catch (const std::exception& e) {
        error = e.what();  // keep draining so the connection stays usable
      }
    } else if (st != PGRES_TUPLES_OK && st != PGRES_SINGLE_TUPLE && error.empty()) {
      error = PQresultErrorMessage(r);
    }
    PQclear(r);
  }
  if (!error.empty()) throw core::Error(where_, error);
}

std::size_t PostgresStore::count(const Query& q) {
  auto w = detail::where_clause(q, dollar);
  return std::size_t(exec("SELECT count(*) FROM observations" + w.sql, w.args).i64(0, 0));
}

std::vector<Conflict> PostgresStore::conflicts(const Query& q) {
  auto w = detail::where_clause(q, dollar, "c.time");
  std::string where = w.sql;
  for (const char* col : {"site", "parameter", "source_kind", "interval", "received_at"}) {
    const std::string bare = std::string(" ") + col + " ", qual = std::string(" c.") + col + " ";
    for (auto p = where.find(bare); p != std::string::npos; p = where.find(bare, p + qual.size()))
      where.replace(p, bare.size(), qual);
  }
  auto r = exec(
      "SELECT c.site, c.parameter, c.time, c.interval, c.source_kind, c.value, c.unit, c.flag, "
      "c.source, c.received_at, o.value, o.flag, o.source FROM conflicts c JOIN observations o "
      "USING (site, parameter, time, interval, source_kind)" +
          where + " ORDER BY c.site, c.parameter, c.time, c.id",
      w.args);
  std::vector<Conflict> out;
  for (int i = 0; i < r.rows(); ++i) {
    Conflict c;
    c.incoming.site = r.text(i, 0);
    c.incoming.parameter = r.text(i, 1);
    c.incoming.time = r.i64(i, 2);
    c.incoming.interval = detail::interval_from_db(r.text(i, 3), where_);
    c.incoming.source_kind = r.text(i, 4);
    c.incoming.value = r.real(i, 5);
    c.incoming.unit = r.text(i, 6);
    c.incoming.flag = r.text(i, 7).empty() ? 'N' : r.text(i, 7)[0];
    c.incoming.source = r.text(i, 8);
    c.incoming.received_at = r.i64(i, 9);
    c.existing_value = r.real(i, 10);
    c.existing_flag = r.text(i, 11).empty() ? 'N' : r.text(i, 11)[0];
    c.existing_source = r.text(i, 12);
    out.push_back(std::move(c));
  }
  return out;
}

std::int64_t PostgresStore::add_mark(const AuditMark& m) {
  return exec("INSERT INTO audit_marks(site, parameter, time, interval, mark, reason, who, at) "
              "VALUES($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id",
              {m.site, m.parameter, std::to_string(m.time), std::string(to_string(m.interval)),
               m.mark, m.reason, m.who, std::to_string(m.at ? m.at : std::time(nullptr))})
      .i64(0, 0);
}

std::vector<AuditMark> PostgresStore::marks(const Query& q) {
  Query mq = q;
  mq.source_kinds.clear();
  auto w = detail::where_clause(mq, dollar);
  auto r = exec("SELECT id, site, parameter, time, interval, mark, reason, who, at FROM "
                "audit_marks" + w.sql + " ORDER BY site, parameter, time, id",
                w.args);
  std::vector<AuditMark> out;
  for (int i = 0; i < r.rows(); ++i) {
    AuditMark m;
    m.id = r.i64(i, 0);
    m.site = r.text(i, 1);
    m.parameter = r.text(i, 2);
    m.time = r.i64(i, 3);
    m.interval = detail::interval_from_db(r.text(i, 4), where_);
    m.mark = r.text(i, 5);
    m.reason = r.text(i, 6);
    m.who = r.text(i, 7);
    m.at = r.i64(i, 8);
    out.push_back(std::move(m));
  }
  return out;
}

void PostgresStore::put_areas(std::span<const model::Area> areas) {
  exec("BEGIN");
  try {
    for (const auto& a : areas)
      exec("INSERT INTO areas(id, name, level, parent) VALUES($1,$2,$3,$4) ON CONFLICT(id) DO "
           "UPDATE SET name=excluded.name, level=excluded.level, parent=excluded.parent",
           {a.id, a.name, a.level, a.parent});
    exec("COMMIT");
  } catch (...) {
    PQclear(PQexec(conn_, "ROLLBACK"));
    throw;
  }
}

std::vector<model::Area> PostgresStore::areas() {
  auto r = exec("SELECT id, name, level, parent FROM areas ORDER BY id");
  std::vector<model::Area> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3)});
  return out;
}

void PostgresStore::put_sites(std::span<const model::Site> sites) {
  exec("BEGIN");
  try {
    for (const auto& s : sites)
      exec("INSERT INTO sites(id, name, kind, area, lon, lat, reference, stopped, attributes, mn, "
           "password, edition) VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) ON CONFLICT(id) DO "
           "UPDATE SET name=excluded.name, kind=excluded.kind, area=excluded.area, "
           "lon=excluded.lon, lat=excluded.lat, reference=excluded.reference, "
           "stopped=excluded.stopped, attributes=excluded.attributes, mn=excluded.mn, "
           "password=excluded.password, edition=excluded.edition",
           {s.id, s.name, s.kind, s.area, s.lon ? exact(*s.lon) : "", s.lat ? exact(*s.lat) : "",
            s.reference ? "true" : "false", s.stopped ? core::format_date(*s.stopped) : "",
            detail::encode_attributes(s.attributes), s.mn, s.password, std::to_string(s.edition)},
           {false, false, false, false, !s.lon, !s.lat, false, !s.stopped});
    exec("COMMIT");
  } catch (...) {
    PQclear(PQexec(conn_, "ROLLBACK"));
    throw;
  }
}

std::vector<model::Site> PostgresStore::sites() {
  auto r = exec("SELECT id, name, kind, area, lon, lat, reference, stopped, attributes, mn, "
                "password, edition FROM sites ORDER BY id");
  std::vector<model::Site> out;
  for (int i = 0; i < r.rows(); ++i) {
    model::Site s;
    s.id = r.text(i, 0);
    s.name = r.text(i, 1);
    s.kind = r.text(i, 2);
    s.area = r.text(i, 3);
    if (!r.null(i, 4)) s.lon = r.real(i, 4);
    if (!r.null(i, 5)) s.lat = r.real(i, 5);
    s.reference = r.text(i, 6) == "t";
    if (!r.null(i, 7)) s.stopped = core::parse_date(r.text(i, 7));
    s.attributes = detail::decode_attributes(r.text(i, 8));
    s.mn = r.text(i, 9);
    s.password = r.text(i, 10);
    s.edition = int(r.i64(i, 11));
    out.push_back(std::move(s));
  }
  return out;
}

void PostgresStore::put_parameters(std::span<const model::Parameter> params) {
  exec("BEGIN");
  try {
    for (const auto& p : params)
      exec("INSERT INTO parameters(code, name_zh, name_en, unit, outlet_unit, grp, hj212, "
           "hj212_old) VALUES($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT(code) DO UPDATE SET "
           "name_zh=excluded.name_zh, name_en=excluded.name_en, unit=excluded.unit, "
           "outlet_unit=excluded.outlet_unit, grp=excluded.grp, hj212=excluded.hj212, "
           "hj212_old=excluded.hj212_old",
           {p.code, p.name_zh, p.name_en, p.unit, p.outlet_unit, p.group, p.hj212, p.hj212_old});
    exec("COMMIT");
  } catch (...) {
    PQclear(PQexec(conn_, "ROLLBACK"));
    throw;
  }
}

std::vector<model::Parameter> PostgresStore::parameters() {
  auto r = exec("SELECT code, name_zh, name_en, unit, outlet_unit, grp, hj212, hj212_old FROM "
                "parameters ORDER BY code");
  std::vector<model::Parameter> out;
  for (int i = 0; i < r.rows(); ++i) {
    model::Parameter p;
    p.code = r.text(i, 0);
    p.name_zh = r.text(i, 1);
    p.name_en = r.text(i, 2);
    p.unit = r.text(i, 3);
    p.outlet_unit = r.text(i, 4);
    p.group = r.text(i, 5);
    p.hj212 = r.text(i, 6);
    p.hj212_old = r.text(i, 7);
    out.push_back(std::move(p));
  }
  return out;
}

std::int64_t PostgresStore::begin_import(const std::string& source_kind, const std::string& file) {
  return exec("INSERT INTO imports(source_kind, file, started, status) VALUES($1,$2,$3,'running') "
              "RETURNING id",
              {source_kind, file, std::to_string(std::time(nullptr))})
      .i64(0, 0);
}

void PostgresStore::update_import(const ImportRecord& r) {
  exec("UPDATE imports SET finished=$1, status=$2, rows_read=$3, stored=$4, duplicates=$5, "
       "conflicts=$6, rejected=$7, note=$8 WHERE id=$9",
       {std::to_string(r.finished), r.status, std::to_string(r.rows_read),
        std::to_string(r.stored), std::to_string(r.duplicates), std::to_string(r.conflicts),
        std::to_string(r.rejected), r.note, std::to_string(r.id)});
}

std::vector<ImportRecord> PostgresStore::imports() {
  auto r = exec("SELECT id, source_kind, file, started, finished, status, rows_read, stored, "
                "duplicates, conflicts, rejected, note FROM imports ORDER BY id");
  std::vector<ImportRecord> out;
  for (int i = 0; i < r.rows(); ++i) {
    ImportRecord x;
    x.id = r.i64(i, 0);
    x.source_kind = r.text(i, 1);
    x.file = r.text(i, 2);
    x.started = r.i64(i, 3);
    x.finished = r.i64(i, 4);
    x.status = r.text(i, 5);
    x.rows_read = std::size_t(r.i64(i, 6));
    x.stored = std::size_t(r.i64(i, 7));
    x.duplicates = std::size_t(r.i64(i, 8));
    x.conflicts = std::size_t(r.i64(i, 9));
    x.rejected = std::size_t(r.i64(i, 10));
    x.note = r.text(i, 11);
    out.push_back(std::move(x));
  }
  return out;
}

Stats PostgresStore::stats() {
  Stats s;
  auto one = [&](const char* sql) { return std::size_t(exec(sql).i64(0, 0)); };
  s.sites = one("SELECT count(*) FROM sites");
  s.areas = one("SELECT count(*) FROM areas");
  s.parameters = one("SELECT count(*) FROM parameters");
  s.conflicts = one("SELECT count(*) FROM conflicts");
  s.marks = one("SELECT count(*) FROM audit_marks");
  s.imports = one("SELECT count(*) FROM imports");
  auto r = exec("SELECT parameter, interval, count(*), count(DISTINCT site), min(time), max(time) "
                "FROM observations GROUP BY parameter, interval ORDER BY parameter, interval");
  for (int i = 0; i < r.rows(); ++i) {
    ParameterCount c{r.text(i, 0), detail::interval_from_db(r.text(i, 1), where_),
                     std::size_t(r.i64(i, 2)), std::size_t(r.i64(i, 3)), r.i64(i, 4), r.i64(i, 5)};
    s.observations += c.count;
    if (!s.first || c.first < *s.first) s.first = c.first;
    if (!s.last || c.last > *s.last) s.last = c.last;
    s.by_parameter.push_back(std::move(c));
  }
  return s;
}

std::int64_t PostgresStore::append(const Record& r) {
  Record copy = r;
  append(std::span<Record>(&copy, 1));
  return copy.id;
}

void PostgresStore::append(std::span<Record> batch) {
  exec("BEGIN");
  try {
    for (Record& r : batch) {
      if (r.kind.empty()) throw core::Error(where_, "a record needs a kind");
      if (!r.at) r.at = std::time(nullptr);
      r.id = exec("INSERT INTO records(kind, key, at, who, body) VALUES($1,$2,$3,$4,$5) RETURNING id",
                  {r.kind, r.key, std::to_string(r.at), r.who, r.body})
                 .i64(0, 0);
    }
    exec("COMMIT");
  } catch (...) {
    PQclear(PQexec(conn_, "ROLLBACK"));
    throw;
  }
}

std::vector<Record> PostgresStore::records(const RecordQuery& q) {
  auto w = detail::records_clause(q, dollar);
  auto r = exec(std::string("SELECT ") + detail::kRecordCols + " FROM records" + w.sql, w.args);
  std::vector<Record> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back(Record{r.i64(i, 0), r.text(i, 1), r.text(i, 2), r.i64(i, 3), r.text(i, 4), r.text(i, 5)});
  return out;
}

}  // namespace skyriver::store
