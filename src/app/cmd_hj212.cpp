// `skyriver hj212 check [FILE|-] [--json]`: one HJ 212 frame per line in, one verdict per line
// out, for operators debugging a device. A verdict is "ok" with the decoded header and values,
// or the rejection reason with its QnRtn code (HJ 212-2017 Table 7). Exit status 1 if any line
// was rejected. `skyriver hj212 serve` runs the ingest server alone.
#include "app/command.h"
#include "app/locate.h"
#include "app/hj212_options.h"
#include "core/error.h"
#include "ingest/hj212/decode.h"
#include "ingest/hj212/edition2025.h"
#include "ingest/hj212/observations.h"
#include "ingest/hj212/server.h"
#include "model/city.h"
#include "store/store.h"

#include <boost/asio.hpp>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

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
      const bool secret = hj212::is_secret_command(p.cn);
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
      if (!values.contains(r.code)) values[r.code] = v;  // a code sent twice: its readings in order
      else if (values[r.code].is_array()) values[r.code].push_back(v);
      else values[r.code] = json::array({values[r.code], v});
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
    const bool secret = hj212::is_secret_command(p.cn);
    for (const auto& g : p.cp)
      for (const auto& f : g) o << " " << f.name << "=" << (secret ? "<redacted>" : f.value);
  }
  return o.str();
}

int run_check(const std::string& file, bool as_json, const std::string& parameters) {
  // 2005 codes are shown as 2017 codes through the parameter registry when it is at hand.
  model::ParameterRegistry registry;
  hj212::OldCodeMap old_codes;
  if (!parameters.empty() && std::ifstream(parameters)) {
    registry = model::load_parameters(parameters);
    old_codes = hj212::old_code_map(registry);
  }
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
    const auto d = hj212::decode_frame(line, name + ":" + std::to_string(n), old_codes);
    if (!d.ok) status = 1;
    if (as_json)
      std::cout << to_json(d, n).dump() << "\n";
    else
      std::cout << to_text(d) << "\n";
  }
  return status;
}

// `skyriver hj212 serve`: the ingest server alone (the platform's `serve` starts the same
// hj212::Server beside its HTTP API, with the same --hj212-* options). Prints
// "listening on <port>" once bound; stops on SIGINT/SIGTERM.
int run_serve(const std::string& config, const std::string& db, const app::Hj212Options& ho) {
  const auto opt = app::hj212_server_options(ho, db);
  const auto city = model::load_city(config);
  auto store = app::open_store(db, app::StoreUse::create);
  hj212::Server server(*store, city, opt);
  std::cout << "listening on " << server.port() << " (raw archive " << opt.archive_dir << ")" << std::endl;
  boost::asio::io_context io;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code, int) { io.stop(); });
  io.run();
  server.stop();
  const auto st = server.stats();
  spdlog::info("hj212: frames {}, stored {}, duplicates {}, conflicts {}, quarantined {}, rejected {}, refused {}, acks {}",
               st.frames, st.observations_inserted, st.duplicates, st.conflicts, st.quarantined, st.rejected,
               st.refused_auth, st.acks);
  return 0;
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
      auto params = std::make_shared<std::string>(app::default_config() + "/parameters.toml");
      check->add_option("--parameters", *params,
                        "parameter table used to show HJ/T 212-2005 codes as 2017 codes (skipped if absent)");
      struct ServeOpts {
        std::string config = app::default_config(), db;
        app::Hj212Options hj212;
      };
      auto so = std::make_shared<ServeOpts>();
      auto* serve = cmd.add_subcommand("serve", "run the HJ 212 ingest server alone");
      serve->add_option("--config", so->config, "city configuration folder (sites with mn/password)");
      serve->add_option("--db", so->db, "store URL (default var/skyriver.db)");
      app::add_hj212_options(*serve, so->hj212);
      return [check, file, as_json, params, serve, so]() -> int {
        if (check->parsed()) return run_check(*file, *as_json, *params);
        if (serve->parsed()) return run_serve(so->config, so->db, so->hj212);
        return 0;
      };
    }};
