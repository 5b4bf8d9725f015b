#include "ingest/hj212/session.h"

namespace skyriver::hj212 {

SessionLogic::SessionLogic(Dispatcher& dispatcher, std::string peer, std::size_t max_frame)
    : dispatcher_(dispatcher), peer_(std::move(peer)), split_(max_frame) {}

void SessionLogic::feed(std::string_view bytes, core::Instant now, std::vector<std::string>& answers,
                        std::vector<Job>& jobs) {
  split_.feed(bytes);
  while (auto f = split_.next()) {
    ++frames_;
    Handled h = dispatcher_.handle(*f, peer_, now);
    for (auto& a : h.answers) answers.push_back(std::move(a));
    if (h.job) jobs.push_back(std::move(*h.job));
  }
}

}  // namespace skyriver::hj212
