// Subcommands of the `skyriver` executable. Each src/app/cmd_<name>.cpp defines one and
// registers it at start-up with a static `Command` object:
//
//   static skyriver::app::Command aqi{"aqi", "compute IAQI and AQI", [](CLI::App& cmd) {
//     ... add options ...
//     return [opts]() -> int { ... run, return the exit status ... };
//   }};
//
// The setup function adds options to its CLI11 subcommand and returns the action run when
// that subcommand was chosen. Errors thrown as core::Error are printed as "skyriver: where: why"
// with exit status 2.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace skyriver::app {

using Action = std::function<int()>;
using Setup = std::function<Action(CLI::App&)>;

struct Command {
  Command(std::string name, std::string description, Setup setup);
};

struct CommandEntry {
  std::string name, description;
  Setup setup;
};
std::vector<CommandEntry>& commands();

// The version and the editions of the standards implemented (`skyriver version`, `--version`).
std::string version_text();

}  // namespace skyriver::app
