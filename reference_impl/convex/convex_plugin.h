// authref/convex/convex_plugin.h: the `convex` Better Auth plugin of
// @convex-dev/better-auth 0.12.5 (src/plugins/convex/index.ts;
// spec/convex-component.md §6).
//
// Routes under the base path:
//   GET /convex/token                            200 {"token": <JWT>}, 401 without a session
//   GET /convex/jwks                             {"keys": [...]}, a key created on first use
//   GET /convex/.well-known/openid-configuration the oidcProvider discovery document
// Hooks: bearer's before hook (Authorization: Bearer <token> becomes the
// session cookie) and the after hooks that set or clear the `convex_jwt`
// cookie. Keys live in the component's `jwks` table (kid = the document
// _id) with the private JWK sealed as Better Auth seals it.
//
//   auth.add_plugin(std::make_unique<ConvexPlugin>(auth.services()));
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "auth/endpoint.h"

namespace authref {

class ConvexPlugin : public AuthPlugin {
 public:
  explicit ConvexPlugin(AuthServices& services);
  ~ConvexPlugin() override;

  std::string_view id() const override { return "convex"; }
  std::vector<Route> routes() override;
  void before(EndpointContext& ctx) override;
  void after(EndpointContext& ctx) override;

  // What a Convex function derives from `jwt` (bridge-v1 GET /identity):
  // {"identity": <UserIdentity or null>, "authUser": <safeGetAuthUser or null>},
  // or {"thrown": "<message>"} as the real component throws for a token
  // without sessionId (get-convex/better-auth#201).
  Json identity(std::string_view jwt);
  // {"keys": [...]}: the public JWKS, creating the first key if none exists.
  Json public_jwks();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace authref
