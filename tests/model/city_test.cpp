// The bundled Datong configuration and the loader's validation.
#include "model/city.h"

#include "core/error.h"
#include "core/text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include "../support/shared_data.h"

using namespace skyriver;
namespace fs = std::filesystem;

namespace {

const std::string kCity = std::string(SKYRIVER_SOURCE_DIR) + "/config/datong";

TEST(DatongConfig, LoadsCityDistrictsAndCounties) {
  auto c = model::load_city(kCity);
  EXPECT_EQ(c.city.id, "140200");
  EXPECT_EQ(c.city.name, "大同市");
  // The 4 districts and 6 counties with their administrative codes (brief; DataV geojson).
  const std::map<std::string, std::string> expected{
      {"140212", "新荣区"}, {"140213", "平城区"}, {"140214", "云冈区"}, {"140215", "云州区"},
      {"140221", "阳高县"}, {"140222", "天镇县"}, {"140223", "广灵县"}, {"140224", "灵丘县"},
      {"140225", "浑源县"}, {"140226", "左云县"}};
  EXPECT_EQ(c.areas.size(), 11u);
  for (const auto& [id, name] : expected) {
    const model::Area* a = c.area(id);
    ASSERT_NE(a, nullptr) << id;
    EXPECT_EQ(a->name, name);
    EXPECT_EQ(a->parent, "140200");
    EXPECT_EQ(a->level, id < "140220" ? "district" : "county");
  }
}

// The air stations are exactly the national list's 大同市 rows, counted here from the CSV.
TEST(DatongConfig, AirStationsMatchTheNationalStationList) {
  SKYRIVER_REQUIRE_SHARED_DATA();
  auto c = model::load_city(kCity);
  std::ifstream in(std::string(SKYRIVER_SHARED_DIR) + "/data/air/station_list_NewSiteList.csv");
  ASSERT_TRUE(in) << "station list missing";
  std::string line;
  std::getline(in, line);
  std::set<std::string> listed;
  while (std::getline(in, line)) {
    auto f = core::split_csv(line);
    if (f.size() < 8 || f[7] != "大同市") continue;
    listed.insert(f[0]);
    const model::Site* s = c.site(f[0]);
    ASSERT_NE(s, nullptr) << f[0];
    EXPECT_EQ(s->kind, "air");
    EXPECT_EQ(*s->lon, *core::parse_number(f[3])) << f[0];
    EXPECT_EQ(*s->lat, *core::parse_number(f[4])) << f[0];
    EXPECT_EQ(s->reference, f[5] == "Y") << f[0];
    EXPECT_EQ(s->stopped.has_value(), f[1].find("停运") != std::string::npos) << f[0];
  }
  EXPECT_EQ(listed.size(), 12u);
  EXPECT_EQ(c.sites_of_kind("air").size(), listed.size());
  EXPECT_EQ(c.site("1789A"), nullptr);  // 大同区 of Daqing, not Datong
  // 红旗广场(停运160601), 供排水公司(停运200102).
  EXPECT_EQ(*c.site("1722A")->stopped, (core::Date{2016, 6, 1}));
  EXPECT_EQ(*c.site("2923A")->stopped, (core::Date{2020, 1, 2}));
  // Districts from coordinates (point in polygon, see air_stations.toml).
  EXPECT_EQ(c.site("3565A")->area, "140214");
  EXPECT_EQ(c.site("3566A")->area, "140212");
  EXPECT_EQ(c.site("3567A")->area, "140215");
  EXPECT_EQ(c.site("1723A")->area, "140213");
  const model::Site* m = c.site_by_mn(c.site("1723A")->mn);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->id, "1723A");
}

TEST(DatongConfig, WaterSections) {
  auto c = model::load_city(kCity);
  auto w = c.sites_of_kind("water");
  // The register (../shared/water/REGISTER.md): 12 sections, five of them the national
  // automatic stations of the real-time release, each naming its release station.
  ASSERT_EQ(w.size(), 12u);
  std::map<std::string, std::string> river;
  std::set<std::string> released;
  for (auto* s : w) {
    river[s->name] = s->attribute("river");
    if (!s->attribute("cnemc_station").empty()) released.insert(s->attribute("cnemc_station"));
    EXPECT_FALSE(s->attribute("sources").empty()) << s->id << ": every section cites its sources";
    EXPECT_FALSE(s->attribute("target_class").empty()) << s->id;
  }
  EXPECT_EQ(river["利仁皂"], "御河");
  EXPECT_EQ(river["固定桥"], "桑干河");
  EXPECT_EQ(river["册田水库出口"], "桑干河");
  EXPECT_EQ(river["小辛庄"], "浑河");
  EXPECT_EQ(river["下北泉村"], "唐河");
  EXPECT_EQ(released, (std::set<std::string>{"册田水库出口", "古家坡", "利仁皂", "堡子湾", "下北泉村"}));
  // The release classes 册田水库出口 with river TP limits (docs/water.md): a river section.
  EXPECT_EQ(c.site("sangganhe_cetian_outlet")->attribute("water_body"), "river");
}

TEST(Parameters, LookupByEveryCode) {
  auto c = model::load_city(kCity);
  const auto& reg = c.parameters;
  // HJ 212-2017 App. B / HJ/T 212-2005 old codes (REFERENCE.md 9.7).
  EXPECT_EQ(reg.by_hj212("a34004")->code, "pm25");
  EXPECT_EQ(reg.by_hj212("A21026")->code, "so2");
  EXPECT_EQ(reg.by_old_code("02")->code, "so2");
  EXPECT_EQ(reg.by_old_code("04")->code, "co");
  EXPECT_EQ(reg.by_old_code("060")->code, "nh3n");
  EXPECT_EQ(reg.by_hj212("w01019")->code, "codmn");
  EXPECT_EQ(reg.by_old_code("S01")->code, "o2");
  // HJ 212-2017 Table B.1: w01017 五日生化需氧量 (old 010), w20142 汞, w23002 挥发酚 (old 110).
  EXPECT_EQ(reg.by_hj212("w01017")->code, "bod5");
  EXPECT_EQ(reg.by_old_code("010")->code, "bod5");
  EXPECT_EQ(reg.by_hj212("w20142")->code, "hg");
  EXPECT_EQ(reg.by_old_code("110")->code, "phenol");
  EXPECT_EQ(reg.find("nope"), nullptr);
  for (const char* code : {"pm25", "pm10", "so2", "no2", "co", "o3", "o3_8h", "nox", "no", "tsp",
                           "aqi_published", "temp", "pres", "dewp", "rain", "wd", "wspm", "rh",
                           "wtemp", "ph", "do", "codmn", "cod", "bod5", "nh3n", "tp", "tn", "cu",
                           "zn", "fluoride", "se", "as", "hg", "cd", "cr6", "pb", "cyanide",
                           "phenol", "petroleum", "las", "sulfide", "fcoli", "cond", "turb",
                           "chla", "sd", "smoke", "o2", "flow", "temp_gas", "pressure_gas",
                           "humidity", "velocity", "so2_zs", "nox_zs"})
    EXPECT_NE(reg.find(code), nullptr) << code;
}

TEST(Parameters, UnitConversionToStoredUnit) {
  auto c = model::load_city(kCity);
  const auto& reg = c.parameters;
  const auto& so2 = *reg.find("so2");
  const auto& co = *reg.find("co");
  // Air: stored µg/m³ except CO mg/m³.
  EXPECT_DOUBLE_EQ(model::ParameterRegistry::to_stored(so2, 0.012, "mg/m3", "t"), 12.0);
  EXPECT_DOUBLE_EQ(model::ParameterRegistry::to_stored(so2, 12, "µg/m³", "t"), 12.0);
  EXPECT_DOUBLE_EQ(model::ParameterRegistry::to_stored(co, 300, "μg/m3", "t"), 0.3);
  EXPECT_DOUBLE_EQ(model::ParameterRegistry::to_stored(co, 1.2, "", "t"), 1.2);
  // Outlets keep SO2 in mg/m³, like the emission limits.
  EXPECT_DOUBLE_EQ(model::ParameterRegistry::to_stored(so2, 35, "mg/m3", "t", "outlet"), 35.0);
  EXPECT_DOUBLE_EQ(model::ParameterRegistry::to_stored(so2, 35000, "ug/m3", "t", "outlet"), 35.0);
  EXPECT_DOUBLE_EQ(model::ParameterRegistry::to_stored(*reg.find("pb"), 5, "ug/L", "t"), 0.005);
  try {
    model::ParameterRegistry::to_stored(so2, 1, "ppm", "f.csv:9");
    FAIL();
  } catch (const core::Error& e) {
    EXPECT_EQ(e.where(), "f.csv:9");
    EXPECT_THAT(e.why(), ::testing::HasSubstr("ppm"));
  }
}

TEST(CityLoader, ReportsEveryProblemWithFileAndKey) {
  const fs::path dir = fs::temp_directory_path() / ("skyriver_badcity_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::copy_file(kCity + "/city.toml", dir / "city.toml", fs::copy_options::overwrite_existing);
  std::ofstream(dir / "parameters.toml") << R"([[parameter]]
code = "pm25"
name_zh = "细颗粒物"
name_en = "PM2.5"
unit = "ug/m3"
group = "air"
hj212 = "a34004"

[[parameter]]
code = "pm25"
name_zh = "again"
name_en = "again"
unit = "ug/m3"
group = "air"
)";
  std::ofstream(dir / "air_stations.toml") << R"([[site]]
id = "X1"
name = "one"
area = "999999"

[[site]]
id = "X1"
name = "two"
area = "140213"
lat = 40.0

[[site]]
id = "X3"
name = "three"
area = "140213"
colour = "red"
parameters = ["pm25", "pm7"]
)";
  try {
    model::load_city(dir.string());
    FAIL() << "bad config accepted";
  } catch (const core::Error& e) {
    const std::string w = e.why();
    EXPECT_THAT(w, ::testing::HasSubstr("parameters.toml: parameter pm25: defined twice"));
    EXPECT_THAT(w, ::testing::HasSubstr("air_stations.toml: site X1.area: unknown area '999999'"));
    EXPECT_THAT(w, ::testing::HasSubstr("air_stations.toml: site X1: duplicate id"));
    EXPECT_THAT(w, ::testing::HasSubstr("air_stations.toml: site X1: lon and lat must be given together"));
    EXPECT_THAT(w, ::testing::HasSubstr("air_stations.toml: site X3.colour: unknown key"));
    EXPECT_THAT(w, ::testing::HasSubstr("air_stations.toml: site X3.parameters: unknown parameter 'pm7'"));
    EXPECT_THAT(w, ::testing::HasSubstr("6 problem(s)"));
  }
  fs::remove_all(dir);
}

// Issue 10: a site with an MN but no password would let anyone who knows the MN send data.
// The error names the file and the key; no password (of any site) appears in it.
TEST(CityLoader, SiteWithMnNeedsPassword) {
  const fs::path dir = fs::temp_directory_path() / ("skyriver_nopw_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (const char* f : {"city.toml", "parameters.toml"})
    fs::copy_file(kCity + "/" + f, dir / f, fs::copy_options::overwrite_existing);
  std::ofstream(dir / "air_stations.toml") << R"([[site]]
id = "P1"
name = "with password"
area = "140213"
mn = "010000A8900016F000169DC0"
password = "S3cretPw"

[[site]]
id = "P2"
name = "without"
area = "140213"
mn = "010000A8900016F000169DC1"
)";
  try {
    model::load_city(dir.string());
    FAIL() << "a site with an MN and no password was accepted";
  } catch (const core::Error& e) {
    const std::string w = e.why();
    EXPECT_THAT(w, ::testing::HasSubstr("air_stations.toml: site P2.password: a site with an mn must have a password"));
    EXPECT_THAT(w, ::testing::Not(::testing::HasSubstr("S3cretPw")));
    EXPECT_THAT(w, ::testing::HasSubstr("1 problem(s)"));
  }
  fs::remove_all(dir);
}

// Issue 27: a site may name the addresses its logger sends from (`allow`, CIDR ranges); a bad
// entry is an error naming the file, the site and the entry.
TEST(CityLoader, SiteAllowListOfAddressRanges) {
  const fs::path dir = fs::temp_directory_path() / ("skyriver_allow_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (const char* f : {"city.toml", "parameters.toml"})
    fs::copy_file(kCity + "/" + f, dir / f, fs::copy_options::overwrite_existing);
  std::ofstream(dir / "air_stations.toml") << R"([[site]]
id = "P1"
name = "fixed addresses"
area = "140213"
mn = "010000A8900016F000169DC0"
password = "123456"
allow = ["10.1.2.0/24", "192.168.7.9", "2001:db8::/32"]
)";
  const auto c = model::load_city(dir.string());
  const model::Site* s = c.site("P1");
  ASSERT_NE(s, nullptr);
  ASSERT_EQ(s->allow.size(), 3u);
  EXPECT_TRUE(s->allows("10.1.2.0"));
  EXPECT_TRUE(s->allows("10.1.2.255"));
  EXPECT_FALSE(s->allows("10.1.3.0"));
  EXPECT_TRUE(s->allows("192.168.7.9"));
  EXPECT_FALSE(s->allows("192.168.7.10"));
  EXPECT_TRUE(s->allows("::ffff:10.1.2.3"));  // an IPv4 peer on an IPv6 socket
  EXPECT_TRUE(s->allows("2001:db8:1::5"));
  EXPECT_FALSE(s->allows("2001:db9::5"));
  EXPECT_FALSE(s->allows("not an address"));
  EXPECT_TRUE(c.site("1721A") == nullptr || c.site("1721A")->allows("203.0.113.1"));  // no list: any address

  std::ofstream(dir / "air_stations.toml") << R"([[site]]
id = "P1"
name = "fixed addresses"
area = "140213"
mn = "010000A8900016F000169DC0"
password = "123456"
allow = ["10.1.2.0/33", "10.1.2"]
)";
  try {
    model::load_city(dir.string());
    FAIL() << "a bad address range was accepted";
  } catch (const core::Error& e) {
    EXPECT_THAT(e.why(), ::testing::HasSubstr("air_stations.toml: site P1.allow: '10.1.2.0/33' is not an address"));
    EXPECT_THAT(e.why(), ::testing::HasSubstr("'10.1.2' is not an address"));
  }
  fs::remove_all(dir);
}

}  // namespace

