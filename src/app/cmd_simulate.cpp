// `skyriver simulate`: N simulated HJ 212 stations (air, water, stacks; edition 2005, 2017,
// 2025 or a mix) send hours of data to host:port and count the answers. Prints
// sent / acked / rejected / unacked; exit status 1 if anything stayed unanswered.
// --write-config FILE writes the [[site]] entries the server needs to accept them.
// --replay FILE replays national hourly data (CNEMC layout, read by the cnemc importer) as
// 2061 frames from the configured sites that have an MN (--config), for --begin/--hours.
#include "app/command.h"
#include "app/locate.h"
#include "core/error.h"
#include "ingest/hj212/simulator.h"
#include "ingest/import/importer.h"
#include "model/city.h"

#include <map>

#include <fstream>
#include <iostream>

namespace {

using namespace skyriver;

// Collects the hourly values the cnemc reader finds, per site and hour.
struct Collect : ingest::Sink {
  std::map<std::string, std::map<core::Instant, std::vector<std::pair<std::string, double>>>> by_site;
  const model::ParameterRegistry& reg;
  core::Instant from, to;
  Collect(const model::ParameterRegistry& r, core::Instant f, core::Instant t) : reg(r), from(f), to(t) {}
  void row() override {}
  void value(store::Observation&& o) override {
    if (o.interval != store::Interval::hour || o.time < from || o.time >= to) return;
    const auto* p = reg.find(o.parameter);
    if (!p || p->hj212.empty()) return;  // AQI, O3-8h, ... have no HJ 212 code
    by_site[o.site][o.time].emplace_back(p->hj212, o.value);
  }
  void reject(std::string, std::string) override {}
  void skipped_outside_city(std::size_t) override {}
  void skipped_type() override {}
  void register_site(const model::Site&, const model::Area&) override {}
};

template <class Opts>
void replay_national(const std::string& file, const model::CityConfig& city, const Opts& o, hj212::SimOptions& so) {
  ingest::ImportOptions io;
  io.format = "cnemc";
  const ingest::ReadContext ctx{city, io, 0, [&](const std::string& id) { return city.site(id); }};
  Collect c(city.parameters, so.begin, so.begin + so.hours * core::kHour);
  ingest::format_reader("cnemc")(file, ctx, c);
  so.stations.clear();
  so.frames.clear();
  const auto pattern = hj212::make_sim_stations(static_cast<int>(city.sites.size()), o.editions);
  for (const auto& site : city.sites) {
    if (site.mn.empty() || !c.by_site.count(site.id)) continue;
    hj212::SimStation st{site.id, site.mn, site.password, site.kind, pattern[so.stations.size()].edition};
    std::vector<std::string> frames;
    for (const auto& [t, values] : c.by_site[site.id])
      frames.push_back(hj212::upload_frame(st, "2061", t, t + core::kHour, values, so.registry));
    so.stations.push_back(st);
    so.frames.push_back(std::move(frames));
  }
  if (so.stations.empty())
    throw core::Error(file, "no values in the chosen hours for a configured site with an MN (see --config)");
  std::cerr << "replaying " << file << ": " << so.stations.size() << " stations\n";
}

}  // namespace

static skyriver::app::Command simulate_command{
    "simulate", "send simulated HJ 212 traffic to an ingest server", [](CLI::App& cmd) {
      struct Opts {
        std::string parameters = app::default_config() + "/parameters.toml";
        std::string replay, config = app::default_config(), profile, outlet;
        std::string host = "127.0.0.1", editions = "2017", begin = "2024-01-01", write_config, area = "140213";
        int port = 9212, stations = 10, hours = 24, timeout_ms = 5000, deadline_s = 120;
        double rate = 0;
        bool realtime = false;
      };
      auto o = std::make_shared<Opts>();
      cmd.add_option("--host", o->host, "server host");
      cmd.add_option("--port", o->port, "server port")->check(CLI::Range(1, 65535));
      cmd.add_option("--stations", o->stations, "number of stations (one connection each)")->check(CLI::Range(1, 100000));
      cmd.add_option("--editions", o->editions, "2005 | 2017 | 2025 | mix")
          ->check(CLI::IsMember({"2005", "2017", "2025", "mix"}));
      cmd.add_option("--begin", o->begin, "first day (Beijing), YYYY-MM-DD");
      cmd.add_option("--hours", o->hours, "hours of data per station")->check(CLI::Range(1, 24 * 366));
      cmd.add_flag("--realtime", o->realtime, "also send real-time (2011) frames");
      cmd.add_option("--rate", o->rate, "frames per second over all stations (0 = as fast as possible)");
      cmd.add_option("--ack-timeout-ms", o->timeout_ms, "resend unanswered frames after this");
      cmd.add_option("--deadline", o->deadline_s, "give up after this many seconds");
      cmd.add_option("--write-config", o->write_config, "write the stations as a [[site]] TOML file and exit");
      cmd.add_option("--area", o->area, "area id for --write-config");
      cmd.add_option("--parameters", o->parameters, "parameter table: the old codes 2005 stations send");
      cmd.add_option("--replay", o->replay, "national hourly CSV (CNEMC layout) to replay as HJ 212 frames");
      cmd.add_option("--config", o->config, "city configuration for --replay and --profile (sites with mn/password)");
      cmd.add_option("--profile", o->profile, "plant: one outlet that exceeds for 3 h, goes offline for 4 h and comes back "
                                             "(16 hours from --begin; needs --outlet)")
          ->check(CLI::IsMember({"plant"}));
      cmd.add_option("--outlet", o->outlet, "the configured outlet (site id) the plant profile sends as");
      return [o]() -> int {
        using namespace skyriver;
        const auto stations = hj212::make_sim_stations(o->stations, o->editions);
        if (!o->write_config.empty()) {
          std::ofstream out(o->write_config);
          if (!out) throw core::Error(o->write_config, "cannot write");
          out << hj212::sim_stations_toml(stations, o->area);
          return 0;
        }
        const auto day = core::parse_date(o->begin);
        if (!day) throw core::Error("--begin", "not a date YYYY-MM-DD: " + o->begin);
        hj212::SimOptions so;
        model::ParameterRegistry registry;
        if (std::ifstream(o->parameters)) {
          registry = model::load_parameters(o->parameters);
          so.registry = &registry;
        }
        so.host = o->host;
        so.port = static_cast<std::uint16_t>(o->port);
        so.stations = stations;
        so.begin = core::beijing_midnight(*day);
        so.hours = o->hours;
        so.realtime = o->realtime;
        so.rate = o->rate;
        so.ack_timeout = std::chrono::milliseconds(o->timeout_ms);
        so.deadline = std::chrono::milliseconds(o->deadline_s * 1000LL);
        model::CityConfig city;
        if (!o->profile.empty()) {
          city = model::load_city(o->config);
          const model::Site* site = city.site(o->outlet);
          if (!site || site->kind != model::kOutlet || site->mn.empty())
            throw core::Error("--outlet " + o->outlet, "not a configured outlet with an MN in " + o->config);
          hj212::SimStation st{site->id, site->mn, site->password, site->kind, hj212::Edition::hj2017};
          so.stations = {st};
          so.frames = {hj212::plant_frames(st, so.begin, {})};
        }
        if (!o->replay.empty()) {
          city = model::load_city(o->config);
          replay_national(o->replay, city, *o, so);
        }
        const auto r = hj212::simulate(so);
        std::cout << "sent " << r.sent << " acked " << r.acked << " rejected " << r.rejected << " unacked "
                  << r.unacked << " resent " << r.resent << " reconnects " << r.reconnects << " seconds "
                  << r.seconds << " frames/s " << (r.seconds > 0 ? r.acked / r.seconds : 0) << " p50_ms "
                  << r.latency_p50_ms << " p99_ms " << r.latency_p99_ms << "\n";
        return r.unacked == 0 ? 0 : 1;
      };
    }};
