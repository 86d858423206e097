// authref/http/reference_server.h: the whole reference deployment over HTTP.
//
// One object holds the reference app (component + app tables), the Better
// Auth service with its plugins (convex, then cross-domain when enabled),
// CORS and the conformance bridge, and answers every request as the real
// deployment of the transcripts does. With AuthOptions::cors == kHono (the
// default) that is the seed's Hono app:
//   /api/auth and /api/auth/*             CORS around everything; GET, POST
//                                         (and HEAD, which Hono sends to the
//                                         GET route) reach Better Auth; OPTIONS
//                                         is the preflight; other methods get
//                                         Hono's `404 Not Found` text
//   GET /.well-known/openid-configuration 302 to the convex plugin's discovery
//                                         document (absolute, no CORS)
//   /conformance/v1/*                     the bridge (spec/bridge-v1.md), only
//                                         with a key
//   anything else                         Hono's `404 Not Found` (text/plain)
// With kConvex or kNone it is registerRoutes(http, createAuth, {cors}) on
// Convex's HttpRouter: the same routes on the "/api/auth/" prefix, and
// Convex's `No HttpAction routed for <path>` 404 for everything else.
// Either way the path is first normalised as `new URL()` does ("." and
// ".." segments, backslashes), as every real deployment sees request.url.
// handle() is that answer as a function (tests call it directly); start()
// puts it on a socket for real clients (http/listener.h).
//
// An empty auth.base_url becomes "http://127.0.0.1:<bound port>" at
// start(). The services are made once, at the first of start(), handle(),
// auth(): handle() or auth() before start() fixes the base URL at
// "http://<host>:<port>" with the transcripts' port 8787 when port is 0,
// so call start() first when the automatic base URL matters.
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
#include <string_view>

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
  AuthOptions auth = [] {
    AuthOptions options;
    options.base_url = "";
    return options;
  }();
  // The bridge exists only with a key; without one its paths are 404.
  std::optional<std::string> conformance_key = std::nullopt;
  bool allow_reset = false;  // bridge POST /reset (feature `reset`)
  bool enable_clock = true;  // bridge PUT /clock (feature `clock`)
  std::string host = "127.0.0.1";
  int port = 0;                  // 0: an ephemeral port
  std::size_t threads = 0;       // threads for requests that may block (POSTs); 0: 72
  std::size_t hash_workers = 0;  // scrypt workers; 0: cores - 1, at least 1
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
  // kBadOption: a base or site URL that is not http(s), a base path that
  // does not start with '/', an empty conformance key, a second start().
  authconf::Result<int, ServerError> start();
  // Stops accepting, finishes the requests in flight, joins the threads.
  // A client holding an idle keep-alive connection can delay it by up to
  // the keep-alive timeout (5 s). Idempotent.
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

// `new URL("http://host" + path).pathname` for the path of an origin-form
// request target: tabs and newlines are dropped, a backslash is "/", "."
// and ".." segments (also as %2e) are resolved and the WHATWG path
// percent-encode set is escaped. "/api/./auth/ok" ->
// "/api/auth/ok", "/a/.." -> "/".
std::string url_pathname(std::string_view path);

// The path Hono matches routes against (hono's getPath + tryDecodeURI):
// runs of %XX escapes that decode to UTF-8 are decoded, except the
// characters decodeURI keeps escaped (; / ? : @ & = + $ , #) and "%".
// "/%61pi/auth" -> "/api/auth"; "/api%2Fauth" stays.
std::string hono_routing_path(std::string_view path);

}  // namespace authref
