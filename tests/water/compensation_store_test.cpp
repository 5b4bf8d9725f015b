// The store adapter: the chain scenario's samples written to a store (SQLite in memory) and read
// back give the statement worked by hand in chain_expected.txt; an auditor's "invalid" mark
// excludes a sample, a later "valid" mark restores it.
#include "assess/compensation.h"
#include "assess/compensation_store.h"
#include "blocks.h"
#include "store/store.h"

#include <gtest/gtest.h>

using namespace skyriver;
using namespace skyriver::assess;

namespace {

std::string path(const std::string& f) { return water_test::conformance_path("compensation/" + f); }

std::unique_ptr<store::Store> chain_store(const std::vector<Sample>& samples) {
  auto db = store::Store::open("sqlite::memory:");
  std::vector<store::Observation> obs;
  for (const auto& s : samples) {
    store::Observation o;
    o.site = s.site, o.parameter = s.parameter, o.time = s.time, o.value = s.value, o.flag = s.flag;
    o.interval = store::Interval::day;
    o.unit = s.parameter == "ph" ? "" : "mg/L";
    o.source_kind = "manual";
    o.source = s.where;
    obs.push_back(o);
  }
  db->write(obs);
  return db;
}

}  // namespace

TEST(CompensationStore, ChainFromTheStore) {
  const Rules rules = load_rules(path("chain.toml"));
  const Period q3 = parse_period("2026Q3");
  auto db = chain_store(read_samples_csv(path("chain_samples.csv")));
  Statement st = compensate(rules, q3, samples_from_store(*db, rules, q3));
  ASSERT_EQ(st.counties.size(), 4u);
  EXPECT_DOUBLE_EQ(st.counties[0].deducted, 150);  // chain_expected.txt
  EXPECT_DOUBLE_EQ(st.counties[1].deducted, 100);
  EXPECT_DOUBLE_EQ(st.counties[2].deducted, 50);
  EXPECT_DOUBLE_EQ(st.counties[3].rewarded, 210);
  EXPECT_DOUBLE_EQ(st.net(), -90);

  // Invalidate s1's September cod (30): the quarter mean becomes (24 + 27) / 2 = 25.5,
  // e = 5.5 / 20 = 0.275 -> still tier 1 (50), now with 2 valid samples and 1 excluded.
  store::AuditMark m;
  m.site = "s1", m.parameter = "cod", m.interval = store::Interval::day;
  m.time = core::from_beijing({{2026, 9, 10}, 10, 0, 0});
  m.mark = "invalid", m.reason = "test", m.who = "auditor";
  db->add_mark(m);
  st = compensate(rules, q3, samples_from_store(*db, rules, q3));
  const Line& cod = st.lines[0];
  ASSERT_EQ(cod.factor, "cod");
  EXPECT_EQ(cod.samples, 2);
  EXPECT_EQ(cod.excluded_samples, 1);
  EXPECT_DOUBLE_EQ(*cod.mean, 25.5);
  EXPECT_NEAR(*cod.exceedance, 0.275, 1e-12);

  m.mark = "valid";  // a later decision lifts the mark
  db->add_mark(m);
  st = compensate(rules, q3, samples_from_store(*db, rules, q3));
  EXPECT_EQ(st.lines[0].samples, 3);
  EXPECT_DOUBLE_EQ(*st.lines[0].mean, 27);
}
