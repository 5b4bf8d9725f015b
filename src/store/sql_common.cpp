#include "store/sql_common.h"

#include "core/error.h"

namespace skyriver::store::detail {

Where where_clause(const Query& q, std::string (*ph)(int n), const std::string& time_col) {
  Where w;
  std::vector<std::string> conds;
  auto in_list = [&](const char* col, const std::vector<std::string>& vals) {
    if (vals.empty()) return;
    std::string c = std::string(col) + " IN (";
    for (std::size_t i = 0; i < vals.size(); ++i) {
      w.args.push_back(vals[i]);
      c += (i ? "," : "") + ph(static_cast<int>(w.args.size()));
    }
    conds.push_back(c + ")");
  };
  in_list("site", q.sites);
  in_list("parameter", q.parameters);
  in_list("source_kind", q.source_kinds);
  if (q.interval) {
    w.args.emplace_back(to_string(*q.interval));
    conds.push_back("interval = " + ph(static_cast<int>(w.args.size())));
  }
  if (q.from != std::numeric_limits<core::Instant>::min()) {
    w.args.push_back(std::to_string(q.from));
    conds.push_back(time_col + " >= " + ph(static_cast<int>(w.args.size())));
  }
  if (q.to != std::numeric_limits<core::Instant>::max()) {
    w.args.push_back(std::to_string(q.to));
    conds.push_back(time_col + " < " + ph(static_cast<int>(w.args.size())));
  }
  if (q.received_from != std::numeric_limits<core::Instant>::min()) {
    w.args.push_back(std::to_string(q.received_from));
    conds.push_back("received_at >= " + ph(static_cast<int>(w.args.size())));
  }
  for (std::size_t i = 0; i < conds.size(); ++i) w.sql += (i ? " AND " : " WHERE ") + conds[i];
  return w;
}

static std::string escape(const std::string& s, bool key) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (key && c == '=') out += "\\=";
    else out += c;
  }
  return out;
}

std::string encode_attributes(const std::map<std::string, std::string>& a) {
  std::string out;
  for (const auto& [k, v] : a) out += escape(k, true) + "=" + escape(v, false) + "\n";
  return out;
}

std::map<std::string, std::string> decode_attributes(const std::string& s) {
  std::map<std::string, std::string> out;
  std::string key, cur;
  bool in_key = true;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {
      char n = s[++i];
      cur += n == 'n' ? '\n' : n;
    } else if (c == '=' && in_key) {
      key = cur, cur.clear(), in_key = false;
    } else if (c == '\n') {
      if (!in_key) out[key] = cur;
      cur.clear(), key.clear(), in_key = true;
    } else {
      cur += c;
    }
  }
  return out;
}

Interval interval_from_db(const std::string& s, const std::string& where) {
  if (auto i = parse_interval(s)) return *i;
  throw core::Error(where, "unknown interval '" + s + "' in the store");
}

}  // namespace skyriver::store::detail

namespace skyriver::store::detail {

Where records_clause(const RecordQuery& q, std::string (*ph)(int n)) {
  if (q.kind.empty()) throw core::Error("records", "a records query needs a kind");
  Where w;
  auto arg = [&](std::string v) {
    w.args.push_back(std::move(v));
    return ph(static_cast<int>(w.args.size()));
  };
  std::string cond = " WHERE kind = " + arg(q.kind);
  if (q.key) cond += " AND key = " + arg(*q.key);
  if (!q.key_prefix.empty()) {  // substr, not LIKE: prefixes may hold % or _
    std::size_t chars = 0;  // both backends count characters, not bytes
    for (unsigned char c : q.key_prefix) chars += (c & 0xC0) != 0x80;
    cond += " AND substr(key, 1, " + std::to_string(chars) + ") = " + arg(q.key_prefix);
  }
  if (q.after_id > 0) cond += " AND id > " + arg(std::to_string(q.after_id));
  if (q.from != std::numeric_limits<core::Instant>::min()) cond += " AND at >= " + arg(std::to_string(q.from));
  if (q.to != std::numeric_limits<core::Instant>::max()) cond += " AND at < " + arg(std::to_string(q.to));
  if (q.latest_per_key)
    w.sql = " WHERE id IN (SELECT max(id) FROM records" + cond + " GROUP BY key)";
  else
    w.sql = cond;
  w.sql += q.newest_first ? " ORDER BY id DESC" : " ORDER BY id";
  if (q.limit > 0) w.sql += " LIMIT " + std::to_string(q.limit);
  return w;
}

}  // namespace skyriver::store::detail
