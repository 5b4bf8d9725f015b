#include "ingest/hj212/packet.h"

#include <cctype>

namespace skyriver::hj212 {

namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

bool all_alnum(std::string_view s, bool allow_punct = false) {
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && !(allow_punct && (c == '_' || c == '-')))
      return false;
  return true;
}

int small_int(std::string_view v, int max, const std::string& w, const char* name, QnRtn code) {
  if (!all_digits(v) || v.size() > 4 || std::stoi(std::string(v)) > max)
    throw Rejected(w, std::string(name) == "Flag" ? "flag" : "split", code,
                   std::string(name) + "=" + std::string(v) + " is not an integer 0.." + std::to_string(max));
  return std::stoi(std::string(v));
}

}  // namespace

const std::string* Packet::field(std::string_view name) const {
  for (const auto& g : cp)
    for (const auto& f : g)
      if (f.name == name) return &f.value;
  return nullptr;
}

Packet parse_packet(std::string_view seg, std::string_view where) {
  const std::string w(where);
  const std::size_t cp_at = seg.find("CP=&&");
  if (cp_at == std::string_view::npos)
    throw Rejected(w, "syntax", QnRtn::rejected, "data segment has no \"CP=&&\"");
  if (seg.size() < cp_at + 7 || seg.substr(seg.size() - 2) != "&&")
    throw Rejected(w, "syntax", QnRtn::rejected, "CP does not end with \"&&\"");
  if (cp_at > 0 && seg[cp_at - 1] != ';')
    throw Rejected(w, "syntax", QnRtn::rejected, "no ';' before \"CP=\"");

  Packet p;
  bool seen_qn = false, seen_st = false, seen_cn = false, seen_pw = false, seen_mn = false;
  std::string_view head = seg.substr(0, cp_at);
  while (!head.empty()) {
    const std::size_t semi = head.find(';');
    const std::string_view item = head.substr(0, semi);
    head = semi == std::string_view::npos ? std::string_view{} : head.substr(semi + 1);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos)
      throw Rejected(w, "syntax", QnRtn::rejected, "header item \"" + std::string(item) + "\" has no '='");
    const std::string_view key = item.substr(0, eq), val = item.substr(eq + 1);
    auto once = [&](bool& seen) {
      if (seen) throw Rejected(w, "syntax", QnRtn::rejected, std::string(key) + " appears twice");
      seen = true;
    };
    if (key == "QN") {
      once(seen_qn);
      if (val.size() != 17 || !all_digits(val))
        throw Rejected(w, "qn", QnRtn::qn_error, "QN=" + std::string(val) + " is not YYYYMMDDhhmmsszzz (17 digits)");
      p.qn = val;
    } else if (key == "ST") {
      once(seen_st);
      if (val.empty() || val.size() > 2 || !all_alnum(val))
        throw Rejected(w, "st", QnRtn::st_error, "ST=" + std::string(val) + " is not a 2-character system code");
      p.st = val;
    } else if (key == "CN") {
      once(seen_cn);
      if (val.size() != 4 || !all_digits(val))
        throw Rejected(w, "cn", QnRtn::cn_error, "CN=" + std::string(val) + " is not a 4-digit command code");
      p.cn = val;
    } else if (key == "PW") {
      once(seen_pw);
      p.pw = val;
    } else if (key == "MN") {
      once(seen_mn);
      if (val.empty() || val.size() > 24 || !all_alnum(val, true))
        throw Rejected(w, "mn", QnRtn::mn_error,
                       "MN=" + std::string(val) + " is not 1-24 letters, digits, '_' or '-'");
      p.mn = val;
    } else if (key == "Flag") {
      if (p.flag) throw Rejected(w, "syntax", QnRtn::rejected, "Flag appears twice");
      p.flag = small_int(val, 255, w, "Flag", QnRtn::flag_error);
    } else if (key == "PNUM") {
      if (p.pnum) throw Rejected(w, "syntax", QnRtn::rejected, "PNUM appears twice");
      p.pnum = small_int(val, 9999, w, "PNUM", QnRtn::rejected);
    } else if (key == "PNO") {
      if (p.pno) throw Rejected(w, "syntax", QnRtn::rejected, "PNO appears twice");
      p.pno = small_int(val, 9999, w, "PNO", QnRtn::rejected);
    } else {
      throw Rejected(w, "syntax", QnRtn::rejected, "unknown header field \"" + std::string(key) + "\"");
    }
  }
  if (!seen_st) throw Rejected(w, "st", QnRtn::st_error, "no ST field");
  if (!seen_cn) throw Rejected(w, "cn", QnRtn::cn_error, "no CN field");
  if (!seen_pw) throw Rejected(w, "pw", QnRtn::pw_error, "no PW field");
  if (!seen_mn) throw Rejected(w, "mn", QnRtn::mn_error, "no MN field");
  const auto ed = edition_from_flag(p.flag);
  if (!ed)
    throw Rejected(w, "flag", QnRtn::flag_error,
                   "Flag=" + std::to_string(*p.flag) + " carries unknown protocol version " +
                       std::to_string(*p.flag >> 2));
  p.edition = *ed;
  if (p.edition != Edition::hj2005 && !seen_qn)
    throw Rejected(w, "qn", QnRtn::qn_error, "no QN field (mandatory since HJ 212-2017)");
  if (p.pnum.has_value() != p.pno.has_value())
    throw Rejected(w, "split", QnRtn::rejected, "PNUM and PNO must come together");
  if (p.flag && (*p.flag & 2) && !p.pnum)
    throw Rejected(w, "flag", QnRtn::flag_error, "Flag says split packet (D bit) but PNUM/PNO are missing");
  if (p.pnum && (*p.pnum < 1 || *p.pno < 1 || *p.pno > *p.pnum))
    throw Rejected(w, "split", QnRtn::rejected,
                   "PNO=" + std::to_string(*p.pno) + " is not within 1..PNUM=" + std::to_string(*p.pnum));

  std::string_view cp = seg.substr(cp_at + 5, seg.size() - cp_at - 7);
  while (!cp.empty()) {
    const std::size_t semi = cp.find(';');
    std::string_view group = cp.substr(0, semi);
    cp = semi == std::string_view::npos ? std::string_view{} : cp.substr(semi + 1);
    if (group.empty()) continue;  // tolerate ";;" and a trailing ';'
    CpGroup g;
    while (!group.empty()) {
      const std::size_t comma = group.find(',');
      const std::string_view f = group.substr(0, comma);
      group = comma == std::string_view::npos ? std::string_view{} : group.substr(comma + 1);
      if (f.empty()) continue;
      const std::size_t eq = f.find('=');
      if (eq == std::string_view::npos || eq == 0)
        throw Rejected(w, "cp", QnRtn::rejected, "CP field \"" + std::string(f) + "\" is not name=value");
      g.push_back({std::string(f.substr(0, eq)), std::string(f.substr(eq + 1))});
    }
    if (!g.empty()) p.cp.push_back(std::move(g));
  }
  return p;
}

std::string encode_cp(const std::vector<CpGroup>& cp) {
  std::string out;
  for (std::size_t i = 0; i < cp.size(); ++i) {
    if (i) out += ';';
    for (std::size_t j = 0; j < cp[i].size(); ++j) {
      if (j) out += ',';
      out += cp[i][j].name;
      out += '=';
      out += cp[i][j].value;
    }
  }
  return out;
}

std::string encode_segment(const Packet& p) {
  std::string s;
  s.reserve(128);
  if (!p.qn.empty()) s += "QN=" + p.qn + ";";
  s += "ST=" + p.st + ";CN=" + p.cn + ";PW=" + p.pw + ";MN=" + p.mn + ";";
  if (p.flag) s += "Flag=" + std::to_string(*p.flag) + ";";
  if (p.pnum) s += "PNUM=" + std::to_string(*p.pnum) + ";PNO=" + std::to_string(*p.pno) + ";";
  s += "CP=&&" + encode_cp(p.cp) + "&&";
  return s;
}

}  // namespace skyriver::hj212
