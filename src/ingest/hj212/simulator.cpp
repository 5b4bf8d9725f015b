#include "ingest/hj212/simulator.h"

#include "ingest/hj212/decode.h"
#include "ingest/hj212/frame.h"
#include "ingest/hj212/splitter.h"

#include <boost/asio.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <functional>
#include <memory>
#include <optional>

namespace skyriver::hj212 {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Range {
  const char* code;
  double lo, hi;
  int decimals;
};

// Plausible ranges (air ug/m3, CO mg/m3; water mg/L, pH none; stack mg/m3, %, m3/s, C).
constexpr Range kRanges[] = {
    {"a34004", 5, 150, 1},    {"a34002", 10, 250, 1},  {"a21026", 2, 40, 1},    {"a21004", 5, 80, 1},
    {"a21005", 0.2, 2.5, 3},  {"a05024", 10, 200, 1},  {"w01001", 6.5, 8.5, 2}, {"w01009", 4, 10, 2},
    {"w01019", 1, 8, 2},      {"w21003", 0.05, 1.5, 3}, {"w21011", 0.01, 0.3, 3}, {"w21001", 0.5, 3, 2},
    {"a34013", 1, 10, 1},     {"a21002", 20, 50, 1},   {"a19001", 6, 12, 1},    {"a00000", 50, 200, 1},
    {"a01012", 40, 120, 1},
};

std::uint64_t mix(std::uint64_t h) {  // splitmix64 finaliser
  h += 0x9E3779B97F4A7C15ULL;
  h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ULL;
  h = (h ^ (h >> 27)) * 0x94D049BB133111EBULL;
  return h ^ (h >> 31);
}

std::uint64_t hash(std::string_view s, std::uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

std::string fmt(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

int decimals_of(const std::string& code) {
  for (const auto& r : kRanges)
    if (code == r.code) return r.decimals;
  return 2;
}

// Converted (折算) value at 6 % reference O2: C * (21 - 6) / (21 - O2) (HJ 212-2017 App. D eq. 28).
double zs_value(const SimStation& st, const std::string& code, core::Instant t) {
  const double v = sim_value(st, code, t), o2 = sim_value(st, "a19001", t);
  return std::stod(fmt(v * 15.0 / (21.0 - o2), decimals_of(code)));
}

std::string sent_code(const SimStation& st, const std::string& code, const model::ParameterRegistry* registry) {
  if (st.edition == Edition::hj2005 && registry)
    if (const auto* p = registry->by_hj212(code); p && !p->hj212_old.empty()) return p->hj212_old;
  return code;
}

std::string data_frame(const SimStation& st, const std::string& cn, core::Instant data_time, core::Instant qn_time,
                       int qn_ms, const model::ParameterRegistry* registry) {
  const bool old = st.edition == Edition::hj2005;
  const char* suffix = cn == "2011" ? "Rtd" : "Avg";
  std::string seg;
  if (!old) seg += "QN=" + format_qn(qn_time, qn_ms) + ";";
  const std::string stcode = st.kind == "air" ? "22" : st.kind == "water" ? "21" : "31";
  seg += "ST=" + stcode + ";CN=" + cn + ";PW=" + st.password + ";MN=" + st.mn + ";Flag=" +
         std::to_string((version_bits(st.edition) << 2) | 1) + ";CP=&&DataTime=" + format_hj212_time(data_time);
  for (const auto& c : sim_codes(st.kind)) {
    const std::string code = sent_code(st, c.code, registry);
    seg += ";" + code + "-" + suffix + "=" + fmt(sim_value(st, c.code, data_time), decimals_of(c.code));
    if (c.zs) seg += "," + code + "-Zs" + suffix + "=" + fmt(zs_value(st, c.code, data_time), decimals_of(c.code));
    seg += "," + code + "-Flag=N";
  }
  seg += "&&";
  return encode_frame(seg);
}

}  // namespace

std::string upload_frame(const SimStation& st, const std::string& cn, core::Instant data_time, core::Instant qn_time,
                         const std::vector<std::pair<std::string, double>>& values,
                         const model::ParameterRegistry* registry,
                         const std::vector<std::pair<std::string, double>>& zs) {
  const char* suffix = cn == "2011" ? "Rtd" : "Avg";
  std::string seg;
  if (st.edition != Edition::hj2005) seg += "QN=" + format_qn(qn_time, 0) + ";";
  const std::string stcode = st.kind == "air" ? "22" : st.kind == "water" ? "21" : "31";
  seg += "ST=" + stcode + ";CN=" + cn + ";PW=" + st.password + ";MN=" + st.mn + ";Flag=" +
         std::to_string((version_bits(st.edition) << 2) | 1) + ";CP=&&DataTime=" + format_hj212_time(data_time);
  for (const auto& [code, v] : values) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest text that reads back as v
    const std::string c = sent_code(st, code, registry);
    seg += ";" + c + "-" + suffix + "=" + std::string(buf, ec == std::errc() ? end : buf);
    for (const auto& [zcode, zv] : zs)
      if (zcode == code) {
        auto [zend, zec] = std::to_chars(buf, buf + sizeof buf, zv);
        seg += "," + c + "-Zs" + suffix + "=" + std::string(buf, zec == std::errc() ? zend : buf);
      }
    seg += "," + c + "-Flag=N";
  }
  seg += "&&";
  return encode_frame(seg);
}

std::vector<std::string> plant_frames(const SimStation& st, core::Instant begin, const PlantProfile& p) {
  std::vector<std::string> out;
  auto round1 = [](double v) { return std::round(v * 10) / 10; };
  for (int h = 0; h < p.hours; ++h) {
    if (h >= p.offline_from && h < p.offline_from + p.offline_hours) continue;
    const bool exceed = h >= p.exceed_from && h < p.exceed_from + p.exceed_hours;
    const double o2 = round1(7.0 + 0.1 * (h % 4));
    const double smoke = round1(3.0 + 0.1 * (h % 7)), so2 = exceed ? 56.0 + h % 3 : 14.0 + h % 5, nox = 30.0 + h % 6;
    const double f = (21.0 - p.ref_o2) / (21.0 - o2);  // HJ 212-2017 App. D eq. (28)
    const core::Instant t = begin + h * core::kHour;
    out.push_back(upload_frame(st, "2061", t, t + core::kHour,
                               {{"a34013", smoke}, {"a21026", so2}, {"a21002", nox}, {"a19001", o2},
                                {"a00000", 500.0 + h}, {"a01012", 50.0 + h % 3}},
                               nullptr, {{"a34013", round1(smoke * f)}, {"a21026", round1(so2 * f)}, {"a21002", round1(nox * f)}}));
  }
  return out;
}

const std::vector<SimCode>& sim_codes(const std::string& kind) {
  static const std::vector<SimCode> air{{"a34004", false}, {"a34002", false}, {"a21026", false},
                                        {"a21004", false}, {"a21005", false}, {"a05024", false}};
  static const std::vector<SimCode> water{{"w01001", false}, {"w01009", false}, {"w01019", false},
                                          {"w21003", false}, {"w21011", false}, {"w21001", false}};
  static const std::vector<SimCode> outlet{{"a34013", true}, {"a21026", true}, {"a21002", true},
                                           {"a19001", false}, {"a00000", false}, {"a01012", false}};
  return kind == "air" ? air : kind == "water" ? water : outlet;
}

double sim_value(const SimStation& st, const std::string& code, core::Instant t) {
  Range r{"", 1, 100, 2};
  for (const auto& x : kRanges)
    if (code == x.code) r = x;
  // Outlet SO2 is an emission concentration (mg/m3), not an ambient one.
  if (st.kind == "outlet" && code == "a21026") r = {"", 5, 35, 1};
  const std::uint64_t h = mix(hash(code, hash(st.mn)) ^ static_cast<std::uint64_t>(t));
  const double u = static_cast<double>(h >> 11) / static_cast<double>(1ULL << 53);
  return std::stod(fmt(r.lo + u * (r.hi - r.lo), r.decimals));
}

std::vector<SimStation> make_sim_stations(int n, const std::string& editions) {
  static const char* kinds[] = {"air", "air", "water", "outlet"};
  std::vector<SimStation> out;
  for (int i = 0; i < n; ++i) {
    SimStation s;
    char id[16], mn[32];
    std::snprintf(id, sizeof id, "SIM%04d", i + 1);
    std::snprintf(mn, sizeof mn, "0100005100000000%08X", i + 1);
    s.id = id;
    s.mn = mn;
    s.password = std::to_string(100000 + (i * 7919) % 900000);
    s.kind = kinds[i % 4];
    if (editions == "2005") s.edition = Edition::hj2005;
    else if (editions == "2025") s.edition = Edition::hj2025;
    else if (editions == "mix") s.edition = i % 10 < 4 ? Edition::hj2017 : i % 10 == 4 ? Edition::hj2005 : Edition::hj2025;
    else s.edition = Edition::hj2017;
    out.push_back(std::move(s));
  }
  return out;
}

std::string sim_stations_toml(const std::vector<SimStation>& stations, const std::string& area) {
  std::string out = "# Simulated HJ 212 stations (skyriver simulate): not real sites.\n";
  for (const auto& s : stations) {
    out += "\n[[site]]\nid = \"" + s.id + "\"\nname = \"simulated " + s.id + "\"\nkind = \"" + s.kind +
           "\"\narea = \"" + area + "\"\nmn = \"" + s.mn + "\"\npassword = \"" + s.password + "\"\n";
  }
  return out;
}

std::vector<std::string> sim_frames(const SimStation& st, core::Instant begin, int hours, bool realtime,
                                    const model::ParameterRegistry* registry) {
  std::vector<std::string> out;
  for (int h = 0; h < hours; ++h) {
    const core::Instant t = begin + h * core::kHour;
    if (realtime) out.push_back(data_frame(st, "2011", t + 1800, t + 1800, 1, registry));
    out.push_back(data_frame(st, "2061", t, t + core::kHour, 0, registry));
  }
  return out;
}

namespace {

struct Run;

class Conn : public std::enable_shared_from_this<Conn> {
 public:
  Conn(asio::io_context& io, Run& run, const SimStation& st, std::vector<std::string> frames)
      : io_(io), run_(run), st_(st), sock_(io), timer_(io), frames_(std::move(frames)) {
    acked_.assign(frames_.size(), false);
    sent_at_.resize(frames_.size());
    for (std::size_t i = 0; i < frames_.size(); ++i) {
      // Answers echo the QN; 2005 frames have none, so they are matched by order of sending.
      const auto d = decode_frame(frames_[i], "sim");
      index_[d.packet && !d.packet->qn.empty() ? d.packet->qn : std::to_string(i)] = i;
    }
  }
  void start();
  bool has_work() const { return !frames_.empty(); }

 private:
  void connect();
  void send_next();
  void read();
  void on_answer(std::string_view frame);
  void arm_ack_timer();
  void restart();
  bool done() const { return remaining_ == 0; }

  asio::io_context& io_;
  Run& run_;
  const SimStation& st_;
  tcp::socket sock_;
  asio::steady_timer timer_;
  std::vector<std::string> frames_;
  std::vector<bool> acked_;
  std::vector<Clock::time_point> sent_at_;
  std::map<std::string, std::size_t, std::less<>> index_;
  std::vector<std::size_t> order_;  // frames sent on this connection, in order (2005 matching)
  std::size_t next_ = 0, answered_unkeyed_ = 0, remaining_ = 0;
  std::vector<std::size_t> todo_;
  FrameSplitter split_{65536};
  std::array<char, 8192> buf_{};
  std::string out_;
  bool first_round_ = true;
  int generation_ = 0;
};

struct Run {
  asio::io_context io;
  const SimOptions& opt;
  tcp::endpoint ep;
  SimResult res;
  std::vector<double> latencies;
  Clock::time_point start = Clock::now(), next_slot = Clock::now();
  std::optional<Clock::time_point> first_send;
  Clock::time_point last_answer;
  Decoder decoder;  // the answers' (one thread: the run's io_context)
  std::vector<std::shared_ptr<Conn>> conns;
  // start_together: connections made so far, and the sends waiting for the last one.
  std::size_t connected = 0;
  std::vector<std::function<void()>> held;
  std::size_t running = 0;
  std::unique_ptr<asio::steady_timer> deadline;
  void finished() {
    if (--running == 0 && deadline) deadline->cancel();
  }
  explicit Run(const SimOptions& o) : opt(o) {}
  // Pacing: the time this frame may be sent at, for the global rate.
  Clock::time_point slot() {
    if (opt.rate <= 0) return Clock::now();
    next_slot = std::max(next_slot + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / opt.rate)),
                         Clock::now() - std::chrono::milliseconds(50));
    return next_slot;
  }
};

void Conn::start() {
  remaining_ = frames_.size();
  if (frames_.empty()) return;
  for (std::size_t i = 0; i < frames_.size(); ++i) todo_.push_back(i);
  connect();
}

void Conn::connect() {
  if (Clock::now() - run_.start > run_.opt.deadline) return;
  sock_ = tcp::socket(io_);
  split_ = FrameSplitter(65536);
  order_.clear();
  answered_unkeyed_ = 0;
  next_ = 0;
  const int gen = ++generation_;
  sock_.async_connect(run_.ep, [self = shared_from_this(), gen](boost::system::error_code ec) {
    if (gen != self->generation_) return;
    if (ec) {
      ++self->run_.res.reconnects;
      self->timer_.expires_after(std::chrono::milliseconds(200));
      self->timer_.async_wait([self, gen](boost::system::error_code e) {
        if (!e && gen == self->generation_) self->connect();
      });
      return;
    }
    if (self->st_.edition == Edition::hj2025 && self->first_round_) {
      // A 2025 station announces itself with a heartbeat (no answer asked).
      std::string seg = "QN=" + format_qn(self->run_.opt.begin, 999) + ";ST=22;CN=9015;PW=" + self->st_.password +
                        ";MN=" + self->st_.mn + ";Flag=8;CP=&&&&";
      self->out_ = encode_frame(seg);
      asio::write(self->sock_, asio::buffer(self->out_), ec);
    }
    const bool first = self->first_round_;
    self->first_round_ = false;
    self->read();
    if (first && self->run_.opt.start_together) {
      self->run_.held.push_back([self] { self->send_next(); });
      if (++self->run_.connected < self->run_.running) return;
      self->run_.next_slot = Clock::now();
      for (auto& go : self->run_.held) go();
      self->run_.held.clear();
      return;
    }
    self->send_next();
  });
}

void Conn::send_next() {
  while (next_ < todo_.size() && acked_[todo_[next_]]) ++next_;
  if (next_ >= todo_.size()) {
    arm_ack_timer();
    return;
  }
  const std::size_t i = todo_[next_++];
  const auto when = run_.slot();
  const int gen = generation_;
  auto go = [self = shared_from_this(), i, gen]() {
    if (gen != self->generation_) return;
    self->sent_at_[i] = Clock::now();
    if (!self->run_.first_send) self->run_.first_send = self->sent_at_[i];
    self->order_.push_back(i);
    ++self->run_.res.sent;
    asio::async_write(self->sock_, asio::buffer(self->frames_[i]), [self, gen](boost::system::error_code ec, std::size_t) {
      if (gen != self->generation_) return;
      if (ec) return self->restart();
      self->send_next();
    });
  };
  if (when <= Clock::now()) {
    go();
  } else {
    timer_.expires_at(when);
    timer_.async_wait([go, gen, self = shared_from_this()](boost::system::error_code e) {
      if (!e && gen == self->generation_) go();
    });
  }
}

void Conn::arm_ack_timer() {
  if (done()) return;
  const int gen = generation_;
  timer_.expires_after(run_.opt.ack_timeout);
  timer_.async_wait([self = shared_from_this(), gen](boost::system::error_code e) {
    if (e || gen != self->generation_ || self->done()) return;
    self->restart();
  });
}

void Conn::restart() {
  if (done()) return;
  ++generation_;
  boost::system::error_code ec;
  sock_.close(ec);
  timer_.cancel();
  todo_.clear();
  for (std::size_t i = 0; i < frames_.size(); ++i)
    if (!acked_[i]) todo_.push_back(i), ++run_.res.resent;
  ++run_.res.reconnects;
  const int gen = generation_;
  timer_.expires_after(std::chrono::milliseconds(100));
  timer_.async_wait([self = shared_from_this(), gen](boost::system::error_code e) {
    if (!e && gen == self->generation_) self->connect();
  });
}

void Conn::read() {
  const int gen = generation_;
  sock_.async_read_some(asio::buffer(buf_), [self = shared_from_this(), gen](boost::system::error_code ec, std::size_t n) {
    if (gen != self->generation_) return;
    if (ec) return self->restart();
    self->split_.feed(std::string_view(self->buf_.data(), n));
    while (auto f = self->split_.next()) self->on_answer(*f);
    if (self->done()) {
      ++self->generation_;
      self->run_.finished();
      boost::system::error_code e;
      self->timer_.cancel();
      self->sock_.shutdown(tcp::socket::shutdown_both, e);
      self->sock_.close(e);
      return;
    }
    self->read();
  });
}

void Conn::on_answer(std::string_view frame) {
  const auto& d = run_.decoder.decode(frame, "answer");  // views: no allocation per answer
  if (!d.ok) return;
  const Header& p = d.header;
  if (p.cn != "9014" && p.cn != "9011") return;
  std::size_t i;
  if (!p.qn.empty()) {
    const auto it = index_.find(p.qn);
    if (it == index_.end()) return;
    i = it->second;
  } else {
    if (answered_unkeyed_ >= order_.size()) return;
    i = order_[answered_unkeyed_++];
  }
  if (acked_[i]) return;
  acked_[i] = true;  // answered: a refusal (9011) is final too, resending would not help
  --remaining_;
  if (p.cn == "9011") {
    ++run_.res.rejected;
    return;
  }
  ++run_.res.acked;
  const auto now = Clock::now();
  run_.last_answer = now;
  run_.latencies.push_back(std::chrono::duration<double, std::milli>(now - sent_at_[i]).count());
}

}  // namespace

SimResult simulate(const SimOptions& options) {
  Run run(options);
  tcp::resolver resolver(run.io);
  run.ep = *resolver.resolve(options.host, std::to_string(options.port)).begin();
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < options.stations.size(); ++i) {
    const auto& st = options.stations[i];
    auto frames = i < options.frames.size()
                      ? options.frames[i]
                      : sim_frames(st, options.begin, options.hours, options.realtime, options.registry);
    total += frames.size();
    auto c = std::make_shared<Conn>(run.io, run, st, std::move(frames));
    run.conns.push_back(c);
    c->start();
  }
  run.running = 0;
  for (std::size_t i = 0; i < run.conns.size(); ++i) run.running += run.conns[i]->has_work() ? 1 : 0;
  run.deadline = std::make_unique<asio::steady_timer>(run.io);
  run.deadline->expires_after(options.deadline);
  run.deadline->async_wait([&](boost::system::error_code e) {
    if (!e) run.io.stop();  // give up: what is unanswered is counted as unacked
  });
  if (run.running) run.io.run();
  run.res.seconds = std::chrono::duration<double>(Clock::now() - run.start).count();
  if (run.first_send && run.res.acked)
    run.res.busy_seconds = std::chrono::duration<double>(run.last_answer - *run.first_send).count();
  run.res.unacked = total - run.res.acked - run.res.rejected;
  auto& l = run.latencies;
  if (!l.empty()) {
    std::sort(l.begin(), l.end());
    run.res.latency_p50_ms = l[l.size() / 2];
    run.res.latency_p99_ms = l[std::min(l.size() - 1, l.size() * 99 / 100)];
  }
  return run.res;
}

}  // namespace skyriver::hj212
