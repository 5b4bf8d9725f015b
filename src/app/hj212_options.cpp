#include "app/hj212_options.h"

#include "core/error.h"
#include "store/store.h"

#include <filesystem>

namespace skyriver::app {

void add_hj212_options(CLI::App& cmd, Hj212Options& o) {
  cmd.add_option("--hj212-port", o.port, "HJ 212 TCP port (0 = any free port)")->check(CLI::Range(0, 65535));
  cmd.add_option("--hj212-address", o.address, "HJ 212 bind address (the station network)")->capture_default_str();
  cmd.add_option("--hj212-archive", o.archive,
                 "raw archive of every HJ 212 frame (default: hj212-raw beside the SQLite store; var/hj212-raw "
                 "for PostgreSQL)");
  cmd.add_option("--hj212-idle", o.idle, "close HJ 212 connections without a complete frame for this many seconds")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  cmd.add_option("--hj212-frame-deadline", o.frame_deadline,
                 "close HJ 212 connections whose started frame is not complete within this many seconds")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  cmd.add_option("--hj212-max-connections", o.max_connections, "HJ 212 connections in all")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  cmd.add_option("--hj212-max-connections-per-address", o.max_connections_per_address,
                 "HJ 212 connections from one address")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  cmd.add_option("--hj212-fd-reserve", o.fd_reserve,
                 "file descriptors HJ 212 leaves free for HTTP, the store and files (0: none)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000000));
  cmd.add_option("--hj212-max-skew", o.max_skew,
                 "quarantine HJ 212 values stamped more than this many seconds ahead of the clock")
      ->capture_default_str()
      ->check(CLI::Range(0, 30 * 86400));
  cmd.add_option("--hj212-max-age", o.max_age,
                 "quarantine HJ 212 values stamped more than this many seconds behind the clock (31 days)")
      ->capture_default_str()
      ->check(CLI::Range(3600, 50 * 366 * 86400));  // 50 years fits an int
  cmd.add_option("--hj212-lockout-failures", o.lockout_failures,
                 "HJ 212 login failures of one (address, MN) before that pair is locked out")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cmd.add_option("--hj212-lockout-address-failures", o.lockout_address_failures,
                 "HJ 212 login failures of one address (any MNs) before the address is locked out")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd.add_option("--hj212-lockout-first", o.lockout_first, "seconds of the first HJ 212 lock-out (each next doubles)")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  cmd.add_option("--hj212-lockout-max", o.lockout_max, "the longest HJ 212 lock-out, seconds")
      ->capture_default_str()
      ->check(CLI::Range(1, 7 * 86400));
  cmd.add_flag("--hj212-quarantine", o.quarantine, "also archive refused HJ 212 frames (unknown MN, wrong password)");
  cmd.add_option("--hj212-writers", o.writers,
                 "store connections writing HJ 212 batches (default: 2 on PostgreSQL, one writes while the other "
                 "commits; 1 on SQLite)")
      ->check(CLI::Range(1, 16));
}

hj212::ServerOptions hj212_server_options(const Hj212Options& o, const std::string& db_url) {
  hj212::ServerOptions so;
  so.address = o.address;
  so.port = static_cast<std::uint16_t>(o.port < 0 ? 9212 : o.port);
  so.idle_timeout = std::chrono::seconds(o.idle);
  so.frame_deadline = std::chrono::seconds(o.frame_deadline);
  so.max_connections = static_cast<std::size_t>(o.max_connections);
  so.max_connections_per_address = static_cast<std::size_t>(o.max_connections_per_address);
  so.fd_reserve = static_cast<std::size_t>(o.fd_reserve);
  so.max_skew = std::chrono::seconds(o.max_skew);
  so.max_age = std::chrono::seconds(o.max_age);
  if (o.lockout_max < o.lockout_first)
    throw core::Error("--hj212-lockout-max " + std::to_string(o.lockout_max),
                      "shorter than --hj212-lockout-first " + std::to_string(o.lockout_first));
  so.lockout.failures = o.lockout_failures;
  so.lockout.address_failures = o.lockout_address_failures;
  so.lockout.first = std::chrono::seconds(o.lockout_first);
  so.lockout.longest = std::chrono::seconds(o.lockout_max);
  so.quarantine = o.quarantine;
  so.archive_dir = o.archive;
  const std::string url = db_url.empty() ? store::Store::default_url() : db_url;
  const bool postgres = url.starts_with("postgres");
  so.writers = o.writers > 0 ? o.writers : postgres ? 2 : 1;
  if (so.writers > 1 && !postgres)
    throw core::Error("--hj212-writers " + std::to_string(so.writers),
                      "SQLite has one writer at a time: more would only wait for each other (use 1)");
  so.open_store = [url] { return store::Store::open(url); };
  if (so.archive_dir.empty()) {
    if (postgres || url == "sqlite::memory:") {
      so.archive_dir = "var/hj212-raw";
    } else {
      const std::string file = url.starts_with("sqlite:") ? url.substr(7) : url;
      so.archive_dir = (std::filesystem::path(file).parent_path() / "hj212-raw").string();
    }
  }
  return so;
}

}  // namespace skyriver::app
