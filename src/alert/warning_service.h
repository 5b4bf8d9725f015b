// The warnings part of a running server, started by `skyriver serve` in a few lines: reads the
// city's warning.toml and curtailment.toml, opens the desk's own store connection, subscribes
// the desk to the daily AQI forecasts published on the board (forecast/daily.h), and sends every
// proposal and step to the live stream (SSE event "warning", data {"event": .., ...}) and by
// webhook POST to the URLs of warning.toml (alert::Webhook; event names "warning.proposal",
// "warning.issue", "warning.adjust", "warning.lift").
//
// start_warnings() returns nullptr when the city has no warning.toml; a bad file throws
// core::Error naming the file and key (the server does not start half-configured).
// REQUIRES: city, engine and board outlive the service; `sse` is thread-safe.
#pragma once

#include "alert/warning_desk.h"
#include "alert/webhook.h"

#include <functional>
#include <memory>
#include <string>

namespace skyriver::alert {

struct WarningService {
  WarningConfig config;
  CurtailmentList curtailment;
  std::unique_ptr<Webhook> webhook;  // null when no URL is configured
  std::unique_ptr<WarningDesk> desk;
};

std::unique_ptr<WarningService> start_warnings(const std::string& config_dir, const std::string& store_url,
                                               const model::CityConfig& city, const engine::Engine& engine,
                                               forecast::DailyAqiBoard& board,
                                               std::function<void(const std::string& event, const std::string& data)> sse);

}  // namespace skyriver::alert
