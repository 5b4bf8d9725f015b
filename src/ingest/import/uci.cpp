// uci: the UCI "Beijing Multi-Site Air-Quality Data" files (PRSA_Data_<Site>_*.csv[.gz]).
//
//   "No","year","month","day","hour","PM2.5","PM10","SO2","NO2","CO","O3","TEMP","PRES",
//   "DEWP","RAIN","wd","WSPM","station"          missing values are NA
//
// Our reading of the hour: the dataset comes from the Beijing municipal stations of the national
// network, which publish hour H as the mean of (H-1, H] like CNEMC; we apply the same
// conversion (core::hour_ending_to_start). The dataset's documentation does not say, so this is
// a reading, written down in docs/import.md. Units: pollutants µg/m³ INCLUDING CO (300 = 0.3
// mg/m³, converted to the stored mg/m³); TEMP/DEWP °C, PRES hPa, RAIN mm, WSPM m/s; wd is a
// 16-point compass text stored in degrees (N = 0, NNE = 22.5, ... clockwise).
// Sites are registered from the station column (kind air, area "beijing").
#include "core/error.h"
#include "core/text.h"
#include "ingest/import/importer.h"
#include "ingest/import/line_reader.h"

#include <array>
#include <filesystem>

namespace skyriver::ingest {

namespace {

std::optional<double> compass_degrees(std::string_view s) {
  static const std::array<const char*, 16> points{"N",  "NNE", "NE", "ENE", "E",  "ESE",
                                                  "SE", "SSE", "S",  "SSW", "SW", "WSW",
                                                  "W",  "WNW", "NW", "NNW"};
  for (std::size_t i = 0; i < points.size(); ++i)
    if (s == points[i]) return 22.5 * double(i);
  return std::nullopt;
}

struct ValueColumn {
  const char* name;
  const char* parameter;
  const char* unit;  // as the file reports it
};
const std::array<ValueColumn, 12> kColumns{{{"PM2.5", "pm25", "ug/m3"},
                                            {"PM10", "pm10", "ug/m3"},
                                            {"SO2", "so2", "ug/m3"},
                                            {"NO2", "no2", "ug/m3"},
                                            {"CO", "co", "ug/m3"},
                                            {"O3", "o3", "ug/m3"},
                                            {"TEMP", "temp", "C"},
                                            {"PRES", "pres", "hPa"},
                                            {"DEWP", "dewp", "C"},
                                            {"RAIN", "rain", "mm"},
                                            {"wd", "wd", "deg"},
                                            {"WSPM", "wspm", "m/s"}}};

}  // namespace

void read_uci(const std::string& file, const ReadContext& ctx, Sink& sink) {
  LineReader in(file);
  const std::string base = std::filesystem::path(file).filename().string();
  std::string_view line;
  if (!in.next(line)) throw core::Error(file, "empty file");
  auto header = core::split_csv(line);
  auto col = [&](const std::string& name) -> std::size_t {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (core::trim(header[i]) == name) return i;
    throw core::Error(file + ":1", "not a UCI Beijing file: no column '" + name + "'");
  };
  const std::size_t cy = col("year"), cm = col("month"), cd = col("day"), ch = col("hour"),
                    cs = col("station");
  std::array<std::size_t, kColumns.size()> vcol{};
  std::array<const model::Parameter*, kColumns.size()> param{};
  for (std::size_t k = 0; k < kColumns.size(); ++k) {
    vcol[k] = col(kColumns[k].name);
    param[k] = ctx.city.parameters.find(kColumns[k].parameter);
    if (!param[k])
      throw core::Error(ctx.city.dir, std::string("parameter ") + kColumns[k].parameter +
                                          " missing from parameters.toml");
  }
  std::size_t need = 0;
  for (auto c : {cy, cm, cd, ch, cs}) need = std::max(need, c + 1);
  for (auto c : vcol) need = std::max(need, c + 1);

  const model::Area beijing{"beijing", "北京市", "city", ""};
  each_csv_row(in, base, need, sink, [&](const std::string& where, const std::vector<std::string_view>& f) {
    const auto y = core::parse_integer(core::trim(f[cy])), m = core::parse_integer(core::trim(f[cm])),
               d = core::parse_integer(core::trim(f[cd])), h = core::parse_integer(core::trim(f[ch]));
    if (!y || !m || !d || !h || *m < 1 || *m > 12 || *d < 1 ||
        *d > core::days_in_month(int(*y), int(*m)) || *h < 0 || *h > 23) {
      sink.reject(where, "bad time: year/month/day/hour must form a valid date and hour 0-23");
      return;
    }
    const std::string station(core::trim(f[cs]));
    if (station.empty()) {
      sink.reject(where, "empty station");
      return;
    }
    const model::Site* site = ctx.site(station);
    if (!site) {
      model::Site s;
      s.id = station, s.name = station, s.kind = model::kAir, s.area = beijing.id;
      s.attributes["source"] = "UCI Beijing Multi-Site Air-Quality Data";
      sink.register_site(s, beijing);
      site = ctx.site(station);
    }
    const core::Instant time =
        core::hour_ending_to_start({int(*y), int(*m), int(*d)}, static_cast<int>(*h));
    for (std::size_t k = 0; k < kColumns.size(); ++k) {
      const std::string_view cell = core::trim(f[vcol[k]]);
      if (cell.empty() || cell == "NA") continue;
      const model::Parameter& p = *param[k];
      std::optional<double> v =
          k == 10 ? compass_degrees(cell) : core::parse_number(cell);
      if (!v) {
        sink.reject(where, std::string(kColumns[k].name) + ": " +
                               (k == 10 ? "not a 16-point compass direction '"
                                        : "not a number '") +
                               std::string(cell) + "'");
        continue;
      }
      double stored = 0;
      try {
        stored = model::ParameterRegistry::to_stored(p, *v, kColumns[k].unit, where);
      } catch (const core::Error& e) {
        sink.reject(where, e.why());
        continue;
      }
      if (auto why = check_value(p, stored); !why.empty()) {
        sink.reject(where, std::string(kColumns[k].name) + ": " + why);
        continue;
      }
      store::Observation o;
      o.site = site->id;
      o.parameter = p.code;
      o.time = time;
      o.interval = store::Interval::hour;
      o.value = stored;
      o.unit = p.unit;
      o.source_kind = "uci";
      o.source = where;
      o.received_at = ctx.received_at;
      sink.value(std::move(o));
    }
  });
}

}  // namespace skyriver::ingest
