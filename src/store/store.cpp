#include "store/store.h"
#include "store/open.h"

#include "core/error.h"
#include "store/backend.h"
#include "store/sql_store.h"

#include <filesystem>

namespace skyriver::store {

std::string_view to_string(Interval i) {
  switch (i) {
    case Interval::rtd: return "rtd";
    case Interval::min: return "min";
    case Interval::hour: return "hour";
    case Interval::day: return "day";
  }
  return "?";
}

std::optional<Interval> parse_interval(std::string_view s) {
  if (s == "rtd") return Interval::rtd;
  if (s == "min") return Interval::min;
  if (s == "hour") return Interval::hour;
  if (s == "day") return Interval::day;
  return std::nullopt;
}

namespace {

bool is_postgres(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

std::string sqlite_path(const std::string& url) { return url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url; }

// A PostgreSQL store is there when its schema_version table is (in the schema the URL selects).
bool has_store_tables(Backend& db) {
  bool found = false;
  db.run("SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND "
         "table_name = 'schema_version'",
         {}, [&](const Row&) { found = true; });
  return found;
}

core::Error missing(const std::string& where) {
  return core::Error(where, "no store there (nothing was created); check --db, or create one with `skyriver db init`");
}

}  // namespace

bool store_exists(const std::string& url_in) {
  const std::string url = url_in.empty() ? Store::default_url() : url_in;
  if (is_postgres(url)) {
    auto db = open_postgres(url);
    return has_store_tables(*db);
  }
  const std::string path = sqlite_path(url);
  return path != ":memory:" && std::filesystem::exists(path);
}

std::unique_ptr<Backend> open_backend(const std::string& url_in) {
  std::string url = url_in.empty() ? Store::default_url() : url_in;
  if (is_postgres(url)) return open_postgres(url);
  url = sqlite_path(url);
  if (url != ":memory:") {
    const auto parent = std::filesystem::path(url).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) throw core::Error(url, "cannot create folder " + parent.string() + ": " + ec.message());
  }
  return open_sqlite(url);
}

std::unique_ptr<Store> Store::open(const std::string& url) { return open_store(url, OpenMode::create); }

std::unique_ptr<Store> open_store(const std::string& url_in, OpenMode mode) {
  const std::string url = url_in.empty() ? Store::default_url() : url_in;
  if (mode == OpenMode::existing && !is_postgres(url)) {
    const std::string path = sqlite_path(url);
    if (path == ":memory:" || !std::filesystem::exists(path)) throw missing(path);
  }
  auto db = open_backend(url);
  if (mode == OpenMode::existing && is_postgres(url) && !has_store_tables(*db)) throw missing(db->where());
  return std::make_unique<SqlStore>(std::move(db));
}

}  // namespace skyriver::store
