// The HJ 212 codec against the data-driven vectors in tests/conformance/hj212/frames.txt and
// the public sample packets in ../shared/data/hj212 (their CRC verdicts come from
// PROVENANCE.md §4, computed independently of this code).
#include "core/text.h"
#include "ingest/hj212/answers.h"
#include "ingest/hj212/crc.h"
#include "ingest/hj212/decode.h"
#include "ingest/hj212/observations.h"
#include "model/parameter.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include "../support/shared_data.h"

using namespace skyriver;
using namespace skyriver::hj212;

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) out.push_back(cur);
  return out;
}

void check_expectation(const Decoded& d, const std::string& check, const std::string& where) {
  const auto eq = check.find('=');
  ASSERT_NE(eq, std::string::npos) << where << ": bad check " << check;
  const std::string name = check.substr(0, eq), want = check.substr(eq + 1);
  const auto& p = *d.packet;
  if (name == "length_variant") {
    EXPECT_EQ(d.length_variant, want == "1") << where;
  } else if (name == "QN") {
    EXPECT_EQ(p.qn, want) << where;
  } else if (name == "ST") {
    EXPECT_EQ(p.st, want) << where;
  } else if (name == "CN") {
    EXPECT_EQ(p.cn, want) << where;
  } else if (name == "MN") {
    EXPECT_EQ(p.mn, want) << where;
  } else if (name == "PNO") {
    ASSERT_TRUE(p.pno) << where;
    EXPECT_EQ(std::to_string(*p.pno), want) << where;
  } else if (name == "DataTime") {
    ASSERT_TRUE(d.data && d.data->data_time) << where;
    EXPECT_EQ(format_hj212_time(*d.data->data_time), want) << where;
  } else if (const auto dash = name.rfind('-'); dash != std::string::npos) {
    ASSERT_TRUE(d.data) << where << ": no data block for " << check;
    const std::string code = name.substr(0, dash), suffix = name.substr(dash + 1);
    const Reading* r = nullptr;
    for (const auto& x : d.data->readings)
      if (x.code == code) r = &x;
    ASSERT_NE(r, nullptr) << where << ": no reading " << code;
    const auto v = r->value(suffix);
    ASSERT_TRUE(v) << where << ": no " << name;
    EXPECT_EQ(*v, *core::parse_number(want)) << where << ": " << name;
  } else {
    const std::string* v = p.field(name);
    ASSERT_NE(v, nullptr) << where << ": no CP field " << name;
    EXPECT_EQ(*v, want) << where;
  }
}

}  // namespace

TEST(Hj212Conformance, FramesFile) {
  const std::string path = SKYRIVER_SOURCE_DIR "/tests/conformance/hj212/frames.txt";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::string line;
  int n = 0, cases = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    ++cases;
    const std::string where = "frames.txt:" + std::to_string(n);
    const auto cols = split(line, '\t');
    ASSERT_EQ(cols.size(), 4u) << where;
    // 2005 codes mapped through the platform's parameter table (its hj212_old column).
    static const auto registry = model::load_parameters(SKYRIVER_SOURCE_DIR "/config/datong/parameters.toml");
    const auto d = decode_frame(cols[3], where, old_code_map(registry));
    if (cols[0] == "ok") {
      ASSERT_TRUE(d.ok) << where << ": " << d.message;
    } else {
      const auto v = split(cols[0], ':');
      ASSERT_EQ(v.size(), 3u) << where;
      ASSERT_FALSE(d.ok) << where << " was accepted";
      EXPECT_EQ(d.reason, v[1]) << where << ": " << d.message;
      EXPECT_EQ(static_cast<int>(d.qnrtn), std::stoi(v[2])) << where << ": " << d.message;
      EXPECT_NE(d.message.find(where), std::string::npos) << "rejection names the place: " << d.message;
      continue;
    }
    if (cols[1] != "-") {
      EXPECT_EQ(edition_name(d.packet->edition), cols[1]) << where;
    }
    if (cols[2] != "-") {
      for (const auto& c : split(cols[2], ';')) check_expectation(d, c, where);
    }
  }
  EXPECT_GT(cases, 40);
}

// Every public sample: our CRC verdict equals the one recorded in PROVENANCE.md §4 / the TSV.
TEST(Hj212Conformance, PublicSamplesCrcVerdicts) {
  SKYRIVER_REQUIRE_SHARED_DATA();
  const std::string path = SKYRIVER_SHARED_DIR "/data/hj212/hj212_packets_sources.tsv";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::string line;
  std::getline(in, line);  // header
  int rows = 0, crc_ok = 0;
  while (std::getline(in, line)) {
    const auto cols = split(line, '\t');
    ASSERT_GE(cols.size(), 7u);
    const bool want_crc = cols[5] == "True";
    const auto d = decode_frame(cols[6], "sample " + cols[0]);
    const bool crc_failed = !d.ok && d.reason == "crc";
    EXPECT_EQ(!crc_failed, want_crc) << "sample " << cols[0] << ": " << d.message;
    if (want_crc) {
      ++crc_ok;
      EXPECT_TRUE(d.ok) << "sample " << cols[0] << ": " << d.message;
    }
    ++rows;
  }
  EXPECT_EQ(rows, 19);
  EXPECT_EQ(crc_ok, 14);  // PROVENANCE.md §4: "14 packets pass both checks"
}

TEST(Hj212Crc, StandardExampleAndNotModbus) {
  // HJ 212-2017 Appendix A example: CRC 1C80 (the prose's "1C08" is a typo, REFERENCE.md 9.2).
  const std::string seg =
      "QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&";
  EXPECT_EQ(crc16_hex(seg), "1C80");
  // CRC-16/MODBUS of "123456789" is 4B37; the standard's routine gives something else.
  EXPECT_NE(crc16_hex("123456789"), "4B37");
}

TEST(Hj212Answers, DataAnswerMatchesReferenceVector) {
  // REFERENCE.md 9.3 extra vector 3: the 9014 answer to QN=20160801085857223 from that MN.
  const auto req = decode_frame(
      "##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&1C80",
      "t");
  ASSERT_TRUE(req.ok);
  Packet p = *req.packet;
  p.pw = "123456";
  EXPECT_EQ(answer_9014(p),
            "##0087QN=20160801085857223;ST=91;CN=9014;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&&&3240\r\n");
  const auto a = decode_frame(answer_9011(p, QnRtn::pw_error), "t");
  ASSERT_TRUE(a.ok) << a.message;
  EXPECT_EQ(*a.packet->field("QnRtn"), "3");
  // 2012-09-01 00:00:00 UTC = 08:00:00 Beijing.
  const auto t = decode_frame(set_time_1012(p, 1346457600, 5), "t");
  ASSERT_TRUE(t.ok) << t.message;
  EXPECT_EQ(*t.packet->field("SystemTime"), "20120901080000");
  EXPECT_EQ(t.packet->qn, "20120901080000005");
}

TEST(Hj212Answers, AnswerKeepsEditionOfRequest) {
  const auto req = decode_frame(
      "##0087QN=20260105080000000;ST=22;CN=9015;PW=123456;MN=010000A8900016F000169DC0;Flag=9;CP=&&&&E8C1", "t");
  ASSERT_TRUE(req.ok) << req.message;
  const auto a = decode_frame(answer_9013(*req.packet), "t");
  ASSERT_TRUE(a.ok);
  EXPECT_EQ(*a.packet->flag, 8);  // version 2, no D, no A
  EXPECT_EQ(a.packet->edition, Edition::hj2025);
}

// Issue 10: a code twice in one frame kept only the first value (the second was merged into the
// same reading and never read). Each repetition is a reading of its own, in frame order.
TEST(Hj212Readings, CodeTwiceGivesTwoReadings) {
  Packet p = parse_packet("QN=20240101010000000;ST=22;CN=2061;PW=123456;MN=X1;Flag=5;CP=&&DataTime=20240101000000;"
                          "a34004-Avg=80,a34004-Flag=N;a34002-Avg=120;a34004-Avg=95,a34004-Flag=M&&",
                          "test");
  const DataBlock d = read_data(p, "test");
  ASSERT_EQ(d.readings.size(), 3u);
  EXPECT_EQ(d.readings[0].code, "a34004");
  EXPECT_EQ(*d.readings[0].value("Avg"), 80);
  EXPECT_EQ(*d.readings[0].flag, 'N');
  EXPECT_EQ(d.readings[2].code, "a34004");
  EXPECT_EQ(*d.readings[2].value("Avg"), 95);
  EXPECT_EQ(*d.readings[2].flag, 'M');
}

// Issue 10: a frame whose length field is wrong still names its QN and MN: the answer can say
// why (decode keeps the packet, reason "length", QnRtn 2).
TEST(Hj212Decode, WrongLengthKeepsHeaderForTheAnswer) {
  std::string f = encode_frame("QN=20240101010000004;ST=22;CN=2061;PW=123456;MN=X1;Flag=5;CP=&&DataTime=20240101000000&&");
  f.replace(2, 4, "0999");
  const Decoded d = decode_frame(f, "test");
  EXPECT_FALSE(d.ok);
  EXPECT_EQ(d.reason, "length");
  EXPECT_EQ(d.qnrtn, QnRtn::rejected);
  ASSERT_TRUE(d.packet);
  EXPECT_EQ(d.packet->qn, "20240101010000004");
}
