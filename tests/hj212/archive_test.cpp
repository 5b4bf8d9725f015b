// The raw archive (archive.h): what sync() returned is read back after a kill -9 or a torn
// tail, archives of the gzip era are still read, and a record is one line whatever the frame.
#include "ingest/hj212/archive.h"

#include "core/error.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using skyriver::hj212::Archive;
using skyriver::hj212::ArchivedFrame;
using skyriver::hj212::replay;

namespace {

// REFERENCE.md 9.3 #1, with its CR LF.
const std::string kFrame =
    "##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&1C80\r\n";

fs::path scratch(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("skyriver-archive-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::vector<ArchivedFrame> read_all(const fs::path& dir) {
  std::vector<ArchivedFrame> out;
  replay(dir.string(), [&](const ArchivedFrame& f) { out.push_back(f); });
  return out;
}

std::string bytes_of(const fs::path& f) {
  std::ifstream in(f, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST(Hj212Archive, WhatASyncCoveredSurvivesAKillAndATornTail) {
  const fs::path dir = scratch("kill"), copy = scratch("kill-copy");
  std::string file;
  std::size_t after_first_sync = 0;
  {
    Archive a(dir.string());
    file = fs::path(a.file()).filename().string();
    EXPECT_TRUE(file.ends_with(".raw.zst")) << file;
    for (int i = 0; i < 3; ++i) EXPECT_EQ(a.append(1700000000 + i, "10.0.0.1:4000", "ok", kFrame), file + ":" + std::to_string(i + 1));
    a.sync();
    after_first_sync = fs::file_size(a.file());
    for (int i = 3; i < 1003; ++i) a.append(1700000000 + i, "10.0.0.1:4000", "ok", kFrame);
    a.sync();
    // kill -9 here: the file is what the syncs wrote.
    fs::copy_file(a.file(), copy / file);
  }
  auto got = read_all(copy);
  ASSERT_EQ(got.size(), 1003u);
  EXPECT_EQ(got[0].file, file);
  EXPECT_EQ(got[0].line, 1u);
  EXPECT_EQ(got[0].received_at, 1700000000);
  EXPECT_EQ(got[0].peer, "10.0.0.1:4000");
  EXPECT_EQ(got[0].verdict, "ok");
  EXPECT_EQ(got[0].frame, kFrame.substr(0, kFrame.size() - 2));  // without CR LF
  EXPECT_EQ(got[1002].line, 1003u);
  EXPECT_EQ(got[1002].received_at, 1700001002);

  // A power cut in the middle of the second sync's write: the first sync's records are whole,
  // nothing of the torn block is invented.
  const std::string whole = bytes_of(copy / file);
  ASSERT_GT(whole.size(), after_first_sync + 8);
  for (const std::size_t cut : {after_first_sync, after_first_sync + 5, whole.size() - 3}) {
    std::ofstream(copy / file, std::ios::binary | std::ios::trunc) << whole.substr(0, cut);
    got = read_all(copy);
    ASSERT_GE(got.size(), 3u) << "cut at " << cut;
    EXPECT_LT(got.size(), 1003u) << "cut at " << cut;
    for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].received_at, 1700000000 + static_cast<long>(i));
  }
  // Zeros after the end (a file system that extended the file before the power cut).
  std::ofstream(copy / file, std::ios::binary | std::ios::trunc) << whole.substr(0, after_first_sync) << std::string(4096, '\0');
  EXPECT_EQ(read_all(copy).size(), 3u);

  // A clean stop ends the frame: the whole file reads back.
  EXPECT_EQ(read_all(dir).size(), 1003u);
  fs::remove_all(dir);
  fs::remove_all(copy);
}

TEST(Hj212Archive, GzipArchivesOfEarlierVersionsAreReadInNameOrder) {
  const fs::path dir = scratch("gzip");
  // As the archive wrote before zstd: gzip level 1, flushed per batch, a torn tail.
  const std::string old = "hj212-20261101T000000-42.raw.gz";
  {
    gzFile gz = gzopen((dir / old).c_str(), "wb1");
    const std::string recs = "1700000000\t10.0.0.2:5000\tok\t" + kFrame.substr(0, kFrame.size() - 2) + "\n" +
                             "1700000001\t10.0.0.2:5000\tquarantine:crc\tgarbage\n";
    gzwrite(gz, recs.data(), static_cast<unsigned>(recs.size()));
    gzflush(gz, Z_SYNC_FLUSH);
    gzwrite(gz, "1700000002\t10.0.0.2:5000\tok\tlost", 32);  // never flushed: torn
    gzclose(gz);
    const std::string whole = bytes_of(dir / old);
    std::ofstream(dir / old, std::ios::binary | std::ios::trunc) << whole.substr(0, whole.size() - 12);
  }
  {
    Archive a(dir.string());
    // A frame with a line break inside stays one record.
    a.append(1800000000, "10.0.0.3:6000", "quarantine:crc", "##0010ab\ncd\r\nef\r\n");
    a.sync();
  }
  const auto got = read_all(dir);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].file, old);
  EXPECT_EQ(got[0].frame, kFrame.substr(0, kFrame.size() - 2));
  EXPECT_EQ(got[1].line, 2u);
  EXPECT_EQ(got[1].verdict, "quarantine:crc");
  EXPECT_TRUE(got[2].file.ends_with(".raw.zst"));
  EXPECT_EQ(got[2].line, 1u);
  EXPECT_EQ(got[2].frame, "##0010ab cd  ef");
  fs::remove_all(dir);
}

// A full disk in the middle of a batch (here a file-size limit): the sync fails, the file goes
// back to its last synced end and the line numbers with it, and the next batch is readable
// after the first one (a torn frame in between would stop every reader there).
TEST(Hj212Archive, AFailedWriteLeavesTheArchiveReadablePastIt) {
  const fs::path dir = scratch("full");
  Archive a(dir.string());
  const std::string file = fs::path(a.file()).filename().string();
  for (int i = 0; i < 3; ++i) a.append(1700000000 + i, "10.0.0.1:4000", "ok", kFrame);
  a.sync();
  const auto synced = fs::file_size(a.file());

  std::signal(SIGXFSZ, SIG_IGN);  // the write fails with EFBIG instead of ending the process
  rlimit old{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
  rlimit small = old;
  small.rlim_cur = synced + 40;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  // Records that do not compress to 40 bytes (distinct peers and times).
  for (int i = 0; i < 2000; ++i) a.append(1700100000 + i * 7919, "10.0." + std::to_string(i) + ":" + std::to_string(i * 31), "ok", kFrame);
  EXPECT_THROW(a.sync(), skyriver::core::Error);
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &old), 0);
  std::signal(SIGXFSZ, SIG_DFL);
  EXPECT_EQ(fs::file_size(a.file()), synced);

  EXPECT_EQ(a.append(1700200000, "10.0.0.9:4000", "ok", kFrame), file + ":4");
  a.sync();
  const auto got = read_all(dir);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[2].received_at, 1700000002);
  EXPECT_EQ(got[3].line, 4u);
  EXPECT_EQ(got[3].received_at, 1700200000);
  fs::remove_all(dir);
}
