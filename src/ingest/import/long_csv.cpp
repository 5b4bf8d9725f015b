// long: a generic CSV, one value per row, with a header naming the columns:
//
//   site,time,parameter,value[,unit][,flag]
//   1723A,2019-01-01 00:00,pm25,35,ug/m3,N
//
// time is Beijing civil time ("YYYY-MM-DD HH:MM[:SS]", 'T' allowed) of the START of the period
// (platform convention); the interval of every row is --interval (default hour). site must be a
// configured site; parameter a platform code; unit (optional, default the stored unit) is
// converted through the parameter registry, and a unit the registry does not know for that
// parameter rejects the row; flag (optional, default N) is one of N F M S D C T B.
#include "core/error.h"
#include "core/text.h"
#include "ingest/import/importer.h"
#include "ingest/import/line_reader.h"
#include "core/utf8.h"

#include <filesystem>

namespace skyriver::ingest {

void read_long(const std::string& file, const ReadContext& ctx, Sink& sink) {
  LineReader in(file);
  const std::string base = std::filesystem::path(file).filename().string();
  std::string_view line;
  if (!in.next(line)) throw core::Error(file, "empty file");
  auto header = core::split_csv(line);
  std::optional<std::size_t> c_site, c_time, c_param, c_value, c_unit, c_flag;
  for (std::size_t i = 0; i < header.size(); ++i) {
    const auto h = core::trim(header[i]);
    if (h == "site") c_site = i;
    else if (h == "time") c_time = i;
    else if (h == "parameter") c_param = i;
    else if (h == "value") c_value = i;
    else if (h == "unit") c_unit = i;
    else if (h == "flag") c_flag = i;
    else if (!h.empty()) throw core::Error(file + ":1", "unknown column '" + core::clipped(std::string(h)) + "'");
  }
  if (!c_site || !c_time || !c_param || !c_value)
    throw core::Error(file + ":1", "header must name site,time,parameter,value[,unit][,flag]");
  std::size_t need = std::max({*c_site, *c_time, *c_param, *c_value}) + 1;

  each_csv_row(in, base, need, sink, [&](const std::string& where, const std::vector<std::string_view>& f) {
    const std::string site_id(core::trim(f[*c_site]));
    const model::Site* site = ctx.site(site_id);
    if (!site) {
      sink.reject(where, "unknown site '" + site_id + "'");
      return;
    }
    const std::string code(core::trim(f[*c_param]));
    const model::Parameter* p = ctx.city.parameters.find(code);
    if (!p) {
      sink.reject(where, "unknown parameter '" + code + "'");
      return;
    }
    const auto civil = core::parse_civil(core::trim(f[*c_time]));
    if (!civil) {
      sink.reject(where, "bad time '" + std::string(f[*c_time]) + "' (YYYY-MM-DD HH:MM[:SS])");
      return;
    }
    const std::string_view cell = core::trim(f[*c_value]);
    if (cell.empty() || cell == "NA") return;  // missing
    const auto v = core::parse_number(cell);
    if (!v) {
      sink.reject(where, "not a number '" + std::string(cell) + "'");
      return;
    }
    char flag = 'N';
    if (c_flag && *c_flag < f.size() && !core::trim(f[*c_flag]).empty()) {
      const auto fl = core::trim(f[*c_flag]);
      if (fl.size() != 1 || std::string_view("NFMSDCTB").find(fl[0]) == std::string_view::npos) {
        sink.reject(where, "bad flag '" + std::string(fl) + "' (N F M S D C T B)");
        return;
      }
      flag = fl[0];
    }
    const std::string_view unit = c_unit && *c_unit < f.size() ? core::trim(f[*c_unit]) : "";
    double stored = 0;
    try {
      stored = model::ParameterRegistry::to_stored(*p, *v, unit, where, site->kind);
    } catch (const core::Error& e) {
      sink.reject(where, e.why());
      return;
    }
    if (auto why = check_value(*p, stored); !why.empty()) {
      sink.reject(where, why);
      return;
    }
    store::Observation o;
    o.site = site->id;
    o.parameter = p->code;
    o.time = core::from_beijing(*civil);
    o.interval = ctx.options.interval;
    o.value = stored;
    o.unit = model::ParameterRegistry::stored_unit(*p, site->kind);
    o.flag = flag;
    o.source_kind = "long";
    o.source = where;
    o.received_at = ctx.received_at;
    sink.value(std::move(o));
  });
}

}  // namespace skyriver::ingest
