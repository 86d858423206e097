// authref/http/reference_server.h: the whole reference deployment over HTTP.
//
// One object holds the reference app (component + app tables), the Better
// Auth service with its plugins, CORS and the conformance bridge, and answers
// every request as a Convex deployment with registerRoutes would:
//   /api/auth/*                           Better Auth (GET and POST), behind CORS
//   GET /.well-known/openid-configuration 302 to the convex plugin's discovery document
//   /conformance/v1/*                     the bridge (spec/bridge-v1.md), only with a key
// handle() is that answer as a function (tests call it directly); start()
// puts it on a socket for real clients.
//
//   ReferenceServer server({.conformance_key = "k", .allow_reset = true});
//   auto port = server.start();          // 127.0.0.1, an ephemeral port
//   std::cout << server.url() << '\n';   // "http://127.0.0.1:41234"
//   server.stop();
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "auth/auth_options.h"
#include "authconf/result.h"
#include "http/http_message.h"

namespace authref {

class ReferenceApp;
class AuthService;
class ConvexPlugin;
class Clock;

enum class ServerError {
  kBindFailed,  // the host/port could not be bound
  kBadOption,   // an option that cannot work (a base URL that is not http(s), ...)
};
std::string_view to_string(ServerError error);

struct ServerOptions {
  // Better Auth's configuration. An empty auth.base_url becomes the URL the
  // server listens on (http://127.0.0.1:<port>) when start() binds.
  AuthOptions auth = {.base_url = ""};
  // The bridge exists only with a key; without one its paths are 404.
  std::optional<std::string> conformance_key = std::nullopt;
  bool allow_reset = false;  // bridge POST /reset (feature `reset`)
  bool enable_clock = true;  // bridge PUT /clock (feature `clock`)
  std::string host = "127.0.0.1";
  int port = 0;             // 0: an ephemeral port
  std::size_t threads = 0;  // connection threads; 0: a default that serves 64 keep-alive clients
  std::size_t hash_workers = 0;                         // scrypt workers; 0: cores - 1, at least 1
  std::optional<std::uint64_t> id_seed = std::nullopt;  // document ids (tests)
  // One line per request: method, path, status, milliseconds. Null: no log.
  std::function<void(const std::string&)> log = nullptr;
};

class ReferenceServer {
 public:
  // `clock` null: the wall clock (movable through the bridge's PUT /clock).
  explicit ReferenceServer(ServerOptions options, Clock* clock = nullptr);
  ~ReferenceServer();
  ReferenceServer(const ReferenceServer&) = delete;
  ReferenceServer& operator=(const ReferenceServer&) = delete;

  // The server as a function, with no socket.
  http::HttpResponse handle(const http::HttpRequest& request);

  // Binds and serves on background threads; returns the bound port.
  authconf::Result<int, ServerError> start();
  // Stops accepting, finishes the requests in flight, joins the threads.
  void stop();
  // "http://127.0.0.1:<port>" once started.
  std::string url() const;

  const ServerOptions& options() const;
  ReferenceApp& app();
  AuthService& auth();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace authref
