// `skyriver compensate` on the chain scenario (tests/conformance/water/compensation/): every
// format carries every line, the county nets and the city total worked in chain_expected.txt.
#include "blocks.h"

#include "../support/run_cli.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace {

const auto run = skyriver::test::run_cli;

std::string chain_args(const std::string& format) {
  const std::string d = water_test::conformance_path("compensation/");
  return "compensate --period 2026Q3 --rules " + d + "chain.toml --samples " + d +
         "chain_samples.csv --format " + format;
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + what.size())) ++n;
  return n;
}

constexpr int kLines = 15;  // chain_expected.txt: 12 factor lines + 3 rewards

}  // namespace

TEST(CompensateCli, Json) {
  auto [rc, out] = run(chain_args("json"));
  ASSERT_EQ(rc, 0) << out;
  const auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["lines"].size(), static_cast<std::size_t>(kLines));
  EXPECT_EQ(j["counties"].size(), 4u);
  EXPECT_DOUBLE_EQ(j["city"]["net"].get<double>(), -90);
  EXPECT_DOUBLE_EQ(j["counties"][3]["rewarded"].get<double>(), 210);
  EXPECT_EQ(j["lines"][8]["kind"], "excluded");
}

TEST(CompensateCli, CsvHasEveryLineAndTotals) {
  auto [rc, out] = run(chain_args("csv"));
  ASSERT_EQ(rc, 0) << out;
  EXPECT_EQ(count(out, ",deduction,"), 5);
  EXPECT_EQ(count(out, ",compliant,"), 6);
  EXPECT_EQ(count(out, ",excluded,"), 1);
  EXPECT_EQ(count(out, ",reward,"), 3);
  EXPECT_EQ(count(out, ",county_total,"), 4);
  EXPECT_NE(out.find(",city_total,,,,,,,,,,,,300,210,-90\n"), std::string::npos) << out;
}

TEST(CompensateCli, HtmlHasEveryLine) {
  auto [rc, out] = run(chain_args("html"));
  ASSERT_EQ(rc, 0) << out;
  EXPECT_EQ(count(out, "<tr class=\""), kLines);
  EXPECT_EQ(count(out, "<tr class=\"excluded\">"), 1);
  EXPECT_NE(out.find("too few valid samples: 1 of 2 required"), std::string::npos);
  EXPECT_NE(out.find("x_other"), std::string::npos);
}

TEST(CompensateCli, XlsxIsAWorkbookWithBothSheets) {
  const std::string file = ::testing::TempDir() + "statement.xlsx";
  std::remove(file.c_str());
  auto [rc, out] = run(chain_args("xlsx") + " --out " + file);
  ASSERT_EQ(rc, 0) << out;
  auto [lrc, list] = [&] {
    FILE* p = popen(("unzip -l " + file).c_str(), "r");
    std::string s;
    std::array<char, 4096> buf;
    while (auto n = fread(buf.data(), 1, buf.size(), p)) s.append(buf.data(), n);
    return std::pair<int, std::string>{pclose(p), s};
  }();
  ASSERT_EQ(lrc, 0) << "not a valid zip: " << list;
  EXPECT_NE(list.find("xl/worksheets/sheet2.xml"), std::string::npos);
  auto unzip_p = [&](const std::string& member) {
    FILE* p = popen(("unzip -p " + file + " " + member).c_str(), "r");
    std::string s;
    std::array<char, 4096> buf;
    while (auto n = fread(buf.data(), 1, buf.size(), p)) s.append(buf.data(), n);
    pclose(p);
    return s;
  };
  const std::string wb = unzip_p("xl/workbook.xml");
  EXPECT_NE(wb.find("name=\"summary\""), std::string::npos) << wb;
  EXPECT_NE(wb.find("name=\"lines\""), std::string::npos) << wb;
  // Sheet "lines": a header row and one row per statement line.
  EXPECT_EQ(count(unzip_p("xl/worksheets/sheet2.xml"), "<row "), kLines + 1);
  EXPECT_NE(unzip_p("xl/sharedStrings.xml").find("s3 s3"), std::string::npos);
}

TEST(CompensateCli, Errors) {
  auto [rc, out] = run("compensate --period 2026Q5 --samples x.csv");
  EXPECT_EQ(rc, 2);
  EXPECT_NE(out.find("--period"), std::string::npos) << out;
  auto [rc2, out2] = run(chain_args("xlsx"));
  EXPECT_EQ(rc2, 2);
  EXPECT_NE(out2.find("--out"), std::string::npos) << out2;
}

// End to end with the Datong rules: `skyriver import --format long` of datong_q3.csv into a fresh
// store, then `skyriver compensate --db`. Worked by hand (config/datong/compensation.toml
// defaults): 册田水库出口 (云州区 outflow, reservoir, III: cod 20, nh3n 1.0, lake TP 0.05):
// cod (22+24+26)/3 = 24 -> e 0.2 -> tier 1, 50 (its inflows have no samples: no upstream
// relief); nh3n 0.9 and tp 0.05 meet. 固定桥 (阳高县 outflow, IV: cod 30, nh3n 1.5, tp 0.3),
// inflow 册田水库出口: cod 33, the inflow fails (24 > 20) but R = max(30, 24) = 30, e 0.1 ->
// 50; nh3n 1.8, inflow 0.9 meets, e = 0.3/1.5 = 0.2 -> 50; tp 0.2 meets. 阳高县's 南洋河 section
// has no samples: 3 excluded lines. 云州区 50, 阳高县 100, city 150.
TEST(CompensateCli, DatongFromTheStore) {
  const std::string db = ::testing::TempDir() + "water_e2e.db";
  std::remove(db.c_str());
  const std::string src = SKYRIVER_SOURCE_DIR;
  auto [irc, iout] = run("import --format long --interval day --no-progress --db " + db + " --config " +
                         src + "/config/datong " + water_test::conformance_path("compensation/datong_q3.csv"));
  ASSERT_EQ(irc, 0) << iout;
  auto [rc, out] = run("compensate --period 2026Q3 --format json --db " + db + " --config " + src +
                       "/config/datong");
  ASSERT_EQ(rc, 0) << out;
  const auto j = nlohmann::json::parse(out);
  double yunzhou = -1, yanggao = -1;
  for (const auto& c : j["counties"]) {
    if (c["code"] == "140215") yunzhou = c["deducted"].get<double>();
    if (c["code"] == "140221") yanggao = c["deducted"].get<double>();
  }
  EXPECT_DOUBLE_EQ(yunzhou, 50);
  EXPECT_DOUBLE_EQ(yanggao, 100);
  EXPECT_DOUBLE_EQ(j["city"]["deducted"].get<double>(), 150);
  int excluded_nanyang = 0;
  for (const auto& l : j["lines"])
    if (l["section"] == "nanyanghe_yanggao_out" && l["kind"] == "excluded") ++excluded_nanyang;
  EXPECT_EQ(excluded_nanyang, 3);
  for (const auto& l : j["lines"])
    if (l["section"] == "sangganhe_gudingqiao" && l["factor"] == "cod") {
      EXPECT_DOUBLE_EQ(l["reference"].get<double>(), 30);
      EXPECT_NEAR(l["exceedance"].get<double>(), 0.1, 1e-12);
      EXPECT_EQ(l["inflow_section"], "sangganhe_cetian_outlet");
    }
}
