#include "model/sources.h"

#include "model/toml_read.h"

#include <cctype>
#include <cmath>
#include <cstring>
#include <set>

namespace skyriver::model {

const PollutantLimit* Outlet::limit(std::string_view parameter) const {
  for (const auto& l : limits)
    if (l.parameter == parameter) return &l;
  return nullptr;
}

const Enterprise* Sources::enterprise(std::string_view id) const {
  for (const auto& e : enterprises)
    if (e.id == id) return &e;
  return nullptr;
}

const Outlet* Sources::outlet(std::string_view site_id) const {
  for (const auto& o : outlets)
    if (o.site == site_id) return &o;
  return nullptr;
}

namespace detail {
namespace {

std::optional<core::Date> date_field(const toml::value& t, const std::string& key, const std::string& file,
                                     const std::string& where, Problems& pr) {
  auto s = field<std::string>(t, key, file, where, pr);
  if (!s) return std::nullopt;
  auto d = core::parse_date(*s);
  if (!d) pr.add(file, where + "." + key, "not a date (YYYY-MM-DD): " + *s);
  return d;
}

void positive(const std::optional<double>& v, const std::string& file, const std::string& where, Problems& pr) {
  if (v && !(std::isfinite(*v) && *v > 0)) pr.add(file, where, "must be a positive number");
}

PollutantLimit read_limit(const toml::value& t, const std::string& medium, const std::string& file,
                          const std::string& outlet_where, std::size_t i, Problems& pr) {
  PollutantLimit l;
  std::string where = outlet_where + ".limits[" + std::to_string(i) + "]";
  if (!t.is_table()) {
    pr.add(file, where, "must be a table {parameter = ..., concentration = ...}");
    return l;
  }
  l.parameter = text(t, "parameter", file, where, pr, true);
  if (!l.parameter.empty()) where = outlet_where + ".limits " + l.parameter;
  l.concentration = field<double>(t, "concentration", file, where, pr);
  l.ref_o2 = field<double>(t, "ref_o2", file, where, pr);
  l.daily_kg = field<double>(t, "daily_kg", file, where, pr);
  l.annual_t = field<double>(t, "annual_t", file, where, pr);
  l.range = field<double>(t, "range", file, where, pr);
  positive(l.concentration, file, where + ".concentration", pr);
  positive(l.daily_kg, file, where + ".daily_kg", pr);
  positive(l.annual_t, file, where + ".annual_t", pr);
  positive(l.range, file, where + ".range", pr);
  if (l.ref_o2) {
    if (medium != "gas") pr.add(file, where + ".ref_o2", "only flue-gas outlets have a reference O2");
    else if (!(*l.ref_o2 >= 0 && *l.ref_o2 < 21)) pr.add(file, where + ".ref_o2", "must be in [0, 21) %");
  }
  unknown_keys(t, {"parameter", "concentration", "ref_o2", "daily_kg", "annual_t", "range"}, file, where, pr);
  return l;
}

bool credit_code_ok(const std::string& c) {
  // GB 32100-2015: 18 characters from 0-9 and the capital letters other than I, O, S, V, Z.
  if (c.size() != 18) return false;
  for (char ch : c)
    if (!(std::isdigit(static_cast<unsigned char>(ch)) || (ch >= 'A' && ch <= 'Z' && !std::strchr("IOSVZ", ch))))
      return false;
  return true;
}

}  // namespace

Sources read_sources(const toml::value& doc, const std::string& file, std::vector<Site>& sites, Problems& pr) {
  Sources out;
  const toml::array* arr = array_of(doc, "enterprise");
  if (!arr) {
    if (doc.is_table() && doc.contains("enterprise")) pr.add(file, "enterprise", "must be [[enterprise]] tables");
    return out;
  }
  std::set<std::string> ids;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const toml::value& t = (*arr)[i];
    Enterprise e;
    std::string where = "enterprise[" + std::to_string(i) + "]";
    e.id = text(t, "id", file, where, pr, true);
    if (!e.id.empty()) where = "enterprise " + e.id;
    if (!e.id.empty() && !ids.insert(e.id).second) pr.add(file, where, "duplicate id");
    e.name = text(t, "name", file, where, pr, true);
    e.credit_code = text(t, "credit_code", file, where, pr, true);
    if (!e.credit_code.empty() && !credit_code_ok(e.credit_code))
      pr.add(file, where + ".credit_code", "not a unified social credit code (18 characters 0-9, A-Z without I O S V Z)");
    e.area = text(t, "area", file, where, pr, true);
    e.industry = text(t, "industry", file, where, pr, false);
    e.permit = text(t, "permit", file, where, pr, false);
    e.permit_from = date_field(t, "permit_from", file, where, pr);
    e.permit_to = date_field(t, "permit_to", file, where, pr);
    if (e.permit_from && e.permit_to && *e.permit_to < *e.permit_from)
      pr.add(file, where + ".permit_to", "before permit_from");
    e.example = field<bool>(t, "example", file, where, pr).value_or(false);
    unknown_keys(t, {"id", "name", "credit_code", "area", "industry", "permit", "permit_from", "permit_to", "example",
                     "outlet"},
                 file, where, pr);
    if (const toml::array* outs = array_of(t, "outlet")) {
      for (std::size_t j = 0; j < outs->size(); ++j) {
        const toml::value& u = (*outs)[j];
        Outlet o;
        Site s;
        std::string ow = where + ".outlet[" + std::to_string(j) + "]";
        s.id = text(u, "id", file, ow, pr, true);
        if (!s.id.empty()) ow = "outlet " + s.id;
        o.site = s.id;
        o.enterprise = e.id;
        o.code = text(u, "code", file, ow, pr, false);
        o.name = text(u, "name", file, ow, pr, true);
        o.medium = text(u, "medium", file, ow, pr, true);
        if (!o.medium.empty() && o.medium != "gas" && o.medium != "water")
          pr.add(file, ow + ".medium", "unknown medium '" + o.medium + "' (gas, water)");
        s.name = e.name + " " + o.name;
        s.kind = kOutlet;
        s.area = e.area;
        s.lon = field<double>(u, "lon", file, ow, pr);
        s.lat = field<double>(u, "lat", file, ow, pr);
        s.mn = text(u, "mn", file, ow, pr, false);
        s.password = text(u, "password", file, ow, pr, false);
        s.edition = static_cast<int>(field<std::int64_t>(u, "edition", file, ow, pr).value_or(0));
        s.allow = read_allow(u, file, ow, pr);
        if (auto ps = field<std::vector<std::string>>(u, "parameters", file, ow, pr)) s.parameters = *ps;
        s.attributes = {{"enterprise", e.id}, {"medium", o.medium}};
        if (!o.code.empty()) s.attributes["outlet_code"] = o.code;
        if (e.example) s.attributes["example"] = "true";
        check_site(s, file, ow, pr);
        if (u.is_table() && u.contains("limits")) {
          if (!u.at("limits").is_array()) {
            pr.add(file, ow + ".limits", "must be an array of tables");
          } else {
            const auto& ls = u.at("limits").as_array();
            for (std::size_t k = 0; k < ls.size(); ++k) o.limits.push_back(read_limit(ls[k], o.medium, file, ow, k, pr));
          }
        }
        std::set<std::string> seen;
        for (const auto& l : o.limits)
          if (!l.parameter.empty() && !seen.insert(l.parameter).second)
            pr.add(file, ow + ".limits " + l.parameter, "given twice");
        unknown_keys(u, {"id", "code", "name", "medium", "lon", "lat", "mn", "password", "edition", "parameters", "limits", "allow"},
                     file, ow, pr);
        e.outlets.push_back(s.id);
        out.outlets.push_back(std::move(o));
        sites.push_back(std::move(s));
      }
    }
    out.enterprises.push_back(std::move(e));
  }
  return out;
}

}  // namespace detail
}  // namespace skyriver::model
