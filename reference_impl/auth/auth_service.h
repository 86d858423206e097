// authref/auth/auth_service.h: the reference Better Auth behind `/api/auth`.
//
// handle() is better-call's router as Better Auth configures it
// (better-auth dist/api/index.mjs, better-call dist/router.mjs), in order:
//   1. the rate limiter (onRequest, before routing);
//   2. routing: outside the base path, `//`, a trailing slash, an unknown
//      path or method: 404 with no body;
//   3. the body: 415 UNSUPPORTED_MEDIA_TYPE, 400 "Invalid JSON in request body";
//   4. originCheckMiddleware (auth/origin_check.h);
//   5. the plugins' before hooks;
//   6. zod validation of body and query: 400 VALIDATION_ERROR;
//   7. the route's session middleware and endpoint origin check;
//   8. the endpoint, then every plugin's after hooks (also after an error).
// An ApiError becomes its JSON body; an AdapterError or any other exception
// becomes 500 with no body, as better-call answers a non-API error.
//
//   AuthService auth(options, app, hasher);
//   auth.add_plugin(std::make_unique<ConvexPlugin>(...));
//   http::HttpResponse response = auth.handle(request);
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/reference_app.h"
#include "auth/adapter.h"
#include "auth/auth_options.h"
#include "auth/cookies.h"
#include "auth/endpoint.h"
#include "auth/origin_check.h"
#include "auth/password_hasher.h"
#include "auth/rate_limiter.h"
#include "auth/sessions.h"
#include "http/http_message.h"

namespace authref {

class AuthService {
 public:
  AuthService(AuthOptions options, ReferenceApp& app, PasswordHasher& hasher);
  AuthService(const AuthService&) = delete;
  AuthService& operator=(const AuthService&) = delete;

  // Plugins run their hooks in the order they were added.
  void add_plugin(std::unique_ptr<AuthPlugin> plugin);

  http::HttpResponse handle(const http::HttpRequest& request);

  const AuthOptions& options() const { return options_; }
  AuthServices& services() { return services_; }
  const OriginCheck& origin_check() const { return origin_check_; }
  RateLimiter& rate_limiter() { return rate_limiter_; }
  // The `id` of every enabled plugin, as /capabilities lists them.
  std::vector<std::string> plugin_ids() const;

 private:
  struct Match {
    const Route* route = nullptr;
    std::map<std::string, std::string> params;
  };
  Match match(std::string_view method, std::string_view path) const;
  http::HttpResponse run_endpoint(const Route& route, EndpointContext& ctx);
  http::HttpResponse respond(EndpointContext& ctx) const;

  AuthOptions options_;
  AuthAdapter adapter_;
  AuthCookies cookies_;
  Sessions sessions_;
  OriginCheck origin_check_;
  RateLimiter rate_limiter_;
  AuthServices services_;
  std::vector<Route> routes_;
  std::vector<std::unique_ptr<AuthPlugin>> plugins_;
};

// How deep a request body's JSON may nest (arrays and objects).
inline constexpr int kMaxRequestJsonDepth = 512;

// JSON.parse of a request body: text decoded as UTF-8 (lossy, BOM
// dropped); nullopt on a syntax error or nesting deeper than
// kMaxRequestJsonDepth. Unpaired surrogate escapes, which JSON.parse
// accepts, are read as U+FFFD. A number literal too large for a double
// (1e999) is Infinity or -Infinity, as JSON.parse reads it.
std::optional<Json> parse_request_json(std::string_view body);

}  // namespace authref
