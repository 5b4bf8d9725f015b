// The accept loops' policy when accept() fails: back off 10 ms, 20, 40 ... up to 1 s, log the
// first failure of an episode only, start again from 10 ms after a success.
#include "core/accept_backoff.h"

#include <gtest/gtest.h>

using skyriver::core::AcceptBackoff;
using std::chrono::milliseconds;

TEST(AcceptBackoff, BacksOffToOneSecondAndLogsOncePerEpisode) {
  AcceptBackoff b;
  EXPECT_EQ(b.succeeded(), 0u);
  const auto s1 = b.failed();
  EXPECT_EQ(s1.wait, milliseconds(10));
  EXPECT_TRUE(s1.log);
  std::vector<long> waits;
  int logs = 0;
  for (int i = 0; i < 200; ++i) {
    const auto s = b.failed();
    waits.push_back(static_cast<long>(s.wait.count()));
    logs += s.log;
  }
  EXPECT_EQ(logs, 0);  // 201 failures, one log line
  EXPECT_EQ(waits[0], 20);
  EXPECT_EQ(waits[1], 40);
  EXPECT_EQ(waits[6], 1000);  // 1280 capped
  EXPECT_EQ(waits.back(), 1000);
  EXPECT_EQ(b.succeeded(), 201u);
  const auto again = b.failed();  // a new episode
  EXPECT_EQ(again.wait, milliseconds(10));
  EXPECT_TRUE(again.log);
}
