// The national station list (CNEMC NewSiteList.csv, UTF-8): 监测点编码, 监测点名称, 城市, 经度,
// 纬度, 对照点, 省级行政区, 地级行政区. Used by the cnemc importer to register stations outside
// the configured city when asked (--all-stations).
#pragma once

#include "model/site.h"

#include <map>
#include <string>

namespace skyriver::ingest {

struct ListedStation {
  model::Site site;   // id, name (without the 停运/对照点 note), kind air, coordinates, flags
  model::Area area;   // the prefecture: id "cn:<地级行政区>", level city
};

// Throws core::Error(file:line, why) on a malformed file.
std::map<std::string, ListedStation> read_station_list(const std::string& file);

}  // namespace skyriver::ingest
