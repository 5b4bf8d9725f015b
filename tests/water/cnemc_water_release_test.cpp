// The national surface-water real-time release on real data (../shared/water/, 4 captures of
// November 2025, PROVENANCE.md there): `--format cnemc-water` imports every capture, keeps the
// stations outside Datong per province, takes revisions as conflicts, and the class the platform
// computes from the imported unrounded values (standards::release_class) equals the class the
// release published for rivers and for lakes/reservoirs (expected classes: the release's own
// wq_class column, never the code). Exceptions are printed; docs/water.md lists them.
#include "ingest/import/importer.h"

#include "../store/backends.h"
#include "../support/shared_data.h"
#include "standards/water_release.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <tuple>

using namespace skyriver;
namespace fs = std::filesystem;

namespace {

const std::string kCapture =
    std::string(SKYRIVER_SHARED_DIR) + "/water/cnemc_water_realtime_2025-11-06_08.csv";
const std::string kCity = std::string(SKYRIVER_SOURCE_DIR) + "/config/datong";

// One publication: a station's values at one observation time as one capture row gave them.
struct Publication {
  std::string site;
  core::Instant time = 0;
  std::map<std::string, double> values;
};

class CnemcWaterRelease : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = testkit::scratch_dir();
    city_ = new model::CityConfig(model::load_city(kCity));
    if (!fs::is_regular_file(kCapture)) return;
    db_ = store::Store::open((dir_ / "store.db").string()).release();
    ingest::ImportOptions o;
    o.format = "cnemc-water";
    o.rejects_file = (dir_ / "rejects.txt").string();
    summary_ = new ingest::ImportSummary(ingest::run_import({kCapture}, *db_, *city_, o));
  }
  static void TearDownTestSuite() {
    delete db_;
    delete summary_;
    delete city_;
    fs::remove_all(dir_);
  }
  void SetUp() override {
    SKYRIVER_REQUIRE_SHARED_DATA();
    ASSERT_NE(summary_, nullptr) << kCapture << " missing";
  }

  // Every publication, rebuilt from the store: the first value of each (site, time) is stored,
  // a later capture's different value is a conflict carrying its own row (source file:line);
  // an unchanged value is a duplicate, so a revising row takes the stored value for it.
  static std::vector<Publication> publications() {
    std::map<std::pair<std::string, core::Instant>, std::map<std::string, double>> first;
    std::set<std::tuple<std::string, core::Instant, std::string>> rows;
    store::Query q;
    q.source_kinds = {"cnemc-water"};
    db_->scan(q, [&](const store::Observation& o) {
      first[{o.site, o.time}][o.parameter] = o.value;
      rows.insert({o.site, o.time, o.source});
    });
    std::map<std::tuple<std::string, core::Instant, std::string>, std::map<std::string, double>> revised;
    for (const auto& c : db_->conflicts(q)) {
      revised[{c.incoming.site, c.incoming.time, c.incoming.source}][c.incoming.parameter] = c.incoming.value;
      rows.insert({c.incoming.site, c.incoming.time, c.incoming.source});
    }
    std::vector<Publication> out;
    for (const auto& key : rows) {
      Publication p{std::get<0>(key), std::get<1>(key), first[{std::get<0>(key), std::get<1>(key)}]};
      if (auto it = revised.find(key); it != revised.end())
        for (const auto& [code, v] : it->second) p.values[code] = v;
      out.push_back(std::move(p));
    }
    return out;
  }

  static inline fs::path dir_;
  static inline model::CityConfig* city_ = nullptr;
  static inline store::Store* db_ = nullptr;
  static inline ingest::ImportSummary* summary_ = nullptr;
};

TEST_F(CnemcWaterRelease, ImportsEveryRowKeepsEveryStation) {
  // The file: 7,059 data rows (wc -l minus the header), none malformed.
  EXPECT_EQ(summary_->rows_read, 7059u);
  EXPECT_EQ(summary_->rejected, 0u);
  // 1,664 distinct (province, station) give a value or a class in some capture (counted from
  // the file); the 4 of Datong (利仁皂 gave none) are stored under their register section ids,
  // the other 1,660 as cnw: sites.
  std::set<std::string> water;
  for (const auto& s : db_->sites())
    if (s.kind == model::kWater && s.id.rfind("cnw:", 0) == 0) water.insert(s.id);
  EXPECT_EQ(water.size(), 1660u);
  EXPECT_EQ(water.count("cnw:山西省:古家坡"), 0u);
  store::Query d;
  d.sites = {"sangganhe_gujiapo"};
  d.parameters = {"tp"};
  EXPECT_EQ(db_->count(d), 4u);  // its 4 observation times
  EXPECT_EQ(water.count("cnw:北京市:怀柔水库"), 1u);
  for (const auto& s : db_->sites())
    if (s.id == "cnw:北京市:怀柔水库") {
      EXPECT_EQ(s.attribute("water_body"), "lake");  // the river column names a reservoir
      EXPECT_EQ(s.attribute("basin"), "海河流域");
      EXPECT_EQ(s.area, "cn:北京市");
    }
  // 怀柔水库 11-06 20:00 (line 2): DO raw 10.59, published class Ⅱ.
  store::Query q;
  q.sites = {"cnw:北京市:怀柔水库"};
  q.parameters = {"do", "wq_class_published"};
  q.from = core::from_beijing({{2025, 11, 6}, 20, 0, 0});
  q.to = q.from + 1;
  std::map<std::string, double> got;
  db_->scan(q, [&](const store::Observation& o) { got[o.parameter] = o.value; });
  EXPECT_DOUBLE_EQ(got["do"], 10.59);
  EXPECT_DOUBLE_EQ(got["wq_class_published"], 2);
}

TEST_F(CnemcWaterRelease, RevisionIsKeptBesideTheFirstPublication) {
  // 太湖 兰山嘴, 11-08 12:00: published Ⅲ with TP 0.0451 (line 3872), revised to Ⅳ with TP 0.057
  // in the next capture (line 5639).
  store::Query q;
  q.sites = {"cnw:江苏省:兰山嘴"};
  q.parameters = {"tp", "wq_class_published"};
  q.from = core::from_beijing({{2025, 11, 8}, 12, 0, 0});
  q.to = q.from + 1;
  std::map<std::string, double> first;
  db_->scan(q, [&](const store::Observation& o) { first[o.parameter] = o.value; });
  EXPECT_DOUBLE_EQ(first["tp"], 0.0451);
  EXPECT_DOUBLE_EQ(first["wq_class_published"], 3);
  std::map<std::string, std::pair<double, std::string>> revised;
  for (const auto& c : db_->conflicts(q)) revised[c.incoming.parameter] = {c.incoming.value, c.incoming.source};
  EXPECT_DOUBLE_EQ(revised["tp"].first, 0.057);
  EXPECT_DOUBLE_EQ(revised["wq_class_published"].first, 4);
  EXPECT_EQ(revised["tp"].second, "cnemc_water_realtime_2025-11-06_08.csv:5639");
  // Re-importing adds nothing: every value is already there or already recorded as a conflict.
  ingest::ImportOptions o;
  o.format = "cnemc-water";
  const auto again = ingest::run_import({kCapture}, *db_, *city_, o);
  EXPECT_EQ(again.stored, 0u);
  EXPECT_EQ(again.conflicts, 0u);
}

TEST_F(CnemcWaterRelease, ComputedClassMatchesThePublishedOne) {
  std::map<std::string, standards::WaterBody> body;
  for (const auto& s : db_->sites())
    body[s.id] = s.attribute("water_body") == "lake" || s.attribute("water_body") == "reservoir"
                     ? standards::WaterBody::Lake
                     : standards::WaterBody::River;
  struct Tally {
    std::size_t n = 0, matched = 0, incomplete = 0;
  };
  std::map<standards::WaterBody, Tally> tally;
  std::vector<std::string> exceptions;
  for (const auto& p : publications()) {
    auto it = p.values.find("wq_class_published");
    if (it == p.values.end()) continue;  // in maintenance without a class
    const auto b = body.at(p.site);
    auto& t = tally[b];
    const auto computed = standards::release_class(p.values, b);
    if (!computed) {
      ++t.incomplete;
      continue;
    }
    ++t.n;
    const auto published = static_cast<standards::WaterClass>(static_cast<int>(it->second));
    if (*computed == published) ++t.matched;
    else
      exceptions.push_back(p.site + " " + core::format_beijing(p.time) + ": published " +
                           std::string(standards::class_name(published)) + ", computed " +
                           std::string(standards::class_name(*computed)));
  }
  for (const auto& e : exceptions) std::cout << "exception: " << e << "\n";
  const auto& river = tally[standards::WaterBody::River];
  const auto& lake = tally[standards::WaterBody::Lake];
  std::cout << "rivers " << river.matched << "/" << river.n << " (" << river.incomplete
            << " without the five items), lakes/reservoirs " << lake.matched << "/" << lake.n << " ("
            << lake.incomplete << ")\n";
  // Most of the 6,293 classed rows are rivers; both groups are large enough to mean something.
  ASSERT_GT(river.n, 5000u);
  ASSERT_GT(lake.n, 400u);
  EXPECT_GE(double(river.matched), 0.995 * double(river.n));
  EXPECT_GE(double(lake.matched), 0.995 * double(lake.n));
}

TEST_F(CnemcWaterRelease, BadRowsNameTheirLine) {
  // The header and the first row of the capture, then three broken copies of that row.
  std::ifstream in(kCapture);
  std::string header, row;
  std::getline(in, header);
  std::getline(in, row);
  const auto bad = dir_ / "bad.csv";
  {
    std::ofstream out(bad);
    auto replace = [&](std::string s, const std::string& from, const std::string& to) {
      s.replace(s.find(from), from.size(), to);
      return s;
    };
    out << header << "\n"
        << replace(row, "11-06 20:00", "13-06 20:00") << "\n"   // line 2: no month 13
        << replace(row, ",Ⅱ,", ",Ⅶ,") << "\n"                 // line 3: no class Ⅶ
        << replace(row, ",10.59,", ",-10.59,") << "\n";         // line 4: negative DO
  }
  const auto db = store::Store::open("sqlite::memory:");
  ingest::ImportOptions o;
  o.format = "cnemc-water";
  const auto s = ingest::run_import({bad.string()}, *db, *city_, o);
  ASSERT_EQ(s.rejects.size(), 3u);
  EXPECT_EQ(s.rejects[0].where, "bad.csv:2");
  EXPECT_NE(s.rejects[0].why.find("bad observation time '13-06 20:00'"), std::string::npos) << s.rejects[0].why;
  EXPECT_EQ(s.rejects[1].where, "bad.csv:3");
  EXPECT_NE(s.rejects[1].why.find("unknown water class 'Ⅶ'"), std::string::npos) << s.rejects[1].why;
  EXPECT_EQ(s.rejects[2].where, "bad.csv:4");
  EXPECT_NE(s.rejects[2].why.find("do_mg_l: negative value"), std::string::npos) << s.rejects[2].why;
}

// The release's rule worked by hand on rows of the captures (values as the page gives them).
TEST(ReleaseRule, PrecisionIsHalfEven) {
  // NH3-N shown to 2 decimals: 原始值 0.025 is shown 0.02 (half-even; half-up would give 0.03).
  EXPECT_DOUBLE_EQ(standards::at_release_precision("nh3n", 0.025), 0.02);
  EXPECT_DOUBLE_EQ(standards::at_release_precision("tp", 0.0995), 0.1);  // 湘家荡: shown 0.100
  EXPECT_DOUBLE_EQ(standards::at_release_precision("ph", 9.002), 9);    // 沙田泗盛: shown 9
  EXPECT_DOUBLE_EQ(standards::at_release_precision("cond", 451.6), 451.6);
  EXPECT_FALSE(standards::release_decimals("chla"));
}

TEST(ReleaseRule, WaterBodyFromTheRiverColumn) {
  using standards::WaterBody;
  for (const char* lake : {"太湖", "密云水库", "滇池", "洱海", "白洋淀"})
    EXPECT_EQ(standards::release_water_body(lake), WaterBody::Lake) << lake;
  for (const char* river : {"桑干河", "饮马河（御河）", "四湖总干渠", "海河", "湘家荡"})
    EXPECT_EQ(standards::release_water_body(river), WaterBody::River) << river;
}

TEST(ReleaseRule, ClassOnTheDisplayedValues) {
  // 广东省 东江南支流 沙田泗盛, published Ⅲ: pH 9.002 → 9 (6-9: I), DO 5.4 (5 <= 5.4 < 6: III),
  // CODMn 3.1 (2 < 3.1 <= 4: II), NH3-N 0.02 (I), TP 0.1033 → 0.103 (0.1 < 0.103 <= 0.2: III)
  // → III (GB 3838 Table 1). On the unrounded pH it would be 劣V.
  const std::map<std::string, double> v{{"ph", 9.002}, {"do", 5.4}, {"codmn", 3.1}, {"nh3n", 0.02}, {"tp", 0.1033}};
  EXPECT_EQ(standards::release_class(v, standards::WaterBody::River), standards::WaterClass::III);
  EXPECT_EQ(standards::item_class("ph", 9.002, standards::WaterBody::River), standards::WaterClass::WorseV);
  // 四川省 邛海 邛海湖心, published Ⅲ: pH 7.845 → 8 (I), DO 6.7 (II), CODMn 2.0 (I), NH3-N 0.03
  // (I), TP 0.02668 → 0.027: lake limits 0.025 < 0.027 <= 0.05 → III (a river would be II).
  const std::map<std::string, double> q{{"ph", 7.84509}, {"do", 6.7}, {"codmn", 2.0}, {"nh3n", 0.03}, {"tp", 0.02668}};
  EXPECT_EQ(standards::release_class(q, standards::WaterBody::Lake), standards::WaterClass::III);
  EXPECT_EQ(standards::release_class(q, standards::WaterBody::River), standards::WaterClass::II);
  auto missing = q;
  missing.erase("do");
  EXPECT_FALSE(standards::release_class(missing, standards::WaterBody::Lake));
}

}  // namespace
