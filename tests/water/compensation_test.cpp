// Eco-compensation: the chain scenario of tests/conformance/water/compensation/ (worked by hand
// in chain_expected.txt), the monthly basis and upstream variants, and bad input.
#include "assess/compensation.h"
#include "blocks.h"
#include "core/error.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>

using namespace skyriver;
using namespace skyriver::assess;
using water_test::conformance_path;
using water_test::words;

namespace {

std::string path(const std::string& f) { return conformance_path("compensation/" + f); }

Statement chain(Rules rules) {
  return compensate(rules, parse_period("2026Q3"), read_samples_csv(path("chain_samples.csv")));
}

void expect_opt(std::optional<double> got, const std::string& want, const std::string& what) {
  if (want == "-") {
    EXPECT_FALSE(got) << what;
  } else {
    ASSERT_TRUE(got) << what;
    EXPECT_NEAR(*got, std::stod(want), 5e-5) << what;
  }
}

// A file with one bad line, for the error tests.
std::string temp_file(const std::string& name, const std::string& text) {
  const std::string p = ::testing::TempDir() + name;
  std::ofstream(p) << text;
  return p;
}

}  // namespace

TEST(Compensation, ChainStatementMatchesLineByLine) {
  const Statement st = chain(load_rules(path("chain.toml")));
  std::ifstream in(path("chain_expected.txt"));
  std::string line;
  std::size_t i = 0;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    auto w = words(line.substr(0, line.find('#')));
    if (w.empty()) continue;
    SCOPED_TRACE("chain_expected.txt:" + std::to_string(n) + ": " + line);
    if (w[0] == "total") {
      bool found = false;
      for (const auto& c : st.counties)
        if (c.code == w[1]) {
          found = true;
          EXPECT_DOUBLE_EQ(c.deducted, std::stod(w[2]));
          EXPECT_DOUBLE_EQ(c.rewarded, std::stod(w[3]));
        }
      EXPECT_TRUE(found);
      continue;
    }
    if (w[0] == "city") {
      EXPECT_DOUBLE_EQ(st.deducted, std::stod(w[1]));
      EXPECT_DOUBLE_EQ(st.rewarded, std::stod(w[2]));
      EXPECT_DOUBLE_EQ(st.net(), std::stod(w[3]));
      continue;
    }
    ASSERT_EQ(w.size(), 10u);
    ASSERT_LT(i, st.lines.size());
    const Line& l = st.lines[i++];
    EXPECT_EQ(l.county, w[0]);
    EXPECT_EQ(l.section, w[1]);
    EXPECT_EQ(l.span, w[2]);
    EXPECT_EQ(l.factor.empty() ? "-" : l.factor, w[3]);
    EXPECT_EQ(to_string(l.kind), w[4]) << l.clause;
    expect_opt(l.mean, w[5], "mean");
    if (l.kind != LineKind::Excluded) expect_opt(l.reference, w[6], "reference");
    expect_opt(l.exceedance, w[7], "exceedance");
    EXPECT_EQ(l.tier, std::stoi(w[8]));
    EXPECT_DOUBLE_EQ(l.amount, std::stod(w[9]));
  }
  EXPECT_EQ(i, st.lines.size()) << "the statement has lines the expectation lacks";
  // The excluded line says why; the notes name what was not assessed or ignored.
  EXPECT_NE(st.lines[8].clause.find("1 of 2 required (1 flagged or marked invalid)"), std::string::npos)
      << st.lines[8].clause;
  ASSERT_EQ(st.notes.size(), 2u);
  EXPECT_EQ(st.notes[0], "outflow sections (location, county or target) to be confirmed by the city: s1, s2, s3, s4");
  EXPECT_NE(st.notes[1].find("1 samples of site x_other ignored"), std::string::npos);
}

// Monthly accumulation (Shanxi 2013: deductions accumulate monthly per section), the upstream
// rule applied month by month. County A, s1 (III), inflow e (III):
//   cod  Jul 24 (e 18 meets): (24-20)/20 = 0.2 -> tier 1, 50; Aug 27 (e 20 meets): 0.35 -> 50;
//        Sep 30, e 22 fails -> R = 22, (30-22)/22 = 0.3636 -> 50.                      = 150
//   nh3n Jul 1.6: 0.6 -> tier 2, 100; Aug 1.8: 0.8 -> 100; Sep 2.0, e 1.2 fails -> R = 1.2,
//        (2.0-1.2)/1.2 = 0.6667 -> 100.                                                   = 300
//   tp   Jul 0.15, Aug 0.18 meet; Sep 0.21 > 0.2 but e 0.3 fails -> R = 0.3 -> compliant.  = 0
// A deducted 450.
TEST(Compensation, MonthlyBasisAccumulates) {
  Rules r = load_rules(path("chain.toml"));
  r.basis = Basis::Month;
  const Statement st = chain(r);
  double a = 0;
  int lines_a = 0;
  for (const auto& l : st.lines)
    if (l.county == "140212") {
      a += l.amount;
      ++lines_a;
      if (l.factor == "tp" && l.span == "2026-09") {
        EXPECT_EQ(l.kind, LineKind::Compliant);
        EXPECT_DOUBLE_EQ(*l.reference, 0.3);
      }
      if (l.factor == "cod" && l.span == "2026-09") EXPECT_NEAR(*l.exceedance, 8.0 / 22, 1e-12);
    }
  EXPECT_EQ(lines_a, 9);  // 3 months x 3 factors
  EXPECT_DOUBLE_EQ(a, 450);
  EXPECT_DOUBLE_EQ(st.counties[0].deducted, 450);
}

// Without the upstream rule, B's nh3n is judged alone: (2.7 - 1.5) / 1.5 = 0.8 -> tier 2, 100;
// cod (36 - 30) / 30 = 0.2 -> 50; B deducted 150. C's cod 34: (34 - 30) / 30 = 0.1333 -> 50;
// nh3n (3.0 - 1.5) / 1.5 = 1.0 -> tier 2, 100; C deducted 150.
// With subtract_inflow_exceedance: B nh3n 0.8 - (1.8 - 1.0) / 1.0 = 0 -> compliant; cod 0.2 -
// (27 - 20) / 20 = -0.15 -> compliant: B 0. C cod 0.1333 - 0.2 < 0 -> 0; nh3n 1.0 - 0.8 = 0.2
// -> tier 1, 50: C 50.
TEST(Compensation, UpstreamRuleVariants) {
  Rules r = load_rules(path("chain.toml"));
  r.upstream = UpstreamRule::None;
  Statement st = chain(r);
  EXPECT_DOUBLE_EQ(st.counties[1].deducted, 150);
  EXPECT_DOUBLE_EQ(st.counties[2].deducted, 150);
  r.upstream = UpstreamRule::SubtractInflowExceedance;
  st = chain(r);
  EXPECT_DOUBLE_EQ(st.counties[1].deducted, 0);
  EXPECT_DOUBLE_EQ(st.counties[2].deducted, 50);
}

TEST(Compensation, PeriodParsing) {
  const Period p = parse_period("2026Q3");
  EXPECT_EQ(p.from, core::beijing_midnight({2026, 7, 1}));
  EXPECT_EQ(p.to, core::beijing_midnight({2026, 10, 1}));
  EXPECT_EQ(parse_period("2026Q4").to, core::beijing_midnight({2027, 1, 1}));
  EXPECT_EQ(same_period_year_before(p).label, "2025Q3");
  EXPECT_THROW(parse_period("2026Q5"), core::Error);
  EXPECT_THROW(parse_period("2026-07"), core::Error);
}

// Bad input is a clear error naming file:line and the reason, never a silent zero.
TEST(Compensation, BadSamplesNameTheLine) {
  auto expect_error = [](const std::string& text, const std::string& where, const std::string& why) {
    const std::string p = temp_file("bad_samples.csv", text);
    try {
      read_samples_csv(p);
      FAIL() << "no error for " << text;
    } catch (const core::Error& e) {
      EXPECT_EQ(e.where(), p + ":" + where);
      EXPECT_NE(e.why().find(why), std::string::npos) << e.why();
    }
  };
  expect_error("site,time,parameter,value\ns1,2026-07-10,codcr,20\n", "2", "unknown water parameter 'codcr'");
  expect_error("s1,2026-07-10,cod,20\ns1,2026-07-11,nh3n,-0.5\n", "2", "negative concentration");
  expect_error("s1,2026-07-10,cod,abc\n", "1", "not a number");
  expect_error("s1,2026-13-10,cod,20\n", "1", "time");
  expect_error("s1,2026-07-10,cod,20,ug/L\n", "1", "unit 'ug/L' for cod: expected mg/L");
  expect_error("s1,2026-07-10,cod,20,mg/L,X\n", "1", "flag 'X'");
  // Below the detection limit is a value, not an error: "0.02L".
  const auto ok = read_samples_csv(temp_file("dl.csv", "s1,2026-07-10,tp,0.02L,mg/L,N\n"));
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_TRUE(ok[0].below_detection);
  EXPECT_DOUBLE_EQ(ok[0].value, 0.02);
}

TEST(Compensation, BadRulesNameTheKey) {
  std::string base;
  {
    std::ifstream in(path("chain.toml"));
    base.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto expect_error = [&](std::string text, const std::string& where_part, const std::string& why) {
    const std::string p = temp_file("bad.toml", text);
    try {
      load_rules(p);
      FAIL() << "no error: " << why;
    } catch (const core::Error& e) {
      EXPECT_NE(e.where().find(where_part), std::string::npos) << e.what();
      EXPECT_NE(e.why().find(why), std::string::npos) << e.what();
    }
  };
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string t = base;
    t.replace(t.find(from), from.size(), to);
    return t;
  };
  // A section without a target.
  expect_error(replace("id = \"s4\"\nriver = \"T\"\ntarget = \"III\"", "id = \"s4\"\nriver = \"T\""),
               "section s4", "no target class");
  expect_error(replace("outflow = [{ section = \"s4\" }]", "outflow = [{ section = \"s9\" }]"),
               "county 140226", "'s9' is not defined");
  expect_error(replace("factors = [\"cod\", \"nh3n\", \"tp\"]", "factors = [\"cod\", \"do\"]"),
               "scheme.factors", "'do'");
  expect_error(replace("up_to = 5.0", "up_to = 0.7"), "tier[3]", "ascend");
  expect_error(replace("target = \"IV\"", "target = \"劣V\""), "section s2", "not I..V");
}

// Rules shipped for Datong load and name the four real sections of the city configuration.
TEST(Compensation, DatongRulesLoad) {
  const Rules r = load_rules(std::string(SKYRIVER_SOURCE_DIR) + "/config/datong/compensation.toml");
  for (const char* id : {"yuhe_lirenzao", "sangganhe_gudingqiao", "sangganhe_cetian_outlet", "hunhe_xiaoxinzhuang"})
    EXPECT_TRUE(r.section(id)) << id;
  EXPECT_EQ(r.tiers.size(), 5u);
  EXPECT_TRUE(r.amounts_are_defaults);
  EXPECT_EQ(r.counties.size(), 10u);
}

// Robustness of the samples reader (SQLite-style): every mangled line either parses or is
// rejected with a core::Error naming file:line; nothing else escapes and nothing crashes.
TEST(Compensation, SamplesReaderSurvivesMangledLines) {
  const std::string good = "s1,2026-07-10 10:00,cod,20.5,mg/L,N";
  std::uint32_t seed = 12345;
  auto rnd = [&] { return seed = seed * 1664525u + 1013904223u; };
  const std::string alphabet = ",.-:L\"0123456789 abcNXmg/";
  int parsed = 0, rejected = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string line = good;
    for (int k = 0, n = 1 + rnd() % 4; k < n; ++k) {
      const std::size_t pos = rnd() % (line.size() + 1);
      switch (rnd() % 3) {
        case 0: line.insert(pos, 1, alphabet[rnd() % alphabet.size()]); break;
        case 1: if (pos < line.size()) line.erase(pos, 1); break;
        default: if (pos < line.size()) line[pos] = alphabet[rnd() % alphabet.size()];
      }
    }
    const std::string p = temp_file("fuzz.csv", line + "\n");
    try {
      read_samples_csv(p);
      ++parsed;
    } catch (const core::Error& e) {
      EXPECT_EQ(e.where(), p + ":1") << line;
      ++rejected;
    }
  }
  EXPECT_GT(parsed, 0);
  EXPECT_GT(rejected, 0);
}

// Below the detection limit in the compensation mean: s1 tp "0.02L" x 2 and 0.5 -> (0.01 + 0.01
// + 0.5) / 3 = 0.52 / 3 = 0.17333 with the default half limit (meets 0.2); with factor 1:
// (0.02 + 0.02 + 0.5) / 3 = 0.18 (still meets);
// nh3n 1.2, 1.2, 1.2L -> (1.2 + 1.2 + 0.6) / 3 = 1.0 (meets III exactly).
TEST(Compensation, BelowDetectionLimitIsHalfTheLimit) {
  Rules r = load_rules(path("chain.toml"));
  const std::string csv = temp_file("dl_chain.csv",
                                    "s1,2026-07-10,tp,0.02L\ns1,2026-08-10,tp,0.02L\ns1,2026-09-10,tp,0.5\n"
                                    "s1,2026-07-10,nh3n,1.2\ns1,2026-08-10,nh3n,1.2\ns1,2026-09-10,nh3n,1.2L\n");
  const auto samples = read_samples_csv(csv);
  Statement st = compensate(r, parse_period("2026Q3"), samples);
  EXPECT_NEAR(*st.lines[2].mean, 0.52 / 3, 1e-12);
  EXPECT_NEAR(*st.lines[1].mean, 1.0, 1e-12);
  EXPECT_EQ(st.lines[1].kind, LineKind::Compliant);
  r.below_detection_factor = 1;
  st = compensate(r, parse_period("2026Q3"), samples);
  EXPECT_NEAR(*st.lines[2].mean, 0.18, 1e-12);
}
