#include "store/store.h"

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

std::unique_ptr<Backend> open_backend(const std::string& url_in) {
  std::string url = url_in.empty() ? Store::default_url() : url_in;
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) return open_postgres(url);
  if (url.rfind("sqlite:", 0) == 0) url = url.substr(7);
  if (url != ":memory:") {
    const auto parent = std::filesystem::path(url).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) throw core::Error(url, "cannot create folder " + parent.string() + ": " + ec.message());
  }
  return open_sqlite(url);
}

std::unique_ptr<Store> Store::open(const std::string& url) { return std::make_unique<SqlStore>(open_backend(url)); }

}  // namespace skyriver::store
