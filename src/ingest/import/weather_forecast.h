// weather_forecast: the weather service's point forecasts, imported for the air-quality forecast
// (docs/import.md, docs/forecast.md).
//
//   place,issued,time,parameter,value[,unit]
//   140200,2019-12-31 20:00,2020-01-01 08:00,temp,-12.5,C
//
// place: a configured site id or area code (a forecast for an area serves every site in it that
// has none of its own). issued: when the weather service issued it; time: the hour the value is
// for (Beijing time, YYYY-MM-DD HH:MM; the value stands for the hour starting then), not before
// `issued`. parameter: a weather parameter of the registry (temp pres dewp rh rain wd wspm);
// unit optional, converted like the long format. Bad rows are rejected with file:line: reason.
//
// Stored in the records journal, kind "weather_forecast", key = place, at = issued, one record
// per (place, issue) holding every parameter (body: see to_record). Importing the same file
// again adds nothing; a changed forecast for the same (place, issue) is a new record that
// supersedes the old one (the journal keeps both).
#pragma once

#include "ingest/import/importer.h"

#include <map>
#include <string>
#include <vector>

namespace skyriver::ingest {

inline constexpr const char* kWeatherForecastKind = "weather_forecast";

struct PointForecast {
  std::string place;
  core::Instant issued = 0;
  std::string source;  // file name
  // parameter -> (hour start, value in the stored unit), ordered by time
  std::map<std::string, std::vector<std::pair<core::Instant, double>>> values;
};

store::Record to_record(const PointForecast& f);
// Throws core::Error("record <id>", why) on a malformed body.
PointForecast point_forecast_from(const store::Record& r);

// The import of `--format weather_forecast` (called by run_import).
ImportSummary import_weather_forecasts(const std::vector<std::string>& files, store::Store& db,
                                       const model::CityConfig& city, const ImportOptions& options);

}  // namespace skyriver::ingest
