#include "alert/alarm.h"

#include "core/error.h"

namespace skyriver::alert {

std::string fingerprint(const std::string& kind, const std::string& site, const std::string& parameter,
                        const std::string& rule, const std::string& period) {
  return kind + '|' + site + '|' + parameter + '|' + rule + '|' + period;
}

std::string Alarm::fingerprint() const { return alert::fingerprint(kind, site, parameter, rule, period); }

std::string alarm_id(const Alarm& a) {
  const auto c = core::to_beijing(a.first);
  char hour[16];
  std::snprintf(hour, sizeof hour, "%04d%02d%02d%02d", c.date.year, c.date.month, c.date.day, c.hour);
  std::string id = a.kind + "." + a.site + "." + (a.parameter.empty() ? "-" : a.parameter) + "." + a.rule + "." +
                   (a.period.empty() ? "" : a.period + ".") + hour;
  for (auto& ch : id)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.' || ch == '-')) ch = '_';
  return id;
}

nlohmann::json to_json(const Alarm& a) {
  return {{"id", a.id},
          {"kind", a.kind},
          {"rule", a.rule},
          {"site", a.site},
          {"parameter", a.parameter},
          {"period", a.period},
          {"county", a.county},
          {"enterprise", a.enterprise},
          {"first", core::format_iso(a.first)},
          {"last", core::format_iso(a.last)},
          {"severity", a.severity},
          {"state", a.state},
          {"reason", a.reason},
          {"task", a.task},
          {"evidence", a.evidence},
          {"opened_at", core::format_iso(a.opened_at)},
          {"updated_at", core::format_iso(a.updated_at)},
          {"updated_by", a.updated_by}};
}

namespace {

core::Instant iso_time(const nlohmann::json& j, const char* key) {
  const std::string s = j.at(key).get<std::string>();
  // YYYY-MM-DDTHH:MM:SS+08:00 as format_iso writes it.
  auto c = core::parse_civil(s.substr(0, 19));
  if (!c) throw core::Error("alarm record", std::string("'") + key + "' is not a time: " + s);
  return core::from_beijing(*c);
}

}  // namespace

Alarm alarm_from_json(const nlohmann::json& j) {
  try {
    Alarm a;
    a.id = j.at("id").get<std::string>();
    a.kind = j.at("kind").get<std::string>();
    a.rule = j.value("rule", "");
    a.site = j.value("site", "");
    a.parameter = j.value("parameter", "");
    a.period = j.value("period", "");
    a.county = j.value("county", "");
    a.enterprise = j.value("enterprise", "");
    a.first = iso_time(j, "first");
    a.last = iso_time(j, "last");
    a.severity = j.value("severity", 1);
    a.state = j.value("state", "open");
    a.reason = j.value("reason", "");
    a.task = j.value("task", "");
    a.evidence = j.value("evidence", nlohmann::json::object());
    a.opened_at = iso_time(j, "opened_at");
    a.updated_at = iso_time(j, "updated_at");
    a.updated_by = j.value("updated_by", "system");
    return a;
  } catch (const core::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw core::Error("alarm record", e.what());
  }
}

}  // namespace skyriver::alert
