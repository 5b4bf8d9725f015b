// The dispatcher and the session logic without sockets (dispatch.h, session.h): what one frame
// gives (answers now, the writer's job), bounded state under a hostile station, and the
// session cut from any chunking of the byte stream.
#include "ingest/hj212/decode.h"
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
// or the log without bound: the first line of the kind in full, the rest in one summary at
// the end of the window (issue 27, item 10: the old "log once" keys ran out for good).
TEST(Hj212Dispatch, LogIsRateLimitedPerWindowWithSummary) {
  World s;
  const int n = 10500;
  for (int i = 0; i < n; ++i) {
    char code[16];
    std::snprintf(code, sizeof code, "x%05d", i);
    s.d->handle(frame("20240101010000000", std::string("DataTime=20240101000000;") + code + "-Avg=1"), "p:1", kNow);
  }
  auto lines = s.sink->last_formatted();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("x00000"), std::string::npos) << lines[0];
  EXPECT_EQ(s.d->stats().log_suppressed, static_cast<std::uint64_t>(n - 1));
  s.d->flush_log(kNow + 59);  // the window (60 s) is not over
  EXPECT_EQ(s.sink->last_formatted().size(), 1u);
  s.d->flush_log(kNow + 60);
  lines = s.sink->last_formatted();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[1].find("10499 more"), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("in the last 60 s; first: "), std::string::npos) << lines[1];
  // The next window starts afresh: the next unknown code is logged in full.
  s.d->handle(frame("20240101010000000", "DataTime=20240101000000;y00001-Avg=1"), "p:1", kNow + 61);
  EXPECT_NE(s.sink->last_formatted().back().find("y00001"), std::string::npos);
}

// Issue 27, item 10: twelve seconds of frames from unknown MNs silenced the log for good. Now,
// after 20,000 unknown MNs, a wrong password on a real station, a 2099 value, a 1970 value and
// an unknown command are each still logged at once, and the flood gets its summary.
TEST(Hj212Dispatch, FloodOfUnknownMnsDoesNotSilenceSecurityLines) {
  World w;
  struct {
    std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink;
    std::unique_ptr<Dispatcher> d;
  } s{w.sink};
  DispatchOptions o{true, std::chrono::seconds(3600), {}, std::make_shared<spdlog::logger>("t", w.sink)};
  o.lockout.address_failures = 1000000;  // this test is about the log, not the lock-outs
  s.d = std::make_unique<Dispatcher>(w.city, o);
  for (int i = 0; i < 20000; ++i) {
    char mn[32];
    std::snprintf(mn, sizeof mn, "FAKE%020d", i);
    s.d->handle(encode_frame(std::string("QN=20240101010000000;ST=22;CN=2061;PW=123456;MN=") + mn +
                             ";Flag=5;CP=&&DataTime=20240101000000;a34004-Avg=1&&"),
                "10.9.9." + std::to_string(i % 200 + 1) + ":5000", kNow + i / 2000);
  }
  EXPECT_EQ(s.sink->last_formatted().size(), 1u);  // the first unknown MN
  s.d->handle(frame("20240101010000001", "DataTime=20240101000000;a34004-Avg=80", "654321"), "10.0.0.1:1", kNow + 11);
  s.d->handle(frame("20240101010000002", "DataTime=20990101000000;a34004-Avg=80"), "10.0.0.1:1", kNow + 11);
  s.d->handle(frame("20240101010000003", "DataTime=19700101000000;a34004-Avg=80"), "10.0.0.1:1", kNow + 11);
  s.d->handle(encode_frame("QN=20240101010000004;ST=22;CN=3999;PW=123456;MN=" + kMn + ";Flag=5;CP=&&&&"), "10.0.0.1:1",
              kNow + 11);
  auto lines = s.sink->last_formatted();
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_NE(lines[1].find("wrong password"), std::string::npos) << lines[1];
  EXPECT_NE(lines[2].find("ahead of the server clock"), std::string::npos) << lines[2];
  EXPECT_NE(lines[3].find("behind the server clock"), std::string::npos) << lines[3];
  EXPECT_NE(lines[4].find("unknown command CN=3999"), std::string::npos) << lines[4];
  s.d->flush_log(kNow + 60);
  lines = s.sink->last_formatted();
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_NE(lines[5].find("19999 more 'unknown MN (no configured site)' events from 19999 distinct subjects"),
            std::string::npos)
      << lines[5];
}

// Issue 27, item 1: an unknown MN and a wrong password get the same answer (9011 QnRtn=3),
// so that answers do not tell which MNs exist.
TEST(Hj212Dispatch, UnknownMnAndWrongPasswordGetTheSameAnswer) {
  World s;
  const std::string other = "010000A89000172100000099";  // no site has it
  const Handled wrong = s.d->handle(frame("20240101010000000", "DataTime=20240101000000;a34004-Avg=80", "000000"),
                                    "10.0.0.1:1", kNow);
  const Handled unknown = s.d->handle(encode_frame("QN=20240101010000000;ST=22;CN=2061;PW=000000;MN=" + other +
                                                   ";Flag=5;CP=&&DataTime=20240101000000;a34004-Avg=80&&"),
                                      "10.0.0.1:1", kNow);
  ASSERT_EQ(wrong.answers.size(), 1u);
  ASSERT_EQ(unknown.answers.size(), 1u);
  const auto a = decode_frame(wrong.answers[0], "a"), b = decode_frame(unknown.answers[0], "b");
  ASSERT_TRUE(a.ok && b.ok);
  EXPECT_EQ(a.packet->cn, "9011");
  EXPECT_EQ(b.packet->cn, "9011");
  EXPECT_EQ(*a.packet->field("QnRtn"), "3");
  EXPECT_EQ(*b.packet->field("QnRtn"), "3");
  // Byte for byte the same but for the MN echoed (and so the CRC).
  std::string x = wrong.answers[0], y = unknown.answers[0];
  x.replace(x.find(kMn), kMn.size(), other);
  EXPECT_EQ(x.substr(0, x.size() - 6), y.substr(0, y.size() - 6));
  EXPECT_EQ(wrong.job->verdict, "quarantine:pw");
  EXPECT_EQ(unknown.job->verdict, "quarantine:mn");
}

// Issue 27, item 1, with the defaults the issue gives (5 failures -> 1 min, doubling to 1 h):
// guesses from one address lock that (address, MN) out; the rightful station sending from its
// own address is not locked out; the lock-out ends on time; the next one is twice as long; a
// lock-out of a known MN is a security event.
TEST(Hj212Dispatch, PasswordLockoutPerAddressAndMn) {
  World s;
  std::vector<SecurityEvent> events;
  DispatchOptions o{true, std::chrono::seconds(3600), {}, std::make_shared<spdlog::logger>("t", s.sink)};
  o.on_security = [&](const SecurityEvent& e) { events.push_back(e); };
  Dispatcher d(s.city, o);
  const std::string good = "DataTime=20240101000000;a34004-Avg=80";
  auto send = [&](const std::string& pw, const std::string& from, core::Instant t) {
    return d.handle(frame("20240101010000000", good, pw), from, t);
  };
  auto accepted = [](const Handled& h) { return h.job && h.job->verdict == "ok" && h.job->observations.size() == 1; };
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(accepted(send("00000" + std::to_string(i), "127.0.0.2:4000", kNow)));
  EXPECT_TRUE(events.empty());
  EXPECT_TRUE(accepted(send("123456", "127.0.0.2:4000", kNow)));  // 4 failures: not locked yet
  for (int i = 0; i < 5; ++i) send("99999" + std::to_string(i), "127.0.0.2:4001", kNow + 1);
  EXPECT_EQ(d.stats().lockouts, 1u);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, "lockout");
  EXPECT_EQ(events[0].site, "1721A");
  EXPECT_EQ(events[0].address, "127.0.0.2");
  EXPECT_EQ(events[0].lock, std::chrono::seconds(60));
  // Locked: even the right password from 127.0.0.2 is refused, with the same answer ...
  const Handled locked = send("123456", "127.0.0.2:4002", kNow + 2);
  EXPECT_FALSE(accepted(locked));
  ASSERT_EQ(locked.answers.size(), 1u);
  EXPECT_NE(locked.answers[0].find("QnRtn=3"), std::string::npos);
  EXPECT_EQ(locked.job->verdict, "quarantine:locked");
  // ... while the station from its own address goes on.
  EXPECT_TRUE(accepted(send("123456", "127.0.0.1:4000", kNow + 2)));
  // The lock-out ends 60 s after it began (kNow + 1).
  EXPECT_FALSE(accepted(send("123456", "127.0.0.2:4003", kNow + 60)));
  EXPECT_EQ(d.stats().refused_locked, 2u);
  // One failure after it relocks for twice as long (120 s from kNow + 61).
  EXPECT_FALSE(accepted(send("000000", "127.0.0.2:4004", kNow + 61)));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].lock, std::chrono::seconds(120));
  EXPECT_FALSE(accepted(send("123456", "127.0.0.2:4005", kNow + 61 + 119)));
  EXPECT_TRUE(accepted(send("123456", "127.0.0.2:4006", kNow + 61 + 120)));
}

// Doubling stops at 1 h; failures over many MNs lock the address out (20 by default); an
// unknown MN's lock-out is no security event (no station to warn about).
TEST(Hj212Dispatch, AddressLockoutAndLongestLockout) {
  World s;
  std::vector<SecurityEvent> events;
  DispatchOptions o{true, std::chrono::seconds(3600), {}, std::make_shared<spdlog::logger>("t", s.sink)};
  o.on_security = [&](const SecurityEvent& e) { events.push_back(e); };
  Dispatcher d(s.city, o);
  for (int i = 0; i < 20; ++i)
    d.handle(encode_frame("QN=20240101010000000;ST=22;CN=2061;PW=1;MN=GUESS" + std::to_string(i) +
                          ";Flag=5;CP=&&DataTime=20240101000000;a34004-Avg=1&&"),
             "127.0.0.5:1", kNow);
  EXPECT_TRUE(events.empty());
  const Handled h = d.handle(frame("20240101010000000", "DataTime=20240101000000;a34004-Avg=80"), "127.0.0.5:2", kNow);
  EXPECT_EQ(h.job->verdict, "quarantine:locked");
  EXPECT_EQ(d.handle(frame("20240101010000000", "DataTime=20240101000000;a34004-Avg=80"), "127.0.0.6:2", kNow).job->verdict,
            "ok");
  // 60, 120, 240, 480, 960, 1920, then 3600 (not 3840) and 3600 again.
  core::Instant t = kNow + 100000;
  std::vector<long> locks;
  for (int i = 0; i < 5; ++i) d.handle(frame("20240101010000000", "DataTime=20240101000000;a34004-Avg=80", "x"), "127.0.0.7:1", t);
  for (int k = 0; k < 8; ++k) {
    locks.push_back(events.back().lock.count());
    t += events.back().lock.count();
    d.handle(frame("20240101010000000", "DataTime=20240101000000;a34004-Avg=80", "x"), "127.0.0.7:1", t);
  }
  EXPECT_EQ(locks, (std::vector<long>{60, 120, 240, 480, 960, 1920, 3600, 3600}));
}

// Issue 27, item 1: a site's `allow` list: a logger outside it is refused like a wrong
// password (same answer), and counted as a failure.
TEST(Hj212Dispatch, AllowedAddressesPerSite) {
  World s;
  for (auto& site : s.city.sites)
    if (site.mn == kMn) site.allow = {*model::parse_address_range("10.1.2.0/24")};
  Dispatcher d(s.city, DispatchOptions{true, std::chrono::seconds(3600), {}, std::make_shared<spdlog::logger>("t", s.sink)});
  const std::string cp = "DataTime=20240101000000;a34004-Avg=80";
  EXPECT_EQ(d.handle(frame("20240101010000000", cp), "10.1.2.77:5000", kNow).job->verdict, "ok");
  const Handled out = d.handle(frame("20240101010000000", cp), "10.1.3.1:5000", kNow);
  EXPECT_EQ(out.job->verdict, "quarantine:address");
  ASSERT_EQ(out.answers.size(), 1u);
  EXPECT_NE(out.answers[0].find("QnRtn=3"), std::string::npos);
  EXPECT_TRUE(out.job->observations.empty());
}

// Issue 27, item 3: values more than max_age (31 days) behind the clock are quarantined with
// the reason, like future ones; 30 days back (a logger's backlog) is stored.
TEST(Hj212Dispatch, FarPastValuesQuarantined) {
  World s;
  // kNow = 2024-01-01 02:00 Beijing. 2023-12-01 00:00 Beijing is 31 days + 2 h back;
  // 2023-12-02 00:00 is 30 days + 2 h back.
  const Handled old = s.d->handle(frame("20240101010000000", "DataTime=20231201000000;a34004-Avg=80"), "p:1", kNow);
  ASSERT_TRUE(old.job);
  EXPECT_TRUE(old.job->observations.empty());
  ASSERT_EQ(old.job->quarantined.size(), 1u);
  EXPECT_NE(old.job->quarantined[0].reason.find("behind the server clock"), std::string::npos);
  EXPECT_NE(old.job->quarantined[0].reason.find("--hj212-max-age"), std::string::npos);
  EXPECT_EQ(old.job->answers.size(), 1u);  // acknowledged: the station must not resend it forever
  const Handled ok = s.d->handle(frame("20240101010000001", "DataTime=20231202000000;a34004-Avg=80"), "p:1", kNow);
  EXPECT_EQ(ok.job->observations.size(), 1u);
  EXPECT_EQ(s.d->stats().past_values, 1u);
}

// Issue 27, item 4: a split frame whose PNUM/PNO are wrong, asking for an answer (A bit), gets
// 9011 (QnRtn 2, rejected; HJ 212-2017 Table 7) instead of silence.
TEST(Hj212Dispatch, InvalidSplitFrameAskingForAnswerGets9011) {
  World s;
  const Handled h = s.d->handle(encode_frame("QN=20240101010000000;ST=22;CN=2061;PW=123456;MN=" + kMn +
                                             ";Flag=7;PNUM=2;PNO=3;CP=&&DataTime=20240101000000;a34004-Avg=80&&"),
                                "p:1", kNow);
  ASSERT_EQ(h.answers.size(), 1u);
  const auto a = decode_frame(h.answers[0], "answer");
  ASSERT_TRUE(a.ok);
  EXPECT_EQ(a.packet->cn, "9011");
  EXPECT_EQ(a.packet->qn, "20240101010000000");
  EXPECT_EQ(*a.packet->field("QnRtn"), "2");
  // Without the A bit (Flag=6: D only), no answer.
  EXPECT_TRUE(s.d->handle(encode_frame("QN=20240101010000000;ST=22;CN=2061;PW=123456;MN=" + kMn +
                                       ";Flag=6;PNUM=2;PNO=3;CP=&&DataTime=20240101000000;a34004-Avg=80&&"),
                          "p:1", kNow)
                  .answers.empty());
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
