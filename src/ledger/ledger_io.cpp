// Ledger import (CSV or XLSX sheets with English or Chinese headers) and XLSX export (libxlsxwriter).
#include "core/error.h"
#include "core/text.h"
#include "ledger/ledger.h"
#include "ledger/xlsx_sheet.h"
#include "core/utf8.h"

#include <xlsxwriter.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <unistd.h>

namespace skyriver::ledger {

namespace {

// Column name (as written in a sheet) -> field.
const std::map<std::string, std::string>& aliases() {
  static const std::map<std::string, std::string> m{
      {"id", "id"},           {"编号", "id"},          {"type", "type"},          {"类型", "type"},
      {"batch", "batch"},     {"批次", "batch"},       {"title", "title"},        {"问题", "title"},
      {"事项", "title"},      {"内容", "title"},       {"county", "county"},      {"区县", "county"},
      {"department", "department"}, {"责任单位", "department"}, {"deadline", "deadline"}, {"整改时限", "deadline"},
      {"期限", "deadline"},   {"state", "state"},      {"状态", "state"},         {"case_no", "case_no"},
      {"案号", "case_no"},    {"penalty_yuan", "penalty_yuan"}, {"罚款金额", "penalty_yuan"}, {"filed", "filed"},
      {"立案日期", "filed"},  {"decided", "decided"},  {"处罚决定日期", "decided"}, {"closed_on", "closed_on"},
      {"结案日期", "closed_on"}, {"source", "source"}, {"来源", "source"},        {"received", "received"},
      {"受理日期", "received"}, {"concluded", "concluded"}, {"办结日期", "concluded"}, {"feedback", "feedback"},
      {"反馈", "feedback"},   {"note", "note"},        {"备注", "note"},          {"进展", "note"},
      {"evidence", "evidence"}, {"佐证材料", "evidence"}, {"site", "site"},       {"点位", "site"},
      {"enterprise", "enterprise"}, {"企业", "enterprise"}, {"alarm", "alarm"}};
  return m;
}

// Chinese words for types and states a sheet may use.
std::string normalise(const std::string& field, const std::string& v) {
  static const std::map<std::string, std::string> types{{"整改", "rectification"}, {"整改任务", "rectification"},
                                                        {"案件", "case"},           {"执法案件", "case"},
                                                        {"投诉", "complaint"},      {"信访", "complaint"},
                                                        {"信访投诉", "complaint"}};
  static const std::map<std::string, std::string> states{
      {"未整改", "open"},          {"整改中", "rectifying"}, {"待验收", "awaiting_acceptance"}, {"已销号", "closed"},
      {"销号", "closed"},          {"立案", "filed"},        {"已处罚", "decided"},             {"结案", "closed"},
      {"受理", "received"},        {"办理中", "handling"},   {"办结", "concluded"},             {"已办结", "concluded"}};
  const auto& m = field == "type" ? types : states;
  auto it = m.find(v);
  return it == m.end() ? v : it->second;
}

std::optional<core::Date> cell_date(const std::string& v, const std::string& col) {
  if (v.empty()) return std::nullopt;
  if (auto serial = excel_serial_date(v)) return serial;  // an Excel date cell
  std::string s = v;
  for (auto& c : s)
    if (c == '/' || c == '.') c = '-';
  // 2024-1-5 -> 2024-01-05
  int y, m, d;
  char tail;
  if (std::sscanf(s.c_str(), "%d-%d-%d%c", &y, &m, &d, &tail) == 3) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    s = buf;
  }
  auto out = core::parse_date(s);
  if (!out) throw std::runtime_error(col + ": '" + v + "' is not a date (YYYY-MM-DD)");
  return out;
}

Task row_task(const std::vector<std::string>& header, const std::vector<std::string>& cells) {
  Task t;
  for (std::size_t i = 0; i < header.size() && i < cells.size(); ++i) {
    const std::string& f = header[i];
    const std::string v(core::trim(cells[i]));
    if (f.empty() || v.empty()) continue;
    if (f == "id") t.id = v;
    else if (f == "type") t.type = normalise("type", v);
    else if (f == "batch") t.batch = v;
    else if (f == "title") t.title = v;
    else if (f == "county") t.county = v;
    else if (f == "department") t.department = v;
    else if (f == "deadline") t.deadline = cell_date(v, "deadline");
    else if (f == "state") t.state = normalise("state", v);
    else if (f == "case_no") t.case_no = v;
    else if (f == "penalty_yuan") {
      auto n = core::parse_number(v);
      if (!n) throw std::runtime_error("penalty_yuan: '" + v + "' is not a number");
      t.penalty_yuan = *n;
    } else if (f == "filed") t.filed = cell_date(v, "filed");
    else if (f == "decided") t.decided = cell_date(v, "decided");
    else if (f == "closed_on") t.closed_on = cell_date(v, "closed_on");
    else if (f == "source") t.source = v;
    else if (f == "received") t.received = cell_date(v, "received");
    else if (f == "concluded") t.concluded = cell_date(v, "concluded");
    else if (f == "feedback") {
      if (v == "是" || v == "yes" || v == "true" || v == "1" || v == "已反馈") t.feedback = true;
      else if (v == "否" || v == "no" || v == "false" || v == "0" || v == "未反馈") t.feedback = false;
      else throw std::runtime_error("feedback: '" + v + "' is not yes/no (是/否)");
    } else if (f == "note") t.notes.push_back({0, "", v});
    else if (f == "evidence") t.evidence.push_back(v);
    else if (f == "site") t.site = v;
    else if (f == "enterprise") t.enterprise = v;
    else if (f == "alarm") t.alarm = v;
  }
  return t;
}

}  // namespace

ImportReport Ledger::import_csv(const std::string& name, const std::string& text, const std::string& who) {
  std::vector<SheetRow> rows;
  std::istringstream in(text);
  std::string line;
  for (int lineno = 1; std::getline(in, line); ++lineno) {
    if (lineno == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // UTF-8 BOM (Excel)
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (core::trim(line).empty()) continue;
    rows.push_back({lineno, core::split_csv(line)});
  }
  return import_rows(name, rows, who);
}

ImportReport Ledger::import_sheet(const std::string& name, const std::string& bytes, const std::string& who) {
  if (!looks_like_xlsx(bytes)) return import_csv(name, bytes, who);
  ImportReport rep;
  try {
    return import_rows(name, read_first_sheet(bytes, name), who);
  } catch (const core::Error& e) {
    rep.errors.push_back({e.where(), e.why()});
  }
  return rep;
}

ImportReport Ledger::import_rows(const std::string& name, const std::vector<SheetRow>& rows, const std::string& who) {
  ImportReport rep;
  std::vector<std::string> header;
  std::vector<Task> good;
  std::set<std::string> ids, alarms;
  for (const SheetRow& row : rows) {
    const auto& cells = row.cells;
    if (std::all_of(cells.begin(), cells.end(), [](const std::string& c) { return core::trim(c).empty(); })) continue;
    const std::string where = name + ":" + std::to_string(row.number);
    if (header.empty()) {
      for (const auto& c : cells) {
        const std::string col(core::trim(c));
        auto it = aliases().find(col);
        if (it == aliases().end()) {
          rep.errors.push_back({where, "unknown column '" + core::clipped(col) + "'"});
          header.push_back("");
        } else {
          header.push_back(it->second);
        }
      }
      if (std::find(header.begin(), header.end(), "title") == header.end() ||
          std::find(header.begin(), header.end(), "type") == header.end() ||
          std::find(header.begin(), header.end(), "county") == header.end()) {
        rep.errors.push_back({where, "the header needs at least the columns type, title and county"});
        return rep;
      }
      continue;
    }
    ++rep.rows;
    try {
      if (cells.size() > header.size()) throw std::runtime_error(std::to_string(cells.size()) + " cells, the header has " +
                                                                 std::to_string(header.size()));
      Task t = row_task(header, cells);
      {
        std::lock_guard lock(mutex_);
        validate(t, where);
        if (!t.id.empty() && (tasks_.count(t.id) || ids.count(t.id)))
          throw std::runtime_error("id '" + t.id + "' already used");
        check_alarm(t, alarms, where);
      }
      if (!t.id.empty()) ids.insert(t.id);
      if (!t.alarm.empty()) alarms.insert(t.alarm);
      good.push_back(std::move(t));
    } catch (const core::Error& e) {
      rep.errors.push_back({where, e.why()});
    } catch (const std::exception& e) {
      rep.errors.push_back({where, e.what()});
    }
  }
  if (header.empty()) {
    rep.errors.push_back({name, "empty file: no header line"});
    return rep;
  }
  if (good.empty()) return rep;
  std::unique_lock lock(mutex_);
  const core::Instant now = std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::system_clock::now().time_since_epoch()).count();
  for (auto& t : good) {
    if (t.id.empty()) t.id = next_id();
    t.created_at = t.updated_at = now;
    t.created_by = t.updated_by = who;
    for (auto& n : t.notes) n.at = now, n.who = who;
  }
  rep.created = good.size();
  commit(std::move(good), "imported", lock);
  return rep;
}

ImportReport Ledger::import_file(const std::string& path, const std::string& who) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw core::Error(path, "cannot read");
  std::ostringstream s;
  s << in.rdbuf();
  return import_sheet(std::filesystem::path(path).filename().string(), s.str(), who);
}

std::string Ledger::export_xlsx(core::Date today) const {
  const auto tasks = list({}, today);
  const auto st = stats(today);
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("skyriver-ledger-" + std::to_string(::getpid()) + "-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)) + ".xlsx"))
                               .string();
  lxw_workbook* wb = workbook_new(path.c_str());
  if (!wb) throw core::Error(path, "cannot create the workbook");
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_worksheet* ws = workbook_add_worksheet(wb, "台账 tasks");
  const std::vector<std::string> cols{"id",       "type",       "batch",     "title",    "county",  "department",
                                      "deadline", "state",      "overdue",   "case_no",  "penalty_yuan", "filed",
                                      "decided",  "closed_on",  "source",    "received", "concluded", "feedback",
                                      "alarm",    "site",       "enterprise", "notes",   "evidence", "updated_at",
                                      "updated_by"};
  for (std::size_t c = 0; c < cols.size(); ++c) worksheet_write_string(ws, 0, lxw_col_t(c), cols[c].c_str(), bold);
  lxw_row_t row = 1;
  for (const auto& t : tasks) {
    auto j = to_json(t, today);
    std::string notes, evidence;
    for (const auto& n : t.notes) notes += (notes.empty() ? "" : "\n") + core::format_date(core::beijing_date(n.at)) + " " + n.who + ": " + n.text;
    for (const auto& e : t.evidence) evidence += (evidence.empty() ? "" : "\n") + e;
    j["notes"] = notes;
    j["evidence"] = evidence;
    for (std::size_t c = 0; c < cols.size(); ++c) {
      const auto& v = j[cols[c]];
      if (v.is_number()) worksheet_write_number(ws, row, lxw_col_t(c), v.get<double>(), nullptr);
      else if (v.is_boolean()) worksheet_write_string(ws, row, lxw_col_t(c), v.get<bool>() ? "yes" : "no", nullptr);
      else if (v.is_string()) worksheet_write_string(ws, row, lxw_col_t(c), v.get<std::string>().c_str(), nullptr);
    }
    ++row;
  }
  lxw_worksheet* ss = workbook_add_worksheet(wb, "统计 statistics");
  const char* sh[] = {"county", "name", "rectification", "closed", "closed_share", "overdue", "cases", "penalty_yuan",
                      "complaints", "concluded_rate", "feedback_rate"};
  for (int c = 0; c < 11; ++c) worksheet_write_string(ss, 0, c, sh[c], bold);
  row = 1;
  for (const auto& c : st["by_county"]) {
    auto num = [&](int col, const nlohmann::json& v) {
      if (v.is_number()) worksheet_write_number(ss, row, col, v.get<double>(), nullptr);
    };
    worksheet_write_string(ss, row, 0, c["county"].get<std::string>().c_str(), nullptr);
    worksheet_write_string(ss, row, 1, c["name"].get<std::string>().c_str(), nullptr);
    num(2, c["rectification"]["total"]);
    num(3, c["rectification"]["closed"]);
    num(4, c["rectification"]["closed_share"]);
    num(5, c["rectification"]["overdue"]);
    num(6, c["cases"]);
    num(7, c["penalty_yuan"]);
    num(8, c["complaints"]);
    num(9, c["concluded_rate"]);
    num(10, c["feedback_rate"]);
    ++row;
  }
  if (workbook_close(wb) != LXW_NO_ERROR) throw core::Error(path, "cannot write the workbook");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  std::filesystem::remove(path);
  return s.str();
}

}  // namespace skyriver::ledger
