// Why a frame was refused. Every rejection carries a short machine reason ("crc", "length",
// "pw", ...), the standard's QnRtn code it maps to (HJ 212-2017 Table 7: 1 ready, 2 rejected,
// 3 PW error, 4 MN error, 5 ST error, 6 Flag error, 7 QN error, 8 CN error, 9 CRC error,
// 100 unknown) and a human sentence naming what is wrong and where (core::Error).
#pragma once

#include "core/error.h"

#include <string>
#include <string_view>

namespace skyriver::hj212 {

enum class QnRtn : int {
  ready = 1,
  rejected = 2,
  pw_error = 3,
  mn_error = 4,
  st_error = 5,
  flag_error = 6,
  qn_error = 7,
  cn_error = 8,
  crc_error = 9,
  unknown = 100,
};

class Rejected : public core::Error {
 public:
  Rejected(std::string where, std::string reason, QnRtn code, std::string why)
      : core::Error(std::move(where), std::move(why)), reason_(std::move(reason)), code_(code) {}
  const std::string& reason() const { return reason_; }  // "crc", "length", "pw", ...
  QnRtn qnrtn() const { return code_; }

 private:
  std::string reason_;
  QnRtn code_;
};

// Throws Rejected. `where` is copied only here, so that accepted frames (the codec's fast
// path, which passes it as a view) allocate nothing for it.
[[noreturn]] inline void reject(std::string_view where, std::string reason, QnRtn code, std::string why) {
  throw Rejected(std::string(where), std::move(reason), code, std::move(why));
}

}  // namespace skyriver::hj212
