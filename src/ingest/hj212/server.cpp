#include "ingest/hj212/server.h"

#include "core/accept_backoff.h"
#include "core/error.h"
#include "core/fd_limit.h"
#include "core/log_window.h"
#include "ingest/hj212/archive.h"
#include "ingest/hj212/quarantine.h"
#include "ingest/hj212/session.h"

#include <boost/asio.hpp>

#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <iterator>
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

DispatchOptions dispatch_options(const ServerOptions& o) {
  DispatchOptions d;
  d.quarantine = o.quarantine;
  d.max_skew = o.max_skew;
  d.max_age = o.max_age;
  d.key_for = o.key_for;
  d.log = o.log;
  d.lockout = o.lockout;
  d.on_security = o.on_security;
  return d;
}

}  // namespace

class Session;

// A job with the connection to answer on.
struct Pending {
  std::weak_ptr<Session> session;
  Job job;
};

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  store::Store& store;
  ServerOptions opt;
  OnStored on_stored;
  Dispatcher dispatcher;
  asio::io_context io{std::max(1, opt.threads)};  // the hint: one thread needs less locking
  tcp::acceptor acceptor{io};
  asio::steady_timer accept_retry{io};
  asio::steady_timer log_flush{io};  // ends the dispatcher's log windows (summaries)
  core::AcceptBackoff backoff;  // touched by the accept handler only
  Archive archive;
  std::vector<std::thread> threads;

  std::mutex mu;  // guards sessions, per_address
  std::set<std::weak_ptr<Session>, std::owner_less<std::weak_ptr<Session>>> sessions;
  std::unordered_map<std::string, std::size_t> per_address;  // open connections by address
  // The highest descriptor a connection may have: the soft limit at start less the reserve
  // (0: no limit). Descriptors are allocated lowest first, so a connection given one above it
  // means fewer than fd_reserve are free.
  std::uint64_t fd_ceiling = 0;
  core::WindowedLog conn_log;  // refused connections, deadlines (rate-limited)
  std::atomic<bool> closing{false};

  // Writer queue.
  std::mutex qmu;
  std::condition_variable qcv;
  std::deque<Pending> queue;
  std::atomic<std::size_t> queued{0};  // jobs waiting for the writer (back-pressure)
  bool stopping = false;
  std::thread writer;  // stage 1: archive append + fdatasync

  // Stage 2 (store commit, then answers) takes archived batches from stage 1, so that the
  // archive sync of batch k+1 overlaps the store commit of batch k. At most one archived batch
  // waits for it (bounded memory; meanwhile frames gather into the next, larger batch). Each
  // batch is numbered, so that its answers and deliveries leave in batch order (`answered`:
  // how many batches have) whichever of the writers commits first.
  struct Archived {
    std::uint64_t seq;
    std::vector<Pending> batch;
  };
  std::mutex cmu;
  std::condition_variable ccv, cspace, answered_cv;
  std::optional<Archived> archived;
  std::uint64_t archived_seq = 0, answered = 0;
  bool committer_stopping = false;
  std::vector<std::unique_ptr<store::Store>> more_stores;  // writers 2..N
  std::vector<std::thread> committers;

  // Delivery queue (on_stored), bounded by max_delivery observations.
  std::mutex dmu;
  std::condition_variable dcv, dspace;
  std::deque<std::vector<store::Observation>> delivery;
  std::size_t delivery_size = 0;
  bool delivery_stopping = false;
  std::thread deliverer;

  std::atomic<std::uint64_t> connections{0}, open_connections{0}, inserted{0}, duplicates{0}, conflicts{0},
      quarantined{0}, acks{0}, batches{0}, syncs{0}, garbage{0}, oversize{0}, accept_failures{0}, store_busy_us{0},
      store_rows{0}, refused_connections{0}, deadline_closes{0}, idle_closes{0};

  Impl(store::Store& s, const model::CityConfig& city, ServerOptions o, OnStored cb)
      : store(s),
        opt(std::move(o)),
        on_stored(std::move(cb)),
        dispatcher(city, dispatch_options(opt)),
        archive(opt.archive_dir.empty() ? throw core::Error("hj212 server", "a raw-archive folder is required")
                                        : opt.archive_dir),
        conn_log(opt.log, std::chrono::seconds(60), "hj212: ") {
    if (!opt.log) opt.log = spdlog::default_logger();
    if (const std::uint64_t soft = core::soft_fd_limit(); soft > 0 && opt.fd_reserve > 0) {
      if (soft <= opt.fd_reserve + 16)
        throw core::Error("hj212 server", "the descriptor limit (" + std::to_string(soft) + ") leaves nothing beyond the " +
                                              std::to_string(opt.fd_reserve) + " kept in reserve (--hj212-fd-reserve)");
      fd_ceiling = soft - opt.fd_reserve;
    }
    for (int i = 1; i < opt.writers; ++i) {
      if (!opt.open_store) throw core::Error("hj212 server", "more than one writer needs a way to open the store");
      more_stores.push_back(opt.open_store());
    }
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
  // REQUIRES: mu held. Why a new connection must be refused (nullptr: keep it).
  const char* refusal(Session& s);
  void flush_log();
  void submit(const std::shared_ptr<Session>& s, std::vector<Job> jobs);
  void writer_loop();
  void commit_loop(store::Store& store);
  void commit(Archived& a, store::Store& store);
  void deliver(std::vector<store::Observation> obs);
  void delivery_loop();
};

// One station connection: the socket (on a strand of its own when several threads run the
// io_context) and timers around a SessionLogic.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket sock, std::shared_ptr<Server::Impl> srv, std::string peer, std::string address)
      : sock_(std::move(sock)),
        idle_(sock_.get_executor()),
        pause_(sock_.get_executor()),
        srv_(std::move(srv)),
        logic_(srv_->dispatcher, std::move(peer), srv_->opt.max_frame),
        address_(std::move(address)) {}

  void start() {
    last_ = std::chrono::steady_clock::now();
    arm_idle();
    read();
  }

  const std::string& address() const { return address_; }

  // Safe from any thread.
  void send(std::vector<std::string> answers) {
    asio::post(sock_.get_executor(), [self = shared_from_this(), a = std::move(answers)]() mutable { self->queue(a); });
  }
  // The same from a thread of the server's io_context (runs at once unless the connection's
  // strand, with several io threads, is busy on another thread).
  void send_here(std::vector<std::string> answers) {
    asio::dispatch(sock_.get_executor(), [self = shared_from_this(), a = std::move(answers)]() mutable { self->queue(a); });
  }

  void close() {
    asio::post(sock_.get_executor(), [self = shared_from_this()] { self->do_close(); });
  }

  tcp::socket::executor_type executor() { return sock_.get_executor(); }
  int descriptor() { return sock_.native_handle(); }
  // Closes a connection never started (refused at accept): no counters to undo.
  void abandon() {
    closed_ = true;
    boost::system::error_code ec;
    sock_.close(ec);
  }

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
      self->on_bytes(std::string_view(self->buf_.data(), n));
      self->read();
    });
  }

  void on_bytes(std::string_view bytes) {
    std::vector<std::string> answers;
    std::vector<Job> jobs;
    const std::uint64_t frames = logic_.frames();
    logic_.feed(bytes, now_utc(), answers, jobs);
    // Only complete frames keep the connection alive; a frame started now (after the last
    // complete one) must complete within frame_deadline.
    if (logic_.frames() != frames || logic_.buffered() == 0) {
      const auto now = std::chrono::steady_clock::now();
      if (logic_.frames() != frames) last_ = now;
      partial_since_ = logic_.buffered() ? now : std::chrono::steady_clock::time_point{};
    } else if (partial_since_ == std::chrono::steady_clock::time_point{}) {
      partial_since_ = std::chrono::steady_clock::now();
    }
    srv_->garbage += logic_.garbage_bytes() - garbage_seen_;
    srv_->oversize += logic_.oversize_frames() - oversize_seen_;
    garbage_seen_ = logic_.garbage_bytes();
    oversize_seen_ = logic_.oversize_frames();
    if (!answers.empty()) send(std::move(answers));
    if (!jobs.empty()) srv_->submit(shared_from_this(), std::move(jobs));
  }

  void queue(std::vector<std::string>& a) {
    for (auto& x : a) out_.push_back(std::move(x));
    if (!writing_) write_next();
  }

  // Everything waiting goes out in one write: the answers of a whole group commit cost one
  // system call per connection, not one per frame.
  void write_next() {
    if (out_.empty() || closed_) {
      writing_ = false;
      return;
    }
    writing_ = true;
    wbuf_.clear();
    for (auto& a : out_) wbuf_ += a;
    out_.clear();
    asio::async_write(sock_, asio::buffer(wbuf_), [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
      if (ec) return self->do_close();
      self->write_next();
    });
  }

  // One timer checks both limits, every quarter of the shorter one (a connection is closed
  // between 1 and 1.25 times its limit; no timer is re-armed per frame).
  void arm_idle() {
    const auto& o = srv_->opt;
    const auto tick = std::max<std::chrono::steady_clock::duration>(std::chrono::milliseconds(100),
                                                                    std::min(o.idle_timeout, o.frame_deadline) / 4);
    idle_.expires_after(tick);
    idle_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || self->closed_) return;
      auto& srv = *self->srv_;
      const auto now = std::chrono::steady_clock::now();
      const auto since = self->partial_since_;
      if (since != std::chrono::steady_clock::time_point{} && now - since >= srv.opt.frame_deadline) {
        ++srv.deadline_closes;
        srv.conn_log.event("frame deadline", self->address_, spdlog::level::info, [&] {
          return "closing connection " + self->logic_.peer() + ": a frame started " +
                 std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now - since).count()) +
                 " s ago is not complete (at most " + std::to_string(srv.opt.frame_deadline.count()) +
                 " s, --hj212-frame-deadline)";
        }, now_utc());
        return self->do_close();
      }
      if (now - self->last_ >= srv.opt.idle_timeout) {
        ++srv.idle_closes;
        srv.conn_log.event("idle connection", self->address_, spdlog::level::info, [&] {
          return "closing connection " + self->logic_.peer() + ": no complete frame for " +
                 std::to_string(srv.opt.idle_timeout.count()) + " s (--hj212-idle)";
        }, now_utc());
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
    if (auto it = srv_->per_address.find(address_); it != srv_->per_address.end() && --it->second == 0)
      srv_->per_address.erase(it);
  }

  tcp::socket sock_;
  asio::steady_timer idle_, pause_;
  std::shared_ptr<Server::Impl> srv_;
  SessionLogic logic_;
  std::array<char, 4096> buf_;
  std::vector<std::string> out_;
  std::string wbuf_;  // the bytes of the write in flight
  bool writing_ = false, closed_ = false;
  std::chrono::steady_clock::time_point last_;  // of the last complete frame (or the connect)
  std::chrono::steady_clock::time_point partial_since_;  // a frame started then; {}: none
  std::string address_;
  std::size_t garbage_seen_ = 0, oversize_seen_ = 0;
};

const char* Server::Impl::refusal(Session& s) {
  if (open_connections >= opt.max_connections) return "too many connections (--hj212-max-connections)";
  if (auto it = per_address.find(s.address());
      it != per_address.end() && it->second >= opt.max_connections_per_address)
    return "too many connections from this address (--hj212-max-connections-per-address)";
  if (fd_ceiling && static_cast<std::uint64_t>(s.descriptor()) >= fd_ceiling)
    return "too few file descriptors left (--hj212-fd-reserve keeps them for HTTP and the store)";
  return nullptr;
}

void Server::Impl::start() {
  writer = std::thread([self = shared_from_this()] { self->writer_loop(); });
  committers.emplace_back([self = shared_from_this()] { self->commit_loop(self->store); });
  for (auto& st : more_stores) committers.emplace_back([self = shared_from_this(), s = st.get()] { self->commit_loop(*s); });
  deliverer = std::thread([self = shared_from_this()] { self->delivery_loop(); });
  accept();
  flush_log();
  for (int i = 0; i < std::max(1, opt.threads); ++i) threads.emplace_back([this] { io.run(); });
}

void Server::Impl::flush_log() {
  dispatcher.flush_log(now_utc());
  conn_log.flush(now_utc());
  log_flush.expires_after(std::chrono::seconds(5));
  log_flush.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec && !self->closing) self->flush_log();
  });
}

void Server::Impl::accept() {
  // A strand per connection only when several threads run the io_context: with one, every
  // handler already runs in order on it, and the strand's locking is pure cost per read.
  const asio::any_io_executor ex = opt.threads > 1 ? asio::any_io_executor(asio::make_strand(io))
                                                   : asio::any_io_executor(io.get_executor());
  acceptor.async_accept(ex, [self = shared_from_this()](boost::system::error_code ec, tcp::socket sock) {
    if (ec == asio::error::operation_aborted || self->closing || !self->acceptor.is_open()) return;
    if (ec) {
      // Out of descriptors (EMFILE) or memory: wait and retry, log once per episode; the
      // connections already open keep being served meanwhile.
      ++self->accept_failures;
      const auto step = self->backoff.failed();
      if (step.log)
        self->opt.log->warn("hj212: accept failed: {}; retrying with back-off up to 1 s, open connections still served",
                            ec.message());
      self->accept_retry.expires_after(step.wait);
      self->accept_retry.async_wait([self](boost::system::error_code e) {
        if (!e) self->accept();
      });
      return;
    }
    if (const auto n = self->backoff.succeeded())
      self->opt.log->info("hj212: accepting connections again after {} failed attempts", n);
    boost::system::error_code pec;
    sock.set_option(tcp::no_delay(true), pec);  // answers leave at once (no Nagle wait for the station's ACK)
    const auto ep = sock.remote_endpoint(pec);
    const std::string address = pec ? "?" : ep.address().to_string();
    auto s = std::make_shared<Session>(std::move(sock), self, pec ? "?" : address + ":" + std::to_string(ep.port()), address);
    {
      std::lock_guard lk(self->mu);
      if (self->closing) return;  // stop() has already closed the sessions it knows
      const char* refused = self->refusal(*s);
      if (refused) {
        ++self->refused_connections;
        self->conn_log.event(std::string("connection refused: ") + refused, s->address(), spdlog::level::warn, [&] {
          return "refusing a connection from " + s->address() + ": " + refused;
        }, now_utc());
        s->abandon();
        self->accept();
        return;
      }
      ++self->per_address[s->address()];
      self->sessions.insert(s);
    }
    ++self->connections;
    ++self->open_connections;
    asio::dispatch(s->executor(), [s] { s->start(); });
    self->accept();
  });
}

void Server::Impl::submit(const std::shared_ptr<Session>& s, std::vector<Job> jobs) {
  {
    std::lock_guard lk(qmu);
    for (auto& j : jobs) queue.push_back({s, std::move(j)});
  }
  queued += jobs.size();
  qcv.notify_one();
}

void Server::Impl::writer_loop() {
  for (;;) {
    std::vector<Pending> batch;
    {
      std::unique_lock lk(qmu);
      qcv.wait(lk, [&] { return stopping || !queue.empty(); });
      if (queue.empty() && stopping) break;
      std::size_t n = 0;
      while (!queue.empty() && (batch.empty() || n + queue.front().job.observations.size() <= opt.max_batch)) {
        n += queue.front().job.observations.size();
        batch.push_back(std::move(queue.front()));
        queue.pop_front();
        --queued;
      }
    }
    // 1. The raw archive, synced once for the whole batch.
    try {
      for (auto& p : batch) {
        Job& j = p.job;
        const std::string ref = archive.append(j.received_at, j.peer, j.verdict, j.frame);
        for (auto& o : j.observations) o.source = ref;
        for (auto& q : j.quarantined) q.value.source = ref;
      }
      archive.sync();
      ++syncs;
    } catch (const std::exception& e) {
      opt.log->error("hj212: raw archive: {}; {} frames not acknowledged", e.what(), batch.size());
      continue;
    }
    // 2. to the store stage (waits while it still holds the previous archived batch).
    std::unique_lock lk(cmu);
    cspace.wait(lk, [&] { return !archived; });
    archived = Archived{archived_seq++, std::move(batch)};
    ccv.notify_one();
  }
  {
    std::lock_guard lk(cmu);
    committer_stopping = true;
  }
  ccv.notify_all();
}

void Server::Impl::commit_loop(store::Store& st) {
  for (;;) {
    std::optional<Archived> a;
    {
      std::unique_lock lk(cmu);
      ccv.wait(lk, [&] { return committer_stopping || archived; });
      if (!archived) return;  // stopping and drained
      a.swap(archived);
    }
    cspace.notify_one();
    commit(*a, st);
  }
}

// The observations (one transaction) and the quarantine records of an archived batch, then, in
// batch order, the answers and the live view.
void Server::Impl::commit(Archived& a, store::Store& store) {
  std::vector<Pending>& batch = a.batch;
  // The batch's observations, moved (not copied) into one span; `first[i]` is where frame i's
  // begin (frame-by-frame retry).
  std::vector<store::Observation> all;
  std::vector<std::size_t> first(batch.size() + 1, 0);
  std::vector<store::Record> records;
  {
    std::size_t n = 0;
    for (const auto& p : batch) n += p.job.observations.size();
    all.reserve(n);
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Job& j = batch[i].job;
    first[i] = all.size();
    std::move(j.observations.begin(), j.observations.end(), std::back_inserter(all));
    j.observations.clear();
    for (const auto& q : j.quarantined) records.push_back(quarantine_record(q));
  }
  first[batch.size()] = all.size();
  std::vector<bool> ok(batch.size(), true);
  std::vector<char> fresh(all.size(), 0);  // what the store inserted, for on_stored
  auto keep_inserted = [&](std::size_t from, std::size_t to, const store::WriteResult& r) {
    inserted += r.inserted;
    duplicates += r.duplicates;
    conflicts += r.conflicts;
    for (std::size_t i = from; i < to && i - from < r.outcome.size(); ++i) fresh[i] = r.outcome[i - from] == 'i';
  };
  const auto store_start = std::chrono::steady_clock::now();
  try {
    if (!all.empty()) keep_inserted(0, all.size(), store.write(all));
    if (!records.empty()) store.append(std::span<store::Record>(records));
    quarantined += records.size();
    ++batches;
  } catch (const std::exception& e) {
    // One bad frame must not block the others: retry each alone. (A failed transaction
    // stored nothing, so `fresh` starts again.)
    opt.log->error("hj212: store write failed for a batch of {} frames, retrying frame by frame: {}", batch.size(),
                   e.what());
    std::fill(fresh.begin(), fresh.end(), 0);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const Job& j = batch[i].job;
      try {
        const std::span<const store::Observation> mine(all.data() + first[i], first[i + 1] - first[i]);
        if (!mine.empty()) keep_inserted(first[i], first[i + 1], store.write(mine));
        if (!j.quarantined.empty()) {
          std::vector<store::Record> rs;
          for (const auto& q : j.quarantined) rs.push_back(quarantine_record(q));
          store.append(std::span<store::Record>(rs));
          quarantined += rs.size();
        }
        ++batches;
      } catch (const std::exception& e2) {
        ok[i] = false;
        opt.log->error("hj212: store write failed for a frame from {}: {}; not acknowledged", j.peer, e2.what());
      }
    }
  }
  store_busy_us += static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - store_start).count());
  store_rows += all.size();
  // Only now the answers, once the batches before this one have theirs: one hand-over (and
  // one socket write) per connection per batch.
  {
    std::unique_lock lk(cmu);
    answered_cv.wait(lk, [&] { return answered == a.seq; });
  }
  struct Done {  // the next batch's turn, however this one leaves
    Impl& i;
    ~Done() {
      {
        std::lock_guard lk(i.cmu);
        ++i.answered;
      }
      i.answered_cv.notify_all();
    }
  } done{*this};
  std::vector<std::pair<std::shared_ptr<Session>, std::vector<std::string>>> out;
  std::unordered_map<const Session*, std::size_t> slot;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto& answers = batch[i].job.answers;
    if (!ok[i] || answers.empty()) continue;
    auto s = batch[i].session.lock();
    if (!s) continue;
    acks += answers.size();
    const auto [it, added] = slot.emplace(s.get(), out.size());
    if (added) out.emplace_back(std::move(s), std::vector<std::string>{});
    auto& to = out[it->second].second;
    for (auto& a : answers) to.push_back(std::move(a));
  }
  // One hand-over to the io threads for the whole batch (not one wake-up per connection).
  if (!out.empty())
    asio::post(io, [out = std::move(out)]() mutable {
      for (auto& [s, answers] : out) s->send_here(std::move(answers));
    });
  if (on_stored) {
    std::vector<store::Observation> stored;
    for (std::size_t i = 0; i < all.size(); ++i)
      if (fresh[i]) stored.push_back(std::move(all[i]));
    if (!stored.empty()) deliver(std::move(stored));
  }
}

void Server::Impl::deliver(std::vector<store::Observation> obs) {
  if (!on_stored) return;
  std::unique_lock lk(dmu);
  if (delivery_size > opt.max_delivery) {
    opt.log->warn("hj212: {} stored observations wait for the live view; the writer waits for it", delivery_size);
    dspace.wait(lk, [&] { return delivery_size <= opt.max_delivery || delivery_stopping; });
  }
  delivery_size += obs.size();
  delivery.push_back(std::move(obs));
  dcv.notify_one();
}

void Server::Impl::delivery_loop() {
  for (;;) {
    std::vector<store::Observation> obs;
    {
      std::unique_lock lk(dmu);
      dcv.wait(lk, [&] { return delivery_stopping || !delivery.empty(); });
      if (delivery.empty()) return;  // stopping and drained
      obs = std::move(delivery.front());
      delivery.pop_front();
    }
    try {
      on_stored(obs);
    } catch (const std::exception& e) {
      opt.log->error("hj212: on_stored: {}", e.what());
    }
    {
      std::lock_guard lk(dmu);
      delivery_size -= obs.size();
    }
    dspace.notify_all();
  }
}

Server::Server(store::Store& store, const model::CityConfig& city, ServerOptions options, OnStored on_stored)
    : impl_(std::make_shared<Impl>(store, city, std::move(options), std::move(on_stored))) {
  impl_->start();
}

Server::~Server() { stop(); }

std::uint16_t Server::port() const {
  boost::system::error_code ec;
  const auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void Server::stop() {
  auto& i = *impl_;
  {
    std::lock_guard lk(i.mu);
    if (i.closing) return;
    i.closing = true;
    for (auto& w : i.sessions)
      if (auto s = w.lock()) s->close();
  }
  asio::post(i.io, [impl = impl_] {
    boost::system::error_code ec;
    impl->acceptor.close(ec);
    impl->accept_retry.cancel();
    impl->log_flush.cancel();
  });
  {
    std::lock_guard lk(i.qmu);
    i.stopping = true;
  }
  i.qcv.notify_all();
  i.writer.join();  // drains the queue, then lets the store stage drain and stop
  for (auto& t : i.committers) t.join();
  {
    std::lock_guard lk(i.dmu);
    i.delivery_stopping = true;
  }
  i.dcv.notify_all();
  i.dspace.notify_all();
  i.deliverer.join();
  // Every socket and timer is closed or cancelled: the io threads run out of work and return.
  for (auto& t : i.threads) t.join();
}

ServerStats Server::stats() const {
  const auto& i = *impl_;
  const DispatchStats d = i.dispatcher.stats();
  ServerStats s;
  s.connections = i.connections;
  s.open_connections = i.open_connections;
  s.frames = d.frames;
  s.rejected = d.rejected;
  s.refused_auth = d.refused_auth;
  s.future_values = d.future_values;
  s.past_values = d.past_values;
  s.refused_locked = d.refused_locked;
  s.lockouts = d.lockouts;
  s.split_parts = d.split_parts;
  s.split_incomplete = d.split_incomplete;
  s.observations_inserted = i.inserted;
  s.duplicates = i.duplicates;
  s.conflicts = i.conflicts;
  s.quarantined = i.quarantined;
  s.acks = i.acks;
  s.batches = i.batches;
  s.archive_syncs = i.syncs;
  s.garbage_bytes = i.garbage;
  s.oversize_frames = i.oversize;
  s.accept_failures = i.accept_failures;
  s.refused_connections = i.refused_connections;
  s.deadline_closes = i.deadline_closes;
  s.idle_closes = i.idle_closes;
  s.store_busy_us = i.store_busy_us;
  s.store_rows = i.store_rows;
  return s;
}

std::vector<StationState> Server::stations() const { return impl_->dispatcher.stations(); }

}  // namespace skyriver::hj212
