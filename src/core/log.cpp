#include "core/log.h"

#include <spdlog/sinks/stdout_sinks.h>

#include <cstdlib>
#include <mutex>
#include <string>

namespace skyriver::core {

void setup_logging() {
  static std::once_flag once;
  std::call_once(once, [] {
    auto logger = std::make_shared<spdlog::logger>("skyriver", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %z [%l] %v");
    spdlog::level::level_enum level = spdlog::level::info;
    const char* env = std::getenv("SKYRIVER_LOG");
    const std::string wanted = env ? env : "";
    // spdlog reads an unknown name as "off": a typo must not silence the server.
    const bool known = !wanted.empty() && (spdlog::level::from_str(wanted) != spdlog::level::off || wanted == "off");
    if (known) level = spdlog::level::from_str(wanted);
    logger->set_level(level);
    logger->flush_on(spdlog::level::trace);  // a server's log must be complete when it dies
    spdlog::set_default_logger(std::move(logger));
    if (!wanted.empty() && !known) spdlog::warn("SKYRIVER_LOG: unknown level '{}' (trace, debug, info, warn, error, off): using info", wanted);
  });
}

}  // namespace skyriver::core
