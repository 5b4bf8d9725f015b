// The process's file-descriptor limit (RLIMIT_NOFILE). A server holds a descriptor per
// connection: the soft limit a shell or systemd gives (often 1024) would cap it far below what
// the hard limit allows, so every command raises the soft limit to the hard one at start
// (main.cpp; issue 27). soft_fd_limit() is what the HJ 212 server plans its reserve with.
// Thread-safe (plain system calls).
#pragma once

#include <cstdint>

namespace skyriver::core {

// Raises the soft RLIMIT_NOFILE to the hard limit; returns the soft limit in force after
// (unchanged when raising failed). 0 means "no limit".
std::uint64_t raise_fd_limit();
// The soft RLIMIT_NOFILE now (0: no limit).
std::uint64_t soft_fd_limit();

}  // namespace skyriver::core
