// Runs the data-driven water cases in tests/conformance/water/ (classes, sections, rivers, CWQI,
// TLI) against src/standards. Expected values live in the case files, worked from the standards.
#include "blocks.h"
#include "core/error.h"
#include "standards/cwqi.h"
#include "standards/tli.h"
#include "standards/water_class.h"
#include "standards/water_eval.h"
#include "assess/water_rules_file.h"

#include <gtest/gtest.h>

#include <fstream>

using namespace skyriver::standards;
using namespace skyriver::assess;
using namespace water_test;

namespace {

WaterBody body_of(const Block& b) { return b.get("body") == "lake" ? WaterBody::Lake : WaterBody::River; }

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (auto& x : v) s += (s.empty() ? "" : " ") + x;
  return s.empty() ? "-" : s;
}

}  // namespace

TEST(WaterConformance, Table1Boundaries) {
  std::ifstream in(conformance_path("classes.txt"));
  ASSERT_TRUE(in);
  std::string line;
  int n = 0, cases = 0;
  while (std::getline(in, line)) {
    ++n;
    auto w = words(line.substr(0, line.find('#')));
    if (w.empty()) continue;
    ASSERT_EQ(w.size(), 4u) << "classes.txt:" << n;
    const auto body = w[0] == "lake" ? WaterBody::Lake : WaterBody::River;
    const auto got = item_class(w[1], std::stod(w[2]), body);
    const std::string name = got ? std::string(class_name(*got)) : "-";
    EXPECT_EQ(name, w[3]) << "classes.txt:" << n << ": " << line;
    ++cases;
  }
  EXPECT_GT(cases, 150);
}

TEST(WaterConformance, Sections) {
  for (const auto& b : read_blocks("sections.txt")) {
    SCOPED_TRACE("sections.txt:" + std::to_string(b.line) + " [" + b.name + "]");
    std::optional<WaterClass> target;
    if (b.has("target")) target = parse_class(b.get("target"));
    const auto e = evaluate_section(pairs(b.get("values")), body_of(b), target);
    EXPECT_EQ(class_name(e.cls), b.get("class"));
    if (b.has("status")) EXPECT_EQ(e.status.name, b.get("status"));
    if (b.has("colour")) EXPECT_EQ(e.status.colour, b.get("colour"));
    if (b.has("main")) EXPECT_EQ(joined(e.main_pollutants), b.get("main"));
    if (b.has("meets_target")) {
      ASSERT_TRUE(e.meets_target);
      EXPECT_EQ(*e.meets_target, b.get("meets_target") == "true");
    }
    if (b.has("tn_class")) {
      ASSERT_TRUE(e.tn_class);
      EXPECT_EQ(class_name(*e.tn_class), b.get("tn_class"));
    }
    if (b.has("fcoli_class")) {
      ASSERT_TRUE(e.fcoli_class);
      EXPECT_EQ(class_name(*e.fcoli_class), b.get("fcoli_class"));
    }
    for (const char* key : {"exceed_iii", "exceed_target"}) {
      if (!b.has(key)) continue;
      const auto want = pairs(b.get(key));
      int with_multiple = 0;
      for (const auto& it : e.items) {
        const auto& got = std::string(key) == "exceed_iii" ? it.exceed_iii : it.exceed_target;
        if (got) ++with_multiple;
        auto w = want.find(it.code);
        if (w == want.end()) continue;
        ASSERT_TRUE(got) << it.code;
        EXPECT_NEAR(*got, w->second, 5e-5) << it.code;
      }
      if (b.get(key) == "-") EXPECT_EQ(with_multiple, 0);
    }
  }
}

TEST(WaterConformance, Rivers) {
  for (const auto& b : read_blocks("rivers.txt")) {
    SCOPED_TRACE("rivers.txt:" + std::to_string(b.line) + " [" + b.name + "]");
    std::vector<Concentrations> sections;
    for (auto& s : b.all("section")) sections.push_back(pairs(s));
    const auto r = evaluate_river(sections, body_of(b));
    EXPECT_EQ(r.by_shares ? "shares" : "means", b.get("method"));
    EXPECT_EQ(r.status.name, b.get("status"));
    if (b.has("share_i_iii")) EXPECT_NEAR(r.share_i_iii, std::stod(b.get("share_i_iii")), 1e-12);
    if (b.has("share_worse_v")) EXPECT_NEAR(r.share_worse_v, std::stod(b.get("share_worse_v")), 1e-12);
    if (b.has("class")) {
      ASSERT_TRUE(r.mean_eval);
      EXPECT_EQ(class_name(r.mean_eval->cls), b.get("class"));
    }
    if (b.has("main")) EXPECT_EQ(joined(r.main_pollutants), b.get("main"));
  }
}

TEST(WaterConformance, Cwqi) {
  for (const auto& b : read_blocks("cwqi.txt")) {
    SCOPED_TRACE("cwqi.txt:" + std::to_string(b.line) + " [" + b.name + "]");
    if (b.has("city")) {
      auto w = words(b.get("city"));
      EXPECT_NEAR(cwqi_city(std::stod(w[0]), std::stoi(w[1]), std::stod(w[2]), std::stoi(w[3])),
                  std::stod(b.get("total")), 1e-9);
      continue;
    }
    const auto c = cwqi(pairs(b.get("values")), body_of(b));
    EXPECT_NEAR(c.total, std::stod(b.get("total")), 1e-9);
    if (b.has("items"))
      for (auto& [code, want] : pairs(b.get("items"))) {
        bool found = false;
        for (auto& [k, v] : c.items)
          if (k == code) {
            found = true;
            EXPECT_NEAR(v, want, 1e-9) << code;
          }
        EXPECT_TRUE(found) << code;
      }
  }
}

TEST(WaterConformance, Tli) {
  for (const auto& b : read_blocks("tli.txt")) {
    SCOPED_TRACE("tli.txt:" + std::to_string(b.line) + " [" + b.name + "]");
    TliInput in;
    auto opt = [&](const char* k) -> std::optional<double> {
      return b.has(k) ? std::optional<double>(std::stod(b.get(k))) : std::nullopt;
    };
    in.chla = opt("chla"), in.tp = opt("tp"), in.tn = opt("tn"), in.sd = opt("sd"), in.codmn = opt("codmn");
    const auto r = tli(in);
    EXPECT_NEAR(r.tli, std::stod(b.get("tli")), 0.006);
    EXPECT_EQ(r.state, b.get("state"));
  }
}

// Bad input: a clear error naming the item, never a silent class.
TEST(WaterStandards, BadInputNamesTheItem) {
  try {
    item_class("nh4", 1.0, WaterBody::River);
    FAIL();
  } catch (const skyriver::core::Error& e) {
    EXPECT_EQ(e.where(), "item nh4");
  }
  EXPECT_THROW(item_class("cod", -1, WaterBody::River), skyriver::core::Error);
  EXPECT_THROW(evaluate_section({{"flow", 3}}, WaterBody::River), skyriver::core::Error);
  EXPECT_THROW(evaluate_section({{"tn", 3}}, WaterBody::Lake), skyriver::core::Error);  // no class item
  EXPECT_THROW(tli({}), skyriver::core::Error);
}

// Below the detection limit: half the limit in means (评价办法). 0.02L, 0.06, 0.10 ->
// (0.01 + 0.06 + 0.10) / 3 = 0.0566667.
TEST(WaterStandards, PeriodMeanHalfDetectionLimit) {
  const Measurement ms[] = {{0.02, true}, {0.06, false}, {0.10, false}};
  EXPECT_NEAR(*period_mean(ms), 0.17 / 3, 1e-12);
  EXPECT_FALSE(period_mean({}));
}

// Real-time class over what a station measures (pH, DO, CODMn, NH3-N, TP + cond, turb).
// NH3-N 0.6 is III (0.5 < 0.6 <= 1.0), TP 0.25 river is IV (0.2 < 0.25 <= 0.3) -> IV, based on
// 5 items; cond/turb ignored.
TEST(WaterStandards, RealtimeClassNamesItsBasis) {
  const auto rc = realtime_class(
      {{"ph", 7.6}, {"do", 6.8}, {"codmn", 4.2}, {"nh3n", 0.6}, {"tp", 0.25}, {"cond", 820}, {"turb", 12}},
      WaterBody::River);
  EXPECT_EQ(class_name(rc.eval.cls), "IV");
  EXPECT_EQ(rc.basis, "based on 5 items: ph do codmn nh3n tp");
  EXPECT_EQ(rc.eval.not_measured.size(), 16u);
}

// The [U] rules are configuration: the shipped config/datong/water.toml equals the built-in
// defaults, and switching main_order to the digest's "multiple" reorders the
// class_before_multiple case of sections.txt: phenol (IV, 0.8) before nh3n (V, 0.6) before cod.
TEST(WaterRules, ConfigurableUnconfirmedRules) {
  const auto shipped = load_evaluation_rules(std::string(SKYRIVER_SOURCE_DIR) + "/config/datong/water.toml");
  const auto& d = default_rules();
  EXPECT_EQ(shipped.main_order, d.main_order);
  EXPECT_EQ(shipped.metals_first, d.metals_first);
  EXPECT_EQ(shipped.max_main_pollutants, d.max_main_pollutants);
  EXPECT_EQ(shipped.min_sections_for_shares, d.min_sections_for_shares);
  EXPECT_DOUBLE_EQ(shipped.below_detection_factor, d.below_detection_factor);
  EXPECT_DOUBLE_EQ(shipped.excellent_i_iii, d.excellent_i_iii);
  EXPECT_DOUBLE_EQ(shipped.moderate_worse_v, d.moderate_worse_v);
  EXPECT_DOUBLE_EQ(shipped.tli_moderate, d.tli_moderate);

  EvaluationRules r;
  r.main_order = MainPollutantOrder::Multiple;
  const Concentrations v{{"ph", 7.2}, {"do", 5.5}, {"codmn", 5}, {"cod", 25}, {"nh3n", 1.6}, {"tp", 0.15}, {"phenol", 0.009}};
  EXPECT_EQ(evaluate_section(v, WaterBody::River, std::nullopt, r).main_pollutants,
            (std::vector<std::string>{"phenol", "nh3n", "cod"}));
  // A missing file gives the defaults; a bad value names the key.
  EXPECT_EQ(load_evaluation_rules("/nonexistent/water.toml").max_main_pollutants, 3);
  const std::string bad = ::testing::TempDir() + "water_bad.toml";
  std::ofstream(bad) << "[evaluation]\nmain_order = \"size\"\n";
  try {
    load_evaluation_rules(bad);
    FAIL();
  } catch (const skyriver::core::Error& e) {
    EXPECT_EQ(e.where(), bad + ": evaluation.main_order");
  }
}
