// JSON shapes of the air standards' results, shared by the routes: an AQI result
// {aqi, level, category, color, primary[], iaqi{}}, daily records and period summaries.
#pragma once

#include "standards/aqi.h"
#include "standards/composite.h"
#include "standards/level_colour.h"

#include <nlohmann/json.hpp>

namespace skyriver::api {

using standards::colour_hex;  // "#00e400"; "#aaaaaa" when no level (standards/level_colour.h)
void put_aqi(nlohmann::json& j, standards::Edition e, const standards::AqiResult& r);
nlohmann::json primary_json(std::uint8_t bits);
nlohmann::json daily_json(const standards::DailyRecord& d);
nlohmann::json summary_json(const standards::PeriodSummary& s);
nlohmann::json change_json(const standards::PeriodChange& c);

}  // namespace skyriver::api
