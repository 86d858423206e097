// authref/auth/endpoint.h: what an endpoint of the reference Better Auth sees.
//
// The router (auth/auth_service.h) parses the request, runs the origin
// check, the plugins' before hooks, zod validation and the session
// middleware, then calls the endpoint with an EndpointContext; after hooks
// see the same context once the endpoint returned or threw. An endpoint
// answers by setting `json_body` (or calling redirect()), adds cookies with
// set_cookie(), and refuses by throwing ApiError.
//
//   void ok(EndpointContext& ctx) { ctx.json_body = Json{{"ok", true}}; }
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/auth_options.h"
#include "auth/zod.h"
#include "http/http_message.h"
#include "store/js_value.h"

namespace authref {

class ReferenceApp;
class AuthAdapter;
class AuthCookies;
class PasswordHasher;
class Sessions;
class ConvexPlugin;
class Clock;

// Everything an endpoint may use. Owned by AuthService.
struct AuthServices {
  const AuthOptions& options;
  ReferenceApp& app;
  AuthAdapter& adapter;
  const AuthCookies& cookies;
  PasswordHasher& hasher;
  Sessions& sessions;
  const Clock& clock;
  ConvexPlugin* convex = nullptr;  // null when the convex plugin is off
};

// A session row and its user, both as Better Auth records (auth/adapter.h).
struct SessionAndUser {
  Json session;
  Json user;
};

// How much session a route demands before its handler runs (§2).
enum class SessionRequirement {
  kNone,
  kSession,    // sessionMiddleware: 401 UNAUTHORIZED without one
  kSensitive,  // sensitiveSessionMiddleware: also bypasses the cookie cache
  kFresh,      // freshSessionMiddleware: 403 SESSION_NOT_FRESH when older than freshAge
};

struct EndpointContext {
  EndpointContext(AuthServices& auth_services, const http::HttpRequest& request)
      : services(auth_services), raw(request) {}

  AuthServices& services;
  const http::HttpRequest& raw;  // the request as received

  // --- the request, after parsing and the before hooks
  std::string method;
  std::string path;                           // below the base path: "/sign-in/email"
  std::map<std::string, std::string> params;  // route parameters: ":token"
  Json query = Json::object();                // values are strings, or arrays when repeated
  Json body;                                  // meaningful only when has_body
  bool has_body = false;
  http::Headers headers;  // request headers; hooks may rewrite cookie
  // `cookie` parsed the way better-call does; refreshed by reparse_cookies().
  std::map<std::string, std::string, std::less<>> cookies;
  void reparse_cookies();
  // The body when it is an object, else nullptr (JS: `ctx.body?.x`).
  const Json* body_field(std::string_view name) const;
  const Json* query_field(std::string_view name) const;
  // z.coerce.boolean() of a query value: present and not "" (so "false" is true).
  bool query_truthy(std::string_view name) const;

  // --- state shared with middleware and hooks
  std::optional<SessionAndUser> session;      // ctx.context.session
  bool session_resolved = false;              // getSessionFromCtx ran (session may be null)
  std::optional<SessionAndUser> new_session;  // ctx.context.newSession (set by set_session_cookie)

  // --- the response
  int status = 200;
  http::Headers response_headers;  // set-cookie entries in order, location, ...
  std::optional<Json> json_body;   // JSON.stringify'd; absent: no body
  // An endpoint that returns its own Response (GET /error's HTML): this
  // body, with no application/json; set content-type in response_headers.
  std::optional<std::string> text_body;
  // Better Auth answered with an error (an ApiError); after hooks still run.
  bool failed = false;
  std::string error_body;               // the error's JSON, "" when bodiless
  bool error_has_content_type = false;  // better-call sets it even with no body

  void set_cookie(std::string header) { response_headers.add("set-cookie", std::move(header)); }
  // ctx.redirect(url): 302 with Location and no body.
  void redirect(const std::string& url);
};

using EndpointHandler = std::function<void(EndpointContext&)>;

// One route of the router (better-call createEndpoint options).
struct Route {
  std::string method;  // GET or POST
  std::string path;    // "/reset-password/:token"
  EndpointHandler handler = nullptr;
  std::optional<ObjectSchema> body_schema = std::nullopt;
  std::optional<ObjectSchema> query_schema = std::nullopt;
  SessionRequirement session = SessionRequirement::kNone;
  // Also accept application/x-www-form-urlencoded (sign-up, sign-in).
  bool accepts_form = false;
  // formCsrfMiddleware in `use` (sign-up, sign-in): runs after validation.
  bool form_csrf = false;
  // originCheck(getter) on the endpoint: the query keys whose value must be
  // a trusted URL even on GET (callbackURL).
  std::vector<std::string> checked_query_urls = {};
};

// A Better Auth plugin: routes, and hooks around every endpoint.
class AuthPlugin {
 public:
  virtual ~AuthPlugin() = default;
  // The plugin's `id` as /capabilities lists it ("convex", "bearer", ...).
  virtual std::string_view id() const = 0;
  virtual std::vector<Route> routes() { return {}; }
  virtual void before(EndpointContext&) {}
  virtual void after(EndpointContext&) {}
};

}  // namespace authref
