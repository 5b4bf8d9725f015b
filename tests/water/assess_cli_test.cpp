// `skyriver water assess` on real data: the four captures of the national real-time release
// (../shared/water/) imported with --format cnemc-water, then November 2025 assessed from the
// store for Datong's sections. Expected means and classes worked by hand from the capture's
// 原始值 columns (4 observation times per station: 11-06 20:00, 11-07 16:00, 11-08 08:00 and
// 12:00), GB 3838-2002 Table 1 (river limits), 环办〔2011〕22号 (period mean of the valid values,
// class = worst item).
#include "../support/run_cli.h"
#include "../support/shared_data.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <map>
#include <string>

#include <unistd.h>

namespace {

const auto run = skyriver::test::run_cli;
const std::string kSrc = SKYRIVER_SOURCE_DIR;
const std::string kCapture =
    std::string(SKYRIVER_SHARED_DIR) + "/water/cnemc_water_realtime_2025-11-06_08.csv";

class WaterAssessCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // One store per process: ctest runs each test of this suite in its own process, in parallel.
    db_ = (std::filesystem::path(::testing::TempDir()) / ("water_assess_" + std::to_string(::getpid()) + ".db")).string();
    std::filesystem::remove(db_);
    if (!std::filesystem::is_regular_file(kCapture)) return;
    import_ = run("import --format cnemc-water --no-progress --db " + db_ + " --config " + kSrc +
                  "/config/datong --rejects " + db_ + ".rejects " + kCapture);
  }
  void SetUp() override {
    SKYRIVER_REQUIRE_SHARED_DATA();
    ASSERT_EQ(import_.status, 0) << import_.out;
  }
  static nlohmann::json assess(const std::string& args) {
    auto [rc, out] = run("water assess " + args + " --json --db " + db_ + " --config " + kSrc + "/config/datong");
    EXPECT_EQ(rc, 0) << out;
    return nlohmann::json::parse(out, nullptr, false);
  }
  static inline std::string db_;
  static inline skyriver::test::CliRun import_{-1, "not run"};
};

TEST_F(WaterAssessCli, NovemberFromTheStore) {
  const auto j = assess("--month 2025-11");
  ASSERT_TRUE(j.is_object());
  std::map<std::string, nlohmann::json> s;
  for (const auto& x : j["sections"]) s[x["id"]] = x;
  // 古家坡: CODMn (5.841+4.871+5.291+5.721)/4 = 5.431 (III: 4 < x <= 6); NH3-N
  // (0.2081+0.3121+0.4601+0.8931)/4 = 0.46835 (II); TP (0.15601+0.15941+0.17411+0.20891)/4 =
  // 0.17461 (III: 0.1 < x <= 0.2) → III, nothing worse than III: no main pollutant.
  const auto& g = s["sangganhe_gujiapo"];
  EXPECT_EQ(g["class"], "III");
  EXPECT_NEAR(g["means"]["codmn"].get<double>(), 5.431, 1e-9);
  EXPECT_NEAR(g["means"]["nh3n"].get<double>(), 0.46835, 1e-9);
  EXPECT_NEAR(g["means"]["tp"].get<double>(), 0.17461, 1e-9);
  EXPECT_EQ(g["samples"]["tp"], 4);
  EXPECT_TRUE(g["main_pollutants"].empty());
  // 册田水库出口 (a river section, as the release classes it): CODMn 15.584/4 = 3.896 (II), NH3-N
  // 1.0504/4 = 0.2626 (II), TP 0.2174/4 = 0.05435 (river II: 0.02 < x <= 0.1) → II.
  EXPECT_EQ(s["sangganhe_cetian_outlet"]["class"], "II");
  EXPECT_NEAR(s["sangganhe_cetian_outlet"]["means"]["tp"].get<double>(), 0.05435, 1e-9);
  // 下北泉村: TP (0.09791+0.08721+0.10731+0.11001)/4 = 0.10061 (> 0.1: III) → III.
  EXPECT_EQ(s["tanghe_xiabeiquancun"]["class"], "III");
  // 堡子湾: CODMn (3.401+5.281+4.821+5.801)/4 = 4.826 (III), TP 0.72844/4 = 0.18211 (III) → III.
  EXPECT_EQ(s["yuhe_baoziwan"]["class"], "III");
  // 利仁皂 was in maintenance without values: listed, not evaluated.
  EXPECT_TRUE(s["yuhe_lirenzao"]["class"].is_null());
  EXPECT_TRUE(s["yuhe_lirenzao"].contains("excluded"));
  // No target class is known (register: to be confirmed by the bureau), so "met" is unknown;
  // no data a year earlier.
  EXPECT_TRUE(g["target_class"].is_null());
  EXPECT_TRUE(g["met"].is_null());
  EXPECT_TRUE(g["last_year"].is_null());
  // The year to date holds the same four times.
  const auto y = assess("--year 2025 --site sangganhe_gujiapo");
  ASSERT_EQ(y["sections"].size(), 1u);
  EXPECT_NEAR(y["sections"][0]["means"]["codmn"].get<double>(), 5.431, 1e-9);
}

TEST_F(WaterAssessCli, BadArgumentsNameThePlace) {
  auto [rc1, out1] = run("water assess --month 2025-13 --db " + db_ + " --config " + kSrc + "/config/datong");
  EXPECT_NE(rc1, 0);
  EXPECT_NE(out1.find("--month"), std::string::npos) << out1;
  auto [rc2, out2] = run("water assess --month 2025-11 --site nowhere --db " + db_ + " --config " + kSrc + "/config/datong");
  EXPECT_NE(rc2, 0);
  EXPECT_NE(out2.find("--site"), std::string::npos) << out2;
  auto [rc3, out3] = run("water assess --db " + db_ + " --config " + kSrc + "/config/datong");
  EXPECT_NE(rc3, 0);
  EXPECT_NE(out3.find("--month YYYY-MM or --year YYYY"), std::string::npos) << out3;
}

}  // namespace
