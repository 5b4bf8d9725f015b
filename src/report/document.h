// A printable document (报告): a title block, tables, a chart of daily AQI and notes. The
// bulletins (bulletin.h) build one; the writers render it as HTML for reading and printing on
// A4 (Chinese, tables, the chart as inline SVG drawn on the server, no script) and as an Excel
// workbook for the finance and assessment offices (one sheet per table, a sheet for the chart's
// data, one for the notes).
//
// Contract: a Document is plain data; the writers are pure apart from their output. Cell text
// is written as given (the HTML writer escapes it). write_xlsx throws core::Error(path, why)
// when the file cannot be written.
#pragma once

#include "core/time.h"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace skyriver::report {

struct Cell {
  std::string text;               // as shown ("—" for none)
  std::optional<double> number;   // the value behind it, for the workbook (nullopt: text cell)
  int decimals = 0;
  std::string mark;               // "" | good | bad | incomplete (styling; explained in notes)
  static Cell of_text(std::string t, std::string mark = "") { return {std::move(t), std::nullopt, 0, std::move(mark)}; }
  static Cell of_number(std::optional<double> v, int decimals, std::string mark = "");
};

struct Table {
  std::string title, sheet;       // sheet: the workbook sheet name (Chinese, <= 31 characters, none of []:*?/\\)
  std::vector<std::string> head;
  std::vector<std::vector<Cell>> rows;
  std::string note;               // a line under the table
};

struct DayPoint {
  core::Date date;
  std::optional<int> aqi;
  std::string colour;             // #rrggbb of the AQI level
};

struct Document {
  std::string title, subtitle, issuer, issued;  // issued: the date written on the document
  std::string issue_no, doc_no;   // 期数 ("第11期") and 文号 ("同环发〔2019〕45号"); "" = not printed
  std::vector<Table> tables;
  std::string chart_title;
  std::vector<DayPoint> chart;    // empty: no chart
  std::vector<std::string> notes;
};

void write_html(const Document& d, std::ostream& out);
void write_xlsx(const Document& d, const std::string& path);

}  // namespace skyriver::report
