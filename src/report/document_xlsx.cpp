// write_xlsx(): the document as an Excel workbook (libxlsxwriter): one sheet per table (title,
// header, rows; numbers as numbers with their decimals, incomplete figures shaded), a sheet
// "逐日AQI" with the chart's data and a native column chart, and a sheet "说明" (the notes).
#include "report/document.h"

#include "core/error.h"

#include <xlsxwriter.h>

#include <map>
#include <set>

namespace skyriver::report {

void write_xlsx(const Document& d, const std::string& path) {
  lxw_workbook* wb = workbook_new(path.c_str());
  if (!wb) throw core::Error(path, "cannot create the workbook");
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* title = workbook_add_format(wb);
  format_set_bold(title);
  format_set_font_size(title, 13);
  lxw_format* head = workbook_add_format(wb);
  format_set_bold(head);
  format_set_bg_color(head, 0xEEF2F5);
  format_set_border(head, LXW_BORDER_THIN);
  format_set_text_wrap(head);
  // One number format per (decimals, mark).
  std::map<std::pair<int, std::string>, lxw_format*> formats;
  auto fmt_of = [&](int decimals, const std::string& mark) {
    auto& f = formats[{decimals, mark}];
    if (!f) {
      f = workbook_add_format(wb);
      format_set_border(f, LXW_BORDER_THIN);
      std::string nf = decimals > 0 ? "0." + std::string(std::size_t(decimals), '0') : "0";
      format_set_num_format(f, nf.c_str());
      if (mark == "incomplete") format_set_bg_color(f, 0xFCF8E3);
      if (mark == "bad") format_set_font_color(f, 0xC0392B);
      if (mark == "good") format_set_font_color(f, 0x1E8449);
    }
    return f;
  };
  std::set<std::string> used;
  int n = 0;
  for (const auto& t : d.tables) {
    std::string name = t.sheet.empty() ? "table" + std::to_string(n) : t.sheet.substr(0, 31);
    while (!used.insert(name).second) name = name.substr(0, 28) + std::to_string(++n);
    lxw_worksheet* ws = workbook_add_worksheet(wb, name.c_str());
    std::string heading = d.title + " " + d.subtitle;
    for (const std::string* extra : {&d.issue_no, &d.doc_no})
      if (!extra->empty()) heading += "　" + *extra;
    worksheet_write_string(ws, 0, 0, heading.c_str(), title);
    worksheet_write_string(ws, 1, 0, t.title.c_str(), bold);
    for (std::size_t c = 0; c < t.head.size(); ++c) worksheet_write_string(ws, 3, lxw_col_t(c), t.head[c].c_str(), head);
    lxw_row_t row = 4;
    for (const auto& r : t.rows) {
      for (std::size_t c = 0; c < r.size(); ++c) {
        const Cell& cell = r[c];
        if (cell.number) worksheet_write_number(ws, row, lxw_col_t(c), *cell.number, fmt_of(cell.decimals, cell.mark));
        else worksheet_write_string(ws, row, lxw_col_t(c), cell.text.c_str(), fmt_of(0, cell.mark));
      }
      ++row;
    }
    if (!t.note.empty()) worksheet_write_string(ws, row + 1, 0, t.note.c_str(), nullptr);
    worksheet_set_column(ws, 0, 0, 16, nullptr);
    worksheet_set_column(ws, 1, lxw_col_t(t.head.size() ? t.head.size() - 1 : 1), 11, nullptr);
    worksheet_freeze_panes(ws, 4, 1);
  }
  if (!d.chart.empty()) {
    const char* sheet = "逐日AQI";
    lxw_worksheet* ws = workbook_add_worksheet(wb, sheet);
    worksheet_write_string(ws, 0, 0, "日期", head);
    worksheet_write_string(ws, 0, 1, "AQI", head);
    lxw_row_t row = 1;
    for (const auto& p : d.chart) {
      worksheet_write_string(ws, row, 0, core::format_date(p.date).c_str(), nullptr);
      if (p.aqi) worksheet_write_number(ws, row, 1, *p.aqi, nullptr);
      ++row;
    }
    worksheet_set_column(ws, 0, 0, 12, nullptr);
    lxw_chart* ch = workbook_add_chart(wb, LXW_CHART_COLUMN);
    lxw_chart_series* s = chart_add_series(ch, nullptr, nullptr);
    chart_series_set_categories(s, sheet, 1, 0, row - 1, 0);
    chart_series_set_values(s, sheet, 1, 1, row - 1, 1);
    chart_series_set_name(s, "AQI");
    chart_title_set_name(ch, d.chart_title.c_str());
    chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
    worksheet_insert_chart(ws, 1, 3, ch);
  }
  if (!d.notes.empty()) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, "说明");
    worksheet_write_string(ws, 0, 0, "说明", head);
    lxw_row_t row = 1;
    for (const auto& note : d.notes) worksheet_write_string(ws, row++, 0, note.c_str(), nullptr);
    worksheet_set_column(ws, 0, 0, 120, nullptr);
  }
  const lxw_error err = workbook_close(wb);
  if (err != LXW_NO_ERROR) throw core::Error(path, std::string("cannot write the workbook: ") + lxw_strerror(err));
}

}  // namespace skyriver::report
