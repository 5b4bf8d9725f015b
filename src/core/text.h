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

}  // namespace skyriver::core
