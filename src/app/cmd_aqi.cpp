// `skyriver aqi`: IAQI, AQI, level, category, colour and primary pollutant(s) of one set of
// concentrations, real-time (default) or daily (--daily), per HJ 633-2012 or -2026 (chosen by
// --date, or forced by --edition; default: today's Beijing date). Omitted pollutants are missing.
#include <nlohmann/json.hpp>

#include <ctime>
#include <iostream>
#include <map>
#include <optional>
#include <string>

#include "app/command.h"
#include "core/error.h"
#include "core/text.h"
#include "core/time.h"
#include "standards/aqi.h"

namespace {

using namespace skyriver;
using standards::Pollutant;

double concentration(const std::string& option, const std::string& text) {
  auto v = core::parse_number(text);
  if (!v) throw core::Error(option, "not a number: '" + text + "'");
  if (*v < 0) throw core::Error(option, "a concentration cannot be negative: " + text);
  return *v;
}

struct Options {
  std::string edition, date;
  bool daily = false, json = false;
  std::map<std::string, std::string> values;  // option name -> text
};

std::string primary_text(std::uint8_t m) {
  const std::string s = standards::codes_of(m, ", ");
  return s.empty() ? "-" : s;
}

int run(const Options& o) {
  standards::Edition e;
  if (!o.edition.empty()) {
    auto ed = standards::parse_edition(o.edition);
    if (!ed) throw core::Error("--edition", "must be 2012 or 2026, not '" + o.edition + "'");
    e = *ed;
  } else if (!o.date.empty()) {
    auto d = core::parse_date(o.date);
    if (!d) throw core::Error("--date", "not a date YYYY-MM-DD: '" + o.date + "'");
    e = standards::edition_for(*d);
  } else {
    e = standards::edition_for(core::beijing_date(core::Instant(std::time(nullptr))));
  }
  auto get = [&](const char* name) {
    auto it = o.values.find(name);
    return it == o.values.end() ? standards::kMissing : concentration(std::string("--") + name, it->second);
  };
  standards::AqiResult r;
  if (o.daily) {
    standards::DailyInput in{get("pm25"), get("pm10"), get("so2"), get("no2"), get("co"),
                             get("o3-8h"), get("o3")};
    r = standards::daily_aqi(e, in);
  } else {
    standards::HourlyInput in{get("pm25"), get("pm10"), get("so2"), get("no2"), get("co"),
                              get("o3"), get("o3-8h"), get("so2-24h")};
    r = standards::hourly_aqi(e, in);
  }
  const standards::LevelInfo* info = r.aqi ? &standards::level_info(e, r.level()) : nullptr;
  // HJ 633-2026 4.1.1: the AQI ranges 1..500, so sub-indices that are all 0 give AQI 1 (2012:
  // 0, Table 2 "0～50"). Say so, or a user reads the 1 as a rounding error.
  bool all_zero = r.aqi.has_value();
  for (Pollutant p : standards::kPollutants)
    if (auto v = r.iaqi[unsigned(p)]; v && *v != 0) all_zero = false;
  const std::string floor_note = all_zero && e == standards::Edition::e2026
                                     ? "every IAQI is 0; the AQI is 1 because HJ 633-2026 4.1.1 sets its range to 1-500"
                                     : "";

  if (o.json) {
    nlohmann::ordered_json j;
    j["edition"] = std::string(standards::edition_name(e));
    j["report"] = o.daily ? "daily" : "hourly";
    j["aqi"] = r.aqi ? nlohmann::ordered_json(*r.aqi) : nlohmann::ordered_json(nullptr);
    j["aqi_text"] = r.aqi ? std::to_string(*r.aqi) : "NA";
    j["level"] = r.level() ? nlohmann::ordered_json(r.level()) : nlohmann::ordered_json(nullptr);
    j["category"] = info ? nlohmann::ordered_json(std::string(info->category_zh)) : nullptr;
    j["category_en"] = info ? nlohmann::ordered_json(std::string(info->category_en)) : nullptr;
    j["colour"] = info ? nlohmann::ordered_json(std::string(info->colour_en)) : nullptr;
    j["rgb"] = info ? nlohmann::ordered_json({info->rgb[0], info->rgb[1], info->rgb[2]})
                    : nlohmann::ordered_json(nullptr);
    auto list = [](std::uint8_t m) {
      auto a = nlohmann::ordered_json::array();
      for (Pollutant p : standards::kPollutants)
        if (m & standards::bit(p)) a.push_back(std::string(standards::code(p)));
      return a;
    };
    j["primary"] = list(r.primary);
    if (e == standards::Edition::e2012) j["exceed"] = list(r.exceed);
    j["missing"] = list(r.missing);
    auto iq = nlohmann::ordered_json::object();
    for (Pollutant p : standards::kPollutants)
      if (auto v = r.iaqi[unsigned(p)]) iq[std::string(standards::code(p))] = *v;
    j["iaqi"] = iq;
    if (info) {
      j["health_effect"] = std::string(info->effect_zh);
      j["advice"] = std::string(info->advice_zh);
      j["health_effect_en"] = std::string(info->effect_en);
      j["advice_en"] = std::string(info->advice_en);
    }
    if (e == standards::Edition::e2026) {  // Table 2: groups for each pollutant with IAQI > 100
      auto g = nlohmann::ordered_json::object();
      for (Pollutant p : standards::kPollutants)
        if (auto v = r.iaqi[unsigned(p)]; v && *v > 100)
          g[std::string(standards::code(p))] = std::string(standards::sensitive_groups(p).zh);
      j["sensitive_groups"] = g;
    }
    if (!floor_note.empty()) j["note"] = floor_note;
    std::cout << j.dump() << "\n";
    return 0;
  }
  std::cout << "HJ 633-" << standards::edition_name(e) << (o.daily ? " daily" : " real-time")
            << " report\nIAQI:";
  for (Pollutant p : standards::kPollutants)
    if (auto v = r.iaqi[unsigned(p)]) std::cout << "  " << standards::code(p) << " " << *v;
  std::cout << "\n";
  if (!r.aqi) {
    std::cout << "AQI: NA (a pollutant is missing and the AQI " << r.max_iaqi
              << " is not above 100: HJ 633-2026 5.3)\n";
  } else {
    std::cout << "AQI: " << *r.aqi << "\nlevel: " << r.level() << " " << info->level_zh << " "
              << info->category_zh << " (" << info->category_en << ")\ncolour: " << info->colour_zh
              << " " << info->colour_en << " RGB(" << int(info->rgb[0]) << "," << int(info->rgb[1])
              << "," << int(info->rgb[2]) << ")\nprimary: " << primary_text(r.primary) << "\n";
    if (e == standards::Edition::e2012) std::cout << "exceedance: " << primary_text(r.exceed) << "\n";
    std::cout << "health: " << info->effect_zh << "\n        " << info->effect_en
              << "\nadvice: " << info->advice_zh << "\n        " << info->advice_en << "\n";
    if (e == standards::Edition::e2026)
      for (Pollutant p : standards::kPollutants)
        if (auto v = r.iaqi[unsigned(p)]; v && *v > 100)
          std::cout << "sensitive groups (" << standards::code(p)
                    << "): " << standards::sensitive_groups(p).zh << "\n";
  }
  if (r.missing) std::cout << "missing: " << primary_text(r.missing) << "\n";
  if (!floor_note.empty()) std::cout << "note: " << floor_note << "\n";
  return 0;
}

}  // namespace

static skyriver::app::Command aqi_command{
    "aqi", "compute IAQI and AQI (HJ 633-2012/2026) from concentrations", [](CLI::App& cmd) {
      auto o = std::make_shared<Options>();
      cmd.add_option("--edition", o->edition, "force the edition: 2012 or 2026");
      cmd.add_option("--date", o->date, "date of the data (YYYY-MM-DD): picks the edition");
      cmd.add_flag("--daily", o->daily, "daily report (24-h means, O3 daily max 8-h)");
      cmd.add_flag("--json", o->json, "one JSON object");
      const char* names[] = {"pm25", "pm10", "so2", "no2", "co", "o3", "o3-8h", "so2-24h"};
      const char* help[] = {"PM2.5 ug/m3", "PM10 ug/m3", "SO2 ug/m3", "NO2 ug/m3", "CO mg/m3",
                            "O3 1-h ug/m3 (daily 2012: daily max 1-h)",
                            "O3 8-h ug/m3 (daily: daily max 8-h)",
                            "SO2 24-h mean (2012 real-time, used when SO2 1-h > 800)"};
      for (int i = 0; i < 8; ++i) {
        std::string n = names[i];
        cmd.add_option_function<std::string>(
            "--" + n, [o, n](const std::string& v) { o->values[n] = v; }, help[i]);
      }
      return [o]() { return run(*o); };
    }};
