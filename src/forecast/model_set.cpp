#include "forecast/model_set.h"

#include "core/error.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace skyriver::forecast {

namespace fs = std::filesystem;

BoosterParams params_for(Weather weather, int h_first) {
  BoosterParams p;
  if (h_first <= 3) {  // the last hours say most: deep trees
    p.max_depth = 6, p.min_child_weight = 20, p.eta = 0.1, p.subsample = 0.8, p.colsample_bytree = 0.8;
  } else if (h_first <= 24 || weather == Weather::future) {
    p.max_depth = weather == Weather::future ? 6 : 4;
    p.min_child_weight = weather == Weather::future ? 50 : 200;
    p.eta = weather == Weather::future ? 0.1 : 0.06;
    p.subsample = 0.7, p.colsample_bytree = 0.5;
  } else {  // beyond a day without weather: additive stumps on top of the anchor
    p.max_depth = 1, p.min_child_weight = 500, p.eta = 0.04, p.subsample = 0.7, p.colsample_bytree = 0.7;
  }
  return p;
}

const HorizonModel* ModelSet::find(Weather w, int var, int h) const {
  for (const auto& m : models)
    if (m.weather == w && m.var == var && h >= m.h_first && h <= m.h_last) return &m;
  return nullptr;
}

bool ModelSet::has_weather() const {
  return std::any_of(models.begin(), models.end(), [](const auto& m) { return m.weather == Weather::future; });
}

namespace {

std::string hour_stamp(core::Instant t) {
  const auto c = core::to_beijing(t);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d%02d", c.date.year, c.date.month, c.date.day, c.hour);
  return buf;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw core::Error(p.string(), "cannot read");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
  if (!out) throw core::Error(p.string(), "cannot write");
}

std::string model_file(const HorizonModel& m) {
  return std::string(var_code(m.var)) + "_" + std::string(to_string(m.weather)) + "_" + std::to_string(m.h_first) +
         "-" + std::to_string(m.h_last) + ".json";
}

}  // namespace

nlohmann::json to_json(const HorizonModel& m) {
  nlohmann::json j = m.card();
  j["file"] = model_file(m);
  return j;
}

HorizonModel horizon_model_from_json(const nlohmann::json& j, const std::string& booster_bytes) {
  HorizonModel m;
  try {
    const auto var = var_of(j.at("pollutant").get<std::string>());
    if (!var) throw core::Error("model card", "unknown pollutant");
    m.var = *var;
    m.h_first = j.at("horizons")[0].get<int>(), m.h_last = j.at("horizons")[1].get<int>();
    m.weather = j.at("weather").get<std::string>() == "future" ? Weather::future : Weather::none;
    m.rounds = j.at("rounds").get<int>();
    m.anchor_weight = j.at("anchor_weight").get<std::vector<float>>();
    m.level_alpha = j.at("level_alpha").get<std::vector<float>>();
    const auto& h = j.at("held_out");
    auto num = [](const nlohmann::json& x) { return x.is_null() ? NAN : x.get<double>(); };
    m.held_out.rows = h.at("rows").get<std::size_t>();
    m.held_out.rmse = num(h.at("rmse")), m.held_out.mae = num(h.at("mae"));
    m.held_out.rmse_persistence = num(h.at("rmse_persistence"));
    m.held_out.rmse_climatology = num(h.at("rmse_climatology"));
    auto read_part = [](const nlohmann::json& x, int h_last) {
      IntervalPart p;
      p.h_last = h_last;
      p.bin_edges = x.at("bin_edges").get<std::vector<float>>();
      for (const auto& q : x.at("error_quantiles")) {
        std::array<float, kQuantileLevels.size()> a{};
        for (std::size_t i = 0; i < a.size(); ++i) a[i] = q.at(i).get<float>();
        p.error_quantiles.push_back(a);
      }
      return p;
    };
    const auto& iv = j.at("interval");
    if (iv.contains("parts")) {
      for (const auto& x : iv.at("parts")) m.interval.push_back(read_part(x, x.at("horizons")[1].get<int>()));
    } else {  // cards saved before the parts (2026-11): one part for the whole block
      m.interval.push_back(read_part(iv, m.h_last));
    }
  } catch (const nlohmann::json::exception& e) {
    throw core::Error("model card", std::string("malformed: ") + e.what());
  }
  m.booster = Booster::load(booster_bytes);
  return m;
}

nlohmann::json ModelSet::card() const {
  nlohmann::json j;
  j["version"] = version;
  j["trained_at"] = core::format_iso(trained_at);
  j["training_range"] = {{"from", core::format_iso(from)}, {"to", core::format_iso(to)}};
  j["sites"] = sites;
  j["features"] = {{"none", FeatureBuilder::names(Weather::none)}, {"future", FeatureBuilder::names(Weather::future)}};
  j["models"] = nlohmann::json::array();
  for (const auto& m : models) j["models"].push_back(to_json(m));
  j["notes"] = notes;
  return j;
}

void ModelSet::save(const std::string& models_dir) const {
  const fs::path dir = fs::path(models_dir) / version;
  const fs::path tmp = fs::path(models_dir) / ("." + version + ".tmp");
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp);
  for (const auto& m : models) write_file(tmp / model_file(m), m.booster.save());
  write_file(tmp / "climatology.json", clim.to_json().dump());
  write_file(tmp / "card.json", card().dump(1));
  fs::remove_all(dir, ec);
  fs::rename(tmp, dir);  // a folder appears whole or not at all
}

ModelSet ModelSet::load(const std::string& folder) {
  const fs::path dir(folder);
  nlohmann::json card;
  try {
    card = nlohmann::json::parse(read_file(dir / "card.json"));
  } catch (const nlohmann::json::exception& e) {
    throw core::Error((dir / "card.json").string(), e.what());
  }
  ModelSet s;
  try {
    s.version = card.at("version").get<std::string>();
    auto instant = [](const nlohmann::json& x) {
      const std::string t = x.get<std::string>();
      const auto c = core::parse_civil(t.substr(0, 19));
      if (!c) throw core::Error("model card", "bad time '" + t + "'");
      return core::from_beijing(*c);
    };
    s.trained_at = instant(card.at("trained_at"));
    s.from = instant(card.at("training_range").at("from"));
    s.to = instant(card.at("training_range").at("to"));
    s.sites = card.at("sites").get<std::vector<std::string>>();
    s.notes = card.value("notes", std::vector<std::string>{});
    // A model reads features by position: a card written with other features is unusable.
    if (card.at("features").at("none").get<std::vector<std::string>>() != FeatureBuilder::names(Weather::none) ||
        card.at("features").at("future").get<std::vector<std::string>>() != FeatureBuilder::names(Weather::future))
      throw core::Error(folder, "models were trained with other features (an older version): retrain");
    for (const auto& m : card.at("models"))
      s.models.push_back(horizon_model_from_json(m, read_file(dir / m.at("file").get<std::string>())));
  } catch (const nlohmann::json::exception& e) {
    throw core::Error((dir / "card.json").string(), e.what());
  }
  try {
    s.clim = Climatology::from_json(nlohmann::json::parse(read_file(dir / "climatology.json")));
  } catch (const nlohmann::json::exception& e) {
    throw core::Error((dir / "climatology.json").string(), e.what());
  }
  return s;
}

std::optional<std::string> ModelSet::newest(const std::string& models_dir) {
  std::error_code ec;
  if (!fs::is_directory(models_dir, ec)) return std::nullopt;
  std::optional<std::string> best;
  for (const auto& e : fs::directory_iterator(models_dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name[0] == '.' || !fs::is_regular_file(e.path() / "card.json")) continue;
    // Names sort by training end then time trained (fixed-width stamps).
    if (!best || name > fs::path(*best).filename().string()) best = e.path().string();
  }
  return best;
}

ModelSet train_models(const Panel& panel, const TrainOptions& o) {
  ModelSet s;
  s.trained_at = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const int end = std::clamp(o.end, 0, panel.hours());
  s.from = panel.start();
  s.to = panel.time(end);
  char stamp[24];
  std::snprintf(stamp, sizeof stamp, "%lld", static_cast<long long>(s.trained_at));
  s.version = hour_stamp(s.to) + "-" + stamp;
  for (int i = 0; i < panel.site_count(); ++i) s.sites.push_back(panel.site(i));
  s.clim = Climatology::fit(panel, end, true, Climatology::kMinCount, o.cancelled);

  // Weather models only where the history holds weather (wind and temperature at least).
  bool weather = false;
  for (int i = 0; i < panel.site_count() && !weather; ++i)
    for (int k = 0; k < end && !weather; ++k)
      weather = !std::isnan(panel.at(i, kWspm, k)) && !std::isnan(panel.at(i, kTemp, k));
  std::vector<Weather> modes{Weather::none};
  if (o.with_weather && weather) modes.push_back(Weather::future);

  for (int var : o.pollutants) {
    std::size_t present = 0;
    for (int i = 0; i < panel.site_count(); ++i)
      for (int k = 0; k < end; ++k) present += !std::isnan(panel.at(i, var, k));
    const std::size_t days = present / 24;
    if (days < std::size_t(o.min_days)) {
      s.notes.push_back(std::string(var_code(var)) + ": " + std::to_string(days) +
                        " days of values, fewer than " + std::to_string(o.min_days) + ": no model (fallback)");
      continue;
    }
    TrainSpan span;
    span.target_end = end;
    span.valid_hours = std::min(365 * 24, end / 4);
    span.issue_step = o.issue_step;
    for (Weather w : modes)
      for (const auto& b : kBlocks) {
        if (o.log)
          o.log("training " + std::string(var_code(var)) + " +" + std::to_string(b[0]) + ".." + std::to_string(b[1]) +
                " h, weather " + std::string(to_string(w)));
        stop_if(o.cancelled);
        BoosterParams p = params_for(w, b[0]);
        p.threads = o.threads;
        p.cancelled = o.cancelled;
        if (o.max_rounds > 0) p.max_rounds = o.max_rounds, p.early_stop = std::min(p.early_stop, o.max_rounds);
        try {
          s.models.push_back(fit_horizon_model(panel, s.clim, w, var, b[0], b[1], span, p));
        } catch (const core::Error& e) {
          s.notes.push_back(std::string(var_code(var)) + " +" + std::to_string(b[0]) + ".." + std::to_string(b[1]) +
                            " h: " + e.why());
        }
      }
  }
  return s;
}

}  // namespace skyriver::forecast
