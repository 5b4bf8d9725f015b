// SQL text pieces of the store (not part of the public interface): the query → WHERE
// translation over text-keyed tables (audit marks), the records query, and the text encoding
// of site attributes.
#pragma once

#include "store/store.h"

#include <map>
#include <string>
#include <vector>

namespace skyriver::store::detail {

// A WHERE clause (starting with " WHERE", or empty) over the columns site, parameter, interval,
// time, source_kind, received_at, with placeholders made by `ph(n)` for the n-th (1-based) parameter, and
// the values to bind, all as text.
struct Where {
  std::string sql;
  std::vector<std::string> args;
};

// The WHERE / ORDER BY / LIMIT of a records query over table `records`, and its values.
inline constexpr const char* kRecordCols = "id, kind, key, at, who, body";
Where records_clause(const RecordQuery& q, std::string (*ph)(int n));
Where where_clause(const Query& q, std::string (*ph)(int n), const std::string& time_col = "time");

// Attributes as "key=value" lines; '\\', '\n' and '=' in keys escaped with a backslash.
std::string encode_attributes(const std::map<std::string, std::string>& a);
std::map<std::string, std::string> decode_attributes(const std::string& s);

Interval interval_from_db(const std::string& s, const std::string& where);

}  // namespace skyriver::store::detail
