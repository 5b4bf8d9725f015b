#include "forecast/forecaster.h"

#include "core/error.h"
#include "forecast/panel_engine.h"
#include "ingest/import/weather_forecast.h"
#include "store/store.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>

namespace skyriver::forecast {

ModelSet train_from_engine(const engine::Engine& e, const ForecasterOptions& o,
                           const std::function<void(const std::string&)>& log, const std::function<bool()>& cancelled) {
  EnginePanel ep = e.read([&](const engine::Engine& en) -> EnginePanel {
    const auto latest = en.latest_hour("air");
    if (!latest) throw core::Error("forecast train", "the store holds no air data");
    core::Instant first = *latest - core::Instant(o.training_days) * core::kDay;
    // Start at the first air value (no empty years in front).
    core::Instant earliest = *latest;
    for (const auto& s : en.sites()) {
      if (s.kind != "air") continue;
      for (int v = 0; v < kPollutantCount; ++v)
        if (const auto* ser = en.series(s.id, std::string(var_code(v))); ser && !ser->empty())
          earliest = std::min(earliest, ser->first());
    }
    return panel_from_engine(en, std::max(first, earliest), *latest, 0);
  });
  stop_if(cancelled);  // reading years of hours may take a while
  if (ep.panel.site_count() == 0) throw core::Error("forecast train", "no air sites");
  TrainOptions t;
  t.end = ep.latest + 1;
  t.threads = o.threads;
  t.max_rounds = o.max_rounds;
  if (!o.pollutants.empty()) t.pollutants = o.pollutants;
  t.log = log;
  t.cancelled = cancelled;
  return train_models(ep.panel, t);
}

int apply_weather_forecasts(store::Store& s, const engine::Engine& e, Panel& panel, int t, core::Instant issued) {
  store::RecordQuery q;
  q.kind = ingest::kWeatherForecastKind;
  q.from = issued - 3 * core::kDay;
  q.to = issued + 1;
  std::map<std::string, ingest::PointForecast> newest;  // place -> newest issue (later records win)
  for (const auto& r : s.records(q)) {
    try {
      auto f = ingest::point_forecast_from(r);
      auto it = newest.find(f.place);
      if (it == newest.end() || f.issued >= it->second.issued) newest[f.place] = std::move(f);
    } catch (const core::Error& err) {
      std::cerr << "skyriver: forecast: " << err.what() << " (skipped)" << std::endl;
    }
  }
  if (newest.empty()) return 0;
  int sites = 0;
  e.read([&](const engine::Engine& en) {
    for (int i = 0; i < panel.site_count(); ++i) {
      // The site, then its area and the area's parents.
      std::vector<std::string> chain{panel.site(i)};
      if (const auto* site = en.site(panel.site(i))) {
        std::string a = site->area;
        for (int guard = 0; guard < 16 && !a.empty(); ++guard) {
          chain.push_back(a);
          const auto* area = en.area(a);
          a = area ? area->parent : "";
        }
      }
      const ingest::PointForecast* f = nullptr;
      for (const auto& p : chain)
        if (auto it = newest.find(p); it != newest.end()) {
          f = &it->second;
          break;
        }
      if (!f) continue;
      ++sites;
      // Humidity last: its dew point needs the temperature of the same hour (perhaps forecast too).
      std::vector<const std::pair<const std::string, std::vector<std::pair<core::Instant, double>>>*> params;
      for (const auto& p : f->values) params.push_back(&p);
      std::stable_partition(params.begin(), params.end(), [](const auto* p) { return p->first != "rh"; });
      for (const auto* param_series : params) {
        const auto& [param, series] = *param_series;
        std::optional<int> v = var_of(param);
        const bool rh = param == "rh";
        if ((!v || *v < kMetFirst) && !rh) continue;
        for (const auto& [time, value] : series) {
          const int k = panel.index(time);
          if (k <= t || k >= panel.hours()) continue;  // only the hours after the issue
          if (rh) {  // humidity -> dew point (the model reads dew point)
            const float temp = panel.at(i, kTemp, k);
            if (std::isnan(temp) || value <= 0) continue;
            const double g = std::log(std::min(100.0, value) / 100.0) + 17.625 * temp / (243.04 + temp);
            if (std::isnan(panel.at(i, kDewp, k))) panel.set(i, kDewp, k, float(243.04 * g / (17.625 - g)));
          } else {
            panel.set(i, *v, k, float(value));
          }
        }
      }
    }
  });
  return sites;
}

std::string record_key(const PlaceForecast& p) { return p.kind + ":" + p.id; }

nlohmann::json record_body(const PlaceForecast& p, const Issue& issue) {
  nlohmann::json j = to_json(p, issue, kHourlyHorizons);
  j.erase("time");  // the hours follow from latest_data_hour: hour h starts at latest + h hours
  return j;
}

bool replaces(const std::string& newer_version, const std::string& older_version) {
  return !newer_version.empty() || older_version.empty();
}

namespace {

std::string version_of(const store::Record& r) {
  const auto j = nlohmann::json::parse(r.body, nullptr, false);
  return j.is_object() && j.contains("model_version") && j["model_version"].is_string() ? j["model_version"].get<std::string>()
                                                                                        : "";
}

}  // namespace

std::vector<store::Record> one_per_issue(std::vector<store::Record> records) {
  std::map<std::pair<std::string, core::Instant>, std::pair<std::size_t, std::string>> best;  // -> index, version
  for (std::size_t i = 0; i < records.size(); ++i) {
    std::string v = version_of(records[i]);
    auto [it, fresh] = best.try_emplace({records[i].key, records[i].at}, i, v);
    if (!fresh && replaces(v, it->second.second)) it->second = {i, std::move(v)};
  }
  std::vector<bool> keep(records.size());
  for (const auto& [k, iv] : best) keep[iv.first] = true;
  std::vector<store::Record> out;
  for (std::size_t i = 0; i < records.size(); ++i)
    if (keep[i]) out.push_back(std::move(records[i]));
  return out;
}

Forecaster::Forecaster(engine::Engine& e, std::string store_url, DailyAqiBoard* board, ForecasterOptions o)
    : engine_(e), url_(std::move(store_url)), board_(board), o_(std::move(o)) {}

Forecaster::~Forecaster() {
  {
    std::lock_guard lock(thread_mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Forecaster::on_issue(Listener l) {
  std::lock_guard lock(mutex_);
  listeners_.push_back(std::move(l));
}

void Forecaster::log(const std::string& line) { std::cout << "skyriver: forecast: " << line << std::endl; }

std::shared_ptr<const Issue> Forecaster::latest() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

std::shared_ptr<const ModelSet> Forecaster::models() const {
  std::lock_guard lock(mutex_);
  return models_;
}

nlohmann::json Forecaster::status() const {
  std::lock_guard lock(mutex_);
  nlohmann::json j;
  j["state"] = state_;
  j["retrain"] = "when the data is " + std::to_string(o_.retrain_days) + " days past the model's training end";
  j["last_training_reason"] = last_training_reason_;
  if (models_) {
    j["model_version"] = models_->version;
    j["training_range"] = {{"from", core::format_iso(models_->from)}, {"to", core::format_iso(models_->to)}};
    j["weather_models"] = models_->has_weather();
  }
  if (latest_) {
    j["issued"] = core::format_iso(latest_->issued);
    j["latest_data_hour"] = core::format_iso(latest_->latest);
    j["sites"] = latest_->sites.size();
    j["areas"] = latest_->areas.size();
    j["issue_seconds"] = latest_->seconds;
  }
  return j;
}

void Forecaster::start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(thread_mutex_);
    while (!stop_) {
      lock.unlock();
      try {
        step();
      } catch (const std::exception& e) {
        std::cerr << "skyriver: forecast: " << e.what() << std::endl;
        std::lock_guard l(mutex_);
        state_ = std::string("error: ") + e.what();
      }
      lock.lock();
      cv_.wait_for(lock, std::chrono::duration<double>(o_.poll_seconds), [this] { return stop_; });
    }
  });
}

std::string models_dir_for(const std::string& url) {
  if (url.find("://") != std::string::npos || url.starts_with("postgres")) return "var/models";
  const std::filesystem::path parent = std::filesystem::path(url).parent_path();
  return (parent.empty() ? std::filesystem::path("models") : parent / "models").string();
}

std::optional<core::Instant> Forecaster::issue_if_due() {
  if (!store_) store_ = store::Store::open(url_);
  const auto now = engine_.read([](const engine::Engine& e) { return e.latest_hour("air"); });
  // A saved model set, once.
  if (!tried_saved_) {
    tried_saved_ = true;
    if (auto dir = ModelSet::newest(o_.models_dir)) {
      try {
        auto m = std::make_shared<const ModelSet>(ModelSet::load(*dir));
        log("model " + m->version + " loaded from " + *dir);
        std::lock_guard lock(mutex_);
        models_ = std::move(m);
      } catch (const core::Error& e) {
        log(std::string("saved model not usable (") + e.what() + "): will train");
      }
    }
  }
  if (!now) {
    std::lock_guard lock(mutex_);
    state_ = "waiting for air data";
    return now;
  }
  const auto current = models();
  // Issue with what there is, so a forecast (perhaps a fallback) exists at once.
  if (!issued_for_ || *issued_for_ != *now || issued_with_ != (current ? current->version : "")) issue(*now);
  return now;
}

void Forecaster::prime() { issue_if_due(); }

void Forecaster::step() {
  const auto now = issue_if_due();
  if (!now) return;
  auto current = models();
  std::string why;
  if (!current) why = "no model yet";
  else if (*now + core::kHour - current->to >= core::Instant(o_.retrain_days) * core::kDay)
    why = "the data (" + core::format_iso(*now) + ") is " + std::to_string((*now + core::kHour - current->to) / core::kDay) +
          " days past the training end (" + core::format_iso(current->to) + "); schedule: every " +
          std::to_string(o_.retrain_days) + " days of new data";
  if (why.empty() || !o_.train) return;
  if (current && current->to > *now) return;  // trained on newer data than the engine holds
  if (tried_training_for_ == *now) return;      // failed on this data already: wait for more
  tried_training_for_ = *now;
  {
    std::lock_guard lock(mutex_);
    state_ = "training (" + why + ")";
    last_training_reason_ = why;
  }
  log("training: " + why);
  const auto t0 = std::chrono::steady_clock::now();
  ModelSet fresh;
  try {
    fresh = train_from_engine(
        engine_, o_,
        [this](const std::string& l) {
          std::lock_guard lock(mutex_);
          state_ = "training: " + l;
        },
        [this] {
          std::lock_guard lock(thread_mutex_);
          return stop_;
        });
  } catch (const TrainingCancelled&) {
    log("training stopped: the server is stopping (the previous model, if any, stays)");
    return;
  }
  try {
    fresh.save(o_.models_dir);
  } catch (const std::exception& e) {
    log(std::string("model not saved: ") + e.what());
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  log("model " + fresh.version + " trained in " + std::to_string(int(secs)) + " s (" + std::to_string(fresh.models.size()) +
      " models), saved under " + o_.models_dir);
  for (const auto& n : fresh.notes) log("  " + n);
  {
    std::lock_guard lock(mutex_);
    models_ = std::make_shared<const ModelSet>(std::move(fresh));
  }
  issue(*now);
}

void Forecaster::issue(core::Instant latest_hour) {
  const auto models = this->models();
  EnginePanel ep = engine_.read([&](const engine::Engine& e) {
    return panel_from_engine(e, latest_hour - core::Instant(o_.history_days) * core::kDay + core::kHour, latest_hour,
                             kMaxHorizon);
  });
  const core::Instant issued = latest_hour + core::kHour;
  int with_weather = 0;
  if (ep.panel.site_count() > 0) with_weather = apply_weather_forecasts(*store_, engine_, ep.panel, ep.latest, issued);
  IssueOptions io;
  io.t = ep.latest;
  io.site_names = ep.names;
  io.areas = ep.areas;
  io.area_rule = engine_.read([](const engine::Engine& e) { return e.area_rule(); });
  io.threads = o_.threads;
  auto issue = std::make_shared<Issue>(issue_forecasts(ep.panel, models.get(), io));
  if (o_.store_issues) {
    // What the journal holds for this hour already (an issue before a restart, or another
    // process's): a place is written only if its record would replace what is there.
    store::RecordQuery q;
    q.kind = kForecastKind;
    q.from = issue->issued;
    q.to = issue->issued + 1;
    std::map<std::string, std::string> held;  // key -> the version that counts
    for (const auto& r : one_per_issue(store_->records(q))) held[r.key] = version_of(r);
    const std::string version = issue->model_version;
    std::vector<store::Record> recs;
    for (const auto* list : {&issue->sites, &issue->areas})
      for (const auto& p : *list) {
        if (auto h = held.find(record_key(p)); h != held.end() && (h->second == version || !replaces(version, h->second)))
          continue;
        store::Record r;
        r.kind = kForecastKind;
        r.key = record_key(p);
        r.at = issue->issued;
        r.who = "system";
        r.body = record_body(p, *issue).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        recs.push_back(std::move(r));
      }
    if (!recs.empty()) store_->append(recs);
  }
  std::vector<DailyAqi> daily;
  for (const auto& a : issue->areas) daily.insert(daily.end(), a.daily.begin(), a.daily.end());
  std::vector<Listener> listeners;
  {
    std::lock_guard lock(mutex_);
    latest_ = issue;
    issued_for_ = latest_hour;
    issued_with_ = models ? models->version : "";
    state_ = models ? "issued with model " + models->version : "issued (fallback only: no model yet)";
    listeners = listeners_;
  }
  if (board_) board_->publish(daily);
  log("issued " + core::format_iso(issue->issued) + " for " + std::to_string(issue->sites.size()) + " sites and " +
      std::to_string(issue->areas.size()) + " areas in " + std::to_string(issue->seconds).substr(0, 5) + " s" +
      (models ? " (model " + models->version + ")" : " (fallback: no model yet)") +
      (with_weather ? ", weather forecast for " + std::to_string(with_weather) + " sites" : ""));
  for (const auto& l : listeners) l(*issue);
}

}  // namespace skyriver::forecast
