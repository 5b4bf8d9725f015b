// cnemc-water: the national surface-water real-time release table (国家地表水水质自动监测实时数据
// 发布系统), one row per station and capture of the page (../shared/water/PROVENANCE.md):
//
//   snapshot_utc8,province,city,basin,river,station,obs_time_mmdd,wq_class,
//   water_temp_c,ph,do_mg_l,cond_us_cm,turb_ntu,codmn_mg_l,nh3n_mg_l,tp_mg_l,tn_mg_l,chla_mg_l,
//   algae_cells_l, the same 11 with _raw (the page's unrounded 原始值), status
//
// - Time: obs_time_mmdd "MM-DD HH:MM" Beijing, the station's sampling time (4-hourly); the page
//   gives no year, taken from snapshot_utc8 (the year before when the month is later than the
//   capture's). Stored as an hourly value keyed at that time.
// - Values: the unrounded `_raw` value when it is a number, else the displayed one ('*', '--'
//   and empty are missing). wq_class (Ⅰ..劣Ⅴ) is stored as wq_class_published = 1..6, the
//   published class kept apart from any class the platform computes.
// - Flags: status 正常 → N, 维护 → M (HJ 212 Table 8); a row of another status with values is
//   rejected naming the status (none in the captures: 不具备运行条件 rows carry no values).
// - Sites: a station whose (city, name) matches a configured water section's attributes
//   cnemc_city / cnemc_station is stored under the section's id; every other station is kept as
//   site "cnw:<province>:<station>" (kind water, area "cn:<province>") with its city, basin,
//   river and the release's water body (standards::release_water_body) as attributes.
// - A capture that revises an already-published time gives a conflict beside the first value
//   (store.h), so both the first publication and every revision are kept.
#include "core/error.h"
#include "core/text.h"
#include "ingest/import/importer.h"
#include "ingest/import/line_reader.h"
#include "standards/water_class.h"
#include "standards/water_release.h"

#include <array>
#include <filesystem>

namespace skyriver::ingest {

namespace {

struct ValueColumn {
  const char* name;       // displayed column; the unrounded one is name + "_raw"
  const char* parameter;  // platform code
  const char* unit;       // as the release reports it ("" = the stored unit)
};
const std::array<ValueColumn, 11> kValues{{{"water_temp_c", "wtemp", ""},
                                           {"ph", "ph", ""},
                                           {"do_mg_l", "do", ""},
                                           {"cond_us_cm", "cond", ""},
                                           {"turb_ntu", "turb", ""},
                                           {"codmn_mg_l", "codmn", ""},
                                           {"nh3n_mg_l", "nh3n", ""},
                                           {"tp_mg_l", "tp", ""},
                                           {"tn_mg_l", "tn", ""},
                                           {"chla_mg_l", "chla", "mg/L"},
                                           {"algae_cells_l", "algae", ""}}};

bool missing(std::string_view cell) { return cell.empty() || cell == "*" || cell == "--"; }

// "MM-DD HH:MM" with the year of the capture "YYYYMMDDTHHMMSS".
std::optional<core::CivilTime> observation_time(std::string_view obs, std::string_view snapshot) {
  if (obs.size() != 11 || obs[2] != '-' || obs[5] != ' ' || obs[8] != ':') return std::nullopt;
  if (snapshot.size() < 8) return std::nullopt;
  const auto year = core::parse_integer(snapshot.substr(0, 4));
  const auto snap_month = core::parse_integer(snapshot.substr(4, 2));
  const auto m = core::parse_integer(obs.substr(0, 2)), d = core::parse_integer(obs.substr(3, 2)),
             h = core::parse_integer(obs.substr(6, 2)), mi = core::parse_integer(obs.substr(9, 2));
  if (!year || !snap_month || !m || !d || !h || !mi) return std::nullopt;
  const int y = int(*year) - (*m > *snap_month ? 1 : 0);  // a December time in a January capture
  if (*m < 1 || *m > 12 || *d < 1 || *d > core::days_in_month(y, int(*m)) || *h < 0 || *h > 23 ||
      *mi < 0 || *mi > 59)
    return std::nullopt;
  return core::CivilTime{{y, int(*m), int(*d)}, int(*h), int(*mi), 0};
}

}  // namespace

void read_cnemc_water(const std::string& file, const ReadContext& ctx, Sink& sink) {
  LineReader in(file);
  const std::string base = std::filesystem::path(file).filename().string();
  std::string_view line;
  if (!in.next(line)) throw core::Error(file, "empty file");
  const auto header = core::split_csv(line);
  auto col = [&](const std::string& name) -> std::size_t {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (core::trim(header[i]) == name) return i;
    throw core::Error(file + ":1", "not a CNEMC water release table: no column '" + name + "'");
  };
  const std::size_t c_snap = col("snapshot_utc8"), c_prov = col("province"), c_city = col("city"),
                    c_basin = col("basin"), c_river = col("river"), c_station = col("station"),
                    c_time = col("obs_time_mmdd"), c_class = col("wq_class"), c_status = col("status");
  std::array<std::size_t, kValues.size()> c_shown{}, c_raw{};
  std::array<const model::Parameter*, kValues.size()> param{};
  std::size_t need = 0;
  for (std::size_t k = 0; k < kValues.size(); ++k) {
    c_shown[k] = col(kValues[k].name);
    c_raw[k] = col(std::string(kValues[k].name) + "_raw");
    param[k] = ctx.city.parameters.find(kValues[k].parameter);
    if (!param[k])
      throw core::Error(ctx.city.dir, std::string("parameter ") + kValues[k].parameter +
                                          " missing from parameters.toml");
    need = std::max({need, c_shown[k] + 1, c_raw[k] + 1});
  }
  for (auto c : {c_snap, c_prov, c_city, c_basin, c_river, c_station, c_time, c_class, c_status})
    need = std::max(need, c + 1);
  const model::Parameter* published = ctx.city.parameters.find("wq_class_published");
  if (!published) throw core::Error(ctx.city.dir, "parameter wq_class_published missing from parameters.toml");

  // Configured sections by (city, station name) as the release writes them.
  std::map<std::pair<std::string, std::string>, const model::Site*> sections;
  for (const model::Site& s : ctx.city.sites)
    if (s.kind == model::kWater && !s.attribute("cnemc_station").empty())
      sections[{s.attribute("cnemc_city", ctx.city.city.name), s.attribute("cnemc_station")}] = &s;

  each_csv_row(in, base, need, sink, [&](const std::string& where, const std::vector<std::string_view>& f) {
    const std::string province(core::trim(f[c_prov])), city(core::trim(f[c_city])),
        station(core::trim(f[c_station])), river(core::trim(f[c_river]));
    const std::string_view status = core::trim(f[c_status]), cls = core::trim(f[c_class]),
                           obs = core::trim(f[c_time]);
    bool any = !cls.empty();
    for (std::size_t k = 0; k < kValues.size(); ++k)
      any |= !missing(core::trim(f[c_shown[k]])) || !missing(core::trim(f[c_raw[k]]));
    if (!any) return;  // a station in maintenance without values: nothing to store
    if (province.empty() || station.empty()) {
      sink.reject(where, "empty province or station");
      return;
    }
    char flag = 'N';
    if (status == "维护") flag = 'M';
    else if (status != "正常") {
      sink.reject(where, "station " + station + ": values with status '" + std::string(status) +
                             "' (known: 正常, 维护)");
      return;
    }
    const auto t = observation_time(obs, core::trim(f[c_snap]));
    if (!t) {
      sink.reject(where, "station " + station + ": bad observation time '" + std::string(obs) +
                             "' (MM-DD HH:MM) or capture time '" + std::string(core::trim(f[c_snap])) +
                             "' (YYYYMMDDTHHMMSS)");
      return;
    }
    std::optional<standards::WaterClass> klass;
    if (!cls.empty() && !(klass = standards::parse_class(cls))) {
      sink.reject(where, "station " + station + ": unknown water class '" + std::string(cls) + "'");
      return;
    }

    const model::Site* site = nullptr;
    if (auto it = sections.find({city, station}); it != sections.end()) site = it->second;
    if (!site) {
      const std::string id = "cnw:" + province + ":" + station;
      site = ctx.site(id);
      if (!site) {
        model::Site s;
        s.id = id, s.name = station, s.kind = model::kWater, s.area = "cn:" + province;
        s.attributes = {{"province", province},
                        {"city", city},
                        {"basin", std::string(core::trim(f[c_basin]))},
                        {"river", river},
                        {"water_body", standards::release_water_body(river) == standards::WaterBody::Lake
                                           ? "lake"
                                           : "river"},
                        {"source", "CNEMC surface-water real-time release"}};
        sink.register_site(s, {s.area, province, "province", ""});
        site = ctx.site(id);
      }
    }

    const core::Instant time = core::from_beijing(*t);
    auto emit = [&](const model::Parameter& p, double v) {
      store::Observation o;
      o.site = site->id;
      o.parameter = p.code;
      o.time = time;
      o.interval = store::Interval::hour;
      o.value = v;
      o.unit = p.unit;
      o.flag = flag;
      o.source_kind = "cnemc-water";
      o.source = where;
      o.received_at = ctx.received_at;
      sink.value(std::move(o));
    };
    if (klass) emit(*published, standards::rank(*klass));
    for (std::size_t k = 0; k < kValues.size(); ++k) {
      std::string_view cell = core::trim(f[c_raw[k]]);
      if (missing(cell)) cell = core::trim(f[c_shown[k]]);
      if (missing(cell)) continue;
      const auto v = core::parse_number(cell);
      if (!v) {
        sink.reject(where, std::string(kValues[k].name) + ": not a number '" + std::string(cell) + "'");
        continue;
      }
      double stored = 0;
      try {
        stored = model::ParameterRegistry::to_stored(*param[k], *v, kValues[k].unit, where);
      } catch (const core::Error& e) {
        sink.reject(where, e.why());
        continue;
      }
      if (auto why = check_value(*param[k], stored); !why.empty()) {
        sink.reject(where, std::string(kValues[k].name) + ": " + why);
        continue;
      }
      emit(*param[k], stored);
    }
  });
}

}  // namespace skyriver::ingest
