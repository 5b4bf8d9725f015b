#include "ingest/hj212/decode.h"

#include "ingest/hj212/edition2025.h"

namespace skyriver::hj212 {

bool is_secret_command(std::string_view cn) { return cn == "1072" || edition2025::carries_secret(cn); }

bool is_data_command(std::string_view cn, Edition e) {
  if (cn == "2011" || cn == "2051" || cn == "2061" || cn == "2031") return true;
  return e == Edition::hj2025 && edition2025::is_data_command(cn);
}

Decoded decode_frame(std::string_view text, std::string_view where, const OldCodeMap& old_codes) {
  Decoded d;
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
          d.packet = parse_packet(t.substr(6, t.size() - 10), where);
        } catch (const Rejected&) {
        }
      }
      throw;
    }
    d.length_variant = f.length_variant;
    d.packet = parse_packet(f.segment, where);
    if (is_data_command(d.packet->cn, d.packet->edition)) {
      d.data = read_data(*d.packet, where, old_codes);
      if (!d.data->data_time)
        throw Rejected(std::string(where), "datatime", QnRtn::rejected,
                       "data upload CN=" + d.packet->cn + " has no DataTime");
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

}  // namespace skyriver::hj212
