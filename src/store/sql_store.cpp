#include "store/sql_store.h"

#include "core/error.h"
#include "store/schema.h"
#include "store/sql_common.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <numeric>
#include <set>
#include <unordered_map>

namespace skyriver::store {

namespace {

constexpr const char* kRowCols = "series, time, value, flag, unit, source, line, received_at";

StoredRow stored_row(const Row& r, int c) {
  StoredRow s;
  s.series = r.i64(c), s.time = r.i64(c + 1), s.value = r.real(c + 2);
  s.flag = static_cast<char>(r.i64(c + 3));
  s.unit = r.i64(c + 4), s.source = r.i64(c + 5);
  s.line = r.null(c + 6) ? -1 : r.i64(c + 6);
  s.received_at = r.i64(c + 7);
  return s;
}

std::vector<Param> params(const std::vector<std::string>& text) {
  std::vector<Param> out;
  for (const auto& s : text) out.emplace_back(std::string_view(s));
  return out;
}

std::string id_list(const std::vector<std::int64_t>& ids) {
  std::string s;
  for (std::int64_t id : ids) s += (s.empty() ? "" : ",") + std::to_string(id);
  return s;
}

bool key_less(const StoredRow& a, const StoredRow& b) {
  return a.series != b.series ? a.series < b.series : a.time < b.time;
}

}  // namespace

SqlStore::SqlStore(std::unique_ptr<Backend> db) : db_(std::move(db)), catalog_(*db_) {
  version_ = migrate(*db_, catalog_);
  catalog_.refresh();
}

template <class F>
void SqlStore::in_transaction(F&& body) {
  db_->begin_write();
  try {
    body();
    db_->commit();
  } catch (...) {
    db_->rollback();
    throw;
  }
}

std::string SqlStore::range_conditions(const Query& q, const std::string& t, std::vector<Param>& args) const {
  const auto& d = db_->dialect();
  std::string s;
  auto cond = [&](const std::string& what, std::int64_t v) {
    args.emplace_back(v);
    s += " AND " + t + what + d.param(static_cast<int>(args.size()));
  };
  if (q.from != std::numeric_limits<core::Instant>::min()) cond("time >= ", q.from);
  if (q.to != std::numeric_limits<core::Instant>::max()) cond("time < ", q.to);
  if (q.received_from != std::numeric_limits<core::Instant>::min()) cond("received_at >= ", q.received_from);
  return s;
}

std::vector<std::string> SqlStore::observation_tables() const {
  std::vector<std::string> t{"observations"};
  if (const auto recent = db_->dialect().recent_observations; !recent.empty()) t.emplace_back(recent);
  return t;
}

void SqlStore::read_rows(const std::string& sql, std::span<const Param> args, std::vector<StoredRow>& out, int first) {
  db_->run(sql, args, [&](const Row& r) { out.push_back(stored_row(r, first)); });
}

// ---- observations ----

WriteResult SqlStore::write(std::span<const Observation> batch) { return write_batch(batch, nullptr); }

WriteResult SqlStore::write(std::span<const Observation> batch, ImportRecord& log) { return write_batch(batch, &log); }

WriteResult SqlStore::write_batch(std::span<const Observation> batch, ImportRecord* log) {
  WriteResult r;
  for (const Observation& o : batch)
    if (!std::isfinite(o.value)) throw core::Error(o.source, "not a finite value for " + o.site + " " + o.parameter);
  if (batch.empty()) {
    if (log) in_transaction([&] { update_import(*log); });
    return r;
  }
  const std::size_t n = batch.size();
  std::vector<StoredRow> rows(n);
  if (!catalog_.resolve(batch, rows, false)) {
    // New series or texts: committed on their own, before the batch.
    try {
      in_transaction([&] { catalog_.resolve(batch, rows, true); });
      catalog_.commit_created();
    } catch (...) {
      catalog_.forget_uncommitted();
      throw;
    }
  }
  // The first occurrence of each key, in key order (the bulk path's order).
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return key_less(rows[a], rows[b]); });
  std::vector<StoredRow> keys;
  std::vector<std::uint32_t> first_input, key_of(n);
  keys.reserve(n), first_input.reserve(n);
  for (std::uint32_t i : order) {
    if (keys.empty() || key_less(keys.back(), rows[i])) {
      keys.push_back(rows[i]);
      first_input.push_back(i);
    }
    key_of[i] = static_cast<std::uint32_t>(keys.size() - 1);
  }
  db_->prepare_times(keys);

  const auto& d = db_->dialect();
  std::string conflict_sql =
      "INSERT INTO conflicts(series, time, value, flag, unit, source, line, received_at) VALUES(";
  for (int i = 1; i <= 8; ++i) conflict_sql += d.param(i) + (i < 8 ? "," : ") ON CONFLICT DO NOTHING");
  ImportRecord next = log ? *log : ImportRecord{};
  in_transaction([&] {
    r = WriteResult{};
    r.outcome.assign(n, 'd');
    core::Instant first_received = std::numeric_limits<core::Instant>::max();
    std::vector<char> inserted;
    db_->insert_new("observations", keys, inserted);
    // What the store holds for the keys that existed.
    std::vector<StoredRow> old_keys, old;
    std::vector<std::uint32_t> old_pos;
    for (std::size_t k = 0; k < keys.size(); ++k)
      if (!inserted[k]) old_keys.push_back(keys[k]), old_pos.push_back(static_cast<std::uint32_t>(k));
    std::vector<const StoredRow*> stored(keys.size());
    for (std::size_t k = 0; k < keys.size(); ++k) stored[k] = inserted[k] ? &keys[k] : nullptr;
    if (!old_keys.empty()) {
      std::vector<char> found;
      db_->fetch(old_keys, old, found);
      for (std::size_t m = 0; m < old_keys.size(); ++m) {
        if (!found[m]) throw core::Error(db_->where(), "a key that refused the insert is not in the store");
        stored[old_pos[m]] = &old[m];
      }
    }
    // Every input row as row-by-row insertion would classify it.
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::uint32_t k = key_of[i];
      if (inserted[k] && first_input[k] == i) {
        r.outcome[i] = 'i';
        ++r.inserted;
        first_received = std::min(first_received, rows[i].received_at);
        continue;
      }
      const StoredRow& s = *stored[k];
      const StoredRow& x = rows[i];
      if (s.value == x.value && s.flag == x.flag) {
        ++r.duplicates;
        continue;
      }
      const Param p[] = {x.series, x.time, x.value, std::int64_t(x.flag), x.unit, x.source,
                         x.line < 0 ? Param{} : Param{x.line}, x.received_at};
      if (db_->run(conflict_sql, p) == 1) {
        r.outcome[i] = 'c';
        ++r.conflicts;
      } else {
        ++r.duplicates;  // the same conflicting value was recorded before
      }
    }
    if (!log && r.inserted) db_->announce(first_received);  // imports: the import log tells
    if (log) {
      next = *log;
      next.stored += r.inserted, next.duplicates += r.duplicates, next.conflicts += r.conflicts;
      update_import(next);
    }
  });
  if (log) *log = next;
  return r;
}

void SqlStore::scan(const Query& q, const std::function<void(const Observation&)>& each) {
  catalog_.refresh();
  const std::vector<std::int64_t> ids = catalog_.match(q);
  if (ids.empty()) return;
  // Series of one site and parameter form a group; within it, `rank` orders interval and kind.
  std::unordered_map<std::int64_t, std::pair<std::uint32_t, std::uint32_t>> place;  // id -> (group, rank)
  std::vector<std::pair<std::size_t, std::size_t>> groups;                            // [begin, end) in ids
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const SeriesKey& k = catalog_.series(ids[i]);
    if (groups.empty() || catalog_.series(ids[groups.back().first]).site != k.site ||
        catalog_.series(ids[groups.back().first]).parameter != k.parameter)
      groups.emplace_back(i, i);
    groups.back().second = i + 1;
    place[ids[i]] = {static_cast<std::uint32_t>(groups.size() - 1), static_cast<std::uint32_t>(i - groups.back().first)};
  }
  auto by_place = [&](const StoredRow& a, const StoredRow& b) {
    const auto pa = place[a.series], pb = place[b.series];
    if (pa.first != pb.first) return pa.first < pb.first;
    if (a.time != b.time) return a.time < b.time;
    return pa.second < pb.second;
  };
  std::vector<StoredRow> rows;
  if (q.received_from != std::numeric_limits<core::Instant>::min()) {
    // Incremental: through the received_at index, then into scan order.
    std::vector<Param> args;
    const std::string cond = range_conditions(q, "", args);
    for (const std::string& table : observation_tables())
      read_rows(std::string("SELECT ") + kRowCols + " FROM " + table + " WHERE 1=1" + cond, args, rows);
    std::erase_if(rows, [&](const StoredRow& r) { return !place.count(r.series); });
    std::sort(rows.begin(), rows.end(), by_place);
    for (const auto& r : rows) each(catalog_.observation(r));
    return;
  }
  std::vector<Param> args{std::int64_t(0)};
  const std::string sql = std::string("SELECT ") + kRowCols + " FROM observations WHERE series = " +
                          db_->dialect().param(1) + range_conditions(q, "", args) + " ORDER BY time";
  // Rows not yet in observations (SQLite's recent segment: unindexed, so read once), by series.
  std::unordered_map<std::int64_t, std::vector<StoredRow>> recent;
  if (const auto seg = db_->dialect().recent_observations; !seg.empty()) {
    std::vector<Param> rargs;
    std::vector<StoredRow> all;
    const std::string cond = range_conditions(q, "", rargs);  // before rargs is passed on
    read_rows(std::string("SELECT ") + kRowCols + " FROM " + std::string(seg) + " WHERE 1=1" + cond, rargs, all);
    for (const StoredRow& r : all)
      if (place.count(r.series)) recent[r.series].push_back(r);
    for (auto& [id, v] : recent) std::sort(v.begin(), v.end(), key_less);
  }
  for (const auto& [b, e] : groups) {
    rows.clear();
    for (std::size_t i = b; i < e; ++i) {
      args[0] = ids[i];
      const std::size_t before = rows.size();
      read_rows(sql, args, rows);
      if (auto it = recent.find(ids[i]); it != recent.end()) {
        const std::size_t mid = rows.size();
        rows.insert(rows.end(), it->second.begin(), it->second.end());
        std::inplace_merge(rows.begin() + static_cast<std::ptrdiff_t>(before), rows.begin() + static_cast<std::ptrdiff_t>(mid),
                           rows.end(), key_less);
      }
      if (i > b) std::inplace_merge(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(before), rows.end(), by_place);
    }
    for (const auto& r : rows) each(catalog_.observation(r));
  }
}

std::size_t SqlStore::count(const Query& q) {
  catalog_.refresh();
  std::string cond;
  if (!catalog_.selects_all(q)) {
    const auto ids = catalog_.match(q);
    if (ids.empty()) return 0;
    cond += " AND series IN (" + id_list(ids) + ")";
  }
  std::vector<Param> args;
  cond += range_conditions(q, "", args);
  std::size_t n = 0;
  for (const std::string& table : observation_tables())
    db_->run("SELECT count(*) FROM " + table + " WHERE 1=1" + cond, args,
             [&](const Row& r) { n += static_cast<std::size_t>(r.i64(0)); });
  return n;
}

std::vector<Conflict> SqlStore::conflicts(const Query& q) {
  catalog_.refresh();
  std::string cond;
  if (!catalog_.selects_all(q)) {
    const auto ids = catalog_.match(q);
    if (ids.empty()) return {};
    cond += " AND c.series IN (" + id_list(ids) + ")";
  }
  std::vector<Param> args;
  cond += range_conditions(q, "c.", args);
  std::vector<std::pair<std::int64_t, Conflict>> found;
  auto one = [&](const Row& r) {
    Conflict c;
    c.incoming = catalog_.observation(stored_row(r, 1));
    c.existing_value = r.real(9);
    c.existing_flag = static_cast<char>(r.i64(10));
    c.existing_source = join_source(catalog_.text(r.i64(11)), r.null(12) ? -1 : r.i64(12));
    found.emplace_back(r.i64(0), std::move(c));
  };
  // The stored row of a conflict's key is in exactly one of the tables.
  for (const std::string& table : observation_tables())
    db_->run("SELECT c.id, c.series, c.time, c.value, c.flag, c.unit, c.source, c.line, c.received_at, o.value, "
             "o.flag, o.source, o.line FROM conflicts c JOIN " + table +
                 " o ON o.series = c.series AND o.time = c.time WHERE 1=1" + cond,
             args, one);
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    const Observation &x = a.second.incoming, &y = b.second.incoming;
    if (x.site != y.site) return x.site < y.site;
    if (x.parameter != y.parameter) return x.parameter < y.parameter;
    if (x.time != y.time) return x.time < y.time;
    return a.first < b.first;
  });
  std::vector<Conflict> out;
  for (auto& f : found) out.push_back(std::move(f.second));
  return out;
}

// ---- audit marks ----

std::int64_t SqlStore::add_mark(const AuditMark& m) {
  AuditMark copy = m;
  add_marks(std::span<AuditMark>(&copy, 1));
  return copy.id;
}

void SqlStore::add_marks(std::span<AuditMark> batch) {
  const auto& d = db_->dialect();
  std::string sql = "INSERT INTO audit_marks(site, parameter, time, interval, mark, reason, who, at) VALUES(";
  for (int i = 1; i <= 8; ++i) sql += d.param(i) + (i < 8 ? "," : ") RETURNING id");
  const std::int64_t now = std::time(nullptr);
  in_transaction([&] {
    for (AuditMark& m : batch) {
      const std::string iv(to_string(m.interval));
      const Param p[] = {std::string_view(m.site), std::string_view(m.parameter), m.time, std::string_view(iv),
                         std::string_view(m.mark), std::string_view(m.reason), std::string_view(m.who),
                         std::int64_t(m.at ? m.at : now)};
      db_->run(sql, p, [&](const Row& r) { m.id = r.i64(0); });
    }
  });
}

std::vector<AuditMark> SqlStore::marks(const Query& q) {
  Query mq = q;
  mq.source_kinds.clear();  // marks apply to every source kind
  mq.received_from = std::numeric_limits<core::Instant>::min();  // marks have no arrival time
  auto w = detail::where_clause(mq, db_->dialect().param);
  std::vector<AuditMark> out;
  db_->run("SELECT id, site, parameter, time, interval, mark, reason, who, at FROM audit_marks" + w.sql +
               " ORDER BY site, parameter, time, id",
           params(w.args), [&](const Row& r) {
             AuditMark m;
             m.id = r.i64(0);
             m.site = r.text(1);
             m.parameter = r.text(2);
             m.time = r.i64(3);
             m.interval = detail::interval_from_db(std::string(r.text(4)), db_->where());
             m.mark = r.text(5);
             m.reason = r.text(6);
             m.who = r.text(7);
             m.at = r.i64(8);
             out.push_back(std::move(m));
           });
  return out;
}

// ---- reference data ----

void SqlStore::put_areas(std::span<const model::Area> areas) {
  const auto& d = db_->dialect();
  const std::string sql = "INSERT INTO areas(id, name, level, parent) VALUES(" + d.param(1) + "," + d.param(2) + "," +
                          d.param(3) + "," + d.param(4) +
                          ") ON CONFLICT(id) DO UPDATE SET name=excluded.name, level=excluded.level, "
                          "parent=excluded.parent";
  in_transaction([&] {
    for (const auto& a : areas) {
      const Param p[] = {std::string_view(a.id), std::string_view(a.name), std::string_view(a.level),
                         std::string_view(a.parent)};
      db_->run(sql, p);
    }
  });
}

std::vector<model::Area> SqlStore::areas() {
  std::vector<model::Area> out;
  db_->run("SELECT id, name, level, parent FROM areas ORDER BY id", {}, [&](const Row& r) {
    out.push_back({std::string(r.text(0)), std::string(r.text(1)), std::string(r.text(2)), std::string(r.text(3))});
  });
  return out;
}

void SqlStore::put_sites(std::span<const model::Site> sites) {
  const auto& d = db_->dialect();
  std::string sql = "INSERT INTO sites(id, name, kind, area, lon, lat, reference, stopped, attributes, mn, password, "
                    "edition) VALUES(";
  for (int i = 1; i <= 12; ++i) sql += d.param(i) + (i < 12 ? "," : ")");
  sql += " ON CONFLICT(id) DO UPDATE SET name=excluded.name, kind=excluded.kind, area=excluded.area, "
         "lon=excluded.lon, lat=excluded.lat, reference=excluded.reference, stopped=excluded.stopped, "
         "attributes=excluded.attributes, mn=excluded.mn, password=excluded.password, edition=excluded.edition";
  in_transaction([&] {
    for (const auto& s : sites) {
      const std::string stopped = s.stopped ? core::format_date(*s.stopped) : "";
      const std::string attrs = detail::encode_attributes(s.attributes);
      // reference: a small integer (version 3), or a PostgreSQL boolean in stores made by
      // version 1: the text "1"/"0" reads as either.
      const Param p[] = {std::string_view(s.id), std::string_view(s.name), std::string_view(s.kind),
                         std::string_view(s.area), s.lon ? Param{*s.lon} : Param{}, s.lat ? Param{*s.lat} : Param{},
                         std::string_view(s.reference ? "1" : "0"),
                         s.stopped ? Param{std::string_view(stopped)} : Param{}, std::string_view(attrs),
                         std::string_view(s.mn), std::string_view(s.password), std::int64_t(s.edition)};
      db_->run(sql, p);
    }
  });
}

std::vector<model::Site> SqlStore::sites() {
  std::vector<model::Site> out;
  db_->run("SELECT id, name, kind, area, lon, lat, reference, stopped, attributes, mn, password, edition FROM sites "
           "ORDER BY id",
           {}, [&](const Row& r) {
             model::Site s;
             s.id = r.text(0);
             s.name = r.text(1);
             s.kind = r.text(2);
             s.area = r.text(3);
             if (!r.null(4)) s.lon = r.real(4);
             if (!r.null(5)) s.lat = r.real(5);
             s.reference = r.text(6) == "1" || r.text(6) == "t";
             if (!r.null(7)) s.stopped = core::parse_date(r.text(7));
             s.attributes = detail::decode_attributes(std::string(r.text(8)));
             s.mn = r.text(9);
             s.password = r.text(10);
             s.edition = static_cast<int>(r.i64(11));
             out.push_back(std::move(s));
           });
  return out;
}

void SqlStore::put_parameters(std::span<const model::Parameter> params_in) {
  const auto& d = db_->dialect();
  std::string sql = "INSERT INTO parameters(code, name_zh, name_en, unit, outlet_unit, grp, hj212, hj212_old) VALUES(";
  for (int i = 1; i <= 8; ++i) sql += d.param(i) + (i < 8 ? "," : ")");
  sql += " ON CONFLICT(code) DO UPDATE SET name_zh=excluded.name_zh, name_en=excluded.name_en, unit=excluded.unit, "
         "outlet_unit=excluded.outlet_unit, grp=excluded.grp, hj212=excluded.hj212, hj212_old=excluded.hj212_old";
  in_transaction([&] {
    for (const auto& p : params_in) {
      const Param a[] = {std::string_view(p.code), std::string_view(p.name_zh), std::string_view(p.name_en),
                         std::string_view(p.unit), std::string_view(p.outlet_unit), std::string_view(p.group),
                         std::string_view(p.hj212), std::string_view(p.hj212_old)};
      db_->run(sql, a);
    }
  });
}

std::vector<model::Parameter> SqlStore::parameters() {
  std::vector<model::Parameter> out;
  db_->run("SELECT code, name_zh, name_en, unit, outlet_unit, grp, hj212, hj212_old FROM parameters ORDER BY code", {},
           [&](const Row& r) {
             model::Parameter p;
             p.code = r.text(0);
             p.name_zh = r.text(1);
             p.name_en = r.text(2);
             p.unit = r.text(3);
             p.outlet_unit = r.text(4);
             p.group = r.text(5);
             p.hj212 = r.text(6);
             p.hj212_old = r.text(7);
             out.push_back(std::move(p));
           });
  return out;
}

// ---- import log ----

std::int64_t SqlStore::begin_import(const std::string& source_kind, const std::string& file) {
  const auto& d = db_->dialect();
  const Param p[] = {std::string_view(source_kind), std::string_view(file), std::int64_t(std::time(nullptr))};
  std::int64_t id = 0;
  db_->run("INSERT INTO imports(source_kind, file, started, status) VALUES(" + d.param(1) + "," + d.param(2) + "," +
               d.param(3) + ",'running') RETURNING id",
           p, [&](const Row& r) { id = r.i64(0); });
  return id;
}

void SqlStore::update_import(const ImportRecord& r) {
  const auto& d = db_->dialect();
  std::string sql = "UPDATE imports SET finished=" + d.param(1) + ", status=" + d.param(2) + ", rows_read=" + d.param(3) +
                    ", stored=" + d.param(4) + ", duplicates=" + d.param(5) + ", conflicts=" + d.param(6) +
                    ", rejected=" + d.param(7) + ", note=" + d.param(8) + " WHERE id=" + d.param(9);
  const Param p[] = {std::int64_t(r.finished),  std::string_view(r.status),  std::int64_t(r.rows_read),
                     std::int64_t(r.stored),    std::int64_t(r.duplicates), std::int64_t(r.conflicts),
                     std::int64_t(r.rejected),  std::string_view(r.note),   r.id};
  db_->run(sql, p);
}

std::vector<ImportRecord> SqlStore::imports() {
  std::vector<ImportRecord> out;
  db_->run("SELECT id, source_kind, file, started, finished, status, rows_read, stored, duplicates, conflicts, "
           "rejected, note FROM imports ORDER BY id",
           {}, [&](const Row& r) {
             ImportRecord x;
             x.id = r.i64(0);
             x.source_kind = r.text(1);
             x.file = r.text(2);
             x.started = r.i64(3);
             x.finished = r.i64(4);
             x.status = r.text(5);
             x.rows_read = std::size_t(r.i64(6));
             x.stored = std::size_t(r.i64(7));
             x.duplicates = std::size_t(r.i64(8));
             x.conflicts = std::size_t(r.i64(9));
             x.rejected = std::size_t(r.i64(10));
             x.note = r.text(11);
             out.push_back(std::move(x));
           });
  return out;
}

Stats SqlStore::stats() {
  Stats s;
  auto one = [&](const char* sql) {
    std::size_t n = 0;
    db_->run(sql, {}, [&](const Row& r) { n = std::size_t(r.i64(0)); });
    return n;
  };
  s.sites = one("SELECT count(*) FROM sites");
  s.areas = one("SELECT count(*) FROM areas");
  s.parameters = one("SELECT count(*) FROM parameters");
  s.conflicts = one("SELECT count(*) FROM conflicts");
  s.marks = one("SELECT count(*) FROM audit_marks");
  s.imports = one("SELECT count(*) FROM imports");
  catalog_.refresh();
  // Per series (the key order: no sort), then per parameter and interval.
  struct Acc {
    ParameterCount c;
    std::set<std::string> sites;
  };
  std::map<std::pair<std::string, std::string>, Acc> by;  // (parameter, interval text)
  auto add = [&](const Row& r) {
    const SeriesKey& k = catalog_.series(r.i64(0));
    Acc& a = by[{k.parameter, std::string(to_string(k.interval))}];
    const auto n = std::size_t(r.i64(1));
    if (a.sites.empty() && a.c.count == 0) a.c = {k.parameter, k.interval, 0, 0, r.i64(2), r.i64(3)};
    a.c.count += n;
    a.c.first = std::min(a.c.first, r.i64(2));
    a.c.last = std::max(a.c.last, r.i64(3));
    a.sites.insert(k.site);
  };
  for (const std::string& table : observation_tables())
    db_->run("SELECT series, count(*), min(time), max(time) FROM " + table + " GROUP BY series", {}, add);
  for (auto& [key, a] : by) {
    a.c.sites = a.sites.size();
    s.observations += a.c.count;
    if (!s.first || a.c.first < *s.first) s.first = a.c.first;
    if (!s.last || a.c.last > *s.last) s.last = a.c.last;
    s.by_parameter.push_back(std::move(a.c));
  }
  return s;
}

// ---- records journal ----

std::int64_t SqlStore::append(const Record& r) {
  Record copy = r;
  append(std::span<Record>(&copy, 1));
  return copy.id;
}

void SqlStore::append(std::span<Record> batch) {
  const auto& d = db_->dialect();
  const std::string sql = "INSERT INTO records(kind, key, at, who, body) VALUES(" + d.param(1) + "," + d.param(2) + "," +
                          d.param(3) + "," + d.param(4) + "," + d.param(5) + ") RETURNING id";
  in_transaction([&] {
    for (Record& r : batch) {
      if (r.kind.empty()) throw core::Error(db_->where(), "a record needs a kind");
      if (!r.at) r.at = std::time(nullptr);
      const Param p[] = {std::string_view(r.kind), std::string_view(r.key), std::int64_t(r.at),
                         std::string_view(r.who), std::string_view(r.body)};
      db_->run(sql, p, [&](const Row& row) { r.id = row.i64(0); });
    }
  });
}

std::vector<Record> SqlStore::records(const RecordQuery& q) {
  auto w = detail::records_clause(q, db_->dialect().param);
  std::vector<Record> out;
  db_->run(std::string("SELECT ") + detail::kRecordCols + " FROM records" + w.sql, params(w.args), [&](const Row& r) {
    out.push_back(Record{r.i64(0), std::string(r.text(1)), std::string(r.text(2)), r.i64(3), std::string(r.text(4)),
                         std::string(r.text(5))});
  });
  return out;
}

}  // namespace skyriver::store
