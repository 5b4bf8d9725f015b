// The real public data beside the project (../shared, SKYRIVER_SHARED_DIR; see PROVENANCE.md
// there). A test that needs it calls SKYRIVER_REQUIRE_SHARED_DATA() first: without the folder
// it is skipped with that reason on a developer's machine, and FAILS under CI=true, so CI never
// passes silently without the real-data checks. scripts/test.sh says once that it is missing.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace skyriver::test {

inline bool shared_data_present() {
  std::error_code ec;
  return std::filesystem::is_directory(std::string(SKYRIVER_SHARED_DIR) + "/data", ec);
}

inline bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci && std::string(ci) == "true";
}

}  // namespace skyriver::test

#define SKYRIVER_REQUIRE_SHARED_DATA()                                                                  \
  do {                                                                                                  \
    if (!skyriver::test::shared_data_present()) {                                                       \
      if (skyriver::test::running_in_ci())                                                              \
        FAIL() << "CI=true but the real data folder " SKYRIVER_SHARED_DIR "/data is missing";           \
      GTEST_SKIP() << "real data folder " SKYRIVER_SHARED_DIR "/data is missing: test skipped (local run)"; \
    }                                                                                                   \
  } while (0)
