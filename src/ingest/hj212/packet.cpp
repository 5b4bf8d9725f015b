#include "ingest/hj212/packet.h"

#include <array>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace skyriver::hj212 {

namespace {

constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

// 1: letter or digit, 2: '_' or '-' (allowed in MN).
constexpr auto kAlnum = [] {
  std::array<unsigned char, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = is_alnum(char(c)) ? 1 : (c == '_' || c == '-') ? 2 : 0;
  return t;
}();

bool all_alnum(std::string_view s, bool allow_punct = false) {
  const unsigned char ok = allow_punct ? 3 : 1;
  for (char c : s)
    if (!(kAlnum[static_cast<unsigned char>(c)] & ok)) return false;
  return true;
}


int small_int(std::string_view v, int max, std::string_view w, const char* name, QnRtn code) {
  int n = 0;
  if (all_digits(v) && v.size() <= 4) {
    for (char c : v) n = n * 10 + (c - '0');
    if (n <= max) return n;
  }
  reject(w, std::string_view(name) == "Flag" ? "flag" : "split", code,
         std::string(name) + "=" + std::string(v) + " is not an integer 0.." + std::to_string(max));
}

// Calls each(k) for every position k of s holding ',', ';' or '=', in order. With SSE2 (every
// x86-64) 16 bytes are classified at once; this scan is most of a frame's parsing cost.
template <class F>
void for_each_structural(std::string_view s, F&& each) {
  const auto* b = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
#ifdef __SSE2__
  const __m128i comma = _mm_set1_epi8(','), semi = _mm_set1_epi8(';'), eq = _mm_set1_epi8('=');
  for (; i + 16 <= n; i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i));
    unsigned m = static_cast<unsigned>(_mm_movemask_epi8(
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, comma), _mm_cmpeq_epi8(x, semi)), _mm_cmpeq_epi8(x, eq))));
    for (; m; m &= m - 1) each(i + static_cast<std::size_t>(__builtin_ctz(m)));
  }
#endif
  for (; i < n; ++i)
    if (b[i] == ',' || b[i] == ';' || b[i] == '=') each(i);
}

}  // namespace

void check_split(const Header& p, std::string_view w) {
  if (p.pnum.has_value() != p.pno.has_value())
    reject(w, "split", QnRtn::rejected, "PNUM and PNO must come together");
  if (p.flag && (*p.flag & 2) && !p.pnum)
    reject(w, "flag", QnRtn::flag_error, "Flag says split packet (D bit) but PNUM/PNO are missing");
  if (p.pnum && (*p.pnum < 1 || *p.pno < 1 || *p.pno > *p.pnum))
    reject(w, "split", QnRtn::rejected,
           "PNO=" + std::to_string(*p.pno) + " is not within 1..PNUM=" + std::to_string(*p.pnum));
}

const std::string* Packet::field(std::string_view name) const {
  for (const auto& g : cp)
    for (const auto& f : g)
      if (f.name == name) return &f.value;
  return nullptr;
}

void parse_segment(std::string_view seg, std::string_view w, Header& p, std::vector<FieldView>& fields) {
  p = Header{};
  fields.clear();
  const std::size_t cp_at = seg.find("CP=&&");
  if (cp_at == std::string_view::npos) reject(w, "syntax", QnRtn::rejected, "data segment has no \"CP=&&\"");
  if (seg.size() < cp_at + 7 || seg.substr(seg.size() - 2) != "&&")
    reject(w, "syntax", QnRtn::rejected, "CP does not end with \"&&\"");
  if (cp_at > 0 && seg[cp_at - 1] != ';') reject(w, "syntax", QnRtn::rejected, "no ';' before \"CP=\"");

  bool seen_qn = false, seen_st = false, seen_cn = false, seen_pw = false, seen_mn = false;
  std::string_view head = seg.substr(0, cp_at);
  while (!head.empty()) {
    const std::size_t semi = head.find(';');
    const std::string_view item = head.substr(0, semi);
    head = semi == std::string_view::npos ? std::string_view{} : head.substr(semi + 1);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos)
      reject(w, "syntax", QnRtn::rejected, "header item \"" + std::string(item) + "\" has no '='");
    const std::string_view key = item.substr(0, eq), val = item.substr(eq + 1);
    auto once = [&](bool& seen) {
      if (seen) reject(w, "syntax", QnRtn::rejected, std::string(key) + " appears twice");
      seen = true;
    };
    if (key == "QN") {
      once(seen_qn);
      if (val.size() != 17 || !all_digits(val))
        reject(w, "qn", QnRtn::qn_error, "QN=" + std::string(val) + " is not YYYYMMDDhhmmsszzz (17 digits)");
      p.qn = val;
    } else if (key == "ST") {
      once(seen_st);
      if (val.empty() || val.size() > 2 || !all_alnum(val))
        reject(w, "st", QnRtn::st_error, "ST=" + std::string(val) + " is not a 2-character system code");
      p.st = val;
    } else if (key == "CN") {
      once(seen_cn);
      if (val.size() != 4 || !all_digits(val))
        reject(w, "cn", QnRtn::cn_error, "CN=" + std::string(val) + " is not a 4-digit command code");
      p.cn = val;
    } else if (key == "PW") {
      once(seen_pw);
      p.pw = val;
    } else if (key == "MN") {
      once(seen_mn);
      if (val.empty() || val.size() > 24 || !all_alnum(val, true))
        reject(w, "mn", QnRtn::mn_error, "MN=" + std::string(val) + " is not 1-24 letters, digits, '_' or '-'");
      p.mn = val;
    } else if (key == "Flag") {
      if (p.flag) reject(w, "syntax", QnRtn::rejected, "Flag appears twice");
      p.flag = small_int(val, 255, w, "Flag", QnRtn::flag_error);
    } else if (key == "PNUM") {
      if (p.pnum) reject(w, "syntax", QnRtn::rejected, "PNUM appears twice");
      p.pnum = small_int(val, 9999, w, "PNUM", QnRtn::rejected);
    } else if (key == "PNO") {
      if (p.pno) reject(w, "syntax", QnRtn::rejected, "PNO appears twice");
      p.pno = small_int(val, 9999, w, "PNO", QnRtn::rejected);
    } else {
      reject(w, "syntax", QnRtn::rejected, "unknown header field \"" + std::string(key) + "\"");
    }
  }
  if (!seen_st) reject(w, "st", QnRtn::st_error, "no ST field");
  if (!seen_cn) reject(w, "cn", QnRtn::cn_error, "no CN field");
  if (!seen_pw) reject(w, "pw", QnRtn::pw_error, "no PW field");
  if (!seen_mn) reject(w, "mn", QnRtn::mn_error, "no MN field");
  const auto ed = edition_from_flag(p.flag);
  if (!ed)
    reject(w, "flag", QnRtn::flag_error,
           "Flag=" + std::to_string(*p.flag) + " carries unknown protocol version " + std::to_string(*p.flag >> 2));
  p.edition = *ed;
  if (p.edition != Edition::hj2005 && !seen_qn)
    reject(w, "qn", QnRtn::qn_error, "no QN field (mandatory since HJ 212-2017)");

  // CP in one pass: fields end at ',' or ';', groups at ';'; empty groups (";;", a trailing
  // ';') and empty fields are tolerated; a field's name ends at its first '='.
  const std::string_view cp = seg.substr(cp_at + 5, seg.size() - cp_at - 7);
  std::uint32_t group = 0;
  bool group_used = false;
  std::size_t start = 0, eq = std::string_view::npos;
  auto end_field = [&](std::size_t end) {
    if (end > start) {
      if (eq == std::string_view::npos || eq == start)
        reject(w, "cp", QnRtn::rejected, "CP field \"" + std::string(cp.substr(start, end - start)) + "\" is not name=value");
      fields.push_back({cp.substr(start, eq - start), cp.substr(eq + 1, end - eq - 1), group});
      group_used = true;
    }
    start = end + 1, eq = std::string_view::npos;
  };
  for_each_structural(cp, [&](std::size_t k) {
    const char c = cp[k];
    if (c == '=') {
      if (eq == std::string_view::npos) eq = k;
    } else {
      end_field(k);
      if (c == ';' && group_used) ++group, group_used = false;
    }
  });
  end_field(cp.size());
}

Packet to_packet(const Header& h, const std::vector<FieldView>& fields) {
  Packet p;
  p.qn = h.qn, p.st = h.st, p.cn = h.cn, p.pw = h.pw, p.mn = h.mn;
  p.flag = h.flag, p.pnum = h.pnum, p.pno = h.pno, p.edition = h.edition;
  for (const auto& f : fields) {
    if (f.group >= p.cp.size()) p.cp.resize(f.group + 1);
    p.cp[f.group].push_back({std::string(f.name), std::string(f.value)});
  }
  return p;
}

Packet parse_packet(std::string_view seg, std::string_view where) {
  Header h;
  std::vector<FieldView> fields;
  parse_segment(seg, where, h, fields);
  check_split(h, where);
  return to_packet(h, fields);
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
  // Appended in place: no temporary string per field (an answer is built for every frame).
  if (!p.qn.empty()) s.append("QN=").append(p.qn).append(";");
  s.append("ST=").append(p.st).append(";CN=").append(p.cn).append(";PW=").append(p.pw);
  s.append(";MN=").append(p.mn).append(";");
  if (p.flag) s.append("Flag=").append(std::to_string(*p.flag)).append(";");
  if (p.pnum) s.append("PNUM=").append(std::to_string(*p.pnum)).append(";PNO=").append(std::to_string(*p.pno)).append(";");
  s.append("CP=&&");
  if (!p.cp.empty()) s.append(encode_cp(p.cp));
  s.append("&&");
  return s;
}

}  // namespace skyriver::hj212
