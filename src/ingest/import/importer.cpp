#include "ingest/import/importer.h"

#include "core/error.h"
#include "core/text.h"
#include "ingest/import/weather_forecast.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>

namespace skyriver::ingest {

void read_cnemc(const std::string& file, const ReadContext& ctx, Sink& sink);
void read_uci(const std::string& file, const ReadContext& ctx, Sink& sink);
void read_long(const std::string& file, const ReadContext& ctx, Sink& sink);
void read_cnemc_water(const std::string& file, const ReadContext& ctx, Sink& sink);

FormatReader format_reader(const std::string& format) {
  if (format == "cnemc") return read_cnemc;
  if (format == "uci") return read_uci;
  if (format == "long") return read_long;
  if (format == "cnemc-water") return read_cnemc_water;
  return nullptr;
}

std::string check_value(const model::Parameter& p, double v) {
  if (p.min && v < *p.min)
    return (v < 0 && *p.min >= 0 ? "negative value " : "impossible value ") + std::to_string(v) +
           " for " + p.code + " (below " + std::to_string(*p.min) + ")";
  if (p.max && v > *p.max)
    return "impossible value " + std::to_string(v) + " for " + p.code + " (above " +
           std::to_string(*p.max) + ")";
  return "";
}

namespace {

constexpr std::size_t kRejectsShown = 20;


// Collects a file's values into batches and writes each in one transaction (write mode), or
// only counts and collects rejects (check mode, the first pass of --strict).
class StoreSink final : public Sink {
 public:
  StoreSink(store::Store& db, const ImportOptions& opt, bool write, ImportSummary& sum,
            std::ofstream* rejects, std::map<std::string, model::Site>& registered)
      : db_(db), opt_(opt), write_(write), sum_(sum), rejects_(rejects), registered_(registered) {}

  void begin_file(const std::string& file) {
    file_ = file;
    now_ = opt_.now ? opt_.now() : static_cast<core::Instant>(std::time(nullptr));
    if (write_) {
      rec_ = {};
      rec_.id = db_.begin_import(opt_.format, std::filesystem::absolute(file).string());
      rec_.source_kind = opt_.format;
      rec_.file = file;
      rec_.status = "running";
    }
  }
  void end_file() {
    flush();
    if (write_) {
      rec_.status = "done";
      rec_.finished = std::time(nullptr);
      db_.update_import(rec_);
    }
    if (opt_.progress) std::fprintf(stderr, "\r\033[K");
  }
  void fail_file(const std::string& why) {
    if (!write_) return;
    rec_.status = "failed";
    rec_.note = why;
    rec_.finished = std::time(nullptr);
    try {
      db_.update_import(rec_);
    } catch (...) {
    }
  }

  void row() override {
    ++sum_.rows_read;
    ++rec_.rows_read;
  }
  void value(store::Observation&& o) override {
    ++sum_.values_read;
    if (o.time > now_ + opt_.max_future) {
      refuse_future(std::move(o));
      return;
    }
    if (o.time < opt_.min_time) {
      ++sum_.too_old;
      if (o.source != last_old_row_)
        reject(o.source, "stamped " + core::format_beijing(o.time) + " (Beijing), before " +
                             core::format_beijing(opt_.min_time) + " (--min-time): not stored");
      last_old_row_ = o.source;
      return;
    }
    if (!write_) return;
    batch_.push_back(std::move(o));
    if (batch_.size() >= opt_.batch_size) flush();
  }
  void reject(std::string where, std::string why) override {
    ++sum_.rejected;
    ++rec_.rejected;
    if (sum_.rejects.size() < kRejectsShown) sum_.rejects.push_back({where, why});
    if (rejects_) *rejects_ << where << ": " << why << "\n";
  }
  void skipped_outside_city(std::size_t n) override { sum_.skipped_outside_city += n; }

  // A value stamped beyond the clock + max_future: its row is rejected (once per row) and the
  // value quarantined with the reason, in the journal, with the next batch.
  void refuse_future(store::Observation&& o) {
    ++sum_.future;
    const std::string why = "stamped " + core::format_beijing(o.time) + " (Beijing), more than " +
                            std::to_string(opt_.max_future / 60) + " min ahead of the clock (" +
                            core::format_beijing(now_) + "): not stored, quarantined";
    if (o.source != last_future_row_) reject(o.source, why);
    last_future_row_ = o.source;
    if (!write_) return;
    nlohmann::json body{{"site", o.site}, {"parameter", o.parameter}, {"time", core::format_iso(o.time)},
                        {"interval", std::string(store::to_string(o.interval))}, {"value", o.value},
                        {"unit", o.unit}, {"flag", std::string(1, o.flag)}, {"source_kind", o.source_kind},
                        {"source", o.source}, {"reason", why}, {"import", rec_.id}};
    quarantine_.push_back({0, "quarantine", o.site + "/" + o.parameter + "/" + core::format_iso(o.time), 0, "import",
                           body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
  }
  void skipped_type() override { ++sum_.skipped_types; }
  void register_site(const model::Site& s, const model::Area& area) override {
    if (registered_.count(s.id)) return;
    registered_[s.id] = s;
    ++sum_.sites_registered;
    if (write_) {  // written with the next batch, before its values
      pending_areas_.push_back(area);
      pending_sites_.push_back(s);
    }
  }

  void progress(std::uint64_t pos, std::uint64_t size) override {
    if (!opt_.progress) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_draw_ < std::chrono::milliseconds(200)) return;
    last_draw_ = now;
    const double frac = size ? std::min(1.0, double(pos) / double(size)) : 0;
    const int w = 30, filled = int(frac * w);
    std::fprintf(stderr, "\r\033[K[%s%s] %3d%% %s  %zu rows, %zu stored",
                 std::string(filled, '=').c_str(), std::string(w - filled, ' ').c_str(),
                 int(frac * 100), std::filesystem::path(file_).filename().c_str(), sum_.rows_read,
                 sum_.stored);
  }

 private:
  void flush() {
    if (!write_) return;
    if (!pending_sites_.empty()) {
      db_.put_areas(pending_areas_);
      db_.put_sites(pending_sites_);
      pending_areas_.clear();
      pending_sites_.clear();
    }
    if (!quarantine_.empty()) {
      db_.append(quarantine_);
      quarantine_.clear();
    }
    if (batch_.empty()) return;
    // The import log is updated in the batch's own transaction.
    const auto r = db_.write(batch_, rec_);
    batch_.clear();
    sum_.stored += r.inserted, sum_.duplicates += r.duplicates, sum_.conflicts += r.conflicts;
  }

  store::Store& db_;
  const ImportOptions& opt_;
  bool write_;
  ImportSummary& sum_;
  std::ofstream* rejects_;
  std::map<std::string, model::Site>& registered_;
  std::string file_;
  store::ImportRecord rec_;
  std::vector<store::Observation> batch_;
  std::vector<model::Area> pending_areas_;
  std::vector<model::Site> pending_sites_;
  std::vector<store::Record> quarantine_;
  core::Instant now_ = 0;
  std::string last_future_row_, last_old_row_;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace

void check_input_files(const std::vector<std::string>& files) {
  if (files.empty()) throw core::Error("import", "no files given");
  for (const auto& f : files)
    if (!std::filesystem::is_regular_file(f)) throw core::Error(f, "no such file");
}

std::unique_ptr<std::ofstream> open_rejects_file(const ImportOptions& options) {
  if (options.rejects_file.empty()) return nullptr;
  const auto parent = std::filesystem::path(options.rejects_file).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  auto rejects = std::make_unique<std::ofstream>(options.rejects_file);
  if (!*rejects) throw core::Error(options.rejects_file, "cannot write the rejects file");
  return rejects;
}

ImportSummary run_import(const std::vector<std::string>& files, store::Store& db,
                         const model::CityConfig& city, const ImportOptions& options) {
  // Weather forecasts are documents (records journal), not observations.
  if (options.format == "weather_forecast") return import_weather_forecasts(files, db, city, options);
  const FormatReader reader = format_reader(options.format);
  if (!reader)
    throw core::Error("--format", "unknown format '" + options.format + "' (cnemc, cnemc-water, uci, long, weather_forecast)");
  check_input_files(files);

  ImportSummary sum;
  std::unique_ptr<std::ofstream> rejects = open_rejects_file(options);
  std::map<std::string, model::Site> registered;
  ReadContext ctx{city, options, static_cast<core::Instant>(std::time(nullptr)),
                  [&](const std::string& id) -> const model::Site* {
                    if (const model::Site* s = city.site(id)) return s;
                    auto it = registered.find(id);
                    return it == registered.end() ? nullptr : &it->second;
                  }};
  auto pass = [&](bool write) {
    for (const auto& file : files) {
      StoreSink sink(db, options, write, sum, rejects.get(), registered);
      ctx.received_at = static_cast<core::Instant>(std::time(nullptr));  // ≤ the record's start (see importer.h)
      sink.begin_file(file);
      try {
        reader(file, ctx, sink);
        sink.end_file();
      } catch (const std::exception& e) {
        sink.fail_file(e.what());
        throw;
      }
      ++sum.files;
    }
  };

  if (options.strict) {
    pass(false);  // check everything first
    if (sum.rejected > 0) {
      sum.stored_nothing_strict = true;
      for (const auto& f : files) {
        auto id = db.begin_import(options.format, std::filesystem::absolute(f).string());
        store::ImportRecord r;
        r.id = id;
        r.source_kind = options.format;
        r.status = "rejected";
        r.finished = std::time(nullptr);
        r.rows_read = sum.rows_read;
        r.rejected = sum.rejected;
        r.note = "--strict: bad rows found, nothing stored";
        db.update_import(r);
      }
      return sum;
    }
    sum = ImportSummary{};
    registered.clear();
  }
  // The city's reference data go in first, so every stored value has its site and parameter.
  db.put_areas(city.areas);
  db.put_sites(city.sites);
  db.put_parameters(city.parameters.all());
  pass(true);
  return sum;
}

void each_csv_row(LineReader& in, const std::string& file_name, std::size_t min_fields, Sink& sink,
                  const std::function<void(const std::string& where,
                                           const std::vector<std::string_view>& fields)>& each) {
  std::vector<std::string> scratch;
  std::string_view line;
  std::size_t n = 0;
  while (in.next(line)) {
    if ((++n & 1023) == 0) sink.progress(in.position(), in.size());
    if (core::trim(line).empty()) continue;
    sink.row();
    const std::string where = file_name + ":" + std::to_string(in.line_number());
    const auto f = core::split_csv(line, scratch);
    if (f.size() < min_fields) {
      sink.reject(where, "truncated row: " + std::to_string(f.size()) + " fields, expected " +
                             std::to_string(min_fields));
      continue;
    }
    each(where, f);
  }
}

}  // namespace skyriver::ingest
