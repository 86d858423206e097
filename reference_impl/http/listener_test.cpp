// The listener on a real socket (127.0.0.1, an ephemeral port), driven by
// cpp-httplib's client and by raw bytes: what reaches the handler, what must
// not be added, the payload limit, pipelining, 100-continue, many idle
// keep-alive clients, inline versus pooled requests, stop().
#include "http/listener.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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

// A connected TCP socket to 127.0.0.1:port with a 10 s receive timeout.
class RawClient {
 public:
  explicit RawClient(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    timeval timeout{.tv_sec = 10, .tv_usec = 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }
  void send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  // Reads until `count` occurrences of `marker` have arrived, the peer
  // closes, or the timeout.
  std::string receive_until(std::string_view marker, int count = 1) {
    char buffer[65536];
    while (occurrences(marker) < count) {
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      received_.append(buffer, static_cast<std::size_t>(n));
    }
    return received_;
  }
  // Reads until the peer closes (or the timeout); true when it closed.
  bool closed_by_peer() {
    char buffer[4096];
    while (true) {
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n == 0) return true;
      if (n < 0) return false;
      received_.append(buffer, static_cast<std::size_t>(n));
    }
  }

 private:
  int occurrences(std::string_view marker) const {
    int found = 0;
    for (std::size_t at = received_.find(marker); at != std::string::npos;
         at = received_.find(marker, at + marker.size())) {
      ++found;
    }
    return found;
  }
  int fd_;
  bool connected_ = false;
  std::string received_;
};

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
  // No pseudo-headers of a server library (cpp-httplib's REMOTE_ADDR, say).
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
// needs the pool to run 64 blocking requests at once.
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

TEST_F(ListenerTest, PipelinedRequestsAreAnsweredInOrder) {
  start([](const HttpRequest& request) {
    return HttpResponse::json(200, "\"" + request.target + "\"");
  });
  RawClient raw(port_);
  ASSERT_TRUE(raw.connected());
  raw.send(
      "GET /one HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
      "GET /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(raw.closed_by_peer());
  const std::string received = raw.receive_until("never");
  const auto one = received.find("\"/one\"");
  const auto two = received.find("\"/two\"");
  const auto three = received.find("\"/three\"");
  ASSERT_NE(one, std::string::npos) << received;
  ASSERT_NE(two, std::string::npos) << received;
  ASSERT_NE(three, std::string::npos) << received;
  EXPECT_LT(one, two);
  EXPECT_LT(two, three);
  // The last answer says the connection closes; the first two keep it.
  EXPECT_NE(received.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(received.find("Connection: close\r\n"), received.rfind("Connection: close\r\n"));
}

TEST_F(ListenerTest, ExpectContinueGetsAnInterimResponse) {
  start(echo);
  RawClient raw(port_);
  raw.send("POST /p HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
  EXPECT_EQ(raw.receive_until("\r\n\r\n"), "HTTP/1.1 100 Continue\r\n\r\n");
  raw.send("{}");
  const std::string received = raw.receive_until("\"bodySize\":2");
  EXPECT_NE(received.find("HTTP/1.1 200 OK\r\n"), std::string::npos) << received;
}

TEST_F(ListenerTest, Http10ClosesUnlessAskedToKeepAlive) {
  start(echo);
  RawClient closing(port_);
  closing.send("GET /a HTTP/1.0\r\n\r\n");
  EXPECT_TRUE(closing.closed_by_peer());
  EXPECT_NE(closing.receive_until("never").find("Connection: close"), std::string::npos);

  RawClient keeping(port_);
  keeping.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_NE(keeping.receive_until("\"remote\"").find("Connection: keep-alive"), std::string::npos);
}

// Idle connections hold no thread: with a pool of 2, 200 open keep-alive
// connections are all served, each in turn.
TEST_F(ListenerTest, IdleConnectionsDoNotHoldThreads) {
  start(echo, {.threads = 2});
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < 200; ++i) {
    clients.push_back(std::make_unique<RawClient>(port_));
    ASSERT_TRUE(clients.back()->connected()) << i;
  }
  for (int round = 0; round < 2; ++round) {
    for (auto& client : clients) client->send("GET /k HTTP/1.1\r\nHost: x\r\n\r\n");
    int answered = 0;
    for (auto& client : clients) {
      const std::string received = client->receive_until("HTTP/1.1 200 OK", round + 1);
      if (received.find("HTTP/1.1 200 OK") != std::string::npos) ++answered;
    }
    EXPECT_EQ(answered, 200) << "round " << round;
  }
}

// A request that runs inline is answered while every pool thread is held by
// a blocking one (a get-session during sign-ups).
TEST_F(ListenerTest, InlineRequestsAreNotQueuedBehindThePool) {
  std::mutex mutex;
  std::condition_variable released;
  bool release = false;
  std::atomic<int> blocked{0};
  ListenerOptions options;
  options.threads = 2;
  options.runs_inline = [](const HttpRequest& request) { return request.method == "GET"; };
  start(
      [&](const HttpRequest& request) {
        if (request.method == "POST") {
          blocked.fetch_add(1);
          std::unique_lock lock(mutex);
          released.wait_for(lock, std::chrono::seconds(20), [&] { return release; });
        }
        return HttpResponse::json(200, R"({"ok":true})");
      },
      std::move(options));
  std::vector<std::thread> posts;
  for (int i = 0; i < 2; ++i) {
    posts.emplace_back([this] { client().Post("/slow", "{}", "application/json"); });
  }
  while (blocked.load() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  auto res = client().Get("/fast");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  {
    std::lock_guard lock(mutex);
    release = true;
  }
  released.notify_all();
  for (auto& post : posts) post.join();
}

TEST_F(ListenerTest, StopClosesIdleConnectionsAtOnce) {
  start(echo);
  RawClient idle(port_);
  idle.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
  idle.receive_until("\"remote\"");
  const auto started = std::chrono::steady_clock::now();
  listener_->stop();
  EXPECT_TRUE(idle.closed_by_peer());
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  started)
                .count(),
            1000);
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
