// authref/http/bridge.h: the conformance bridge, protocol 1
// (shared/spec/bridge-v1.md), on the reference app.
//
// Every route lives under /conformance/v1 and needs `X-Conformance-Key`
// (compared in constant time; missing or wrong: 401 BAD_KEY, checked before
// routing, so nothing is learnt about the routes without the key). Answers
// are JSON with `Cache-Control: no-store`; errors are
// `{"error":{"code","message"}}`.
//
//   GET    /capabilities          what this server is and offers
//   POST   /reset                 (allow_reset, else 403 RESET_DISABLED)
//   POST   /adapter/{fn}          one component call, the app's triggers run
//   GET    /component/{table}     raw documents; /app/{table} the same for the app
//   PUT|GET|DELETE /faults        injected trigger failures
//   GET    /outbox?to=&kind=      the mail the auth layer sent
//   GET    /identity              Authorization: Bearer <JWT> -> the Convex identity
//   PUT    /clock                 {"offsetMs": n} (enable_clock)
// Any other method or path under the prefix, an unknown adapter function
// and a feature that is off are all `404 NOT_SUPPORTED`: the spec's code for
// "this target does not offer that", which the harness turns into a skip.
// It never answers 405: the protocol has no such code.
//
//   Bridge bridge({.key = "k", .allow_reset = true}, app, auth, convex, clock);
//   HttpResponse response = bridge.handle(request);   // request under /conformance/v1
#pragma once

#include <string>
#include <string_view>

#include "http/http_message.h"
#include "store/value_order.h"

namespace authref {

class ReferenceApp;
class AuthService;
class ConvexPlugin;
class Clock;

namespace http {

// The version /capabilities reports (the CMake project version).
std::string_view authref_version();

class Bridge {
 public:
  static constexpr std::string_view kPrefix = "/conformance/v1";

  struct Config {
    std::string key;           // must not be empty
    bool allow_reset = false;  // features.reset
    bool enable_clock = true;  // features.clock
  };

  // `convex` may be null: /identity is then NOT_SUPPORTED and
  // features.identity false.
  Bridge(Config config, ReferenceApp& app, AuthService& auth, ConvexPlugin* convex, Clock& clock);

  // True for the prefix itself and every path below it.
  static bool owns(std::string_view path);

  // Answers a request whose path the bridge owns. `path` is the path as the
  // router matched it (the request's own path when empty).
  HttpResponse handle(const HttpRequest& request, std::string_view path = {});

  // The /capabilities document (bridge-v1 "GET /capabilities").
  Json capabilities() const;

 private:
  HttpResponse route(const HttpRequest& request, std::string_view route);
  HttpResponse reset(const HttpRequest& request);
  HttpResponse adapter(const HttpRequest& request, std::string_view function);
  HttpResponse table(std::string_view space, std::string_view name);
  HttpResponse faults(const HttpRequest& request);
  HttpResponse outbox(const HttpRequest& request);
  HttpResponse identity(const HttpRequest& request);
  HttpResponse clock(const HttpRequest& request);

  Config config_;
  ReferenceApp& app_;
  AuthService& auth_;
  ConvexPlugin* convex_;
  Clock& clock_;
};

// A bridge-level error: `{"error":{"code":...,"message":...}}` with the
// bridge's headers.
HttpResponse bridge_error(int status, std::string_view code, std::string_view message);
// A bridge answer: JSON (as JSON.stringify writes it) with the bridge's headers.
HttpResponse bridge_json(int status, const Json& body);

}  // namespace http
}  // namespace authref
