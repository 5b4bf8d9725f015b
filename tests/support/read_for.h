// read_for(): what a raw test client receives within a time, for the front-door tests that speak
// HTTP over plain sockets (tests/api/front_door_test.cpp, hardened_door_test.cpp).
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <string>
#include <thread>

namespace skyriver::test {

// Reads what arrives within `ms` (non-blocking reads, the socket left blocking afterwards);
// `closed` tells whether the server closed the connection.
inline std::string read_for(boost::asio::ip::tcp::socket& s, int ms, bool* closed = nullptr) {
  std::string got;
  s.non_blocking(true);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  char buf[4096];
  if (closed) *closed = false;
  while (std::chrono::steady_clock::now() < deadline) {
    boost::system::error_code ec;
    const std::size_t n = s.read_some(boost::asio::buffer(buf), ec);
    if (ec == boost::asio::error::would_block) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    if (ec) {
      if (closed) *closed = true;
      break;
    }
    got.append(buf, n);
  }
  s.non_blocking(false);
  return got;
}

}  // namespace skyriver::test
