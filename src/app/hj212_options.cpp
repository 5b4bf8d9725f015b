#include "app/hj212_options.h"

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
}

hj212::ServerOptions hj212_server_options(const Hj212Options& o, const std::string& db_url) {
  hj212::ServerOptions so;
  so.address = o.address;
  so.port = static_cast<std::uint16_t>(o.port < 0 ? 9212 : o.port);
  so.idle_timeout = std::chrono::seconds(o.idle);
  so.max_skew = std::chrono::seconds(o.max_skew);
  so.quarantine = o.quarantine;
  so.archive_dir = o.archive;
  if (so.archive_dir.empty()) {
    std::string url = db_url.empty() ? store::Store::default_url() : db_url;
    if (url.starts_with("postgres") || url == "sqlite::memory:") {
      so.archive_dir = "var/hj212-raw";
    } else {
      if (url.starts_with("sqlite:")) url = url.substr(7);
      so.archive_dir = (std::filesystem::path(url).parent_path() / "hj212-raw").string();
    }
  }
  return so;
}

}  // namespace skyriver::app
