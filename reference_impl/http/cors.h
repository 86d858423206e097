// authref/http/cors.h: the CORS layer in front of /api/auth, in the two
// shapes real deployments use.
//
// kHono is the seed's Hono middleware (shared/seeds/convex-better-auth-docs.txt;
// hono 4.x dist/middleware/cors/index.js), as the transcripts show it:
//   cors({origin: SITE_URL, allowHeaders: ["Content-Type", "Authorization",
//         "Better-Auth-Cookie"], allowMethods: ["GET", "POST", "OPTIONS"],
//         exposeHeaders: ["Content-Length", "Set-Better-Auth-Cookie"],
//         maxAge: 600, credentials: true})
// The origin is echoed only when the Origin header equals SITE_URL as a
// string; every other origin (a case change, a port, a suffix, "null")
// gets no Access-Control-Allow-Origin, never "*".
//
// kConvex is registerRoutes(http, createAuth, {cors: true}) of
// @convex-dev/better-auth 0.12.5 through convex-helpers' corsRouter
// (server/cors.js; spec/convex-component.md §8): allowed origins = Better
// Auth's options.trustedOrigins (one trailing "*" stripped; "*" allows any
// origin; "*.domain" allows https subdomains), 204 preflights with
// `Access-Control-Allow-Methods: GET, POST` and Max-Age 86400.
//
// kNone adds nothing.
//
//   Cors cors = Cors::for_options(options);        // options.cors picks the flavour
//   if (request.method == "OPTIONS") return cors.preflight(request);
//   HttpResponse response = auth.handle(request);
//   cors.decorate(request, response);
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/auth_options.h"
#include "http/http_message.h"

namespace authref::http {

// "hono", "convex", "none": the names /capabilities and --cors use.
std::string_view to_string(CorsFlavour flavour);
std::optional<CorsFlavour> cors_flavour_named(std::string_view name);

class Cors {
 public:
  // The seed's Hono configuration with `site_url` as its one origin.
  static Cors hono(std::string site_url);
  // registerRoutes({cors: true}) with these Better Auth trustedOrigins.
  static Cors convex(std::vector<std::string> trusted_origins);
  static Cors none();
  // The flavour options.cors names. The convex flavour's origins are what
  // the reference's Better Auth config lists as trustedOrigins: the site
  // URL, then options.trusted_origins (crossDomain's init adds the site URL
  // again, which changes nothing).
  static Cors for_options(const AuthOptions& options);

  CorsFlavour flavour() const { return flavour_; }

  // The Access-Control-Allow-Origin a request with these headers gets, or
  // nullopt. Several Origin fields are read joined with ", ", as fetch's
  // Headers.get joins them (so they never match).
  std::optional<std::string> allowed_origin(const Headers& request_headers) const;

  // The answer to an OPTIONS request on a CORS-covered path: 204 with the
  // preflight headers. Never reaches the handler (both middlewares return
  // before it). kNone: nullopt (the caller routes OPTIONS as any method).
  std::optional<HttpResponse> preflight(const HttpRequest& request) const;

  // Adds the CORS headers to the handler's answer to a non-OPTIONS request,
  // exactly as the middleware merges them: Hono sets its headers over the
  // handler's (except content-type) and then appends "Vary: Origin";
  // handleCors copies the handler's headers and sets ACAO, Vary,
  // credentials and expose over them. The result is in fetch Headers
  // iteration order (sorted names, set-cookie last, as @hono/node-server
  // writes it).
  void decorate(const HttpRequest& request, HttpResponse& response) const;

 private:
  Cors(CorsFlavour flavour, std::vector<std::string> origins)
      : flavour_(flavour), origins_(std::move(origins)) {}
  bool convex_origin_allowed(std::string_view origin) const;

  CorsFlavour flavour_;
  // kHono: exactly one, the site URL. kConvex: the allowedOrigins list.
  std::vector<std::string> origins_;
};

// Reorders `headers` as a fetch Headers object iterates them: lower-case
// names in byte order, fields of one name joined with ", ", except
// set-cookie, whose fields stay separate and go last in their order.
void sort_like_fetch_headers(Headers& headers);

}  // namespace authref::http
