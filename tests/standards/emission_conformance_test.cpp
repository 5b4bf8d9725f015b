// Driver for tests/conformance/sources/emission.txt (KIND ARGS => EXPECTED @ CLAUSE). The
// expected values are worked by hand in the file; a case without a clause is an error.
#include "core/text.h"
#include "standards/emission.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace skyriver;
namespace em = skyriver::standards::emission;

namespace {

std::string six(std::optional<double> v) {
  if (!v) return "NA";
  std::ostringstream o;
  o.precision(6);
  o << *v;
  return o.str();
}

TEST(EmissionConformance, WorkedCases) {
  const std::string path = std::string(SKYRIVER_SOURCE_DIR) + "/tests/conformance/sources/emission.txt";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::string line;
  int n = 0, lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    const std::string where = path + ":" + std::to_string(lineno);
    if (core::trim(line).empty() || line[0] == '#') continue;
    const auto arrow = line.find("=>"), at = line.find(" @ ");
    ASSERT_NE(arrow, std::string::npos) << where;
    ASSERT_NE(at, std::string::npos) << where << ": no clause";
    ASSERT_FALSE(core::trim(line.substr(at + 3)).empty()) << where << ": empty clause";
    std::istringstream args(line.substr(0, arrow));
    std::string kind;
    args >> kind;
    std::vector<double> a;
    std::string flag;
    for (std::string w; args >> w;) {
      if (kind == "flag") flag = w;
      else a.push_back(core::parse_number(w).value());
    }
    const std::string want(core::trim(line.substr(arrow + 2, at - arrow - 2)));
    std::optional<double> got;
    if (kind == "zs_o2") got = em::converted_by_o2(a.at(0), a.at(1), a.at(2));
    else if (kind == "zs_alpha") got = em::converted_by_excess_air(a.at(0), a.at(1), a.at(2));
    else if (kind == "alpha") got = em::excess_air(a.at(0));
    else if (kind == "std_state") got = em::to_standard_state(a.at(0), a.at(1), a.at(2), a.at(3));
    else if (kind == "dry") got = em::wet_to_dry(a.at(0), a.at(1));
    else if (kind == "nox") got = em::nox_as_no2(a.at(0), a.at(1));
    else if (kind == "gas_load") got = em::gas_load_kg_per_hour(a.at(0), a.at(1));
    else if (kind == "water_load") got = em::water_load_kg_per_hour(a.at(0), a.at(1));
    else if (kind == "gas_hour_valid") got = em::gas_hour_valid(int(a.at(0))) ? 1 : 0;
    else if (kind == "gas_day_valid") got = em::gas_day_valid(int(a.at(0))) ? 1 : 0;
    else if (kind == "flag") got = em::flag_valid(flag.at(0)) ? 1 : 0;
    else FAIL() << where << ": unknown kind " << kind;
    EXPECT_EQ(six(got), want) << where << ": " << line;
    ++n;
  }
  EXPECT_GE(n, 25);
}

}  // namespace
