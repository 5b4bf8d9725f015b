// History files: the observation files a backtest reads (the import formats cnemc, uci,
// long), read straight into a Panel without a store, and the hour labels of each format.
//
// Every row is checked by the format's own importer (ingest/import): bad rows are counted and
// the first few reported, never silently used. Sites are grouped by the top area of their
// area (their city) for the "city mean" features.
#pragma once

#include "forecast/panel.h"
#include "model/city.h"

#include <string>
#include <vector>

namespace skyriver::forecast {

struct HistoryFiles {
  Panel panel;
  // A file's hour label of panel hour k is time(k) + label_offset (cnemc and uci label an
  // hour by its end: +1 h; long by its start: 0).
  core::Instant label_offset = 0;
  std::size_t values = 0, rejected = 0;
  std::vector<std::string> first_rejects;  // "file:line: reason"
};

// Throws core::Error for an unknown format, an unreadable file or no usable value.
HistoryFiles read_history_files(const std::string& format, const std::vector<std::string>& files,
                                const model::CityConfig& city);

// The label offset of a format (see above); throws for an unknown format.
core::Instant label_offset(const std::string& format);

}  // namespace skyriver::forecast
