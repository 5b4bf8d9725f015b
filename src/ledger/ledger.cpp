#include "ledger/ledger.h"

#include "core/error.h"
#include "core/text.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>

namespace skyriver::ledger {

namespace {

core::Instant wall_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

core::Date today_beijing() { return core::beijing_date(wall_now()); }

Ledger::Ledger(const model::CityConfig& city, const std::string& store_url)
    : city_(city), store_(store::Store::open(store_url)) {
  store::RecordQuery q;
  q.kind = kTaskRecord;
  q.latest_per_key = true;
  for (const auto& r : store_->records(q)) {
    Task t = task_from_json(nlohmann::json::parse(r.body));
    if (t.id.size() == 7 && t.id[0] == 'T')
      if (auto n = std::strtoll(t.id.c_str() + 1, nullptr, 10); n >= next_) next_ = n + 1;
    tasks_[t.id] = std::move(t);
  }
}

Ledger::~Ledger() = default;

void Ledger::on_change(std::function<void(const Task&, const std::string&)> f) {
  std::lock_guard lock(mutex_);
  listeners_.push_back(std::move(f));
}

std::string Ledger::next_id() {
  for (;;) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "T%06lld", static_cast<long long>(next_++));
    if (!tasks_.count(buf)) return buf;
  }
}

void Ledger::validate(Task& t, const std::string& where) const {
  if (!t.id.empty())
    if (auto why = core::entry_id_problem(t.id); !why.empty()) throw FieldError(where, "id", why);
  // Every text field under the one stored-text rule (core/text.h), so the export keeps it whole.
  auto text = [&](const char* field, const std::string& v) {
    if (auto why = core::stored_text_problem(v); !why.empty()) throw FieldError(where, field, why);
  };
  const std::pair<const char*, const std::string*> texts[] = {
      {"type", &t.type},   {"batch", &t.batch}, {"title", &t.title}, {"county", &t.county},
      {"department", &t.department}, {"state", &t.state}, {"alarm", &t.alarm}, {"site", &t.site},
      {"enterprise", &t.enterprise}, {"case_no", &t.case_no}, {"source", &t.source}};
  for (const auto& [field, v] : texts) text(field, *v);
  for (const auto& n : t.notes) text("note", n.text);
  for (const auto& e : t.evidence) text("evidence", e);
  if (!known_type(t.type)) throw FieldError(where, "type", "unknown type '" + t.type + "' (rectification, case, complaint)");
  if (core::trim(t.title).empty()) throw FieldError(where, "title", "is empty (the item's text)");
  if (t.county.empty()) throw FieldError(where, "county", "is missing");
  if (!city_.area(t.county)) {
    const model::Area* byname = nullptr;
    for (const auto& a : city_.areas)
      if (a.name == t.county) byname = &a;
    if (!byname) throw FieldError(where, "county", "unknown county '" + t.county + "'");
    t.county = byname->id;
  }
  const auto& st = states_of(t.type);
  if (t.state.empty()) t.state = st.front();
  if (std::find(st.begin(), st.end(), t.state) == st.end()) {
    std::string list;
    for (const auto& s : st) list += (list.empty() ? "" : ", ") + s;
    throw FieldError(where, "state", "'" + t.state + "' is not one of the " + t.type + " states: " + list);
  }
  if (t.type == "complaint" && !t.source.empty() && t.source != "12345" && t.source != "12369" && t.source != "other")
    throw FieldError(where, "source", "complaint source '" + t.source + "' is not 12345, 12369 or other");
  if (t.penalty_yuan && !(std::isfinite(*t.penalty_yuan) && *t.penalty_yuan >= 0))
    throw FieldError(where, "penalty_yuan", "must be a number >= 0");
  if (t.received && t.concluded && *t.concluded < *t.received) throw FieldError(where, "concluded", "is before received");
  if (t.filed && t.closed_on && *t.closed_on < *t.filed) throw FieldError(where, "closed_on", "is before filed");
  if (!t.site.empty() && !city_.site(t.site)) throw FieldError(where, "site", "unknown site '" + t.site + "'");
  if (!t.enterprise.empty() && !city_.sources.enterprise(t.enterprise))
    throw FieldError(where, "enterprise", "unknown enterprise '" + t.enterprise + "'");
}

void Ledger::check_alarm(const Task& t, const std::set<std::string>& claimed, const std::string& where) const {
  if (t.alarm.empty()) return;
  for (const auto& [id, other] : tasks_)
    if (other.alarm == t.alarm) throw FieldError(where, "alarm", "alarm '" + t.alarm + "' already has task " + id);
  if (claimed.count(t.alarm)) throw FieldError(where, "alarm", "alarm '" + t.alarm + "' is named by an earlier row");
  // The alarm's latest record in the journal (kind "alarm", alert/alarm.h): it must exist and
  // must not be linked to a task yet.
  store::RecordQuery q;
  q.kind = "alarm";
  q.key = t.alarm;
  q.newest_first = true;
  q.limit = 1;
  const auto recs = store_->records(q);
  if (recs.empty()) throw FieldError(where, "alarm", "no alarm '" + t.alarm + "'");
  const auto body = nlohmann::json::parse(recs.front().body, nullptr, false);
  if (body.is_object() && body.value("task", "") != "")
    throw FieldError(where, "alarm", "alarm '" + t.alarm + "' already has task " + body.value("task", ""));
}

void Ledger::commit(std::vector<Task> tasks, const std::string& change, std::unique_lock<std::mutex>& lock) {
  std::vector<store::Record> recs;
  for (const auto& t : tasks) recs.push_back({0, kTaskRecord, t.id, t.updated_at, t.updated_by, to_json(t).dump()});
  store_->append(std::span<store::Record>(recs));
  for (auto& t : tasks) tasks_[t.id] = t;
  auto ls = listeners_;
  lock.unlock();
  for (const auto& t : tasks)
    for (const auto& l : ls) l(t, change);
  lock.lock();
}

Task Ledger::create(Task t, const std::string& who) {
  std::unique_lock lock(mutex_);
  if (!t.id.empty() && tasks_.count(t.id)) throw core::Error("task " + t.id, "id already used");
  const std::string where = "task" + (t.id.empty() ? std::string() : " " + t.id);
  validate(t, where);
  check_alarm(t, {}, where);
  if (t.id.empty()) t.id = next_id();
  const core::Instant now = wall_now();
  t.created_at = t.updated_at = now;
  t.created_by = t.updated_by = who;
  for (auto& n : t.notes) {
    if (!n.at) n.at = now;
    if (n.who.empty()) n.who = who;
  }
  commit({t}, "created", lock);
  return t;
}

namespace {

std::optional<core::Date> patch_date(const nlohmann::json& v, const std::string& key, const std::string& where) {
  if (v.is_null()) return std::nullopt;
  if (!v.is_string()) throw FieldError(where, key, "must be a date YYYY-MM-DD");
  auto d = core::parse_date(v.get<std::string>());
  if (!d) throw FieldError(where, key, "is not a date YYYY-MM-DD: " + v.get<std::string>().substr(0, 64));
  return d;
}

std::string patch_text(const nlohmann::json& v, const std::string& key, const std::string& where) {
  if (!v.is_string()) throw FieldError(where, key, "must be text");
  return v.get<std::string>();
}

}  // namespace

Task Ledger::update(const std::string& id, const nlohmann::json& patch, const std::string& who) {
  std::unique_lock lock(mutex_);
  const std::string where = "task " + id;
  auto it = tasks_.find(id);
  if (it == tasks_.end()) throw core::Error(where, "no such task");
  if (!patch.is_object() || patch.empty()) throw FieldError(where, "body", "the change must be a JSON object with at least one field");
  Task t = it->second;
  const core::Instant now = wall_now();
  const core::Date today = core::beijing_date(now);
  for (const auto& [k, v] : patch.items()) {
    if (k == "user") continue;
    if (k == "state") {
      const std::string to = patch_text(v, k, where);
      const auto& states = states_of(t.type);
      if (std::find(states.begin(), states.end(), to) == states.end())
        throw FieldError(where, "state", "'" + to.substr(0, 64) + "' is not a state of a " + t.type);
      if (!step_allowed(t.type, t.state, to))
        throw core::Error(where, "a " + t.type + " cannot go from '" + t.state + "' to '" + to + "'");
      t.state = to;
      // Closing (销号 / 结案) is dated, unless the change brings its own date.
      if ((t.type == "case" || t.type == "rectification") && to == "closed" && !t.closed_on && !patch.contains("closed_on"))
        t.closed_on = today;
      if (t.type == "case" && to == "decided" && !t.decided) t.decided = today;
      if (t.type == "complaint" && to == "concluded" && !t.concluded) t.concluded = today;
    } else if (k == "note") {
      t.notes.push_back({now, who, patch_text(v, k, where)});
    } else if (k == "evidence") {
      t.evidence.push_back(patch_text(v, k, where));
    } else if (k == "deadline") t.deadline = patch_date(v, k, where);
    else if (k == "filed") t.filed = patch_date(v, k, where);
    else if (k == "decided") t.decided = patch_date(v, k, where);
    else if (k == "closed_on") t.closed_on = patch_date(v, k, where);
    else if (k == "received") t.received = patch_date(v, k, where);
    else if (k == "concluded") t.concluded = patch_date(v, k, where);
    else if (k == "title") t.title = patch_text(v, k, where);
    else if (k == "batch") t.batch = patch_text(v, k, where);
    else if (k == "county") t.county = patch_text(v, k, where);
    else if (k == "department") t.department = patch_text(v, k, where);
    else if (k == "case_no") t.case_no = patch_text(v, k, where);
    else if (k == "source") t.source = patch_text(v, k, where);
    else if (k == "penalty_yuan") {
      if (!v.is_number()) throw core::Error(where, "penalty_yuan must be a number");
      t.penalty_yuan = v.get<double>();
    } else if (k == "feedback") {
      if (!v.is_boolean()) throw FieldError(where, "feedback", "must be true or false");
      t.feedback = v.get<bool>();
    } else {
      throw FieldError(where, k.substr(0, 64), "cannot be changed (state, note, evidence, deadline, title, batch, county, "
                                         "department, case_no, penalty_yuan, filed, decided, closed_on, source, received, "
                                         "concluded, feedback)");
    }
  }
  validate(t, where);
  t.updated_at = now;
  t.updated_by = who;
  commit({t}, "updated", lock);
  return t;
}

std::optional<Task> Ledger::find(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto it = tasks_.find(id);
  if (it == tasks_.end()) return std::nullopt;
  return it->second;
}

std::vector<Task> Ledger::list(const TaskFilter& f, core::Date today) const {
  std::lock_guard lock(mutex_);
  std::vector<Task> out;
  for (const auto& [id, t] : tasks_) {
    if (!f.type.empty() && t.type != f.type) continue;
    if (!f.state.empty() && t.state != f.state) continue;
    if (!f.county.empty() && t.county != f.county) continue;
    if (!f.batch.empty() && t.batch != f.batch) continue;
    if (!f.department.empty() && t.department != f.department) continue;
    if (!f.alarm.empty() && t.alarm != f.alarm) continue;
    if (f.overdue && overdue(t, today) != *f.overdue) continue;
    out.push_back(t);
    if (f.limit && out.size() >= f.limit) break;
  }
  return out;
}

std::vector<store::Record> Ledger::history(const std::string& id) {
  std::lock_guard lock(mutex_);
  store::RecordQuery q;
  q.kind = kTaskRecord;
  q.key = id;
  return store_->records(q);
}

nlohmann::json Ledger::stats(core::Date today) const {
  std::lock_guard lock(mutex_);
  struct Count {
    std::size_t total = 0, closed = 0, overdue = 0;
  };
  std::map<std::string, Count> by_batch;
  struct County {
    Count rect;
    std::size_t cases = 0, cases_closed = 0, complaints = 0, concluded = 0, feedback = 0;
    double penalty = 0;
  };
  std::map<std::string, County> by_county;
  Count rect;
  std::size_t cases = 0, decided = 0, cases_closed = 0, complaints = 0, concluded = 0, feedback = 0;
  double penalty = 0;
  std::map<std::string, std::size_t> by_source;
  for (const auto& [id, t] : tasks_) {
    County& c = by_county[t.county];
    if (t.type == "rectification") {
      for (Count* x : {&rect, &by_batch[t.batch], &c.rect}) {
        ++x->total;
        x->closed += is_final(t);
        x->overdue += overdue(t, today);
      }
    } else if (t.type == "case") {
      ++cases, ++c.cases;
      decided += t.state == "decided" || t.state == "closed";
      cases_closed += t.state == "closed", c.cases_closed += t.state == "closed";
      penalty += t.penalty_yuan.value_or(0), c.penalty += t.penalty_yuan.value_or(0);
    } else if (t.type == "complaint") {
      ++complaints, ++c.complaints;
      concluded += t.state == "concluded", c.concluded += t.state == "concluded";
      feedback += t.feedback, c.feedback += t.feedback;
      ++by_source[t.source.empty() ? "other" : t.source];
    }
  }
  auto share = [](std::size_t a, std::size_t b) { return b ? nlohmann::json(double(a) / double(b)) : nlohmann::json(nullptr); };
  auto count_json = [&](const Count& x) {
    return nlohmann::json{{"total", x.total}, {"closed", x.closed}, {"closed_share", share(x.closed, x.total)}, {"overdue", x.overdue}};
  };
  nlohmann::json batches = nlohmann::json::array();
  for (const auto& [b, x] : by_batch) {
    auto j = count_json(x);
    j["batch"] = b;
    batches.push_back(j);
  }
  nlohmann::json counties = nlohmann::json::array();
  for (const auto& [code, x] : by_county) {
    const model::Area* a = city_.area(code);
    counties.push_back({{"county", code},
                        {"name", a ? a->name : code},
                        {"rectification", count_json(x.rect)},
                        {"cases", x.cases},
                        {"cases_closed", x.cases_closed},
                        {"penalty_yuan", x.penalty},
                        {"complaints", x.complaints},
                        {"concluded", x.concluded},
                        {"concluded_rate", share(x.concluded, x.complaints)},
                        {"feedback", x.feedback},
                        {"feedback_rate", share(x.feedback, x.complaints)}});
  }
  return {{"date", core::format_date(today)},
          {"rectification", count_json(rect)},
          {"by_batch", batches},
          {"cases", {{"total", cases}, {"decided", decided}, {"closed", cases_closed}, {"penalty_yuan", penalty}}},
          {"complaints",
           {{"total", complaints},
            {"concluded", concluded},
            {"concluded_rate", share(concluded, complaints)},
            {"feedback", feedback},
            {"feedback_rate", share(feedback, complaints)},
            {"by_source", by_source}}},
          {"by_county", counties}};
}

}  // namespace skyriver::ledger
