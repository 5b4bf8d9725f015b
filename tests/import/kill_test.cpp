// Crash safety: `skyriver import` killed with SIGKILL mid-way leaves only whole batches, the
// import log shows the interrupted import with exactly the committed counts, and a rerun
// completes it with no duplicates. Runs the real executable (SKYRIVER_BINARY) as a child.
#include "../store/backends.h"
#include "raw_count.h"
#include "../support/shared_data.h"
#include "store/store.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <thread>

using namespace skyriver;

namespace {

const std::string kCity = std::string(SKYRIVER_SOURCE_DIR) + "/config/datong";
const std::string kDongsi =
    std::string(SKYRIVER_SHARED_DIR) + "/data/beijing_prsa/PRSA_Data_Dongsi_20130301-20170228.csv.gz";
constexpr int kBatch = 1000;

pid_t spawn_import(const std::string& url, const std::filesystem::path& dir) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    const std::string rejects = (dir / "rejects.txt").string(), batch = std::to_string(kBatch);
    execl(SKYRIVER_BINARY, SKYRIVER_BINARY, "import", "--format", "uci", "--db", url.c_str(),
          "--config", kCity.c_str(), "--batch", batch.c_str(), "--rejects", rejects.c_str(),
          "--no-progress", kDongsi.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

class KillTest : public ::testing::TestWithParam<std::string> {};

TEST_P(KillTest, KilledImportLeavesWholeBatchesAndARerunCompletesIt) {
  SKYRIVER_REQUIRE_SHARED_DATA();
  const auto dir = testkit::scratch_dir();
  struct Cleanup {
    std::filesystem::path d;
    ~Cleanup() { std::filesystem::remove_all(d); }
  } cleanup{dir};  // also when the test skips or fails early
  const std::string url = SKYRIVER_FRESH_URL(GetParam(), dir);
  SKYRIVER_REQUIRE_BACKEND(url);
  auto db = store::Store::open(url);  // schema created before the child starts

  const pid_t pid = spawn_import(url, dir);
  ASSERT_GT(pid, 0);
  // Wait until a few batches are committed, then kill without warning.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  std::size_t seen = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    seen = db->count({});
    if (seen >= 3 * kBatch) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the import finished before it could be killed (seen " << seen << ")";

  const std::size_t n = db->count({});
  EXPECT_GE(n, 3u * kBatch);
  EXPECT_EQ(n % kBatch, 0u) << "a partial batch is visible";
  auto log = db->imports();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].status, "running");
  EXPECT_EQ(log[0].finished, 0);
  EXPECT_EQ(log[0].stored, n);  // the log was committed with each batch

  // Rerun to completion.
  const pid_t again = spawn_import(url, dir);
  waitpid(again, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  // Expected total: the file's non-NA value cells (No,year,month,day,hour and station excluded).
  std::size_t expected = 0;
  auto lines = testkit::raw_lines(kDongsi);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    auto f = testkit::raw_split(lines[i]);
    for (std::size_t c = 5; c + 1 < f.size(); ++c) expected += f[c] != "NA" && !f[c].empty();
  }
  EXPECT_EQ(db->count({}), expected);
  log = db->imports();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].status, "done");
  EXPECT_EQ(log[1].duplicates, n);
  EXPECT_EQ(log[1].stored, expected - n);
  EXPECT_EQ(log[0].status, "running");  // the interrupted run stays visible
}

INSTANTIATE_TEST_SUITE_P(Backends, KillTest, ::testing::Values("sqlite", "postgresql"),
                         testkit::backend_name);

}  // namespace
