// Small text helpers shared by every reader of files, options and packets.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skyriver::core {

// Splits one CSV record on commas. Double-quoted fields may hold commas and "" escapes.
// A trailing '\r' is dropped. (No embedded newlines: none of our formats use them.)
std::vector<std::string_view> split_csv(std::string_view line, std::vector<std::string>& unquoted);
std::vector<std::string> split_csv(std::string_view line);

std::string_view trim(std::string_view s);

// Text for HTML element content and attribute values: & < > " escaped.
std::string html_escape(std::string_view s);

// Strict number parsing: the whole (trimmed) text must be a finite decimal number.
std::optional<double> parse_number(std::string_view s);
std::optional<long long> parse_integer(std::string_view s);

// The one rule for text the platform stores (ledger fields, notes, reasons, plan notes): what
// every export keeps whole. Excel holds at most 32,767 characters (UTF-16 units) in a cell and
// silently writes an empty one beyond; a NUL cuts the text short in every C writer.
inline constexpr std::size_t kMaxStoredText = 32767;
// "" when `s` may be stored, else why not ("contains a NUL character", "is 60000 characters
// long; at most 32767 (Excel's cell limit)").
std::string stored_text_problem(std::string_view s);
// Ids of stored entries that appear in URLs (/api/tasks/{id}): [A-Za-z0-9_-]{1,64} and not a
// word a route uses beside ids (stats, import, export, new, all). "" when fine, else why.
std::string entry_id_problem(std::string_view id);

}  // namespace skyriver::core
