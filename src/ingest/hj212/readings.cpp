#include "ingest/hj212/readings.h"

#include "core/text.h"

#include <cstdio>
#include <cstring>

namespace skyriver::hj212 {

namespace {

// Equality of short strings without a library call (codes and suffixes are a few bytes),
// compared from the end: pollutant codes share their prefixes ("a34004", "a34002").
bool same(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = a.size(); i-- > 0;)
    if (a[i] != b[i]) return false;
  return true;
}

// Rtd Min Avg Max Cou, ZsRtd ZsMin ZsAvg ZsMax ZsCou, Data DayData NightData ValidNum TotalNum:
// dispatched on the length first (this runs for every field of every frame).
bool numeric_suffix(std::string_view s) {
  switch (s.size()) {
    case 3: return same(s, "Avg") || same(s, "Rtd") || same(s, "Min") || same(s, "Max") || same(s, "Cou");
    case 4: return same(s, "Data");
    case 5: return s[0] == 'Z' && s[1] == 's' && numeric_suffix(s.substr(2));
    case 7: return same(s, "DayData");
    case 8: return same(s, "ValidNum") || same(s, "TotalNum");
    case 9: return same(s, "NightData");
  }
  return false;
}

}  // namespace

std::optional<double> Reading::value(std::string_view suffix) const {
  for (const auto& [s, v] : values)
    if (s == suffix) return v;
  return std::nullopt;
}

bool is_data_flag(char c) {
  switch (c) {
    case 'N': case 'F': case 'M': case 'S': case 'D': case 'C': case 'T': case 'B': return true;
  }
  return false;
}

std::optional<core::Instant> parse_hj212_time(std::string_view s) {
  if (s.size() == 17) s = s.substr(0, 14);
  if (s.size() != 14) return std::nullopt;
  const auto c = core::parse_civil(s);
  if (!c || c->hour > 23 || s.substr(8, 2) == "24") return std::nullopt;
  return core::from_beijing(*c);
}

std::string format_hj212_time(core::Instant t) {
  const auto c = core::to_beijing(t);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d%02d%02d%02d", c.date.year, c.date.month, c.date.day, c.hour,
                c.minute, c.second);
  return buf;
}

std::string format_qn(core::Instant t, int millis) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%03d", ((millis % 1000) + 1000) % 1000);
  return format_hj212_time(t) + buf;
}

std::optional<double> DataView::value(const ReadingView& r, std::string_view suffix) const {
  const auto me = static_cast<std::uint32_t>(&r - readings.data());
  for (std::uint32_t i = r.first; i < r.end; ++i)
    if (values[i].reading == me && values[i].numeric && values[i].suffix == suffix) return values[i].number;
  return std::nullopt;
}

namespace {

bool has_suffix(const DataView& d, std::uint32_t ri, std::string_view suffix) {
  const ReadingView& r = d.readings[ri];
  if (suffix == "Flag") return r.flag.has_value();
  if (suffix == "SampleTime") return r.sample_time.has_value();
  for (std::uint32_t i = r.first; i < r.end; ++i)
    if (d.values[i].reading == ri && d.values[i].suffix == suffix) return true;
  return false;
}

}  // namespace

void read_fields(std::span<const FieldView> cp, std::string_view where, DataView& d) {
  d.data_time.reset();
  d.readings.clear();
  d.values.clear();
  d.fields.clear();
  auto bad = [&](const FieldView& f, std::string_view what) {
    reject(where, "value", QnRtn::rejected, std::string(f.name) + "=" + std::string(f.value) + std::string(what));
  };
  std::uint64_t seen = 0, last_bit = 0;  // a bit per hash of the codes met so far; the last one
  for (const FieldView& f : cp) {
    const std::size_t dash = f.name.rfind('-');
    if (dash == std::string_view::npos || dash == 0) {
      if (same(f.name, "DataTime")) {
        d.data_time = parse_hj212_time(f.value);
        if (!d.data_time)
          reject(where, "datatime", QnRtn::rejected, "DataTime=" + std::string(f.value) + " is not YYYYMMDDhhmmss");
      } else {
        d.fields.push_back(f);
      }
      continue;
    }
    const std::string_view sent = f.name.substr(0, dash), suffix = f.name.substr(dash + 1);
    // The reading of this code: usually the last one created (-Flag follows -Avg); a code not
    // seen yet in this frame is told by a 64-bit filter without comparing it to every reading.
    std::uint32_t ri = static_cast<std::uint32_t>(d.readings.size());
    const std::uint64_t bit = std::uint64_t(1) << ((sent.size() * 7 + static_cast<unsigned char>(sent.back()) * 3 +
                                                    static_cast<unsigned char>(sent[sent.size() / 2])) & 63);
    if (ri > 0 && last_bit == bit && same(d.readings[ri - 1].code, sent)) {
      ri = ri - 1;
    } else if (seen & bit) {
      for (std::uint32_t k = ri; k-- > 0;)
        if (same(d.readings[k].code, sent)) {
          ri = k;
          break;
        }
    }
    seen |= bit;
    last_bit = bit;
    // A code whose suffix is already filled (a34004-Avg twice in one frame) starts a second
    // reading of that code: both reach the store, which records the second as a conflict if it
    // differs; nothing is dropped silently.
    if (ri < d.readings.size() && has_suffix(d, ri, suffix)) ri = static_cast<std::uint32_t>(d.readings.size());
    if (ri == d.readings.size()) {
      ReadingView nr;
      nr.code = sent;
      nr.first = nr.end = static_cast<std::uint32_t>(d.values.size());
      d.readings.push_back(nr);
    }
    ReadingView& r = d.readings[ri];
    if (same(suffix, "Flag")) {
      if (f.value.size() != 1 || !is_data_flag(f.value[0]))
        bad(f, " is not a data flag of HJ 212-2017 Table 8 (N F M S D C T B)");
      r.flag = f.value[0];
      continue;
    }
    if (same(suffix, "SampleTime")) {
      r.sample_time = parse_hj212_time(f.value);
      if (!r.sample_time) bad(f, " is not YYYYMMDDhhmmss");
      continue;
    }
    ValueView v;
    v.reading = ri;
    v.suffix = suffix;
    v.text = f.value;
    if (numeric_suffix(suffix)) {
      const auto x = core::parse_number(f.value);
      if (!x) bad(f, " is not a number");
      v.numeric = true;
      v.number = *x;
    }
    if (r.first == r.end) r.first = static_cast<std::uint32_t>(d.values.size());
    d.values.push_back(v);
    r.end = static_cast<std::uint32_t>(d.values.size());
  }
}

DataBlock to_data_block(const DataView& v, Edition e, const OldCodeMap& old_codes) {
  DataBlock d;
  d.data_time = v.data_time;
  d.readings.reserve(v.readings.size());
  for (std::uint32_t i = 0; i < v.readings.size(); ++i) {
    const ReadingView& rv = v.readings[i];
    Reading r;
    r.sent_code = rv.code;
    r.code = rv.code;
    if (e == Edition::hj2005 && old_codes)
      if (auto c = old_codes(rv.code)) r.code = *c;
    r.flag = rv.flag;
    r.sample_time = rv.sample_time;
    for (std::uint32_t k = rv.first; k < rv.end; ++k) {
      const ValueView& x = v.values[k];
      if (x.reading != i) continue;
      if (x.numeric) r.values.emplace_back(std::string(x.suffix), x.number);
      else r.text.emplace_back(std::string(x.suffix), std::string(x.text));
    }
    d.readings.push_back(std::move(r));
  }
  for (const auto& f : v.fields) d.fields.push_back({std::string(f.name), std::string(f.value)});
  return d;
}

DataBlock read_data(const Packet& p, std::string_view where, const OldCodeMap& old_codes) {
  std::vector<FieldView> cp;
  for (std::uint32_t g = 0; g < p.cp.size(); ++g)
    for (const auto& f : p.cp[g]) cp.push_back({f.name, f.value, g});
  DataView v;
  read_fields(cp, where, v);
  return to_data_block(v, p.edition, old_codes);
}

}  // namespace skyriver::hj212
