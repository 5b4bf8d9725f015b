// The fast decoding path: the table CRC equals the bitwise loop of HJ 212-2017 Appendix A; the
// Decoder's views say exactly what the owning decode_frame says; and a warm Decoder allocates
// nothing for an accepted data frame (counted by replacing operator new in this program).
#include "ingest/hj212/crc.h"
#include "ingest/hj212/decode.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <new>
#include <random>

using namespace skyriver::hj212;

namespace {
std::atomic<long> g_allocs{0};
thread_local bool g_counting = false;
}  // namespace

// The replaced operator new uses malloc, so free is the matching release.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t n) {
  if (g_counting) ++g_allocs;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

// HJ 212-2017 Appendix A, CRC16_Checkout, as the standard writes it (REFERENCE.md 9.2).
std::uint16_t appendix_a(std::string_view s) {
  std::uint16_t crc = 0xFFFF;
  for (unsigned char b : s) {
    crc = static_cast<std::uint16_t>((crc >> 8) ^ b);
    for (int i = 0; i < 8; ++i) {
      const bool lsb = crc & 1;
      crc >>= 1;
      if (lsb) crc ^= 0xA001;
    }
  }
  return crc;
}

std::vector<std::string> sample_lines() {
  std::vector<std::string> out;
  for (const char* path : {SKYRIVER_SHARED_DIR "/data/hj212/hj212_packets.txt"}) {
    std::ifstream in(path);
    EXPECT_TRUE(in) << path;
    for (std::string l; std::getline(in, l);)
      if (!l.empty()) out.push_back(l);
  }
  std::ifstream in(SKYRIVER_SOURCE_DIR "/tests/conformance/hj212/frames.txt");
  for (std::string l; std::getline(in, l);) {
    if (l.empty() || l[0] == '#') continue;
    out.push_back(l.substr(l.rfind('\t') + 1));
  }
  return out;
}

}  // namespace

TEST(Hj212Crc, TableEqualsAppendixALoop) {
  EXPECT_EQ(crc16("QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&"),
            0x1C80);  // the standard's example
  std::mt19937 rng(212);
  std::string s;
  for (int len = 0; len < 600; ++len) {
    s.resize(static_cast<std::size_t>(len));
    for (int rep = 0; rep < 8; ++rep) {
      for (auto& c : s) c = static_cast<char>(rng());
      ASSERT_EQ(crc16(s), appendix_a(s)) << "length " << len;
    }
  }
  for (const auto& line : sample_lines()) EXPECT_EQ(crc16(line), appendix_a(line));
}

TEST(Hj212Decoder, ViewsSayWhatTheOwningFormSays) {
  Decoder dec;
  int data_frames = 0;
  for (const auto& line : sample_lines()) {
    const Decoded d = decode_frame(line, "t");
    const DecodedView& v = dec.decode(line, "t");
    ASSERT_EQ(v.ok, d.ok) << line;
    EXPECT_EQ(v.reason, d.reason) << line;
    EXPECT_EQ(v.message, d.message) << line;
    EXPECT_EQ(v.qnrtn, d.qnrtn) << line;
    ASSERT_EQ(v.has_header, d.packet.has_value()) << line;
    if (v.has_header) {
      EXPECT_EQ(v.header.qn, d.packet->qn);
      EXPECT_EQ(v.header.mn, d.packet->mn);
      EXPECT_EQ(v.header.cn, d.packet->cn);
      EXPECT_EQ(v.header.flag, d.packet->flag);
      std::size_t fields = 0;
      for (const auto& g : d.packet->cp) fields += g.size();
      EXPECT_EQ(v.cp.size(), fields);
    }
    ASSERT_EQ(v.has_data, d.data.has_value()) << line;
    if (!v.has_data) continue;
    ++data_frames;
    EXPECT_EQ(v.data.data_time, d.data->data_time);
    ASSERT_EQ(v.data.readings.size(), d.data->readings.size());
    for (std::size_t i = 0; i < v.data.readings.size(); ++i) {
      const auto& rv = v.data.readings[i];
      const auto& r = d.data->readings[i];
      EXPECT_EQ(rv.code, r.sent_code);
      EXPECT_EQ(rv.flag, r.flag);
      for (const auto& [suffix, x] : r.values) EXPECT_EQ(v.data.value(rv, suffix), r.value(suffix)) << suffix;
    }
  }
  EXPECT_GT(data_frames, 10);
}

TEST(Hj212Decoder, WarmDecoderAllocatesNothingForAcceptedFrames) {
  Decoder dec;
  const auto lines = sample_lines();
  for (const auto& l : lines) dec.decode(l, "warm-up");  // vectors reach their sizes
  int accepted = 0;
  for (const auto& l : lines) {
    const std::string_view where = "t";
    g_allocs = 0;
    g_counting = true;
    const bool ok = dec.decode(l, where).ok;
    g_counting = false;
    if (!ok) continue;  // rejections build their message (allocation is fine there)
    ++accepted;
    EXPECT_EQ(g_allocs.load(), 0) << l;
  }
  EXPECT_GT(accepted, 20);
}
