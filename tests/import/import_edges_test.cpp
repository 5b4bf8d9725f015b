// Files that are not what they seem (issue 10): a .gz cut short (also exactly at a line
// boundary), old-Mac CR-only line ends, a UTF-8 byte-order mark, rows stamped in the future.
// The files are written here, so every expected count is the test's own arithmetic over the
// rows it wrote. Against SQLite and PostgreSQL.
#include "ingest/import/importer.h"

#include "../store/backends.h"
#include "core/error.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <zlib.h>

#include <fstream>

using namespace skyriver;
namespace fs = std::filesystem;

namespace {

const std::string kCity = std::string(SKYRIVER_SOURCE_DIR) + "/config/datong";

// `rows` CNEMC rows for two Datong stations (both cells filled): 2 values per row, hour labels
// 0..23 of consecutive days from 2015-01-01.
std::string cnemc_text(int rows, const std::string& eol = "\n") {
  std::string t = "date,hour,type,1724A,1723A" + eol;
  for (int i = 0; i < rows; ++i) {
    const core::Date d = core::add_days({2015, 1, 1}, i / 24);
    char date[16];
    std::snprintf(date, sizeof date, "%04d%02d%02d", d.year, d.month, d.day);
    t += std::string(date) + "," + std::to_string(i % 24) + ",PM2.5," + std::to_string(10 + i % 50) + "," +
         std::to_string(20 + i % 50) + eol;
  }
  return t;
}

std::string gzip(const std::string& text) {
  std::string out(compressBound(static_cast<uLong>(text.size())) + 64, '\0');
  z_stream z{};
  deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);  // gzip wrapper
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

class ImportEdges : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = testkit::scratch_dir();
    url_ = SKYRIVER_FRESH_URL(GetParam(), dir_);
    SKYRIVER_REQUIRE_BACKEND(url_);
    db_ = store::Store::open(url_);
    city_ = model::load_city(kCity);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& bytes) {
    const auto p = (dir_ / name).string();
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }
  ingest::ImportSummary run(const std::string& file, bool strict = false) {
    ingest::ImportOptions o;
    o.format = "cnemc";
    o.strict = strict;
    o.batch_size = 1000;
    o.now = [] { return core::beijing_midnight({2020, 1, 1}); };
    return ingest::run_import({file}, *db_, city_, o);
  }
  fs::path dir_;
  std::string url_;
  std::unique_ptr<store::Store> db_;
  model::CityConfig city_;
};

}  // namespace

TEST_P(ImportEdges, AGzipCutShortFailsItsLastBatch) {
  const std::string whole = gzip(cnemc_text(12000));  // 24 000 values, ~400 KB of text: several reads
  // Cut 1: only the 8-byte trailer (CRC-32, length) is missing: every line is complete, so
  // nothing but the trailer check can tell. Cut 2: in the middle of the compressed data.
  for (std::size_t cut : {whole.size() - 8, whole.size() / 2}) {
    SCOPED_TRACE("cut at " + std::to_string(cut) + " of " + std::to_string(whole.size()));
    const auto file = write("china_sites_cut" + std::to_string(cut) + ".csv.gz", whole.substr(0, cut));
    const std::size_t before = db_->count({});
    try {
      run(file);
      ADD_FAILURE() << "a cut-short .gz imported as complete";
    } catch (const core::Error& e) {
      EXPECT_NE(std::string(e.what()).find("cut short"), std::string::npos) << e.what();
      EXPECT_NE(e.where().find(file), std::string::npos) << e.where();
    }
    const std::size_t stored = db_->count({}) - before;
    EXPECT_LT(stored, 24000u);
    EXPECT_EQ(stored % 1000, 0u) << "only whole batches before the cut are stored";
    const auto log = db_->imports();
    ASSERT_FALSE(log.empty());
    EXPECT_EQ(log.back().status, "failed");
    EXPECT_NE(log.back().note.find("cut short"), std::string::npos) << log.back().note;
    EXPECT_EQ(log.back().stored, stored);
    // --strict reads the whole file first: it fails the same way and stores nothing.
    const std::size_t before_strict = db_->count({});
    EXPECT_THROW(run(file, true), core::Error);
    EXPECT_EQ(db_->count({}), before_strict);
  }
  // The whole file imports completely.
  const auto ok = run(write("china_sites_whole.csv.gz", whole));
  EXPECT_EQ(ok.rows_read, 12000u);
  EXPECT_EQ(ok.values_read, 24000u);
  EXPECT_EQ(db_->imports().back().status, "done");
}

TEST_P(ImportEdges, CrOnlyLineEndsAndAByteOrderMarkReadAsLines) {
  const auto file = write("china_sites_mac.csv", "\xEF\xBB\xBF" + cnemc_text(30, "\r"));
  const auto s = run(file, true);
  EXPECT_EQ(s.rows_read, 30u);
  EXPECT_EQ(s.rejected, 0u);
  EXPECT_EQ(s.stored, 60u);
  const auto crlf = run(write("china_sites_dos.csv", "\xEF\xBB\xBF" + cnemc_text(30, "\r\n")));
  EXPECT_EQ(crlf.duplicates, 60u);  // the same rows
}

TEST_P(ImportEdges, RowsFromTheFutureAreRefusedAndQuarantined) {
  // Clock: 2020-01-01 00:00 Beijing, skew 1 h. Label 1 of 2020-01-01 is the hour starting at
  // 00:00 (not ahead); label 3 starts 02:00 (2 h ahead); 2099 is far ahead.
  const auto file = write("china_sites_future.csv",
                          "date,hour,type,1724A,1723A\n20191231,5,PM2.5,30,31\n20200101,1,PM2.5,32,\n"
                          "20200101,3,PM2.5,33,34\n20990101,1,PM2.5,35,36\n");
  const auto s = run(file);
  EXPECT_EQ(s.stored, 3u);
  EXPECT_EQ(s.future, 4u);
  EXPECT_EQ(s.rejected, 2u);  // two rows, each with two values
  ASSERT_EQ(s.rejects.size(), 2u);
  EXPECT_EQ(s.rejects[0].where, "china_sites_future.csv:4");
  EXPECT_NE(s.rejects[0].why.find("ahead of the clock"), std::string::npos) << s.rejects[0].why;
  store::Query q;
  q.from = core::beijing_midnight({2020, 1, 1}) + 2 * core::kHour;
  EXPECT_EQ(db_->count(q), 0u);
  // Each refused value is kept aside in the journal with its reason and where it came from.
  store::RecordQuery rq;
  rq.kind = "quarantine";
  const auto kept = db_->records(rq);
  ASSERT_EQ(kept.size(), 4u);
  EXPECT_EQ(kept[0].key, "1724A/pm25/2020-01-01T02:00:00+08:00");
  const auto body = nlohmann::json::parse(kept[0].body);
  EXPECT_EQ(body["value"], 33);
  EXPECT_EQ(body["source"], "china_sites_future.csv:4");
  EXPECT_NE(body["reason"].get<std::string>().find("ahead of the clock"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(kept[3].body)["time"], "2099-01-01T00:00:00+08:00");  // label 1 = hour starting 00:00
  // --strict: a future row is a bad row, nothing is stored.
  const auto strict = run(write("china_sites_future2.csv", "date,hour,type,1724A\n20191230,5,PM2.5,30\n20990101,1,PM2.5,35\n"), true);
  EXPECT_TRUE(strict.stored_nothing_strict);
}

// Issue 27, item 3: values of 1970 and 1969 were stored (and on PostgreSQL made a partition per
// month since). Values before --min-time (default 2000-01-01 00:00 Beijing) are refused, each
// row with an error naming its line; label 1 of 2000-01-01 is the hour starting 00:00 (kept).
TEST_P(ImportEdges, RowsBeforeMinTimeAreRefusedPerRow) {
  const auto file = write("china_sites_old.csv",
                          "date,hour,type,1724A,1723A\n19700101,1,PM2.5,30,31\n19991231,12,PM2.5,32,33\n"
                          "20000101,1,PM2.5,34,\n20191231,5,PM2.5,35,36\n");
  const auto s = run(file);
  EXPECT_EQ(s.stored, 3u);
  EXPECT_EQ(s.too_old, 4u);
  EXPECT_EQ(s.rejected, 2u);  // two rows, each with two values
  ASSERT_EQ(s.rejects.size(), 2u);
  EXPECT_EQ(s.rejects[0].where, "china_sites_old.csv:2");
  EXPECT_EQ(s.rejects[1].where, "china_sites_old.csv:3");
  EXPECT_NE(s.rejects[1].why.find("before 2000-01-01"), std::string::npos) << s.rejects[1].why;
  EXPECT_NE(s.rejects[1].why.find("--min-time"), std::string::npos) << s.rejects[1].why;
  store::Query q;
  q.to = core::beijing_midnight({2000, 1, 1});
  EXPECT_EQ(db_->count(q), 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, ImportEdges, ::testing::Values("sqlite", "postgresql"), testkit::backend_name);
