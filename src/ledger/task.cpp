#include "ledger/task.h"

#include "core/error.h"

#include <algorithm>

namespace skyriver::ledger {

const std::vector<std::string>& states_of(const std::string& type) {
  static const std::vector<std::string> rect{"open", "rectifying", "awaiting_acceptance", "closed"};
  static const std::vector<std::string> cas{"filed", "decided", "closed"};
  static const std::vector<std::string> comp{"received", "handling", "concluded"};
  static const std::vector<std::string> none;
  return type == "rectification" ? rect : type == "case" ? cas : type == "complaint" ? comp : none;
}

bool known_type(const std::string& type) { return !states_of(type).empty(); }

bool step_allowed(const std::string& type, const std::string& from, const std::string& to) {
  const auto& s = states_of(type);
  const auto a = std::find(s.begin(), s.end(), from), b = std::find(s.begin(), s.end(), to);
  if (a == s.end() || b == s.end()) return false;
  if (b > a) return true;  // forward, possibly skipping steps (a case closed without a penalty)
  return type == "rectification" && from == "awaiting_acceptance" && to == "rectifying";
}

bool is_final(const Task& t) {
  const auto& s = states_of(t.type);
  return !s.empty() && t.state == s.back();
}

bool overdue(const Task& t, core::Date today) { return t.deadline && *t.deadline < today && !is_final(t); }

namespace {

nlohmann::json date_json(const std::optional<core::Date>& d) {
  return d ? nlohmann::json(core::format_date(*d)) : nlohmann::json(nullptr);
}

std::optional<core::Date> date_of(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  const std::string s = j.at(key).get<std::string>();
  auto d = core::parse_date(s);
  if (!d) throw FieldError("task", key, "is not a date YYYY-MM-DD: " + s.substr(0, 64));
  return d;
}

core::Instant time_of(const nlohmann::json& j, const char* key) {
  if (!j.contains(key)) return 0;
  const std::string s = j.at(key).get<std::string>();
  auto c = core::parse_civil(s.substr(0, 19));
  if (!c) throw core::Error("task", std::string("'") + key + "' is not a time: " + s);
  return core::from_beijing(*c);
}

}  // namespace

nlohmann::json to_json(const Task& t, std::optional<core::Date> today) {
  nlohmann::json notes = nlohmann::json::array();
  for (const auto& n : t.notes) notes.push_back({{"at", core::format_iso(n.at)}, {"who", n.who}, {"text", n.text}});
  nlohmann::json j{{"id", t.id},
                   {"type", t.type},
                   {"batch", t.batch},
                   {"title", t.title},
                   {"county", t.county},
                   {"department", t.department},
                   {"deadline", date_json(t.deadline)},
                   {"state", t.state},
                   {"notes", notes},
                   {"evidence", t.evidence},
                   {"alarm", t.alarm},
                   {"site", t.site},
                   {"enterprise", t.enterprise},
                   {"case_no", t.case_no},
                   {"penalty_yuan", t.penalty_yuan ? nlohmann::json(*t.penalty_yuan) : nlohmann::json(nullptr)},
                   {"filed", date_json(t.filed)},
                   {"decided", date_json(t.decided)},
                   {"closed_on", date_json(t.closed_on)},
                   {"source", t.source},
                   {"received", date_json(t.received)},
                   {"concluded", date_json(t.concluded)},
                   {"feedback", t.feedback},
                   {"created_at", core::format_iso(t.created_at)},
                   {"updated_at", core::format_iso(t.updated_at)},
                   {"created_by", t.created_by},
                   {"updated_by", t.updated_by}};
  if (today) j["overdue"] = overdue(t, *today);
  return j;
}

Task task_from_json(const nlohmann::json& j) {
  try {
    Task t;
    t.id = j.at("id").get<std::string>();
    t.type = j.at("type").get<std::string>();
    t.batch = j.value("batch", "");
    t.title = j.value("title", "");
    t.county = j.value("county", "");
    t.department = j.value("department", "");
    t.deadline = date_of(j, "deadline");
    t.state = j.value("state", "");
    for (const auto& n : j.value("notes", nlohmann::json::array()))
      t.notes.push_back({time_of(n, "at"), n.value("who", ""), n.value("text", "")});
    t.evidence = j.value("evidence", std::vector<std::string>{});
    t.alarm = j.value("alarm", "");
    t.site = j.value("site", "");
    t.enterprise = j.value("enterprise", "");
    t.case_no = j.value("case_no", "");
    if (j.contains("penalty_yuan") && !j.at("penalty_yuan").is_null()) t.penalty_yuan = j.at("penalty_yuan").get<double>();
    t.filed = date_of(j, "filed");
    t.decided = date_of(j, "decided");
    t.closed_on = date_of(j, "closed_on");
    t.source = j.value("source", "");
    t.received = date_of(j, "received");
    t.concluded = date_of(j, "concluded");
    t.feedback = j.value("feedback", false);
    t.created_at = time_of(j, "created_at");
    t.updated_at = time_of(j, "updated_at");
    t.created_by = j.value("created_by", "");
    t.updated_by = j.value("updated_by", "");
    return t;
  } catch (const core::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw core::Error("task", e.what());
  }
}

}  // namespace skyriver::ledger
