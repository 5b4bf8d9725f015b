#include "assess/compensation_report.h"

#include "core/text.h"

#include "core/error.h"
#include "standards/water_class.h"

#include <fmt/format.h>

#include <cmath>

namespace skyriver::assess {

namespace {

// Concentrations and multiples to 4 decimals (well below any method's precision), no trailing 0.
std::string num(std::optional<double> v) {
  if (!v) return "";
  std::string s = fmt::format("{:.4f}", std::round(*v * 1e4) / 1e4);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}
std::string amount(double v) { return num(v); }

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string html(const std::string& s) { return core::html_escape(s); }

std::string basis_name(Basis b) { return b == Basis::Quarter ? "quarter" : "month"; }

}  // namespace

nlohmann::json to_json(const Statement& s) {
  using nlohmann::json;
  auto opt = [](std::optional<double> v) { return v ? json(*v) : json(nullptr); };
  json j{{"period", s.period}, {"scheme", s.scheme}, {"unit", s.unit}, {"basis", basis_name(s.basis)},
         {"amounts_are_defaults", s.amounts_are_defaults}, {"lines", json::array()},
         {"counties", json::array()}, {"notes", s.notes}};
  for (const auto& l : s.lines)
    j["lines"].push_back({{"county", l.county}, {"county_name", l.county_name}, {"section", l.section},
                          {"section_name", l.section_name}, {"river", l.river}, {"span", l.span},
                          {"factor", l.factor}, {"kind", to_string(l.kind)}, {"samples", l.samples},
                          {"excluded_samples", l.excluded_samples}, {"mean", opt(l.mean)},
                          {"target", opt(l.target)}, {"inflow_section", l.inflow_section},
                          {"inflow_mean", opt(l.inflow_mean)}, {"inflow_target", opt(l.inflow_target)},
                          {"reference", opt(l.reference)}, {"exceedance", opt(l.exceedance)},
                          {"tier", l.tier}, {"clause", l.clause}, {"amount", l.amount}});
  for (const auto& c : s.counties)
    j["counties"].push_back({{"code", c.code}, {"name", c.name}, {"deducted", c.deducted},
                             {"rewarded", c.rewarded}, {"net", c.net()}});
  j["city"] = {{"deducted", s.deducted}, {"rewarded", s.rewarded}, {"net", s.net()}};
  return j;
}

void write_csv(const Statement& s, std::ostream& out) {
  out << "period,county,county_name,section,section_name,river,span,factor,kind,samples,"
         "excluded_samples,mean,target,inflow_section,inflow_mean,inflow_target,reference,"
         "exceedance,tier,clause,deducted,rewarded,net\n";
  for (const auto& l : s.lines) {
    const bool ded = l.kind == LineKind::Deduction, rew = l.kind == LineKind::Reward;
    out << fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", s.period,
                       l.county, csv_field(l.county_name), l.section, csv_field(l.section_name),
                       csv_field(l.river), l.span, l.factor, to_string(l.kind), l.samples,
                       l.excluded_samples, num(l.mean), num(l.target), l.inflow_section,
                       num(l.inflow_mean), num(l.inflow_target), num(l.reference), num(l.exceedance),
                       l.tier ? std::to_string(l.tier) : "", csv_field(l.clause),
                       ded ? amount(l.amount) : "0", rew ? amount(l.amount) : "0",
                       amount(rew ? l.amount : ded ? -l.amount : 0));
  }
  for (const auto& c : s.counties)
    out << fmt::format("{},{},{},,,,{},,county_total,,,,,,,,,,,,{},{},{}\n", s.period, c.code,
                       csv_field(c.name), s.period, amount(c.deducted), amount(c.rewarded), amount(c.net()));
  out << fmt::format("{},city,,,,,{},,city_total,,,,,,,,,,,,{},{},{}\n", s.period, s.period,
                     amount(s.deducted), amount(s.rewarded), amount(s.net()));
  for (const auto& n : s.notes)
    out << fmt::format("{},,,,,,{},,note,,,,,,,,,,,{},0,0,0\n", s.period, s.period, csv_field(n));
}

void write_html(const Statement& s, std::ostream& out) {
  out << "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\n<title>"
      << html(s.scheme + " " + s.period) << "</title>\n<style>body{font-family:sans-serif;margin:2em}"
      << "table{border-collapse:collapse;margin-bottom:1.5em}td,th{border:1px solid #999;padding:2px 6px}"
      << "td.n{text-align:right}.deduction{background:#fde0dc}.reward{background:#dcf5dc}"
      << ".excluded{background:#eee}.warn{color:#a00}</style></head><body>\n";
  out << "<h1>" << html(s.scheme) << "</h1>\n<p>Period " << html(s.period) << ", basis "
      << basis_name(s.basis) << ", amounts in " << html(s.unit) << ".</p>\n";
  if (s.amounts_are_defaults)
    out << "<p class=\"warn\">Amounts are the shipped defaults (Shanxi 2013 tier structure); the "
           "city sets the real amounts in compensation.toml.</p>\n";
  out << "<h2>City summary</h2>\n<table><tr><th>county</th><th>deducted</th><th>rewarded</th>"
         "<th>net</th></tr>\n";
  for (const auto& c : s.counties)
    out << fmt::format("<tr><td>{} {}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>\n",
                       html(c.code), html(c.name), amount(c.deducted), amount(c.rewarded), amount(c.net()));
  out << fmt::format("<tr><th>city</th><th class=n>{}</th><th class=n>{}</th><th class=n>{}</th></tr>\n</table>\n",
                     amount(s.deducted), amount(s.rewarded), amount(s.net()));
  for (const auto& c : s.counties) {
    out << "<h2>" << html(c.code + " " + c.name) << "</h2>\n<table><tr><th>section</th><th>river</th>"
        << "<th>span</th><th>factor</th><th>samples</th><th>mean</th><th>target</th><th>inflow</th>"
        << "<th>reference</th><th>exceedance</th><th>tier</th><th>clause</th><th>deducted</th>"
        << "<th>rewarded</th></tr>\n";
    for (const auto& l : s.lines) {
      if (l.county != c.code) continue;
      const bool ded = l.kind == LineKind::Deduction, rew = l.kind == LineKind::Reward;
      out << fmt::format(
          "<tr class=\"{}\"><td>{} {}</td><td>{}</td><td>{}</td><td>{}</td><td class=n>{}{}</td>"
          "<td class=n>{}</td><td class=n>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td>"
          "<td class=n>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td></tr>\n",
          to_string(l.kind), html(l.section), html(l.section_name), html(l.river), html(l.span),
          html(l.factor), l.samples, l.excluded_samples ? fmt::format(" (+{} invalid)", l.excluded_samples) : "",
          num(l.mean), num(l.target),
          l.inflow_section.empty() ? "" : html(l.inflow_section + " " + num(l.inflow_mean)),
          num(l.reference), l.exceedance ? fmt::format("{:.1f}%", *l.exceedance * 100) : "",
          l.tier ? std::to_string(l.tier) : "", html(l.clause), ded ? amount(l.amount) : "",
          rew ? amount(l.amount) : "");
    }
    out << fmt::format("<tr><th colspan=12>total</th><th class=n>{}</th><th class=n>{}</th></tr>\n"
                       "<tr><th colspan=12>net (rewarded - deducted)</th><th colspan=2 class=n>{}</th>"
                       "</tr>\n</table>\n",
                       amount(c.deducted), amount(c.rewarded), amount(c.net()));
  }
  if (!s.notes.empty()) {
    out << "<h2>Notes</h2>\n<ul>\n";
    for (const auto& n : s.notes) out << "<li>" << html(n) << "</li>\n";
    out << "</ul>\n";
  }
  out << "</body></html>\n";
}

}  // namespace skyriver::assess
