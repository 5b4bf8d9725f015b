// The HJ 212 traffic simulator (`skyriver simulate`, and the client of the integration tests
// and benchmarks): N stations, one TCP connection each, sending realistic frames with the
// answer bit set and counting the platform's answers.
//
// Each station sends, for `hours` hours from `begin` (Beijing hours, keyed by their start as
// HJ 212 2061 DataTime is): one hourly frame (2061), and with `realtime` one real-time frame
// (2011) at half past. Air stations: PM2.5 PM10 SO2 NO2 CO O3; water stations: pH DO CODMn
// NH3-N TP TN; stacks (outlets): smoke, SO2, NOx with converted (Zs) values, O2, flow, gas
// temperature. Edition per station: 2005 (no QN, old codes where they exist, Flag=1), 2017
// (Flag=5) or 2025 (Flag=9, plus a 9015 heartbeat on connecting). Values are a deterministic
// function of (station, code, time): sim_value().
//
// A frame is done when its 9014 arrives (matched by QN). Frames unanswered `ack_timeout` after
// the last send are resent on a new connection (the platform's store makes a resend a duplicate),
// until all are answered or `deadline` passes. A 9011 answer counts as rejected.
#pragma once

#include "core/time.h"
#include "ingest/hj212/edition.h"
#include "model/parameter.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace skyriver::hj212 {

struct SimStation {
  std::string id, mn, password, kind;  // kind: air | water | outlet
  Edition edition = Edition::hj2017;
};

// n stations, ids SIM0001..., MNs of 24 hex digits; kinds cycle air, air, water, outlet.
// editions: "2005" | "2017" | "2025" | "mix" (per 10 stations: 4 x 2017, 1 x 2005, 5 x 2025).
std::vector<SimStation> make_sim_stations(int n, const std::string& editions);
// A [[site]] TOML file for the city configuration (area: an area id of the city).
std::string sim_stations_toml(const std::vector<SimStation>& stations, const std::string& area);

struct SimOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 9212;
  std::vector<SimStation> stations;
  core::Instant begin = 0;  // start of the first hour (UTC seconds)
  int hours = 24;
  bool realtime = false;
  double rate = 0;  // frames per second over all stations; 0 = as fast as possible
  std::chrono::milliseconds ack_timeout{5000};
  std::chrono::milliseconds deadline{120000};
  // For 2005 stations: old codes from the registry (Parameter::hj212_old); without it they
  // send the 2017 codes (as some 2005-era loggers do).
  const model::ParameterRegistry* registry = nullptr;
  // Frames to send instead of the generated ones (replay), one list per station; empty = generate.
  std::vector<std::vector<std::string>> frames;
  // Connect every station first and start sending only once all are connected (a benchmark's
  // steady state: stations keep their connections open); SimResult::busy_seconds then spans
  // sending alone.
  bool start_together = false;
};

struct SimResult {
  std::uint64_t sent = 0, acked = 0, rejected = 0, resent = 0, unacked = 0, reconnects = 0;
  double seconds = 0;
  double busy_seconds = 0;  // from the first frame sent to the last answer received
  double latency_p50_ms = 0, latency_p99_ms = 0;  // send -> 9014
};

SimResult simulate(const SimOptions& options);

// The frames one station sends (each with CR LF), in order; `qns` receives their QNs.
std::vector<std::string> sim_frames(const SimStation& st, core::Instant begin, int hours, bool realtime,
                                     const model::ParameterRegistry* registry = nullptr);
// One upload frame (Flag A bit set) of `cn` for DataTime with (2017 code, value) pairs, flag N;
// QN = qn_time. 2005 stations get no QN and old codes (from the registry when given).
// `zs`: converted (折算) values sent as <code>-ZsAvg beside the value of the same code.
std::string upload_frame(const SimStation& st, const std::string& cn, core::Instant data_time, core::Instant qn_time,
                         const std::vector<std::pair<std::string, double>>& values,
                         const model::ParameterRegistry* registry = nullptr,
                         const std::vector<std::pair<std::string, double>>& zs = {});

// A simulated plant (one flue-gas outlet, `skyriver simulate --profile plant`): hourly frames
// (2061) of smoke, SO2, NOx (each with its ZsAvg at ref_o2), O2, flow and gas temperature for
// `hours` hours from `begin`; SO2 is far over an ultra-low limit (about 60 mg/m3 converted) for
// `exceed_hours` hours from hour `exceed_from`, and the plant sends nothing for `offline_hours`
// hours from hour `offline_from`. Normal hours stay well inside the ultra-low limits (PM 10,
// SO2 35, NOx 50) and vary from hour to hour.
struct PlantProfile {
  int hours = 16, exceed_from = 6, exceed_hours = 3, offline_from = 10, offline_hours = 4;
  double ref_o2 = 6;
};
std::vector<std::string> plant_frames(const SimStation& st, core::Instant begin, const PlantProfile& p);
// The value a station reports for a 2017 code at a time (already rounded as sent).
double sim_value(const SimStation& st, const std::string& code, core::Instant t);
// The 2017 codes a station of this kind reports; `zs` codes also send a converted value.
struct SimCode {
  const char* code;
  bool zs;
};
const std::vector<SimCode>& sim_codes(const std::string& kind);

}  // namespace skyriver::hj212
