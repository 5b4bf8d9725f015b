// Heavy-pollution warning rule sets (重污染天气预警分级标准) as configuration: which forecast
// daily AQI sets off which level. Nothing here is hard-coded: the rule sets, their sources, the
// lifting time and the merging gap come from config/<city>/warning.toml (docs/warning.md).
//
// A level's start condition is a list of alternatives (any one suffices). Each alternative is
//   - "AQI > above for at least `days` consecutive days", optionally "with, inside that run, at
//     least `with_days` consecutive days AQI > with_above"; or
//   - "a day with AQI >= reach" (the "AQI reaching 500" clause).
// Thresholds are strict (> 200 means 201 counts, 200 does not); "reaching" includes the value.
//
// load_warning_config() checks every key and reports the first problem as
// core::Error("file: key", why); unknown keys are errors (a typo must not silently drop a rule).
// The result is immutable and safe to share between threads.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skyriver::alert {

// Warning levels, lowest to highest. Not every rule set uses blue.
enum class Level : std::uint8_t { none = 0, blue, yellow, orange, red };

std::string_view level_name(Level l);     // none blue yellow orange red
std::string_view level_name_zh(Level l);  // 无 蓝色 黄色 橙色 红色
std::string_view level_colour(Level l);   // CSS colour of the banner ("" for none)
std::optional<Level> parse_level(std::string_view s);  // the English names above

struct Condition {
  double above = 0;      // daily AQI strictly above ...
  int days = 0;          // ... for at least this many consecutive days (0 = reach form)
  double with_above = 0; // inside that run, at least with_days consecutive days above this
  int with_days = 0;     // 0 = no inner clause
  double reach = 0;      // reach form: any day with AQI >= reach
  bool reach_form() const { return days == 0; }
  std::string text() const;  // "> 200 for 2 consecutive days", "AQI reaching 500", ...
};

struct LevelRule {
  Level level = Level::none;
  std::vector<Condition> any_of;
};

struct RuleSet {
  std::string name;    // "national-2024"
  std::string title;   // one line: the document and its date
  std::string source;  // where the thresholds were read (REFERENCE.md 5)
  std::vector<LevelRule> levels;  // ascending by level
  // Episode kinds that get health advice only, no curtailment (2024 guidance: o3, dust,
  // cross_regional). Other kinds ("pm") set off the curtailment list.
  std::vector<std::string> advice_only;
  int lift_hours = 36;       // lift/lower once the forecast stays below the start condition this long
  int merge_gap_hours = 36;  // episodes separated by less than this count as one

  const LevelRule* rule(Level l) const;  // nullptr if the set does not use the level
  bool advice_only_kind(std::string_view kind) const;
  std::string levels_text() const;  // "yellow, orange, red"
};

struct WarningConfig {
  std::string file;          // where it was read ("" = built for a test)
  std::string default_rules; // the city's rule set
  std::string default_note;  // shown wherever the default is shown ("to be confirmed by the city")
  int horizon_days = 3;      // days of forecast the proposals and replays look ahead
  int lookback_days = 7;     // observed days kept before the forecast (episode continuity)
  std::string notice_prefix; // notice numbers: PREFIX-YYYY-NNN
  std::vector<std::string> webhooks;  // http:// URLs that get every proposal and step
  std::array<std::string, 5> advice;  // health advice per level (index = Level), shown with the warning
  std::vector<RuleSet> rule_sets;

  const RuleSet* find(std::string_view name) const;
  // The named set, or the default when `name` is empty. Throws core::Error(where, why)
  // listing the known names when there is no such set.
  const RuleSet& get(std::string_view name, const std::string& where = "--rules") const;
  // "" unless `name` is the city's default: then default_note.
  std::string note_for(std::string_view name) const;
};

// Reads a warning.toml. Throws core::Error("file: key", why) on the first bad or unknown key.
WarningConfig load_warning_config(const std::string& file);
// The warning.toml of a city configuration folder.
std::string warning_file(const std::string& config_dir);

}  // namespace skyriver::alert
