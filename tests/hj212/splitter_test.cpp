// The stream splitter: partial frames, several frames per read, garbage, torn and oversize frames.
#include "ingest/hj212/splitter.h"

#include <gtest/gtest.h>

using skyriver::hj212::FrameSplitter;

namespace {
// REFERENCE.md 9.3 #1 and the 9014 vector, with their CR LF.
const std::string kA =
    "##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&1C80\r\n";
const std::string kB =
    "##0087QN=20160801085857223;ST=91;CN=9014;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&&&3240\r\n";
}  // namespace

TEST(Hj212Splitter, ByteByByte) {
  FrameSplitter s;
  std::vector<std::string> got;
  for (char c : kA + kB) {
    s.feed(std::string_view(&c, 1));
    while (auto f = s.next()) got.push_back(*f);
  }
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], kA);
  EXPECT_EQ(got[1], kB);
  EXPECT_EQ(s.skipped_bytes(), 0u);
}

TEST(Hj212Splitter, SeveralFramesAndGarbage) {
  FrameSplitter s;
  s.feed("noise\r\n\x01\x02#" + kA + "xx" + kB + "##0101QN=torn");
  auto a = s.next(), b = s.next(), c = s.next();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, kA);
  EXPECT_EQ(*b, kB);
  EXPECT_FALSE(c);
  EXPECT_EQ(s.skipped_bytes(), 7u + 3u + 2u);  // "noise\r\n", "\x01\x02#", "xx"
  // The torn frame is followed by a whole one: the last "##" before CR LF wins.
  s.feed(kA);
  auto d = s.next();
  ASSERT_TRUE(d);
  EXPECT_EQ(*d, kA);
}

TEST(Hj212Splitter, OversizeDroppedThenRecovers) {
  FrameSplitter s(256);
  s.feed("##9999" + std::string(1000, 'x'));
  EXPECT_FALSE(s.next());
  EXPECT_EQ(s.oversize_frames(), 1u);
  EXPECT_LT(s.buffered(), 300u);  // memory stays bounded
  s.feed("\r\n" + kB);
  auto f = s.next();
  ASSERT_TRUE(f);
  EXPECT_EQ(*f, kB);
}
