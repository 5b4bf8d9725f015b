// A real `skyriver` process for the HJ 212 process-level tests (crash, durability, EMFILE,
// `serve` options): started with its stdout and stderr in a log file, optionally under a tool
// (strace) and with a lower open-files limit, in a working folder of its own. The bound port is
// read from the log; a test that cannot read it FAILS (it never skips). Test helper only.
#pragma once

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace skyriver::test {

class Child {
 public:
  struct Options {
    std::vector<std::string> args;     // after the program (e.g. {"hj212", "serve", ...})
    std::vector<std::string> wrapper;  // a program to run it under (e.g. {"strace", "-f", ...})
    std::filesystem::path cwd, log;
    rlim_t max_files = 0;  // RLIMIT_NOFILE for the child; 0 = inherited
  };

  explicit Child(Options o) : o_(std::move(o)) {
    std::vector<std::string> argv = o_.wrapper;
    argv.push_back(SKYRIVER_BINARY);
    argv.insert(argv.end(), o_.args.begin(), o_.args.end());
    pid_ = fork();
    if (pid_ == 0) {
      const int fd = ::open(o_.log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      dup2(fd, 1);
      dup2(fd, 2);
      if (!o_.cwd.empty() && chdir(o_.cwd.c_str()) != 0) _exit(126);
      if (o_.max_files) {
        rlimit r{o_.max_files, o_.max_files};
        setrlimit(RLIMIT_NOFILE, &r);
      }
      std::vector<char*> v;
      for (auto& a : argv) v.push_back(a.data());
      v.push_back(nullptr);
      execvp(v[0], v.data());
      _exit(127);
    }
  }
  ~Child() { stop(SIGKILL); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }

  std::string log() const {
    std::ifstream in(o_.log);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  // The first match of `pattern`'s group 1 in the log within `seconds`, or nullopt.
  std::optional<std::string> wait_for(const std::string& pattern, int seconds = 30) const {
    const std::regex re(pattern);
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < end) {
      std::smatch m;
      const std::string text = log();
      if (std::regex_search(text, m, re)) return m.size() > 1 ? m[1].str() : m[0].str();
      if (!alive()) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return std::nullopt;
  }

  // The port printed as "...<prefix><port>"; ADD_FAILURE (never a skip) when it does not come.
  int port(const std::string& prefix) const {
    const auto p = wait_for(prefix + "([0-9]+)");
    if (!p) {
      ADD_FAILURE() << "no port (" << prefix << "N) in the log of the child; log:\n" << log();
      return 0;
    }
    return std::stoi(*p);
  }

  bool alive() const {
    if (pid_ <= 0) return false;
    int st = 0;
    return waitpid(pid_, &st, WNOHANG) == 0;
  }

  // Sends `sig` and waits for the process; returns its wait status (-1 when already reaped).
  int stop(int sig = SIGTERM, int seconds = 30) {
    if (pid_ <= 0) return -1;
    kill(pid_, sig);
    int st = 0;
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (waitpid(pid_, &st, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > end) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &st, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    pid_ = -1;
    return st;
  }

  // CPU seconds (user + system) the process has used so far (/proc/<pid>/stat).
  double cpu_seconds() const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
    std::string s((std::istreambuf_iterator<char>(in)), {});
    const auto close = s.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream rest(s.substr(close + 2));
    std::string field;
    double ticks = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i)
      if (i == 14 || i == 15) ticks += std::stod(field);
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
  }

 private:
  Options o_;
  pid_t pid_ = -1;
};

}  // namespace skyriver::test
