// Pollution sources (污染源): the enterprises the bureau supervises, their emission outlets and
// each outlet's limits per pollutant, as configured in config/<city>/sources.toml.
//
// An outlet is also a model::Site of kind "outlet" (id, MN and password for HJ 212, position,
// area = the enterprise's county), so the ingest server, the store and the engine treat it like
// any other site; Outlet here adds what only a source has: its enterprise, medium and limits.
//
// Units: a limit's concentration is in the parameter's stored outlet unit (mg/m3 for flue gas,
// mg/L for wastewater). For flue gas it applies to the 折算 (converted) concentration at the
// reference O2 `ref_o2` (%) when given (HJ 212-2017 App. D; standards/emission.h). Load caps from
// the discharge permit: `daily_kg` (kg per Beijing day), `annual_t` (t per calendar year).
// `range` is the instrument's upper measuring range (a value above it is a data-quality suspicion).
#pragma once

#include "core/time.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skyriver::model {

struct PollutantLimit {
  std::string parameter;                // platform code of the measured item: smoke, so2, nox, cod, nh3n
  std::optional<double> concentration;  // mg/m3 (gas) or mg/L (water); nullopt = monitored, no limit
  std::optional<double> ref_o2;         // % reference oxygen for 折算 (gas only)
  std::optional<double> daily_kg, annual_t;  // permit load caps
  std::optional<double> range;          // instrument upper range, in the concentration's unit
};

struct Outlet {
  std::string site;        // Site::id
  std::string enterprise;  // Enterprise::id
  std::string code;        // the permit's outlet code: DA001 (gas), DW001 (water)
  std::string name;
  std::string medium;      // gas | water
  std::vector<PollutantLimit> limits;

  const PollutantLimit* limit(std::string_view parameter) const;
  // The flow parameter of the medium: "flow" (flue gas, m3/s) or "flow_water" (L/s).
  std::string_view flow_parameter() const { return medium == "water" ? "flow_water" : "flow"; }
};

struct Enterprise {
  std::string id, name;
  std::string credit_code;  // 统一社会信用代码 (18 characters)
  std::string area;         // county / district (Area::id)
  std::string industry;
  std::string permit;       // 排污许可证编号
  std::optional<core::Date> permit_from, permit_to;  // validity
  bool example = false;     // a made-up entry marked EXAMPLE in the file
  std::vector<std::string> outlets;  // Site ids, in file order
};

struct Sources {
  std::vector<Enterprise> enterprises;
  std::vector<Outlet> outlets;

  const Enterprise* enterprise(std::string_view id) const;
  const Outlet* outlet(std::string_view site_id) const;
};

}  // namespace skyriver::model
