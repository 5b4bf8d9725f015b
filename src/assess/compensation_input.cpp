// Inputs of the compensation: the samples CSV (the `long` format) and the period label.
#include "assess/compensation.h"

#include "core/error.h"
#include "core/text.h"
#include "standards/water_eval.h"

#include <fmt/format.h>

#include <fstream>

namespace skyriver::assess {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// The stored unit of a water parameter (mg/L unless stated), for checking the CSV unit column.
std::string_view stored_unit(const std::string& code) {
  if (const auto* item = standards::find_item(code)) return item->unit;
  if (code == "cond") return "µS/cm";
  if (code == "turb") return "NTU";
  if (code == "chla") return "mg/m³";
  if (code == "sd") return "m";
  return "";
}

bool same_unit(std::string_view given, std::string_view stored) {
  if (core::trim(given) == stored) return true;  // the common case, no allocation
  const std::string g = lower(core::trim(given));
  if (g.empty()) return true;
  if (stored.empty()) return g == "无量纲" || g == "1" || g == "-";
  if (g == lower(stored)) return true;
  if (stored == "µS/cm") return g == "us/cm" || g == "μs/cm";
  if (stored == "mg/m³") return g == "mg/m3" || g == "ug/l" || g == "µg/l" || g == "μg/l";
  if (stored == "°C") return g == "c" || g == "degc" || g == "℃";
  return false;
}

}  // namespace

std::vector<Sample> read_samples_csv(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw core::Error(file, "cannot open the samples file");
  std::vector<Sample> out;
  std::string line;
  std::vector<std::string> unquoted;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    const std::string where = file + ":" + std::to_string(n);
    if (core::trim(line).empty() || core::trim(line).front() == '#') continue;
    const auto f = core::split_csv(line, unquoted);
    if (n == 1 && lower(core::trim(f[0])) == "site") continue;  // header
    if (f.size() < 4 || f.size() > 6)
      throw core::Error(where, fmt::format("{} fields; expected site,time,parameter,value[,unit][,flag]", f.size()));
    Sample s;
    s.where = where;
    s.site = std::string(core::trim(f[0]));
    if (s.site.empty()) throw core::Error(where, "empty site");
    const auto t = core::trim(f[1]);
    if (auto c = core::parse_civil(t)) s.time = core::from_beijing(*c);
    else if (auto d = core::parse_date(t)) s.time = core::beijing_midnight(*d);
    else throw core::Error(where, "time '" + std::string(t) + "' is not YYYY-MM-DD[ HH:MM[:SS]]");
    s.parameter = lower(core::trim(f[2]));
    if (!standards::is_water_parameter(s.parameter))
      throw core::Error(where, "unknown water parameter '" + s.parameter + "'");
    std::string_view v = core::trim(f[3]);
    if (!v.empty() && (v.back() == 'L' || v.back() == 'l') && v.size() > 1) {
      s.below_detection = true;  // "0.02L": below the detection limit 0.02 (monitoring-report usage)
      v.remove_suffix(1);
    }
    const auto value = core::parse_number(v);
    if (!value) throw core::Error(where, "value '" + std::string(core::trim(f[3])) + "' is not a number");
    if (*value < 0 && s.parameter != "wtemp")
      throw core::Error(where, fmt::format("negative concentration {} for {}", *value, s.parameter));
    s.value = *value;
    if (f.size() >= 5 && !same_unit(f[4], stored_unit(s.parameter)))
      throw core::Error(where, fmt::format("unit '{}' for {}: expected {}", core::trim(f[4]), s.parameter,
                                           stored_unit(s.parameter).empty() ? std::string_view("none")
                                                                            : stored_unit(s.parameter)));
    if (f.size() == 6) {
      const auto flag = core::trim(f[5]);
      if (flag.size() > 1 || (flag.size() == 1 && std::string_view("NFMSDCTB").find(flag[0]) == std::string_view::npos))
        throw core::Error(where, "flag '" + std::string(flag) + "' is not one of N F M S D C T B");
      if (flag.size() == 1) s.flag = flag[0];
    }
    out.push_back(std::move(s));
  }
  return out;
}

Period parse_period(std::string_view text) {
  const auto t = core::trim(text);
  auto bad = [&] {
    return core::Error("--period", "'" + std::string(t) + "' is not a quarter like 2026Q3");
  };
  if (t.size() != 6 || (t[4] != 'Q' && t[4] != 'q')) throw bad();
  const auto year = core::parse_integer(t.substr(0, 4));
  const int q = t[5] - '0';
  if (!year || *year < 1970 || q < 1 || q > 4) throw bad();
  Period p;
  p.year = static_cast<int>(*year);
  p.quarter = q;
  p.label = fmt::format("{}Q{}", p.year, q);
  p.from = core::beijing_midnight({p.year, 3 * q - 2, 1});
  p.to = q == 4 ? core::beijing_midnight({p.year + 1, 1, 1}) : core::beijing_midnight({p.year, 3 * q + 1, 1});
  return p;
}

Period same_period_year_before(const Period& p) {
  return parse_period(fmt::format("{}Q{}", p.year - 1, p.quarter));
}

}  // namespace skyriver::assess
