// The store's contract (store.h), run against SQLite and PostgreSQL alike.
#include "store/store.h"

#include "backends.h"
#include "core/error.h"

#include <gmock/gmock.h>

#include <cmath>

using namespace skyriver;
using store::Interval;
using store::Observation;

namespace {

Observation obs(std::string site, std::string param, core::Instant t, double v,
                std::string source = "f.csv:1", char flag = 'N') {
  Observation o;
  o.site = std::move(site);
  o.parameter = std::move(param);
  o.time = t;
  o.interval = Interval::hour;
  o.value = v;
  o.unit = "ug/m3";
  o.flag = flag;
  o.source_kind = "test";
  o.source = std::move(source);
  o.received_at = 1700000000;
  return o;
}

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = testkit::scratch_dir();
    url_ = SKYRIVER_FRESH_URL(GetParam(), dir_);
    SKYRIVER_REQUIRE_BACKEND(url_);
    db_ = store::Store::open(url_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  std::string url_;
  std::unique_ptr<store::Store> db_;
};

const core::Instant t0 = core::from_beijing({{2019, 1, 1}, 0, 0, 0});

TEST_P(StoreTest, CreatesSchemaAndReportsBackend) {
  EXPECT_EQ(db_->backend(), GetParam());
  EXPECT_EQ(db_->schema_version(), 5);  // 1 + records journal (2) + series-keyed observations (3) + SQLite recent segment (4) + accounts (5)
  // Reopening an existing store keeps the schema and its content.
  std::vector<Observation> b{obs("1723A", "pm25", t0, 35)};
  db_->write(b);
  auto again = store::Store::open(url_);
  EXPECT_EQ(again->schema_version(), 5);
  EXPECT_EQ(again->count({}), 1u);
}

TEST_P(StoreTest, WriteThenScanRoundTripsEveryField) {
  Observation o = obs("1723A", "co", t0 + 3600, 1.234567890123, "x.csv:7", 'M');
  o.unit = "mg/m3";
  o.interval = Interval::day;
  o.received_at = 1712345678;
  std::vector<Observation> b{o};
  auto r = db_->write(b);
  EXPECT_EQ(r.inserted, 1u);
  std::vector<Observation> got;
  db_->scan({}, [&](const Observation& x) { got.push_back(x); });
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].site, "1723A");
  EXPECT_EQ(got[0].parameter, "co");
  EXPECT_EQ(got[0].time, t0 + 3600);
  EXPECT_EQ(got[0].interval, Interval::day);
  EXPECT_EQ(got[0].value, 1.234567890123);  // exact, not rounded
  EXPECT_EQ(got[0].unit, "mg/m3");
  EXPECT_EQ(got[0].flag, 'M');
  EXPECT_EQ(got[0].source_kind, "test");
  EXPECT_EQ(got[0].source, "x.csv:7");
  EXPECT_EQ(got[0].received_at, 1712345678);
}

TEST_P(StoreTest, SameKeySameValueIsDuplicateDifferentValueIsConflict) {
  std::vector<Observation> first{obs("A", "pm25", t0, 10), obs("A", "pm25", t0 + 3600, 20)};
  auto r1 = db_->write(first);
  EXPECT_EQ(r1.inserted, 2u);
  // Re-sending the same batch adds nothing.
  auto r2 = db_->write(first);
  EXPECT_EQ(r2.inserted, 0u);
  EXPECT_EQ(r2.duplicates, 2u);
  // A changed value is kept aside as a conflict; the stored value is not overwritten.
  std::vector<Observation> changed{obs("A", "pm25", t0, 11, "g.csv:3")};
  auto r3 = db_->write(changed);
  EXPECT_EQ(r3.conflicts, 1u);
  EXPECT_EQ(r3.inserted, 0u);
  std::vector<double> values;
  db_->scan({}, [&](const Observation& o) { values.push_back(o.value); });
  EXPECT_THAT(values, ::testing::ElementsAre(10, 20));
  auto cs = db_->conflicts({});
  ASSERT_EQ(cs.size(), 1u);
  EXPECT_EQ(cs[0].incoming.value, 11);
  EXPECT_EQ(cs[0].incoming.source, "g.csv:3");
  EXPECT_EQ(cs[0].existing_value, 10);
  EXPECT_EQ(cs[0].existing_source, "f.csv:1");
  // The same conflicting value again is not a second conflict.
  auto r4 = db_->write(changed);
  EXPECT_EQ(r4.conflicts, 0u);
  EXPECT_EQ(r4.duplicates, 1u);
  // A changed flag alone is a conflict too.
  std::vector<Observation> reflagged{obs("A", "pm25", t0 + 3600, 20, "h.csv:1", 'D')};
  EXPECT_EQ(db_->write(reflagged).conflicts, 1u);
  EXPECT_EQ(db_->conflicts({}).size(), 2u);
  EXPECT_EQ(db_->count({}), 2u);
}

TEST_P(StoreTest, DuplicatesInsideOneBatchBehaveAsRowByRow) {
  std::vector<Observation> b{obs("A", "pm25", t0, 10), obs("A", "pm25", t0, 10),
                             obs("A", "pm25", t0, 12)};
  auto r = db_->write(b);
  EXPECT_EQ(r.inserted, 1u);
  EXPECT_EQ(r.duplicates, 1u);
  EXPECT_EQ(r.conflicts, 1u);
}

// Two writers of one store (two front doors on one database, or a program started twice):
// the first has written hours 0-1 of a series, the second then writes hours 3 (same value as
// the first will send) and 4 (another value). A batch of hours 2-5 from the first is
// classified as row-by-row insertion would: 2 and 5 inserted, 3 a duplicate, 4 a conflict
// (store.h contract), whatever the first writer assumed about the series' newest hour.
TEST_P(StoreTest, AnotherWriterSKeysInsideALaterBatchAreFoundAsRowByRow) {
  std::vector<Observation> early{obs("A", "pm25", t0, 10), obs("A", "pm25", t0 + 3600, 11)};
  ASSERT_EQ(db_->write(early).inserted, 2u);
  auto other = store::Store::open(url_);
  std::vector<Observation> theirs{obs("A", "pm25", t0 + 3 * 3600, 13), obs("A", "pm25", t0 + 4 * 3600, 99)};
  ASSERT_EQ(other->write(theirs).inserted, 2u);
  std::vector<Observation> later{obs("A", "pm25", t0 + 2 * 3600, 12), obs("A", "pm25", t0 + 3 * 3600, 13),
                                 obs("A", "pm25", t0 + 4 * 3600, 14), obs("A", "pm25", t0 + 5 * 3600, 15)};
  const auto r = db_->write(later);
  EXPECT_EQ(r.outcome, "idci");
  EXPECT_EQ(r.inserted, 2u);
  EXPECT_EQ(r.duplicates, 1u);
  EXPECT_EQ(r.conflicts, 1u);
  std::vector<double> values;
  db_->scan({}, [&](const Observation& o) { values.push_back(o.value); });
  EXPECT_THAT(values, ::testing::ElementsAre(10, 11, 12, 13, 99, 15));
  // And the next batch of new hours is stored as usual.
  std::vector<Observation> next{obs("A", "pm25", t0 + 6 * 3600, 16)};
  EXPECT_EQ(db_->write(next).outcome, "i");
  EXPECT_EQ(db_->count({}), 7u);
}

TEST_P(StoreTest, SameKeyFromAnotherSourceKindIsKeptSeparately) {
  std::vector<Observation> b{obs("A", "pm25", t0, 10)};
  db_->write(b);
  b[0].source_kind = "hj212";
  b[0].value = 12;
  EXPECT_EQ(db_->write(b).inserted, 1u);
  store::Query q;
  q.source_kinds = {"hj212"};
  EXPECT_EQ(db_->count(q), 1u);
  EXPECT_EQ(db_->count({}), 2u);
}

TEST_P(StoreTest, AFailedBatchLeavesNothingBehind) {
  std::vector<Observation> b{obs("A", "pm25", t0, 10), obs("A", "pm25", t0 + 3600, NAN)};
  EXPECT_THROW(db_->write(b), core::Error);
  EXPECT_EQ(db_->count({}), 0u);
  // The store is still usable afterwards.
  b.pop_back();
  EXPECT_EQ(db_->write(b).inserted, 1u);
}

TEST_P(StoreTest, ScanFiltersAndOrders) {
  std::vector<Observation> b;
  for (int h = 0; h < 48; ++h) {
    b.push_back(obs("B", "pm25", t0 + h * 3600, h));
    b.push_back(obs("A", "so2", t0 + h * 3600, 100 + h));
    b.push_back(obs("A", "pm25", t0 + (47 - h) * 3600, 200 + h));
  }
  db_->write(b);
  std::vector<std::string> keys;
  core::Instant last = 0;
  std::string last_sp;
  bool ordered = true;
  db_->scan({}, [&](const Observation& o) {
    std::string sp = o.site + "/" + o.parameter;
    if (sp < last_sp || (sp == last_sp && o.time <= last)) ordered = false;
    last_sp = sp, last = o.time;
  });
  EXPECT_TRUE(ordered);
  store::Query q;
  q.sites = {"A"};
  q.parameters = {"pm25"};
  q.from = t0 + 24 * 3600;  // day 2 only, [from, to)
  q.to = t0 + 48 * 3600;
  q.interval = Interval::hour;
  std::vector<core::Instant> times;
  db_->scan(q, [&](const Observation& o) { times.push_back(o.time); });
  ASSERT_EQ(times.size(), 24u);
  EXPECT_EQ(times.front(), t0 + 24 * 3600);
  EXPECT_EQ(times.back(), t0 + 47 * 3600);
  EXPECT_EQ(db_->count(q), 24u);
  q.interval = Interval::day;
  EXPECT_EQ(db_->count(q), 0u);
}

TEST_P(StoreTest, AuditMarksSitBesideRawValues) {
  std::vector<Observation> b{obs("A", "pm10", t0, 900)};
  db_->write(b);
  store::AuditMark m;
  m.site = "A";
  m.parameter = "pm10";
  m.time = t0;
  m.mark = "dust";
  m.reason = "沙尘天气 2019-01-01";
  m.who = "auditor1";
  m.at = 1700000001;
  auto id = db_->add_mark(m);
  EXPECT_GT(id, 0);
  auto ms = db_->marks({});
  ASSERT_EQ(ms.size(), 1u);
  EXPECT_EQ(ms[0].mark, "dust");
  EXPECT_EQ(ms[0].reason, "沙尘天气 2019-01-01");
  EXPECT_EQ(ms[0].who, "auditor1");
  EXPECT_EQ(ms[0].at, 1700000001);
  double v = 0;
  db_->scan({}, [&](const Observation& o) { v = o.value; });
  EXPECT_EQ(v, 900);  // raw value unchanged
}

TEST_P(StoreTest, ReferenceDataUpsertsAndLists) {
  std::vector<model::Area> areas{{"140200", "大同市", "city", ""},
                                 {"140213", "平城区", "district", "140200"}};
  db_->put_areas(areas);
  model::Site s;
  s.id = "1723A";
  s.name = "云冈宾馆";
  s.kind = "air";
  s.area = "140213";
  s.lon = 113.2994;
  s.lat = 40.0758;
  s.stopped = core::Date{2020, 1, 2};
  s.attributes = {{"national", "true"}, {"note", "a=b\nc"}};
  s.mn = "010000A89000172300000003";
  s.password = "123456";
  s.edition = 2017;
  model::Site w;
  w.id = "sangganhe_gudingqiao";
  w.name = "固定桥";
  w.kind = "water";
  w.area = "140200";
  std::vector<model::Site> sites{s, w};
  db_->put_sites(sites);
  sites[0].name = "云冈宾馆(新)";
  db_->put_sites(sites);  // upsert, not a second row
  auto got = db_->sites();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].name, "云冈宾馆(新)");
  EXPECT_EQ(got[0].lon, 113.2994);
  EXPECT_EQ(got[0].stopped, (core::Date{2020, 1, 2}));
  EXPECT_EQ(got[0].attributes, s.attributes);
  EXPECT_EQ(got[0].mn, s.mn);
  EXPECT_EQ(got[0].edition, 2017);
  EXPECT_FALSE(got[1].lon.has_value());
  EXPECT_FALSE(got[1].stopped.has_value());
  EXPECT_EQ(db_->areas().size(), 2u);
  model::Parameter p;
  p.code = "so2";
  p.name_zh = "二氧化硫";
  p.name_en = "SO2";
  p.unit = "ug/m3";
  p.hj212 = "a21026";
  p.hj212_old = "02";
  std::vector<model::Parameter> ps{p};
  db_->put_parameters(ps);
  auto gp = db_->parameters();
  ASSERT_EQ(gp.size(), 1u);
  EXPECT_EQ(gp[0].hj212_old, "02");
  EXPECT_EQ(db_->stats().sites, 2u);
}

TEST_P(StoreTest, ImportLogAndStats) {
  auto id = db_->begin_import("cnemc", "a.csv");
  auto log = db_->imports();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].status, "running");
  EXPECT_EQ(log[0].finished, 0);
  store::ImportRecord r = log[0];
  r.status = "done";
  r.finished = r.started + 5;
  r.rows_read = 10, r.stored = 7, r.duplicates = 1, r.conflicts = 1, r.rejected = 1;
  db_->update_import(r);
  log = db_->imports();
  EXPECT_EQ(log[0].id, id);
  EXPECT_EQ(log[0].status, "done");
  EXPECT_EQ(log[0].stored, 7u);
  std::vector<Observation> b{obs("A", "pm25", t0, 1), obs("B", "pm25", t0 + 7200, 2),
                             obs("A", "so2", t0 + 3600, 3)};
  db_->write(b);
  auto st = db_->stats();
  EXPECT_EQ(st.observations, 3u);
  EXPECT_EQ(*st.first, t0);
  EXPECT_EQ(*st.last, t0 + 7200);
  ASSERT_EQ(st.by_parameter.size(), 2u);
  EXPECT_EQ(st.by_parameter[0].parameter, "pm25");
  EXPECT_EQ(st.by_parameter[0].count, 2u);
  EXPECT_EQ(st.by_parameter[0].sites, 2u);
  EXPECT_EQ(st.imports, 1u);
}

TEST(StoreOpen, BadUrlsNameThePlace) {
  try {
    store::Store::open("postgresql://nobody@127.0.0.1:1/none");
    FAIL();
  } catch (const core::Error& e) {
    EXPECT_THAT(e.where(), ::testing::HasSubstr("127.0.0.1:1"));
    EXPECT_THAT(e.why(), ::testing::HasSubstr("cannot connect"));
  }
  EXPECT_THROW(store::Store::open("/proc/no/such/dir/x.db"), core::Error);
}

TEST_P(StoreTest, OutcomeSaysWhichRowsWereStored) {
  // Row by row: new, same again (duplicate), new key, different value (conflict), the same
  // conflict again (recorded before: duplicate), a key repeated inside the batch.
  std::vector<Observation> b{obs("A", "pm25", t0, 10), obs("A", "pm25", t0, 10),
                             obs("A", "pm25", t0 + 3600, 11), obs("A", "pm25", t0, 12),
                             obs("A", "pm25", t0, 12)};
  auto r = db_->write(b);
  EXPECT_EQ(r.outcome, "idicd");
  EXPECT_EQ(r.inserted, 2u);
  EXPECT_EQ(r.conflicts, 1u);
  EXPECT_EQ(r.duplicates, 2u);
  std::vector<Observation> again{obs("A", "pm25", t0 + 7200, 1), obs("A", "pm25", t0 + 3600, 11)};
  EXPECT_EQ(db_->write(again).outcome, "id");
}

TEST_P(StoreTest, ReceivedFromReadsOnlyNewerArrivals) {
  Observation old_one = obs("A", "pm25", t0, 10), new_one = obs("B", "pm25", t0, 20);
  old_one.received_at = 1000;
  new_one.received_at = 2000;
  std::vector<Observation> b{old_one, new_one};
  db_->write(b);
  store::Query q;
  q.received_from = 2000;
  EXPECT_EQ(db_->count(q), 1u);
  std::vector<std::string> sites;
  db_->scan(q, [&](const Observation& o) { sites.push_back(o.site); });
  EXPECT_THAT(sites, ::testing::ElementsAre("B"));
}

TEST_P(StoreTest, RecordsJournalKeepsEveryVersion) {
  using store::Record;
  std::vector<Record> b{{0, "warning", "2019-001", 100, "duty", R"({"level":"yellow"})"},
                        {0, "warning", "2019-002", 150, "duty", R"({"level":"orange"})"},
                        {0, "warning", "2019-001", 200, "chief", R"({"level":"orange"})"},
                        {0, "alarm", "x%_1", 0, "system", "{}"}};
  db_->append(b);
  EXPECT_LT(b[0].id, b[1].id);
  EXPECT_LT(b[1].id, b[2].id);
  EXPECT_GT(b[3].at, 1700000000);  // 0 means now

  store::RecordQuery q;
  q.kind = "warning";
  auto all = db_->records(q);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2].who, "chief");
  EXPECT_EQ(all[2].body, R"({"level":"orange"})");
  EXPECT_EQ(all[2].at, 200);

  q.key = "2019-001";
  EXPECT_EQ(db_->records(q).size(), 2u);  // history of one warning
  q.key.reset();
  q.latest_per_key = true;
  auto latest = db_->records(q);
  ASSERT_EQ(latest.size(), 2u);
  EXPECT_EQ(latest[0].key, "2019-002");  // id order: the newest of 001 came last
  EXPECT_EQ(latest[1].who, "chief");

  store::RecordQuery follow;
  follow.kind = "warning";
  follow.after_id = b[1].id;
  EXPECT_EQ(db_->records(follow).size(), 1u);
  follow = {};
  follow.kind = "warning";
  follow.from = 150;
  follow.to = 200;
  EXPECT_EQ(db_->records(follow).size(), 1u);
  follow = {};
  follow.kind = "warning";
  follow.newest_first = true;
  follow.limit = 1;
  EXPECT_EQ(db_->records(follow).at(0).id, b[2].id);

  store::RecordQuery prefix;
  prefix.kind = "alarm";
  prefix.key_prefix = "x%";  // taken literally, not as a pattern
  EXPECT_EQ(db_->records(prefix).size(), 1u);
  prefix.key_prefix = "x_";
  EXPECT_EQ(db_->records(prefix).size(), 0u);
  EXPECT_THROW(db_->records(store::RecordQuery{}), core::Error);  // kind is required
}

TEST_P(StoreTest, SourcesAndUnitsOfEveryShapeComeBackExactly) {
  // Schema 3 stores a source as a dictionary prefix and a trailing number (catalog.h); every
  // shape must come back as it was written, including those that are not prefix + number.
  const std::vector<std::string> sources{"f.csv:17", "f.csv:007", "f.csv:0", "f.csv:", "", "4711",
                                         "QN=20190101000000123", "p:1234567890123456789012", "a b:9 "};
  std::vector<Observation> b;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    b.push_back(obs("1723A", "pm25", t0 + 3600 * static_cast<core::Instant>(i), double(i), sources[i]));
    if (i % 2) b.back().unit = "";  // dimensionless
  }
  EXPECT_EQ(db_->write(b).outcome, std::string(sources.size(), 'i'));
  std::vector<Observation> got;
  db_->scan({}, [&](const Observation& x) { got.push_back(x); });
  ASSERT_EQ(got.size(), sources.size());
  for (std::size_t i = 0; i < sources.size(); ++i) {
    EXPECT_EQ(got[i].source, sources[i]);
    EXPECT_EQ(got[i].unit, i % 2 ? "" : "ug/m3");
  }
  // A conflict keeps both sources apart.
  std::vector<Observation> c{obs("1723A", "pm25", t0, 99, "g.csv:18")};
  EXPECT_EQ(db_->write(c).outcome, "c");
  const auto cs = db_->conflicts({});
  ASSERT_EQ(cs.size(), 1u);
  EXPECT_EQ(cs[0].incoming.source, "g.csv:18");
  EXPECT_EQ(cs[0].existing_source, "f.csv:17");
}

TEST_P(StoreTest, TwoOpenStoresSeeEachOthersSeries) {
  // Two programs on one store (two front doors): series and texts one of them creates are
  // found by the other, for reading and for recognising duplicates and conflicts.
  auto other = store::Store::open(url_);
  std::vector<Observation> a{obs("A", "pm25", t0, 1, "a.csv:1")}, b{obs("B", "no2", t0, 2, "b.raw:5")};
  db_->write(a);
  other->write(b);
  std::vector<std::string> seen;
  db_->scan({}, [&](const Observation& o) { seen.push_back(o.site + " " + o.parameter + " " + o.source); });
  EXPECT_THAT(seen, ::testing::ElementsAre("A pm25 a.csv:1", "B no2 b.raw:5"));
  store::Query q;
  q.sites = {"B"};
  EXPECT_EQ(db_->count(q), 1u);
  b[0].value = 3;
  EXPECT_EQ(db_->write(b).outcome, "c");
  a[0].source = "a.csv:2";
  EXPECT_EQ(other->write(a).outcome, "d");
  EXPECT_EQ(other->conflicts({}).size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgresql"),
                         testkit::backend_name);

}  // namespace
