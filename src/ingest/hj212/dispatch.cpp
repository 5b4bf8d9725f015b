#include "ingest/hj212/dispatch.h"

#include "ingest/hj212/answers.h"
#include "ingest/hj212/archive.h"
#include "ingest/hj212/decode.h"
#include "ingest/hj212/edition2025.h"
#include "ingest/hj212/frame.h"
#include "ingest/hj212/observations.h"
#include "core/secret.h"

#include <cstdio>

namespace skyriver::hj212 {

using spdlog::level::level_enum;

namespace {

int millis_now() {
  return static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count() %
                          1000);
}

// Uploads that carry no observations but are acknowledged and archived raw: 2081 restart,
// 2021/2041 facility state, 2xxx of 2025 whose fields are not known, 1061-1064 intervals,
// 3019/3020 device and site information.
bool raw_upload(const Packet& p) {
  return p.cn[0] == '2' || p.cn == "1061" || p.cn == "1062" || p.cn == "1063" || p.cn == "1064" ||
         p.cn == "3019" || p.cn == "3020";
}

// "1 h", "2.5 h", "90 s": a skew as a person reads it.
std::string hours_text(std::chrono::seconds s) {
  if (s.count() < 3600) return std::to_string(s.count()) + " s";
  char buf[32];
  std::snprintf(buf, sizeof buf, s.count() % 3600 ? "%.1f h" : "%.0f h", static_cast<double>(s.count()) / 3600.0);
  return buf;
}

// "10.1.2.3" of "10.1.2.3:5000" (and "::1" of "::1:5000"): what the guard counts by.
std::string_view peer_address(std::string_view peer) {
  const std::size_t colon = peer.rfind(':');
  return colon == std::string_view::npos ? peer : peer.substr(0, colon);
}

}  // namespace

Dispatcher::Dispatcher(const model::CityConfig& city, DispatchOptions options)
    : city_(city),
      opt_(std::move(options)),
      guard_(opt_.lockout),
      wlog_(opt_.log ? opt_.log : spdlog::default_logger(), opt_.log_window, "hj212: ") {
  if (!opt_.log) opt_.log = spdlog::default_logger();
  for (const auto& site : city.sites)
    if (!site.mn.empty()) by_mn_.emplace(site.mn, &site);
}

void Dispatcher::auth_failed(const Packet& p, const model::Site* site, std::string_view address,
                             const std::string& where, const char* reason, core::Instant now) {
  const std::string_view why = reason == std::string_view("mn")        ? "unknown MN (no configured site)"
                               : reason == std::string_view("address") ? "address not in the site's allow list"
                                                                       : "wrong password";
  // Unknown MNs are one kind; each known station's failures are a kind of their own (a flood
  // of unknown MNs cannot hide them).
  const std::string category = site ? std::string(why) + " for site " + site->id : std::string(why);
  note(category, site ? address : std::string_view(p.mn), level_enum::warn, [&] {
    return where + ": MN=" + p.mn + ": " + std::string(why) + "; answered 9011 QnRtn=3, not stored";
  }, now);
  const AuthGuard::Failure f = guard_.failed(address, p.mn, now);
  if (f.address_lock.count() > 0) {
    ++lockouts_;
    note("address lock-out", address, level_enum::warn, [&] {
      return "address " + std::string(address) + " locked out for " + hours_text(f.address_lock) +
             " after repeated login failures (any MN)";
    }, now);
  }
  if (f.pair_lock.count() == 0) return;
  ++lockouts_;
  SecurityEvent ev;
  ev.kind = "lockout";
  ev.site = site ? site->id : "";
  ev.mn = p.mn;
  ev.address = std::string(address);
  ev.failures = f.failures;
  ev.lock = f.pair_lock;
  ev.at = now;
  ev.message = (site ? "site " + site->id + " (MN " + p.mn + ")" : "unknown MN " + p.mn) + ": " +
               std::to_string(f.failures) + " login failures from " + ev.address + "; that address is locked out for " +
               hours_text(f.pair_lock) + " (the station's own address is not)";
  note(site ? "lock-out of site " + site->id : std::string("lock-out of an unknown MN"), address, level_enum::warn,
       [&] { return ev.message; }, now);
  if (site && opt_.on_security) {
    try {
      opt_.on_security(ev);
    } catch (const std::exception& e) {
      opt_.log->error("hj212: security event handler: {}", e.what());
    }
  }
}

Handled Dispatcher::refuse(std::string_view frame, const std::string& peer, core::Instant now,
                           const std::string& reason, std::string archived, std::optional<std::string> answer) {
  Handled h;
  if (answer) h.answers.push_back(std::move(*answer));
  if (opt_.quarantine) {
    Job j;
    j.received_at = now;
    j.peer = peer;
    j.verdict = "quarantine:" + reason;
    j.frame = archived.empty() ? std::string(frame) : std::move(archived);
    h.job = std::move(j);
  }
  return h;
}

std::optional<std::string> Dispatcher::track_split(Station& st, const std::string& site, const Packet& p) {
  ++split_parts_;
  const int pnum = *p.pnum, pno = *p.pno;
  auto& sp = st.split;
  const bool same = sp && pnum == sp->pnum && p.cn == sp->cn;
  std::optional<std::string> ended;
  if (same && pno == sp->next) {
    ++sp->next;
    sp->qn = p.qn;
  } else if (same && pno == sp->next - 1 && p.qn == sp->qn) {
    // the same part again (the station missed our answer): nothing changes
  } else {
    if (sp) {
      ++split_incomplete_;
      ended = "site " + site + " (MN " + p.mn + "): split message CN=" + sp->cn + " ended after part " +
              std::to_string(sp->next - 1) + " of " + std::to_string(sp->pnum) +
              " (the parts received are stored)";
    }
    sp = SplitProgress{p.cn, p.qn, pnum, pno + 1};
  }
  if (sp->next > sp->pnum) sp.reset();  // complete
  return ended;
}

Handled Dispatcher::handle(std::string_view frame, const std::string& peer, core::Instant now) {
  ++frames_;
  // Built in a buffer of this thread's, reused: no allocation per accepted frame.
  thread_local std::string where;
  where.assign("packet from ").append(peer);
  // The views form, reused from frame to frame (decode.h): the readings become observations
  // straight from the frame's bytes; only the header is copied (answers, logs, split parts).
  static const std::vector<FieldView> no_fields;
  thread_local Decoder decoder;
  const DecodedView& d = decoder.decode(frame, where);
  std::optional<Packet> packet;
  if (d.has_header) packet = to_packet(d.header, no_fields);
  if (!d.ok) {
    ++rejected_;
    const std::string who = packet && !packet->mn.empty() ? "MN " + packet->mn : std::string(peer_address(peer));
    note("rejected frame (" + d.reason + ")", who, level_enum::warn, [&] { return d.message; }, now);
    // The header parsed: the answer can echo QN/MN and tell the station why (Table 7).
    std::optional<std::string> answer;
    if (packet && packet->wants_ack()) answer = answer_9011(*packet, d.qnrtn);
    const bool secret = packet && is_secret_command(packet->cn);
    return refuse(frame, peer, now, d.reason, secret ? redact_frame(frame) : std::string(), std::move(answer));
  }
  Packet& p = *packet;
  // Station answers to our own commands need nothing back.
  if (p.cn == "9011" || p.cn == "9012" || p.cn == "9013" || p.cn == "9014") return {};
  const bool secret = is_secret_command(p.cn);

  const auto found = by_mn_.find(p.mn);
  const model::Site* site = found == by_mn_.end() ? nullptr : found->second;
  const std::string_view address = peer_address(peer);
  // Every refusal below gets the same answer: which MNs exist is nobody's business. The
  // password is compared (in constant time) even for an unknown MN, so that the time taken
  // does not tell either.
  static const std::string no_password(32, '\x01');
  const bool pw_ok = core::equal_constant_time(site ? site->password : no_password, p.pw);
  const char* refused = nullptr;
  if (const core::Instant until = guard_.locked_until(address, p.mn, now)) {
    ++refused_locked_;
    refused = "locked";
    note(site ? "refused while locked out: site " + site->id : std::string("refused while locked out"), address,
         level_enum::warn, [&] {
           return where + ": MN=" + p.mn + ": locked out until " + core::format_iso(until) +
                  " after repeated login failures; answered 9011 QnRtn=3, not stored";
         }, now);
  } else if (!site) {
    refused = "mn";
  } else if (!site->allows(address)) {
    refused = "address";
  } else if (!pw_ok) {
    refused = "pw";
  }
  if (refused) {
    ++refused_auth_;
    if (refused != std::string_view("locked")) auth_failed(p, site, address, where, refused, now);
    std::string archived = secret ? redact_frame(frame) : site ? redact_password(frame) : std::string();
    return refuse(frame, peer, now, refused, std::move(archived), answer_9011(p, QnRtn::pw_error));
  }
  guard_.succeeded(address, p.mn);

  Handled h;
  Job job;
  job.received_at = now;
  job.peer = peer;
  job.verdict = "ok";
  job.frame = secret ? redact_frame(frame) : std::string(frame);
  std::optional<std::string> split_ended;
  {
    std::lock_guard lk(mu_);
    auto& st = stations_[p.mn];
    st.state.site = site->id;
    st.state.mn = p.mn;
    st.state.edition = std::string(edition_name(p.edition));
    st.state.last_seen = now;
    if (p.is_split()) split_ended = track_split(st, site->id, p);
  }
  if (split_ended) note("incomplete split message from site " + site->id, p.mn, level_enum::warn, [&] { return *split_ended; }, now);
  if ((site->edition == 2017 && p.edition != Edition::hj2017) || (site->edition == 2025 && p.edition != Edition::hj2025)) {
    job.verdict = "edition-mismatch";
    note("edition mismatch of site " + site->id, p.mn, level_enum::warn, [&] {
      return "site " + site->id + " (MN " + p.mn + ") is pinned to HJ 212-" + std::to_string(site->edition) +
             " but sent an HJ 212-" + std::string(edition_name(p.edition)) + " frame; data kept, flagged";
    }, now);
  }
  auto who = [&] { return "site " + site->id + " (MN " + p.mn + ")"; };  // only when something is logged

  if (d.has_data) {
    Converted c = to_observations(d.header, d.data, *site, city_.parameters, now);
    for (const auto& why : c.skipped) {
      // One category per reason ("code not in the parameter registry"), not per code: a sender
      // inventing a new code per frame must not make a category (and a log line) of each.
      const std::size_t colon = why.find(": ");
      const std::string reason = colon == std::string::npos ? why : why.substr(colon + 2);
      note("values skipped from site " + site->id + " (" + reason + ")", p.mn, level_enum::warn,
           [&] { return who() + ": " + why + " (not stored, kept in the raw archive)"; }, now);
    }
    const core::Instant latest = now + opt_.max_skew.count(), earliest = now - opt_.max_age.count();
    // The values in time go to the job in place (the vector is moved, not its elements).
    std::size_t kept = 0;
    for (auto& o : c.observations) {
      if (o.time <= latest && o.time >= earliest) {
        if (&o != &c.observations[kept]) c.observations[kept] = std::move(o);
        ++kept;
        continue;
      }
      const bool future = o.time > latest;
      ++(future ? future_ : past_);
      std::string reason =
          future ? "DataTime " + core::format_iso(o.time) + " is " + hours_text(std::chrono::seconds(o.time - now)) +
                       " ahead of the server clock (" + core::format_iso(now) + "); at most " +
                       hours_text(opt_.max_skew) + " allowed"
                 : "DataTime " + core::format_iso(o.time) + " is " + hours_text(std::chrono::seconds(now - o.time)) +
                       " behind the server clock (" + core::format_iso(now) + "); at most " +
                       hours_text(opt_.max_age) + " allowed (--hj212-max-age)";
      note(std::string(future ? "far-future" : "far-past") + " values from site " + site->id, p.mn, level_enum::warn,
           [&] { return who() + ": " + reason + "; value quarantined, not stored"; }, now);
      job.quarantined.push_back({std::move(o), std::move(reason)});
    }
    c.observations.erase(c.observations.begin() + static_cast<std::ptrdiff_t>(kept), c.observations.end());
    job.observations = std::move(c.observations);
    if (p.wants_ack()) job.answers.push_back(answer_9014(p));
  } else if (p.cn == "1011" || p.cn == "1013") {
    if (p.cn == "1013" && p.wants_ack()) h.answers.push_back(answer_9013(p));
    h.answers.push_back(set_time_1012(p, now, millis_now()));
  } else if (p.edition == Edition::hj2025 && p.cn == edition2025::kHeartbeat) {
    if (p.wants_ack()) h.answers.push_back(answer_9013(p));
    return h;  // heartbeats are not archived: they carry nothing
  } else if (p.edition == Edition::hj2025 && p.cn == edition2025::kKeyExchange) {
    std::optional<std::string> key = opt_.key_for ? opt_.key_for(p.mn) : std::nullopt;
    if (key) {
      Packet a = p;
      a.flag = version_bits(p.edition) << 2;
      a.pnum.reset();
      a.pno.reset();
      a.cp = {{{std::string(edition2025::kKeyField), *key}}};
      h.answers.push_back(encode_frame(encode_segment(a)));
    } else {
      h.answers.push_back(answer_9011(p, QnRtn::rejected));
    }
    opt_.log->info("hj212: {}: key exchange {}", who(), key ? "answered" : "refused");
  } else if (raw_upload(p)) {
    if (p.edition == Edition::hj2025 && !edition2025::is_known_command(p.cn) && p.cn[0] == '2')
      note("CN archived raw from site " + site->id, p.cn, level_enum::info,
           [&] { return who() + ": CN " + p.cn + " archived raw (fields not decoded)"; }, now);
    if (p.wants_ack()) job.answers.push_back(answer_9014(p));
  } else {
    note("unknown command from site " + site->id, p.cn, level_enum::warn,
         [&] { return who() + ": unknown command CN=" + p.cn + ", answered 9011 QnRtn=8"; }, now);
    h.answers.push_back(answer_9011(p, QnRtn::cn_error));
  }
  h.job = std::move(job);
  return h;
}

std::vector<StationState> Dispatcher::stations() const {
  std::lock_guard lk(mu_);
  std::vector<StationState> out;
  for (const auto& [mn, st] : stations_) out.push_back(st.state);
  return out;
}

DispatchStats Dispatcher::stats() const {
  DispatchStats s;
  s.frames = frames_;
  s.rejected = rejected_;
  s.refused_auth = refused_auth_;
  s.future_values = future_;
  s.past_values = past_;
  s.refused_locked = refused_locked_;
  s.lockouts = lockouts_;
  s.split_parts = split_parts_;
  s.split_incomplete = split_incomplete_;
  s.log_suppressed = wlog_.suppressed();
  return s;
}

}  // namespace skyriver::hj212
