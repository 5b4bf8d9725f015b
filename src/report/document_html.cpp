// write_html(): the document as one self-contained HTML page, laid out for A4 portrait (print
// CSS: 15 mm margins, tables kept whole where possible), Chinese first. The chart is inline SVG
// drawn here (bars in the official AQI level colours, the AQI 100 and 200 lines), so the page
// needs no script and prints the same everywhere.
#include "report/document.h"

#include "core/text.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace skyriver::report {

Cell Cell::of_number(std::optional<double> v, int decimals, std::string mark) {
  if (!v || std::isnan(*v)) return {"—", std::nullopt, decimals, std::move(mark)};
  return {fmt::format("{:.{}f}", *v, decimals), v, decimals, std::move(mark)};
}

namespace {

std::string esc(const std::string& s) { return core::html_escape(s); }

constexpr const char* kStyle = R"(
@page { size: A4 portrait; margin: 15mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif;
       font-size: 10.5pt; color: #1d2a35; margin: 0 auto; max-width: 180mm; line-height: 1.45; }
header { text-align: center; border-bottom: 2px solid #b22; padding-bottom: 4mm; margin-bottom: 5mm; }
h1 { font-size: 18pt; margin: 2mm 0; color: #b22; letter-spacing: 1px; }
.sub { font-size: 11pt; }
.meta { font-size: 9pt; color: #456; }
h2 { font-size: 12.5pt; margin: 6mm 0 2mm; border-left: 4px solid #b22; padding-left: 2mm; }
table { width: 100%; border-collapse: collapse; font-size: 9pt; page-break-inside: auto; }
tr { page-break-inside: avoid; }
th, td { border: 1px solid #9aa7b2; padding: 1mm 1.4mm; text-align: center; }
th { background: #eef2f5; font-weight: 600; }
td:first-child, th:first-child { text-align: left; white-space: nowrap; }
table.wide { font-size: 7.5pt; }
table.wide th, table.wide td { padding: 0.6mm 0.8mm; }
td.bad { color: #c0392b; font-weight: 600; }
td.good { color: #1e8449; }
td.incomplete { color: #8a6d3b; background: #fcf8e3; }
.tnote { font-size: 8.5pt; color: #456; margin: 1mm 0 0; }
.chart { margin: 2mm 0; }
ol.notes { font-size: 9pt; padding-left: 6mm; }
footer { margin-top: 8mm; font-size: 8.5pt; color: #456; border-top: 1px solid #ccd; padding-top: 2mm; }
@media print { h2 { page-break-after: avoid; } .chart { page-break-inside: avoid; } }
)";

// Bar chart of the daily AQI, width 680 x height 220 user units (scaled to the page width).
void chart_svg(const Document& d, std::ostream& out) {
  const double W = 680, H = 220, left = 36, right = 8, top = 10, bottom = 28;
  const double plot_w = W - left - right, plot_h = H - top - bottom;
  int ymax = 200;
  for (const auto& p : d.chart)
    if (p.aqi) ymax = std::max(ymax, *p.aqi);
  ymax = int(std::ceil(ymax / 50.0)) * 50;
  auto y = [&](double v) { return top + plot_h * (1 - v / ymax); };
  const double step = plot_w / std::max<std::size_t>(d.chart.size(), 1);
  out << fmt::format(R"(<svg class="chart" viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">)",
                     W, H, esc(d.chart_title));
  out << "\n";
  for (int v = 0; v <= ymax; v += 50) {
    const bool rule = v == 100 || v == 200;
    out << fmt::format(R"(<line x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}" stroke="{}" stroke-width="{}"{}/>)", left, W - right, y(v), y(v),
                       rule ? "#c0392b" : "#dde3e8", rule ? 1 : 0.6, rule ? R"( stroke-dasharray="4 3")" : "");
    out << fmt::format(R"(<text x="{}" y="{:.1f}" font-size="9" text-anchor="end" fill="#456">{}</text>)", left - 4, y(v) + 3, v) << "\n";
  }
  for (std::size_t i = 0; i < d.chart.size(); ++i) {
    const auto& p = d.chart[i];
    const double x = left + i * step;
    if (p.aqi)
      out << fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}" stroke="#5a6b78" stroke-width="0.4"><title>{} AQI {}</title></rect>)",
                         x + step * 0.12, y(*p.aqi), step * 0.76, plot_h * *p.aqi / ymax, p.colour, core::format_date(p.date), *p.aqi);
    else
      out << fmt::format(R"(<text x="{:.1f}" y="{:.1f}" font-size="8" text-anchor="middle" fill="#999">–</text>)", x + step / 2, y(0) - 3);
    if (d.chart.size() <= 31 || p.date.day == 1)
      out << fmt::format(R"(<text x="{:.1f}" y="{:.1f}" font-size="8.5" text-anchor="middle" fill="#456">{}</text>)", x + step / 2, H - bottom + 12,
                         d.chart.size() <= 31 ? std::to_string(p.date.day) : std::to_string(p.date.month) + "月");
    out << "\n";
  }
  out << fmt::format(R"(<line x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}" stroke="#5a6b78"/>)", left, W - right, y(0), y(0));
  out << "</svg>\n";
}

}  // namespace

void write_html(const Document& d, std::ostream& out) {
  out << "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<link rel=\"icon\" href=\"data:,\">\n<title>" << esc(d.title) << " " << esc(d.subtitle)
      << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n<header>\n";
  if (!d.issuer.empty()) out << "<div class=\"meta\">" << esc(d.issuer) << "</div>\n";
  out << "<h1>" << esc(d.title) << "</h1>\n";
  // 期数 and 文号 under the title, as on the bureau's printed documents.
  if (!d.issue_no.empty() || !d.doc_no.empty())
    out << "<div class=\"meta\">" << esc(d.issue_no) << (d.issue_no.empty() || d.doc_no.empty() ? "" : "　") << esc(d.doc_no) << "</div>\n";
  out << "<div class=\"sub\">" << esc(d.subtitle) << "</div>\n";
  if (!d.issued.empty()) out << "<div class=\"meta\">" << esc(d.issued) << "</div>\n";
  out << "</header>\n";
  bool chart_done = d.chart.empty();
  for (std::size_t t = 0; t < d.tables.size(); ++t) {
    const Table& tb = d.tables[t];
    // Wide tables get a smaller type so that they fit the 180 mm of an A4 page.
    out << "<section>\n<h2>" << esc(tb.title) << "</h2>\n<table" << (tb.head.size() > 10 ? " class=\"wide\"" : "") << ">\n<thead><tr>";
    for (const auto& h : tb.head) out << "<th>" << esc(h) << "</th>";
    out << "</tr></thead>\n<tbody>\n";
    for (const auto& row : tb.rows) {
      out << "<tr>";
      for (const auto& c : row) out << (c.mark.empty() ? "<td>" : "<td class=\"" + c.mark + "\">") << esc(c.text) << "</td>";
      out << "</tr>\n";
    }
    out << "</tbody>\n</table>\n";
    if (!tb.note.empty()) out << "<p class=\"tnote\">" << esc(tb.note) << "</p>\n";
    out << "</section>\n";
    if (!chart_done && t == 0) {  // the chart follows the first (summary) table
      out << "<section>\n<h2>" << esc(d.chart_title) << "</h2>\n";
      chart_svg(d, out);
      out << "</section>\n";
      chart_done = true;
    }
  }
  if (!chart_done) {
    out << "<section>\n<h2>" << esc(d.chart_title) << "</h2>\n";
    chart_svg(d, out);
    out << "</section>\n";
  }
  if (!d.notes.empty()) {
    out << "<section>\n<h2>说明</h2>\n<ol class=\"notes\">\n";
    for (const auto& n : d.notes) out << "<li>" << esc(n) << "</li>\n";
    out << "</ol>\n</section>\n";
  }
  out << "<footer>由 skyriver 生成。统计依据 HJ 663、GB 3095、HJ 633；“—”表示无数据；标黄的数值未达到数据有效性要求，仅供参考，不参与排名。</footer>\n";
  out << "</body>\n</html>\n";
}

}  // namespace skyriver::report
