#include "store/catalog.h"

#include "core/error.h"
#include "store/sql_common.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace skyriver::store {

namespace {

constexpr core::Instant kGapPatience = 600;  // seconds a skipped id is looked for again

core::Instant now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

SourceParts split_source(std::string_view s) {
  std::size_t k = s.size();
  while (k > 0 && s[k - 1] >= '0' && s[k - 1] <= '9') --k;
  const std::size_t digits = s.size() - k;
  // Canonical numbers only, so that the join gives back the same text.
  if (digits == 0 || digits > 18 || (digits > 1 && s[k] == '0')) return {s, -1};
  std::int64_t n = 0;
  for (std::size_t i = k; i < s.size(); ++i) n = n * 10 + (s[i] - '0');
  return {s.substr(0, k), n};
}

std::string join_source(std::string_view text, std::int64_t number) {
  std::string out(text);
  if (number >= 0) out += std::to_string(number);
  return out;
}

std::size_t Catalog::KeyHash::hash(std::string_view s, std::string_view p, Interval i, std::string_view k) {
  std::size_t h = std::hash<std::string_view>()(s);
  h = h * 1000003 ^ std::hash<std::string_view>()(p);
  h = h * 1000003 ^ std::hash<std::string_view>()(k);
  return h * 31 + static_cast<std::size_t>(i);
}

void Catalog::add_series(std::int64_t id, SeriesKey k) {
  auto [it, fresh] = series_ids_.emplace(std::move(k), id);
  series_[id] = &it->first;
  series_gaps_.erase(id);
  if (id > max_series_) {
    const core::Instant now = now_s();
    for (std::int64_t g = max_series_ + 1; g < id; ++g) series_gaps_.emplace(g, now);
    max_series_ = id;
  }
}

void Catalog::add_text(std::int64_t id, std::string t) {
  auto [it, fresh] = text_ids_.emplace(std::move(t), id);
  texts_[id] = &it->first;
  text_gaps_.erase(id);
  if (id > max_text_) {
    const core::Instant now = now_s();
    for (std::int64_t g = max_text_ + 1; g < id; ++g) text_gaps_.emplace(g, now);
    max_text_ = id;
  }
}

void Catalog::read_series(const std::string& where, std::span<const Param> args) {
  db_.run("SELECT id, site, parameter, interval, source_kind FROM series" + where, args, [&](const Row& r) {
    if (series_.count(r.i64(0))) return;
    add_series(r.i64(0), SeriesKey{std::string(r.text(1)), std::string(r.text(2)),
                                   detail::interval_from_db(std::string(r.text(3)), db_.where()), std::string(r.text(4))});
  });
}

void Catalog::read_texts(const std::string& where, std::span<const Param> args) {
  db_.run("SELECT id, text FROM texts" + where, args, [&](const Row& r) {
    if (!texts_.count(r.i64(0))) add_text(r.i64(0), std::string(r.text(1)));
  });
}

void Catalog::refresh() {
  const auto& d = db_.dialect();
  auto gaps_clause = [&](auto& gaps) {
    std::string in;
    const core::Instant now = now_s();
    for (auto it = gaps.begin(); it != gaps.end();) {
      if (now - it->second > kGapPatience) {
        it = gaps.erase(it);
        continue;
      }
      in += (in.empty() ? "" : ",") + std::to_string(it->first);
      ++it;
    }
    return in.empty() ? std::string() : " OR id IN (" + in + ")";
  };
  Param a[] = {max_series_};
  read_series(" WHERE id > " + d.param(1) + gaps_clause(series_gaps_), a);
  Param b[] = {max_text_};
  read_texts(" WHERE id > " + d.param(1) + gaps_clause(text_gaps_), b);
}

std::int64_t Catalog::series_id(const Observation& o, bool create) {
  const SeriesView v{o.site, o.parameter, o.interval, o.source_kind};
  if (auto it = series_ids_.find(v); it != series_ids_.end()) return it->second;
  if (refresh_once()) {
    if (auto it = series_ids_.find(v); it != series_ids_.end()) return it->second;
  }
  const auto& d = db_.dialect();
  const std::string iv(to_string(o.interval));
  Param key[] = {std::string_view(o.site), std::string_view(o.parameter), std::string_view(iv),
                 std::string_view(o.source_kind)};
  const std::string cond = " WHERE site = " + d.param(1) + " AND parameter = " + d.param(2) +
                           " AND interval = " + d.param(3) + " AND source_kind = " + d.param(4);
  read_series(cond, key);  // written by another process?
  if (auto it = series_ids_.find(v); it != series_ids_.end()) return it->second;
  if (!create) return 0;
  db_.run("INSERT INTO series(site, parameter, interval, source_kind) VALUES(" + d.param(1) + "," + d.param(2) + "," +
              d.param(3) + "," + d.param(4) + ") ON CONFLICT DO NOTHING",
          key);
  read_series(cond, key);
  auto it = series_ids_.find(v);
  if (it == series_ids_.end()) throw core::Error(db_.where(), "series of " + o.site + " " + o.parameter + " not created");
  created_series_.push_back(it->second);
  return it->second;
}

std::int64_t Catalog::text_id(std::string_view t, bool create) {
  if (auto it = text_ids_.find(t); it != text_ids_.end()) return it->second;
  if (refresh_once()) {
    if (auto it = text_ids_.find(t); it != text_ids_.end()) return it->second;
  }
  const auto& d = db_.dialect();
  Param key[] = {t};
  read_texts(" WHERE text = " + d.param(1), key);
  if (auto it = text_ids_.find(t); it != text_ids_.end()) return it->second;
  if (!create) return 0;
  db_.run("INSERT INTO texts(text) VALUES(" + d.param(1) + ") ON CONFLICT DO NOTHING", key);
  read_texts(" WHERE text = " + d.param(1), key);
  auto it = text_ids_.find(t);
  if (it == text_ids_.end()) throw core::Error(db_.where(), "text '" + std::string(t) + "' not created");
  created_texts_.push_back(it->second);
  return it->second;
}

bool Catalog::refresh_once() {
  if (refreshed_) return false;
  refresh();
  refreshed_ = true;
  return true;
}

bool Catalog::resolve(std::span<const Observation> batch, std::span<StoredRow> rows, bool create) {
  refreshed_ = false;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const Observation& o = batch[i];
    StoredRow& r = rows[i];
    r.series = series_id(o, create);
    if (o.unit != last_unit_ || !last_unit_id_) {
      last_unit_id_ = text_id(o.unit, create);
      last_unit_ = o.unit;
    }
    r.unit = last_unit_id_;
    const SourceParts sp = split_source(o.source);
    if (sp.text != last_source_ || !last_source_id_) {
      last_source_id_ = text_id(sp.text, create);
      last_source_.assign(sp.text);
    }
    r.source = last_source_id_;
    r.line = sp.number;
    if (!r.series || !r.unit || !r.source) return false;
    r.time = o.time;
    r.value = o.value;
    r.flag = o.flag;
    r.received_at = o.received_at;
  }
  return true;
}

void Catalog::commit_created() { created_series_.clear(), created_texts_.clear(); }

void Catalog::forget_uncommitted() {
  for (std::int64_t id : created_series_)
    if (auto it = series_.find(id); it != series_.end()) {
      series_ids_.erase(*it->second);
      series_.erase(it);
    }
  for (std::int64_t id : created_texts_)
    if (auto it = texts_.find(id); it != texts_.end()) {
      text_ids_.erase(*it->second);
      texts_.erase(it);
    }
  created_series_.clear(), created_texts_.clear();
  last_unit_.clear(), last_source_.clear();
  last_unit_id_ = last_source_id_ = 0;
}

const SeriesKey& Catalog::series(std::int64_t id) {
  if (auto it = series_.find(id); it != series_.end()) return *it->second;
  Param a[] = {id};
  read_series(" WHERE id = " + db_.dialect().param(1), a);
  if (auto it = series_.find(id); it != series_.end()) return *it->second;
  throw core::Error(db_.where(), "observation of unknown series " + std::to_string(id));
}

const std::string& Catalog::text(std::int64_t id) {
  if (auto it = texts_.find(id); it != texts_.end()) return *it->second;
  Param a[] = {id};
  read_texts(" WHERE id = " + db_.dialect().param(1), a);
  if (auto it = texts_.find(id); it != texts_.end()) return *it->second;
  throw core::Error(db_.where(), "unknown text id " + std::to_string(id));
}

bool Catalog::selects_all(const Query& q) const {
  return q.sites.empty() && q.parameters.empty() && q.source_kinds.empty() && !q.interval;
}

std::vector<std::int64_t> Catalog::match(const Query& q) const {
  auto in = [](const std::vector<std::string>& list, const std::string& v) {
    return list.empty() || std::find(list.begin(), list.end(), v) != list.end();
  };
  std::vector<std::pair<const SeriesKey*, std::int64_t>> hits;
  for (const auto& [id, k] : series_)
    if ((!q.interval || k->interval == *q.interval) && in(q.sites, k->site) && in(q.parameters, k->parameter) &&
        in(q.source_kinds, k->source_kind))
      hits.emplace_back(k, id);
  std::sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) {
    const SeriesKey &x = *a.first, &y = *b.first;
    if (x.site != y.site) return x.site < y.site;
    if (x.parameter != y.parameter) return x.parameter < y.parameter;
    const auto xi = to_string(x.interval), yi = to_string(y.interval);  // the text order, as before
    if (xi != yi) return xi < yi;
    return x.source_kind < y.source_kind;
  });
  std::vector<std::int64_t> out;
  out.reserve(hits.size());
  for (const auto& h : hits) out.push_back(h.second);
  return out;
}

Observation Catalog::observation(const StoredRow& r) {
  const SeriesKey& k = series(r.series);
  Observation o;
  o.site = k.site;
  o.parameter = k.parameter;
  o.time = r.time;
  o.interval = k.interval;
  o.value = r.value;
  o.unit = text(r.unit);
  o.flag = r.flag;
  o.source_kind = k.source_kind;
  o.source = join_source(text(r.source), r.line);
  o.received_at = r.received_at;
  return o;
}

}  // namespace skyriver::store
