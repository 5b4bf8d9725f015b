// The ledger on a real SQLite store: import of a sheet with bad rows (file:line errors, good rows
// kept), state steps, history with who and when, statistics counted by hand, XLSX export.
#include "ledger/ledger.h"

#include "core/error.h"
#include "core/text.h"
#include "ledger/xlsx_sheet.h"
#include "model/city.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <iterator>
#include <optional>
#include <filesystem>
#include <sstream>
#include <xlsxwriter.h>
#include <zip.h>
#include <fstream>
#include <unistd.h>

using namespace skyriver;
namespace fs = std::filesystem;

namespace {

const model::CityConfig& datong() {
  static const auto c = model::load_city(std::string(SKYRIVER_SOURCE_DIR) + "/config/datong");
  return c;
}

struct TempDb {
  fs::path dir = fs::temp_directory_path() / ("skyriver_ledger_" + std::to_string(::getpid()) + "_" +
                                              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  TempDb() { fs::create_directories(dir); }
  ~TempDb() { fs::remove_all(dir); }
  std::string url() const { return (dir / "store.db").string(); }
};

// Line 1 header (Chinese names), lines 2-9 rows; lines 4, 6, 7 and 9 are bad.
const char* kSheet =
    "\xEF\xBB\xBF编号,类型,批次,问题,区县,责任单位,整改时限,状态,罚款金额,来源,反馈\n"
    "DC-01,整改,第二轮中央生态环境保护督察,某煤矿露天堆场扬尘,云冈区,云冈区生态环境分局,2024-06-30,已销号,,,\n"
    "DC-02,整改,第二轮中央生态环境保护督察,某焦化厂无组织排放,左云县,左云县生态环境分局,2024/3/1,整改中,,,\n"
    "DC-03,整改,第二轮中央生态环境保护督察,某河段垃圾,某县,某局,2024-06-30,整改中,,,\n"
    "DC-04,整改,省级督察,某企业污水直排,平城区,平城区生态环境分局,2099-12-31,待验收,,,\n"
    "DC-05,整改,省级督察,某企业异味,平城区,平城区生态环境分局,2024-02-30,整改中,,,\n"
    "AJ-01,案件,,某电厂超标排放,云冈区,市生态环境综合行政执法支队,,办理中,200000,,\n"
    "AJ-02,案件,,某厂未批先建,浑源县,市生态环境综合行政执法支队,,结案,50000,,\n"
    "TS-01,投诉,,夜间施工噪声,平城区,平城区住建局,,办结,,12345,是\n"
    "TS-02,投诉,,烧烤油烟,平城区,平城区城管局,,受理,,110,否\n";

TEST(Ledger, ImportReportsBadRowsByLineAndKeepsTheGoodOnes) {
  TempDb db;
  ledger::Ledger lg(datong(), db.url());
  const auto rep = lg.import_csv("台账.csv", kSheet, "张三");
  EXPECT_EQ(rep.rows, 9u);
  EXPECT_EQ(rep.created, 5u);
  ASSERT_EQ(rep.errors.size(), 4u);
  EXPECT_EQ(rep.errors[0].where, "台账.csv:4");
  EXPECT_THAT(rep.errors[0].why, ::testing::HasSubstr("unknown county '某县'"));
  EXPECT_EQ(rep.errors[1].where, "台账.csv:6");
  EXPECT_THAT(rep.errors[1].why, ::testing::HasSubstr("2024-02-30"));
  EXPECT_EQ(rep.errors[2].where, "台账.csv:7");
  EXPECT_THAT(rep.errors[2].why, ::testing::HasSubstr("state: 'handling' is not one of the case states"));
  EXPECT_EQ(rep.errors[3].where, "台账.csv:10");
  EXPECT_THAT(rep.errors[3].why, ::testing::HasSubstr("complaint source '110'"));
  const auto t = lg.find("DC-02");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->county, "140226");  // 左云县 by name
  EXPECT_EQ(t->state, "rectifying");
  EXPECT_EQ(core::format_date(*t->deadline), "2024-03-01");
  EXPECT_EQ(t->created_by, "张三");
  EXPECT_FALSE(lg.find("DC-03"));
}

TEST(Ledger, StatisticsCountedByHand) {
  TempDb db;
  ledger::Ledger lg(datong(), db.url());
  lg.import_csv("台账.csv", kSheet, "张三");
  // Good rows: DC-01 closed (deadline 2024-06-30), DC-02 rectifying (deadline 2024-03-01, past),
  // DC-04 awaiting acceptance (2099); case AJ-02 closed 50 000 yuan; complaint TS-01 concluded
  // with feedback. On 2025-01-01: rectification 3 tasks, 1 closed (1/3), 1 overdue (DC-02);
  // batch 第二轮...: 2 tasks, 1 closed, 1 overdue; 省级督察: 1 task, 0 closed, 0 overdue.
  const auto s = lg.stats({2025, 1, 1});
  EXPECT_EQ(s["rectification"]["total"], 3);
  EXPECT_EQ(s["rectification"]["closed"], 1);
  EXPECT_EQ(s["rectification"]["overdue"], 1);
  EXPECT_NEAR(s["rectification"]["closed_share"].get<double>(), 1.0 / 3.0, 1e-12);
  ASSERT_EQ(s["by_batch"].size(), 2u);
  for (const auto& b : s["by_batch"]) {
    if (b["batch"] == "第二轮中央生态环境保护督察") {
      EXPECT_EQ(b["total"], 2);
      EXPECT_EQ(b["closed"], 1);
      EXPECT_EQ(b["overdue"], 1);
    } else {
      EXPECT_EQ(b["batch"], "省级督察");
      EXPECT_EQ(b["total"], 1);
      EXPECT_EQ(b["overdue"], 0);
    }
  }
  EXPECT_EQ(s["cases"]["total"], 1);
  EXPECT_EQ(s["cases"]["closed"], 1);
  EXPECT_EQ(s["cases"]["penalty_yuan"], 50000.0);
  EXPECT_EQ(s["complaints"]["total"], 1);
  EXPECT_EQ(s["complaints"]["concluded_rate"], 1.0);
  EXPECT_EQ(s["complaints"]["feedback_rate"], 1.0);
}

TEST(Ledger, StateStepsAreChecked) {
  TempDb db;
  ledger::Ledger lg(datong(), db.url());
  ledger::Task t;
  t.type = "rectification";
  t.title = "x";
  t.county = "140214";
  const std::string id = lg.create(t, "a").id;
  lg.update(id, {{"state", "rectifying"}, {"note", "已停产整改"}}, "b");
  lg.update(id, {{"state", "awaiting_acceptance"}, {"evidence", "验收报告.pdf"}}, "c");
  lg.update(id, {{"state", "rectifying"}, {"note", "验收未通过"}}, "d");  // acceptance refused
  EXPECT_THROW(lg.update(id, {{"state", "open"}}, "e"), core::Error);       // never back to open
  EXPECT_THROW(lg.update(id, {{"colour", "red"}}, "e"), core::Error);
  lg.update(id, {{"state", "closed"}}, "f");
  EXPECT_THROW(lg.update(id, {{"state", "rectifying"}}, "g"), core::Error);
  const auto h = lg.history(id);
  ASSERT_EQ(h.size(), 5u);  // created + 4 changes, nothing lost
  EXPECT_EQ(h[0].who, "a");
  EXPECT_EQ(h[4].who, "f");
  const auto now = *lg.find(id);
  ASSERT_EQ(now.notes.size(), 2u);
  EXPECT_EQ(now.notes[1].text, "验收未通过");
  EXPECT_EQ(now.notes[1].who, "d");
  EXPECT_EQ(now.evidence, std::vector<std::string>{"验收报告.pdf"});
  // A new Ledger on the same store sees the same state and continues the numbering.
  ledger::Ledger again(datong(), db.url());
  EXPECT_EQ(again.find(id)->state, "closed");
  ledger::Task u = t;
  EXPECT_EQ(again.create(u, "a").id, "T000002");
}

TEST(Ledger, ExportIsAWorkbook) {
  TempDb db;
  ledger::Ledger lg(datong(), db.url());
  lg.import_csv("台账.csv", kSheet, "张三");
  const std::string x = lg.export_xlsx({2025, 1, 1});
  ASSERT_GT(x.size(), 1000u);
  EXPECT_EQ(x.substr(0, 4), std::string("PK\x03\x04", 4));  // a ZIP container, as every XLSX is
}

// The same sheet as kSheet written by Excel's writer (libxlsxwriter), with DC-01's deadline as
// a real date cell (serial 45473 = 2024-06-30: 2024-01-01 is 45292, plus 181 days) and a blank
// row 3: the same rows are refused, under the row numbers Excel shows.
TEST(Ledger, ImportsAnXlsxWorkbookWithRowNumbersAsExcelShows) {
  TempDb db;
  const auto f = db.dir / "台账.xlsx";
  {
    lxw_workbook* wb = workbook_new(f.c_str());
    lxw_worksheet* ws = workbook_add_worksheet(wb, "督察整改");
    lxw_format* date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd");
    std::istringstream in(std::string(kSheet).substr(3));  // without the BOM
    lxw_row_t r = 0;
    for (std::string line; std::getline(in, line); ++r) {
      if (r == 2) ++r;  // leave Excel row 3 blank
      const auto cells = core::split_csv(line);
      for (std::size_t c = 0; c < cells.size(); ++c) {
        if (cells[c].empty()) continue;
        if (r == 1 && c == 6) worksheet_write_number(ws, r, lxw_col_t(c), 45473, date);
        else worksheet_write_string(ws, r, lxw_col_t(c), cells[c].c_str(), nullptr);
      }
    }
    ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);
  }
  ledger::Ledger lg(datong(), db.url());
  const auto rep = lg.import_file(f.string(), "张三");
  EXPECT_EQ(rep.rows, 9u);
  EXPECT_EQ(rep.created, 5u);
  ASSERT_EQ(rep.errors.size(), 4u);
  EXPECT_EQ(rep.errors[0].where, "台账.xlsx:5");  // DC-03, unknown county (CSV line 4)
  EXPECT_THAT(rep.errors[0].why, ::testing::HasSubstr("unknown county '某县'"));
  EXPECT_EQ(rep.errors[1].where, "台账.xlsx:7");
  EXPECT_EQ(rep.errors[3].where, "台账.xlsx:11");
  const auto dc01 = lg.find("DC-01");
  ASSERT_TRUE(dc01);
  ASSERT_TRUE(dc01->deadline);
  EXPECT_EQ(core::format_date(*dc01->deadline), "2024-06-30");
  EXPECT_EQ(dc01->county, "140214");  // 云冈区 by name, as in the CSV import
}

TEST(Ledger, ABrokenWorkbookIsAnErrorNotAnImport) {
  TempDb db;
  ledger::Ledger lg(datong(), db.url());
  const auto rep = lg.import_sheet("bad.xlsx", std::string("PK\x03\x04", 4) + "not really a zip", "a");
  EXPECT_EQ(rep.created, 0u);
  ASSERT_EQ(rep.errors.size(), 1u);
  EXPECT_EQ(rep.errors[0].where, "bad.xlsx");
  EXPECT_THAT(rep.errors[0].why, ::testing::HasSubstr("not an XLSX workbook"));
}

TEST(Ledger, ExcelSerialDays) {
  // 1900 date system: 1 = 1900-01-01; 61 = 1900-03-01 (after Excel's phantom 1900-02-29);
  // 45292 = 2024-01-01; 2958465 = 9999-12-31 (Excel's last date).
  EXPECT_EQ(core::format_date(*ledger::excel_serial_date("1")), "1900-01-01");
  EXPECT_EQ(core::format_date(*ledger::excel_serial_date("59")), "1900-02-28");
  EXPECT_EQ(core::format_date(*ledger::excel_serial_date("61")), "1900-03-01");
  EXPECT_EQ(core::format_date(*ledger::excel_serial_date("45292")), "2024-01-01");
  EXPECT_EQ(core::format_date(*ledger::excel_serial_date("2958465")), "9999-12-31");
  EXPECT_FALSE(ledger::excel_serial_date("45292.5"));
  EXPECT_FALSE(ledger::excel_serial_date("0"));
  EXPECT_FALSE(ledger::excel_serial_date("2024-01-01"));
}

}  // namespace

// Issue 28 defect 11 and issue 27 item 9: ledger integrity.
namespace {

ledger::Task rect(const std::string& title = "某企业整改") {
  ledger::Task t;
  t.type = "rectification";
  t.title = title;
  t.county = "140214";
  return t;
}

std::string field_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ledger::FieldError& e) {
    return e.field();
  } catch (const core::Error& e) {
    return "(not a field: " + std::string(e.what()) + ")";
  }
  return "(accepted)";
}

}  // namespace

TEST(Ledger, ClosingARectificationDatesIt) {
  TempDb db;
  ledger::Ledger lg(datong(), db.url());
  const std::string id = lg.create(rect(), "a").id;
  const auto closed = lg.update(id, {{"state", "closed"}}, "b");
  ASSERT_TRUE(closed.closed_on);
  EXPECT_EQ(*closed.closed_on, ledger::today_beijing());
  // A date given with the step is kept.
  const std::string id2 = lg.create(rect(), "a").id;
  EXPECT_EQ(core::format_date(*lg.update(id2, {{"state", "closed"}, {"closed_on", "2024-05-06"}}, "b").closed_on), "2024-05-06");
}

TEST(Ledger, BadValuesNameTheirFieldAndStepsNotAllowedDoNot) {
  TempDb db;
  ledger::Ledger lg(datong(), db.url());
  const std::string id = lg.create(rect(), "a").id;
  EXPECT_EQ(field_of([&] { lg.update(id, {{"deadline", "2024-02-30"}}, "b"); }), "deadline");
  EXPECT_EQ(field_of([&] { lg.update(id, {{"deadline", 20240301}}, "b"); }), "deadline");
  EXPECT_EQ(field_of([&] { lg.update(id, {{"state", "finished"}}, "b"); }), "state");
  EXPECT_EQ(field_of([&] { lg.update(id, {{"colour", "red"}}, "b"); }), "colour");
  // A real state the current one cannot step to is a conflict, not a bad field.
  lg.update(id, {{"state", "rectifying"}}, "b");
  EXPECT_THAT(field_of([&] { lg.update(id, {{"state", "open"}}, "b"); }), ::testing::StartsWith("(not a field"));
  EXPECT_EQ(lg.history(id).size(), 2u);  // nothing stored by the refused changes
}

TEST(Ledger, TextThatAnExportWouldLoseIsRefused) {
  TempDb db;
  ledger::Ledger lg(datong(), db.url());
  // Excel keeps at most 32,767 characters in a cell (Excel specifications and limits); 32,767
  // Chinese characters (3 UTF-8 bytes, 1 UTF-16 unit each) fit, 32,768 ASCII ones do not.
  std::string fits;
  for (int i = 0; i < 32767; ++i) fits += "中";
  EXPECT_EQ(field_of([&] { lg.create(rect(fits), "a"); }), "(accepted)");
  EXPECT_EQ(field_of([&] { lg.create(rect(std::string(32768, 'x')), "a"); }), "title");
  EXPECT_EQ(field_of([&] { lg.create(rect(std::string("a\0b", 3)), "a"); }), "title");
  EXPECT_EQ(field_of([&] { lg.create(rect(" \t"), "a"); }), "title");
  const std::string id = lg.create(rect(), "a").id;
  EXPECT_EQ(field_of([&] { lg.update(id, {{"note", std::string("x\0y", 3)}}, "b"); }), "note");
  EXPECT_EQ(field_of([&] { lg.update(id, {{"evidence", std::string(60000, 'e')}}, "b"); }), "evidence");
  // Ids appear in URLs: a safe pattern, and not a word the routes use.
  for (const char* bad : {"../../x", "stats", "import", "Export", "a b", "编号1"}) {
    ledger::Task t = rect();
    t.id = bad;
    EXPECT_EQ(field_of([&] { lg.create(t, "a"); }), "id") << bad;
  }
  ledger::Task ok = rect();
  ok.id = "DC-2024_01";
  EXPECT_EQ(field_of([&] { lg.create(ok, "a"); }), "(accepted)");
  // The same rules hold for an import.
  const auto rep = lg.import_csv("t.csv", "id,type,title,county\nstats,整改,x,云冈区\nok-1,整改,x,云冈区\n", "a");
  EXPECT_EQ(rep.created, 1u);
  ASSERT_EQ(rep.errors.size(), 1u);
  EXPECT_EQ(rep.errors[0].where, "t.csv:2");
}

TEST(Ledger, AnImportNamesOnlyAlarmsThatExistAndHaveNoTask) {
  TempDb db;
  {
    // Two alarms in the journal as the alarm service writes them (kind "alarm", key = id).
    auto st = store::Store::open(db.url());
    std::vector<store::Record> recs{
        {0, "alarm", "exceedance.A.so2.limit.2024010106", 0, "system", R"({"id":"exceedance.A.so2.limit.2024010106","task":""})"},
        {0, "alarm", "exceedance.A.so2.limit.2024010206", 0, "system", R"({"id":"exceedance.A.so2.limit.2024010206","task":"T000007"})"}};
    st->append(std::span<store::Record>(recs));
  }
  ledger::Ledger lg(datong(), db.url());
  const auto rep = lg.import_csv("t.csv",
                                 "type,title,county,alarm\n"
                                 "整改,x,云冈区,exceedance.A.so2.limit.2024010106\n"  // good
                                 "整改,x,云冈区,exceedance.A.so2.limit.2024010106\n"  // the same alarm again
                                 "整改,x,云冈区,exceedance.A.so2.limit.2024010206\n"  // already has T000007
                                 "整改,x,云冈区,no.such.alarm\n",
                                 "a");
  EXPECT_EQ(rep.created, 1u);
  ASSERT_EQ(rep.errors.size(), 3u);
  EXPECT_EQ(rep.errors[0].where, "t.csv:3");
  EXPECT_THAT(rep.errors[1].why, ::testing::HasSubstr("already has task T000007"));
  EXPECT_THAT(rep.errors[2].why, ::testing::HasSubstr("no alarm 'no.such.alarm'"));
  // And a later import cannot name the alarm the first one took.
  const auto again = lg.import_csv("u.csv", "type,title,county,alarm\n整改,y,云冈区,exceedance.A.so2.limit.2024010106\n", "a");
  EXPECT_EQ(again.created, 0u);
  ASSERT_EQ(again.errors.size(), 1u);
  EXPECT_THAT(again.errors[0].why, ::testing::HasSubstr("already has task T000001"));
}

// Issue 28 defect 10: a workbook's parts are capped (zip bomb). The archives are made here by
// libzip; `declared` (when set) is written over the part's uncompressed size in the zip
// headers (local header offset 22, central directory offset 24: PKWARE APPNOTE 4.3.7, 4.3.12).
namespace {

std::string workbook_zip(const fs::path& file, const std::string& sheet_xml, std::optional<std::uint32_t> declared = {}) {
  int err = 0;
  zip_t* z = zip_open(file.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  EXPECT_TRUE(z);
  auto add = [&](const char* name, const std::string& text) {
    zip_source_t* src = zip_source_buffer(z, text.data(), text.size(), 0);
    EXPECT_GE(zip_file_add(z, name, src, ZIP_FL_OVERWRITE), 0);
  };
  const std::string wb = R"(<workbook xmlns:r="r"><sheets><sheet name="s" r:id="rId1"/></sheets></workbook>)";
  const std::string rels = R"(<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>)";
  add("xl/workbook.xml", wb);
  add("xl/_rels/workbook.xml.rels", rels);
  add("xl/sharedStrings.xml", "<sst/>");
  add("xl/worksheets/sheet1.xml", sheet_xml);
  EXPECT_EQ(zip_close(z), 0);
  std::ifstream in(file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (declared) {
    const std::string name = "xl/worksheets/sheet1.xml";
    auto put = [&](std::size_t at) {
      for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<char>((*declared >> (8 * i)) & 0xFF);
    };
    for (std::size_t at = bytes.find("PK\x03\x04"); at != std::string::npos; at = bytes.find("PK\x03\x04", at + 4))
      if (bytes.compare(at + 30, name.size(), name) == 0) put(at + 22);
    for (std::size_t at = bytes.find("PK\x01\x02"); at != std::string::npos; at = bytes.find("PK\x01\x02", at + 4))
      if (bytes.compare(at + 46, name.size(), name) == 0) put(at + 24);
  }
  return bytes;
}

std::string error_of(const std::string& bytes, std::size_t cap = ledger::kMaxSheetPart) {
  try {
    ledger::read_first_sheet(bytes, "bomb.xlsx", cap);
  } catch (const core::Error& e) {
    return e.what();
  }
  return "(read)";
}

}  // namespace

TEST(Ledger, AWorkbookPartMayNotDeclareOrInflateBeyondTheCap) {
  TempDb db;
  const std::string sheet = R"(<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>)";
  // A sound small workbook reads.
  EXPECT_EQ(error_of(workbook_zip(db.dir / "ok.xlsx", sheet)), "(read)");
  // 3 MiB of sheet (spaces compress to a few KiB) against a 1 MiB cap: refused, naming the part.
  const std::string big = "<worksheet>" + std::string(3u << 20, ' ') + "<sheetData/></worksheet>";
  EXPECT_THAT(error_of(workbook_zip(db.dir / "big.xlsx", big), 1u << 20),
              ::testing::AllOf(::testing::HasSubstr("bomb.xlsx: part xl/worksheets/sheet1.xml"), ::testing::HasSubstr("declares")));
  // A part declaring 200 MiB (over the 64 MiB default cap) is refused before anything is allocated.
  EXPECT_THAT(error_of(workbook_zip(db.dir / "liar.xlsx", sheet, 200u << 20)), ::testing::HasSubstr("declares 209715200 bytes"));
  // Declaring 100 bytes but inflating to 3 MiB: reading stops at the cap (or at libzip's own check).
  EXPECT_THAT(error_of(workbook_zip(db.dir / "small-liar.xlsx", big, 100), 1u << 20), ::testing::HasSubstr("bomb.xlsx"));
  // Through the ledger, the bomb is a reported error, not an import.
  ledger::Ledger lg(datong(), db.url());
  const auto rep = lg.import_sheet("bomb.xlsx", workbook_zip(db.dir / "liar2.xlsx", sheet, 200u << 20), "a");
  EXPECT_EQ(rep.created, 0u);
  ASSERT_EQ(rep.errors.size(), 1u);
  EXPECT_THAT(rep.errors[0].why, ::testing::HasSubstr("declares"));
}
