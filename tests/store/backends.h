// The backends every store test runs against: SQLite (a fresh file per test) and PostgreSQL
// (a fresh schema per test on the server named by SKYRIVER_TEST_PG). Without SKYRIVER_TEST_PG
// the PostgreSQL cases are skipped locally but FAIL in CI (CI=true), so CI never passes
// silently without them. Shared by tests/store and tests/import.
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace skyriver::testkit {

inline std::string unique_name(const std::string& prefix) {
  static std::atomic<int> counter{0};
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  return prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(now % 1000000007) + "_" +
         std::to_string(counter++);
}

inline std::filesystem::path scratch_dir() {
  auto d = std::filesystem::temp_directory_path() / unique_name("skyriver_test");
  std::filesystem::create_directories(d);
  return d;
}

// A store URL for a fresh, empty store of `backend` ("sqlite" or "postgresql"); calls
// GTEST_SKIP / FAIL through the returned empty string when PostgreSQL is not available.
inline std::string fresh_store_url(const std::string& backend, const std::filesystem::path& dir) {
  if (backend == "sqlite") return (dir / "store.db").string();
  const char* pg = std::getenv("SKYRIVER_TEST_PG");
  if (!pg || !*pg) return "";
  std::string url = pg;
  url += (url.find('?') == std::string::npos ? "?" : "&");
  return url + "schema=" + unique_name("t");
}

inline bool pg_required() {
  const char* ci = std::getenv("CI");
  return ci && std::string(ci) == "true";
}

inline std::string backend_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

}  // namespace skyriver::testkit

// In a fixture's SetUp(): url_ = SKYRIVER_FRESH_URL(GetParam(), dir_);
#define SKYRIVER_FRESH_URL(backend, dir)                                                  \
  [&]() {                                                                                 \
    std::string u = skyriver::testkit::fresh_store_url(backend, dir);                     \
    return u;                                                                             \
  }()
#define SKYRIVER_REQUIRE_BACKEND(url)                                                     \
  do {                                                                                    \
    if ((url).empty()) {                                                                  \
      if (skyriver::testkit::pg_required())                                               \
        FAIL() << "CI=true but SKYRIVER_TEST_PG is not set: PostgreSQL tests cannot run"; \
      GTEST_SKIP() << "SKYRIVER_TEST_PG not set: PostgreSQL case skipped (local run)";    \
    }                                                                                     \
  } while (0)
