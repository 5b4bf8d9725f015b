#include "ingest/import/station_list.h"

#include "core/error.h"
#include "core/text.h"
#include "ingest/import/line_reader.h"

#include <regex>

namespace skyriver::ingest {

std::map<std::string, ListedStation> read_station_list(const std::string& file) {
  LineReader in(file);
  std::string_view line;
  std::vector<std::string> scratch;
  if (!in.next(line)) throw core::Error(file, "empty station list");
  auto header = core::split_csv(line);
  if (header.size() < 8 || core::trim(header[0]).find("监测点编码") == std::string_view::npos)
    throw core::Error(file + ":1", "not a station list (expected 监测点编码,监测点名称,城市,经度,纬度,对照点,省级行政区,地级行政区)");
  static const std::regex stopped_re(R"(\(停运(\d\d)(\d\d)(\d\d)\))");
  std::map<std::string, ListedStation> out;
  while (in.next(line)) {
    if (core::trim(line).empty()) continue;
    auto f = core::split_csv(line, scratch);
    const std::string where = file + ":" + std::to_string(in.line_number());
    if (f.size() < 8) throw core::Error(where, "expected 8 fields, found " + std::to_string(f.size()));
    ListedStation s;
    s.site.id = std::string(core::trim(f[0]));
    std::string name(core::trim(f[1]));
    std::smatch m;
    if (std::regex_search(name, m, stopped_re))
      s.site.stopped = core::Date{2000 + std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3])};
    name = std::regex_replace(name, std::regex(R"(\((停运\d+|对照点)\))"), "");
    s.site.name = name;
    s.site.kind = model::kAir;
    s.site.lon = core::parse_number(f[3]);
    s.site.lat = core::parse_number(f[4]);
    if (s.site.lon.has_value() != s.site.lat.has_value()) s.site.lon.reset(), s.site.lat.reset();
    s.site.reference = core::trim(f[5]) == "Y";
    s.site.attributes["national"] = "true";
    s.site.attributes["city"] = std::string(core::trim(f[2]));
    s.site.attributes["province"] = std::string(core::trim(f[6]));
    const std::string pref(core::trim(f[7]));
    s.area = {"cn:" + pref, pref, "city", ""};
    s.site.area = s.area.id;
    out[s.site.id] = std::move(s);
  }
  return out;
}

}  // namespace skyriver::ingest
