#include "model/city.h"

#include "core/error.h"
#include "model/toml_read.h"

#include <toml.hpp>

#include <cmath>
#include <filesystem>
#include <map>
#include <set>

namespace skyriver::model {
namespace {

using detail::Problems;
using detail::parse_file;
using detail::field;
using detail::text;
using detail::array_of;

void read_parameters(const toml::value& doc, const std::string& file, ParameterRegistry& reg,
                     Problems& pr) {
  const toml::array* arr = array_of(doc, "parameter");
  if (!arr) {
    pr.add(file, "parameter", "no [[parameter]] entries");
    return;
  }
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const toml::value& t = (*arr)[i];
    Parameter p;
    std::string where = "parameter[" + std::to_string(i) + "]";
    p.code = text(t, "code", file, where, pr, true);
    if (!p.code.empty()) where = "parameter " + p.code;
    p.name_zh = text(t, "name_zh", file, where, pr, true);
    p.name_en = text(t, "name_en", file, where, pr, true);
    p.unit = text(t, "unit", file, where, pr, false);
    p.outlet_unit = text(t, "outlet_unit", file, where, pr, false);
    p.group = text(t, "group", file, where, pr, true);
    p.hj212 = text(t, "hj212", file, where, pr, false);
    p.hj212_old = text(t, "hj212_old", file, where, pr, false);
    p.min = field<double>(t, "min", file, where, pr);
    p.max = field<double>(t, "max", file, where, pr);
    p.decimals = static_cast<int>(field<std::int64_t>(t, "decimals", file, where, pr).value_or(-1));
    static const std::set<std::string> groups{"air", "weather", "water", "outlet"};
    if (!p.group.empty() && !groups.count(p.group))
      pr.add(file, where + ".group", "unknown group '" + p.group + "'");
    if (t.contains("convert")) {
      if (!t.at("convert").is_table()) {
        pr.add(file, where + ".convert", "must be a table of unit = factor");
      } else {
        for (const auto& [unit, f] : t.at("convert").as_table()) {
          if (f.is_floating()) p.conversions.push_back({unit, f.as_floating()});
          else if (f.is_integer()) p.conversions.push_back({unit, double(f.as_integer())});
          else pr.add(file, where + ".convert." + unit, "factor must be a number");
        }
      }
    }
    if (p.code.empty()) continue;
    try {
      reg.add(std::move(p));
    } catch (const core::Error& e) {
      pr.add(file, where, e.why());
    }
  }
}

void read_sites(const toml::value& doc, const std::string& file, const std::string& default_kind,
                std::vector<Site>& sites, std::vector<std::string>& site_files, Problems& pr) {
  const toml::array* arr = array_of(doc, "site");
  if (!arr) return;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const toml::value& t = (*arr)[i];
    Site s;
    std::string where = "site[" + std::to_string(i) + "]";
    s.id = text(t, "id", file, where, pr, true);
    if (!s.id.empty()) where = "site " + s.id;
    s.name = text(t, "name", file, where, pr, true);
    s.kind = text(t, "kind", file, where, pr, false);
    if (s.kind.empty()) s.kind = default_kind;
    s.area = text(t, "area", file, where, pr, true);
    s.lon = field<double>(t, "lon", file, where, pr);
    s.lat = field<double>(t, "lat", file, where, pr);
    s.reference = field<bool>(t, "reference", file, where, pr).value_or(false);
    if (auto st = field<std::string>(t, "stopped", file, where, pr)) {
      s.stopped = core::parse_date(*st);
      if (!s.stopped) pr.add(file, where + ".stopped", "not a date (YYYY-MM-DD): " + *st);
    }
    s.mn = text(t, "mn", file, where, pr, false);
    s.password = text(t, "password", file, where, pr, false);
    s.edition = static_cast<int>(field<std::int64_t>(t, "edition", file, where, pr).value_or(0));
    s.allow = detail::read_allow(t, file, where, pr);
    detail::check_site(s, file, where, pr);
    if (t.contains("attributes")) {
      if (!t.at("attributes").is_table()) {
        pr.add(file, where + ".attributes", "must be a table");
      } else {
        for (const auto& [k, v] : t.at("attributes").as_table()) {
          if (v.is_string()) s.attributes[k] = v.as_string().str;
          else if (v.is_boolean()) s.attributes[k] = v.as_boolean() ? "true" : "false";
          else if (v.is_integer()) s.attributes[k] = std::to_string(v.as_integer());
          else pr.add(file, where + ".attributes." + k, "must be text, a boolean or an integer");
        }
      }
    }
    if (auto ps = field<std::vector<std::string>>(t, "parameters", file, where, pr))
      s.parameters = *ps;
    static const std::set<std::string> known{"id", "name", "kind", "area", "lon", "lat",
                                             "reference", "stopped", "mn", "password",
                                             "edition", "attributes", "parameters", "allow"};
    if (t.is_table())
      for (const auto& [k, v] : t.as_table())
        if (!known.count(k)) pr.add(file, where + "." + k, "unknown key");
    sites.push_back(std::move(s));
    site_files.push_back(file);
  }
}

}  // namespace

std::vector<AddressRange> detail::read_allow(const toml::value& t, const std::string& file, const std::string& where,
                                             Problems& pr) {
  std::vector<AddressRange> out;
  const auto list = field<std::vector<std::string>>(t, "allow", file, where, pr);
  if (!list) return out;
  for (const auto& text : *list) {
    if (auto r = parse_address_range(text)) out.push_back(std::move(*r));
    else pr.add(file, where + ".allow", "'" + text + "' is not an address or a CIDR range (10.1.2.0/24, 2001:db8::/32)");
  }
  return out;
}

void detail::check_site(const Site& s, const std::string& file, const std::string& where, Problems& pr) {
  if (s.edition != 0 && s.edition != 2017 && s.edition != 2025)
    pr.add(file, where + ".edition", "must be 2017 or 2025");
  if (s.kind != kAir && s.kind != kWater && s.kind != kOutlet)
    pr.add(file, where + ".kind", "unknown kind '" + s.kind + "' (air, water, outlet)");
  if (s.lon && (!std::isfinite(*s.lon) || *s.lon < -180 || *s.lon > 180))
    pr.add(file, where + ".lon", "out of range");
  if (s.lat && (!std::isfinite(*s.lat) || *s.lat < -90 || *s.lat > 90))
    pr.add(file, where + ".lat", "out of range");
  if (s.lon.has_value() != s.lat.has_value())
    pr.add(file, where, "lon and lat must be given together");
}

ParameterRegistry load_parameters(const std::string& toml_file) {
  Problems pr;
  ParameterRegistry reg;
  if (auto doc = parse_file(toml_file, pr, true))
    read_parameters(*doc, std::filesystem::path(toml_file).filename().string(), reg, pr);
  if (!pr.list.empty()) {
    std::string why;
    for (auto& p : pr.list) why += (why.empty() ? "" : "\n") + p;
    throw core::Error(toml_file, why);
  }
  return reg;
}

CityConfig load_city(const std::string& dir) {
  namespace fs = std::filesystem;
  Problems pr;
  CityConfig c;
  c.dir = dir;
  if (!fs::is_directory(dir)) throw core::Error(dir, "not a folder");

  // city.toml: the city and its areas.
  if (auto doc = parse_file(fs::path(dir) / "city.toml", pr, true)) {
    const std::string file = "city.toml";
    if (doc->contains("city") && doc->at("city").is_table()) {
      const toml::value& t = doc->at("city");
      c.city = {text(t, "id", file, "city", pr, true), text(t, "name", file, "city", pr, true),
                "city", ""};
      c.areas.push_back(c.city);
    } else {
      pr.add(file, "city", "missing [city] table");
    }
    if (const toml::array* arr = array_of(*doc, "area")) {
      for (std::size_t i = 0; i < arr->size(); ++i) {
        const toml::value& t = (*arr)[i];
        std::string where = "area[" + std::to_string(i) + "]";
        Area a;
        a.id = text(t, "id", file, where, pr, true);
        if (!a.id.empty()) where = "area " + a.id;
        a.name = text(t, "name", file, where, pr, true);
        a.level = text(t, "level", file, where, pr, true);
        a.parent = text(t, "parent", file, where, pr, false);
        if (a.parent.empty()) a.parent = c.city.id;
        if (a.level != "district" && a.level != "county" && a.level != "city")
          pr.add(file, where + ".level", "unknown level '" + a.level + "' (city, district, county)");
        c.areas.push_back(std::move(a));
      }
    }
    if (doc->contains("data")) {
      const toml::value& t = doc->at("data");
      if (auto order = field<std::vector<std::string>>(t, "source_priority", file, "data", pr)) c.source_priority = *order;
      if (t.is_table())
        for (const auto& [k, v] : t.as_table())
          if (k != "source_priority") pr.add(file, "data." + k, "unknown key");
    }
    if (doc->contains("assessment")) {
      const toml::value& t = doc->at("assessment");
      if (auto share = field<double>(t, "min_site_share", file, "assessment", pr)) {
        if (*share >= 0 && *share <= 1)
          c.min_site_share = *share;
        else
          pr.add(file, "assessment.min_site_share", "must be between 0 and 1 (a share of the area's sites)");
      }
      unknown_keys(t, {"min_site_share"}, file, "assessment", pr);
    }
  }
  std::set<std::string> area_ids;
  for (const auto& a : c.areas)
    if (!a.id.empty() && !area_ids.insert(a.id).second) pr.add("city.toml", "area " + a.id, "duplicate id");
  for (const auto& a : c.areas)
    if (!a.parent.empty() && !area_ids.count(a.parent))
      pr.add("city.toml", "area " + a.id + ".parent", "unknown area '" + a.parent + "'");

  if (auto doc = parse_file(fs::path(dir) / "parameters.toml", pr, true))
    read_parameters(*doc, "parameters.toml", c.parameters, pr);

  // Site files: the kind defaults from the file; any other file with [[site]] is read too.
  std::vector<std::string> site_files;
  const std::vector<std::pair<std::string, std::string>> files{
      {"air_stations.toml", kAir}, {"water_sections.toml", kWater}, {"outlets.toml", kOutlet}};
  for (const auto& [name, kind] : files)
    if (auto doc = parse_file(fs::path(dir) / name, pr, false))
      read_sites(*doc, name, kind, c.sites, site_files, pr);
  // sources.toml (optional): enterprises; their outlets join the sites as kind "outlet".
  if (auto doc = parse_file(fs::path(dir) / "sources.toml", pr, false)) {
    const std::size_t before = c.sites.size();
    c.sources = detail::read_sources(*doc, "sources.toml", c.sites, pr);
    site_files.resize(before, "");
    site_files.resize(c.sites.size(), "sources.toml");
  }

  std::map<std::string, std::string> seen_id, seen_mn;
  for (std::size_t i = 0; i < c.sites.size(); ++i) {
    const Site& s = c.sites[i];
    const std::string& file = site_files[i];
    if (s.id.empty()) continue;
    if (auto [it, fresh] = seen_id.emplace(s.id, file); !fresh)
      pr.add(file, "site " + s.id, "duplicate id (also in " + it->second + ")");
    if (!s.area.empty() && !area_ids.count(s.area))
      pr.add(file, "site " + s.id + ".area", "unknown area '" + s.area + "'");
    for (const auto& code : s.parameters)
      if (!c.parameters.find(code))
        pr.add(file, "site " + s.id + ".parameters", "unknown parameter '" + code + "'");
    if (!s.mn.empty())
      if (auto [it, fresh] = seen_mn.emplace(s.mn, s.id); !fresh)
        pr.add(file, "site " + s.id + ".mn", "MN " + s.mn + " already used by site " + it->second);
    // A data logger is let in by MN and PW together: an MN without a password would accept
    // anyone who knows (or guesses) the MN. The value itself is never put in a message.
    if (!s.mn.empty() && s.password.empty())
      pr.add(file, "site " + s.id + ".password", "a site with an mn must have a password (the HJ 212 PW its data logger sends)");
  }

  for (const auto& e : c.sources.enterprises)
    if (!e.area.empty() && !area_ids.count(e.area))
      pr.add("sources.toml", "enterprise " + e.id + ".area", "unknown area '" + e.area + "'");
  for (const auto& o : c.sources.outlets)
    for (const auto& l : o.limits) {
      const Parameter* p = c.parameters.find(l.parameter);
      const std::string where = "outlet " + o.site + ".limits " + l.parameter;
      if (!p) {
        if (!l.parameter.empty()) pr.add("sources.toml", where, "unknown parameter '" + l.parameter + "'");
        continue;
      }
      const std::string& unit = ParameterRegistry::stored_unit(*p, kOutlet);
      const char* want = o.medium == "water" ? "mg/L" : "mg/m3";
      if (unit != want)
        pr.add("sources.toml", where, "stored in '" + unit + "', not " + want + " as a " + o.medium + " limit must be");
    }

  if (!pr.list.empty()) {
    std::string why = std::to_string(pr.list.size()) + " problem(s) in the city configuration:";
    for (auto& p : pr.list) why += "\n  " + p;
    throw core::Error(dir, why);
  }
  return c;
}

const Site* CityConfig::site(std::string_view id) const {
  for (const auto& s : sites)
    if (s.id == id) return &s;
  return nullptr;
}

const Site* CityConfig::site_by_mn(std::string_view mn) const {
  if (mn.empty()) return nullptr;
  for (const auto& s : sites)
    if (s.mn == mn) return &s;
  return nullptr;
}

const Area* CityConfig::area(std::string_view id) const {
  for (const auto& a : areas)
    if (a.id == id) return &a;
  return nullptr;
}

std::vector<const Site*> CityConfig::sites_of_kind(std::string_view kind) const {
  std::vector<const Site*> out;
  for (const auto& s : sites)
    if (s.kind == kind) out.push_back(&s);
  return out;
}

}  // namespace skyriver::model
