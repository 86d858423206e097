// The listener on a real socket (127.0.0.1, an ephemeral port), driven by
// cpp-httplib's client: what reaches the handler, what cpp-httplib adds or
// must not add, the payload limit, 64 concurrent keep-alive clients, stop().
#include "http/listener.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "store/js_value.h"

namespace authref::http {
namespace {

// Echoes what the handler saw, as JSON.
HttpResponse echo(const HttpRequest& request) {
  Json headers = Json::array();
  for (const auto& field : request.headers.fields()) {
    headers.push_back(Json::array({field.name, field.value}));
  }
  Json body{{"method", request.method},
            {"target", request.target},
            {"body", decode_utf8_lossy(request.body)},
            {"bodySize", request.body.size()},
            {"headers", headers},
            {"remote", request.remote_address}};
  return HttpResponse::json(200, body.dump());
}

bool has_header_named(const Json& headers, const std::string& name) {
  for (const Json& field : headers) {
    if (iequals(field[0].get<std::string>(), name)) return true;
  }
  return false;
}

std::string header_value(const Json& headers, const std::string& name) {
  for (const Json& field : headers) {
    if (iequals(field[0].get<std::string>(), name)) return field[1];
  }
  return "";
}

class ListenerTest : public ::testing::Test {
 protected:
  void start(Listener::Handler handler, ListenerOptions options = {}) {
    options.log = [this](const std::string& line) {
      std::lock_guard lock(log_mutex_);
      log_.push_back(line);
    };
    listener_ = std::make_unique<Listener>(std::move(options), std::move(handler));
    auto port = listener_->start();
    ASSERT_TRUE(port.has_value()) << port.error();
    port_ = *port;
  }
  httplib::Client client() {
    httplib::Client cli("127.0.0.1", port_);
    cli.set_url_encode(false);
    cli.set_read_timeout(10, 0);
    return cli;
  }
  void TearDown() override {
    if (listener_) listener_->stop();
  }

  std::unique_ptr<Listener> listener_;
  int port_ = 0;
  std::mutex log_mutex_;
  std::vector<std::string> log_;
};

TEST_F(ListenerTest, GetReachesTheHandlerWithTheRawTarget) {
  start(echo);
  auto cli = client();
  auto res = cli.Get("/api/auth/%6Fk?x=%20y&z", {{"Origin", "http://localhost:5173"}});
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  const Json seen = Json::parse(res->body);
  EXPECT_EQ(seen["method"], "GET");
  EXPECT_EQ(seen["target"], "/api/auth/%6Fk?x=%20y&z");
  EXPECT_EQ(seen["remote"], "127.0.0.1");
  EXPECT_EQ(header_value(seen["headers"], "origin"), "http://localhost:5173");
  // cpp-httplib's own REMOTE_ADDR/REMOTE_PORT pseudo-headers are not the client's.
  EXPECT_FALSE(has_header_named(seen["headers"], "REMOTE_ADDR"));
  EXPECT_FALSE(has_header_named(seen["headers"], "REMOTE_PORT"));
  EXPECT_FALSE(has_header_named(seen["headers"], "LOCAL_ADDR"));
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
}

TEST_F(ListenerTest, EveryMethodReachesTheHandler) {
  start(echo);
  auto cli = client();
  for (const std::string method : {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    httplib::Request req;
    req.method = method;
    req.path = "/m";
    auto res = cli.send(req);
    ASSERT_TRUE(res) << method;
    EXPECT_EQ(res->status, 200) << method;
    EXPECT_EQ(Json::parse(res->body)["method"], method);
  }
  auto head = cli.Head("/m");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->body, "");  // no body on HEAD
}

TEST_F(ListenerTest, PostBodiesArriveAsBytes) {
  start(echo);
  auto cli = client();
  struct Row {
    std::string content_type, body;
  };
  const std::vector<Row> rows{
      {"application/json", R"({"email":"a@example.com"})"},
      {"text/plain", std::string("nul\0byte\xff", 9)},
      // cpp-httplib would parse these itself (multipart) or refuse them over
      // 8 KiB (forms); the handler must see the bytes.
      {"multipart/form-data; boundary=xyz",
       "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--xyz--\r\n"},
      {"multipart/form-data", "no boundary at all"},
      {"application/x-www-form-urlencoded", "email=" + std::string(20000, 'a')},
  };
  for (const Row& row : rows) {
    auto res = cli.Post("/api/auth/sign-up/email", row.body, row.content_type.c_str());
    ASSERT_TRUE(res) << row.content_type;
    ASSERT_EQ(res->status, 200) << row.content_type;
    const Json seen = Json::parse(res->body);
    EXPECT_EQ(seen["bodySize"], row.body.size()) << row.content_type;
    EXPECT_EQ(seen["body"], decode_utf8_lossy(row.body)) << row.content_type;
    EXPECT_EQ(header_value(seen["headers"], "content-type"), row.content_type);
  }
}

TEST_F(ListenerTest, BodiesOverOneMebibyteAre413) {
  start(echo);
  auto cli = client();
  auto at_limit = cli.Post("/x", std::string(kDefaultPayloadMaxBytes, 'a'), "text/plain");
  ASSERT_TRUE(at_limit);
  EXPECT_EQ(at_limit->status, 200);
  EXPECT_EQ(Json::parse(at_limit->body)["bodySize"], kDefaultPayloadMaxBytes);

  auto over = client().Post("/x", std::string(kDefaultPayloadMaxBytes + 1, 'a'), "text/plain");
  ASSERT_TRUE(over) << httplib::to_string(over.error());
  EXPECT_EQ(over->status, 413);
  EXPECT_EQ(over->body, "Payload Too Large");
  EXPECT_EQ(over->get_header_value("Content-Type"), "text/plain; charset=utf-8");
}

TEST_F(ListenerTest, HeadersGoOutAsGivenAndNothingIsAddedToEmptyBodies) {
  start([](const HttpRequest& request) {
    HttpResponse response;
    if (request.target == "/empty") {
      response.status = 404;
      response.headers.add("vary", "Origin");
      return response;
    }
    response = HttpResponse::json(200, R"({"ok":true})");
    response.headers.add("set-cookie", "a=1; Path=/");
    response.headers.add("set-cookie", "b=2; Path=/");
    return response;
  });
  auto cli = client();
  auto empty = cli.Get("/empty");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 404);
  EXPECT_EQ(empty->body, "");
  EXPECT_FALSE(empty->has_header("Content-Type"));
  EXPECT_EQ(empty->get_header_value("Content-Length"), "0");
  EXPECT_EQ(empty->get_header_value("vary"), "Origin");

  auto full = cli.Get("/full", {{"Accept-Encoding", "gzip, deflate, br"}, {"Range", "bytes=0-1"}});
  ASSERT_TRUE(full);
  // No compression and no byte range over the handler's answer.
  EXPECT_EQ(full->status, 200);
  EXPECT_EQ(full->body, R"({"ok":true})");
  EXPECT_FALSE(full->has_header("Content-Encoding"));
  EXPECT_FALSE(full->has_header("Content-Range"));
  EXPECT_EQ(full->get_header_value("Content-Type"), "application/json");
  ASSERT_EQ(full->get_header_value_count("Set-Cookie"), 2u);
  EXPECT_EQ(full->get_header_value("Set-Cookie", 0), "a=1; Path=/");
  EXPECT_EQ(full->get_header_value("Set-Cookie", 1), "b=2; Path=/");
}

TEST_F(ListenerTest, LogsOneLinePerRequestWithoutTheQueryOrAResetToken) {
  start(echo);
  auto cli = client();
  ASSERT_TRUE(cli.Get("/api/auth/reset-password/abc?callbackURL=%2Fsecret"));
  ASSERT_TRUE(cli.Post("/api/auth/sign-in/email", "{}", "application/json"));
  // The line is written once the response is out: wait for it.
  for (int i = 0; i < 200; ++i) {
    {
      std::lock_guard lock(log_mutex_);
      if (log_.size() >= 2) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::lock_guard lock(log_mutex_);
  ASSERT_EQ(log_.size(), 2u);
  EXPECT_TRUE(std::regex_match(
      log_[0], std::regex(R"(GET /api/auth/reset-password/<redacted> 200 \d+\.\d\dms)")))
      << log_[0];
  EXPECT_TRUE(
      std::regex_match(log_[1], std::regex(R"(POST /api/auth/sign-in/email 200 \d+\.\d\dms)")))
      << log_[1];
}

// 64 keep-alive clients, each holding its connection: every one is served
// at the same time (the handler waits until all 64 are inside it), which
// needs a pool thread per connection.
TEST_F(ListenerTest, SixtyFourKeepAliveClientsAreServedAtOnce) {
  constexpr int kClients = 64;
  constexpr int kRequestsEach = 20;
  std::mutex mutex;
  std::condition_variable all_in;
  int inside = 0;
  bool released = false;
  start([&](const HttpRequest& request) {
    if (request.target == "/gate") {
      std::unique_lock lock(mutex);
      if (++inside == kClients) {
        released = true;
        all_in.notify_all();
      }
      all_in.wait_for(lock, std::chrono::seconds(20), [&] { return released; });
      if (!released) return HttpResponse::empty(503);
    }
    return HttpResponse::json(200, R"({"ok":true})");
  });

  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&] {
      httplib::Client cli("127.0.0.1", port_);
      cli.set_keep_alive(true);
      cli.set_read_timeout(30, 0);
      auto gate = cli.Get("/gate");
      if (gate && gate->status == 200) ok.fetch_add(1);
      for (int k = 0; k < kRequestsEach; ++k) {
        auto res = cli.Get("/api/auth/ok");
        if (res && res->status == 200) ok.fetch_add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(ok.load(), kClients * (kRequestsEach + 1));
  EXPECT_TRUE(released);
  // Served at once, not one after another behind a short pool or dropped
  // SYNs: well under the seconds a queue would take.
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 5000);
}

TEST_F(ListenerTest, StopFinishesTheRequestInFlightAndJoins) {
  std::atomic<bool> entered{false};
  start([&](const HttpRequest&) {
    entered = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return HttpResponse::json(200, R"({"slow":true})");
  });
  int slow_status = 0;
  std::string slow_body;
  std::thread request([&] {
    auto res = client().Get("/slow");
    if (res) {
      slow_status = res->status;
      slow_body = res->body;
    }
  });
  while (!entered) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const auto started = std::chrono::steady_clock::now();
  listener_->stop();
  const auto took = std::chrono::steady_clock::now() - started;
  request.join();
  EXPECT_EQ(slow_status, 200);
  EXPECT_EQ(slow_body, R"({"slow":true})");
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(took).count(), 3000);
  // Nothing listens any more.
  auto after = client().Get("/api/auth/ok");
  EXPECT_FALSE(after);
  listener_->stop();  // idempotent
}

TEST_F(ListenerTest, AnExceptionIsABodiless500) {
  start([](const HttpRequest&) -> HttpResponse { throw std::runtime_error("secret detail"); });
  auto res = client().Get("/boom");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 500);
  EXPECT_EQ(res->body, "");
  for (const auto& [name, value] : res->headers) {
    EXPECT_EQ(value.find("secret detail"), std::string::npos) << name;
  }
}

TEST_F(ListenerTest, BindingAPortInUseFails) {
  start(echo);
  Listener second({.port = port_}, echo);
  auto port = second.start();
  ASSERT_FALSE(port.has_value());
  EXPECT_EQ(port.error().code, ListenerError::kBindFailed);
  // The first one still answers.
  auto res = client().Get("/still-here");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST(ListenerLifecycle, OrderOfCalls) {
  Listener listener({}, echo);
  auto not_bound = listener.serve();
  ASSERT_FALSE(not_bound);
  EXPECT_EQ(not_bound.error().code, ListenerError::kNotBound);
  auto port = listener.bind();
  ASSERT_TRUE(port) << port.error();
  auto twice = listener.bind();
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, ListenerError::kAlreadyStarted);
  // Bound but never served: stop() still releases the port.
  listener.stop();
  Listener again({.port = *port}, echo);
  EXPECT_TRUE(again.start().has_value());
}

}  // namespace
}  // namespace authref::http
