// A local HTTP receiver for webhook tests: answers statuses[i] to the i-th request on
// 127.0.0.1 (a free port) and keeps every request. The destructor waits until all the
// statuses were used, so read `requests` after it has served them (or after destruction of
// whatever posts to it). Test helper only.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <thread>
#include <vector>

namespace skyriver::test {

struct Receiver {
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  explicit Receiver(std::vector<int> statuses) : statuses_(std::move(statuses)) {
    namespace http = boost::beast::http;
    using boost::asio::ip::tcp;
    acceptor_.open(tcp::v4());
    acceptor_.bind({boost::asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    port = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] {
      for (int status : statuses_) {
        tcp::socket s(io_);
        acceptor_.accept(s);
        boost::beast::flat_buffer buf;
        Request req;
        http::read(s, buf, req);
        requests.push_back(req);
        http::response<http::string_body> res{static_cast<http::status>(status), 11};
        res.body() = "ok";
        res.prepare_payload();
        http::write(s, res);
      }
    });
  }
  ~Receiver() { thread_.join(); }
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  std::vector<int> statuses_;
  std::vector<Request> requests;
  unsigned short port = 0;
  std::thread thread_;
};

}  // namespace skyriver::test
