#include "ingest/hj212/server.h"

#include "core/error.h"
#include "ingest/hj212/answers.h"
#include "ingest/hj212/archive.h"
#include "ingest/hj212/decode.h"
#include "ingest/hj212/edition2025.h"
#include "ingest/hj212/observations.h"
#include "ingest/hj212/splitter.h"

#include <boost/asio.hpp>

#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

namespace skyriver::hj212 {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

core::Instant now_utc() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int now_millis() {
  return static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count() %
                          1000);
}

}  // namespace

class Session;

// One unit of work for the writer thread: raw frames to archive, observations to commit,
// answers to send once both are durable.
struct Job {
  std::weak_ptr<Session> session;
  std::string peer;
  std::vector<std::pair<std::string, std::string>> raw;  // verdict, frame (already redacted)
  std::vector<store::Observation> observations;
  std::vector<std::string> answers;
};

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  asio::io_context& io;
  store::Store& store;
  const model::CityConfig& city;
  ServerOptions opt;
  OnStored on_stored;
  tcp::acceptor acceptor;
  std::unique_ptr<Archive> archive;
  std::unordered_map<std::string, const model::Site*> by_mn;  // the city's sites by MN
  OldCodeMap old_codes;

  std::mutex mu;  // guards stations, logged_once, sessions
  std::map<std::string, StationState> stations;  // by MN
  std::set<std::string> logged_once;
  std::set<std::weak_ptr<Session>, std::owner_less<std::weak_ptr<Session>>> sessions;

  std::mutex qmu;
  std::condition_variable qcv;
  std::deque<Job> queue;
  std::atomic<std::size_t> queued{0};  // jobs waiting for the writer (back-pressure)
  bool stopping = false;
  std::thread writer;

  std::atomic<std::uint64_t> connections{0}, open_connections{0}, frames{0}, rejected{0}, refused_auth{0},
      inserted{0}, duplicates{0}, conflicts{0}, acks{0}, batches{0}, garbage{0}, oversize{0};

  Impl(asio::io_context& io_, store::Store& s, const model::CityConfig& c, ServerOptions o, OnStored cb)
      : io(io_), store(s), city(c), opt(std::move(o)), on_stored(std::move(cb)), acceptor(io_) {
    if (!opt.log)
      opt.log = [](std::string_view level, const std::string& m) { std::cerr << "hj212 " << level << ": " << m << "\n"; };
    old_codes = old_code_map(city.parameters);
    for (const auto& site : city.sites)
      if (!site.mn.empty()) by_mn.emplace(site.mn, &site);
    if (!opt.archive_dir.empty()) archive = std::make_unique<Archive>(opt.archive_dir);
    const std::string where = "hj212 server " + opt.address + ":" + std::to_string(opt.port);
    boost::system::error_code ec;
    const tcp::endpoint ep(asio::ip::make_address(opt.address, ec), opt.port);
    if (ec) throw core::Error(where, "bad address: " + ec.message());
    acceptor.open(ep.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(ep, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) throw core::Error(where, "cannot listen: " + ec.message());
  }

  void start();
  void accept();
  void handle(const std::shared_ptr<Session>& s, const std::string& frame);
  void submit(Job job);
  void writer_loop();
  void log_once(const std::string& key, std::string_view level, const std::string& msg) {
    {
      std::lock_guard lk(mu);
      if (!logged_once.insert(key).second) return;
    }
    opt.log(level, msg);
  }
};

// One station connection. Its handlers run on its own strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket sock, std::shared_ptr<Server::Impl> srv)
      : sock_(std::move(sock)), idle_(sock_.get_executor()), pause_(sock_.get_executor()), srv_(std::move(srv)), split_(srv_->opt.max_frame) {
    boost::system::error_code ec;
    const auto ep = sock_.remote_endpoint(ec);
    peer_ = ec ? "?" : ep.address().to_string() + ":" + std::to_string(ep.port());
  }

  void start() {
    last_ = std::chrono::steady_clock::now();
    arm_idle();
    read();
  }

  // Safe from any thread.
  void send(std::vector<std::string> answers) {
    asio::post(sock_.get_executor(), [self = shared_from_this(), a = std::move(answers)]() mutable {
      for (auto& x : a) self->out_.push_back(std::move(x));
      if (!self->writing_) self->write_next();
    });
  }

  void close() {
    asio::post(sock_.get_executor(), [self = shared_from_this()] { self->do_close(); });
  }

  const std::string& peer() const { return peer_; }
  tcp::socket::executor_type executor() { return sock_.get_executor(); }

  // Split packets being reassembled (touched only on this session's strand).
  struct Partial {
    std::vector<std::optional<Packet>> parts;
    std::vector<std::string> frames;
    std::size_t have = 0;
  };
  std::map<std::string, Partial> partial;

 private:
  void read() {
    // Back-pressure: while the writer is behind, stop reading (TCP flow control then slows the
    // stations) so memory stays bounded however fast they send.
    if (srv_->queued > srv_->opt.max_queue) {
      pause_.expires_after(std::chrono::milliseconds(20));
      pause_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        if (!ec && !self->closed_) self->read();
      });
      return;
    }
    sock_.async_read_some(asio::buffer(buf_), [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
      if (ec) return self->do_close();
      self->last_ = std::chrono::steady_clock::now();
      self->split_.feed(std::string_view(self->buf_.data(), n));
      while (auto f = self->split_.next()) self->srv_->handle(self, *f);
      self->srv_->garbage += self->split_.skipped_bytes() - self->garbage_seen_;
      self->srv_->oversize += self->split_.oversize_frames() - self->oversize_seen_;
      self->garbage_seen_ = self->split_.skipped_bytes();
      self->oversize_seen_ = self->split_.oversize_frames();
      self->read();
    });
  }

  void write_next() {
    if (out_.empty() || closed_) {
      writing_ = false;
      return;
    }
    writing_ = true;
    asio::async_write(sock_, asio::buffer(out_.front()), [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
      if (ec) return self->do_close();
      self->out_.pop_front();
      self->write_next();
    });
  }

  void arm_idle() {
    idle_.expires_after(srv_->opt.idle_timeout);
    idle_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || self->closed_) return;
      if (std::chrono::steady_clock::now() - self->last_ >= self->srv_->opt.idle_timeout) {
        self->srv_->opt.log("info", "closing idle connection " + self->peer_);
        return self->do_close();
      }
      self->arm_idle();
    });
  }

  void do_close() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ec;
    sock_.shutdown(tcp::socket::shutdown_both, ec);
    sock_.close(ec);
    idle_.cancel();
    pause_.cancel();
    --srv_->open_connections;
    std::lock_guard lk(srv_->mu);
    srv_->sessions.erase(weak_from_this());
  }

  tcp::socket sock_;
  asio::steady_timer idle_, pause_;
  std::shared_ptr<Server::Impl> srv_;
  FrameSplitter split_;
  std::array<char, 4096> buf_;
  std::deque<std::string> out_;
  bool writing_ = false, closed_ = false;
  std::chrono::steady_clock::time_point last_;
  std::string peer_;
  std::size_t garbage_seen_ = 0, oversize_seen_ = 0;
};

void Server::Impl::start() {
  writer = std::thread([self = shared_from_this()] { self->writer_loop(); });
  accept();
}

void Server::Impl::accept() {
  acceptor.async_accept(asio::make_strand(io), [self = shared_from_this()](boost::system::error_code ec, tcp::socket sock) {
    if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) return;
    if (!ec) {
      auto s = std::make_shared<Session>(std::move(sock), self);
      ++self->connections;
      ++self->open_connections;
      {
        std::lock_guard lk(self->mu);
        self->sessions.insert(s);
      }
      asio::dispatch(s->executor(), [s] { s->start(); });
    } else {
      self->opt.log("warn", "accept failed: " + ec.message());
    }
    self->accept();
  });
}

void Server::Impl::handle(const std::shared_ptr<Session>& s, const std::string& frame) {
  ++frames;
  const core::Instant now = now_utc();
  const std::string where = "packet from " + s->peer();
  Decoded d = decode_frame(frame, where, old_codes);
  if (!d.ok) {
    ++rejected;
    opt.log("warn", d.message);
    // A CRC error still names QN/MN when the segment parses: tell the station (QnRtn 9).
    if (d.packet && d.packet->wants_ack()) s->send({answer_9011(*d.packet, d.qnrtn)});
    if (archive && opt.quarantine) {
      Job j;
      j.peer = s->peer();
      j.raw.emplace_back("quarantine:" + d.reason, frame);
      submit(std::move(j));
    }
    return;
  }
  Packet& p = *d.packet;
  const bool secret = edition2025::carries_secret(p.cn);
  const std::string stored_frame = secret ? redact_frame(frame) : frame;

  // Station answers to our own commands need nothing back.
  if (p.cn == "9011" || p.cn == "9012" || p.cn == "9013" || p.cn == "9014") return;

  const auto found = by_mn.find(p.mn);
  const model::Site* site = found == by_mn.end() ? nullptr : found->second;
  const char* refusal = nullptr;
  QnRtn code = QnRtn::ready;
  if (!site) refusal = "mn", code = QnRtn::mn_error;
  else if (site->password != p.pw) refusal = "pw", code = QnRtn::pw_error;
  if (refusal) {
    ++refused_auth;
    // Once per MN and reason: a misconfigured logger retries forever (ServerStats counts them).
    log_once(std::string("refuse:") + refusal + ":" + p.mn, "warn",
             where + ": MN=" + p.mn + ": " +
                 (code == QnRtn::mn_error ? "unknown MN (no configured site)" : "wrong password") +
                 "; answered 9011 QnRtn=" + std::to_string(static_cast<int>(code)) + ", not stored");
    s->send({answer_9011(p, code)});
    if (archive && opt.quarantine) {
      Job j;
      j.peer = s->peer();
      j.raw.emplace_back(std::string("quarantine:") + refusal, stored_frame);
      submit(std::move(j));
    }
    return;
  }

  std::string verdict = "ok";
  {
    std::lock_guard lk(mu);
    auto& st = stations[p.mn];
    st.site = site->id;
    st.mn = p.mn;
    st.edition = std::string(edition_name(p.edition));
    st.last_seen = now;
  }
  if ((site->edition == 2017 && p.edition != Edition::hj2017) || (site->edition == 2025 && p.edition != Edition::hj2025)) {
    verdict = "edition-mismatch";
    log_once("edition:" + p.mn + ":" + std::string(edition_name(p.edition)), "warn",
             "site " + site->id + " (MN " + p.mn + ") is pinned to HJ 212-" + std::to_string(site->edition) +
                 " but sent an HJ 212-" + std::string(edition_name(p.edition)) + " frame; data kept, flagged");
  }

  // Split packets: hold the parts until all have come, then handle the whole.
  std::vector<std::string> part_frames{stored_frame};
  std::vector<Packet> ackers;
  if (p.is_split() && *p.pnum > 1) {
    auto& part = s->partial[p.qn + "/" + p.mn];
    if (part.parts.empty()) part.parts.resize(*p.pnum);
    if (part.parts.size() != static_cast<std::size_t>(*p.pnum)) {
      opt.log("warn", where + ": QN=" + p.qn + ": PNUM changed between parts; reassembly restarted");
      part = {};
      part.parts.resize(*p.pnum);
    }
    auto& slot = part.parts[*p.pno - 1];
    if (!slot) ++part.have;
    slot = p;
    part.frames.push_back(stored_frame);
    if (s->partial.size() > 64) s->partial.erase(s->partial.begin());  // bound memory
    if (part.have < part.parts.size()) return;
    Packet whole = *part.parts[0];
    whole.cp.clear();
    for (auto& q : part.parts) {
      for (auto& g : q->cp) whole.cp.push_back(g);
      if (q->wants_ack()) ackers.push_back(*q);
    }
    part_frames = std::move(part.frames);
    s->partial.erase(p.qn + "/" + p.mn);
    p = std::move(whole);
    try {
      d.data = is_data_command(p.cn, p.edition) ? std::optional<DataBlock>(read_data(p, where, old_codes))
                                                 : std::nullopt;
    } catch (const Rejected& r) {
      ++rejected;
      opt.log("warn", r.what());
      return;
    }
  } else if (p.wants_ack()) {
    ackers.push_back(p);
  }

  Job job;
  job.session = s;
  job.peer = s->peer();
  for (auto& f : part_frames) job.raw.emplace_back(verdict, std::move(f));
  std::vector<std::string> now_answers;

  if (d.data) {
    const Converted c = to_observations(p, *d.data, *site, city.parameters, now);
    for (const auto& why : c.skipped) log_once("skip:" + p.mn + ":" + why.substr(0, why.find(':')), "warn",
                                               "site " + site->id + " (MN " + p.mn + "): " + why + " (not stored)");
    job.observations = std::move(c.observations);
    for (const auto& a : ackers) job.answers.push_back(answer_9014(a));
  } else if (p.cn == "1011" || p.cn == "1013") {
    if (p.cn == "1013" && p.wants_ack()) now_answers.push_back(answer_9013(p));
    now_answers.push_back(set_time_1012(p, now, now_millis()));
  } else if (p.edition == Edition::hj2025 && p.cn == edition2025::kHeartbeat) {
    if (p.wants_ack()) now_answers.push_back(answer_9013(p));
    return s->send(std::move(now_answers));  // heartbeats are not archived: they carry nothing
  } else if (p.edition == Edition::hj2025 && p.cn == edition2025::kKeyExchange) {
    std::optional<std::string> key = opt.key_for ? opt.key_for(p.mn) : std::nullopt;
    if (key) {
      Packet a = p;
      a.st = p.st;
      a.flag = version_bits(p.edition) << 2;
      a.cp = {{{std::string(edition2025::kKeyField), *key}}};
      now_answers.push_back(encode_frame(encode_segment(a)));
    } else {
      now_answers.push_back(answer_9011(p, QnRtn::rejected));
    }
    opt.log("info", "site " + site->id + " (MN " + p.mn + "): key exchange " + (key ? "answered" : "refused"));
  } else if (p.cn[0] == '2' || p.cn == "1062" || p.cn == "1061" || p.cn == "1063" || p.cn == "1064" ||
             p.cn == "3019" || p.cn == "3020") {
    // Known uploads without observations (2081 restart, 2021/2041 facility state, process
    // data, 2025 production/electricity data whose fields are not known): archived raw, acked.
    if (p.edition == Edition::hj2025 && !edition2025::is_known_command(p.cn) && p.cn[0] == '2')
      log_once("cn:" + p.mn + ":" + p.cn, "info",
               "site " + site->id + " (MN " + p.mn + "): CN " + p.cn + " archived raw (fields not decoded)");
    for (const auto& a : ackers) job.answers.push_back(answer_9014(a));
  } else {
    log_once("cn:" + p.mn + ":" + p.cn, "warn",
             "site " + site->id + " (MN " + p.mn + "): unknown command CN=" + p.cn + ", answered 9011 QnRtn=8");
    now_answers.push_back(answer_9011(p, QnRtn::cn_error));
  }
  if (!now_answers.empty()) s->send(std::move(now_answers));
  submit(std::move(job));
}

void Server::Impl::submit(Job job) {
  if (job.raw.empty() && job.observations.empty() && job.answers.empty()) return;
  {
    std::lock_guard lk(qmu);
    queue.push_back(std::move(job));
  }
  ++queued;
  qcv.notify_one();
}

void Server::Impl::writer_loop() {
  for (;;) {
    std::vector<Job> batch;
    {
      std::unique_lock lk(qmu);
      qcv.wait(lk, [&] { return stopping || !queue.empty(); });
      if (queue.empty() && stopping) return;
      std::size_t n = 0;
      while (!queue.empty() && (batch.empty() || n + queue.front().observations.size() <= opt.max_batch)) {
        n += queue.front().observations.size();
        batch.push_back(std::move(queue.front()));
        queue.pop_front();
        --queued;
      }
    }
    const core::Instant now = now_utc();
    std::vector<store::Observation> all;
    try {
      for (auto& j : batch) {
        std::string ref;
        for (auto& [verdict, frame] : j.raw) {
          const std::string r = archive ? archive->append(now, j.peer, verdict, frame) : std::string();
          if (ref.empty()) ref = r;
        }
        for (auto& o : j.observations) {
          if (!ref.empty()) o.source = ref;
          all.push_back(o);
        }
      }
      if (archive) archive->flush();
    } catch (const std::exception& e) {
      opt.log("error", std::string("raw archive: ") + e.what() + "; frames not acknowledged");
      continue;
    }
    auto commit = [&](std::span<const store::Observation> obs) {
      const auto r = obs.empty() ? store::WriteResult{} : store.write(obs);
      inserted += r.inserted;
      duplicates += r.duplicates;
      conflicts += r.conflicts;
    };
    std::vector<bool> ok(batch.size(), true);
    try {
      commit(all);
      ++batches;
    } catch (const std::exception& e) {
      // One bad job must not block the others: retry each alone.
      opt.log("error", std::string("store write failed for a batch, retrying frame by frame: ") + e.what());
      for (std::size_t i = 0; i < batch.size(); ++i) {
        try {
          commit(batch[i].observations);
          ++batches;
        } catch (const std::exception& e2) {
          ok[i] = false;
          opt.log("error", "store write failed for a frame from " + batch[i].peer + ": " + e2.what() +
                               "; not acknowledged");
        }
      }
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (!ok[i] || batch[i].answers.empty()) continue;
      if (auto s = batch[i].session.lock()) {
        acks += batch[i].answers.size();
        s->send(std::move(batch[i].answers));
      }
    }
    if (on_stored && !all.empty()) {
      try {
        on_stored(all);
      } catch (const std::exception& e) {
        opt.log("error", std::string("on_stored: ") + e.what());
      }
    }
  }
}

Server::Server(asio::io_context& io, store::Store& store, const model::CityConfig& city, ServerOptions options,
               OnStored on_stored)
    : impl_(std::make_shared<Impl>(io, store, city, std::move(options), std::move(on_stored))) {
  impl_->start();
}

Server::~Server() { stop(); }

std::uint16_t Server::port() const {
  boost::system::error_code ec;
  const auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void Server::stop() {
  if (!impl_->writer.joinable()) return;
  asio::post(impl_->acceptor.get_executor(), [impl = impl_] {
    boost::system::error_code ec;
    impl->acceptor.close(ec);
  });
  {
    std::lock_guard lk(impl_->mu);
    for (auto& w : impl_->sessions)
      if (auto s = w.lock()) s->close();
  }
  {
    std::lock_guard lk(impl_->qmu);
    impl_->stopping = true;
  }
  impl_->qcv.notify_all();
  impl_->writer.join();
}

ServerStats Server::stats() const {
  const auto& i = *impl_;
  ServerStats s;
  s.connections = i.connections;
  s.open_connections = i.open_connections;
  s.frames = i.frames;
  s.rejected = i.rejected;
  s.refused_auth = i.refused_auth;
  s.observations_inserted = i.inserted;
  s.duplicates = i.duplicates;
  s.conflicts = i.conflicts;
  s.acks = i.acks;
  s.batches = i.batches;
  s.garbage_bytes = i.garbage;
  s.oversize_frames = i.oversize;
  return s;
}

std::vector<StationState> Server::stations() const {
  std::lock_guard lk(impl_->mu);
  std::vector<StationState> out;
  for (const auto& [mn, st] : impl_->stations) out.push_back(st);
  return out;
}

}  // namespace skyriver::hj212
