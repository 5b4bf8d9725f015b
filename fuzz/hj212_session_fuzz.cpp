// libFuzzer target for the HJ 212 server's session logic (session.h over dispatch.h): arbitrary
// bytes, cut in arbitrary chunks, as one connection of stations configured in
// config/datong plus the public sample MNs (so frames pass auth and reach data, split packets,
// time requests, 2025 heartbeats and key exchange). No sockets: the writer is simulated by
// taking each job's answers as sent. Checked on every input:
//   - every answer is a well-formed frame (the codec accepts it);
//   - at most two answers per frame handled (1013 gets 9013 + 1012), a job's answers only for
//     a frame that asked (A bit), never for a refused one;
//   - observations only for a configured site whose MN sent the frame, none stamped later than
//     now + max_skew or before now - max_age (those are quarantined instead);
//   - a frame carrying a secret (1014 key, 1072 NewPW) never reaches a job with its CP;
//   - memory stays bounded: partial frame <= max_frame, station states <= configured MNs (the
//     log's window state is bounded by core::WindowedLog itself).
// Built by scripts/test-hj212.sh with clang++ -fsanitize=fuzzer,address,undefined.
#include "ingest/hj212/decode.h"
#include "ingest/hj212/dispatch.h"
#include "ingest/hj212/session.h"
#include "model/city.h"

#include <spdlog/sinks/null_sink.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <set>
#include <string_view>

using namespace skyriver;
using namespace skyriver::hj212;

namespace {

constexpr std::size_t kMaxFrame = 1024;
constexpr core::Instant kNow = 1717200000;  // 2024-06-01 00:00 UTC

struct World {
  model::CityConfig city;
  std::set<std::string> mns;
  std::shared_ptr<spdlog::logger> log;
  World() {
    city = model::load_city(SKYRIVER_SOURCE_DIR "/config/datong");
    // The MNs of the public samples and the conformance vectors (REFERENCE.md 9.3).
    auto add = [&](const char* id, const char* mn, const char* pw, const char* kind, int edition) {
      model::Site s;
      s.id = id;
      s.name = id;
      s.kind = kind;
      s.area = city.city.id;
      s.mn = mn;
      s.password = pw;
      s.edition = edition;
      city.sites.push_back(s);
    };
    add("F_AIR", "010000A8900016F000169DC0", "123456", "air", 0);
    add("F_WATER", "010000A8900016F000169DC1", "123456", "water", 0);
    add("F_GAS", "Y80110010000010", "123456", "outlet", 2017);
    add("F_HOUR", "Z13401000010301", "BF470F88957588DE902D1A52", "air", 0);
    add("F_OLD", "120112TJTGGN13", "123456", "outlet", 0);
    for (const auto& s : city.sites)
      if (!s.mn.empty()) mns.insert(s.mn);
    log = std::make_shared<spdlog::logger>("fuzz", std::make_shared<spdlog::sinks::null_sink_mt>());
  }
};

World& world() {
  static World w;
  return w;
}

void check_answer(const std::string& a) {
  if (!decode_frame(a, "answer").ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  World& w = world();
  // A dispatcher per input: the state machine starts clean (the server has one per run).
  Dispatcher d(w.city, DispatchOptions{true, std::chrono::seconds(3600),
                                       [](const std::string& mn) -> std::optional<std::string> {
                                         if (mn == "010000A8900016F000169DC0") return std::string("K3yK3yK3yK3y");
                                         return std::nullopt;
                                       },
                                       w.log});
  SessionLogic s(d, "127.0.0.1:4242", kMaxFrame);
  if (size == 0) return 0;
  // The first byte chooses the chunking: the same bytes arrive in reads of 1..256 bytes.
  std::uint32_t seed = data[0] * 2654435761u + 1;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  while (!in.empty()) {
    seed = seed * 1103515245u + 12345u;
    const std::size_t n = std::min<std::size_t>(in.size(), 1 + (seed >> 16) % 256);
    const auto frames_before = d.stats().frames;
    std::vector<std::string> answers;
    std::vector<Job> jobs;
    s.feed(in.substr(0, n), kNow, answers, jobs);
    in.remove_prefix(n);
    const auto frames = d.stats().frames - frames_before;
    std::size_t total = answers.size();
    for (const auto& a : answers) check_answer(a);
    for (const auto& j : jobs) {
      total += j.answers.size();
      for (const auto& a : j.answers) check_answer(a);
      if (j.verdict.rfind("quarantine:", 0) == 0 && (!j.answers.empty() || !j.observations.empty())) std::abort();
      for (const auto& o : j.observations) {
        const auto* site = w.city.site(o.site);
        if (!site || site->mn.empty() || j.frame.find("MN=" + site->mn) == std::string::npos) std::abort();
        if (o.time > kNow + 3600) std::abort();  // the future is quarantined, never stored
        if (o.time < kNow - 31 * 86400) std::abort();  // so is the far past (max_age)
      }
      for (const auto& q : j.quarantined)
        if ((q.value.time <= kNow + 3600 && q.value.time >= kNow - 31 * 86400) || q.reason.empty()) std::abort();
      const Decoded again = decode_frame(j.frame, "job");
      if (again.ok && is_secret_command(again.packet->cn))
        for (const auto& g : again.packet->cp)
          for (const auto& f : g)
            if (!f.value.empty()) std::abort();  // a secret reached the archive
    }
    if (total > 2 * frames) std::abort();
    if (s.buffered() > kMaxFrame) std::abort();
  }
  if (d.stations().size() > w.mns.size()) std::abort();
  return 0;
}
