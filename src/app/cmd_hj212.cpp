// `skyriver hj212 check [FILE|-] [--json]`: one HJ 212 frame per line in, one verdict per line
// out, for operators debugging a device. A verdict is "ok" with the decoded header and values,
// or the rejection reason with its QnRtn code (HJ 212-2017 Table 7). Exit status 1 if any line
// was rejected. `skyriver hj212 serve` runs the ingest server alone (see hj212_serve.cpp).
#include "app/command.h"
#include "core/error.h"
#include "ingest/hj212/decode.h"
#include "ingest/hj212/edition2025.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

namespace {

using namespace skyriver;
using nlohmann::json;

json to_json(const hj212::Decoded& d, long line) {
  json j;
  j["ok"] = d.ok;
  j["line"] = line;
  if (!d.ok) {
    j["reason"] = d.reason;
    j["qnrtn"] = static_cast<int>(d.qnrtn);
    j["message"] = d.message;
  }
  if (d.length_variant) j["length_variant"] = true;
  if (d.packet) {
    const auto& p = *d.packet;
    j["edition"] = std::string(hj212::edition_name(p.edition));
    j["qn"] = p.qn;
    j["st"] = p.st;
    j["cn"] = p.cn;
    j["mn"] = p.mn;
    if (p.flag) j["flag"] = *p.flag;
    j["ack"] = p.wants_ack();
    if (p.pnum) {
      j["pnum"] = *p.pnum;
      j["pno"] = *p.pno;
    }
    if (d.ok && !d.data) {
      json cp = json::object();
      const bool secret = hj212::edition2025::carries_secret(p.cn);
      for (const auto& g : p.cp)
        for (const auto& f : g) cp[f.name] = secret ? "<redacted>" : f.value;
      j["cp"] = cp;
    }
  }
  if (d.data) {
    if (d.data->data_time) j["data_time"] = core::format_iso(*d.data->data_time);
    json values = json::object();
    for (const auto& r : d.data->readings) {
      json v = json::object();
      for (const auto& [s, x] : r.values) v[s] = x;
      if (r.flag) v["Flag"] = std::string(1, *r.flag);
      if (r.sample_time) v["SampleTime"] = core::format_iso(*r.sample_time);
      for (const auto& [s, t] : r.text) v[s] = t;
      if (r.code != r.sent_code) v["sent_code"] = r.sent_code;
      values[r.code] = v;
    }
    j["values"] = values;
    for (const auto& f : d.data->fields) j["fields"][f.name] = f.value;
  }
  return j;
}

std::string to_text(const hj212::Decoded& d) {
  std::ostringstream o;
  if (!d.ok) {
    o << "rejected " << d.reason << " qnrtn=" << static_cast<int>(d.qnrtn) << ": " << d.message;
    return o.str();
  }
  const auto& p = *d.packet;
  o << "ok edition=" << hj212::edition_name(p.edition) << " ST=" << p.st << " CN=" << p.cn << " MN=" << p.mn;
  if (!p.qn.empty()) o << " QN=" << p.qn;
  if (p.wants_ack()) o << " ack";
  if (p.pnum) o << " PNO=" << *p.pno << "/" << *p.pnum;
  if (d.length_variant) o << " length=segment+6";
  if (d.data) {
    if (d.data->data_time) o << " DataTime=" << core::format_iso(*d.data->data_time);
    for (const auto& r : d.data->readings) {
      o << " " << r.code;
      if (r.code != r.sent_code) o << "(" << r.sent_code << ")";
      const char* sep = ":";
      for (const auto& [s, x] : r.values) {
        o << sep << s << "=" << x;
        sep = ",";
      }
      if (r.flag) o << sep << "Flag=" << *r.flag;
    }
  } else {
    const bool secret = hj212::edition2025::carries_secret(p.cn);
    for (const auto& g : p.cp)
      for (const auto& f : g) o << " " << f.name << "=" << (secret ? "<redacted>" : f.value);
  }
  return o.str();
}

int run_check(const std::string& file, bool as_json) {
  std::ifstream in;
  std::istream* src = &std::cin;
  if (file != "-") {
    in.open(file, std::ios::binary);
    if (!in) throw core::Error(file, "cannot open");
    src = &in;
  }
  const std::string name = file == "-" ? "stdin" : file;
  std::string line;
  long n = 0;
  int status = 0;
  while (std::getline(*src, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const auto d = hj212::decode_frame(line, name + ":" + std::to_string(n));
    if (!d.ok) status = 1;
    if (as_json)
      std::cout << to_json(d, n).dump() << "\n";
    else
      std::cout << to_text(d) << "\n";
  }
  return status;
}

}  // namespace


static skyriver::app::Command hj212_command{
    "hj212", "HJ 212 tools: check frames, run the ingest server alone", [](CLI::App& cmd) {
      cmd.require_subcommand(1);
      auto* check = cmd.add_subcommand("check", "check HJ 212 frames, one per line (FILE or - for stdin)");
      auto file = std::make_shared<std::string>("-");
      auto as_json = std::make_shared<bool>(false);
      check->add_option("file", *file, "file of frames, one per line; - for stdin");
      check->add_flag("--json", *as_json, "one JSON object per line");
      return [check, file, as_json]() -> int {
        if (check->parsed()) return run_check(*file, *as_json);
        return 0;
      };
    }};
