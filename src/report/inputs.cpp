#include "report/inputs.h"

#include "assess/water_rules_file.h"
#include "core/error.h"
#include "model/toml_file.h"

#include <filesystem>

namespace skyriver::report {

std::string fill_numbering(const std::string& pattern, core::Date first) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size();) {
    const auto put = [&](std::string_view key, int value) {
      if (pattern.compare(i, key.size(), key) != 0) return false;
      out += std::to_string(value);
      i += key.size();
      return true;
    };
    if (put("{year}", first.year) || put("{month}", first.month) || put("{day}", first.day)) continue;
    out += pattern[i++];
  }
  return out;
}

namespace {

std::map<std::string, Numbering> load_numbering(const std::string& file) {
  std::map<std::string, Numbering> out;
  const toml::value doc = model::read_toml(file);
  if (!doc.is_table()) return out;
  for (const auto& [kind, t] : doc.as_table()) {
    if (kind != "day" && kind != "month" && kind != "year") throw core::Error(file + ": " + kind, "unknown table (day, month, year)");
    if (!t.is_table()) throw core::Error(file + ": " + kind, "not a table");
    Numbering n;
    for (const auto& [key, v] : t.as_table()) {
      if (!v.is_string()) throw core::Error(file + ": " + kind + "." + key, "not text");
      if (key == "issue_no") n.issue_no = v.as_string();
      else if (key == "doc_no") n.doc_no = v.as_string();
      else throw core::Error(file + ": " + kind + "." + key, "unknown key (issue_no, doc_no)");
    }
    out[kind] = n;
  }
  return out;
}

}  // namespace

Inputs load_inputs(const std::string& dir) {
  namespace fs = std::filesystem;
  Inputs in;
  in.city = model::load_city(dir);
  const fs::path p(dir);
  if (fs::exists(p / "targets.toml")) in.targets = assess::load_targets((p / "targets.toml").string(), in.city);
  in.targets.city = in.city.city.id;
  if (fs::exists(p / "plan_indicators.toml")) in.plan = assess::load_plan((p / "plan_indicators.toml").string());
  if (fs::exists(p / "compensation.toml")) in.compensation = assess::load_rules((p / "compensation.toml").string());
  in.water_rules = assess::load_evaluation_rules((p / "water.toml").string());
  if (fs::exists(p / "reports.toml")) in.numbering = load_numbering((p / "reports.toml").string());
  return in;
}

}  // namespace skyriver::report
