// The HJ 212 ingest server's command-line options, declared once for `skyriver serve` and
// `skyriver hj212 serve`, so each option has one name, one default and one meaning in both:
//
//   --hj212-port N         TCP port (0 = any free port). `serve` starts no HJ 212 server without
//                          it; `hj212 serve` defaults to 9212.
//   --hj212-address ADDR   bind address of the station network (default 127.0.0.1; stations on
//                          another machine need 0.0.0.0 or that network's interface address).
//   --hj212-archive DIR    raw archive of every frame (default: hj212-raw beside the SQLite
//                          store file; var/hj212-raw for PostgreSQL). Always on.
//   --hj212-idle S         connections without a complete frame for S seconds close (600).
//   --hj212-frame-deadline S  a started frame must complete within S seconds (30).
//   --hj212-max-connections N             connections in all (10000) ...
//   --hj212-max-connections-per-address N ... and from one address (6000).
//   --hj212-fd-reserve N   descriptors HJ 212 leaves free for HTTP, the store and files (128).
//   --hj212-max-skew S     values stamped more than S seconds ahead of the clock are
//                          quarantined, not stored (3600).
//   --hj212-max-age S      values stamped more than S seconds behind the clock are quarantined,
//                          not stored (2678400 = 31 days: a logger's backlog after an outage).
//   --hj212-lockout-failures N          login failures of one (address, MN) before it is locked
//                                       out (5); the station's own address stays open.
//   --hj212-lockout-address-failures N  login failures of one address, any MNs, before the
//                                       address is locked out (20).
//   --hj212-lockout-first S             the first lock-out (60); each next one doubles ...
//   --hj212-lockout-max S               ... up to this (3600).
//   --hj212-quarantine     also archive refused frames (unknown MN, wrong password, rejected).
//   --hj212-writers N      store connections that write batches (PostgreSQL: 2, so that one
//                          writes while the other commits; SQLite: 1, its only writer).
#pragma once

#include "ingest/hj212/server.h"

#include <CLI/CLI.hpp>

#include <string>

namespace skyriver::app {

struct Hj212Options {
  int port = -1;  // -1: not given
  std::string address = "127.0.0.1", archive;
  int idle = 600, max_skew = 3600, max_age = 31 * 86400, frame_deadline = 30;
  int max_connections = 10000, max_connections_per_address = 6000, fd_reserve = 128;
  int lockout_failures = 5, lockout_address_failures = 20, lockout_first = 60, lockout_max = 3600;
  bool quarantine = false;
  int writers = 0;  // 0: the store's default (PostgreSQL 2, SQLite 1)
};

void add_hj212_options(CLI::App& cmd, Hj212Options& o);

// The server options for a store at `db_url` (which decides the default archive folder and
// writers; throws core::Error for more than one writer on SQLite).
hj212::ServerOptions hj212_server_options(const Hj212Options& o, const std::string& db_url);

}  // namespace skyriver::app
