// The bureau's documents: the daily report (日报), the monthly bulletin (月度通报) and the annual
// report (年报) — each as JSON for other systems and as a Document (document.h) for HTML/XLSX.
//
// Monthly bulletin: the city and every configured district/county (code as in city.toml, in
// configuration order, every one present even without data): composite index, PM2.5, PM10,
// SO2, NO2, CO, O3-8h, good days / valid days and ratio, heavy-pollution days, the month's
// control targets with gap and met, the rank among districts/counties (composite index, complete
// figures only), the change against the same month last year, and the year to date (figures,
// annual targets, gaps, rank, change, remaining allowance); the water sections' classes of the
// month; the quarter's eco-compensation when the month ends a quarter (and rules and a store are
// given); the city's daily AQI of the month (the chart); notes listing every figure below its
// data minimum, every area without data and every target that is a default to be confirmed.
// JSON: {"kind":"month","month":"2019-07","areas":[{"code":"140200","name":"大同市","pm25":22,
//        "good_days":29,"valid_days":31,"composite":3.82,"rank":null,"targets":{...},"ytd":{...},
//        ...}, ...], "water":..., "compensation":..., "daily_aqi":[...], "notes":[...]}
// Daily report: each area's daily AQI, level, primary pollutant and concentrations, with the
// month and year so far against the targets. Annual report: the year's figures (the bulletin's
// year-to-date side through 31 December), GB 3095 annual compliance per pollutant (class 2),
// and the plan register (when given).
//
// REQUIRES: call inside Engine::read() (the builders read the engine). The store, when given,
// is used by this thread only for the call.
#pragma once

#include "assess/compensation.h"
#include "assess/plan.h"
#include "assess/targets.h"
#include "engine/engine.h"
#include "model/city.h"
#include "report/document.h"
#include "standards/water_rules.h"
#include "store/store.h"

#include <nlohmann/json.hpp>

namespace skyriver::report {

struct Sources {
  const engine::Engine& engine;
  const model::CityConfig& city;
  const assess::Targets& targets;
  store::Store* store = nullptr;                  // water sections, compensation, plan entries
  const assess::Rules* compensation = nullptr;    // quarter-end months
  standards::EvaluationRules water_rules = standards::default_rules();
  const assess::PlanConfig* plan = nullptr;       // annual report (entries from the store)
};

struct Report {
  nlohmann::json json;
  Document doc;
};

// "2019-07" -> (2019, 7); throws core::Error("--month", why).
std::pair<int, int> parse_month(std::string_view text);

// Throws core::Error(option, why) when [first, last] holds no valid daily air value of the city:
// a period in the future, or without data, gets a clear refusal rather than a blank document.
void require_air_data(const engine::Engine& e, const model::CityConfig& city, core::Date first, core::Date last,
                      const std::string& option);

Report month_report(const Sources& s, int year, int month);
Report day_report(const Sources& s, core::Date day);
Report year_report(const Sources& s, int year);

}  // namespace skyriver::report
