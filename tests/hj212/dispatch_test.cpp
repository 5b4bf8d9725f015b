// The dispatcher and the session logic without sockets (dispatch.h, session.h): what one frame
// gives (answers now, the writer's job), bounded state under a hostile station, and the
// session cut from any chunking of the byte stream.
#include "ingest/hj212/dispatch.h"
#include "ingest/hj212/frame.h"
#include "ingest/hj212/session.h"
#include "model/city.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>

using namespace skyriver;
using namespace skyriver::hj212;

namespace {

// 1721A in config/datong/air_stations.toml (example MN and password).
const std::string kMn = "010000A89000172100000001";
constexpr core::Instant kNow = 1704038400 + 7200;  // 2024-01-01 02:00 Beijing

struct World {
  model::CityConfig city = model::load_city(SKYRIVER_SOURCE_DIR "/config/datong");
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(100000);
  std::unique_ptr<Dispatcher> d;
  World() {
    sink->set_pattern("%v");
    d = std::make_unique<Dispatcher>(
        city, DispatchOptions{true, std::chrono::seconds(3600), {}, std::make_shared<spdlog::logger>("t", sink)});
  }
};

std::string frame(const std::string& qn, const std::string& cp, const std::string& pw = "123456") {
  return encode_frame("QN=" + qn + ";ST=22;CN=2061;PW=" + pw + ";MN=" + kMn + ";Flag=5;CP=&&" + cp + "&&");
}

}  // namespace

TEST(Hj212Dispatch, DataFrameGivesJobWithAnswerAfterDurability) {
  World s;
  const Handled h = s.d->handle(frame("20240101010000000", "DataTime=20240101000000;a34004-Avg=80,a34004-Flag=N"), "p:1", kNow);
  EXPECT_TRUE(h.answers.empty());  // the 9014 waits for the writer
  ASSERT_TRUE(h.job);
  EXPECT_EQ(h.job->verdict, "ok");
  ASSERT_EQ(h.job->observations.size(), 1u);
  EXPECT_EQ(h.job->observations[0].site, "1721A");
  ASSERT_EQ(h.job->answers.size(), 1u);
  EXPECT_NE(h.job->answers[0].find("CN=9014"), std::string::npos);
}

// A station that sends a new unknown code in every frame must not grow the server's memory
// or the log without bound: one line per (station, code), at most kMaxLogKeys remembered.
TEST(Hj212Dispatch, LogOncePerStationAndReasonIsBounded) {
  World s;
  const int n = static_cast<int>(Dispatcher::kMaxLogKeys) + 500;
  for (int i = 0; i < n; ++i) {
    char code[16];
    std::snprintf(code, sizeof code, "x%05d", i);
    s.d->handle(frame("20240101010000000", std::string("DataTime=20240101000000;") + code + "-Avg=1"), "p:1", kNow);
    s.d->handle(frame("20240101010000000", std::string("DataTime=20240101000000;") + code + "-Avg=1"), "p:1", kNow);
  }
  EXPECT_EQ(s.d->log_keys(), Dispatcher::kMaxLogKeys);
  EXPECT_EQ(s.d->stats().log_suppressed, 500u * 2);
  EXPECT_EQ(s.sink->last_formatted().size(), Dispatcher::kMaxLogKeys);
}

// Table C.50: parts answered one by one; a message that stops early is counted and logged once
// per station; a resent part (same QN) changes nothing.
TEST(Hj212Dispatch, SplitProgressPerStation) {
  World s;
  auto part = [&](const std::string& qn, int pnum, int pno) {
    return s.d->handle(encode_frame("QN=" + qn + ";ST=22;CN=2061;PW=123456;MN=" + kMn + ";Flag=7;PNUM=" +
                                    std::to_string(pnum) + ";PNO=" + std::to_string(pno) +
                                    ";CP=&&DataTime=20240101000000;a34004-Avg=80&&"),
                       "p:1", kNow);
  };
  EXPECT_EQ(part("20240101010000001", 3, 1).job->answers.size(), 1u);
  EXPECT_EQ(part("20240101010000001", 3, 1).job->answers.size(), 1u);  // resent: answered again
  EXPECT_EQ(part("20240101010000002", 3, 2).job->answers.size(), 1u);
  EXPECT_EQ(part("20240101010000003", 3, 3).job->answers.size(), 1u);
  EXPECT_EQ(s.d->stats().split_incomplete, 0u);
  part("20240101010000004", 3, 1);
  part("20240101010000005", 2, 1);  // a new message before part 2 of the previous
  part("20240101010000006", 2, 1);
  EXPECT_EQ(s.d->stats().split_incomplete, 2u);
  EXPECT_EQ(s.d->stats().split_parts, 7u);
  int logged = 0;
  for (const auto& m : s.sink->last_formatted()) logged += m.find("split message") != std::string::npos;
  EXPECT_EQ(logged, 1);
}

// The session cuts frames from any chunking: byte by byte gives the same answers and jobs as
// one read.
TEST(Hj212Dispatch, SessionAnyChunking) {
  World s;
  const std::string bytes = "junk" + frame("20240101010000000", "DataTime=20240101000000;a34004-Avg=80") +
                            encode_frame("QN=20240101010000001;ST=22;CN=1013;PW=123456;MN=" + kMn + ";Flag=5;CP=&&&&") +
                            frame("20240101020000000", "DataTime=20240101010000;a34004-Avg=81");
  SessionLogic whole(*s.d, "p:1", 4096), bytewise(*s.d, "p:2", 4096);
  std::vector<std::string> a1, a2;
  std::vector<Job> j1, j2;
  whole.feed(bytes, kNow, a1, j1);
  for (char c : bytes) bytewise.feed(std::string_view(&c, 1), kNow, a2, j2);
  EXPECT_EQ(a1.size(), 2u);  // 9013 + 1012
  ASSERT_EQ(j1.size(), 3u);
  ASSERT_EQ(j2.size(), j1.size());
  for (std::size_t i = 0; i < j1.size(); ++i) EXPECT_EQ(j1[i].frame, j2[i].frame);
  EXPECT_EQ(whole.garbage_bytes(), 4u);
  EXPECT_EQ(whole.buffered(), 0u);
}
