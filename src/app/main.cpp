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
  cli.set_version_flag("--version", app::version_text(), "print the version and the standards implemented");
  auto& cmds = app::commands();
  std::sort(cmds.begin(), cmds.end(), [](auto& a, auto& b) { return a.name < b.name; });
  std::map<CLI::App*, app::Action> actions;
  for (auto& c : cmds) {
    CLI::App* sub = cli.add_subcommand(c.name, c.description);
    actions[sub] = c.setup(*sub);
  }
  // `skyriver help [COMMAND...]`: the same text as --help, for the program or one command.
  std::vector<std::string> help_topic;
  CLI::App* help = cli.add_subcommand("help", "show the commands, or one command's options: skyriver help [COMMAND [SUB]]");
  help->add_option("command", help_topic, "the command (and subcommand) to explain");
  try {
    cli.parse(argc, argv);
    if (help->parsed()) {
      CLI::App* topic = &cli;
      for (const auto& name : help_topic) {
        CLI::App* next = nullptr;
        try {
          next = topic->get_subcommand(name);
        } catch (const CLI::OptionNotFound&) {
        }
        if (!next) {
          std::cerr << "skyriver: help: no command '" << name << "'\n" << topic->help();
          return 2;
        }
        topic = next;
      }
      // The formatter, not App::help(): on the root, help() would describe the parsed `help` itself.
      std::cout << topic->get_formatter()->make_help(topic, topic->get_name(), CLI::AppFormatMode::Normal);
      return 0;
    }
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
