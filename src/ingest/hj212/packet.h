// The data segment of an HJ 212 frame (HJ 212-2017 Table 3, §6.3.3):
//   QN=...;ST=..;CN=....;PW=...;MN=...;Flag=.;[PNUM=.;PNO=.;]CP=&&field=value,...;...&&
// parse_packet checks the header fields and splits CP into groups (';') of fields (','),
// each "name=value"; it gives meaning to no value (see readings.h). encode_segment is the
// inverse. Rejections carry the QnRtn of the field at fault (QN 7, ST 5, CN 8, PW 3, MN 4,
// Flag 6; malformed structure 2).
//
// HJ/T 212-2005 frames often have no QN and no Flag: accepted as edition 2005. For 2017 and
// 2025 frames QN is mandatory. PNUM/PNO may come in either order.
//
// Two forms of the result: parse_segment fills views into the segment (Header, FieldView: no
// allocation per field, for the ingest path), parse_packet copies them into an owning Packet
// (for code that keeps a packet beyond its frame's bytes). Both run the same checks.
#pragma once

#include "ingest/hj212/edition.h"
#include "ingest/hj212/rejection.h"

#include <cstdint>
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

// The header fields as views into the segment they were parsed from.
struct Header {
  std::string_view qn, st, cn, pw, mn;
  std::optional<int> flag;
  std::optional<int> pnum, pno;
  Edition edition = Edition::hj2017;

  bool wants_ack() const { return flag && (*flag & 1); }
  bool is_split() const { return pnum.has_value(); }
};

// One CP field as views; `group` numbers the non-empty ';'-separated groups from 0.
struct FieldView {
  std::string_view name, value;
  std::uint32_t group = 0;
};

// Parses `segment` into `h` and `fields` (cleared first; reusing one vector across calls
// makes the parse allocation-free). Throws Rejected as parse_packet does. The views stay
// valid as long as the segment's bytes.
void parse_segment(std::string_view segment, std::string_view where, Header& h, std::vector<FieldView>& fields);
// The split-packet fields of a parsed header (PNUM and PNO together, PNO within 1..PNUM, the
// D bit with them). Apart from parse_segment so that a frame failing only these still has a
// header to answer (9011) with. Throws Rejected.
void check_split(const Header& h, std::string_view where);

Packet to_packet(const Header& h, const std::vector<FieldView>& fields);  // owning copy
Packet parse_packet(std::string_view segment, std::string_view where);
std::string encode_segment(const Packet& p);
std::string encode_cp(const std::vector<CpGroup>& cp);  // the text between "CP=&&" and "&&"

}  // namespace skyriver::hj212
