// The router and its cache without the network: what the headers alone decide (admit), the
// cache key made of the documented parameters only, the cache's byte bound, and the private
// upload files. Behaviour expected from the contracts in router.h, response_cache.h and
// upload_file.h.
#include "accounts/accounts.h"
#include "api/auth.h"
#include "api/router.h"
#include "api/upload_file.h"
#include "model/city.h"
#include "store/accounts_store.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace skyriver::api;

namespace {

// Accounts in a private in-memory store, with a clock the test sets.
struct Accounts {
  std::unique_ptr<skyriver::store::AccountStore> db = skyriver::store::AccountStore::open("sqlite::memory:");
  skyriver::core::Instant now = 1'765'000'000;
  std::string duty_token, viewer_token;
  Auth auth{[this](const std::function<void(skyriver::store::AccountStore&)>& f) { f(*db); }, AuthOptions{},
            [this] { return now; }};
  Accounts() {
    const auto city = skyriver::model::load_city(std::string(SKYRIVER_SOURCE_DIR) + "/config/datong");
    using skyriver::accounts::Role;
    skyriver::accounts::add_user(*db, {"duty", "", Role::duty, {}, ""}, "a good long password", "test", now, city);
    skyriver::accounts::add_user(*db, {"viewer", "", Role::viewer, {}, ""}, "a good long password", "test", now, city);
    duty_token = skyriver::accounts::issue_token(*db, "duty", "", "test", now);
    viewer_token = skyriver::accounts::issue_token(*db, "viewer", "", "test", now);
  }
};

Accounts& accounts() {
  static Accounts a;
  return a;
}

void with_counter(Router& r, int& calls, std::uint64_t& version) {
  r.add("GET", "/api/thing",
        cached({"a cached read", "meta",  // a public group (AuthOptions::default_public_tags)
                {{"n", "query", "string", "a known parameter", false, {}, "1"},
                 {"k", "query", "integer", "a known integer", false, {}, "1"}}}),
        [&calls](const Request& req) {
          ++calls;
          Response res;
          res.body = std::string(1000, 'x') + req.get("n");
          return res;
        });
  r.add("POST", "/api/write", {"a write", "test", {}, "application/json", {}, skyriver::accounts::RoleSet{skyriver::accounts::Role::duty}},
        [](const Request&) { return Response{}; });
  r.set_version([&version] { return version; });
  r.set_auth(&accounts().auth);
}

Request get(const std::string& path, std::map<std::string, std::string> query = {}) {
  Request q;
  q.method = "GET";
  q.path = path;
  q.query = std::move(query);
  return q;
}

}  // namespace

TEST(Router, JunkParametersDoNotMultiplyCachedAnswers) {
  // 200 requests that differ only in an undocumented parameter are one answer: the handler runs
  // once and the cache holds one entry.
  int calls = 0;
  std::uint64_t version = 1;
  Router r;
  with_counter(r, calls, version);
  for (int i = 0; i < 200; ++i) {
    Request q = get("/api/thing", {{"n", "a"}, {"junk", std::string(1000, 'j') + std::to_string(i)}});
    Response res;
    ASSERT_TRUE(r.dispatch(q, res));
    ASSERT_EQ(res.status, 200);
  }
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(r.cache().entries(), 1u);
  // Numbers in another spelling are the same answer; another value of a known one is not.
  Request a = get("/api/thing", {{"k", "7"}}), b = get("/api/thing", {{"k", "007"}}), c = get("/api/thing", {{"n", "b"}});
  Response res;
  r.dispatch(a, res);
  r.dispatch(b, res);
  EXPECT_EQ(calls, 2);
  r.dispatch(c, res);
  EXPECT_EQ(calls, 3);
  // A new data version: asked again.
  ++version;
  r.dispatch(a, res);
  EXPECT_EQ(calls, 4);
}

TEST(Router, TheCacheStaysWithinItsBytes) {
  ResponseCache cache(100 * 1024);
  Response big;
  big.body = std::string(10 * 1024, 'x');
  for (int i = 0; i < 1000; ++i) cache.put("key" + std::to_string(i), 1, big);
  EXPECT_LE(cache.bytes(), 100u * 1024);
  EXPECT_GE(cache.entries(), 5u);
  EXPECT_TRUE(cache.get("key999", 1));   // the most recent stay
  EXPECT_FALSE(cache.get("key0", 1));    // the least recently used went first
  EXPECT_FALSE(cache.get("key999", 2));  // another version: never a stale answer
  Response huge;
  huge.body = std::string(60 * 1024, 'x');  // over a quarter of the bound: not kept
  cache.put("huge", 2, huge);
  EXPECT_FALSE(cache.get("huge", 2));
}

TEST(Router, HeadersAloneDecideRefusals) {
  int calls = 0;
  std::uint64_t version = 1;
  Router r;
  with_counter(r, calls, version);
  Request w;
  w.method = "POST";
  w.path = "/api/write";
  auto a = r.admit(w);
  ASSERT_TRUE(a.refusal);
  EXPECT_EQ(a.refusal->status, 401);
  const std::string& token = accounts().duty_token;
  w.headers["authorization"] = "Bearer " + token.substr(0, token.size() - 1);  // a prefix of the token
  EXPECT_EQ(r.admit(w).refusal->status, 401);
  w.headers["authorization"] = "Bearer " + token;
  EXPECT_FALSE(r.admit(w).refusal);
  EXPECT_EQ(w.principal->name, "duty");
  w.headers["authorization"] = "Bearer " + accounts().viewer_token;  // a role not allowed
  EXPECT_EQ(r.admit(w).refusal->status, 403);
  Request m = get("/api/write");
  EXPECT_EQ(r.admit(m).refusal->status, 405);
  Request none = get("/api/none");
  EXPECT_EQ(r.admit(none).route, nullptr);
  EXPECT_FALSE(r.admit(none).refusal);
}

TEST(Router, ErrorsShowAtMost64BytesOfABadValue) {
  int calls = 0;
  std::uint64_t version = 1;
  Router r;
  with_counter(r, calls, version);
  Request q = get("/api/thing", {{"k", std::string(1 << 20, '9') + "x"}});  // 1 MB, not an integer
  Response res;
  r.dispatch(q, res);
  EXPECT_EQ(res.status, 400);
  EXPECT_LT(res.body.size(), 400u) << res.body.substr(0, 200);
  EXPECT_NE(res.body.find("1048577 bytes"), std::string::npos);  // says how long it was
  EXPECT_EQ(clipped("déjà"), "déjà");
  const std::string cut = clipped(std::string(63, 'a') + "é" + std::string(100, 'b'));
  EXPECT_EQ(cut.substr(0, 66), std::string(63, 'a') + "…");  // never half a UTF-8 character
}

TEST(UploadFile, PrivateUniqueAndRemoved) {
  const auto parent = std::filesystem::temp_directory_path() / ("skyriver-upload-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(parent);
  std::filesystem::path folder;
  {
    UploadFile a(parent), b(parent);
    EXPECT_NE(a.path(), b.path());
    EXPECT_EQ(a.folder().parent_path(), parent);
    struct stat st {};
    ASSERT_EQ(::stat(a.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(::stat(a.folder().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    const int fd = a.release_fd();
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, "x", 1), 1);
    ::close(fd);
    folder = a.folder();
  }
  EXPECT_FALSE(std::filesystem::exists(folder));
  EXPECT_THROW(UploadFile("/nonexistent/folder"), std::runtime_error);
  std::filesystem::remove_all(parent);
}

// Sessions through the router with the test's clock: 30 minutes idle, 12 hours at most, ended
// by a password change (issue 26).
TEST(Router, SessionsExpireAndEndWithAPasswordChange) {
  int calls = 0;
  std::uint64_t version = 1;
  Router r;
  with_counter(r, calls, version);
  auto& a = accounts();
  const std::string cookie = skyriver::accounts::open_session(*a.db, "duty", "127.0.0.1", a.now);
  auto write = [&](skyriver::core::Instant at) {
    a.now = at;
    Request w;
    w.method = "POST";
    w.path = "/api/write";
    w.headers["cookie"] = "other=1; skyriver_session=" + cookie;
    w.headers["sec-fetch-site"] = "same-origin";
    auto ad = r.admit(w);
    return ad.refusal ? ad.refusal->status : 200;
  };
  const auto t0 = a.now;
  EXPECT_EQ(write(t0 + 60), 200);
  EXPECT_EQ(write(t0 + 60 + 29 * 60), 200);
  EXPECT_EQ(write(t0 + 60 + 29 * 60 + 30 * 60), 401);  // idle 30 minutes
  const std::string again = skyriver::accounts::open_session(*a.db, "duty", "127.0.0.1", a.now);
  skyriver::accounts::change_password(*a.db, "duty", "another good password", "duty", a.now + 1);
  Request w;
  w.method = "GET";
  w.path = "/api/thing";
  w.headers["cookie"] = "skyriver_session=" + again;
  a.now += 2;
  EXPECT_FALSE(r.admit(w).refusal);  // a public read still answers...
  EXPECT_FALSE(w.principal);         // ...but no longer as duty
}
