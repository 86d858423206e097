// authref/auth/cross_domain_plugin.h: the `crossDomain({siteUrl})` plugin of
// @convex-dev/better-auth (src/plugins/cross-domain/index.ts;
// spec/convex-component.md §7).
//
// A browser on another origin cannot keep third-party cookies, so the client
// sends them in `Better-Auth-Cookie` and reads new ones from
// `Set-Better-Auth-Cookie`. The plugin copies the request header into
// `cookie`, moves the response's Set-Cookie values into that header, makes
// relative callback URLs absolute against the site URL, and serves
// POST /cross-domain/one-time-token/verify.
//
//   auth.add_plugin(std::make_unique<CrossDomainPlugin>(auth.services()));
#pragma once

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
  AuthServices& services_;
};

}  // namespace authref
