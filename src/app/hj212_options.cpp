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
  cmd.add_option("--hj212-idle", o.idle, "close HJ 212 connections idle this many seconds")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  cmd.add_option("--hj212-max-skew", o.max_skew,
                 "quarantine HJ 212 values stamped more than this many seconds ahead of the clock")
      ->capture_default_str()
      ->check(CLI::Range(0, 30 * 86400));
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
  so.max_skew = std::chrono::seconds(o.max_skew);
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
