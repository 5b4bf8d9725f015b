// warning.toml: the shipped file loads with its three rule sets, and a bad file is refused with
// the file, the key and the reason.
#include "alert/warning_rules.h"
#include "core/error.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace skyriver;
using namespace skyriver::alert;
namespace fs = std::filesystem;

namespace {

const std::string kShipped = std::string(SKYRIVER_SOURCE_DIR) + "/config/datong/warning.toml";

TEST(WarningRules, ShippedFileHasTheThreeSetsAndTheDefault) {
  const WarningConfig c = load_warning_config(kShipped);
  ASSERT_EQ(c.rule_sets.size(), 3u);
  EXPECT_EQ(c.default_rules, "national-2024");
  EXPECT_NE(c.default_note.find("to be confirmed by the city"), std::string::npos);
  EXPECT_EQ(c.note_for("national-2024"), c.default_note);
  EXPECT_EQ(c.note_for("shanxi-2020"), "");
  const RuleSet& n24 = c.get("national-2024");
  EXPECT_EQ(n24.levels_text(), "yellow, orange, red");
  EXPECT_EQ(n24.lift_hours, 36);
  EXPECT_TRUE(n24.advice_only_kind("o3"));
  EXPECT_FALSE(n24.advice_only_kind("pm"));
  EXPECT_EQ(c.get("national-2017").levels_text(), "blue, yellow, orange, red");
  EXPECT_EQ(c.get("shanxi-2020").levels_text(), "yellow, orange, red");
  EXPECT_FALSE(c.get("shanxi-2020").advice_only_kind("o3"));
  EXPECT_EQ(&c.get(""), c.find("national-2024"));
  EXPECT_FALSE(c.advice[2].empty());
}

struct Bad {
  std::string text, where, why;
};

TEST(WarningRules, BadFilesNameTheKey) {
  const std::string head = "default = \"a\"\n";
  const Bad cases[] = {
      {head + "[rules.a]\nyellow = [{ above = 200, days = 1 }]\ncolour = 1\n", "rules.a.colour", "unknown key"},
      {head + "[rules.a]\nyellow = [{ above = 200, dayz = 1 }]\n", "rules.a.yellow[0].dayz", "unknown key"},
      {head + "[rules.a]\nyellow = [{ above = \"200\", days = 1 }]\n", "rules.a.yellow[0].above", "must be a number"},
      {head + "[rules.a]\nyellow = [{ above = 200 }]\n", "rules.a.yellow[0]", "needs 'above' and 'days'"},
      {head + "[rules.a]\nyellow = [{ above = 200, days = 0 }]\n", "rules.a.yellow[0].days", "must lie in [1, 30]"},
      {head + "[rules.a]\nred = [{ reach = 500, days = 1 }]\n", "rules.a.red[0]", "'reach' stands alone"},
      {head + "[rules.a]\nred = [{ above = 200, days = 2, with_above = 300 }]\n", "rules.a.red[0]", "go together"},
      {head + "[rules.a]\nred = [{ above = 200, days = 2, with_above = 300, with_days = 3 }]\n", "rules.a.red[0]", "cannot exceed"},
      {head + "[rules.a]\nyellow = []\n", "rules.a.yellow", "non-empty array"},
      {head + "[rules.a]\nlift_hours = 36\n", "rules.a", "defines no level"},
      {head + "[rules.a]\nyellow = [{ above = 200, days = 1 }]\nadvice_only = [\"smog\"]\n", "rules.a.advice_only", "not an episode kind"},
      {"default = \"b\"\n[rules.a]\nyellow = [{ above = 200, days = 1 }]\n", "default", "'b' is not one of the rule sets"},
      {"[rules.a]\nyellow = [{ above = 200, days = 1 }]\n", "default", "missing"},
      {head + "webhooks = [\"https://x\"]\n[rules.a]\nyellow = [{ above = 200, days = 1 }]\n", "webhooks", "not an http:// URL"},
      {head + "horizon = 3\n[rules.a]\nyellow = [{ above = 200, days = 1 }]\n", "horizon", "unknown key"},
      {head, "rules", "no rule set defined"},
  };
  const fs::path file = fs::temp_directory_path() / "skyriver_warning_bad.toml";
  for (const auto& c : cases) {
    std::ofstream(file) << c.text;
    try {
      load_warning_config(file.string());
      ADD_FAILURE() << "accepted: " << c.text;
    } catch (const core::Error& e) {
      EXPECT_EQ(e.where(), file.string() + ": " + c.where) << c.text;
      EXPECT_NE(e.why().find(c.why), std::string::npos) << e.what();
    }
  }
  std::ofstream(file) << "default = \n";
  EXPECT_THROW(load_warning_config(file.string()), core::Error);  // TOML syntax: names the file
  fs::remove(file);
}

TEST(WarningRules, ConditionTexts) {
  EXPECT_EQ((Condition{200, 1}).text(), "> 200 for 1 day");
  EXPECT_EQ((Condition{150, 2}).text(), "> 150 for 2 consecutive days");
  EXPECT_EQ((Condition{200, 3, 300, 1}).text(), "> 200 for 3 consecutive days with > 300 on at least 1 of them");
  EXPECT_EQ((Condition{200, 4, 300, 2}).text(), "> 200 for 4 consecutive days with > 300 for 2 consecutive days");
  EXPECT_EQ((Condition{0, 0, 0, 0, 500}).text(), "AQI reaching 500");
}

}  // namespace
