// The alarm engine's rules on hand-made data; every expected alarm is worked out in the comment
// from the rule it exercises (docs/sources.md) and the limits of config/datong/sources.toml.
#include "alert/alarm_engine.h"
#include "alert/alarm_rules.h"
#include "alert/alarm_service.h"

#include "core/error.h"
#include "model/city.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace skyriver;

namespace {

const model::CityConfig& datong() {
  static const auto c = model::load_city(std::string(SKYRIVER_SOURCE_DIR) + "/config/datong");
  return c;
}

// 2024-01-01 00:00 Beijing + h hours.
core::Instant hour(int h) { return core::beijing_midnight({2024, 1, 1}) + h * core::kHour; }

store::Observation obs(const std::string& site, const std::string& p, int h, double v, char flag = 'N',
                       store::Interval iv = store::Interval::hour) {
  store::Observation o;
  o.site = site;
  o.parameter = p;
  o.time = hour(h);
  o.interval = iv;
  o.value = v;
  o.flag = flag;
  o.source_kind = "hj212";
  o.received_at = hour(h) + 3700;
  return o;
}

std::vector<std::string> changes(const std::vector<alert::AlarmChange>& cs) {
  std::vector<std::string> out;
  for (const auto& c : cs) out.push_back(c.change + " " + c.alarm.kind + "/" + c.alarm.rule + " " + c.alarm.parameter);
  return out;
}

const char* kPower = "EX-POWER-DA001";

TEST(AlarmEngine, ExceedanceOnTheZsValueRaisesSeverityWithConsecutiveHours) {
  alert::AlarmEngine e(datong(), {});
  // SO2 limit 35 mg/m3 at 6 % O2 (ultra-low, sources.toml). ZsAvg 60, 61, 62 in hours 6-8,
  // 20 in hour 9: one alarm, hours 6..8; 1 h -> severity 1, 3 consecutive h -> 2 (severity_hours 1,3,6).
  std::vector<alert::AlarmChange> all;
  for (int h : {6, 7, 8, 9}) {
    std::vector<store::Observation> b{obs(kPower, "so2_zs", h, h == 9 ? 20 : 54 + h), obs(kPower, "so2", h, 50),
                                      obs(kPower, "o2", h, 7.0 + 0.1 * h)};
    auto c = e.observe(b, 100);
    all.insert(all.end(), c.begin(), c.end());
  }
  EXPECT_THAT(changes(all), ::testing::ElementsAre("opened exceedance/limit so2", "updated exceedance/limit so2",
                                                   "escalated exceedance/limit so2"));
  const auto a = e.alarms();
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].first, hour(6));
  EXPECT_EQ(a[0].last, hour(8));
  EXPECT_EQ(a[0].severity, 2);
  EXPECT_EQ(a[0].county, "140214");
  EXPECT_EQ(a[0].enterprise, "EX-POWER");
  EXPECT_EQ(a[0].evidence["consecutive_hours"], 3);
  EXPECT_EQ(a[0].evidence["values"][2]["how"], "ZsAvg value of the frame");
}

TEST(AlarmEngine, WithoutZsTheConvertedValueIsComputedFromO2) {
  alert::AlarmEngine e(datong(), {});
  // No Zs: 30 mg/m3 at O2 6 % -> 30 * 15/15 = 30 (under 35); at O2 9 % -> 30 * 15/12 = 37.5 (over).
  auto c = e.observe(std::vector{obs(kPower, "so2", 1, 30), obs(kPower, "o2", 1, 6)}, 100);
  EXPECT_TRUE(c.empty());
  c = e.observe(std::vector{obs(kPower, "so2", 2, 30), obs(kPower, "o2", 2, 9)}, 100);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].alarm.evidence["values"][0]["value"], 37.5);
  EXPECT_THAT(c[0].alarm.evidence["values"][0]["how"].get<std::string>(), ::testing::HasSubstr("computed from O2 9 %"));
  // An invalid O2 (flag C, calibration) judges nothing.
  c = e.observe(std::vector{obs(kPower, "so2", 3, 80), obs(kPower, "o2", 3, 9, 'C')}, 100);
  EXPECT_TRUE(c.empty());
}

TEST(AlarmEngine, SameDataTwiceAndAReplayAfterRestoreChangeNothing) {
  std::vector<store::Observation> data;
  for (int h = 0; h < 12; ++h) {
    if (h >= 8 && h < 11) continue;  // 3 silent hours: offline (180 min >= 120)
    data.push_back(obs(kPower, "so2_zs", h, h >= 3 && h < 5 ? 70 : 20));
  }
  alert::AlarmEngine e(datong(), {});
  const auto first = e.observe(data, 100);
  EXPECT_THAT(changes(first), ::testing::ElementsAre("opened exceedance/limit so2", "updated exceedance/limit so2",
                                                     "opened offline/no_data ", "closed offline/no_data "));
  EXPECT_TRUE(e.observe(data, 200).empty());
  alert::AlarmEngine again(datong(), {});
  again.restore(e.alarms());
  EXPECT_TRUE(again.observe(data, 300).empty());
  EXPECT_EQ(again.alarms().size(), 2u);
}

TEST(AlarmEngine, OfflineGapIsOpenedAndClosedOnRecovery) {
  alert::AlarmEngine e(datong(), {});
  e.observe(std::vector{obs(kPower, "o2", 0, 7), obs(kPower, "o2", 1, 7.1), obs(kPower, "o2", 2, 7.2)}, 100);
  // Data again at hour 6: hours 3, 4, 5 missing (180 min >= 120 min).
  auto c = e.observe(std::vector{obs(kPower, "o2", 6, 7.3)}, 100);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].change, "opened");
  EXPECT_EQ(c[1].change, "closed");
  EXPECT_EQ(c[1].alarm.first, hour(3));
  EXPECT_EQ(c[1].alarm.last, hour(5));
  EXPECT_THAT(c[1].alarm.reason, ::testing::HasSubstr("recovered"));
  // One missing hour (60 min < 120) is no alarm.
  EXPECT_TRUE(e.observe(std::vector{obs(kPower, "o2", 8, 7.1)}, 100).empty());
}

TEST(AlarmEngine, WallClockSilenceOpensOfflineAndDataClosesIt) {
  alert::AlarmEngine e(datong(), {});
  e.observe(std::vector{obs(kPower, "o2", 0, 7)}, 100);  // received at hour(0) + 3700 s
  EXPECT_TRUE(e.tick(hour(0) + 3700 + 119 * 60).empty());
  auto c = e.tick(hour(0) + 3700 + 120 * 60);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].alarm.kind, "offline");
  EXPECT_TRUE(e.tick(hour(0) + 3700 + 240 * 60).empty());  // still the same open alarm
  c = e.observe(std::vector{obs(kPower, "o2", 1, 7.1)}, 100);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].change, "closed");
}

TEST(AlarmEngine, LoadApproachesThenExceedsTheDailyCap) {
  alert::AlarmEngine e(datong(), {});
  // COD 40 mg/L (limit 50), flow 1000 L/s: 360 m3/h * 40 mg/L * 1e-3 = 14.4 kg ... per hour:
  // D = 1000 L/s * 3600 s * 1e-3 = 3600 m3, G = 3600 * 40 * 1e-3 = 144 kg/h (HJ 212-2017 App. D
  // eq. 1, 8). Daily cap 2500 kg: 90 % = 2250 kg is reached by hour 16 (16 * 144 = 2304; 15 h =
  // 2160), the cap passed in hour 18 (18 * 144 = 2592 > 2500).
  std::vector<alert::AlarmChange> all;
  for (int h = 0; h < 18; ++h) {
    auto c = e.observe(std::vector{obs("EX-WWTP-DW001", "cod", h, 40 + 0.01 * h), obs("EX-WWTP-DW001", "flow_water", h, 1000)}, 100);
    for (auto& x : c)
      if (x.alarm.kind == "load") all.push_back(x), all.back().alarm.evidence["hour"] = h;
  }
  ASSERT_GE(all.size(), 2u);
  EXPECT_EQ(all[0].change, "opened");
  EXPECT_EQ(all[0].alarm.evidence["hour"], 15);  // the 16th hour
  EXPECT_EQ(all[0].alarm.severity, 1);
  EXPECT_EQ(all[0].alarm.period, "2024-01-01");
  EXPECT_EQ(all.back().change, "escalated");
  EXPECT_EQ(all.back().alarm.evidence["hour"], 17);
  EXPECT_EQ(all.back().alarm.severity, 3);
}

TEST(AlarmEngine, DataQualityConstantZeroRange) {
  alert::AlarmEngine e(datong(), {});
  std::vector<alert::AlarmChange> all;
  for (int h = 0; h < 6; ++h) {
    // O2 7.0 for 6 hours (constant_hours 6); smoke 0 for 3 hours from hour 3 (zero_hours 3);
    // NOx 600 in hour 2, above the analyser range 500.
    auto c = e.observe(std::vector{obs(kPower, "o2", h, 7.0), obs(kPower, "smoke", h, h >= 3 ? 0 : 2 + h),
                                   obs(kPower, "nox", h, h == 2 ? 600 : 30 + h)},
                       100);
    all.insert(all.end(), c.begin(), c.end());
  }
  std::vector<std::string> dq;
  for (const auto& c : all)
    if (c.alarm.kind == "data_quality") dq.push_back(c.alarm.rule + " " + c.alarm.parameter);
  EXPECT_THAT(dq, ::testing::UnorderedElementsAre("range nox", "zero smoke", "constant o2"));
}

TEST(AlarmEngine, ConstantRunsDoNotSpanAGap) {
  alert::AlarmEngine e(datong(), {});
  // SO2 18 at hours 0-2 and again at 8-10: six equal values, but over a 5-hour gap (no data in
  // hours 3-7): neither run reaches constant_hours = 6. (Found by the simulated plant: its SO2
  // was 18 before and after the silence.)
  std::vector<alert::AlarmChange> all;
  for (int h : {0, 1, 2, 8, 9, 10}) {
    auto c = e.observe(std::vector{obs(kPower, "so2", h, 18)}, 100);
    all.insert(all.end(), c.begin(), c.end());
  }
  for (const auto& c : all) EXPECT_NE(c.alarm.kind, "data_quality") << c.alarm.rule;
}

TEST(AlarmEngine, WaterClassDropOfTwoWithinFourHours) {
  alert::AlarmEngine e(datong(), {});
  // NH3-N 0.4 mg/L is class II (<= 0.5), 1.8 is class V (<= 2.0) (GB 3838-2002 Table 1): a drop
  // of 3 classes within 4 h.
  std::vector<alert::AlarmChange> all;
  for (int h = 0; h < 5; ++h) {
    auto c = e.observe(std::vector{obs("yuhe_lirenzao", "nh3n", h, h == 4 ? 1.8 : 0.4)}, 100);
    all.insert(all.end(), c.begin(), c.end());
  }
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].alarm.kind, "water_anomaly");
  EXPECT_EQ(all[0].alarm.rule, "class_drop");
  EXPECT_EQ(all[0].alarm.evidence["class_before"], "II");
  EXPECT_EQ(all[0].alarm.evidence["class_now"], "V");
}

TEST(AlarmEngine, AirStationDropsOutOfTheCityMean) {
  alert::AlarmEngine e(datong(), {});
  // 1724A reports PM2.5 validly; 1723A sends it flagged D (fault) for 3 hours (dropout_hours 3),
  // then valid again: one alarm, closed on recovery.
  std::vector<alert::AlarmChange> all;
  for (int h = 0; h < 4; ++h) {
    auto c = e.observe(std::vector{obs("1724A", "pm25", h, 40), obs("1723A", "pm25", h, 41, h < 3 ? 'D' : 'N')}, 100);
    all.insert(all.end(), c.begin(), c.end());
  }
  EXPECT_THAT(changes(all), ::testing::ElementsAre("opened air_dropout/dropout ", "closed air_dropout/dropout "));
  EXPECT_EQ(all[0].alarm.site, "1723A");
  EXPECT_EQ(all[0].alarm.first, hour(0));
  EXPECT_EQ(all[0].alarm.last, hour(2));
}

TEST(AlarmEngine, HumanStepsFollowTheStates) {
  alert::AlarmEngine e(datong(), {});
  auto c = e.observe(std::vector{obs(kPower, "so2_zs", 1, 90)}, 100);
  ASSERT_EQ(c.size(), 1u);
  const std::string id = c[0].alarm.id;
  EXPECT_THROW(e.close(id, "", "张三", 200), core::Error);
  EXPECT_THROW(e.close(id, " \t ", "张三", 200), core::Error);  // a blank reason is no reason (issue 28 #11)
  EXPECT_EQ(e.acknowledge(id, "张三", 200).alarm.state, "acknowledged");
  EXPECT_THROW(e.acknowledge(id, "张三", 201), core::Error);
  const auto closed = e.close(id, "企业已整改", "李四", 300);
  EXPECT_EQ(closed.alarm.state, "closed");
  EXPECT_EQ(closed.alarm.updated_by, "李四");
  EXPECT_THROW(e.close(id, "again", "李四", 301), core::Error);
  EXPECT_THROW(e.acknowledge("nope", "x", 1), core::Error);
  // The same hour again is covered by the closed alarm; a later exceedance opens a new one.
  EXPECT_TRUE(e.observe(std::vector{obs(kPower, "so2_zs", 1, 90)}, 400).empty());
  c = e.observe(std::vector{obs(kPower, "so2_zs", 2, 90)}, 400);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].change, "opened");
  EXPECT_EQ(c[0].alarm.first, hour(2));  // the hour after what the closed alarm covered
  EXPECT_NE(c[0].alarm.id, id);
}

// Issue 28 defect 5: episodes are defined by time (SO2 limit 35 mg/m3, severity_hours 1, 3, 6).
TEST(AlarmEngine, AfterARestartALaterExceedanceIsItsOwnEpisode) {
  alert::AlarmEngine e(datong(), {});
  // Day 1, hours 6-8: 3 consecutive hours over 35 -> one alarm of severity 2, left open.
  for (int h : {6, 7, 8}) e.observe(std::vector{obs(kPower, "so2_zs", h, 60)}, 100);
  ASSERT_EQ(e.alarms().size(), 1u);
  ASSERT_EQ(e.alarms()[0].severity, 2);
  alert::AlarmEngine again(datong(), {});
  again.restore(e.alarms());
  // Day 2, hour 30 alone (after 21 clean hours not replayed): one hour -> severity 1, its own
  // evidence; day 1's alarm keeps its hours and evidence.
  auto c = again.observe(std::vector{obs(kPower, "so2_zs", 30, 70)}, 200);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].change, "opened");
  EXPECT_EQ(c[0].alarm.first, hour(30));
  EXPECT_EQ(c[0].alarm.severity, 1);
  EXPECT_EQ(c[0].alarm.evidence["values"][0]["value"], 70);
  const auto day1 = *again.find(e.alarms()[0].id);
  EXPECT_EQ(day1.last, hour(8));
  EXPECT_EQ(day1.severity, 2);
  EXPECT_EQ(day1.evidence["consecutive_hours"], 3);
}

TEST(AlarmEngine, SeparateEpisodesAreNotMerged) {
  alert::AlarmEngine e(datong(), {});
  // Hours 1-2 over, hour 3 under, hours 5 over: two episodes, the first keeps its evidence.
  std::vector<alert::AlarmChange> all;
  for (int h : {1, 2, 3, 5}) {
    auto c = e.observe(std::vector{obs(kPower, "so2_zs", h, h == 3 ? 20 : 50 + h)}, 100);
    all.insert(all.end(), c.begin(), c.end());
  }
  EXPECT_THAT(changes(all), ::testing::ElementsAre("opened exceedance/limit so2", "updated exceedance/limit so2",
                                                   "opened exceedance/limit so2"));
  const auto a = e.alarms();
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].first, hour(1));
  EXPECT_EQ(a[0].last, hour(2));
  EXPECT_EQ(a[0].evidence["values"][1]["value"], 52);
  EXPECT_EQ(a[1].first, hour(5));
  EXPECT_EQ(a[1].last, hour(5));
}

TEST(AlarmEngine, BackfilledExceedancesOpenTheirOwnAlarm) {
  alert::AlarmEngine e(datong(), {});
  e.observe(std::vector{obs(kPower, "so2_zs", 30, 60)}, 100);  // open, day 2
  // Day 1 hour 5 arrives late (an import): over the limit, apart in time -> its own alarm.
  auto c = e.observe(std::vector{obs(kPower, "so2_zs", 5, 80)}, 200);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].change, "opened");
  EXPECT_EQ(c[0].alarm.first, hour(5));
  EXPECT_EQ(c[0].alarm.evidence["values"][0]["value"], 80);
  // Hour 29 late too: next to the day-2 alarm -> that episode grows backwards.
  c = e.observe(std::vector{obs(kPower, "so2_zs", 29, 61)}, 300);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].change, "updated");
  EXPECT_EQ(c[0].alarm.first, hour(29));
  EXPECT_EQ(c[0].alarm.last, hour(30));
  EXPECT_EQ(e.alarms().size(), 2u);
  // The same data again changes nothing.
  EXPECT_TRUE(e.observe(std::vector{obs(kPower, "so2_zs", 5, 80), obs(kPower, "so2_zs", 29, 61)}, 400).empty());
}

TEST(AlarmRules, BadKeysAreNamed) {
  const auto f = std::filesystem::temp_directory_path() / ("skyriver_alarms_" + std::to_string(::getpid()) + ".toml");
  std::ofstream(f) << "[exceedance]\nseverity_hours = [3, 2, 1]\n[offline]\nminutes = 0\ncolour = 1\n[bogus]\n";
  try {
    alert::load_alarm_rules(f.string());
    FAIL();
  } catch (const core::Error& e) {
    EXPECT_THAT(e.why(), ::testing::HasSubstr("exceedance.severity_hours"));
    EXPECT_THAT(e.why(), ::testing::HasSubstr("offline.minutes: must be positive"));
    EXPECT_THAT(e.why(), ::testing::HasSubstr("offline.colour: unknown key"));
    EXPECT_THAT(e.why(), ::testing::HasSubstr("bogus: unknown section"));
  }
  std::filesystem::remove(f);
  EXPECT_NO_THROW(alert::load_alarm_rules(std::string(SKYRIVER_SOURCE_DIR) + "/config/datong/alarms.toml"));
}

}  // namespace

// Issue 28 #11: every alarm record in the journal names its change, so the history reads
// "opened, escalated, acknowledged, closed" instead of a row of bare states.
TEST(AlarmService, HistoryEntriesNameTheirChange) {
  const auto dir = std::filesystem::temp_directory_path() / ("skyriver_alarm_history_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    alert::AlarmService svc(datong(), {}, (dir / "store.db").string());
    for (int h : {6, 7, 8}) svc.observe(std::vector{obs(kPower, "so2_zs", h, 60)});  // 1 h, then 3 h: escalated
    const auto all = svc.alarms({});
    ASSERT_EQ(all.size(), 1u);
    svc.acknowledge(all[0].id, "张三");
    EXPECT_THROW(svc.close(all[0].id, "   ", "张三"), core::Error);  // a blank reason closes nothing
    svc.close(all[0].id, "企业已整改", "李四");
    std::vector<std::string> names;
    for (const auto& r : svc.history(all[0].id)) names.push_back(nlohmann::json::parse(r.body).value("change", "?"));
    EXPECT_THAT(names, ::testing::ElementsAre("opened", "updated", "escalated", "acknowledged", "closed"));
  }
  std::filesystem::remove_all(dir);
}
