// round_half_even's fast form (table of powers, integer floor and parity) against the general
// pow/floor/fmod formulation it replaced, over every number in the air conformance files, a
// dense grid of decimal inputs and random doubles: the results must be the same bits. The
// GB/T 8170 worked cases themselves are in tests/conformance/air/stats_rules.txt.
#include "standards/rounding.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>

using namespace skyriver::standards;

namespace {

void expect_same(double x, int decimals) {
  const double a = round_half_even(x, decimals), b = detail::round_half_even_general(x, decimals);
  ASSERT_EQ(std::bit_cast<std::uint64_t>(a), std::bit_cast<std::uint64_t>(b))
      << "x=" << x << " decimals=" << decimals << ": " << a << " vs " << b;
}

}  // namespace

TEST(Rounding, SameAsGeneralOnConformanceNumbers) {
  const std::regex number(R"([-+]?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?)");
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(SKYRIVER_SOURCE_DIR "/tests/conformance/air")) {
    std::ifstream in(e.path());
    for (std::string line; std::getline(in, line);)
      for (std::sregex_iterator it(line.begin(), line.end(), number), end; it != end; ++it) {
        const double x = std::stod(it->str());
        for (int d = 0; d <= 3; ++d) expect_same(x, d), expect_same(-x, d);
        ++n;
      }
  }
  EXPECT_GT(n, 500u);
}

TEST(Rounding, SameAsGeneralOnDecimalGrid) {
  // Every value with up to 3 decimals below 2000 (concentrations as stations report them),
  // and the halves of 4 decimals, at 0..3 decimals.
  for (int k = 0; k <= 2'000'000; ++k) {
    const double x = k / 1000.0;
    for (int d = 0; d <= 3; ++d) expect_same(x, d);
  }
  for (int k = 0; k <= 200'000; ++k) expect_same(k / 10000.0 + 0.00005, 4);
}

TEST(Rounding, SameAsGeneralAtRandomAndAtEdges) {
  std::mt19937_64 rng(20260301);
  std::uniform_real_distribution<double> u(-1e6, 1e6);
  std::uniform_int_distribution<std::uint64_t> bits;
  for (int i = 0; i < 1'000'000; ++i) {
    expect_same(u(rng), i % 5);
    const double any = std::bit_cast<double>(bits(rng));  // any double, NaN and inf included
    expect_same(any, i % 4);
  }
  for (double x : {0.0, -0.0, 0.5, 1.5, 2.5, 0x1p52, 0x1p52 - 0.5, 0x1p53, 0x1p53 + 2, 1e300, 4.5e15, 5e8 + 1.2,
                   1e9 + 1.2, std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::max(),
                   std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()})
    for (int d = -2; d <= 25; ++d) expect_same(x, d), expect_same(-x, d);
}
