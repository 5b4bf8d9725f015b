#include "assess/compensation_store.h"

#include <map>
#include <tuple>

namespace skyriver::assess {

std::vector<Sample> samples_from_store(store::Store& db, const Rules& rules, const Period& period,
                                       std::optional<store::Interval> interval) {
  store::Query q;
  for (const auto& s : rules.sections) q.sites.push_back(s.id);
  q.parameters = rules.factors;
  q.interval = interval;
  q.from = same_period_year_before(period).from;
  q.to = period.to;

  // The latest mark per key decides (a later "valid" lifts an earlier "invalid").
  using Key = std::tuple<std::string, std::string, core::Instant, store::Interval>;
  std::map<Key, std::string> last_mark;
  for (const auto& m : db.marks(q)) last_mark[{m.site, m.parameter, m.time, m.interval}] = m.mark;

  std::vector<Sample> out;
  db.scan(q, [&](const store::Observation& o) {
    Sample s;
    s.site = o.site;
    s.parameter = o.parameter;
    s.time = o.time;
    s.value = o.value;
    s.flag = o.flag;
    auto it = last_mark.find({o.site, o.parameter, o.time, o.interval});
    s.invalidated = it != last_mark.end() && it->second == "invalid";
    s.where = o.source;
    out.push_back(std::move(s));
  });
  return out;
}

}  // namespace skyriver::assess
