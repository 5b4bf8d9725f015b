// The meaning of a data upload's CP (HJ 212-2017 Table 4, §6.3.3): DataTime, and per
// pollutant code the values by suffix (-Rtd -Min -Avg -Max -Cou -ZsRtd -ZsMin -ZsAvg -ZsMax),
// the data flag (-Flag, Table 8: N F M S D C T B), -EFlag, -SampleTime and anything else a
// device sends (kept as text). Fields without '-' (DataTime, RtdInterval, QnRtn, ...) are
// plain fields. HJ/T 212-2005 codes are mapped to 2017 codes for 2005 frames by the caller's
// OldCodeMap (the parameter registry's hj212_old column: see observations.h old_code_map).
//
// DataTime is Beijing time YYYYMMDDhhmmss; for 2051/2061/2031 it is the START of the period,
// for 2011 the sampling instant. 17 digits (with milliseconds, seen from 2005-era devices)
// are accepted and the milliseconds dropped. A numeric suffix with a non-number, an unknown
// data flag or a bad time is a rejection naming the field. A code whose suffix comes twice in
// one frame (a34004-Avg twice) gives two readings of that code, in frame order.
//
// Two forms, one logic: read_fields fills a DataView of views into the frame (no allocation
// per field once its vectors are warm: the ingest path); read_data returns an owning DataBlock
// (built from the same DataView) for code that keeps it.
#pragma once

#include "core/time.h"
#include "ingest/hj212/packet.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace skyriver::hj212 {

struct Reading {
  std::string code;       // 2017 code ("a34004"); for 2005 frames mapped from the old code
  std::string sent_code;  // as in the frame ("02")
  std::vector<std::pair<std::string, double>> values;  // suffix -> number: {"Avg", 80}
  std::vector<std::pair<std::string, std::string>> text;  // other suffixes: {"EFlag","..."}
  std::optional<char> flag;                             // -Flag
  std::optional<core::Instant> sample_time;             // -SampleTime

  std::optional<double> value(std::string_view suffix) const;
};

struct DataBlock {
  std::optional<core::Instant> data_time;
  std::vector<Reading> readings;
  std::vector<CpField> fields;  // plain fields other than DataTime
};

// HJ/T 212-2005 code -> HJ 212-2017 code, nullopt when unknown (the code is kept as sent).
using OldCodeMap = std::function<std::optional<std::string>(std::string_view old_code)>;

DataBlock read_data(const Packet& p, std::string_view where, const OldCodeMap& old_codes = {});

// The views form. A reading's values are the entries of DataView::values whose `reading` is its
// index (in frame order, usually adjacent: [first, end) bounds them).
struct ReadingView {
  std::string_view code;  // as sent (2005 codes are not mapped here: see to_data_block)
  std::optional<char> flag;
  std::optional<core::Instant> sample_time;
  std::uint32_t first = 0, end = 0;
};
struct ValueView {
  std::uint32_t reading = 0;
  std::string_view suffix, text;  // "Avg", "80"
  bool numeric = false;           // a numeric suffix: `number` holds the parsed value
  double number = 0;
};
struct DataView {
  std::optional<core::Instant> data_time;
  std::vector<ReadingView> readings;
  std::vector<ValueView> values;  // every code-suffix field except -Flag and -SampleTime
  std::vector<FieldView> fields;  // plain fields other than DataTime
  std::optional<double> value(const ReadingView& r, std::string_view suffix) const;  // numeric only
};

// Reads the CP fields of a data upload into `out` (its vectors cleared, capacity kept). Throws
// Rejected as read_data does. The views point where `cp`'s views point.
void read_fields(std::span<const FieldView> cp, std::string_view where, DataView& out);
// The owning form, with 2005 codes mapped through `old_codes` for 2005 frames.
DataBlock to_data_block(const DataView& v, Edition e, const OldCodeMap& old_codes = {});

// Beijing time YYYYMMDDhhmmss (or 17 digits with ms) -> instant; nullopt if malformed.
std::optional<core::Instant> parse_hj212_time(std::string_view s);
std::string format_hj212_time(core::Instant t);  // Beijing YYYYMMDDhhmmss
std::string format_qn(core::Instant t, int millis);  // YYYYMMDDhhmmsszzz

bool is_data_flag(char c);  // N F M S D C T B (Table 8)

}  // namespace skyriver::hj212
