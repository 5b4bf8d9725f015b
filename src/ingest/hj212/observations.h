// A decoded data upload -> store observations of one site, through the parameter registry.
//
// Interval and time (HJ 212-2017 Table 4, C.x): 2011 real-time -> rtd at the sampling instant
// DataTime; 2051 minute, 2061 hourly, 2031 daily -> min/hour/day keyed by DataTime, which is
// the START of the period (the platform's convention too). 2025: 2111 (5-minute furnace
// temperature) -> min, 2052 (noise single measurement) -> rtd.
// Values: -Rtd for rtd, -Avg otherwise; -ZsRtd/-ZsAvg give the converted parameter <code>_zs
// (when the registry has it). -Min/-Max/-Cou are not stored as observations (kept in the raw
// archive). Flag: the reading's -Flag, N when absent.
// Codes: 2017/2025 frames through Parameter::hj212, 2005 frames through Parameter::hj212_old
// (then hj212). Units: the site's attribute "hj212_unit.<param>" or "hj212_unit" names the unit
// the data logger reports (e.g. "mg/m3"); converted with the registry's declared conversions
// when the parameter declares that unit, otherwise the value is taken as already stored-unit.
// Codes the registry does not know and values outside a parameter's possible range are not
// stored; they are returned in `skipped` (with the reason) for the log.
#pragma once

#include "ingest/hj212/readings.h"
#include "model/parameter.h"
#include "model/site.h"
#include "store/store.h"

#include <optional>
#include <string>
#include <vector>

namespace skyriver::hj212 {

std::optional<store::Interval> interval_of(std::string_view cn);

// HJ/T 212-2005 codes through the registry (Parameter::hj212_old -> Parameter::hj212).
OldCodeMap old_code_map(const model::ParameterRegistry& registry);

struct Converted {
  std::vector<store::Observation> observations;
  std::vector<std::string> skipped;  // "a99999: unknown code", "so2: 1e9 out of range"
};

Converted to_observations(const Packet& p, const DataBlock& d, const model::Site& site,
                          const model::ParameterRegistry& registry, core::Instant received_at);
// The same from the views form (decode.h Decoder, the ingest path): 2005 codes are mapped
// through the registry's hj212_old as above, and nothing is allocated per reading beyond the
// observations themselves.
Converted to_observations(const Header& h, const DataView& d, const model::Site& site,
                          const model::ParameterRegistry& registry, core::Instant received_at);

}  // namespace skyriver::hj212
