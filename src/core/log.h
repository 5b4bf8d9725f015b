// The one logger of the platform: operational messages of the long-running commands (serve,
// import, the HJ 212 server) with time and level, through spdlog's default logger.
//
//   core::setup_logging();                    // once, at start-up (main does it)
//   spdlog::info("serving http://{}:{}/", address, port);
//   spdlog::warn("accept: {} (backing off)", ec.message());
//
// Lines go to stderr as "2026-03-01 12:00:00.123 +08:00 [info] message" (local time with its
// offset). The level comes from SKYRIVER_LOG (trace, debug, info, warn, error, off; default
// info). Command output (tables, reports, JSON) is not logging: it stays on stdout.
// Thread-safe: spdlog's default logger is safe from any thread once set up.
#pragma once

#include <spdlog/spdlog.h>

namespace skyriver::core {

void setup_logging();

}  // namespace skyriver::core
