// Independent counting of the raw files for the import tests: plain zlib line reading and a
// comma split, sharing nothing with the importer, so the expected counts come from the data.
#pragma once

#include <zlib.h>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace skyriver::testkit {

inline std::vector<std::string> raw_lines(const std::string& path) {
  std::vector<std::string> out;
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) return out;
  std::string cur;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) {
    for (int i = 0; i < n; ++i) {
      if (buf[i] == '\n') {
        if (!cur.empty() && cur.back() == '\r') cur.pop_back();
        out.push_back(cur);
        cur.clear();
      } else {
        cur += buf[i];
      }
    }
  }
  if (!cur.empty()) {
    if (cur.back() == '\r') cur.pop_back();
    out.push_back(cur);
  }
  gzclose(f);
  return out;
}

inline std::vector<std::string> raw_split(const std::string& line) {
  std::vector<std::string> out(1);
  for (char c : line) {
    if (c == ',') out.emplace_back();
    else if (c != '"') out.back() += c;
  }
  return out;
}

// (station, platform parameter) → number of non-empty cells of the stored CNEMC types.
inline std::map<std::pair<std::string, std::string>, std::size_t> cnemc_counts(
    const std::string& path, const std::set<std::string>& stations) {
  static const std::map<std::string, std::string> types{
      {"AQI", "aqi_published"}, {"PM2.5", "pm25"}, {"PM10", "pm10"}, {"SO2", "so2"},
      {"NO2", "no2"},           {"O3", "o3"},      {"CO", "co"},     {"O3_8h", "o3_8h"}};
  std::map<std::pair<std::string, std::string>, std::size_t> out;
  auto lines = raw_lines(path);
  if (lines.empty()) return out;
  auto header = raw_split(lines[0]);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    auto f = raw_split(lines[i]);
    if (f.size() < 3) continue;
    auto t = types.find(f[2]);
    if (t == types.end()) continue;
    for (std::size_t c = 3; c < f.size() && c < header.size(); ++c)
      if (!f[c].empty() && stations.count(header[c])) ++out[{header[c], t->second}];
  }
  return out;
}

}  // namespace skyriver::testkit
