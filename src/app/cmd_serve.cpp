// `skyriver serve`: loads the city and its data into the engine, then serves the HTTP API, the
// live stream and the one-map page until stopped (SIGINT/SIGTERM).
#include "api/openapi.h"
#include "api/routes.h"
#include "api/server.h"
#include "app/command.h"
#include "core/error.h"
#include "engine/engine.h"

#include <boost/asio/signal_set.hpp>

#include <filesystem>
#include <iostream>
#include <thread>

namespace {

struct ServeOptions {
  std::string config = "config/datong";
  std::string db = "var/skyriver.db";
  std::string web;
  std::string address = "127.0.0.1";
  int port = 8080;
  int hj212_port = -1;
  int threads = 0;
};

// The page: --web, else web/ in the working directory, else web/ beside the build folder
// holding the binary (build/skyriver -> web/).
std::filesystem::path find_web(const std::string& option) {
  namespace fs = std::filesystem;
  if (!option.empty()) {
    if (!fs::is_regular_file(fs::path(option) / "index.html"))
      throw skyriver::core::Error("--web " + option, "no index.html there");
    return option;
  }
  std::error_code ec;
  fs::path beside = fs::read_symlink("/proc/self/exe", ec).parent_path().parent_path() / "web";
  for (const fs::path& p : {fs::path("web"), beside})
    if (fs::is_regular_file(p / "index.html")) return p;
  throw skyriver::core::Error("--web", "no web/ folder with index.html found; pass --web DIR");
}

}  // namespace

static skyriver::app::Command serve_command{
    "serve", "serve the HTTP API, the live stream and the one-map page", [](CLI::App& cmd) {
      auto o = std::make_shared<ServeOptions>();
      cmd.add_option("--config", o->config, "city configuration folder")->capture_default_str();
      cmd.add_option("--db", o->db, "store URL or SQLite file")->capture_default_str();
      cmd.add_option("--port", o->port, "HTTP port (0 = any free port)")->capture_default_str()->check(CLI::Range(0, 65535));
      cmd.add_option("--address", o->address, "address to listen on")->capture_default_str();
      cmd.add_option("--hj212-port", o->hj212_port, "also accept HJ 212 data on this TCP port (0 = any free port)")
          ->check(CLI::Range(0, 65535));
      cmd.add_option("--web", o->web, "folder of the page (default: ./web)");
      cmd.add_option("--threads", o->threads, "HTTP threads (default: hardware threads)")->check(CLI::Range(0, 256));
      return [o]() -> int {
        using namespace skyriver;
        namespace asio = boost::asio;
        engine::Engine eng;

        api::Router router;
        api::SseHub hub;
        api::Context ctx{eng, {}, {}};
        api::add_routes(router, ctx);
        api::StaticFiles files(find_web(o->web));

        asio::io_context io;
        api::ServerOptions so;
        so.address = o->address;
        so.port = static_cast<unsigned short>(o->port);
        std::unique_ptr<api::HttpServer> server;
        try {
          server = std::make_unique<api::HttpServer>(io, router, hub, files, so);
        } catch (const std::exception& e) {
          throw core::Error("--port " + std::to_string(o->port), std::string("cannot listen: ") + e.what());
        }
        server->start();

        asio::signal_set signals(io, SIGINT, SIGTERM);
        signals.async_wait([&io](auto, int) { io.stop(); });

        std::cout << "skyriver: serving http://" << o->address << ":" << server->port() << "/" << std::endl;
        const int n = o->threads > 0 ? o->threads : std::max(2u, std::thread::hardware_concurrency());
        std::vector<std::thread> pool;
        for (int i = 1; i < n; ++i) pool.emplace_back([&io] { io.run(); });
        io.run();
        for (auto& t : pool) t.join();
        return 0;
      };
    }};
