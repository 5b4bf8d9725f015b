// Importers on the real files in ../shared/data, against SQLite and PostgreSQL. Expected counts
// are taken from the raw files (raw_count.h), never from the importer.
#include "ingest/import/importer.h"

#include "../store/backends.h"
#include "core/error.h"
#include "raw_count.h"
#include "../support/shared_data.h"

#include <gmock/gmock.h>

#include <fstream>

using namespace skyriver;
namespace fs = std::filesystem;

namespace {

const std::string kShared = SKYRIVER_SHARED_DIR;
const std::string kCity = std::string(SKYRIVER_SOURCE_DIR) + "/config/datong";
const std::string kDatongYear = kShared + "/data/air/china_sites_2019_datong.csv";
const std::string kNational0101 = kShared + "/data/air/national/china_sites_20190101.csv.gz";
const std::string kNational0701 = kShared + "/data/air/national/china_sites_20190701.csv.gz";
const std::string kDongsi = kShared + "/data/beijing_prsa/PRSA_Data_Dongsi_20130301-20170228.csv.gz";

class ImportTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() { city_ = new model::CityConfig(model::load_city(kCity)); }
  void SetUp() override {
    SKYRIVER_REQUIRE_SHARED_DATA();  // every case reads the real files
    dir_ = testkit::scratch_dir();
    url_ = SKYRIVER_FRESH_URL(GetParam(), dir_);
    SKYRIVER_REQUIRE_BACKEND(url_);
    db_ = store::Store::open(url_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  ingest::ImportSummary run(const std::vector<std::string>& files, const std::string& format,
                            bool strict = false) {
    ingest::ImportOptions o;
    o.format = format;
    o.strict = strict;
    o.rejects_file = (dir_ / "rejects.txt").string();
    return ingest::run_import(files, *db_, *city_, o);
  }
  std::vector<std::string> rejects_file() {
    std::ifstream in(dir_ / "rejects.txt");
    std::vector<std::string> out;
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
  }
  std::map<std::pair<std::string, std::string>, std::size_t> stored_counts() {
    std::map<std::pair<std::string, std::string>, std::size_t> out;
    db_->scan({}, [&](const store::Observation& o) { ++out[{o.site, o.parameter}]; });
    return out;
  }
  // Writes the first `n` lines of `src` (plain) to a file in the scratch folder, letting
  // `edit` change line i (1-based).
  std::string copy_lines(const std::string& src, std::size_t n, const std::string& name,
                         const std::function<void(std::size_t, std::string&)>& edit = {}) {
    auto lines = testkit::raw_lines(src);
    const std::string path = (dir_ / name).string();
    std::ofstream out(path, std::ios::binary);
    for (std::size_t i = 0; i < n && i < lines.size(); ++i) {
      std::string l = lines[i];
      if (edit) edit(i + 1, l);
      out << l << (i + 1 < n ? "\n" : "");
    }
    return path;
  }

  static model::CityConfig* city_;
  fs::path dir_;
  std::string url_;
  std::unique_ptr<store::Store> db_;
};
model::CityConfig* ImportTest::city_ = nullptr;

std::set<std::string> datong_air(const model::CityConfig& c) {
  std::set<std::string> s;
  for (auto* site : c.sites_of_kind("air")) s.insert(site->id);
  return s;
}

// Two full national days (gz, CRLF, last line without newline): per station and parameter the
// store holds exactly the non-empty cells of the file for Datong's stations.
TEST_P(ImportTest, CnemcNationalFilesCountsMatchTheRawFiles) {
  auto s = run({kNational0101, kNational0701}, "cnemc");
  auto expected = testkit::cnemc_counts(kNational0101, datong_air(*city_));
  for (auto& [k, n] : testkit::cnemc_counts(kNational0701, datong_air(*city_))) expected[k] += n;
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(stored_counts(), expected);
  std::size_t total = 0;
  for (auto& [k, n] : expected) total += n;
  EXPECT_EQ(s.stored, total);
  EXPECT_EQ(s.rejected, 0u);
  EXPECT_EQ(s.rows_read, 720u);          // 2 days × 24 hours × 15 types
  EXPECT_EQ(s.skipped_types, 2u * 24 * 7);  // the 7 moving types are not stored
  EXPECT_GT(s.skipped_outside_city, 100000u);
}

// The Datong 2019 file (LF, one file for the year): counts per station and parameter, and the
// published AQI retrievable at the hour's start.
TEST_P(ImportTest, CnemcDatongYearAndPublishedAqi) {
  auto s = run({kDatongYear}, "cnemc");
  EXPECT_EQ(s.rejected, 0u);
  EXPECT_EQ(stored_counts(), testkit::cnemc_counts(kDatongYear, datong_air(*city_)));
  // Line 2 of the file: "20190101,0,AQI,128,,86,104,,127," — 1721A AQI 128 at label hour 0 of
  // 2019-01-01, i.e. the hour 2018-12-31 23:00-24:00 Beijing (CNEMC labels the hour's end).
  store::Query q;
  q.sites = {"1721A"};
  q.parameters = {"aqi_published"};
  q.from = core::from_beijing({{2018, 12, 31}, 23, 0, 0});
  q.to = q.from + core::kHour;
  std::vector<store::Observation> got;
  db_->scan(q, [&](const store::Observation& o) { got.push_back(o); });
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].value, 128);
  EXPECT_EQ(got[0].source, "china_sites_2019_datong.csv:2");
  EXPECT_EQ(got[0].source_kind, "cnemc");
  // 1722A stopped in 2016: nothing stored for it.
  store::Query stopped;
  stopped.sites = {"1722A"};
  EXPECT_EQ(db_->count(stopped), 0u);
}

TEST_P(ImportTest, ReimportAddsNothingAndAChangedValueIsAVisibleConflict) {
  const auto clean = copy_lines(kDatongYear, 200, "day.csv");
  auto first = run({clean}, "cnemc");
  ASSERT_GT(first.stored, 0u);
  const auto before = db_->count({});
  auto again = run({clean}, "cnemc");
  EXPECT_EQ(again.stored, 0u);
  EXPECT_EQ(again.duplicates, first.stored);
  EXPECT_EQ(db_->count({}), before);
  // Line 3 is "20190101,0,PM2.5,97,,63,78,,96,": change 1721A's 97 to 98.
  const auto changed = copy_lines(kDatongYear, 200, "day.csv", [](std::size_t i, std::string& l) {
    if (i == 3) l.replace(l.find(",97,"), 4, ",98,");
  });
  auto third = run({changed}, "cnemc");
  EXPECT_EQ(third.conflicts, 1u);
  EXPECT_EQ(third.stored, 0u);
  auto cs = db_->conflicts({});
  ASSERT_EQ(cs.size(), 1u);
  EXPECT_EQ(cs[0].incoming.site, "1721A");
  EXPECT_EQ(cs[0].incoming.parameter, "pm25");
  EXPECT_EQ(cs[0].incoming.value, 98);
  EXPECT_EQ(cs[0].existing_value, 97);
  EXPECT_EQ(cs[0].incoming.source, "day.csv:3");
}

// A corrupted copy: a bad number (line 3), a negative value (line 5), an unknown type
// (line 7), a bad hour (line 9) and a truncated last line (line 30). Line n of the file is
// type (n-2) mod 15 of hour (n-2)/15: AQI, PM2.5, PM2.5_24h, PM10, PM10_24h, SO2, ...
TEST_P(ImportTest, CorruptedCopyRejectsExactLinesAndKeepsEarlierData) {
  // Earlier data: the first 200 lines, imported clean.
  run({copy_lines(kDatongYear, 200, "clean.csv")}, "cnemc");
  std::map<std::string, double> earlier;
  db_->scan({}, [&](const store::Observation& o) {
    earlier[o.site + o.parameter + std::to_string(o.time)] = o.value;
  });
  auto join = [](const std::vector<std::string>& f) {
    std::string l;
    for (std::size_t i = 0; i < f.size(); ++i) l += (i ? "," : "") + f[i];
    return l;
  };
  const auto bad = copy_lines(kDatongYear, 30, "bad.csv", [&](std::size_t i, std::string& l) {
    auto f = testkit::raw_split(l);
    if (i == 3) f[3] = "12x";   // PM2.5 of 1721A
    if (i == 5) f[3] = "-5";    // PM10 of 1721A
    if (i == 7) f[2] = "PM1";   // was SO2
    if (i == 9) f[1] = "25";    // NO2
    l = join(f);
    if (i == 30) l = l.substr(0, 20);  // CO of hour 1, truncated mid-row, no newline
  });
  auto s = run({bad}, "cnemc");
  auto rej = rejects_file();
  ASSERT_EQ(rej.size(), 5u) << ::testing::PrintToString(rej);
  EXPECT_THAT(rej[0], ::testing::StartsWith("bad.csv:3: station 1721A: not a number '12x'"));
  EXPECT_THAT(rej[1], ::testing::StartsWith("bad.csv:5: station 1721A: negative value"));
  EXPECT_THAT(rej[2], ::testing::StartsWith("bad.csv:7: unknown type 'PM1'"));
  EXPECT_THAT(rej[3], ::testing::StartsWith("bad.csv:9: bad hour '25'"));
  EXPECT_THAT(rej[4], ::testing::StartsWith("bad.csv:30: truncated row"));
  EXPECT_EQ(s.rejected, 5u);
  // Earlier values are untouched (same count, same values); the bad file's good rows were
  // duplicates of them.
  std::map<std::string, double> after;
  db_->scan({}, [&](const store::Observation& o) {
    after[o.site + o.parameter + std::to_string(o.time)] = o.value;
  });
  EXPECT_EQ(after, earlier);
  EXPECT_EQ(s.stored, 0u);
  EXPECT_EQ(s.conflicts, 0u);
}

TEST_P(ImportTest, StrictStoresNothingWhenAnyRowIsBad) {
  const auto bad = copy_lines(kDatongYear, 50, "bad.csv", [](std::size_t i, std::string& l) {
    if (i == 50) l = l.substr(0, 15);
  });
  auto s = run({bad}, "cnemc", /*strict=*/true);
  EXPECT_TRUE(s.stored_nothing_strict);
  EXPECT_EQ(s.rejected, 1u);
  EXPECT_EQ(db_->count({}), 0u);
  auto log = db_->imports();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].status, "rejected");
  // The same file without its bad line goes in whole.
  auto good = run({copy_lines(kDatongYear, 49, "good.csv")}, "cnemc", true);
  EXPECT_FALSE(good.stored_nothing_strict);
  EXPECT_GT(db_->count({}), 0u);
  EXPECT_EQ(db_->imports().back().status, "done");
}

// UCI Beijing: per parameter, the store holds the file's non-NA cells; CO µg/m³ → mg/m³; wd in
// degrees. Row 2 (line 2) of Dongsi: 2013-03-01 hour 0, CO 300, wd "NNW", TEMP -0.5.
TEST_P(ImportTest, UciDongsiWithWeatherAndUnits) {
  auto s = run({kDongsi}, "uci");
  EXPECT_EQ(s.rejected, 0u);
  EXPECT_EQ(s.rows_read, 35064u);
  auto lines = testkit::raw_lines(kDongsi);
  auto header = testkit::raw_split(lines[0]);
  const std::map<std::string, std::string> cols{
      {"PM2.5", "pm25"}, {"PM10", "pm10"}, {"SO2", "so2"},   {"NO2", "no2"},
      {"CO", "co"},      {"O3", "o3"},     {"TEMP", "temp"}, {"PRES", "pres"},
      {"DEWP", "dewp"},  {"RAIN", "rain"}, {"wd", "wd"},     {"WSPM", "wspm"}};
  std::map<std::pair<std::string, std::string>, std::size_t> expected;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    auto f = testkit::raw_split(lines[i]);
    for (std::size_t c = 0; c < header.size(); ++c)
      if (cols.count(header[c]) && f[c] != "NA" && !f[c].empty()) ++expected[{"Dongsi", cols.at(header[c])}];
  }
  EXPECT_EQ(stored_counts(), expected);
  store::Query q;
  q.sites = {"Dongsi"};
  q.from = core::hour_ending_to_start({2013, 3, 1}, 0);  // our reading: hour label = end
  q.to = q.from + core::kHour;
  std::map<std::string, double> v;
  db_->scan(q, [&](const store::Observation& o) { v[o.parameter] = o.value; });
  EXPECT_DOUBLE_EQ(v["co"], 0.3);      // 300 µg/m³
  EXPECT_DOUBLE_EQ(v["wd"], 337.5);    // NNW = 15 × 22.5°
  EXPECT_DOUBLE_EQ(v["temp"], -0.5);
  EXPECT_DOUBLE_EQ(v["pres"], 1024.5);
  auto sites = db_->sites();
  auto it = std::find_if(sites.begin(), sites.end(), [](auto& x) { return x.id == "Dongsi"; });
  ASSERT_NE(it, sites.end());
  EXPECT_EQ(it->area, "beijing");
}

TEST_P(ImportTest, LongFormatConvertsUnitsAndRejectsBadRows) {
  const std::string path = (dir_ / "long.csv").string();
  std::ofstream(path) << "site,time,parameter,value,unit,flag\n"
                         "1723A,2019-01-01 00:00,so2,0.012,mg/m3,N\n"   // 2 → 12 µg/m³
                         "1723A,2019-01-01 00:00,co,300,ug/m3,\n"       // 3 → 0.3 mg/m³
                         "9999A,2019-01-01 00:00,pm25,35,,\n"            // 4 unknown site
                         "1723A,2019-01-01 00:00,pm1,35,,\n"             // 5 unknown parameter
                         "1723A,2019-01-01 00:00,pm25,35,ppm,\n"         // 6 wrong unit
                         "1723A,2019-13-01 00:00,pm25,35,,\n"            // 7 bad time
                         "1723A,2019-01-01 01:00,pm25,,,\n"              // 8 missing: fine
                         "1723A,2019-01-01 01:00,pm25,-3,,\n"            // 9 negative
                         "1723A,2019-01-01 01:00,no2,40,,X\n"            // 10 bad flag
                         "yuhe_lirenzao,2019-01-01 08:00,pb,5,ug/L,M\n";  // 11 → 0.005 mg/L
  auto s = run({path}, "long");
  EXPECT_EQ(s.stored, 3u);
  auto rej = rejects_file();
  ASSERT_EQ(rej.size(), 6u);
  EXPECT_THAT(rej[0], ::testing::StartsWith("long.csv:4: unknown site '9999A'"));
  EXPECT_THAT(rej[1], ::testing::StartsWith("long.csv:5: unknown parameter 'pm1'"));
  EXPECT_THAT(rej[2], ::testing::HasSubstr("long.csv:6: unit 'ppm' is not known for parameter pm25"));
  EXPECT_THAT(rej[3], ::testing::StartsWith("long.csv:7: bad time"));
  EXPECT_THAT(rej[4], ::testing::StartsWith("long.csv:9: negative value"));
  EXPECT_THAT(rej[5], ::testing::StartsWith("long.csv:10: bad flag 'X'"));
  std::map<std::string, store::Observation> got;
  db_->scan({}, [&](const store::Observation& o) { got[o.parameter] = o; });
  EXPECT_DOUBLE_EQ(got["so2"].value, 12);
  EXPECT_EQ(got["so2"].unit, "ug/m3");
  EXPECT_DOUBLE_EQ(got["co"].value, 0.3);
  EXPECT_DOUBLE_EQ(got["pb"].value, 0.005);
  EXPECT_EQ(got["pb"].flag, 'M');
  EXPECT_EQ(got["so2"].time, core::from_beijing({{2019, 1, 1}, 0, 0, 0}));
}

INSTANTIATE_TEST_SUITE_P(Backends, ImportTest, ::testing::Values("sqlite", "postgresql"),
                         testkit::backend_name);

}  // namespace
