// The ledger's (台账) entries: rectification tasks from inspections, enforcement cases and
// complaints, one Task type with the fields of each, and the states each may pass through.
//
//   rectification (整改任务): open -> rectifying -> awaiting_acceptance -> closed (销号);
//                             awaiting_acceptance may go back to rectifying (acceptance refused)
//   case (执法案件):          filed (立案) -> decided (处罚决定) -> closed (结案)
//   complaint (信访投诉):     received -> handling -> concluded (办结); `feedback` = the
//                             complainant was told the result (反馈)
// A task is overdue when its deadline (Beijing date) has passed and it is not in its final state.
// Kept in the store's records journal (kind "task", key = id): each change is a new record with
// who and when; nothing is ever deleted.
#pragma once

#include "core/error.h"
#include "core/time.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace skyriver::ledger {

struct Note {
  core::Instant at = 0;
  std::string who, text;
};

struct Task {
  std::string id;
  std::string type;        // rectification | case | complaint
  std::string batch;       // inspection round, e.g. "第二轮中央生态环境保护督察" (any type may carry one)
  std::string title;       // the item / case / complaint text
  std::string county;      // Area::id responsible
  std::string department;  // responsible department / unit
  std::optional<core::Date> deadline;
  std::string state;
  std::vector<Note> notes;             // progress notes, in order
  std::vector<std::string> evidence;   // evidence files (names or links)
  std::string alarm;                   // the alarm this task was opened from
  std::string site, enterprise;        // what it concerns (optional)
  // enforcement case
  std::string case_no;
  std::optional<double> penalty_yuan;
  std::optional<core::Date> filed, decided, closed_on;
  // complaint
  std::string source;  // 12345 | 12369 | other
  std::optional<core::Date> received, concluded;
  bool feedback = false;
  // bookkeeping
  core::Instant created_at = 0, updated_at = 0;
  std::string created_by, updated_by;
};

inline constexpr const char* kTaskRecord = "task";

// A bad value of one field (the API answers 400 naming it). Other core::Errors of the ledger are
// conflicts with the entry's current state (a step its type does not allow, an id in use).
class FieldError : public core::Error {
 public:
  FieldError(std::string where, std::string field, std::string reason)
      : core::Error(std::move(where), field + ": " + reason), field_(std::move(field)), reason_(std::move(reason)) {}
  const std::string& field() const { return field_; }
  const std::string& reason() const { return reason_; }  // why() without the field's name

 private:
  std::string field_, reason_;
};

// The states of a type in order; the first is the initial one, the last the final one.
const std::vector<std::string>& states_of(const std::string& type);
bool known_type(const std::string& type);
// Whether `from` -> `to` is a step the type allows (see the header comment).
bool step_allowed(const std::string& type, const std::string& from, const std::string& to);
bool is_final(const Task& t);
bool overdue(const Task& t, core::Date today);

nlohmann::json to_json(const Task& t, std::optional<core::Date> today = std::nullopt);
// Throws core::Error("task", why) on a body that is not a task.
Task task_from_json(const nlohmann::json& j);

}  // namespace skyriver::ledger
