#include "ingest/hj212/readings.h"

#include "core/text.h"

#include <cstdio>
#include <cstring>

namespace skyriver::hj212 {

namespace {

bool numeric_suffix(std::string_view s) {
  static constexpr std::string_view kNumeric[] = {"Rtd",   "Min",   "Avg",   "Max",      "Cou",
                                                  "ZsRtd", "ZsMin", "ZsAvg", "ZsMax",    "ZsCou",
                                                  "Data",  "DayData", "NightData", "ValidNum", "TotalNum"};
  for (auto k : kNumeric)
    if (s == k) return true;
  return false;
}

}  // namespace

std::optional<double> Reading::value(std::string_view suffix) const {
  for (const auto& [s, v] : values)
    if (s == suffix) return v;
  return std::nullopt;
}

bool Reading::has(std::string_view suffix) const {
  if (suffix == "Flag") return flag.has_value();
  if (suffix == "SampleTime") return sample_time.has_value();
  for (const auto& [s, v] : values)
    if (s == suffix) return true;
  for (const auto& [s, v] : text)
    if (s == suffix) return true;
  return false;
}

bool is_data_flag(char c) { return c && std::strchr("NFMSDCTB", c) != nullptr; }

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

DataBlock read_data(const Packet& p, std::string_view where, const OldCodeMap& old_codes) {
  const std::string w(where);
  DataBlock d;
  for (const auto& g : p.cp) {
    for (const auto& f : g) {
      const std::size_t dash = f.name.rfind('-');
      if (dash == std::string::npos || dash == 0) {
        if (f.name == "DataTime") {
          d.data_time = parse_hj212_time(f.value);
          if (!d.data_time)
            throw Rejected(w, "datatime", QnRtn::rejected, "DataTime=" + f.value + " is not YYYYMMDDhhmmss");
        } else {
          d.fields.push_back(f);
        }
        continue;
      }
      const std::string sent = f.name.substr(0, dash), suffix = f.name.substr(dash + 1);
      // The latest reading of this code takes the field, unless it already has this suffix:
      // then the code comes twice in the frame and a second reading starts (both reach the
      // store, which keeps the second as a conflict if it differs; nothing is dropped).
      Reading* r = nullptr;
      for (auto& x : d.readings)
        if (x.sent_code == sent) r = &x;
      if (r && r->has(suffix)) r = nullptr;
      if (!r) {
        Reading nr;
        nr.sent_code = sent;
        nr.code = sent;
        if (p.edition == Edition::hj2005 && old_codes)
          if (auto c = old_codes(sent)) nr.code = *c;
        d.readings.push_back(std::move(nr));
        r = &d.readings.back();
      }
      if (numeric_suffix(suffix)) {
        const auto v = core::parse_number(f.value);
        if (!v) throw Rejected(w, "value", QnRtn::rejected, f.name + "=" + f.value + " is not a number");
        r->values.emplace_back(suffix, *v);
      } else if (suffix == "Flag") {
        if (f.value.size() != 1 || !is_data_flag(f.value[0]))
          throw Rejected(w, "value", QnRtn::rejected,
                         f.name + "=" + f.value + " is not a data flag of HJ 212-2017 Table 8 (N F M S D C T B)");
        r->flag = f.value[0];
      } else if (suffix == "SampleTime") {
        r->sample_time = parse_hj212_time(f.value);
        if (!r->sample_time)
          throw Rejected(w, "value", QnRtn::rejected, f.name + "=" + f.value + " is not YYYYMMDDhhmmss");
      } else {
        r->text.emplace_back(suffix, f.value);
      }
    }
  }
  return d;
}

}  // namespace skyriver::hj212
