#include "alert/warning_service.h"

#include <spdlog/spdlog.h>

#include <filesystem>

namespace skyriver::alert {

std::unique_ptr<WarningService> start_warnings(const std::string& config_dir, const std::string& store_url,
                                               const model::CityConfig& city, const engine::Engine& engine,
                                               forecast::DailyAqiBoard& board,
                                               std::function<void(const std::string& event, const std::string& data)> sse) {
  const std::string file = warning_file(config_dir);
  if (!std::filesystem::exists(file)) return nullptr;
  auto s = std::make_unique<WarningService>();
  s->config = load_warning_config(file);
  s->curtailment = load_curtailment(curtailment_file(config_dir), city);
  if (!s->config.webhooks.empty()) s->webhook = std::make_unique<Webhook>(s->config.webhooks);
  DeskOptions o;
  Webhook* hook = s->webhook.get();
  o.announce = [hook, sse](const std::string& event, const nlohmann::json& data) {
    nlohmann::json j = data;
    j["event"] = event;
    if (sse) sse("warning", j.dump());
    if (hook) hook->post(event, data);
  };
  s->desk = std::make_unique<WarningDesk>(s->config, s->curtailment, city, engine, store::Store::open(store_url), o);
  WarningDesk* desk = s->desk.get();
  board.subscribe([desk](const std::vector<forecast::DailyAqi>& issue) {
    try {
      desk->on_forecast(issue);
    } catch (const std::exception& e) {
      spdlog::error("warnings: a forecast issue could not be judged: {}", e.what());
    }
  });
  return s;
}

}  // namespace skyriver::alert
