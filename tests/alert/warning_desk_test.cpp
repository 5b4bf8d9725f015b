// The life of a warning in the store's journal: a forecast raises a proposal, a person issues,
// adjusts and lifts it, every step is kept with who and when, bad input changes nothing, a
// restart loses nothing; the curtailment measures in force by county and an enterprise's
// compliance from its HJ 212 data; the proposal reaches a webhook receiver. The desk runs on
// both stores (SQLite, and PostgreSQL when SKYRIVER_TEST_PG names a server: tests/store/backends.h).
#include "alert/warning_desk.h"
#include "alert/warning_notice.h"
#include "alert/warning_service.h"
#include "core/error.h"
#include "engine/load.h"

#include "../store/backends.h"
#include "../support/http_receiver.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace skyriver;
using namespace skyriver::alert;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string kConfig = std::string(SKYRIVER_SOURCE_DIR) + "/config/datong";
const core::Date kD0{2026, 1, 10};  // the forecast is issued on the evening of D0

forecast::DailyAqi day(int lead, int aqi, const std::string& area = "140200") {
  forecast::DailyAqi d;
  d.area = area;
  d.issued = core::beijing_midnight(kD0) + 20 * core::kHour;
  d.day = core::add_days(kD0, lead);
  d.lead_day = lead;
  d.aqi = aqi, d.aqi_low = aqi - 20, d.aqi_high = aqi + 20;
  d.primary = "pm25";
  d.basis = "test";
  return d;
}

class Desk : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = testkit::scratch_dir();
    city_ = model::load_city(kConfig);
    cfg_ = load_warning_config(warning_file(kConfig));
    // A curtailment list of our own, with numbers to work by hand: the example power plant's
    // outlet (sources.toml) monitored by flue-gas flow, baseline 100; orange cuts 20 %.
    std::ofstream(dir_ / "curtailment.toml") << R"(
[[enterprise]]
id = "P"
name = "Plant P"
county = "140214"
example = true
monitor = { site = "EX-POWER-DA001", parameter = "flow", baseline = 100.0 }
[enterprise.orange]
action = "limit"
percent = 20
basis = "electricity"
text = "limit 20 %"
cut = { pm = 1, so2 = 2, nox = 3, vocs = 4 }
[[enterprise]]
id = "Q"
name = "Plant Q"
county = "140226"
[enterprise.yellow]
action = "stop"
basis = "fuel"
text = "stop"
cut = { pm = 10, so2 = 20, nox = 30, vocs = 40 }
)";
    list_ = load_curtailment((dir_ / "curtailment.toml").string(), city_);
    engine::set_city(engine_, city_);
    url_ = SKYRIVER_FRESH_URL(GetParam(), dir_);
    SKYRIVER_REQUIRE_BACKEND(url_);
    open();
  }
  void TearDown() override {
    desk_.reset();
    fs::remove_all(dir_);
  }
  void open() {
    DeskOptions o;
    o.announce = [this](const std::string& e, const json& j) { events_.push_back({e, j}); };
    o.clock = [this] { return now_; };
    desk_ = std::make_unique<WarningDesk>(cfg_, list_, city_, engine_, store::Store::open(url_), o);
  }
  std::size_t records() {
    store::RecordQuery q;
    q.kind = kWarningKind;
    return store::Store::open(url_)->records(q).size();
  }
  // Expects `f` to throw core::Error naming `field`, and the journal to stay as it was.
  template <class F>
  void refused(F&& f, const std::string& field, const std::string& says) {
    const std::size_t before = records();
    try {
      f();
      ADD_FAILURE() << "accepted; expected an error on " << field;
    } catch (const core::Error& e) {
      EXPECT_EQ(e.where(), field) << e.what();
      EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
    }
    EXPECT_EQ(records(), before);
  }

  fs::path dir_;
  std::string url_;
  model::CityConfig city_;
  WarningConfig cfg_;
  CurtailmentList list_;
  engine::Engine engine_;
  std::unique_ptr<WarningDesk> desk_;
  std::vector<std::pair<std::string, json>> events_;
  core::Instant now_ = core::beijing_midnight(kD0) + 21 * core::kHour;
};

TEST_P(Desk, ForecastRaisesAProposalOnce) {
  // national-2024: days D2, D3 above 200 = orange ("> 200 for 2 consecutive days"). Issued D0
  // 20:00, the 36-h window reaches D2 08:00: issue, effective D2 00:00 (REFERENCE.md 5).
  auto out = desk_->on_forecast({day(1, 100), day(2, 210), day(3, 230)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["action"], "issue");
  EXPECT_EQ(out[0]["to"], "orange");
  EXPECT_EQ(out[0]["effective"], "2026-01-12T00:00:00+08:00");
  EXPECT_EQ(out[0]["basis"], "> 200 for 2 consecutive days");
  EXPECT_EQ(out[0]["forecast"].size(), 3u);
  EXPECT_EQ(out[0]["forecast"][1]["aqi"], 210);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].first, "warning.proposal");
  // The same forecast again: the proposal stands, nothing new.
  EXPECT_TRUE(desk_->on_forecast({day(1, 100), day(2, 210), day(3, 230)}).empty());
  const json p = desk_->proposals();
  ASSERT_EQ(p["proposals"].size(), 1u);
  EXPECT_EQ(p["rules"], "national-2024");
  EXPECT_EQ(p["rules_note"], "to be confirmed by the city (待市政府确认)");
  // A clean forecast withdraws it.
  out = desk_->on_forecast({day(1, 100), day(2, 120), day(3, 90)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["status"], "withdrawn");
  EXPECT_TRUE(desk_->proposals()["proposals"].empty());
}

// The duty forecaster's consultation (会商) overrules the hourly model issue (docs/warning.md):
// its proposal is withdrawn by a newer clean consultation, not by a clean model forecast.
TEST_P(Desk, AConsultationProposalStandsAgainstTheModel) {
  // 2026-01-12 and -13 above 200 = orange under national-2024, as in the test above.
  const json dirty = {{"area", "140200"}, {"days", {{{"day", "2026-01-11"}, {"aqi", 100}},
                                                    {{"day", "2026-01-12"}, {"aqi", 210}},
                                                    {{"day", "2026-01-13"}, {"aqi", 230}}}}};
  ASSERT_EQ(desk_->consultation(dirty).size(), 1u);
  EXPECT_TRUE(desk_->on_forecast({day(1, 100), day(2, 120), day(3, 90)}).empty());
  const json p = desk_->proposals()["proposals"];
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0]["to"], "orange");
  json clean = dirty;
  clean["days"][1]["aqi"] = 120;
  clean["days"][2]["aqi"] = 90;
  const auto out = desk_->consultation(clean);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["status"], "withdrawn");
  EXPECT_TRUE(desk_->proposals()["proposals"].empty());
  // A model proposal is still the model's to withdraw.
  ASSERT_EQ(desk_->on_forecast({day(1, 100), day(2, 210), day(3, 230)}).size(), 1u);
  EXPECT_EQ(desk_->on_forecast({day(1, 100), day(2, 120), day(3, 90)}).size(), 1u);
}

TEST_P(Desk, IssueAdjustLiftKeepEveryStep) {
  desk_->on_forecast({day(1, 100), day(2, 210), day(3, 230)});
  json w = desk_->issue({{"level", "orange"}, {"start", "2026-01-12"}, {"areas", {"140200"}}, {"user", "张三"}, {"note", "会商同意"}});
  EXPECT_EQ(w["number"], "大同重污染预警-2026-001");
  EXPECT_TRUE(w["in_force"].get<bool>());
  EXPECT_EQ(w["level_zh"], "橙色");
  EXPECT_EQ(w["start"], "2026-01-12T00:00:00+08:00");
  EXPECT_EQ(w["basis"]["type"], "proposal");  // the forecast snapshot it came from
  EXPECT_EQ(w["basis"]["forecast"][2]["aqi"], 230);
  ASSERT_EQ(w["steps"].size(), 1u);
  EXPECT_EQ(w["steps"][0]["who"], "张三");
  EXPECT_EQ(w["steps"][0]["at"], core::format_iso(now_));
  EXPECT_TRUE(desk_->proposals()["proposals"].empty());  // taken

  // The measures in force at orange, by county: P (云冈区) limits 20 %; Q (左云县) lists only a
  // yellow stop, which holds at orange too (the nearest lower level).
  const json& m = w["measures"];
  ASSERT_EQ(m["counties"].size(), 2u);
  EXPECT_EQ(m["counties"][0]["county"], "140214");
  EXPECT_EQ(m["counties"][0]["enterprises"][0]["measure"]["percent"], 20);
  EXPECT_EQ(m["counties"][1]["enterprises"][0]["measure"]["action"], "stop");
  EXPECT_EQ(m["cut"]["nox"], 33);  // 3 + 30 kg/d
  EXPECT_EQ(m["counties"][0]["enterprises"][0]["compliance"]["status"], "no data");

  // A second warning over an area already covered is refused, nothing stored.
  refused([&] { desk_->issue({{"level", "yellow"}, {"start", "2026-01-12"}, {"areas", {"140213"}}, {"user", "x"}}); },
          "areas", "is in force");

  now_ += core::kDay;
  // Red without a forecast calling for it: a reason is needed (issue 29, defect 5).
  w = desk_->adjust({{"number", "大同重污染预警-2026-001"}, {"level", "red"}, {"user", "李四"}, {"reason", "会商: 静稳加剧"}});
  EXPECT_EQ(w["level"], "red");
  ASSERT_EQ(w["steps"].size(), 2u);
  EXPECT_EQ(w["steps"][1]["change"], "raise");
  EXPECT_EQ(w["steps"][1]["who"], "李四");

  now_ += core::kDay;
  w = desk_->lift({{"number", "大同重污染预警-2026-001"}, {"end", "2026-01-14T12:00"}, {"user", "王五"}});
  EXPECT_FALSE(w["in_force"].get<bool>());
  EXPECT_EQ(w["end"], "2026-01-14T12:00:00+08:00");
  EXPECT_EQ(w["steps"].size(), 3u);
  refused([&] { desk_->lift({{"number", "大同重污染预警-2026-001"}, {"user", "x"}}); }, "number", "lifted already");

  // A restart reads the same history from the journal.
  desk_.reset();
  open();
  const json all = desk_->warnings();
  EXPECT_TRUE(all["in_force"].empty());
  ASSERT_EQ(all["history"].size(), 1u);
  EXPECT_EQ(all["history"][0]["steps"][2]["who"], "王五");
  EXPECT_EQ(all["history"][0]["level"], "red");
  // The next warning of the year gets the next number.
  w = desk_->issue({{"level", "yellow"}, {"start", "2026-01-13T08:00"}, {"areas", {"140226"}}, {"user", "张三"}, {"reason", "本地排放异常"}});
  EXPECT_EQ(w["number"], "大同重污染预警-2026-002");
  EXPECT_EQ(w["basis"]["type"], "manual");
}

TEST_P(Desk, BadInputIsRefusedAndNothingIsStored) {
  const json ok = {{"level", "orange"}, {"start", "2026-01-12"}, {"areas", {"140200"}}, {"user", "张三"}, {"reason", "会商研判"}};
  auto without = [&](const char* k) {
    json b = ok;
    b.erase(k);
    return b;
  };
  auto with = [&](const char* k, json v) {
    json b = ok;
    b[k] = std::move(v);
    return b;
  };
  refused([&] { desk_->issue(without("user")); }, "user", "is required");
  refused([&] { desk_->issue(with("user", "  ")); }, "user", "name the person");
  refused([&] { desk_->issue(with("level", "purple")); }, "level", "not a level of national-2024");
  refused([&] { desk_->issue(with("level", "blue")); }, "level", "not a level of national-2024");  // 2017 only
  refused([&] { desk_->issue(with("start", "tomorrow")); }, "start", "is not a time");
  refused([&] { desk_->issue(without("start")); }, "start", "is required");
  refused([&] { desk_->issue(with("areas", json::array())); }, "areas", "give the area codes");
  refused([&] { desk_->issue(with("areas", {"999999"})); }, "areas", "not an area code");
  refused([&] { desk_->issue(with("kind", "smog")); }, "kind", "not pm, o3, dust");
  refused([&] { desk_->issue(with("number", "X-1")); }, "number", "must start with");
  refused([&] { desk_->issue(json::array()); }, "body", "not a JSON object");
  refused([&] { desk_->adjust({{"number", "大同重污染预警-2026-009"}, {"level", "red"}, {"user", "x"}}); }, "number", "no warning");
  refused([&] { desk_->lift({{"user", "x"}}); }, "number", "is required");
  refused([&] { desk_->consultation({{"area", "140200"}, {"days", {{{"day", "2026-01-11"}, {"aqi", -3}}}}}); }, "days[0].aqi", "between 0 and");
  refused([&] { desk_->consultation({{"area", "140200"}, {"days", {{{"day", "2026-01-11"}, {"aqi", 100}}, {{"day", "2026-01-13"}, {"aqi", 100}}}}}); },
          "days[1].day", "consecutive");
  refused([&] { desk_->consultation({{"area", "nowhere"}, {"days", {{{"day", "2026-01-11"}, {"aqi", 100}}}}}); }, "area", "not an area code");
  desk_->issue(ok);
  refused([&] { desk_->adjust({{"number", "大同重污染预警-2026-001"}, {"level", "orange"}, {"user", "x"}}); }, "level", "nothing changes");
  refused([&] { desk_->lift({{"number", "大同重污染预警-2026-001"}, {"end", "2026-01-11"}, {"user", "x"}}); }, "end", "before the warning's start");
}

TEST_P(Desk, ComplianceFromTheMonitoredSite) {
  // Flue-gas flow of the plant's outlet during the warning: 70, 80, 90 m3/s -> mean 80 = 80 % of
  // the baseline 100; orange limits by 20 %, so at most 80 % is allowed: below (met).
  const core::Instant start = core::beijing_midnight(core::add_days(kD0, 2));
  engine_.put({{"EX-POWER-DA001", "flow", start - core::kHour, 100, 'N'},  // before the warning: not counted
               {"EX-POWER-DA001", "flow", start, 70, 'N'},
               {"EX-POWER-DA001", "flow", start + core::kHour, 80, 'N'},
               {"EX-POWER-DA001", "flow", start + 2 * core::kHour, 90, 'N'}},
              false);
  now_ = start + 2 * core::kHour + 30 * 60;
  json w = desk_->issue({{"level", "orange"}, {"start", "2026-01-12"}, {"areas", {"140214"}}, {"user", "张三"}, {"reason", "会商研判"}});
  json c = w["measures"]["counties"][0]["enterprises"][0]["compliance"];
  EXPECT_EQ(c["hours"], 3);
  EXPECT_DOUBLE_EQ(c["mean"].get<double>(), 80.0);
  EXPECT_DOUBLE_EQ(c["required_share"].get<double>(), 0.8);
  EXPECT_EQ(c["status"], "below");
  // One more hour at 100: mean (70+80+90+100)/4 = 85 > 80: above.
  engine_.put({{"EX-POWER-DA001", "flow", start + 3 * core::kHour, 100, 'N'}}, false);
  now_ += core::kHour;
  c = desk_->warnings()["in_force"][0]["measures"]["counties"][0]["enterprises"][0]["compliance"];
  EXPECT_EQ(c["hours"], 4);
  EXPECT_DOUBLE_EQ(c["mean"].get<double>(), 85.0);
  EXPECT_EQ(c["status"], "above");
  // Only the counties of the warning's areas: 左云县 (Q) is not listed.
  EXPECT_EQ(desk_->warnings()["in_force"][0]["measures"]["counties"].size(), 1u);
}

TEST_P(Desk, ObservedDaysBeforeTheForecastCount) {
  // PM2.5 at 200 ug/m3 at every air site over D-1 and the first 20 hours of D0 (a valid daily
  // mean needs 20 hours, GB 3095 Table 4): daily IAQI 200 + 100*(200-150)/(250-150) = 250
  // (HJ 633-2012 Table 1; the only pollutant given). With the forecast of D1 at 210 that makes
  // three days above 200 and none above 300: orange under national-2024, where the forecast
  // alone (one day above 200) would be yellow.
  std::vector<engine::Update> v;
  for (const auto& s : city_.sites)
    if (s.kind == "air")
      for (core::Instant t = core::beijing_midnight(core::add_days(kD0, -1)); t < core::beijing_midnight(kD0) + 20 * core::kHour; t += core::kHour)
        v.push_back({s.id, "pm25", t, 200, 'N'});
  engine_.put(v, false);
  auto out = desk_->on_forecast({day(1, 210), day(2, 100), day(3, 100)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["to"], "orange") << out[0].dump();
  EXPECT_EQ(out[0]["basis"], "> 200 for 2 consecutive days");
  const json& obs = out[0]["observed"];
  ASSERT_EQ(obs.size(), 7u);  // lookback_days before day 1 (D-6 .. D0)
  EXPECT_EQ(obs[6]["day"], "2026-01-10");
  EXPECT_EQ(obs[6]["aqi"], 250);
  EXPECT_EQ(obs[5]["aqi"], 250);
  EXPECT_EQ(obs[4]["aqi"], nullptr);
}

TEST_P(Desk, NoticeListsMeasuresByCounty) {
  desk_->issue({{"level", "orange"}, {"start", "2026-01-12"}, {"areas", {"140200"}}, {"user", "张三"}, {"reason", "会商研判"}});
  const auto w = desk_->warning("");
  ASSERT_TRUE(w);
  const std::string html = notice_html(*w, "大同市");
  EXPECT_NE(html.find("大同市重污染天气预警信息发布单"), std::string::npos);
  EXPECT_NE(html.find("大同重污染预警-2026-001"), std::string::npos);
  EXPECT_NE(html.find("橙色预警"), std::string::npos);
  EXPECT_NE(html.find("EXAMPLE Plant P"), std::string::npos);
  EXPECT_NE(html.find("云冈区"), std::string::npos);
  EXPECT_NE(html.find("to be confirmed by the city"), std::string::npos);
  const std::string xlsx = notice_xlsx_bytes(*w, "大同市");
  ASSERT_GT(xlsx.size(), 1000u);
  EXPECT_EQ(xlsx.substr(0, 2), "PK");  // a zip container
  // Issue 31: the "no warning" notice is in clean Chinese (no English words after the Chinese).
  EXPECT_NE(notice_html(nullptr, "大同市").find("当前无重污染天气预警"), std::string::npos);
  EXPECT_EQ(notice_html(nullptr, "大同市").find("no warning"), std::string::npos);
  EXPECT_EQ(notice_html(nullptr, "大同市").find("status"), std::string::npos);
}

// Issue 29 defect 3: a consultation day can be marked dust, and pollutant codes are compared
// case-insensitively. 环大气〔2024〕6号 (REFERENCE.md 5): O3 and dust episodes get health advice
// only, no curtailment (national-2024 advice_only).
TEST_P(Desk, DustAndO3AreReadAsTheForecasterWritesThem) {
  // "O3" is o3: an O3 episode from the model's forecast of a county.
  auto o3 = [](int lead, int aqi) {
    auto d = day(lead, aqi, "140214");
    d.primary = "O3";
    return d;
  };
  auto out = desk_->on_forecast({o3(1, 100), o3(2, 210), o3(3, 230)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["kind"], "o3");
  out = desk_->consultation({{"area", "140200"},
                                  {"days", {{{"day", "2026-01-11"}, {"aqi", 230}, {"primary", "PM10"}, {"kind", "Dust"}},
                                            {{"day", "2026-01-12"}, {"aqi", 260}, {"primary", "PM10"}, {"kind", "dust"}},
                                            {{"day", "2026-01-13"}, {"aqi", 90}}}}});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["kind"], "dust");
  EXPECT_EQ(out[0]["forecast"][0]["kind"], "dust");
  // Issued on the proposal without naming the kind: the episode's kind holds, no curtailment.
  const json w = desk_->issue({{"level", "orange"}, {"start", "2026-01-11"}, {"areas", {"140200"}}, {"user", "张三"}});
  EXPECT_EQ(w["kind"], "dust");
  EXPECT_TRUE(w["measures"]["advice_only"].get<bool>());
  EXPECT_TRUE(w["measures"]["counties"].empty());
  EXPECT_NE(notice_html(w, "大同市").find("不启动减排措施"), std::string::npos);
  refused([&] { desk_->consultation({{"area", "140214"}, {"days", {{{"day", "2026-01-11"}, {"aqi", 230}, {"kind", "smoke"}}}}}); },
          "days[0].kind", "not a day kind");
}

// Issue 29 defect 4: a county-only warning is not the city's.
TEST_P(Desk, CountyWarningDoesNotCountAsTheCitys) {
  desk_->issue({{"level", "orange"}, {"start", "2026-01-11"}, {"areas", {"140214"}}, {"user", "张三"}, {"reason", "会商研判"}});
  // A clean city forecast, issued at D1 00:00 so that its 36-h window is all known: no city
  // warning exists, so nothing to lift (a lift was proposed).
  auto midnight = [](forecast::DailyAqi d) {
    d.issued = core::beijing_midnight(core::add_days(kD0, 1));
    return d;
  };
  EXPECT_TRUE(desk_->on_forecast({midnight(day(1, 100)), midnight(day(2, 120)), midnight(day(3, 90))}).empty());
  // The city's forecast calls for orange: a city warning is proposed.
  const auto out = desk_->on_forecast({day(1, 100), day(2, 210), day(3, 230)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["area"], "140200");
  EXPECT_EQ(out[0]["action"], "issue");
  EXPECT_EQ(out[0]["from"], "none");
  EXPECT_EQ(out[0]["to"], "orange");
  // A county forecast still sees the county's own warning (and a city warning would count too).
  EXPECT_TRUE(desk_->on_forecast({day(1, 210, "140214"), day(2, 230, "140214"), day(3, 230, "140214")}).empty());
}

// Issue 29 defect 5: dates checked against the forecast and the clock, Z times, ranges low to
// high, and a level above the rules' call needs a reason that the notice prints.
TEST_P(Desk, ImplausibleStepsAreRefused) {
  const json manual = {{"level", "yellow"}, {"areas", {"140226"}}, {"user", "张三"}, {"reason", "会商研判"}};
  auto at = [&](const char* start) {
    json b = manual;
    b["start"] = start;
    return b;
  };
  refused([&] { desk_->issue(at("1900-01-01")); }, "start", "outside the clock");
  refused([&] { desk_->issue(at("2099-01-01")); }, "start", "outside the clock");
  // 2026-01-11T16:00Z is 2026-01-12 00:00 Beijing time.
  json w = desk_->issue(at("2026-01-11T16:00:00Z"));
  EXPECT_EQ(w["start"], "2026-01-12T00:00:00+08:00");
  refused([&] { desk_->lift({{"number", w["number"]}, {"end", "2026-01-12T00:00"}, {"user", "x"}}); }, "end", "equals the warning's start");
  refused([&] { desk_->lift({{"number", w["number"]}, {"end", "2099-01-12T00:00"}, {"user", "x"}}); }, "end", "beyond the forecast");
  desk_->lift({{"number", w["number"]}, {"end", "2026-01-12T08:00"}, {"user", "x"}});
  refused([&] { desk_->consultation({{"area", "140200"}, {"days", {{{"day", "2026-01-11"}, {"aqi", 220}, {"aqi_low", 250}, {"aqi_high", 200}}}}}); },
          "days[0].aqi_low", "above aqi_high");
  // national-2024 yellow: > 150 for 2 consecutive days (days 1-2 at 160, 170).
  const auto p = desk_->on_forecast({day(1, 160), day(2, 170), day(3, 100)});
  ASSERT_EQ(p.size(), 1u);
  ASSERT_EQ(p[0]["to"], "yellow");
  json red = {{"level", "red"}, {"start", "2026-01-11"}, {"areas", {"140200"}}, {"user", "张三"}};
  refused([&] { desk_->issue(red); }, "reason", "above what the rules call for (yellow, > 150 for 2 consecutive days)");
  red["start"] = "2026-01-20";  // after the proposal's forecast
  red["reason"] = "上级通知: 区域联防联控";
  refused([&] { desk_->issue(red); }, "start", "outside the forecast");
  red["start"] = "2026-01-11";
  w = desk_->issue(red);
  EXPECT_EQ(w["reason"], "上级通知: 区域联防联控");
  EXPECT_EQ(w["called_for"], "yellow");
  const std::string html = notice_html(w, "大同市");
  EXPECT_NE(html.find("上级通知: 区域联防联控"), std::string::npos);
  EXPECT_NE(html.find("rules call for yellow"), std::string::npos);
  EXPECT_NE(html.find("the level the rules call for"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, Desk, ::testing::Values("sqlite", "postgresql"), testkit::backend_name);

TEST(WarningService, ProposalReachesTheWebhookAndTheStream) {
  test::Receiver r({200});
  const fs::path dir = fs::temp_directory_path() / ("skyriver-service-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ifstream in(warning_file(kConfig));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  text.replace(text.find("webhooks = []"), 13, "webhooks = [\"http://127.0.0.1:" + std::to_string(r.port) + "/duty\"]");
  std::ofstream(dir / "warning.toml") << text;
  const auto city = model::load_city(kConfig);
  engine::Engine e;
  engine::set_city(e, city);
  forecast::DailyAqiBoard board;
  std::vector<std::string> sse;
  {
    auto service = start_warnings(dir.string(), (dir / "s.db").string(), city, e, board,
                                  [&](const std::string& ev, const std::string& data) { sse.push_back(ev + " " + data); });
    ASSERT_TRUE(service);
    board.publish({day(1, 100), day(2, 210), day(3, 230)});
  }  // the webhook delivers what is queued before it stops
  ASSERT_EQ(r.requests.size(), 1u);
  EXPECT_EQ(r.requests[0].target(), "/duty");
  EXPECT_EQ(r.requests[0]["X-Skyriver-Event"], "warning.proposal");
  const json body = json::parse(r.requests[0].body());
  EXPECT_EQ(body["data"]["to"], "orange");
  ASSERT_EQ(sse.size(), 1u);
  EXPECT_EQ(sse[0].rfind("warning {", 0), 0u) << sse[0];
  EXPECT_NE(sse[0].find("\"event\":\"warning.proposal\""), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
