#include "ingest/hj212/codes.h"

#include <utility>

namespace skyriver::hj212 {

namespace {
// HJ 212-2017 Appendix B, "原编码" column (REFERENCE.md 9.7/9.8).
constexpr std::pair<std::string_view, std::string_view> kOld[] = {
      {"01", "a34013"},  {"02", "a21026"},  {"03", "a21002"},  {"04", "a21005"},
      {"B02", "a00000"}, {"S01", "a19001"}, {"S02", "a01011"}, {"S03", "a01012"},
      {"S08", "a01013"}, {"S05", "a01014"}, {"S04", "a01017"}, {"B01", "w00000"},
      {"001", "w01001"}, {"011", "w01018"}, {"060", "w21003"}, {"101", "w21011"},
      {"065", "w21001"}, {"003", "w01012"}, {"080", "w22001"},
};
}  // namespace

std::string_view code_from_2005(std::string_view old_code) {
  for (const auto& [o, n] : kOld)
    if (o == old_code) return n;
  return old_code;
}

std::string_view code_to_2005(std::string_view code) {
  for (const auto& [o, n] : kOld)
    if (n == code) return o;
  return code;
}

}  // namespace skyriver::hj212
