// Ledger: the bureau's 台账 of rectification tasks, enforcement cases and complaints (task.h),
// kept in the store's records journal (kind "task", key = task id): create and update each add
// a new record with who and when, so the full history of every entry stays; nothing is deleted.
//
// - create() validates (type, title, county as area id or name, state of the type, dates, the
//   stored-text rule of core/text.h for every text, a safe id, an existing alarm without a task)
//   and gives an id (T000001, ...) unless the entry brings its own. Bad values throw FieldError.
// - closing a rectification or a case dates it (closed_on = today unless given).
// - update() applies a patch {state, note, evidence, deadline, ...}: a state change must be a step
//   the type allows; `note` and `evidence` append.
// - import_sheet() reads a ledger sheet, XLSX (the first worksheet) or CSV (UTF-8), first row =
//   header with English or Chinese column names (see docs/sources.md); a bad row is reported as
//   "file:row: reason" (the row number Excel shows, or the CSV line) and skipped, the good rows
//   are stored in one transaction. export_xlsx() writes the ledger and its statistics.
// - stats(): tasks by batch (total, closed, closed share, overdue), cases, complaints
//   (concluded and feedback rates), per county.
//
// Thread-safe (one mutex around the store connection and the in-memory current state).
#pragma once

#include "ledger/task.h"
#include "ledger/xlsx_sheet.h"
#include "model/city.h"
#include "store/store.h"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace skyriver::ledger {

struct TaskFilter {
  std::string type, state, county, batch, department, alarm;
  std::optional<bool> overdue;
  std::size_t limit = 0;  // 0 = all
};

struct RowError {
  std::string where, why;  // "ledger.csv:7", "unknown county '某县'"
};

struct ImportReport {
  std::size_t rows = 0, created = 0;
  std::vector<RowError> errors;
};

class Ledger {
 public:
  Ledger(const model::CityConfig& city, const std::string& store_url);
  ~Ledger();

  // Called after each committed change (live stream).
  void on_change(std::function<void(const Task&, const std::string& change)> f);

  Task create(Task t, const std::string& who);
  Task update(const std::string& id, const nlohmann::json& patch, const std::string& who);
  std::optional<Task> find(const std::string& id) const;
  std::vector<Task> list(const TaskFilter& f, core::Date today) const;
  std::vector<store::Record> history(const std::string& id);

  // `name` is what row errors are reported under ("ledger.csv").
  ImportReport import_csv(const std::string& name, const std::string& text, const std::string& who);
  ImportReport import_sheet(const std::string& name, const std::string& bytes, const std::string& who);  // XLSX or CSV
  ImportReport import_file(const std::string& path, const std::string& who);
  // The workbook's bytes (sheets: tasks, statistics).
  std::string export_xlsx(core::Date today) const;
  nlohmann::json stats(core::Date today) const;

 private:
  ImportReport import_rows(const std::string& name, const std::vector<SheetRow>& rows, const std::string& who);
  // Throw FieldError naming the field (an id, text, county, state, date or alarm that is wrong).
  void validate(Task& t, const std::string& where) const;
  // The task's alarm must exist in the journal and have no task yet (none in the ledger, none in
  // `claimed`: alarms of earlier rows of the same import). Needs the lock.
  void check_alarm(const Task& t, const std::set<std::string>& claimed, const std::string& where) const;
  std::string next_id();
  void commit(std::vector<Task> tasks, const std::string& change, std::unique_lock<std::mutex>& lock);

  const model::CityConfig& city_;
  std::unique_ptr<store::Store> store_;
  mutable std::mutex mutex_;
  std::map<std::string, Task> tasks_;
  std::int64_t next_ = 1;
  std::vector<std::function<void(const Task&, const std::string&)>> listeners_;
};

// Beijing date of now (the platform's "today" for deadlines).
core::Date today_beijing();

}  // namespace skyriver::ledger
