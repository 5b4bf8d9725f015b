// The compensation statement written out: JSON (for the API and systems), CSV (systems),
// HTML (reading), XLSX (the finance bureau). Every line of the statement appears in every
// format, with the county nets and the city summary.
#pragma once

#include "assess/compensation.h"

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>

namespace skyriver::assess {

nlohmann::json to_json(const Statement& s);
void write_csv(const Statement& s, std::ostream& out);
void write_html(const Statement& s, std::ostream& out);
// Throws core::Error(path, why) when the file cannot be written.
void write_xlsx(const Statement& s, const std::string& path);

}  // namespace skyriver::assess
