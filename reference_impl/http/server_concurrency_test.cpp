// ReferenceServer::handle from many threads at once, as the listener calls
// it (one thread per connection, up to 72): the first signing key is made
// once, concurrent sign-ups each commit their three rows and their app row,
// and a get-session is answered while sign-ups are still hashing.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "app/reference_app.h"
#include "http/reference_server.h"
#include "store/clock.h"
#include "store/js_value.h"

namespace authref {
namespace {

using http::HttpRequest;
using http::HttpResponse;

HttpRequest get(const std::string& target, const std::string& cookie = "") {
  HttpRequest request{.method = "GET", .target = target, .headers = {}, .body = ""};
  if (!cookie.empty()) request.headers.add("cookie", cookie);
  return request;
}

HttpRequest sign_up(const std::string& email) {
  return HttpRequest{
      .method = "POST",
      .target = "/api/auth/sign-up/email",
      .headers = {{"content-type", "application/json"}},
      .body = js_stringify(Json{{"email", email}, {"password", "password123"}, {"name", "N"}})};
}

std::string session_cookie(const HttpResponse& response) {
  for (auto header : response.headers.get_all("set-cookie")) {
    if (header.starts_with("better-auth.session_token=")) {
      return std::string(header.substr(0, header.find(';')));
    }
  }
  return "";
}

class ServerConcurrencyTest : public ::testing::Test {
 protected:
  ServerConcurrencyTest() {
    ServerOptions options;
    options.hash_workers = 1;
    server_ = std::make_unique<ReferenceServer>(std::move(options), &clock_);
  }
  ManualClock clock_{1795344960857.0};
  std::unique_ptr<ReferenceServer> server_;
};

TEST_F(ServerConcurrencyTest, TheFirstSigningKeyIsMadeOnce) {
  constexpr int kThreads = 8;
  std::vector<std::future<std::string>> kids;
  std::atomic<bool> go{false};
  for (int i = 0; i < kThreads; ++i) {
    kids.push_back(std::async(std::launch::async, [&] {
      while (!go.load()) std::this_thread::yield();
      HttpResponse response = server_->handle(get("/api/auth/convex/jwks"));
      if (response.status != 200) return std::string("status ") + std::to_string(response.status);
      Json keys = Json::parse(response.body).at("keys");
      return keys.size() == 1 ? keys[0].at("kid").get<std::string>() : keys.dump();
    }));
  }
  go = true;
  std::set<std::string> seen;
  for (auto& kid : kids) seen.insert(kid.get());
  EXPECT_EQ(seen.size(), 1u) << *seen.begin();
  EXPECT_EQ(server_->app().database().documents("component", "jwks").size(), 1u);
}

TEST_F(ServerConcurrencyTest, ConcurrentSignUpsEachCommitEverything) {
  constexpr int kThreads = 6;
  std::vector<std::future<int>> statuses;
  for (int i = 0; i < kThreads; ++i) {
    statuses.push_back(std::async(std::launch::async, [this, i] {
      return server_->handle(sign_up("user" + std::to_string(i) + "@example.com")).status;
    }));
  }
  for (auto& status : statuses) EXPECT_EQ(status.get(), 200);
  // The same address from every thread: exactly one wins.
  std::vector<std::future<int>> same;
  for (int i = 0; i < kThreads; ++i) {
    same.push_back(std::async(std::launch::async, [this] {
      return server_->handle(sign_up("same@example.com")).status;
    }));
  }
  int ok = 0, conflict = 0;
  for (auto& status : same) {
    int s = status.get();
    ok += s == 200;
    conflict += s == 422;
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(conflict, kThreads - 1);
  Database& db = server_->app().database();
  EXPECT_EQ(db.documents("component", "user").size(), kThreads + 1u);
  EXPECT_EQ(db.documents("component", "account").size(), kThreads + 1u);
  EXPECT_EQ(db.documents("component", "session").size(), kThreads + 1u);
  EXPECT_EQ(db.documents("app", "users").size(), kThreads + 1u);
}

TEST_F(ServerConcurrencyTest, SessionsAndTokensFromManyThreadsAgree) {
  HttpResponse signed_up = server_->handle(sign_up("alice@example.com"));
  ASSERT_EQ(signed_up.status, 200);
  const std::string cookie = session_cookie(signed_up);
  const std::string user_id = Json::parse(signed_up.body).at("user").at("id").get<std::string>();
  std::vector<std::future<std::string>> answers;
  for (int i = 0; i < 8; ++i) {
    answers.push_back(std::async(std::launch::async, [&, i] {
      std::string failures;
      for (int round = 0; round < 20; ++round) {
        const bool token = (i + round) % 2 == 0;
        HttpResponse response = server_->handle(
            get(token ? "/api/auth/convex/token" : "/api/auth/get-session", cookie));
        if (response.status != 200) failures += " status " + std::to_string(response.status);
        if (!token && Json::parse(response.body).at("user").at("id") != user_id)
          failures += " user";
      }
      return failures;
    }));
  }
  for (auto& answer : answers) EXPECT_EQ(answer.get(), "");
}

// scrypt holds no lock the session path needs (no database lock, no server
// lock): a get-session sent while four sign-ups queue on the one hashing
// worker is answered before the last of them finishes. The order is
// asserted, not a duration; the throughput this buys is in bench/README.md.
TEST_F(ServerConcurrencyTest, GetSessionIsAnsweredWhileSignUpsHash) {
  HttpResponse signed_up = server_->handle(sign_up("alice@example.com"));
  const std::string cookie = session_cookie(signed_up);
  std::atomic<int> finished_sign_ups{0};
  std::vector<std::future<int>> sign_ups;
  for (int i = 0; i < 4; ++i) {
    sign_ups.push_back(std::async(std::launch::async, [&, i] {
      int status = server_->handle(sign_up("load" + std::to_string(i) + "@example.com")).status;
      ++finished_sign_ups;
      return status;
    }));
  }
  // Wait until the hashing has started: at least one sign-up is queued or running.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  HttpResponse session = server_->handle(get("/api/auth/get-session", cookie));
  const int finished_when_answered = finished_sign_ups.load();
  EXPECT_EQ(session.status, 200);
  EXPECT_LT(finished_when_answered, 4) << "get-session waited for every sign-up";
  for (auto& status : sign_ups) EXPECT_EQ(status.get(), 200);
}

}  // namespace
}  // namespace authref
