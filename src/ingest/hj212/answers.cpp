#include "ingest/hj212/answers.h"

#include "ingest/hj212/frame.h"
#include "ingest/hj212/readings.h"

namespace skyriver::hj212 {

namespace {

Packet reply(const Packet& req, std::string cn, std::vector<CpGroup> cp) {
  Packet a;
  a.qn = req.qn;
  a.st = "91";
  a.cn = std::move(cn);
  a.pw = req.pw;
  a.mn = req.mn;
  if (req.edition != Edition::hj2005 || req.flag) a.flag = version_bits(req.edition) << 2;
  a.edition = req.edition;
  a.cp = std::move(cp);
  return a;
}

}  // namespace

std::string answer_9014(const Packet& req) { return encode_frame(encode_segment(reply(req, "9014", {}))); }
std::string answer_9013(const Packet& req) { return encode_frame(encode_segment(reply(req, "9013", {}))); }

std::string answer_9011(const Packet& req, QnRtn code) {
  return encode_frame(
      encode_segment(reply(req, "9011", {{{"QnRtn", std::to_string(static_cast<int>(code))}}})));
}

std::string answer_9012(const Packet& req, int exertn) {
  return encode_frame(encode_segment(reply(req, "9012", {{{"ExeRtn", std::to_string(exertn)}}})));
}

std::string set_time_1012(const Packet& req, core::Instant now, int millis) {
  Packet a = reply(req, "1012", {{{"SystemTime", format_hj212_time(now)}}});
  a.qn = format_qn(now, millis);
  a.st = req.st;  // a command to the station uses the station's system code
  return encode_frame(encode_segment(a));
}

}  // namespace skyriver::hj212
