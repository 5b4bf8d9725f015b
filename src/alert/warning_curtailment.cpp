#include "alert/warning_curtailment.h"

#include "core/error.h"
#include "model/toml_file.h"

#include <fmt/format.h>
#include <toml.hpp>

#include <filesystem>
#include <set>

namespace skyriver::alert {

double Measure::required_share() const { return action == "stop" ? 0.0 : 1.0 - percent / 100.0; }

const Measure* Enterprise::measure_at(Level level) const {
  for (int l = static_cast<int>(level); l > 0; --l)
    if (by_level[l]) return &*by_level[l];
  return nullptr;
}

const Enterprise* CurtailmentList::find(const std::string& id) const {
  for (const auto& e : enterprises)
    if (e.id == id) return &e;
  return nullptr;
}

std::string curtailment_file(const std::string& config_dir) {
  return (std::filesystem::path(config_dir) / "curtailment.toml").string();
}

namespace {

struct Reader {
  std::string file;
  const model::CityConfig& city;

  [[noreturn]] void fail(const std::string& key, const std::string& why) const {
    throw core::Error(file + ": " + key, why);
  }
  std::string text(const toml::value& v, const std::string& key) const {
    if (!v.is_string()) fail(key, "must be a string");
    return v.as_string().str;
  }
  double number(const toml::value& v, const std::string& key, double lo, double hi) const {
    if (!v.is_integer() && !v.is_floating()) fail(key, "must be a number");
    const double x = v.is_integer() ? static_cast<double>(v.as_integer()) : v.as_floating();
    if (!(x >= lo && x <= hi)) fail(key, fmt::format("must lie in [{}, {}], not {}", lo, hi, x));
    return x;
  }

  Measure measure(const toml::value& v, const std::string& key) const {
    if (!v.is_table()) fail(key, "must be a table { action = \"stop\" | \"limit\", ... }");
    Measure m;
    for (const auto& [k, x] : v.as_table()) {
      const std::string kk = key + "." + k;
      if (k == "action") m.action = text(x, kk);
      else if (k == "percent") m.percent = number(x, kk, 0, 100);
      else if (k == "basis") m.basis = text(x, kk);
      else if (k == "text") m.text = text(x, kk);
      else if (k == "cut") {
        if (!x.is_table()) fail(kk, "must be a table { pm = .., so2 = .., nox = .., vocs = .. } (kg/day)");
        for (const auto& [p, y] : x.as_table()) {
          std::size_t i = 0;
          while (i < kCutPollutants.size() && p != kCutPollutants[i]) ++i;
          if (i == kCutPollutants.size()) fail(kk + "." + p, "unknown pollutant (pm, so2, nox, vocs)");
          m.cut[i] = number(y, kk + "." + p, 0, 1e9);
        }
      } else fail(kk, "unknown key (action, percent, basis, text, cut)");
    }
    if (m.action == "stop") {
      if (m.percent != 0 && m.percent != 100) fail(key + ".percent", "a stop is 100 %");
      m.percent = 100;
    } else if (m.action == "limit") {
      if (m.percent <= 0 || m.percent >= 100) fail(key + ".percent", "a limit cuts by more than 0 and less than 100 %");
    } else {
      fail(key + ".action", "must be \"stop\" or \"limit\", not '" + m.action + "'");
    }
    static const std::set<std::string> bases{"raw_material", "fuel", "electricity", "output"};
    if (!bases.count(m.basis))
      fail(key + ".basis", "must be raw_material, fuel, electricity or output, not '" + m.basis + "'");
    return m;
  }

  Enterprise enterprise(const toml::value& v, const std::string& key) const {
    if (!v.is_table()) fail(key, "must be a table");
    Enterprise e;
    for (const auto& [k, x] : v.as_table()) {
      const std::string kk = key + "." + k;
      if (k == "id") e.id = text(x, kk);
      else if (k == "name") e.name = text(x, kk);
      else if (k == "county") e.county = text(x, kk);
      else if (k == "industry") e.industry = text(x, kk);
      else if (k == "example") {
        if (!x.is_boolean()) fail(kk, "must be true or false");
        e.example = x.as_boolean();
      } else if (k == "lines") {
        if (!x.is_array()) fail(kk, "must be an array of strings");
        for (const auto& l : x.as_array()) e.lines.push_back(text(l, kk));
      } else if (k == "monitor") {
        if (!x.is_table()) fail(kk, "must be a table { site, parameter, baseline }");
        Monitor m;
        for (const auto& [mk, mx] : x.as_table()) {
          if (mk == "site") m.site = text(mx, kk + ".site");
          else if (mk == "parameter") m.parameter = text(mx, kk + ".parameter");
          else if (mk == "baseline") m.baseline = number(mx, kk + ".baseline", 1e-9, 1e12);
          else fail(kk + "." + mk, "unknown key (site, parameter, baseline)");
        }
        if (m.site.empty() || m.parameter.empty() || m.baseline <= 0)
          fail(kk, "needs site, parameter and a positive baseline");
        if (!city.site(m.site)) fail(kk + ".site", "'" + m.site + "' is not a site of the city configuration");
        if (!city.parameters.find(m.parameter)) fail(kk + ".parameter", "'" + m.parameter + "' is not a known parameter");
        e.monitor = m;
      } else if (auto level = parse_level(k); level && *level != Level::none) {
        e.by_level[static_cast<int>(*level)] = measure(x, kk);
      } else {
        fail(kk, "unknown key (id, name, county, industry, example, lines, monitor, blue, yellow, orange, red)");
      }
    }
    if (e.id.empty() || e.name.empty()) fail(key, "needs an id and a name");
    const model::Area* a = city.area(e.county);
    if (!a || a->level == "city") fail(key + ".county", "'" + e.county + "' is not a district or county code of the city");
    bool any = false;
    for (const auto& m : e.by_level) any = any || m.has_value();
    if (!any) fail(key, "lists no measure (blue, yellow, orange, red)");
    return e;
  }
};

}  // namespace

CurtailmentList load_curtailment(const std::string& file, const model::CityConfig& city) {
  CurtailmentList list;
  list.file = file;
  if (!std::filesystem::exists(file)) return list;
  const toml::value doc = model::read_toml(file);
  Reader rd{file, city};
  std::set<std::string> ids;
  for (const auto& [k, x] : doc.as_table()) {
    if (k == "stop_share") list.stop_share = rd.number(x, k, 0, 1);
    else if (k == "enterprise") {
      if (!x.is_array()) rd.fail(k, "must be an array of tables ([[enterprise]])");
      for (std::size_t i = 0; i < x.as_array().size(); ++i) {
        Enterprise e = rd.enterprise(x.as_array()[i], fmt::format("enterprise[{}]", i));
        if (!ids.insert(e.id).second) rd.fail(fmt::format("enterprise[{}].id", i), "'" + e.id + "' is used twice");
        list.enterprises.push_back(std::move(e));
      }
    } else {
      rd.fail(k, "unknown key (stop_share, enterprise)");
    }
  }
  return list;
}

}  // namespace skyriver::alert
