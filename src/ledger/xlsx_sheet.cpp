#include "ledger/xlsx_sheet.h"

#include "core/error.h"

#include <expat.h>
#include <zip.h>

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <type_traits>
#include <map>
#include <memory>

namespace skyriver::ledger {
namespace {

// One part of the workbook; "" when absent. Neither the size the archive declares nor what it
// inflates to may pass max_part: a few KiB of zip can declare or hold gigabytes (zip bomb), so
// the part is read in chunks and refused as soon as it grows past the cap.
std::string read_part(zip_t* z, const std::string& name, const std::string& where, std::size_t max_part) {
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat(z, name.c_str(), 0, &st) != 0) return "";
  auto too_big = [&](std::uint64_t n, const char* how) {
    return core::Error(where, "part " + name + " of the workbook " + how + " " + std::to_string(n) +
                                  " bytes uncompressed; at most " + std::to_string(max_part) + " are read");
  };
  if ((st.valid & ZIP_STAT_SIZE) && st.size > max_part) throw too_big(st.size, "declares");
  std::unique_ptr<zip_file_t, decltype(&zip_fclose)> f(zip_fopen(z, name.c_str(), 0), zip_fclose);
  if (!f) throw core::Error(where, "cannot open part " + name + " of the workbook");
  std::string out;
  char buf[64 * 1024];
  for (;;) {
    const zip_int64_t n = zip_fread(f.get(), buf, sizeof buf);
    if (n < 0) throw core::Error(where, "cannot read part " + name + " of the workbook");
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > max_part) throw too_big(out.size() + n, "inflates to more than");
    out.append(buf, static_cast<std::size_t>(n));
  }
  if ((st.valid & ZIP_STAT_SIZE) && out.size() != st.size)
    throw core::Error(where, "part " + name + " of the workbook is " + std::to_string(out.size()) +
                                 " bytes, not the " + std::to_string(st.size) + " it declares");
  return out;
}

// A small SAX walk: element start/end and character data, by local name (prefixes dropped).
struct Walk {
  std::function<void(const std::string&, const char**)> start;
  std::function<void(const std::string&)> end;
  std::function<void(const char*, int)> text;
};

std::string local(const char* name) {
  std::string n(name);
  const auto colon = n.rfind(':');
  return colon == std::string::npos ? n : n.substr(colon + 1);
}

const char* attr(const char** atts, const char* want) {
  for (int i = 0; atts[i]; i += 2)
    if (local(atts[i]) == want) return atts[i + 1];
  return nullptr;
}

void parse_xml(const std::string& xml, Walk& w, const std::string& where) {
  std::unique_ptr<std::remove_pointer_t<XML_Parser>, decltype(&XML_ParserFree)> p(XML_ParserCreate("UTF-8"),
                                                                                 XML_ParserFree);
  XML_SetUserData(p.get(), &w);
  XML_SetElementHandler(
      p.get(),
      [](void* u, const char* name, const char** atts) {
        auto* w = static_cast<Walk*>(u);
        if (w->start) w->start(local(name), atts);
      },
      [](void* u, const char* name) {
        auto* w = static_cast<Walk*>(u);
        if (w->end) w->end(local(name));
      });
  XML_SetCharacterDataHandler(p.get(), [](void* u, const char* s, int n) {
    auto* w = static_cast<Walk*>(u);
    if (w->text) w->text(s, n);
  });
  if (XML_Parse(p.get(), xml.data(), static_cast<int>(xml.size()), 1) == XML_STATUS_ERROR)
    throw core::Error(where, std::string("broken XML at line ") + std::to_string(XML_GetCurrentLineNumber(p.get())) +
                                 ": " + XML_ErrorString(XML_GetErrorCode(p.get())));
}

// "BC12" -> 54 (0-based column); -1 when there are no letters.
int column_of(const char* ref) {
  int col = 0, letters = 0;
  for (; ref && *ref >= 'A' && *ref <= 'Z'; ++ref, ++letters) col = col * 26 + (*ref - 'A' + 1);
  return letters ? col - 1 : -1;
}

// The path of the first sheet: workbook.xml names it, its relationship gives the part.
std::string first_sheet_part(zip_t* z, const std::string& where, std::size_t max_part) {
  std::string rid;
  Walk wb;
  wb.start = [&](const std::string& n, const char** a) {
    if (n == "sheet" && rid.empty())
      if (const char* id = attr(a, "id")) rid = id;
  };
  parse_xml(read_part(z, "xl/workbook.xml", where, max_part), wb, where + " (xl/workbook.xml)");
  std::string target;
  Walk rels;
  rels.start = [&](const std::string& n, const char** a) {
    const char* id = attr(a, "Id");
    if (n == "Relationship" && id && rid == id)
      if (const char* t = attr(a, "Target")) target = t;
  };
  parse_xml(read_part(z, "xl/_rels/workbook.xml.rels", where, max_part), rels, where + " (workbook relationships)");
  if (target.empty()) return "xl/worksheets/sheet1.xml";
  if (target[0] == '/') return target.substr(1);
  return "xl/" + target;
}

}  // namespace

bool looks_like_xlsx(const std::string& bytes) { return bytes.rfind("PK\x03\x04", 0) == 0; }

std::vector<SheetRow> read_first_sheet(const std::string& bytes, const std::string& where, std::size_t max_part) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &err);
  if (!src) throw core::Error(where, "cannot read the workbook");
  zip_t* raw = zip_open_from_source(src, ZIP_RDONLY, &err);
  if (!raw) {
    zip_source_free(src);
    const std::string why = zip_error_strerror(&err);
    zip_error_fini(&err);
    throw core::Error(where, "not an XLSX workbook (" + why + ")");
  }
  std::unique_ptr<zip_t, decltype(&zip_discard)> z(raw, zip_discard);

  std::vector<std::string> shared;
  {
    std::string cur;
    bool in_si = false, in_t = false;
    Walk w;
    w.start = [&](const std::string& n, const char**) {
      if (n == "si") in_si = true, cur.clear();
      else if (n == "t" && in_si) in_t = true;
    };
    w.end = [&](const std::string& n) {
      if (n == "t") in_t = false;
      else if (n == "si") in_si = false, shared.push_back(cur);
    };
    w.text = [&](const char* s, int n) {
      if (in_t) cur.append(s, n);
    };
    parse_xml(read_part(z.get(), "xl/sharedStrings.xml", where, max_part), w, where + " (shared strings)");
  }

  const std::string part = first_sheet_part(z.get(), where, max_part);
  const std::string xml = read_part(z.get(), part, where, max_part);
  if (xml.empty()) throw core::Error(where, "the workbook has no worksheet " + part);
  std::vector<SheetRow> rows;
  int col = -1, next_col = 0;
  std::string type, value;
  bool in_v = false, in_is_t = false;
  Walk w;
  w.start = [&](const std::string& n, const char** a) {
    if (n == "row") {
      const char* r = attr(a, "r");
      rows.push_back({r ? std::atoi(r) : (rows.empty() ? 1 : rows.back().number + 1), {}});
      next_col = 0;
    } else if (n == "c" && !rows.empty()) {
      const char* r = attr(a, "r");
      col = r ? column_of(r) : next_col;
      if (col < 0) col = next_col;
      if (col > 16383)  // past XFD, Excel's last column: no sheet of ours, and a huge row to allocate
        throw core::Error(where + ":" + std::to_string(rows.back().number), "a cell lies past column XFD");
      const char* t = attr(a, "t");
      type = t ? t : "n";
      value.clear();
    } else if (n == "v") {
      in_v = true;
    } else if (n == "t" && type == "inlineStr") {
      in_is_t = true;
    }
  };
  w.text = [&](const char* s, int n) {
    if (in_v || in_is_t) value.append(s, n);
  };
  w.end = [&](const std::string& n) {
    if (n == "v") in_v = false;
    else if (n == "t") in_is_t = false;
    else if (n == "c" && col >= 0 && !rows.empty()) {
      std::string text = value;
      if (type == "s") {
        char* endp = nullptr;
        const long i = std::strtol(value.c_str(), &endp, 10);
        if (value.empty() || *endp || i < 0 || static_cast<std::size_t>(i) >= shared.size())
          throw core::Error(where + ":" + std::to_string(rows.back().number), "a cell points at shared string '" + value + "', which the workbook lacks");
        text = shared[static_cast<std::size_t>(i)];
      } else if (type == "b") {
        text = value == "1" ? "true" : "false";
      }
      auto& cells = rows.back().cells;
      if (cells.size() <= static_cast<std::size_t>(col)) cells.resize(static_cast<std::size_t>(col) + 1);
      cells[static_cast<std::size_t>(col)] = std::move(text);
      next_col = col + 1;
      col = -1;
    }
  };
  parse_xml(xml, w, where + " (" + part + ")");
  return rows;
}

std::optional<core::Date> excel_serial_date(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (*end || v != static_cast<double>(static_cast<long long>(v)) || v < 1 || v > 2958465) return std::nullopt;
  const auto serial = static_cast<std::int64_t>(v);
  // 1899-12-31 is serial 0; Excel counts a 1900-02-29 that never was, so from serial 61 on
  // day 0 is 1899-12-30.
  const std::int64_t base = core::days_from_civil({1899, 12, serial < 61 ? 31 : 30});
  return core::civil_from_days(base + serial);
}

}  // namespace skyriver::ledger
