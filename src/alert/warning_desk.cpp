#include "alert/warning_desk.h"

#include "alert/warning_observed.h"
#include "core/error.h"
#include "core/text.h"

#include <boost/algorithm/string/case_conv.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>

namespace skyriver::alert {

using json = nlohmann::json;

namespace {

constexpr const char* kProposalPrefix = "proposal/";
constexpr const char* kConsultationBasis = "consultation forecast";  // DailyAqi::basis of a 会商 forecast

// Whether a proposal's forecast snapshot came from a consultation forecast.
bool from_consultation(const json& forecast) {
  return forecast.is_array() && !forecast.empty() && forecast[0].value("basis", "") == kConsultationBasis;
}

core::Instant wall_clock() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

core::Instant floor_hour(core::Instant t) { return t - ((t % core::kHour) + core::kHour) % core::kHour; }

// "YYYY-MM-DD" (00:00) or "YYYY-MM-DD HH:MM[:SS]" / "YYYY-MM-DDTHH:MM[:SS][+08:00]", Beijing
// time; "YYYY-MM-DDTHH:MM[:SS]Z" is UTC (what JavaScript's toISOString() sends).
core::Instant parse_time(const std::string& field, const json& v) {
  if (!v.is_string()) throw core::Error(field, "must be a time text such as 2026-01-10T00:00 (Beijing time)");
  std::string s = v.get<std::string>();
  core::Instant shift = 0;  // from Beijing civil time to the instant
  if (s.size() > 6 && s.ends_with("+08:00")) s.resize(s.size() - 6);
  else if (s.size() > 11 && (s.ends_with("Z") || s.ends_with("z"))) s.pop_back(), shift = 8 * core::kHour;
  if (auto c = core::parse_civil(s)) return core::from_beijing(*c) + shift;
  if (auto d = core::parse_date(s); d && shift == 0) return core::beijing_midnight(*d);
  throw core::Error(field, "'" + v.get<std::string>() +
                               "' is not a time YYYY-MM-DD[THH:MM] (Beijing time) or YYYY-MM-DDTHH:MM[:SS]Z (UTC)");
}

std::string lower(std::string s) { return boost::algorithm::to_lower_copy(s); }

// The trace kind of a forecast day: 'd' a dust day (沙尘, marked by the forecaster), 'o' O3 the
// only primary pollutant ("o3", "O3", "o3_8h": codes compared case-insensitively), else 'p'.
char day_kind(const forecast::DailyAqi& f) {
  if (lower(f.kind) == "dust") return 'd';
  const std::string p = lower(f.primary);
  return p.rfind("o3", 0) == 0 && p.find_first_of(",;/ ") == std::string::npos ? 'o' : 'p';
}

std::string text_field(const json& body, const char* key, bool required) {
  if (!body.contains(key) || body[key].is_null()) {
    if (required) throw core::Error(key, "is required");
    return "";
  }
  if (!body[key].is_string()) throw core::Error(key, "must be a string");
  return body[key].get<std::string>();
}

bool overlaps(const std::vector<std::string>& a, const std::vector<std::string>& b, const std::string& city) {
  for (const auto& x : a)
    for (const auto& y : b)
      if (x == y || x == city || y == city) return true;
  return false;
}

std::vector<std::string> areas_of(const json& body) {
  std::vector<std::string> out;
  if (body.contains("areas") && body["areas"].is_array())
    for (const auto& a : body["areas"]) out.push_back(a.get<std::string>());
  return out;
}

Level level_of(const json& v) { return parse_level(v.get<std::string>()).value_or(Level::none); }

}  // namespace

WarningDesk::WarningDesk(const WarningConfig& cfg, const CurtailmentList& list, const model::CityConfig& city,
                         const engine::Engine& engine, std::unique_ptr<store::Store> store, DeskOptions options)
    : cfg_(cfg),
      rules_(cfg.get(options.rules, "warning rules")),
      list_(list),
      city_(city),
      engine_(engine),
      store_(std::move(store)),
      options_(std::move(options)) {
  if (!store_) throw core::Error("warnings", "no store to keep the warnings in");
}

core::Instant WarningDesk::now() const { return options_.clock ? options_.clock() : wall_clock(); }

void WarningDesk::announce(const std::string& event, const json& data) {
  if (options_.announce) options_.announce(event, data);
}

std::int64_t WarningDesk::append(const std::string& key, const std::string& who, const json& body) {
  store::Record r;
  r.kind = kWarningKind;
  r.key = key;
  r.at = now();
  r.who = who;
  r.body = body.dump();
  return store_->append(r);
}

std::vector<store::Record> WarningDesk::history(const std::string& key) {
  store::RecordQuery q;
  q.kind = kWarningKind;
  q.key = key;
  return store_->records(q);
}

std::vector<store::Record> WarningDesk::journal(const std::string& key_prefix, bool latest) {
  store::RecordQuery q;
  q.kind = kWarningKind;
  q.key_prefix = key_prefix;
  q.latest_per_key = latest;
  return store_->records(q);
}

json WarningDesk::area_json(const std::string& code) const {
  const model::Area* a = city_.area(code);
  return {{"code", code}, {"name", a ? a->name : code}};
}

bool WarningDesk::covers(const std::vector<std::string>& areas, const std::string& area) const {
  return std::find(areas.begin(), areas.end(), area) != areas.end() ||
         std::find(areas.begin(), areas.end(), city_.city.id) != areas.end();
}

Level WarningDesk::level_in_force(const std::string& area) {
  // A county's warning is not the city's: only warnings covering the area itself or the whole
  // city count (the city's level is that of a city warning).
  Level l = Level::none;
  for (const auto& r : journal(cfg_.notice_prefix + "-", true)) {
    const json b = json::parse(r.body);
    if (b.value("step", "") != "lift" && covers(areas_of(b), area)) l = std::max(l, level_of(b["level"]));
  }
  return l;
}

std::vector<DayAqi> WarningDesk::trace_days(const std::string& area, const std::vector<forecast::DailyAqi>& days) {
  const core::Date d1 = days.front().day;
  const core::Date first = core::add_days(d1, -cfg_.lookback_days);
  std::vector<DayAqi> out;
  if (first < d1) out = observed_days(engine_, area, first, d1);
  // A day before the forecast's day 1 without a valid observed daily AQI (today, < 20 hours so
  // far, or data missing): the last forecast of that day seen, if any.
  for (auto& d : out)
    if (std::isnan(d.aqi)) {
      auto& seen = seen_[area];
      auto it = seen.find(core::days_from_civil(d.date));
      if (it != seen.end()) d.aqi = it->second, d.kind = 'p';
    }
  for (const auto& f : days) {
    DayAqi d;
    d.date = f.day;
    d.aqi = f.aqi;
    d.kind = day_kind(f);
    out.push_back(d);
  }
  return out;
}

std::vector<json> WarningDesk::on_forecast(const std::vector<forecast::DailyAqi>& issue) {
  std::lock_guard lock(mutex_);
  std::map<std::string, std::vector<forecast::DailyAqi>> by_area;
  for (const auto& d : issue) by_area[d.area].push_back(d);
  std::vector<json> out;
  for (auto& [area, days] : by_area) {
    if (!city_.area(area)) continue;  // a station's forecast: warnings are for areas
    std::sort(days.begin(), days.end(), [](auto& a, auto& b) { return a.day < b.day; });
    // Consecutive days only (a forecast with a hole is cut at the hole).
    for (std::size_t i = 1; i < days.size(); ++i)
      if (core::days_from_civil(days[i].day) != core::days_from_civil(days[i - 1].day) + 1) {
        days.resize(i);
        break;
      }
    const auto tdays = trace_days(area, days);
    std::vector<double> aqi;
    std::string kinds;
    for (const auto& d : tdays) aqi.push_back(d.aqi), kinds += d.kind;
    const Trace t = Trace::of_days(core::beijing_midnight(tdays.front().date), aqi, kinds);
    const core::Instant at = std::clamp(floor_hour(days.front().issued), t.start, t.end() - core::kHour);
    const Level in_force = level_in_force(area);
    const Decision dec = decide(rules_, t, at, in_force);
    for (const auto& d : days) seen_[area][core::days_from_civil(d.day)] = d.aqi;

    const std::string key = kProposalPrefix + area;
    std::optional<json> open;
    if (auto h = history(key); !h.empty()) {
      json b = json::parse(h.back().body);
      if (b.value("status", "") == "open") b["id"] = h.back().id, open = b;
    }
    // The duty forecaster's consultation (会商) overrules the model: a proposal raised by a
    // consultation is changed or withdrawn only by a newer consultation (or taken by a step),
    // never by the next hourly model issue.
    if (open && from_consultation((*open)["forecast"]) && days.front().basis != kConsultationBasis) continue;
    const bool change = dec.action == Action::issue || dec.action == Action::raise || dec.action == Action::lower ||
                        dec.action == Action::lift;
    json body;
    if (change) {
      json fc = json::array(), obs = json::array();
      for (const auto& f : days)
        fc.push_back({{"day", core::format_date(f.day)}, {"lead_day", f.lead_day}, {"aqi", f.aqi},
                      {"aqi_low", f.aqi_low}, {"aqi_high", f.aqi_high}, {"primary", f.primary},
                      {"issued", core::format_iso(f.issued)}, {"basis", f.basis}, {"kind", f.kind.empty() ? "pm" : f.kind}});
      for (const auto& d : tdays)
        if (d.date < days.front().day)
          obs.push_back(json{{"day", core::format_date(d.date)},
                             {"aqi", std::isnan(d.aqi) ? json(nullptr) : json(std::lround(d.aqi))}});
      body = {{"type", "proposal"},
              {"status", "open"},
              {"area", area},
              {"area_name", area_json(area)["name"]},
              {"action", std::string(action_name(dec.action))},
              {"from", std::string(level_name(dec.in_force))},
              {"to", std::string(level_name(dec.level))},
              {"effective", core::format_iso(dec.effective)},
              {"basis", dec.episode ? dec.episode->basis : ""},
              {"kind", dec.episode ? dec.episode->kind : "pm"},
              {"rules", rules_.name},
              {"forecast", fc},
              {"observed", obs}};
      if (dec.episode)
        body["episode"] = {{"from", core::format_iso(dec.episode->from)}, {"to", core::format_iso(dec.episode->to)},
                           {"level", std::string(level_name(dec.episode->level))}, {"peak", dec.episode->peak}};
      if (open && (*open)["action"] == body["action"] && (*open)["to"] == body["to"] &&
          (*open)["effective"] == body["effective"])
        continue;  // the same proposal stands
    } else if (open) {
      body = *open;
      body.erase("id");
      body["status"] = "withdrawn";
      body["reason"] = "the new forecast no longer calls for it";
    } else {
      continue;
    }
    const std::int64_t id = append(key, "system", body);
    body["id"] = id;
    announce("warning.proposal", body);
    out.push_back(body);
  }
  return out;
}


std::vector<json> WarningDesk::consultation(const json& body) {
  if (!body.is_object()) throw core::Error("body", "is not a JSON object");
  const std::string area = text_field(body, "area", true);
  if (!city_.area(area)) throw core::Error("area", "'" + area + "' is not an area code of the city");
  if (!body.contains("days") || !body["days"].is_array() || body["days"].empty())
    throw core::Error("days", "give the forecast days: [{\"day\": \"2026-01-11\", \"aqi\": 230}, ...]");
  std::vector<forecast::DailyAqi> issue;
  for (std::size_t i = 0; i < body["days"].size(); ++i) {
    const json& d = body["days"][i];
    const std::string where = "days[" + std::to_string(i) + "]";
    if (!d.is_object()) throw core::Error(where, "must be an object {day, aqi}");
    forecast::DailyAqi f;
    f.area = area;
    const auto day = core::parse_date(text_field(d, "day", true));
    if (!day) throw core::Error(where + ".day", "is not a date YYYY-MM-DD");
    f.day = *day;
    auto aqi = [&](const char* key, int fallback) {
      if (!d.contains(key)) return fallback;
      if (!d[key].is_number() || d[key].get<double>() < 0 || d[key].get<double>() > 2000)
        throw core::Error(where + "." + key, "must be an AQI between 0 and 2000");
      return static_cast<int>(std::lround(d[key].get<double>()));
    };
    if (!d.contains("aqi")) throw core::Error(where + ".aqi", "is required");
    f.aqi = aqi("aqi", 0);
    f.aqi_low = aqi("aqi_low", f.aqi);
    f.aqi_high = aqi("aqi_high", f.aqi);
    if (f.aqi_low > f.aqi_high) throw core::Error(where + ".aqi_low", "is above aqi_high: the range must run low to high");
    if (f.aqi < f.aqi_low || f.aqi > f.aqi_high)
      throw core::Error(where + ".aqi", "lies outside its range aqi_low..aqi_high");
    f.primary = text_field(d, "primary", false);
    f.kind = lower(text_field(d, "kind", false));
    if (f.kind == "pm") f.kind.clear();
    if (!f.kind.empty() && f.kind != "dust")
      throw core::Error(where + ".kind", "'" + f.kind + "' is not a day kind: give \"dust\" for a dust day, or leave it out");
    f.lead_day = static_cast<int>(i) + 1;
    f.basis = kConsultationBasis;
    if (i > 0 && core::days_from_civil(f.day) != core::days_from_civil(issue.back().day) + 1)
      throw core::Error(where + ".day", "days must be consecutive");
    issue.push_back(f);
  }
  const core::Instant issued = body.contains("issued")
                                   ? parse_time("issued", body["issued"])
                                   : core::beijing_midnight(issue.front().day) - 4 * core::kHour;
  if (issued >= core::beijing_midnight(issue.back().day) + core::kDay)
    throw core::Error("issued", "is after the last forecast day");
  for (auto& f : issue) f.issued = issued;
  return on_forecast(issue);
}

// --- the steps of a warning ---

namespace {

struct StepInput {
  std::string who, note;
};

StepInput step_input(const json& body) {
  if (!body.is_object()) throw core::Error("body", "is not a JSON object");
  StepInput in;
  in.who = text_field(body, "user", true);
  if (core::trim(in.who).empty()) throw core::Error("user", "name the person taking this step");
  in.note = text_field(body, "note", false);
  return in;
}

}  // namespace

void WarningDesk::check_start(core::Instant start, const json* proposal) {
  core::Instant lo, hi;
  std::string against;
  if (proposal) {
    // Against the forecast: from the day it was issued to the end of its last day.
    const json& fc = (*proposal)["forecast"];
    lo = core::beijing_midnight(core::beijing_date(parse_time("forecast issued", fc.front()["issued"])));
    hi = core::beijing_midnight(*core::parse_date(fc.back()["day"].get<std::string>())) + core::kDay;
    against = "the forecast of the proposal";
  } else {
    // Against the clock: recorded up to lookback_days late, issued up to horizon_days ahead.
    const core::Instant t = now();
    lo = floor_hour(t) - static_cast<core::Instant>(cfg_.lookback_days) * core::kDay;
    hi = t + static_cast<core::Instant>(cfg_.horizon_days) * core::kDay;
    against = fmt::format("the clock (now - {} days .. now + {} days)", cfg_.lookback_days, cfg_.horizon_days);
  }
  if (start < lo || start >= hi)
    throw core::Error("start", fmt::format("{} lies outside {}: {} .. {}", core::format_iso(start), against,
                                           core::format_iso(lo), core::format_iso(hi)));
}

std::string WarningDesk::reason_above(Level level, Level called, const std::string& condition, const json& body) {
  const std::string reason = std::string(core::trim(text_field(body, "reason", false)));
  if (level <= called) return reason;
  if (reason.empty())
    throw core::Error("reason", fmt::format("{} is above what the rules call for ({}{}): state the reason",
                                            level_name(level), level_name(called),
                                            condition.empty() ? "" : ", " + condition));
  return reason;
}

std::vector<std::string> WarningDesk::area_list(const json& body) const {
  if (!body.contains("areas") || !body["areas"].is_array() || body["areas"].empty())
    throw core::Error("areas", "give the area codes the warning covers, e.g. [\"" + city_.city.id + "\"]");
  std::vector<std::string> areas;
  for (const auto& a : body["areas"]) {
    if (!a.is_string() || !city_.area(a.get<std::string>()))
      throw core::Error("areas", "'" + (a.is_string() ? a.get<std::string>() : a.dump()) + "' is not an area code of the city");
    if (std::find(areas.begin(), areas.end(), a.get<std::string>()) == areas.end()) areas.push_back(a.get<std::string>());
  }
  return areas;
}

void WarningDesk::check_free(const std::vector<std::string>& areas, const std::string& except) {
  for (const auto& r : journal(cfg_.notice_prefix + "-", true)) {
    const json b = json::parse(r.body);
    if (r.key != except && b.value("step", "") != "lift" && overlaps(areas_of(b), areas, city_.city.id))
      throw core::Error("areas", "warning " + r.key + " is in force for an area given: adjust or lift it instead");
  }
}

json WarningDesk::issue(const json& body) {
  std::lock_guard lock(mutex_);
  const StepInput in = step_input(body);
  const auto level = parse_level(text_field(body, "level", true));
  if (!level || *level == Level::none || !rules_.rule(*level))
    throw core::Error("level", "'" + body["level"].get<std::string>() + "' is not a level of " + rules_.name + " (" +
                                   rules_.levels_text() + ")");
  if (!body.contains("start")) throw core::Error("start", "is required");
  const core::Instant start = parse_time("start", body["start"]);
  const std::vector<std::string> areas = area_list(body);
  std::string kind = lower(text_field(body, "kind", false));
  if (!kind.empty() && kind != "pm" && kind != "o3" && kind != "dust" && kind != "cross_regional")
    throw core::Error("kind", "'" + kind + "' is not pm, o3, dust or cross_regional");
  const auto current = journal(cfg_.notice_prefix + "-", true);
  check_free(areas, "");
  // The basis: the open proposal of the first area (its forecast snapshot), unless given.
  json basis = body.contains("basis") ? body["basis"] : json(nullptr);
  std::optional<store::Record> proposal;
  for (const auto& a : areas)
    if (auto h = history(kProposalPrefix + a); !proposal && !h.empty() && json::parse(h.back().body).value("status", "") == "open")
      proposal = h.back();
  const json pbody = proposal ? json::parse(proposal->body) : json(nullptr);
  if (basis.is_null()) {
    if (proposal) {
      basis = pbody;
      basis["id"] = proposal->id;
    } else {
      basis = {{"type", "manual"}, {"note", "issued without a proposal: the duty officer's own judgement"}};
    }
  }
  // The kind of the episode the proposal was raised for (a dust or O3 episode keeps its kind).
  if (kind.empty()) kind = proposal ? lower(pbody.value("kind", "pm")) : "pm";
  check_start(start, proposal ? &pbody : nullptr);
  const Level called = proposal && pbody.value("action", "") != "lift" ? level_of(pbody["to"]) : Level::none;
  const std::string reason = reason_above(*level, called, proposal ? pbody.value("basis", "") : "", body);
  // The number: PREFIX-YEAR-NNN, counting this year's warnings.
  std::string number = text_field(body, "number", false);
  const int year = core::beijing_date(start).year;
  if (number.empty()) {
    int n = 0;
    const std::string prefix = fmt::format("{}-{}-", cfg_.notice_prefix, year);
    for (const auto& r : current)
      if (r.key.rfind(prefix, 0) == 0) n = std::max(n, std::atoi(r.key.c_str() + prefix.size()));
    number = fmt::format("{}{:03}", prefix, n + 1);
  } else {
    if (number.rfind(cfg_.notice_prefix + "-", 0) != 0)
      throw core::Error("number", "must start with '" + cfg_.notice_prefix + "-'");
    for (const auto& r : current)
      if (r.key == number) throw core::Error("number", "'" + number + "' is already used");
  }
  json b = {{"type", "step"},   {"step", "issue"}, {"number", number}, {"level", std::string(level_name(*level))},
            {"start", core::format_iso(start)}, {"end", nullptr}, {"areas", areas}, {"kind", kind},
            {"rules", rules_.name}, {"basis", basis}, {"note", in.note}};
  if (!reason.empty()) b["reason"] = reason, b["called_for"] = std::string(level_name(called));
  append(number, in.who, b);
  take_proposals(areas, number, in.who);
  json w = warning_json(number, history(number));
  announce("warning.issue", w);
  return w;
}

void WarningDesk::take_proposals(const std::vector<std::string>& areas, const std::string& number, const std::string& who) {
  std::set<std::string> keys;
  for (const auto& r : journal(kProposalPrefix, true)) {
    json p = json::parse(r.body);
    if (p.value("status", "") != "open" || !covers(areas, p.value("area", ""))) continue;
    p["status"] = "taken";
    p["warning"] = number;
    append(r.key, who, p);
    announce("warning.proposal", p);
  }
}

// The current state of warning `number` in force, or core::Error.
json WarningDesk::in_force_state(const std::string& number) {
  if (number.empty()) throw core::Error("number", "is required: the notice number of the warning");
  const auto h = history(number);
  if (h.empty()) throw core::Error("number", "no warning '" + number + "'");
  json b = json::parse(h.back().body);
  if (b.value("step", "") == "lift") throw core::Error("number", "warning " + number + " was lifted already");
  return b;
}

json WarningDesk::adjust(const json& body) {
  std::lock_guard lock(mutex_);
  const StepInput in = step_input(body);
  const std::string number = text_field(body, "number", true);
  json b = in_force_state(number);
  const Level before = level_of(b["level"]);
  Level level = before;
  if (body.contains("level")) {
    const auto l = parse_level(text_field(body, "level", true));
    if (!l || *l == Level::none || !rules_.rule(*l))
      throw core::Error("level", "'" + body["level"].get<std::string>() + "' is not a level of " + rules_.name + " (" +
                                     rules_.levels_text() + "); to end the warning, lift it");
    level = *l;
  }
  std::vector<std::string> areas = areas_of(b);
  if (body.contains("areas")) {
    areas = area_list(body);
    check_free(areas, number);
  }
  if (level == before && areas == areas_of(b)) throw core::Error("level", "nothing changes: give a new level or new areas");
  json basis = body.contains("basis") ? body["basis"] : json(nullptr);
  json open;  // the open proposal of its areas, if any
  for (const auto& a : areas)
    if (auto h = history(kProposalPrefix + a); open.is_null() && !h.empty()) {
      json p = json::parse(h.back().body);
      if (p.value("status", "") == "open") open = p, open["id"] = h.back().id;
    }
  if (basis.is_null()) basis = open;
  if (!basis.is_null()) b["basis"] = basis;
  // What the rules call for: the open proposal's level, else the level in force (raising above
  // it without a forecast that calls for it needs a stated reason).
  const Level called = !open.is_null() ? (open.value("action", "") == "lift" ? Level::none : level_of(open["to"])) : before;
  const std::string reason = level > before ? reason_above(level, called, open.is_null() ? "" : open.value("basis", ""), body) : "";
  b.erase("reason");
  b.erase("called_for");
  if (!reason.empty()) b["reason"] = reason, b["called_for"] = std::string(level_name(called));
  b["step"] = "adjust";
  b["change"] = level > before ? "raise" : level < before ? "lower" : "areas";
  b["from_level"] = std::string(level_name(before));
  b["level"] = std::string(level_name(level));
  b["areas"] = areas;
  b["note"] = in.note;
  append(number, in.who, b);
  take_proposals(areas, number, in.who);
  json w = warning_json(number, history(number));
  announce("warning.adjust", w);
  return w;
}

json WarningDesk::lift(const json& body) {
  std::lock_guard lock(mutex_);
  const StepInput in = step_input(body);
  const std::string number = text_field(body, "number", true);
  json b = in_force_state(number);
  const core::Instant start = parse_time("start", b["start"]);
  const core::Instant end = body.contains("end") ? parse_time("end", body["end"]) : std::max(start, floor_hour(now()));
  if (end < start) throw core::Error("end", "is before the warning's start " + b["start"].get<std::string>());
  // A lift at its own start would leave a warning that never was, and a lift cannot be undone.
  if (end == start)
    throw core::Error("end", "equals the warning's start " + b["start"].get<std::string>() +
                                 ": a warning ends after it starts (give the end, e.g. the hour it is lifted)");
  if (end > now() + static_cast<core::Instant>(cfg_.horizon_days) * core::kDay)
    throw core::Error("end", "is more than " + std::to_string(cfg_.horizon_days) +
                                 " days ahead, beyond the forecast: lift it when the forecast shows it");
  b["step"] = "lift";
  b["end"] = core::format_iso(end);
  b["note"] = in.note;
  b.erase("change");
  b.erase("from_level");
  append(number, in.who, b);
  take_proposals(areas_of(b), number, in.who);
  json w = warning_json(number, history(number));
  announce("warning.lift", w);
  return w;
}

json WarningDesk::measures_json(Level level, const std::vector<std::string>& areas, const std::string& kind,
                                core::Instant start, std::optional<core::Instant> end) {
  json m = {{"advice_only", rules_.advice_only_kind(kind)}, {"advice", cfg_.advice[static_cast<int>(level)]}};
  json counties = json::array();
  std::array<double, 4> total{};
  if (!rules_.advice_only_kind(kind)) {
    const bool whole_city = std::find(areas.begin(), areas.end(), city_.city.id) != areas.end();
    for (const auto& a : city_.areas) {
      if (a.level == "city" || (!whole_city && std::find(areas.begin(), areas.end(), a.id) == areas.end())) continue;
      json ents = json::array();
      std::array<double, 4> sub{};
      for (const auto& e : list_.enterprises) {
        if (e.county != a.id) continue;
        const Measure* me = e.measure_at(level);
        if (!me) continue;
        json cut = json::object();
        for (std::size_t i = 0; i < kCutPollutants.size(); ++i) cut[kCutPollutants[i]] = me->cut[i], sub[i] += me->cut[i];
        json ej = {{"id", e.id}, {"name", e.name}, {"example", e.example}, {"industry", e.industry}, {"lines", e.lines},
                   {"measure", {{"action", me->action}, {"percent", me->percent}, {"basis", me->basis},
                                {"text", me->text}, {"cut", cut}}}};
        ej["compliance"] = nullptr;
        if (e.monitor) {
          const double share = me->action == "stop" ? list_.stop_share : me->required_share();
          const core::Instant to = end ? *end : floor_hour(now()) + core::kHour;
          auto [mean, hours] = engine_.read([&](const engine::Engine& en) {
            const engine::HourlySeries* s = en.series(e.monitor->site, e.monitor->parameter);
            double sum = 0;
            int n = 0;
            if (s)
              for (core::Instant t = std::max(start, s->first()); t < std::min(to, s->end()); t += core::kHour)
                if (const double v = s->usable(t); !std::isnan(v)) sum += v, ++n;
            return std::pair<double, int>(n ? sum / n : std::nan(""), n);
          });
          const double limit = share * e.monitor->baseline;
          ej["compliance"] = {{"site", e.monitor->site},
                              {"parameter", e.monitor->parameter},
                              {"baseline", e.monitor->baseline},
                              {"required_share", share},
                              {"limit", limit},
                              {"hours", hours},
                              {"mean", hours ? json(mean) : json(nullptr)},
                              {"share", hours ? json(mean / e.monitor->baseline) : json(nullptr)},
                              {"status", hours == 0 ? "no data" : mean <= limit ? "below" : "above"}};
        }
        ents.push_back(ej);
      }
      if (ents.empty()) continue;
      json sc = json::object();
      for (std::size_t i = 0; i < kCutPollutants.size(); ++i) sc[kCutPollutants[i]] = sub[i], total[i] += sub[i];
      counties.push_back({{"county", a.id}, {"name", a.name}, {"enterprises", ents}, {"cut", sc}});
    }
  }
  json tc = json::object();
  for (std::size_t i = 0; i < kCutPollutants.size(); ++i) tc[kCutPollutants[i]] = total[i];
  m["counties"] = counties;
  m["cut"] = tc;
  return m;
}

json WarningDesk::warning_json(const std::string& number, const std::vector<store::Record>& steps) {
  json b = json::parse(steps.back().body);
  const Level level = level_of(b["level"]);
  json w = {{"number", number},
            {"in_force", b.value("step", "") != "lift"},
            {"level", b["level"]},
            {"level_zh", std::string(level_name_zh(level))},
            {"colour", std::string(level_colour(level))},
            {"start", b["start"]},
            {"end", b["end"]},
            {"kind", b["kind"]},
            {"rules", b["rules"]}};
  if (const auto note = cfg_.note_for(b.value("rules", "")); !note.empty()) w["rules_note"] = note;
  if (const RuleSet* r = cfg_.find(b.value("rules", ""))) w["rules_title"] = r->title;
  json areas = json::array();
  for (const auto& a : areas_of(b)) areas.push_back(area_json(a));
  w["areas"] = areas;
  w["basis"] = b["basis"];
  // The latest step's stated reason for a level above what the rules called for.
  for (auto r = steps.rbegin(); r != steps.rend(); ++r)
    if (const json s = json::parse(r->body); s.contains("reason")) {
      w["reason"] = s["reason"];
      w["called_for"] = s.value("called_for", "none");
      break;
    }
  json st = json::array();
  for (const auto& r : steps) {
    const json s = json::parse(r.body);
    json one = {{"id", r.id}, {"step", s["step"]}, {"at", core::format_iso(r.at)}, {"who", r.who},
                {"level", s["level"]}, {"areas", s["areas"]}, {"note", s.value("note", "")}};
    if (s.contains("change")) one["change"] = s["change"];
    if (s.contains("reason")) one["reason"] = s["reason"];
    if (s["step"] == "lift") one["end"] = s["end"];
    st.push_back(one);
  }
  w["steps"] = st;
  const std::optional<core::Instant> end =
      b["end"].is_string() ? std::optional<core::Instant>(parse_time("end", b["end"])) : std::nullopt;
  w["measures"] = measures_json(level, areas_of(b), b.value("kind", "pm"), parse_time("start", b["start"]), end);
  return w;
}

json WarningDesk::warnings() {
  std::lock_guard lock(mutex_);
  json in_force = json::array(), past = json::array();
  auto latest = journal(cfg_.notice_prefix + "-", true);
  std::sort(latest.begin(), latest.end(), [](auto& a, auto& b) { return a.id > b.id; });
  for (const auto& r : latest) {
    json w = warning_json(r.key, history(r.key));
    (w["in_force"].get<bool>() ? in_force : past).push_back(std::move(w));
  }
  json out = {{"rules", rules_.name}, {"rules_title", rules_.title}, {"in_force", in_force}, {"history", past}};
  if (const auto note = cfg_.note_for(rules_.name); !note.empty()) out["rules_note"] = note;
  return out;
}

json WarningDesk::proposals() {
  std::lock_guard lock(mutex_);
  json open = json::array();
  for (const auto& r : journal(kProposalPrefix, true)) {
    json p = json::parse(r.body);
    if (p.value("status", "") != "open") continue;
    p["id"] = r.id;
    p["at"] = core::format_iso(r.at);
    open.push_back(std::move(p));
  }
  json out = {{"rules", rules_.name}, {"proposals", open}};
  if (const auto note = cfg_.note_for(rules_.name); !note.empty()) out["rules_note"] = note;
  return out;
}

std::optional<json> WarningDesk::warning(const std::string& number) {
  std::lock_guard lock(mutex_);
  if (!number.empty()) {
    auto h = history(number);
    if (h.empty()) return std::nullopt;
    return warning_json(number, h);
  }
  auto latest = journal(cfg_.notice_prefix + "-", true);
  const store::Record* best = nullptr;
  Level best_level = Level::none;
  bool best_open = false;
  for (const auto& r : latest) {
    const json b = json::parse(r.body);
    const bool open = b.value("step", "") != "lift";
    const Level l = level_of(b["level"]);
    if (!best || (open && !best_open) || (open == best_open && (open ? (l > best_level || (l == best_level && r.id > best->id)) : r.id > best->id)))
      best = &r, best_level = l, best_open = open;
  }
  if (!best) return std::nullopt;
  return warning_json(best->key, history(best->key));
}

}  // namespace skyriver::alert
