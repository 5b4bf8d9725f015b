#include "ingest/hj212/quarantine.h"

#include <nlohmann/json.hpp>

namespace skyriver::hj212 {

store::Record quarantine_record(const Quarantined& q) {
  const store::Observation& o = q.value;
  store::Record r;
  r.kind = "quarantine";
  r.key = o.site + "/" + o.parameter + "/" + core::format_iso(o.time);
  r.at = o.received_at;
  r.who = "hj212";
  r.body = nlohmann::json{{"site", o.site},
                          {"parameter", o.parameter},
                          {"time", core::format_iso(o.time)},
                          {"interval", std::string(store::to_string(o.interval))},
                          {"value", o.value},
                          {"unit", o.unit},
                          {"flag", std::string(1, o.flag)},
                          {"source_kind", o.source_kind},
                          {"source", o.source},
                          {"received_at", core::format_iso(o.received_at)},
                          {"reason", q.reason}}
               .dump();
  return r;
}

}  // namespace skyriver::hj212
