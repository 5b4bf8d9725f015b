// Runs the built `skyriver` executable (SKYRIVER_BINARY) with `args`, as a user would from a
// shell, and returns its exit status with stdout and stderr together. Test helper only.
#pragma once

#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace skyriver::test {

struct CliRun {
  int status;
  std::string out;  // stdout and stderr
};

inline CliRun run_cli(const std::string& args) {
  const std::string cmd = std::string(SKYRIVER_BINARY) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return {-1, "popen failed: " + cmd};
  std::string out;
  std::array<char, 4096> buf;
  while (std::size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  const int st = pclose(p);
  return {WEXITSTATUS(st), out};
}

}  // namespace skyriver::test
