#include "ingest/hj212/decode.h"

#include "ingest/hj212/edition2025.h"

namespace skyriver::hj212 {

bool is_secret_command(std::string_view cn) { return cn == "1072" || edition2025::carries_secret(cn); }

bool is_data_command(std::string_view cn, Edition e) {
  if (cn == "2011" || cn == "2051" || cn == "2061" || cn == "2031") return true;
  return e == Edition::hj2025 && edition2025::is_data_command(cn);
}

const DecodedView& Decoder::decode(std::string_view text, std::string_view where) {
  DecodedView& d = v_;
  d.ok = false;
  d.reason.clear();
  d.qnrtn = QnRtn::ready;
  d.message.clear();
  d.length_variant = false;
  d.has_header = false;
  d.has_data = false;
  try {
    Frame f;
    try {
      f = parse_frame(text, where);
    } catch (const Rejected& r) {
      // A CRC or length error still names its QN/MN if the segment parses: the answer can echo
      // them (the segment is what lies between the length field and the CRC either way).
      if ((r.reason() == "crc" || r.reason() == "length") && text.size() >= 10) {
        std::string_view t = text;
        if (t.substr(t.size() - 2) == "\r\n") t.remove_suffix(2);
        try {
          parse_segment(t.substr(6, t.size() - 10), where, d.header, d.cp);
          d.has_header = true;
        } catch (const Rejected&) {
        }
      }
      throw;
    }
    d.length_variant = f.length_variant;
    parse_segment(f.segment, where, d.header, d.cp);
    d.has_header = true;
    check_split(d.header, where);  // a bad split header is still answered (issue 27, item 4)
    if (is_data_command(d.header.cn, d.header.edition)) {
      read_fields(d.cp, where, d.data);
      d.has_data = true;
      if (!d.data.data_time)
        reject(where, "datatime", QnRtn::rejected, "data upload CN=" + std::string(d.header.cn) + " has no DataTime");
    }
    d.ok = true;
  } catch (const Rejected& r) {
    d.ok = false;
    d.reason = r.reason();
    d.qnrtn = r.qnrtn();
    d.message = r.what();
  }
  return d;
}

Decoded decode_frame(std::string_view text, std::string_view where, const OldCodeMap& old_codes, bool with_cp) {
  static const std::vector<FieldView> no_fields;
  thread_local Decoder decoder;
  const DecodedView& v = decoder.decode(text, where);
  Decoded d;
  d.ok = v.ok;
  d.reason = v.reason;
  d.qnrtn = v.qnrtn;
  d.message = v.message;
  d.length_variant = v.length_variant;
  if (v.has_header) d.packet = to_packet(v.header, with_cp ? v.cp : no_fields);
  if (v.has_data) d.data = to_data_block(v.data, v.header.edition, old_codes);
  return d;
}

}  // namespace skyriver::hj212
