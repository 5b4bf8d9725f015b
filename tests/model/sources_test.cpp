// sources.toml: enterprises, outlets (sites of kind "outlet") and their limits; bad entries are
// reported with file and key.
#include "model/city.h"

#include "core/error.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace skyriver;
namespace fs = std::filesystem;

namespace {

const std::string kCity = std::string(SKYRIVER_SOURCE_DIR) + "/config/datong";

TEST(SourcesConfig, DatongExamplesLoadAsOutletSites) {
  const auto c = model::load_city(kCity);
  ASSERT_EQ(c.sources.enterprises.size(), 3u);
  for (const auto& e : c.sources.enterprises) EXPECT_TRUE(e.example) << e.id;
  const auto* power = c.sources.enterprise("EX-POWER");
  ASSERT_NE(power, nullptr);
  EXPECT_EQ(power->area, "140214");
  ASSERT_EQ(power->outlets.size(), 1u);
  // The outlet is an HJ 212 site like any other: found by MN, area = the enterprise's county.
  const model::Site* s = c.site("EX-POWER-DA001");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->kind, "outlet");
  EXPECT_EQ(s->area, "140214");
  EXPECT_EQ(c.site_by_mn("010000A8900EA0010000DA01"), s);
  EXPECT_EQ(s->attribute("enterprise"), "EX-POWER");
  // Ultra-low limits of a coal-fired unit: PM 10, SO2 35, NOx 50 mg/m3 at 6 % O2 (REFERENCE.md §10).
  const auto* o = c.sources.outlet("EX-POWER-DA001");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->medium, "gas");
  EXPECT_EQ(*o->limit("smoke")->concentration, 10.0);
  EXPECT_EQ(*o->limit("so2")->concentration, 35.0);
  EXPECT_EQ(*o->limit("nox")->concentration, 50.0);
  EXPECT_EQ(*o->limit("so2")->ref_o2, 6.0);
  const auto* w = c.sources.outlet("EX-WWTP-DW001");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->medium, "water");
  EXPECT_EQ(w->flow_parameter(), "flow_water");
  EXPECT_FALSE(w->limit("cod")->ref_o2.has_value());
  EXPECT_EQ(c.sites_of_kind("outlet").size(), 3u);
}

TEST(SourcesConfig, ReportsEveryProblemWithFileAndKey) {
  const fs::path dir = fs::temp_directory_path() / ("skyriver_badsources_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (const char* f : {"city.toml", "parameters.toml"})
    fs::copy_file(kCity + "/" + f, dir / f, fs::copy_options::overwrite_existing);
  std::ofstream(dir / "sources.toml") << R"([[enterprise]]
id = "E1"
name = "one"
credit_code = "91140200IEXAMPLE01"
area = "999999"
permit_from = "2024-13-01"

[[enterprise.outlet]]
id = "E1-DW001"
name = "drain"
medium = "water"
mn = "AAAA"
limits = [
  { parameter = "cod", concentration = -5.0, ref_o2 = 6.0 },
  { parameter = "so2", concentration = 35.0 },
  { parameter = "zinc", concentration = 1.0 },
  { parameter = "nh3n", concentration = 5.0, colour = "red" },
]

[[enterprise]]
id = "E1"
name = "again"
credit_code = "91140200EXAMP0001X"
area = "140213"

[[enterprise.outlet]]
id = "E2-DA001"
name = "stack"
medium = "steam"
mn = "AAAA"
)";
  try {
    model::load_city(dir.string());
    FAIL() << "bad sources accepted";
  } catch (const core::Error& e) {
    const std::string w = e.why();
    EXPECT_THAT(w, ::testing::HasSubstr("sources.toml: enterprise E1.credit_code: not a unified social credit code"));
    EXPECT_THAT(w, ::testing::HasSubstr("sources.toml: enterprise E1.permit_from: not a date (YYYY-MM-DD): 2024-13-01"));
    EXPECT_THAT(w, ::testing::HasSubstr("sources.toml: enterprise E1: duplicate id"));
    EXPECT_THAT(w, ::testing::HasSubstr("sources.toml: enterprise E1.area: unknown area '999999'"));
    EXPECT_THAT(w, ::testing::HasSubstr("sources.toml: outlet E1-DW001.limits cod.concentration: must be a positive number"));
    EXPECT_THAT(w, ::testing::HasSubstr("sources.toml: outlet E1-DW001.limits cod.ref_o2: only flue-gas outlets"));
    EXPECT_THAT(w, ::testing::HasSubstr("sources.toml: outlet E1-DW001.limits so2: stored in 'mg/m3', not mg/L"));
    EXPECT_THAT(w, ::testing::HasSubstr("sources.toml: outlet E1-DW001.limits zinc: unknown parameter 'zinc'"));
    EXPECT_THAT(w, ::testing::HasSubstr("sources.toml: outlet E1-DW001.limits nh3n.colour: unknown key"));
    EXPECT_THAT(w, ::testing::HasSubstr("sources.toml: outlet E2-DA001.medium: unknown medium 'steam'"));
    EXPECT_THAT(w, ::testing::HasSubstr("sources.toml: site E2-DA001.mn: MN AAAA already used by site E1-DW001"));
  }
  fs::remove_all(dir);
}

}  // namespace
