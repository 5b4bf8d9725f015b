// The bundled Datong 2019 sample imported once per test program into a scratch SQLite store by
// the real `skyriver import` (removed at exit). Test helper only.
#pragma once

#include "../support/run_cli.h"

#include <filesystem>
#include <string>
#include <unistd.h>

namespace skyriver::test {

struct SampleStore {
  std::string dir, db, log;
  bool ok = false;
  SampleStore() {
    dir = (std::filesystem::temp_directory_path() / ("skyriver-report-test-" + std::to_string(::getpid()))).string();
    std::filesystem::create_directories(dir);
    db = dir + "/store.db";
    const auto r = run_cli("import --format cnemc --no-progress --config " + std::string(SKYRIVER_SOURCE_DIR) + "/config/datong --db " + db +
                           " " + SKYRIVER_SOURCE_DIR + "/data/datong/china_sites_2019_datong_sample.csv.gz");
    ok = r.status == 0 && r.out.find("rejected 0") != std::string::npos;
    log = r.out;
  }
  ~SampleStore() { std::filesystem::remove_all(dir); }
};

inline SampleStore& sample_store() {
  static SampleStore s;
  return s;
}

}  // namespace skyriver::test
