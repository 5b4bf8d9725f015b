// The city configuration: a folder of TOML files (config/datong/) read once at start-up.
//
//   city.toml        the city and its districts / counties (areas)
//   parameters.toml  the parameter table (codes, names, units, HJ 212 codes, conversions)
//   air_stations.toml, water_sections.toml, outlets.toml (optional): the sites
//   sources.toml (optional): enterprises and their outlets with limits (model/sources.h); each
//                    outlet is also a site of kind "outlet" (MN and password for HJ 212)
//   other *.toml files belong to other parts of the platform and are not read here.
//
// load_city() validates every reference (site → area, area → parent, duplicate ids, unknown
// kinds, malformed coordinates, MNs used twice, ...) and reports ALL problems at once: it throws
// one core::Error whose where() is the folder and whose why() lists one "file: key: reason" per
// line.
#pragma once

#include "model/parameter.h"
#include "model/site.h"
#include "model/sources.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skyriver::model {

struct CityConfig {
  std::string dir;        // the folder it was loaded from
  Area city;              // the top area (level "city")
  std::vector<Area> areas;  // city first, then districts and counties
  std::vector<Site> sites;
  ParameterRegistry parameters;
  Sources sources;  // empty without sources.toml
  // city.toml [data] source_priority: which source an hour shows when several hold it, most
  // trusted first (engine::SourceRule; empty = the engine's default).
  std::vector<std::string> source_priority;
  // city.toml [assessment] min_site_share: the share of an area's sites that must hold a valid
  // value for the area's hour to be valid (standards::AreaConfig; absent = its default, 75 %).
  std::optional<double> min_site_share;

  const Site* site(std::string_view id) const;
  const Site* site_by_mn(std::string_view mn) const;
  const Area* area(std::string_view id) const;
  std::vector<const Site*> sites_of_kind(std::string_view kind) const;
};

CityConfig load_city(const std::string& dir);

}  // namespace skyriver::model
