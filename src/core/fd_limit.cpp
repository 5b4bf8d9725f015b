#include "core/fd_limit.h"

#include <sys/resource.h>

namespace skyriver::core {

std::uint64_t soft_fd_limit() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) != 0 || r.rlim_cur == RLIM_INFINITY) return 0;
  return r.rlim_cur;
}

std::uint64_t raise_fd_limit() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur != r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);  // on failure the old soft limit stays: reported below
  }
  return soft_fd_limit();
}

}  // namespace skyriver::core
