// `skyriver serve`: loads the city and its data into the engine, then serves the HTTP API, the
// live stream and the one-map page until stopped (SIGINT/SIGTERM).
//
// Live data reaches the engine three ways, each announced on /api/stream at once: HJ 212
// packets (--hj212-port), uploads (POST /api/import), and files imported by another process
// (`skyriver import` into the same store), noticed by polling the store's import log every 2 s.
// On PostgreSQL, what other processes write (HJ 212 of other serve processes) arrives live too,
// through the store's change notices (app/change_follower.h).
// Uploads and foreign imports are read back incrementally (observations received since the
// import began), never by re-reading the whole store.
// Who may do what: accounts in the store (src/accounts/, `skyriver user`), checked by api/auth.h;
// [api] in <config>/server.toml sets the public route groups, the session idle time and the
// trusted proxies. Operational messages go to the log (core/log.h).
#include "alert/warning_service.h"
#include "alert/alarm_service.h"
#include "alert/webhook.h"
#include "assess/compensation.h"
#include "assess/compensation_report.h"
#include "assess/compensation_store.h"
#include "api/auth.h"
#include "api/routes.h"
#include "api/server.h"
#include "app/change_follower.h"
#include "app/command.h"
#include "app/locate.h"
#include "app/hj212_options.h"
#include "core/error.h"
#include "core/log.h"
#include "engine/engine.h"
#include "engine/load.h"
#include "forecast/daily.h"
#include "forecast/forecaster.h"
#include "ingest/import/importer.h"
#include "ingest/hj212/server.h"
#include "ledger/ledger.h"
#include "model/city.h"
#include "report/inputs.h"
#include "store/accounts_store.h"
#include "store/store.h"

#include <boost/asio/signal_set.hpp>
#include <toml.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>

namespace {

namespace fs = std::filesystem;
using namespace skyriver;

struct ServeOptions {
  std::string config = app::default_config();
  std::string db = "var/skyriver.db";
  std::string web;
  std::string address = "127.0.0.1";
  int port = 8080;
  app::Hj212Options hj212;
  int threads = 0;
  double poll = 2;
  std::string forecast_models;     // default: models/ beside the store (forecast::models_dir_for)
  int forecast_retrain_days = 7;   // 0 = never train
  int max_connections = 512, max_streams = 100, idle_timeout = 15;
  int max_connections_per_address = 0, header_timeout = 10, stream_queue_kib = 1024;
  std::size_t upload_mib = 256;
  int max_future = 3600;
};

// Where uploads wait while imported: beside a SQLite store (same disk, same owner), else the
// system's temporary folder. Each upload gets its own private folder there (server.h).
fs::path upload_dir_for(const std::string& db, const store::Store& s) {
  if (s.backend() != "sqlite") return {};
  std::string path = db.empty() ? store::Store::default_url() : db;
  if (path.rfind("sqlite:", 0) == 0) path = path.substr(7);
  if (path.empty() || path == ":memory:") return {};
  const fs::path parent = fs::absolute(path).parent_path();
  return fs::is_directory(parent) ? parent : fs::path();
}

core::Instant wall_clock() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}


// [api] of <config>/server.toml: who may see what without a login, sessions, trusted proxies.
// The retired shared token (SKYRIVER_API_TOKEN, [api] token / read_token) stops the start with
// what to do instead (docs/api.md, "Migrating from the shared token").
api::AuthOptions auth_options(const std::string& config) {
  constexpr const char* kInstead =
      "the shared API token is retired: create a user and a token instead, e.g. 'skyriver user add robot --role duty "
      "--password-stdin' then 'skyriver user token robot' (docs/api.md, \"Migrating from the shared token\")";
  if (const char* env = std::getenv("SKYRIVER_API_TOKEN"); env && *env) throw core::Error("SKYRIVER_API_TOKEN", kInstead);
  api::AuthOptions o;
  const fs::path file = fs::path(config) / "server.toml";
  if (!fs::exists(file)) return o;
  toml::value t;
  try {
    t = toml::parse(file.string());
  } catch (const std::exception& e) {
    throw core::Error(file.string(), e.what());
  }
  if (!t.contains("api")) return o;
  const auto& section = toml::find(t, "api");
  for (const char* retired : {"token", "read_token"})
    if (section.contains(retired)) throw core::Error(file.string() + " [api] " + retired, kInstead);
  try {
    if (section.contains("public")) {
      o.public_tags.clear();
      for (const auto& g : toml::find<std::vector<std::string>>(section, "public")) o.public_tags.insert(g);
    }
    if (section.contains("trusted_proxies"))
      o.trusted_proxies = toml::find<std::vector<std::string>>(section, "trusted_proxies");
    if (section.contains("session_idle_minutes")) {
      const auto m = toml::find<std::int64_t>(section, "session_idle_minutes");
      if (m < 1 || m > 12 * 60) throw core::Error(file.string() + " [api] session_idle_minutes", "must be 1..720");
      o.sessions.idle = m * 60;
    }
  } catch (const core::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw core::Error(file.string() + " [api]", e.what());
  }
  return o;
}

// Watches the store's import log; when an import finished since the last look, pulls the new
// values into the engine (which announces them).
class ImportWatcher {
 public:
  ImportWatcher(engine::Engine& e, std::string url, double seconds) : engine_(e), url_(std::move(url)), seconds_(seconds) {
    thread_ = std::thread([this] { run(); });
  }
  ~ImportWatcher() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  void run() {
    std::unique_ptr<store::Store> s;
    std::int64_t seen = -1;
    bool failing = false;
    std::unique_lock lock(mutex_);
    while (!stop_) {
      lock.unlock();
      try {
        if (!s) s = store::Store::open(url_);
        // Imports that ended since the last look: their values were received at or after
        // their start (importer.h), so reading from the earliest start finds them all.
        std::int64_t newest = std::max<std::int64_t>(seen, 0);
        std::optional<core::Instant> from;
        for (const auto& r : s->imports()) {
          if (r.status == "running" || r.id <= seen) continue;
          newest = std::max(newest, r.id);
          from = std::min(from.value_or(r.started), r.started);
        }
        if (seen >= 0 && from) {
          const std::size_t n = engine::refresh(engine_, *s, *from - 2);
          spdlog::info("import {} noticed, {} hourly values changed", newest, n);
        }
        seen = newest;
        if (failing) spdlog::info("watching imports again");
        failing = false;
      } catch (const std::exception& e) {
        if (!failing) spdlog::error("watching imports: {} (retrying every {} s; logged again when it recovers)", e.what(), seconds_);
        failing = true;
        s.reset();
      }
      lock.lock();
      cv_.wait_for(lock, std::chrono::duration<double>(seconds_), [this] { return stop_; });
    }
  }
  engine::Engine& engine_;
  std::string url_;
  double seconds_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

nlohmann::json batch_json(const std::vector<engine::Update>& batch) {
  nlohmann::json values = nlohmann::json::array();
  for (std::size_t i = 0; i < batch.size() && i < 200; ++i) {
    const auto& u = batch[i];
    values.push_back({{"site", u.site}, {"parameter", u.parameter}, {"time", core::format_iso(u.time)},
                      {"value", u.value}, {"flag", std::string(1, u.flag)}});
  }
  return {{"count", batch.size()}, {"values", values}};
}

}  // namespace

static skyriver::app::Command serve_command{
    "serve", "serve the HTTP API, the live stream and the one-map page", [](CLI::App& cmd) {
      auto o = std::make_shared<ServeOptions>();
      cmd.add_option("--config", o->config, "city configuration folder")->capture_default_str();
      cmd.add_option("--db", o->db, "store URL or SQLite file")->capture_default_str();
      cmd.add_option("--port", o->port, "HTTP port (0 = any free port)")->capture_default_str()->check(CLI::Range(0, 65535));
      cmd.add_option("--address", o->address, "address to listen on")->capture_default_str();
      app::add_hj212_options(cmd, o->hj212);  // the same --hj212-* options as `hj212 serve`
      cmd.add_option("--web", o->web, "folder of the page (default: the installed page, else ./web, else the source tree's)");
      cmd.add_option("--threads", o->threads, "HTTP threads (default: hardware threads, at least 2)")->check(CLI::Range(0, 256));
      cmd.add_option("--poll", o->poll, "seconds between looks at the store's import log")->capture_default_str()->check(CLI::Range(0.1, 3600.0));
      cmd.add_option("--forecast-models", o->forecast_models, "forecast models folder (default: models/ beside the store)");
      cmd.add_option("--forecast-retrain-days", o->forecast_retrain_days,
                     "retrain the forecast after this many days of new data (0 = never train)")->capture_default_str()->check(CLI::Range(0, 3650));
      cmd.add_option("--max-connections", o->max_connections, "HTTP connections served at once (more get 503)")
          ->capture_default_str()->check(CLI::Range(1, 100000));
      cmd.add_option("--max-connections-per-address", o->max_connections_per_address,
                     "HTTP connections served at once from one client address (0 = 1/8 of --max-connections)")
          ->capture_default_str()->check(CLI::Range(0, 100000));
      cmd.add_option("--header-timeout", o->header_timeout, "seconds a request's headers may take from its first byte")
          ->capture_default_str()->check(CLI::Range(1, 3600));
      cmd.add_option("--stream-queue", o->stream_queue_kib,
                     "KiB of events a live stream may have waiting; a stream over it is dropped")
          ->capture_default_str()->check(CLI::Range(1, 1 << 20));
      cmd.add_option("--max-streams", o->max_streams, "live streams (/api/stream) served at once (more get 503)")
          ->capture_default_str()->check(CLI::Range(1, 100000));
      cmd.add_option("--idle-timeout", o->idle_timeout, "seconds a connection may stay silent before (or between) requests")
          ->capture_default_str()->check(CLI::Range(1, 3600));
      cmd.add_option("--upload-limit", o->upload_mib, "MiB an upload (POST /api/import, token needed) may hold")
          ->capture_default_str()->check(CLI::Range(1, 65536));
      cmd.add_option("--max-future", o->max_future, "seconds ahead of the clock a value may be stamped (later ones are refused)")
          ->capture_default_str()->check(CLI::Range(0, 366 * 86400));
      return [o]() -> int {
        namespace asio = boost::asio;
        // The retired shared token and the HJ 212 options are checked before anything starts.
        const api::AuthOptions auth_opts = auth_options(o->config);
        const auto ho = app::hj212_server_options(o->hj212, o->db);
        const auto city = model::load_city(o->config);
        engine::Engine eng;
        engine::set_city(eng, city);
        eng.set_clock(wall_clock, o->max_future);
        auto store = app::open_store(o->db, app::StoreUse::create);
        std::mutex store_mutex;  // a Store is used by one thread at a time
        const core::Instant loading = wall_clock();  // what other processes write from here on is followed
        const auto report = engine::load(eng, *store);
        spdlog::info("{} sites, {} hourly values and {} audit marks loaded in {:.2f} s", city.sites.size(), report.values,
                     report.marks, report.seconds);

        api::Router router;
        router.set_version([&eng] { return eng.version(); });
        api::SseHub hub;
        api::Context ctx{eng, {}, {}, {}};
        ctx.record_audit = [&](const api::AuditRequest& a) {
          std::vector<std::string> params{a.parameter};
          if (a.parameter.empty()) params = eng.read([&](const engine::Engine& e) { return e.parameters(a.site); });
          std::lock_guard lock(store_mutex);
          const core::Instant now = std::chrono::duration_cast<std::chrono::seconds>(
                                        std::chrono::system_clock::now().time_since_epoch()).count();
          // One transaction for the whole request: a failure part-way stores nothing (issue 28 #3).
          std::vector<store::AuditMark> marks;
          for (const auto& p : params)
            for (core::Instant t = a.from; t < a.to; t += core::kHour)
              marks.push_back({0, a.site, p, t, store::Interval::hour, a.mark, a.reason, a.user.empty() ? "api" : a.user, now});
          store->add_marks(marks);
        };
        // The compensation statement is computed on request from the store's samples, so it
        // always reflects audit marks and late data; no rules file, no route.
        const std::string rules_file = o->config + "/compensation.toml";
        if (fs::exists(rules_file)) {
          auto rules = std::make_shared<assess::Rules>(assess::load_rules(rules_file));
          ctx.compensation = [&, rules](const std::string& text) {
            const auto period = assess::parse_period(text);
            std::vector<assess::Sample> samples;
            {
              std::lock_guard lock(store_mutex);
              samples = assess::samples_from_store(*store, *rules, period);
            }
            return assess::to_json(assess::compensate(*rules, period, samples));
          };
        }
        // Targets, plan register and documents (routes_targets.cpp): the configuration's files, and
        // the store (water samples, compensation, plan entries) under the one store lock.
        const report::Inputs inputs = report::load_inputs(o->config);
        ctx.inputs = &inputs;
        ctx.with_store = [&](const std::function<void(store::Store&)>& f) {
          std::lock_guard lock(store_mutex);
          f(*store);
        };
        ctx.import_file = [&](const std::string& format, const std::string& name, const std::string& path) {
          // The body waits in a private folder of its own (server.h); it takes the upload's name
          // there, as the source of each value.
          std::ifstream head(path, std::ios::binary);
          unsigned char magic[2] = {0, 0};
          head.read(reinterpret_cast<char*>(magic), 2);
          const bool gz = magic[0] == 0x1f && magic[1] == 0x8b;
          std::string base = name;
          for (const char* ext : {".gz", ".csv"})
            if (base.size() > std::strlen(ext) && base.ends_with(ext)) base.resize(base.size() - std::strlen(ext));
          const fs::path file = fs::path(path).parent_path() / (base + (gz ? ".csv.gz" : ".csv"));
          fs::rename(path, file);
          ingest::ImportOptions io_opts;
          io_opts.format = format;
          io_opts.max_future = o->max_future;
          ingest::ImportSummary sum;
          std::size_t fresh = 0;
          try {
            std::lock_guard lock(store_mutex);
            const core::Instant began = wall_clock();
            sum = ingest::run_import({file.string()}, *store, city, io_opts);
            fresh = engine::refresh(eng, *store, began - 2);
          } catch (const core::Error& e) {
            // The client sees its file's name, never the server's folder.
            const std::string folder = file.parent_path().string() + "/";
            auto hide = [&folder](std::string s) {
              for (std::size_t at; (at = s.find(folder)) != std::string::npos;) s.erase(at, folder.size());
              return s;
            };
            throw core::Error(hide(e.where()), hide(e.why()));
          }
          nlohmann::json rejects = nlohmann::json::array();
          for (const auto& r : sum.rejects) rejects.push_back({{"where", r.where}, {"why", r.why}});
          return nlohmann::json{{"rows_read", sum.rows_read}, {"stored", sum.stored}, {"duplicates", sum.duplicates},
                                {"conflicts", sum.conflicts}, {"rejected", sum.rejected}, {"rejects", rejects},
                                {"new_hourly_values", fresh}};
        };
        // Day-1..3 daily AQI forecasts are published on this board (the forecast subscribes to
        // publish here); the warning desk judges each issue and keeps warnings in the store.
        forecast::DailyAqiBoard daily_board;
        auto warnings = alert::start_warnings(o->config, o->db, city, eng, daily_board,
                                              [&hub](const std::string& e, const std::string& d) { hub.publish(e, d); });
        ctx.warnings = warnings ? warnings->desk.get() : nullptr;
        // The air-quality forecast (docs/forecast.md): issues whenever the data's latest hour moves,
        // keeps each issue in the journal and publishes the areas' daily AQI on the board.
        forecast::ForecasterOptions fo;
        fo.models_dir = o->forecast_models.empty() ? forecast::models_dir_for(o->db) : o->forecast_models;
        fo.retrain_days = std::max(1, o->forecast_retrain_days);
        fo.train = o->forecast_retrain_days > 0;
        fo.poll_seconds = std::max(o->poll, 30.0);
        forecast::Forecaster forecaster(eng, o->db, &daily_board, fo);
        forecaster.on_issue([&hub](const forecast::Issue& i) {
          hub.publish("forecast", api::json_text({{"issued", core::format_iso(i.issued)}, {"model_version", i.model_version}}));
        });
        try {
          forecaster.prime();
        } catch (const std::exception& e) {
          std::cerr << "skyriver: forecast: first issue failed: " << e.what() << std::endl;
        }
        forecaster.start();
        ctx.forecaster = &forecaster;
        // Alarms and the ledger (docs/sources.md): kept in the store's journal, announced live.
        const auto alarm_rules = alert::load_alarm_rules(o->config + "/alarms.toml");
        std::unique_ptr<alert::Webhook> alarm_hooks;  // before the service: outlives its thread
        if (!alarm_rules.webhooks.empty()) alarm_hooks = std::make_unique<alert::Webhook>(alarm_rules.webhooks);
        alert::AlarmService alarms(city, alarm_rules, o->db);
        ledger::Ledger ledger(city, o->db);
        ctx.city = &city;
        ctx.alarms = &alarms;
        ctx.ledger = &ledger;
        alarms.add_listener([&hub](const alert::AlarmChange& c) {
          auto j = alert::to_json(c.alarm);
          j["change"] = c.change;
          hub.publish("alarm", api::json_text(j));
        });
        // Webhooks hear of every change but the hourly "updated" (a longer exceedance).
        alarms.add_listener([&alarm_hooks](const alert::AlarmChange& c) {
          if (alarm_hooks && c.change != "updated") alarm_hooks->post("alarm." + c.change, alert::to_json(c.alarm));
        });
        ledger.on_change([&hub](const ledger::Task& t, const std::string& change) {
          hub.publish("task", api::json_text({{"id", t.id}, {"change", change}, {"state", t.state}}));
        });
        const auto rec = alarms.recover(eng.latest_hour());
        spdlog::info("alarms: {} restored, {} hourly values replayed, {} new", rec.restored, rec.replayed, rec.changes);
        alarms.start(o->poll);
        // Accounts on a connection of their own: a login never waits behind an import.
        auto account_store = store::AccountStore::open(o->db);
        std::mutex account_mutex;
        api::Auth auth(
            [&](const std::function<void(store::AccountStore&)>& f) {
              std::lock_guard lock(account_mutex);
              f(*account_store);
            },
            auth_opts);
        auth.add_routes(router);
        router.set_auth(&auth);
        api::add_routes(router, ctx);
        api::StaticFiles files(app::find_share("web", "index.html", o->web));  // app/locate.h
        eng.subscribe([&hub](const std::vector<engine::Update>& batch) { hub.publish("data", api::json_text(batch_json(batch))); });

        asio::io_context io;
        api::ServerOptions so;
        so.address = o->address;
        so.port = static_cast<unsigned short>(o->port);
        so.max_connections = static_cast<std::size_t>(o->max_connections);
        so.max_streams = static_cast<std::size_t>(o->max_streams);
        so.idle_timeout = std::chrono::seconds(o->idle_timeout);
        so.max_connections_per_address = static_cast<std::size_t>(o->max_connections_per_address);
        so.header_timeout = std::chrono::seconds(o->header_timeout);
        so.stream_queue = static_cast<std::size_t>(o->stream_queue_kib) << 10;
        so.upload_limit = o->upload_mib << 20;
        so.upload_dir = upload_dir_for(o->db, *store);
        std::unique_ptr<api::HttpServer> server;
        try {
          server = std::make_unique<api::HttpServer>(io, router, hub, files, so);
        } catch (const std::exception& e) {
          throw core::Error("--port " + std::to_string(o->port), std::string("cannot listen: ") + e.what());
        }
        server->start();
        ImportWatcher watcher(eng, o->db, o->poll);
        // Other serve processes on the same PostgreSQL store: their writes, live (docs/province.md).
        app::ChangeFollower follower(eng, o->db, o->poll, loading - 60);

        // HJ 212: its own store connection, io_context and threads (hj212/server.h), so API reads
        // never delay an acknowledgement; what it stored (only that) goes to the engine, which
        // announces it on the live stream.
        std::unique_ptr<store::Store> hj_store;
        std::unique_ptr<hj212::Server> hj;
        if (o->hj212.port >= 0) {
          hj_store = store::Store::open(o->db);
          hj = std::make_unique<hj212::Server>(*hj_store, city, ho, [&eng, &alarms](std::span<const store::Observation> obs) {
            eng.put(engine::updates_of(obs), true);
            alarms.observe(obs);
          });
          spdlog::info("HJ 212 on tcp://{}:{} (raw archive {})", ho.address, hj->port(), ho.archive_dir);
        }

        asio::signal_set signals(io, SIGINT, SIGTERM);
        signals.async_wait([&io](auto, int) { io.stop(); });

        spdlog::info("serving http://{}:{}/", o->address, server->port());
        if (account_store->users().empty())
          spdlog::warn("no accounts in the store: nothing can be changed until one is made (skyriver user add)");
        const int n = o->threads > 0 ? o->threads : std::max(2u, std::thread::hardware_concurrency());
        std::vector<std::thread> pool;
        for (int i = 1; i < n; ++i) pool.emplace_back([&io] { io.run(); });
        io.run();
        for (auto& t : pool) t.join();
        return 0;
      };
    }};
