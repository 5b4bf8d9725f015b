// Reading the first worksheet of an XLSX workbook as rows of text cells, so that ledgers the
// bureau keeps in Excel import as they are (no "save as CSV" step).
//
// The workbook is a zip (libzip) of XML parts (expat): the first sheet named in
// xl/workbook.xml, its cells by column letter, shared and inline strings, numbers as written
// in the file (a date cell is Excel's serial day number: see excel_serial_date()).
// read_first_sheet() throws core::Error(where, why) for a file that is not a workbook or whose
// parts are broken. Pure function of the bytes; thread-safe.
#pragma once

#include "core/time.h"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace skyriver::ledger {

struct SheetRow {
  int number = 0;                  // the row number Excel shows (1-based)
  std::vector<std::string> cells;  // column A first; empty cells are ""
};

bool looks_like_xlsx(const std::string& bytes);  // a zip file ("PK\3\4")
// Each part (XML file inside the zip) may declare and inflate to at most max_part bytes: a
// ledger sheet of 10,000 rows is a few MiB, and the cap stops a zip bomb before it is allocated.
inline constexpr std::size_t kMaxSheetPart = 64u << 20;
std::vector<SheetRow> read_first_sheet(const std::string& bytes, const std::string& where,
                                       std::size_t max_part = kMaxSheetPart);

// Excel's serial day (1900 date system: 1 = 1900-01-01; Excel keeps Lotus' phantom 1900-02-29
// as 60, so serials from 61 on count from 1899-12-30 and 60 reads as 1900-03-01) as a date;
// nullopt unless `text` is a whole number of days in [1, 2958465] (9999-12-31).
std::optional<core::Date> excel_serial_date(const std::string& text);

}  // namespace skyriver::ledger
