// authref/auth/cross_domain_plugin.h: the `crossDomain({siteUrl})` plugin of
// @convex-dev/better-auth 0.12.5 (src/plugins/cross-domain/index.ts;
// spec/convex-component.md §7).
//
// A browser on another origin cannot keep third-party cookies, so the client
// sends them in `Better-Auth-Cookie` and reads new ones from
// `Set-Better-Auth-Cookie`. The plugin copies the request header into
// `cookie`, moves the response's Set-Cookie values into that header, makes
// relative callback URLs absolute against the site URL, and serves
// POST /cross-domain/one-time-token/verify.
//
// Register it after the convex plugin ([convex, cross-domain]): its after
// hook then also moves the convex_jwt cookie, as the 1.6.34 transcript
// shows (§16).
//
//   auth.add_plugin(std::make_unique<ConvexPlugin>(auth.services()));
//   auth.add_plugin(std::make_unique<CrossDomainPlugin>(auth.services()));
//   // Better-Auth-Cookie: better-auth.session_token=...  ->  Set-Better-Auth-Cookie: ...
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/endpoint.h"

namespace authref {

class CrossDomainPlugin : public AuthPlugin {
 public:
  explicit CrossDomainPlugin(AuthServices& services) : services_(services) {}

  std::string_view id() const override { return "cross-domain"; }
  std::vector<Route> routes() override;
  void before(EndpointContext& ctx) override;
  void after(EndpointContext& ctx) override;

 private:
  void verify_one_time_token(EndpointContext& ctx);

  AuthServices& services_;
};

// `new URL(path, siteUrl).toString()` for a `path` that starts with '/'
// (the plugin's rewriteCallbackURL): the WHATWG URL parser's
// path-absolute and scheme-relative ("//host/...") cases over an http(s)
// site URL. nullopt where that constructor throws (an invalid host).
//
//   absolute_callback_url("/a/../b c?x=1", "http://localhost:5173")
//   // "http://localhost:5173/b%20c?x=1"
std::optional<std::string> absolute_callback_url(std::string_view path, std::string_view site_url);

}  // namespace authref
