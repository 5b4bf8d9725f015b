#include "alert/alarm_rules.h"

#include "core/error.h"

#include <toml.hpp>

#include <filesystem>
#include <set>

namespace skyriver::alert {

namespace {

struct Reader {
  const toml::value& doc;
  std::string file;
  std::vector<std::string> problems;

  const toml::value* table(const std::string& name, const std::set<std::string>& keys) {
    if (!doc.contains(name)) return nullptr;
    const auto& t = doc.at(name);
    if (!t.is_table()) {
      problems.push_back(file + ": " + name + ": must be a table");
      return nullptr;
    }
    for (const auto& [k, v] : t.as_table())
      if (!keys.count(k)) problems.push_back(file + ": " + name + "." + k + ": unknown key");
    return &t;
  }
  template <class T>
  void get(const toml::value* t, const std::string& section, const std::string& key, T& out) {
    if (!t || !t->contains(key)) return;
    try {
      const auto& v = t->at(key);
      if constexpr (std::is_same_v<T, double>) {
        if (v.is_integer()) {
          out = static_cast<double>(v.as_integer());
          return;
        }
      }
      out = toml::get<T>(v);
    } catch (const std::exception&) {
      problems.push_back(file + ": " + section + "." + key + ": wrong type");
    }
  }
  void positive(double v, const std::string& key) {
    if (!(v > 0)) problems.push_back(file + ": " + key + ": must be positive");
  }
};

}  // namespace

AlarmRules load_alarm_rules(const std::string& path) {
  AlarmRules r;
  if (!std::filesystem::exists(path)) return r;
  toml::value doc;
  try {
    doc = toml::parse(path);
  } catch (const std::exception& e) {
    throw core::Error(path, std::string("not valid TOML: ") + e.what());
  }
  Reader rd{doc, std::filesystem::path(path).filename().string(), {}};
  static const std::set<std::string> sections{"exceedance", "load", "offline", "data_quality", "water_anomaly",
                                              "air_dropout", "replay", "webhook"};
  if (doc.is_table())
    for (const auto& [k, v] : doc.as_table())
      if (!sections.count(k)) rd.problems.push_back(rd.file + ": " + k + ": unknown section");
  if (auto* t = rd.table("exceedance", {"enabled", "severity_hours"})) {
    rd.get(t, "exceedance", "enabled", r.exceedance);
    rd.get(t, "exceedance", "severity_hours", r.severity_hours);
    bool ok = r.severity_hours.size() == 3 && r.severity_hours[0] >= 1;
    for (std::size_t i = 1; ok && i < r.severity_hours.size(); ++i) ok = r.severity_hours[i] > r.severity_hours[i - 1];
    if (!ok) rd.problems.push_back(rd.file + ": exceedance.severity_hours: three increasing hour counts, the first >= 1");
  }
  if (auto* t = rd.table("load", {"enabled", "approach"})) {
    rd.get(t, "load", "enabled", r.load);
    rd.get(t, "load", "approach", r.load_approach);
    if (!(r.load_approach > 0 && r.load_approach <= 1)) rd.problems.push_back(rd.file + ": load.approach: must be in (0, 1]");
  }
  if (auto* t = rd.table("offline", {"enabled", "kinds", "minutes", "check_seconds"})) {
    rd.get(t, "offline", "enabled", r.offline);
    rd.get(t, "offline", "kinds", r.offline_kinds);
    rd.get(t, "offline", "minutes", r.offline_minutes);
    rd.get(t, "offline", "check_seconds", r.offline_check_seconds);
    rd.positive(r.offline_minutes, "offline.minutes");
    rd.positive(r.offline_check_seconds, "offline.check_seconds");
  }
  if (auto* t = rd.table("data_quality", {"enabled", "kinds", "constant_hours", "zero_hours", "jump_k", "jump_window",
                                          "jump_min_points"})) {
    rd.get(t, "data_quality", "enabled", r.data_quality);
    rd.get(t, "data_quality", "kinds", r.data_quality_kinds);
    rd.get(t, "data_quality", "constant_hours", r.constant_hours);
    rd.get(t, "data_quality", "zero_hours", r.zero_hours);
    rd.get(t, "data_quality", "jump_k", r.jump_k);
    rd.get(t, "data_quality", "jump_window", r.jump_window);
    rd.get(t, "data_quality", "jump_min_points", r.jump_min_points);
    if (r.constant_hours < 2) rd.problems.push_back(rd.file + ": data_quality.constant_hours: at least 2");
    rd.positive(r.zero_hours, "data_quality.zero_hours");
    rd.positive(r.jump_k, "data_quality.jump_k");
    if (r.jump_min_points < 3 || r.jump_min_points > r.jump_window)
      rd.problems.push_back(rd.file + ": data_quality.jump_min_points: between 3 and jump_window");
  }
  if (auto* t = rd.table("water_anomaly", {"enabled", "class_drop", "class_window_hours", "item_k", "item_window",
                                           "item_min_points"})) {
    rd.get(t, "water_anomaly", "enabled", r.water_anomaly);
    rd.get(t, "water_anomaly", "class_drop", r.class_drop);
    rd.get(t, "water_anomaly", "class_window_hours", r.class_window_hours);
    rd.get(t, "water_anomaly", "item_k", r.item_k);
    rd.get(t, "water_anomaly", "item_window", r.item_window);
    rd.get(t, "water_anomaly", "item_min_points", r.item_min_points);
    rd.positive(r.class_drop, "water_anomaly.class_drop");
    rd.positive(r.class_window_hours, "water_anomaly.class_window_hours");
    if (r.item_k < 0) rd.problems.push_back(rd.file + ": water_anomaly.item_k: must not be negative");
    if (r.item_min_points < 2 || r.item_min_points > r.item_window)
      rd.problems.push_back(rd.file + ": water_anomaly.item_min_points: between 2 and item_window");
  }
  if (auto* t = rd.table("air_dropout", {"enabled", "hours", "items"})) {
    rd.get(t, "air_dropout", "enabled", r.air_dropout);
    rd.get(t, "air_dropout", "hours", r.dropout_hours);
    rd.get(t, "air_dropout", "items", r.dropout_items);
    rd.positive(r.dropout_hours, "air_dropout.hours");
  }
  if (auto* t = rd.table("replay", {"hours"})) {
    rd.get(t, "replay", "hours", r.replay_hours);
    rd.positive(r.replay_hours, "replay.hours");
  }
  if (auto* t = rd.table("webhook", {"urls"})) {
    rd.get(t, "webhook", "urls", r.webhooks);
    for (const auto& u : r.webhooks)
      if (u.rfind("http://", 0) != 0)
        rd.problems.push_back(rd.file + ": webhook.urls: '" + u + "' is not a plain http:// URL");
  }
  if (!rd.problems.empty()) {
    std::string why;
    for (const auto& p : rd.problems) why += (why.empty() ? "" : "\n") + p;
    throw core::Error(path, why);
  }
  return r;
}

}  // namespace skyriver::alert
