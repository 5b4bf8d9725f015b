// `skyriver hj212 check --json` on the public samples: one JSON verdict per line, the CRC
// verdicts of PROVENANCE.md §4 (lines 1, 4, 6, 7, 10 fail, QnRtn 9), the edition of each frame.
#include "../support/shared_data.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <set>
#include <string>
#include <vector>

TEST(Hj212CheckCommand, JsonVerdictsOnPublicSamples) {
  SKYRIVER_REQUIRE_SHARED_DATA();
  const std::string cmd = std::string(SKYRIVER_BINARY) + " hj212 check --json --parameters " SKYRIVER_SOURCE_DIR
                          "/config/datong/parameters.toml " SKYRIVER_SHARED_DIR "/data/hj212/hj212_packets.txt";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::vector<nlohmann::json> out;
  char buf[8192];
  while (fgets(buf, sizeof buf, p)) out.push_back(nlohmann::json::parse(buf));
  const int status = pclose(p);
  EXPECT_NE(status, 0);  // some lines are rejected
  ASSERT_EQ(out.size(), 19u);
  const std::set<int> bad{1, 4, 6, 7, 10};
  for (const auto& j : out) {
    const int line = j["line"];
    if (bad.count(line)) {
      EXPECT_FALSE(j["ok"].get<bool>()) << line;
      EXPECT_EQ(j["reason"], "crc") << line;
      EXPECT_EQ(j["qnrtn"], 9) << line;
    } else {
      EXPECT_TRUE(j["ok"].get<bool>()) << line << ": " << j.dump();
    }
  }
  // Line 13 (IceCoffee, Flag=5): 2017, hourly PM values; line 2: 2005 (no Flag), B01 -> w00000.
  EXPECT_EQ(out[12]["edition"], "2017");
  EXPECT_EQ(out[12]["values"]["a34006"]["Avg"], 2.697);
  EXPECT_EQ(out[1]["edition"], "2005");
  EXPECT_EQ(out[1]["values"]["w00000"]["sent_code"], "B01");
  EXPECT_EQ(out[1]["data_time"], "2016-08-24T00:38:17+08:00");
}
