// The data segment of an HJ 212 frame (HJ 212-2017 Table 3, §6.3.3):
//   QN=...;ST=..;CN=....;PW=...;MN=...;Flag=.;[PNUM=.;PNO=.;]CP=&&field=value,...;...&&
// parse_packet checks the header fields and splits CP into groups (';') of fields (','),
// each "name=value"; it gives meaning to no value (see readings.h). encode_segment is the
// inverse. Rejections carry the QnRtn of the field at fault (QN 7, ST 5, CN 8, PW 3, MN 4,
// Flag 6; malformed structure 2).
//
// HJ/T 212-2005 frames often have no QN and no Flag: accepted as edition 2005. For 2017 and
// 2025 frames QN is mandatory. PNUM/PNO may come in either order.
#pragma once

#include "ingest/hj212/edition.h"
#include "ingest/hj212/rejection.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skyriver::hj212 {

struct CpField {
  std::string name, value;  // "a34004-Avg", "80"; "DataTime", "20240101000000"
};
using CpGroup = std::vector<CpField>;

struct Packet {
  std::string qn, st, cn, pw, mn;
  std::optional<int> flag;
  std::optional<int> pnum, pno;
  std::vector<CpGroup> cp;
  Edition edition = Edition::hj2017;

  bool wants_ack() const { return flag && (*flag & 1); }
  bool is_split() const { return pnum.has_value(); }
  const std::string* field(std::string_view name) const;  // first field of that name in CP
};

Packet parse_packet(std::string_view segment, std::string_view where);
std::string encode_segment(const Packet& p);
std::string encode_cp(const std::vector<CpGroup>& cp);  // the text between "CP=&&" and "&&"

}  // namespace skyriver::hj212
