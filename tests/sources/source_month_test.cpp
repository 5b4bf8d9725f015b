// Monthly source figures (assess/source_month.h) on hand-made hourly data, worked by hand.
#include "assess/source_month.h"
#include "engine/load.h"
#include "model/city.h"

#include <gtest/gtest.h>

using namespace skyriver;

namespace {

TEST(SourceMonth, RatesAndLoadsWorkedByHand) {
  const auto city = model::load_city(std::string(SKYRIVER_SOURCE_DIR) + "/config/datong");
  engine::Engine eng;
  engine::set_city(eng, city);
  const core::Instant t0 = core::beijing_midnight({2024, 1, 1});
  std::vector<engine::Update> u;
  // EX-POWER-DA001, hours 0-9 of 2024-01-01: flow 500 m3/s, O2 7 %, smoke 3, SO2 20 (40 in hours
  // 4 and 5), NOx 30 except hours 8 and 9 (missing).
  for (int h = 0; h < 10; ++h) {
    const core::Instant t = t0 + h * core::kHour;
    u.push_back({"EX-POWER-DA001", "flow", t, 500, 'N'});
    u.push_back({"EX-POWER-DA001", "o2", t, 7, 'N'});
    u.push_back({"EX-POWER-DA001", "smoke", t, 3, 'N'});
    u.push_back({"EX-POWER-DA001", "so2", t, (h == 4 || h == 5) ? 40.0 : 20.0, 'N'});
    if (h < 8) u.push_back({"EX-POWER-DA001", "nox", t, 30, 'N'});
  }
  eng.put(u, false);
  const auto m = eng.read([&](const engine::Engine& e) {
    return assess::source_month(e, city.sources, 2024, 1, t0 + 10 * core::kHour);
  });
  const assess::OutletMonth* o = nullptr;
  for (const auto& x : m.outlets)
    if (x.site == "EX-POWER-DA001") o = &x;
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->expected_hours, 10);  // 2024-01-01 00:00 .. 10:00
  EXPECT_EQ(o->received_hours, 10);
  EXPECT_EQ(o->valid_hours, 8);      // NOx (a limited item) missing in hours 8 and 9
  EXPECT_TRUE(o->online);
  const assess::PollutantLoad* so2 = nullptr;
  for (const auto& l : o->loads)
    if (l.parameter == "so2") so2 = &l;
  ASSERT_NE(so2, nullptr);
  // HJ 212-2017 App. D eq. (33): 20 mg/m3 * 500 m3/s * 3600 s * 1e-6 = 36 kg/h (8 hours), 40 ->
  // 72 kg/h (2 hours): 288 + 144 = 432 kg = 0.432 t.
  EXPECT_NEAR(so2->month_t, 0.432, 1e-9);
  EXPECT_NEAR(so2->year_to_date_t, 0.432, 1e-9);
  EXPECT_NEAR(so2->max_day_kg, 432, 1e-6);
  EXPECT_EQ(*so2->annual_cap_t, 620.0);
  // 折算 from O2 (no Zs values): 40 * 15/14 = 42.9 > 35 in hours 4, 5; 20 * 15/14 = 21.4 below.
  EXPECT_EQ(so2->exceed_hours, 2);
  // 联网率: one of the three EXAMPLE outlets sent data; per county 云冈区 (EX-POWER only) 1 of 1.
  int online = 0;
  for (const auto& x : m.outlets) online += x.online;
  EXPECT_EQ(online, 1);
  for (const auto& c : m.counties) {
    if (c.id == "140214") {
      EXPECT_EQ(c.outlets, 1);
      EXPECT_EQ(c.online, 1);
    } else {
      EXPECT_EQ(c.online, 0) << c.id;
    }
  }
}

}  // namespace
