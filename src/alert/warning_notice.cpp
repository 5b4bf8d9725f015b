#include "alert/warning_notice.h"

#include "core/error.h"
#include "core/text.h"

#include <fmt/format.h>
#include <xlsxwriter.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>
#include <vector>

namespace skyriver::alert {

using json = nlohmann::json;

namespace {

// The notice as rows both renderers share: a title, label/value fields, and tables.
struct Table {
  std::string title;
  std::vector<std::string> head;
  std::vector<std::vector<std::string>> rows;
};
struct Notice {
  std::string title, colour;
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<Table> tables;
};

std::string s(const json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return "";
  return j[key].is_string() ? j[key].get<std::string>() : j[key].dump();
}

std::string num(const json& v) {
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number()) return fmt::format("{:g}", v.get<double>());
  return v.is_string() ? v.get<std::string>() : "";
}

std::string kind_text(const std::string& k) {
  if (k == "o3") return "臭氧污染过程 O3 episode";
  if (k == "dust") return "沙尘过程 dust episode";
  if (k == "cross_regional") return "跨区域传输过程 cross-regional episode";
  return "颗粒物污染过程 PM episode";
}

std::string basis_text(const std::string& b) {
  if (b == "raw_material") return "原料 raw material";
  if (b == "fuel") return "燃料 fuel";
  if (b == "electricity") return "用电量 electricity";
  if (b == "output") return "产量 output";
  return b;
}

Notice build(const json& w, const std::string& city) {
  Notice n;
  n.title = city + "重污染天气预警信息发布单";
  if (w.is_null()) {
    n.fields.push_back({"状态", "当前无重污染天气预警"});  // a notice meant for the public: Chinese only
    return n;
  }
  n.colour = s(w, "colour");
  n.fields.push_back({"编号 number", s(w, "number")});
  n.fields.push_back({"预警级别 level", s(w, "level_zh") + "预警 (" + s(w, "level") + ")"});
  n.fields.push_back({"状态 status", w.value("in_force", false) ? "生效中 in force" : "已解除 lifted"});
  n.fields.push_back({"启动时间 start", s(w, "start")});
  n.fields.push_back({"解除时间 end", w["end"].is_string() ? s(w, "end") : "—"});
  std::string areas;
  for (const auto& a : w["areas"]) areas += (areas.empty() ? "" : "、") + s(a, "name") + " (" + s(a, "code") + ")";
  n.fields.push_back({"预警范围 areas", areas});
  n.fields.push_back({"过程类型 kind", kind_text(s(w, "kind"))});
  std::string rules = s(w, "rules");
  if (!s(w, "rules_title").empty()) rules += " " + s(w, "rules_title");
  if (!s(w, "rules_note").empty()) rules += " — " + s(w, "rules_note");
  n.fields.push_back({"分级标准 rule set", rules});
  const json& basis = w["basis"];
  if (basis.is_object()) {
    if (!s(basis, "basis").empty()) {
      // A level above the proposal's: the condition met is the proposal's level's, said so.
      const std::string to = s(basis, "to");
      if (!to.empty() && to != s(w, "level") && w.contains("reason"))
        n.fields.push_back({"启动条件 condition met", s(basis, "basis") + " (" + to + ", 规则所指级别 the level the rules call for)"});
      else
        n.fields.push_back({"启动条件 condition met", s(basis, "basis")});
    }
    if (basis.value("type", "") == "manual") n.fields.push_back({"发布依据 basis", s(basis, "note")});
    if (w.contains("reason"))
      n.fields.push_back({"高于规则级别的理由 reason for a level above the rules (rules call for " +
                              w.value("called_for", "none") + ")",
                          s(w, "reason")});
    if (basis.contains("forecast") && basis["forecast"].is_array()) {
      Table t{"预报依据 forecast basis", {"日期 day", "AQI", "范围 range", "首要污染物 primary", "发布时间 issued"}, {}};
      for (const auto& f : basis["forecast"])
        t.rows.push_back({s(f, "day"), num(f["aqi"]), num(f["aqi_low"]) + "–" + num(f["aqi_high"]), s(f, "primary"),
                          s(f, "issued")});
      n.tables.push_back(std::move(t));
    }
  }
  const json& m = w["measures"];
  if (!s(m, "advice").empty()) n.fields.push_back({"健康防护提示 health advice", s(m, "advice")});
  if (m.value("advice_only", false)) {
    n.fields.push_back({"减排措施 measures", "本过程仅发布健康防护提示，不启动减排措施 (health advice only, no curtailment)"});
  } else {
    Table t{"减排措施（按区县） measures in force by county",
            {"区县 county", "企业 enterprise", "生产线/排口 lines", "措施 measure", "核算基准 basis", "限产比例 cut %",
             "PM kg/d", "SO2 kg/d", "NOx kg/d", "VOCs kg/d"},
            {}};
    for (const auto& c : m["counties"]) {
      for (const auto& e : c["enterprises"]) {
        std::string lines;
        for (const auto& l : e["lines"]) lines += (lines.empty() ? "" : "; ") + l.get<std::string>();
        const json& me = e["measure"];
        std::string name = s(e, "name");
        if (e.value("example", false) && name.rfind("EXAMPLE", 0) != 0) name = "EXAMPLE " + name;
        t.rows.push_back({s(c, "name"), name, lines,
                          (s(me, "action") == "stop" ? "停产 stop: " : "限产 limit: ") + s(me, "text"),
                          basis_text(s(me, "basis")), num(me["percent"]), num(me["cut"]["pm"]), num(me["cut"]["so2"]),
                          num(me["cut"]["nox"]), num(me["cut"]["vocs"])});
      }
      t.rows.push_back({s(c, "name") + " 小计 subtotal", "", "", "", "", "", num(c["cut"]["pm"]), num(c["cut"]["so2"]),
                        num(c["cut"]["nox"]), num(c["cut"]["vocs"])});
    }
    t.rows.push_back({"合计 total", "", "", "", "", "", num(m["cut"]["pm"]), num(m["cut"]["so2"]), num(m["cut"]["nox"]),
                      num(m["cut"]["vocs"])});
    n.tables.push_back(std::move(t));
  }
  Table steps{"记录 record of steps", {"时间 at", "步骤 step", "级别 level", "经办人 who", "说明 note"}, {}};
  for (const auto& st : w["steps"])
    steps.rows.push_back({s(st, "at"), s(st, "step") + (st.contains("change") ? " (" + s(st, "change") + ")" : ""),
                          s(st, "level"), s(st, "who"), s(st, "note")});
  n.tables.push_back(std::move(steps));
  return n;
}

std::string esc(const std::string& x) { return core::html_escape(x); }

}  // namespace

std::string notice_html(const json& warning, const std::string& city_name) {
  const Notice n = build(warning, city_name);
  std::ostringstream o;
  o << "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" << esc(n.title)
    << "</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1100px}"
       "h1{font-size:1.4em;padding:.4em .6em;color:#fff;background:"
    << (n.colour.empty() ? "#555" : n.colour)
    << "}table{border-collapse:collapse;margin:1em 0;width:100%}td,th{border:1px solid #999;padding:.3em .5em;"
       "text-align:left;vertical-align:top}th{background:#eee}.f th{width:14em}</style></head><body>\n<h1>"
    << esc(n.title) << "</h1>\n<table class=\"f\">\n";
  for (const auto& [k, v] : n.fields) o << "<tr><th>" << esc(k) << "</th><td>" << esc(v) << "</td></tr>\n";
  o << "</table>\n";
  for (const auto& t : n.tables) {
    o << "<h2>" << esc(t.title) << "</h2>\n<table>\n<tr>";
    for (const auto& h : t.head) o << "<th>" << esc(h) << "</th>";
    o << "</tr>\n";
    for (const auto& r : t.rows) {
      o << "<tr>";
      for (const auto& c : r) o << "<td>" << esc(c) << "</td>";
      o << "</tr>\n";
    }
    o << "</table>\n";
  }
  o << "</body></html>\n";
  return o.str();
}

void notice_xlsx(const json& warning, const std::string& city_name, const std::string& path) {
  const Notice n = build(warning, city_name);
  lxw_workbook* wb = workbook_new(path.c_str());
  if (!wb) throw core::Error(path, "cannot create the workbook");
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* wrap = workbook_add_format(wb);
  format_set_text_wrap(wrap);
  format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
  lxw_worksheet* ws = workbook_add_worksheet(wb, "notice");
  lxw_format* title = workbook_add_format(wb);
  format_set_bold(title);
  format_set_font_size(title, 14);
  worksheet_write_string(ws, 0, 0, n.title.c_str(), title);
  lxw_row_t row = 2;
  for (const auto& [k, v] : n.fields) {
    worksheet_write_string(ws, row, 0, k.c_str(), bold);
    worksheet_write_string(ws, row, 1, v.c_str(), wrap);
    ++row;
  }
  for (const auto& t : n.tables) {
    ++row;
    worksheet_write_string(ws, row++, 0, t.title.c_str(), bold);
    for (std::size_t c = 0; c < t.head.size(); ++c)
      worksheet_write_string(ws, row, static_cast<lxw_col_t>(c), t.head[c].c_str(), bold);
    ++row;
    for (const auto& r : t.rows) {
      for (std::size_t c = 0; c < r.size(); ++c) {
        char* end = nullptr;
        const double v = r[c].empty() ? 0 : std::strtod(r[c].c_str(), &end);
        if (!r[c].empty() && end && *end == '\0' && c >= 5)
          worksheet_write_number(ws, row, static_cast<lxw_col_t>(c), v, nullptr);
        else
          worksheet_write_string(ws, row, static_cast<lxw_col_t>(c), r[c].c_str(), wrap);
      }
      ++row;
    }
  }
  worksheet_set_column(ws, 0, 0, 24, nullptr);
  worksheet_set_column(ws, 1, 1, 40, nullptr);
  worksheet_set_column(ws, 2, 3, 30, nullptr);
  worksheet_set_column(ws, 4, 9, 14, nullptr);
  if (workbook_close(wb) != LXW_NO_ERROR) throw core::Error(path, "cannot write the workbook");
}

std::string notice_xlsx_bytes(const json& warning, const std::string& city_name) {
  char name[] = "/tmp/skyriver-notice-XXXXXX";
  const int fd = ::mkstemp(name);
  if (fd < 0) throw core::Error("notice", "cannot create a temporary file");
  ::close(fd);
  try {
    notice_xlsx(warning, city_name, name);
  } catch (...) {
    std::filesystem::remove(name);
    throw;
  }
  std::ifstream in(name, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(name);
  return bytes;
}

}  // namespace skyriver::alert
