// skyriver: the one executable. Subcommands live in cmd_*.cpp (see command.h).
#include "app/command.h"
#include "core/error.h"
#include "core/fd_limit.h"
#include "core/log.h"
#include "core/secret.h"

#include <algorithm>
#include <iostream>
#include <map>

namespace skyriver::app {

std::vector<CommandEntry>& commands() {
  static std::vector<CommandEntry> all;
  return all;
}

Command::Command(std::string name, std::string description, Setup setup) {
  commands().push_back({std::move(name), std::move(description), std::move(setup)});
}

}  // namespace skyriver::app

int main(int argc, char** argv) {
  using namespace skyriver;
  core::setup_logging();
  core::raise_fd_limit();  // servers need a descriptor per connection (core/fd_limit.h)
  CLI::App cli{"skyriver — air and surface-water monitoring, assessment and forecast for a city's "
               "Ecology & Environment Bureau (大同市生态环境局)"};
  cli.require_subcommand(1);
  auto& cmds = app::commands();
  std::sort(cmds.begin(), cmds.end(), [](auto& a, auto& b) { return a.name < b.name; });
  std::map<CLI::App*, app::Action> actions;
  for (auto& c : cmds) {
    CLI::App* sub = cli.add_subcommand(c.name, c.description);
    actions[sub] = c.setup(*sub);
  }
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int status = cli.exit(e);
    return status == 0 ? 0 : 2;  // a bad command line is bad input, like core::Error
  }
  try {
    for (auto& [sub, action] : actions)
      if (sub->parsed()) return action();
  } catch (const core::Error& e) {
    std::cerr << "skyriver: " << core::redact_url(e.what()) << "\n";  // a store URL may carry a password
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "skyriver: " << core::redact_url(e.what()) << "\n";
    return 1;
  }
  return 0;
}
