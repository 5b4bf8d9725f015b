// cnemc: the national hourly station files (quotsoft / CNEMC layout).
//
//   date,hour,type,1001A,1002A,...      one column per station code
//   20190101,0,AQI,73,,92,...           one row per (date, hour, type); empty cell = missing
//
// Hour label H on date D is the mean of (H-1, H] Beijing time → stored at the hour's start,
// core::hour_ending_to_start(D, H) (label 0 is the hour 23:00-24:00 of the previous day).
// Types stored: AQI → aqi_published (the published value, kept apart from computed AQI),
// PM2.5 PM10 SO2 NO2 O3 CO → pm25 pm10 so2 no2 o3 co, O3_8h → o3_8h. The moving *_24h types
// (and O3_8h_24h) are derived by CNEMC and not stored: the engine derives its own.
// Units are the stored ones (µg/m³, CO mg/m³). Stations outside the city are skipped and
// counted unless --all-stations registers them from the station list.
#include "core/error.h"
#include "core/text.h"
#include "ingest/import/importer.h"
#include "ingest/import/line_reader.h"
#include "ingest/import/station_list.h"
#include "core/utf8.h"

#include <filesystem>
#include <map>

namespace skyriver::ingest {

namespace {

struct Column {
  const model::Site* site = nullptr;  // nullptr: skipped (outside the city)
};

const std::map<std::string, std::string, std::less<>>& stored_types() {
  static const std::map<std::string, std::string, std::less<>> m{
      {"AQI", "aqi_published"}, {"PM2.5", "pm25"}, {"PM10", "pm10"}, {"SO2", "so2"},
      {"NO2", "no2"},           {"O3", "o3"},      {"CO", "co"},     {"O3_8h", "o3_8h"}};
  return m;
}

bool is_moving_type(std::string_view t) {
  return t.size() > 4 && t.substr(t.size() - 4) == "_24h";
}

}  // namespace

void read_cnemc(const std::string& file, const ReadContext& ctx, Sink& sink) {
  LineReader in(file);
  const std::string base = std::filesystem::path(file).filename().string();
  std::string_view line;
  if (!in.next(line)) throw core::Error(file, "empty file");
  auto header = core::split_csv(line);
  if (header.size() < 3 || core::trim(header[0]) != "date" || core::trim(header[1]) != "hour" ||
      core::trim(header[2]) != "type")
    throw core::Error(file + ":1", "not a CNEMC station file (header must start date,hour,type)");
  // Trailing empty header names (files with trailing commas) are not stations.
  std::size_t ncols = header.size();
  while (ncols > 3 && core::trim(header[ncols - 1]).empty()) --ncols;

  std::map<std::string, ListedStation> listed;
  if (ctx.options.all_stations) {
    if (ctx.options.station_list.empty())
      throw core::Error("--all-stations", "needs the national station list (--stations FILE)");
    listed = read_station_list(ctx.options.station_list);
  }
  std::vector<Column> cols(ncols);
  for (std::size_t c = 3; c < ncols; ++c) {
    const std::string code(core::trim(header[c]));
    if (code.empty()) throw core::Error(file + ":1", "empty station code in column " + std::to_string(c + 1));
    cols[c].site = ctx.site(code);
    if (!cols[c].site && ctx.options.all_stations) {
      auto it = listed.find(code);
      if (it != listed.end()) {
        sink.register_site(it->second.site, it->second.area);
      } else {  // in the file but not in the list: registered under its code alone
        model::Site s;
        s.id = code, s.name = code, s.kind = model::kAir, s.area = "cn:unknown";
        s.attributes["listed"] = "false";
        sink.register_site(s, {"cn:unknown", "未知地级行政区", "city", ""});
      }
      cols[c].site = ctx.site(code);
    }
  }

  const std::size_t need = 3;  // date,hour,type; station columns are checked per type below
  each_csv_row(in, base, need, sink, [&](const std::string& where, const std::vector<std::string_view>& f) {
    const std::string_view type = core::trim(f[2]);
    if (is_moving_type(type)) {
      sink.skipped_type();
      return;
    }
    auto t = stored_types().find(type);
    if (t == stored_types().end()) {
      sink.reject(where, "unknown type '" + core::clipped(std::string(type)) + "'");
      return;
    }
    const auto date = core::parse_date(core::trim(f[0]));
    if (!date) {
      sink.reject(where, "bad date '" + core::clipped(std::string(f[0])) + "' (YYYYMMDD)");
      return;
    }
    const auto hour = core::parse_integer(core::trim(f[1]));
    if (!hour || *hour < 0 || *hour > 23) {
      sink.reject(where, "bad hour '" + core::clipped(std::string(f[1])) + "' (0-23)");
      return;
    }
    if (f.size() < ncols) {
      sink.reject(where, "truncated row: " + std::to_string(f.size()) + " fields, the header has " +
                             std::to_string(ncols));
      return;
    }
    bool extra = false;
    for (std::size_t c = ncols; c < f.size(); ++c) extra |= !core::trim(f[c]).empty();
    if (extra) {
      sink.reject(where, "more values than the header has stations");
      return;
    }
    const model::Parameter* p = ctx.city.parameters.find(t->second);
    if (!p) throw core::Error(ctx.city.dir, "parameter " + t->second + " missing from parameters.toml");
    const core::Instant time = core::hour_ending_to_start(*date, static_cast<int>(*hour));
    std::size_t outside = 0;
    for (std::size_t c = 3; c < ncols; ++c) {
      const std::string_view cell = core::trim(f[c]);
      if (cell.empty()) continue;  // missing is not an error
      if (!cols[c].site) {
        ++outside;
        continue;
      }
      const auto v = core::parse_number(cell);
      if (!v) {
        sink.reject(where, "station " + cols[c].site->id + ": not a number '" + core::clipped(std::string(cell)) + "'");
        continue;
      }
      if (auto why = check_value(*p, *v); !why.empty()) {
        sink.reject(where, "station " + cols[c].site->id + ": " + why);
        continue;
      }
      store::Observation o;
      o.site = cols[c].site->id;
      o.parameter = p->code;
      o.time = time;
      o.interval = store::Interval::hour;
      o.value = *v;
      o.unit = p->unit;
      o.flag = 'N';
      o.source_kind = "cnemc";
      o.source = where;
      o.received_at = ctx.received_at;
      sink.value(std::move(o));
    }
    if (outside) sink.skipped_outside_city(outside);
  });
}

}  // namespace skyriver::ingest
