// The SQLite connection of the store: one file in WAL mode with synchronous=FULL (a returned
// commit survives a killed process and a power cut: the WAL is fsync'ed at each commit, so a
// caller may acknowledge it), observations clustered on their key (WITHOUT ROWID), a 64 MiB
// page cache (the last page of every series being written stays in memory during imports), the
// WAL copied back into the file off the commit path (wal_checkpointer.h), and small writes
// appended to the recent segment first (recent_segment.h).
#include "core/error.h"
#include "core/store_error.h"
#include "store/backend.h"
#include "store/sqlite/recent_segment.h"
#include "store/sqlite/stored_row.h"
#include "store/sqlite/wal_checkpointer.h"

#include <sqlite3.h>

#include <memory>
#include <optional>
#include <unordered_map>

namespace skyriver::store {

namespace {

std::string qmark(int n) { return "?" + std::to_string(n); }

const Dialect kSqlite{
    "sqlite",
    "INTEGER",
    "REAL",
    "INTEGER",
    "INTEGER PRIMARY KEY",
    " WITHOUT ROWID",
    "",
    "CREATE INDEX IF NOT EXISTS observations_received ON observations(received_at)",
    "BEGIN IMMEDIATE",
    qmark,
    RecentSegment::kSchema,
    "observations_recent",
};

class SqliteRow final : public Row {
 public:
  explicit SqliteRow(sqlite3_stmt* st) : st_(st) {}
  bool null(int c) const override { return sqlite3_column_type(st_, c) == SQLITE_NULL; }
  std::int64_t i64(int c) const override { return sqlite3_column_int64(st_, c); }
  double real(int c) const override { return sqlite3_column_double(st_, c); }
  std::string_view text(int c) const override {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, c));
    return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(st_, c))) : std::string_view();
  }

 private:
  sqlite3_stmt* st_;
};

class SqliteBackend final : public Backend {
 public:
  explicit SqliteBackend(const std::string& path) : where_(path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
      std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      db_ = nullptr;
      throw core::StoreError(path, "cannot open SQLite store: " + why);
    }
    sqlite3_busy_timeout(db_, 30000);
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
    exec("PRAGMA cache_size=-65536");
    exec("PRAGMA temp_store=MEMORY");
    if (path != ":memory:") checkpointer_ = std::make_unique<WalCheckpointer>(db_, path);
    segment_.emplace(db_, path);
  }
  ~SqliteBackend() override {
    segment_.reset();
    checkpointer_.reset();  // its connection closes first: the writer's close then checkpoints the rest
    for (auto& [sql, c] : cache_) sqlite3_finalize(c.st);
    sqlite3_close(db_);
  }

  const Dialect& dialect() const override { return kSqlite; }
  const std::string& where() const override { return where_; }

  void exec(const std::string& sql) override {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string why = err ? err : "unknown error";
      sqlite3_free(err);
      throw core::StoreError(where_, why);
    }
  }

  std::size_t run(const std::string& sql, std::span<const Param> args, const RowFn& each) override {
    Statement st(*this, sql);
    bind(st.get(), args);
    const SqliteRow row(st.get());
    for (;;) {
      const int rc = sqlite3_step(st.get());
      if (rc == SQLITE_ROW) {
        if (each) each(row);
        continue;
      }
      if (rc != SQLITE_DONE) fail("step");
      break;
    }
    return sqlite3_stmt_readonly(st.get()) ? 0 : static_cast<std::size_t>(sqlite3_changes(db_));
  }

  void stream(const std::string& sql, std::span<const Param> args, const RowFn& each) override { run(sql, args, each); }

  void begin_write() override {
    exec("BEGIN IMMEDIATE");
    try {
      segment_->begin();
    } catch (...) {
      rollback();
      throw;
    }
  }
  void commit() override { exec("COMMIT"); }
  void rollback() noexcept override {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    segment_->forget();
  }
  void lock_schema() override {}  // BEGIN IMMEDIATE holds the file's write lock
  void prepare_times(std::span<const StoredRow>) override {}

  void insert_new(const std::string& table, std::span<const StoredRow> rows, std::vector<char>& inserted) override {
    if (table == "observations" && segment_->enabled()) {
      if (rows.size() < kBulkRows) return segment_->insert_new(rows, inserted);
      segment_->before_bulk();  // the bulk path below must see every stored key
    }
    Statement st(*this, "INSERT INTO " + table + "(" + kStoredRowCols +
                            ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8) ON CONFLICT DO NOTHING");
    inserted.assign(rows.size(), 0);
    if (rows.size() >= kBulkRows && checkpointer_) {
      // A bulk load (an import's batches): each commit rewrites the last page of every series
      // it touches into the WAL; copying the WAL into the file only every 256 MiB copies such
      // a page once for several commits (measured in docs/performance.md, "Run 3").
      checkpointer_->bulk();
    }
    sqlite3_stmt* s = st.get();
    for (std::size_t i = 0; i < rows.size(); ++i) {
      bind_row(s, rows[i]);
      if (sqlite3_step(s) != SQLITE_DONE) fail("insert");
      inserted[i] = sqlite3_changes(db_) == 1;
      sqlite3_reset(s);
    }
  }

  void fetch(std::span<const StoredRow> keys, std::vector<StoredRow>& out, std::vector<char>& found) override {
    Statement st(*this, std::string("SELECT ") + kStoredRowCols + " FROM observations WHERE series = ?1 AND time = ?2");
    out.assign(keys.size(), StoredRow{});
    found.assign(keys.size(), 0);
    sqlite3_stmt* s = st.get();
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (const StoredRow* r = segment_->enabled() ? segment_->find(keys[i].series, keys[i].time) : nullptr) {
        out[i] = *r;
        found[i] = 1;
        continue;
      }
      sqlite3_bind_int64(s, 1, keys[i].series);
      sqlite3_bind_int64(s, 2, keys[i].time);
      const int rc = sqlite3_step(s);
      if (rc == SQLITE_ROW) {
        out[i] = read_row(s);
        found[i] = 1;
      } else if (rc != SQLITE_DONE) {
        fail("lookup");
      }
      sqlite3_reset(s);
    }
  }

 private:
  struct Cached {
    sqlite3_stmt* st;
    bool busy;
  };

  // A prepared statement from the cache (or, while the cached one is in use by an enclosing
  // call, a fresh one), reset and unbound when the scope ends.
  class Statement {
   public:
    Statement(SqliteBackend& b, const std::string& sql) {
      auto it = b.cache_.find(sql);
      if (it != b.cache_.end() && !it->second.busy) {
        cached_ = &it->second;
      } else {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(b.db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) b.fail("prepare");
        // Statements with inline id lists vary without end: past the cap they are not kept.
        if (it == b.cache_.end() && b.cache_.size() < 256) cached_ = &b.cache_.emplace(sql, Cached{st, false}).first->second;
        else own_ = st;
      }
      if (cached_) cached_->busy = true;
    }
    ~Statement() {
      if (own_) {
        sqlite3_finalize(own_);
        return;
      }
      sqlite3_reset(cached_->st);
      sqlite3_clear_bindings(cached_->st);
      cached_->busy = false;
    }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    sqlite3_stmt* get() const { return own_ ? own_ : cached_->st; }

   private:
    Cached* cached_ = nullptr;
    sqlite3_stmt* own_ = nullptr;
  };

  void bind(sqlite3_stmt* st, std::span<const Param> args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
      const int k = static_cast<int>(i + 1);
      const Param& a = args[i];
      if (std::holds_alternative<std::monostate>(a)) sqlite3_bind_null(st, k);
      else if (auto v = std::get_if<std::int64_t>(&a)) sqlite3_bind_int64(st, k, *v);
      else if (auto d = std::get_if<double>(&a)) sqlite3_bind_double(st, k, *d);
      else {
        const auto s = std::get<std::string_view>(a);
        sqlite3_bind_text(st, k, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
      }
    }
  }

  [[noreturn]] void fail(const std::string& what) const { throw core::StoreError(where_, what + ": " + sqlite3_errmsg(db_)); }

  std::string where_;
  static constexpr std::size_t kBulkRows = 50000;
  sqlite3* db_ = nullptr;
  std::unique_ptr<WalCheckpointer> checkpointer_;  // none for ":memory:"
  std::unordered_map<std::string, Cached> cache_;
  std::optional<RecentSegment> segment_;  // made once the connection is open; reset before it closes
};

}  // namespace

std::unique_ptr<Backend> open_sqlite(const std::string& path) { return std::make_unique<SqliteBackend>(path); }

}  // namespace skyriver::store
