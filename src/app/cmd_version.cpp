// `skyriver version` (and `skyriver --version`): the program's version and the editions of the
// standards it implements. The version itself is core/version.h's, which the OpenAPI document
// carries too.
#include "app/command.h"
#include "core/version.h"

#include <iostream>
#include <string>

std::string skyriver::app::version_text() {
  return std::string("skyriver ") + skyriver::core::kVersion +
         "\n"
         "air: HJ 633-2012/2026, GB 3095-2012/2026, HJ 663-2013/2026 (switch 2026-03-01)\n"
         "water: GB 3838-2002, 地表水环境质量评价办法 (2011), CWQI (2017)\n"
         "transmission: HJ 212-2017, HJ/T 212-2005, HJ 212-2025 (partial)";
}

static skyriver::app::Command version_command{
    "version", "print the version and the standards implemented", [](CLI::App&) {
      return []() {
        std::cout << skyriver::app::version_text() << "\n";
        return 0;
      };
    }};
