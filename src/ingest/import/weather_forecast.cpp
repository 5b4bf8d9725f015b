#include "ingest/import/weather_forecast.h"

#include "core/error.h"
#include "core/text.h"
#include "ingest/import/line_reader.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>

namespace skyriver::ingest {

namespace {

constexpr std::size_t kRejectsShown = 20;

std::optional<core::Instant> parse_time(std::string_view s) {
  const auto c = core::parse_civil(core::trim(s));
  if (!c || c->minute != 0 || c->second != 0) return std::nullopt;
  return core::from_beijing(*c);
}

}  // namespace

store::Record to_record(const PointForecast& f) {
  nlohmann::json values = nlohmann::json::object();
  for (const auto& [param, series] : f.values) {
    nlohmann::json times = nlohmann::json::array(), vals = nlohmann::json::array();
    for (const auto& [t, v] : series) times.push_back(core::format_iso(t)), vals.push_back(v);
    values[param] = {{"time", times}, {"value", vals}};
  }
  store::Record r;
  r.kind = kWeatherForecastKind;
  r.key = f.place;
  r.at = f.issued;
  r.who = "import";
  r.body = nlohmann::json{{"place", f.place}, {"issued", core::format_iso(f.issued)}, {"source", f.source}, {"values", values}}
               .dump();
  return r;
}

PointForecast point_forecast_from(const store::Record& r) {
  PointForecast f;
  f.place = r.key;
  f.issued = r.at;
  try {
    const auto j = nlohmann::json::parse(r.body);
    f.source = j.value("source", "");
    for (const auto& [param, s] : j.at("values").items()) {
      auto& out = f.values[param];
      const auto& times = s.at("time");
      const auto& vals = s.at("value");
      for (std::size_t i = 0; i < times.size() && i < vals.size(); ++i) {
        const auto c = core::parse_civil(times[i].get<std::string>().substr(0, 19));
        if (!c) throw core::Error("record " + std::to_string(r.id), "bad time");
        out.emplace_back(core::from_beijing(*c), vals[i].get<double>());
      }
    }
  } catch (const nlohmann::json::exception& e) {
    throw core::Error("record " + std::to_string(r.id), std::string("malformed weather forecast: ") + e.what());
  }
  return f;
}

ImportSummary import_weather_forecasts(const std::vector<std::string>& files, store::Store& db,
                                       const model::CityConfig& city, const ImportOptions& options) {
  check_input_files(files);
  ImportSummary sum;
  std::unique_ptr<std::ofstream> rejects = open_rejects_file(options);
  auto reject = [&](const std::string& where, const std::string& why) {
    ++sum.rejected;
    if (sum.rejects.size() < kRejectsShown) sum.rejects.push_back({where, why});
    if (rejects) *rejects << where << ": " << why << "\n";
  };
  // (file index, place, issued) -> forecast
  std::vector<std::map<std::pair<std::string, core::Instant>, PointForecast>> per_file(files.size());
  for (std::size_t fi = 0; fi < files.size(); ++fi) {
    const std::string& file = files[fi];
    LineReader in(file);
    const std::string base = std::filesystem::path(file).filename().string();
    std::string_view line;
    if (!in.next(line)) throw core::Error(file, "empty file");
    const auto header = core::split_csv(line);
    std::optional<std::size_t> c_place, c_issued, c_time, c_param, c_value, c_unit;
    for (std::size_t i = 0; i < header.size(); ++i) {
      const auto h = core::trim(header[i]);
      if (h == "place" || h == "site" || h == "area") c_place = i;
      else if (h == "issued") c_issued = i;
      else if (h == "time") c_time = i;
      else if (h == "parameter") c_param = i;
      else if (h == "value") c_value = i;
      else if (h == "unit") c_unit = i;
      else if (!h.empty()) throw core::Error(file + ":1", "unknown column '" + std::string(h) + "'");
    }
    if (!c_place || !c_issued || !c_time || !c_param || !c_value)
      throw core::Error(file + ":1", "header must name place,issued,time,parameter,value[,unit]");
    const std::size_t need = std::max({*c_place, *c_issued, *c_time, *c_param, *c_value}) + 1;
    struct CountingSink final : Sink {
      ImportSummary& s;
      std::function<void(std::string, std::string)> rej;
      CountingSink(ImportSummary& s, std::function<void(std::string, std::string)> r) : s(s), rej(std::move(r)) {}
      void row() override { ++s.rows_read; }
      void value(store::Observation&&) override {}
      void reject(std::string where, std::string why) override { rej(std::move(where), std::move(why)); }
      void skipped_outside_city(std::size_t) override {}
      void skipped_type() override {}
      void register_site(const model::Site&, const model::Area&) override {}
    } sink(sum, reject);
    each_csv_row(in, base, need, sink, [&](const std::string& where, const std::vector<std::string_view>& f) {
      const std::string place(core::trim(f[*c_place]));
      const model::Site* site = city.site(place);
      if (!site && !city.area(place)) return reject(where, "unknown site or area '" + place + "'");
      const auto issued = parse_time(f[*c_issued]);
      if (!issued) return reject(where, "bad issued time '" + std::string(f[*c_issued]) + "' (YYYY-MM-DD HH:00)");
      const auto time = parse_time(f[*c_time]);
      if (!time) return reject(where, "bad time '" + std::string(f[*c_time]) + "' (YYYY-MM-DD HH:00)");
      if (*time < *issued) return reject(where, "time is before the issue time (a forecast is for later hours)");
      const std::string code(core::trim(f[*c_param]));
      const model::Parameter* p = city.parameters.find(code);
      if (!p || p->group != "weather")
        return reject(where, "'" + code + "' is not a weather parameter (temp pres dewp rh rain wd wspm)");
      const std::string_view cell = core::trim(f[*c_value]);
      if (cell.empty() || cell == "NA") return;  // missing
      const auto v = core::parse_number(cell);
      if (!v) return reject(where, "not a number '" + std::string(cell) + "'");
      const std::string_view unit = c_unit && *c_unit < f.size() ? core::trim(f[*c_unit]) : "";
      double stored = 0;
      try {
        stored = model::ParameterRegistry::to_stored(*p, *v, unit, where);
      } catch (const core::Error& e) {
        return reject(where, e.why());
      }
      if (auto why = check_value(*p, stored); !why.empty()) return reject(where, why);
      ++sum.values_read;
      auto& fc = per_file[fi][{place, *issued}];
      fc.place = place, fc.issued = *issued, fc.source = base;
      fc.values[code].emplace_back(*time, stored);
    });
    ++sum.files;
  }
  const bool nothing = options.strict && sum.rejected > 0;
  sum.stored_nothing_strict = nothing;
  for (std::size_t fi = 0; fi < files.size(); ++fi) {
    store::ImportRecord log;
    log.id = db.begin_import(options.format, std::filesystem::absolute(files[fi]).string());
    log.source_kind = options.format;
    log.file = files[fi];
    log.rows_read = sum.rows_read;
    log.rejected = sum.rejected;
    if (nothing) {
      log.status = "rejected";
      log.note = "--strict: bad rows found, nothing stored";
    } else {
      std::vector<store::Record> batch;
      for (auto& [key, fc] : per_file[fi]) {
        for (auto& [param, series] : fc.values) {
          // One value per hour: the last row for an hour wins, in file order.
          std::stable_sort(series.begin(), series.end(), [](auto& a, auto& b) { return a.first < b.first; });
          std::vector<std::pair<core::Instant, double>> unique;
          for (const auto& x : series) {
            if (!unique.empty() && unique.back().first == x.first) unique.back() = x;
            else unique.push_back(x);
          }
          series = std::move(unique);
        }
        store::Record r = to_record(fc);
        store::RecordQuery q;
        q.kind = kWeatherForecastKind;
        q.key = fc.place;
        q.from = fc.issued, q.to = fc.issued + 1;
        q.newest_first = true;
        q.limit = 1;
        const auto existing = db.records(q);
        if (!existing.empty() && existing.front().body == r.body) {
          ++sum.duplicates;
          ++log.duplicates;
          continue;
        }
        batch.push_back(std::move(r));
      }
      if (!batch.empty()) db.append(batch);
      sum.stored += batch.size();
      log.stored = batch.size();
      log.status = "done";
      log.note = "weather forecasts: one record per place and issue";
    }
    log.finished = std::time(nullptr);
    db.update_import(log);
  }
  return sum;
}

}  // namespace skyriver::ingest
