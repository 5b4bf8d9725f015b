// write_xlsx(): the statement as an Excel workbook (libxlsxwriter) for the finance bureau:
// sheet "summary" (county nets and the city total) and sheet "lines" (every line).
#include "assess/compensation_report.h"

#include "core/error.h"

#include <xlsxwriter.h>

#include <vector>

namespace skyriver::assess {

void write_xlsx(const Statement& s, const std::string& path) {
  lxw_workbook* wb = workbook_new(path.c_str());
  if (!wb) throw core::Error(path, "cannot create the workbook");
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* money = workbook_add_format(wb);
  format_set_num_format(money, "0.00");

  lxw_worksheet* sum = workbook_add_worksheet(wb, "summary");
  worksheet_write_string(sum, 0, 0, (s.scheme + " " + s.period).c_str(), bold);
  worksheet_write_string(sum, 1, 0, ("unit: " + s.unit + (s.amounts_are_defaults ? " (default amounts, to be set by the city)" : "")).c_str(), nullptr);
  const char* sh[] = {"county code 区县代码", "county 区县", "deducted 扣缴", "rewarded 奖励", "net 净额"};
  for (int c = 0; c < 5; ++c) worksheet_write_string(sum, 3, c, sh[c], bold);
  int row = 4;
  for (const auto& c : s.counties) {
    worksheet_write_string(sum, row, 0, c.code.c_str(), nullptr);
    worksheet_write_string(sum, row, 1, c.name.c_str(), nullptr);
    worksheet_write_number(sum, row, 2, c.deducted, money);
    worksheet_write_number(sum, row, 3, c.rewarded, money);
    worksheet_write_number(sum, row, 4, c.net(), money);
    ++row;
  }
  worksheet_write_string(sum, row, 1, "city 全市", bold);
  worksheet_write_number(sum, row, 2, s.deducted, money);
  worksheet_write_number(sum, row, 3, s.rewarded, money);
  worksheet_write_number(sum, row, 4, s.net(), money);
  row += 2;
  for (const auto& n : s.notes) worksheet_write_string(sum, row++, 0, n.c_str(), nullptr);
  worksheet_set_column(sum, 0, 1, 22, nullptr);
  worksheet_set_column(sum, 2, 4, 14, nullptr);

  lxw_worksheet* ws = workbook_add_worksheet(wb, "lines");
  const std::vector<std::string> head = {"county 区县", "section 断面", "river 河流", "span 时段", "factor 因子",
                                         "kind 类型", "samples 样本数", "mean 均值", "target 目标",
                                         "inflow 入境断面", "inflow mean 入境均值", "reference 基准",
                                         "exceedance 超标倍数", "tier 档次", "clause 依据",
                                         "deducted 扣缴", "rewarded 奖励"};
  for (std::size_t c = 0; c < head.size(); ++c) worksheet_write_string(ws, 0, c, head[c].c_str(), bold);
  row = 1;
  auto opt = [&](int col, std::optional<double> v) {
    if (v) worksheet_write_number(ws, row, col, *v, nullptr);
  };
  for (const auto& l : s.lines) {
    worksheet_write_string(ws, row, 0, (l.county + " " + l.county_name).c_str(), nullptr);
    worksheet_write_string(ws, row, 1, (l.section + " " + l.section_name).c_str(), nullptr);
    worksheet_write_string(ws, row, 2, l.river.c_str(), nullptr);
    worksheet_write_string(ws, row, 3, l.span.c_str(), nullptr);
    worksheet_write_string(ws, row, 4, l.factor.c_str(), nullptr);
    worksheet_write_string(ws, row, 5, std::string(to_string(l.kind)).c_str(), nullptr);
    worksheet_write_number(ws, row, 6, l.samples, nullptr);
    opt(7, l.mean);
    opt(8, l.target);
    worksheet_write_string(ws, row, 9, l.inflow_section.c_str(), nullptr);
    opt(10, l.inflow_mean);
    opt(11, l.reference);
    opt(12, l.exceedance);
    if (l.tier) worksheet_write_number(ws, row, 13, l.tier, nullptr);
    worksheet_write_string(ws, row, 14, l.clause.c_str(), nullptr);
    worksheet_write_number(ws, row, 15, l.kind == LineKind::Deduction ? l.amount : 0, money);
    worksheet_write_number(ws, row, 16, l.kind == LineKind::Reward ? l.amount : 0, money);
    ++row;
  }
  worksheet_set_column(ws, 0, 2, 20, nullptr);
  worksheet_set_column(ws, 14, 14, 60, nullptr);
  const lxw_error err = workbook_close(wb);
  if (err != LXW_NO_ERROR) throw core::Error(path, std::string("cannot write the workbook: ") + lxw_strerror(err));
}

}  // namespace skyriver::assess
