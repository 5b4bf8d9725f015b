// The command line as a newcomer meets it (issue 31): a --db naming no store is refused by every
// reader and creates nothing; writers create one and say so; `help` and `--version` work; the
// configuration is found from any folder, and a missing file is one clear line.
#include "../support/run_cli.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <unistd.h>

namespace fs = std::filesystem;
using skyriver::test::run_cli;

namespace {

const std::string kConfig = std::string(SKYRIVER_SOURCE_DIR) + "/config/datong";

// A scratch folder of this test program, removed at exit.
struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("skyriver-cli-test-" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(dir); }
  ~Scratch() { fs::remove_all(dir); }
};
const fs::path& scratch() {
  static Scratch s;
  return s.dir;
}

// Runs the binary from `folder` with the environment assignments `env` ("A=b C=d").
skyriver::test::CliRun run_in(const fs::path& folder, const std::string& env, const std::string& args) {
  const std::string cmd = "cd '" + folder.string() + "' && env -u SKYRIVER_CONFIG " + env + " " + SKYRIVER_BINARY + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return {-1, "popen failed: " + cmd};
  std::string out;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int st = pclose(p);
  return {WEXITSTATUS(st), out};
}

}  // namespace

TEST(Cli, ReadersRefuseAStoreThatIsNotThereAndCreateNothing) {
  const fs::path missing = scratch() / "typo" / "store.db";
  const std::string db = " --db " + missing.string() + " --config " + kConfig;
  for (const std::string cmd : {"db stats", "db conflicts", "db imports", "db quarantine", "report month --month 2019-11",
                                "report day --date 2019-11-01", "report year --year 2019", "plan status --year 2019",
                                "forecast score --from 2019-11-01 --to 2019-11-02", "compensate --period 2019Q1",
                                "water realtime"}) {
    const auto r = run_cli(cmd + db);
    EXPECT_EQ(r.status, 2) << cmd << "\n" << r.out;
    EXPECT_NE(r.out.find(missing.string() + ": no store there (nothing was created)"), std::string::npos) << cmd << "\n" << r.out;
    EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << cmd << ": one line\n" << r.out;
    EXPECT_FALSE(fs::exists(missing.parent_path())) << cmd;
  }
}

TEST(Cli, WritersCreateAStoreAndSaySo) {
  const fs::path store = scratch() / "new" / "store.db";
  auto r = run_cli("db init --db " + store.string() + " --config " + kConfig);
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("created a new store at " + store.string()), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(store));
  r = run_cli("db init --db " + store.string() + " --config " + kConfig);  // there now: not created again
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out.find("created"), std::string::npos) << r.out;
  r = run_cli("db stats --db " + store.string());  // and readers open it
  EXPECT_EQ(r.status, 0) << r.out;
}

TEST(Cli, HelpAndVersion) {
  auto r = run_cli("--version");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out.rfind("skyriver 0.1.0\n", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("HJ 633"), std::string::npos);
  r = run_cli("help");
  EXPECT_EQ(r.status, 0) << r.out;
  for (const char* c : {"report", "db", "serve", "import", "help"}) EXPECT_NE(r.out.find(c), std::string::npos) << c << "\n" << r.out;
  r = run_cli("help report month");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("--month"), std::string::npos) << r.out;
  r = run_cli("help nosuch");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("help: no command 'nosuch'"), std::string::npos) << r.out;
}

TEST(Cli, TheConfigurationIsFoundFromAnyFolder) {
  // From a folder without config/: the source tree the binary was built from.
  auto r = run_in(scratch(), "", "db init --db any.db");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("loaded from " + kConfig), std::string::npos) << r.out;
  // SKYRIVER_CONFIG first.
  r = run_in(scratch(), "SKYRIVER_CONFIG=" + kConfig, "db init --db any.db");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("loaded from " + kConfig), std::string::npos) << r.out;
  // A configuration that is not there: one line naming it.
  r = run_in(scratch(), "SKYRIVER_CONFIG=/nonexistent/cfg", "db init --db any.db");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("/nonexistent/cfg"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << r.out;
  // A missing rules file: its name and "no such file", not toml11's "file open error".
  r = run_in(scratch(), "", "compensate --period 2019Q1 --samples x.csv --rules /nonexistent/compensation.toml");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("skyriver: /nonexistent/compensation.toml: no such file"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("toml::parse"), std::string::npos) << r.out;
}
