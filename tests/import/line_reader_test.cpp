// LineReader: line endings, a missing final newline, lines longer than its buffer, gzip.
#include "ingest/import/line_reader.h"

#include "../store/backends.h"
#include "core/error.h"

#include <zlib.h>

#include <fstream>

using namespace skyriver;

namespace {

std::vector<std::string> read_all(const std::string& path) {
  ingest::LineReader r(path);
  std::vector<std::string> out;
  std::string_view l;
  while (r.next(l)) out.emplace_back(l);
  return out;
}

TEST(LineReader, CrlfLfAndNoFinalNewline) {
  auto dir = testkit::scratch_dir();
  const auto p = (dir / "a.csv").string();
  std::ofstream(p, std::ios::binary) << "h1,h2\r\n1,2\n\r\n3,4";
  EXPECT_EQ(read_all(p), (std::vector<std::string>{"h1,h2", "1,2", "", "3,4"}));
  std::filesystem::remove_all(dir);
}

TEST(LineReader, LinesLongerThanTheBufferAndGzip) {
  auto dir = testkit::scratch_dir();
  const std::string long_line(300000, 'x');
  const auto p = (dir / "b.csv.gz").string();
  gzFile g = gzopen(p.c_str(), "wb");
  const std::string text = "first\n" + long_line + "\r\nlast\n";
  gzwrite(g, text.data(), unsigned(text.size()));
  gzclose(g);
  ingest::LineReader r(p);
  std::string_view l;
  ASSERT_TRUE(r.next(l));
  EXPECT_EQ(l, "first");
  ASSERT_TRUE(r.next(l));
  EXPECT_EQ(l.size(), long_line.size());
  ASSERT_TRUE(r.next(l));
  EXPECT_EQ(l, "last");
  EXPECT_EQ(r.line_number(), 3u);
  EXPECT_FALSE(r.next(l));
  std::filesystem::remove_all(dir);
}

TEST(LineReader, MissingFileNamesIt) {
  try {
    ingest::LineReader r("/no/such/file.csv");
    FAIL();
  } catch (const core::Error& e) {
    EXPECT_EQ(e.where(), "/no/such/file.csv");
  }
}

}  // namespace

TEST(LineReader, LoneCrEndsALineAndTheBomGoes) {
  auto dir = testkit::scratch_dir();
  const auto p = (dir / "mac.csv").string();
  std::ofstream(p, std::ios::binary) << "\xEF\xBB\xBFh1,h2\r1,2\r\r3,4\r\n5,6\r";
  EXPECT_EQ(read_all(p), (std::vector<std::string>{"h1,h2", "1,2", "", "3,4", "5,6"}));
  std::filesystem::remove_all(dir);
}

TEST(LineReader, ACrAtTheEndOfABufferIsJudgedByTheNextByte) {
  // The reader takes 64 KiB at a time: put a CRLF and then a lone CR across that boundary.
  auto dir = testkit::scratch_dir();
  const std::size_t first = 65535;  // the CR is the last byte of the first read
  const std::string a(first, 'a'), b(65536 - 1, 'b');
  for (const std::string& after : {std::string("\n"), std::string("x")}) {
    const auto p = (dir / "edge.csv").string();
    std::ofstream(p, std::ios::binary) << a << '\r' << after << b << '\r' << "tail";
    const auto lines = read_all(p);
    if (after == "\n") {
      EXPECT_EQ(lines, (std::vector<std::string>{a, b, "tail"}));
    } else {
      EXPECT_EQ(lines, (std::vector<std::string>{a, "x" + b, "tail"}));
    }
  }
  std::filesystem::remove_all(dir);
}

TEST(LineReader, AGzipCutShortIsAnErrorNotAnEnd) {
  auto dir = testkit::scratch_dir();
  const auto p = (dir / "c.csv.gz").string();
  gzFile g = gzopen(p.c_str(), "wb");
  const std::string text = "a,b\n1,2\n3,4\n";
  gzwrite(g, text.data(), unsigned(text.size()));
  gzclose(g);
  std::filesystem::resize_file(p, std::filesystem::file_size(p) - 8);  // the trailer goes: every line is whole
  ingest::LineReader r(p);
  std::string_view l;
  try {
    while (r.next(l)) {
    }
    FAIL() << "read to the end without noticing the missing trailer";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.why()).find("cut short"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}
