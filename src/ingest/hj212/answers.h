// Frames the platform sends back to a station (HJ 212-2017 §6.6, Appendix C): every answer
// echoes the request's QN, PW and MN, uses ST=91 (system interaction) and the Flag version
// of the request's edition with neither D nor A set. Each function returns a whole frame.
#pragma once

#include "core/time.h"
#include "ingest/hj212/packet.h"

#include <string>

namespace skyriver::hj212 {

std::string answer_9014(const Packet& req);               // data answer (CP empty)
std::string answer_9013(const Packet& req);               // notification answer (CP empty)
std::string answer_9011(const Packet& req, QnRtn code);   // request answer, CP=&&QnRtn=n&&
std::string answer_9012(const Packet& req, int exertn);   // execution result, CP=&&ExeRtn=n&&
// 1012 "set site time" carrying SystemTime = `now` in Beijing time, with a fresh QN.
std::string set_time_1012(const Packet& req, core::Instant now, int millis);

}  // namespace skyriver::hj212
