// `skyriver serve` stops promptly on SIGTERM while it trains the forecast (issue 29, defect 6):
// a server on the bundled Datong sample with no saved model starts training at once; SIGTERM
// once the training has begun must end the process within 10 s (the contract is 5 s:
// cancellation is checked before each model and boosting round, per site of a climatology fit
// and every few thousand feature rows), and the log says the training was stopped. The server
// is this test's own child process (loopback, port 0); every wait is bounded.
#include <gtest/gtest.h>

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Reads what the child wrote to `fd` until `text` appears or `deadline` passes.
bool read_until(int fd, std::string& log, const std::string& text, Clock::time_point deadline) {
  while (log.find(text) == std::string::npos && Clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return false;
    log.append(buf, static_cast<std::size_t>(n));
  }
  return log.find(text) != std::string::npos;
}

TEST(ServeShutdown, SigtermDuringTrainingEndsTheServer) {
  char tmpl[] = "/tmp/skyriver-shutdown-test.XXXXXX";
  const fs::path dir = mkdtemp(tmpl);
  const std::string src = SKYRIVER_SOURCE_DIR, bin = SKYRIVER_BINARY, db = (dir / "store.db").string();
  const std::string import = bin + " import --format cnemc --no-progress --config " + src + "/config/datong --db '" + db +
                             "' " + src + "/data/datong/china_sites_2019_datong_sample.csv.gz > " +
                             (dir / "import.log").string() + " 2>&1";
  ASSERT_EQ(std::system(import.c_str()), 0) << "import failed, see " << dir / "import.log";

  int out[2];
  ASSERT_EQ(pipe(out), 0);
  std::vector<std::string> args{bin,      "serve",  "--config", src + "/config/datong", "--db", db, "--port", "0",
                                "--web",  src + "/web", "--threads", "2", "--forecast-retrain-days", "7",
                                "--forecast-models", (dir / "models").string()};
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    dup2(out[1], 2);
    close(out[0]);
    close(out[1]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  close(out[1]);
  std::string log;
  // No saved model: the forecaster's thread trains at once (it logs "training: no model yet").
  // "serving http" comes once the signal handler is set (cmd_serve.cpp).
  const auto start_deadline = Clock::now() + std::chrono::seconds(60);
  const bool training = read_until(out[0], log, "serving http", start_deadline) &&
                        read_until(out[0], log, "forecast: training: ", start_deadline);
  if (!training) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    close(out[0]);
    fs::remove_all(dir);
    FAIL() << "the server never started training:\n" << log;
  }
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  int status = 0;
  pid_t done = 0;
  while ((done = waitpid(pid, &status, WNOHANG)) == 0 && Clock::now() < deadline) {
    read_until(out[0], log, "\x01never", Clock::now() + std::chrono::milliseconds(50));
  }
  if (done == 0) {  // still running after 10 s: the defect; end it so the test finishes
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  read_until(out[0], log, "\x01never", Clock::now() + std::chrono::milliseconds(200));
  close(out[0]);
  fs::remove_all(dir);
  ASSERT_EQ(done, pid) << "serve still ran 10 s after SIGTERM during training:\n" << log;
  EXPECT_TRUE(WIFEXITED(status)) << log;
  EXPECT_EQ(WEXITSTATUS(status), 0) << log;
  EXPECT_NE(log.find("training stopped"), std::string::npos) << "SIGTERM came after the training ended:\n" << log;
}

}  // namespace
