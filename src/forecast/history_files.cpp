#include "forecast/history_files.h"

#include "core/error.h"
#include "ingest/import/importer.h"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>

namespace skyriver::forecast {

core::Instant label_offset(const std::string& format) {
  if (format == "cnemc" || format == "uci") return core::kHour;
  if (format == "long") return 0;
  throw core::Error("--format", "unknown format '" + format + "' (cnemc, uci, long)");
}

namespace {

struct Value {
  int var;
  core::Instant time;
  float value;
};

// Keeps the hourly values of the panel's variables, per site.
class PanelSink final : public ingest::Sink {
 public:
  PanelSink(HistoryFiles& out, std::map<std::string, std::vector<Value>>& values,
            std::map<std::string, model::Site>& registered, std::map<std::string, model::Area>& areas)
      : out_(out), values_(values), registered_(registered), areas_(areas) {}
  void row() override {}
  void value(store::Observation&& o) override {
    if (o.interval != store::Interval::hour) return;
    const auto v = var_of(o.parameter);
    if (!v) return;
    values_[o.site].push_back({*v, o.time, float(o.value)});
    ++out_.values;
  }
  void reject(std::string where, std::string why) override {
    ++out_.rejected;
    if (out_.first_rejects.size() < 10) out_.first_rejects.push_back(where + ": " + why);
  }
  void skipped_outside_city(std::size_t) override {}
  void skipped_type() override {}
  void register_site(const model::Site& s, const model::Area& area) override {
    registered_.emplace(s.id, s);
    areas_.emplace(area.id, area);
  }

 private:
  HistoryFiles& out_;
  std::map<std::string, std::vector<Value>>& values_;
  std::map<std::string, model::Site>& registered_;
  std::map<std::string, model::Area>& areas_;
};

}  // namespace

HistoryFiles read_history_files(const std::string& format, const std::vector<std::string>& files,
                                const model::CityConfig& city) {
  HistoryFiles out;
  out.label_offset = label_offset(format);
  const ingest::FormatReader reader = ingest::format_reader(format);
  if (files.empty()) throw core::Error("backtest", "no files given");
  std::map<std::string, std::vector<Value>> values;
  std::map<std::string, model::Site> registered;
  std::map<std::string, model::Area> areas;
  ingest::ImportOptions options;
  options.format = format;
  const ingest::ReadContext ctx{city, options, static_cast<core::Instant>(std::time(nullptr)),
                                [&](const std::string& id) -> const model::Site* {
                                  if (const model::Site* s = city.site(id)) return s;
                                  auto it = registered.find(id);
                                  return it == registered.end() ? nullptr : &it->second;
                                }};
  for (const auto& f : files) {
    if (!std::filesystem::is_regular_file(f)) throw core::Error(f, "no such file");
    PanelSink sink(out, values, registered, areas);
    reader(f, ctx, sink);
  }
  if (values.empty()) throw core::Error("backtest", "the files hold no hourly value of " +
                                                        std::string("pm25 pm10 so2 no2 co o3 or weather"));
  core::Instant first = std::numeric_limits<core::Instant>::max(), last = std::numeric_limits<core::Instant>::min();
  for (const auto& [site, vs] : values)
    for (const auto& v : vs) first = std::min(first, v.time), last = std::max(last, v.time);
  // The top area of a site (its city) names its group.
  auto top_area = [&](const std::string& site_id) {
    const model::Site* s = ctx.site(site_id);
    std::string a = s ? s->area : "";
    for (int guard = 0; guard < 16; ++guard) {
      const model::Area* ar = city.area(a);
      if (!ar || ar->parent.empty()) break;
      a = ar->parent;
    }
    return a;
  };
  std::vector<std::string> sites;
  std::vector<int> group;
  std::map<std::string, int> group_ids;
  for (const auto& [site, vs] : values) {
    sites.push_back(site);
    const std::string g = top_area(site);
    group.push_back(group_ids.emplace(g, int(group_ids.size())).first->second);
  }
  out.panel = Panel(first, int((last - first) / core::kHour) + 1, sites, group);
  for (std::size_t s = 0; s < sites.size(); ++s)
    for (const auto& v : values[sites[s]]) out.panel.set(int(s), v.var, out.panel.index(v.time), v.value);
  return out;
}

}  // namespace skyriver::forecast
