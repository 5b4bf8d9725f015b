// The warning notice (重污染天气预警信息发布单) of one warning: number, level, start (and end when
// lifted), areas, the rule set and its status, the forecast it was based on, health advice and
// the curtailment measures in force by county (with their expected cuts), as a self-contained
// HTML page and as an XLSX workbook (libxlsxwriter). Entries marked example in the curtailment
// list carry the word EXAMPLE.
//
// Input: the warning as WarningDesk::warning() gives it (JSON; see docs/warning.md). A JSON null
// gives the notice "no warning in force". Pure functions of their input; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace skyriver::alert {

std::string notice_html(const nlohmann::json& warning, const std::string& city_name);
// Writes the workbook to `path`. Throws core::Error(path, why) when it cannot.
void notice_xlsx(const nlohmann::json& warning, const std::string& city_name, const std::string& path);
// The workbook as bytes (written to a private temporary file and read back).
std::string notice_xlsx_bytes(const nlohmann::json& warning, const std::string& city_name);

}  // namespace skyriver::alert
