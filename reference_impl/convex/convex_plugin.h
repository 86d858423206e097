// authref/convex/convex_plugin.h: the `convex` Better Auth plugin of
// @convex-dev/better-auth 0.12.5 (src/plugins/convex/index.ts;
// spec/convex-component.md §6).
//
// Routes under the base path:
//   GET /convex/token                            200 {"token": <JWT>}, 401 without a session
//   GET /convex/jwks                             {"keys": [...]}, a key created on first use
//   GET /convex/.well-known/openid-configuration the oidcProvider discovery document
// Hooks: bearer's before hook only (Authorization: Bearer <token> becomes
// the session cookie; no set-auth-token header), and the after hooks that
// set the `convex_jwt` cookie on /sign-in*, /sign-up*, ... and a
// get-session with a session, and clear it on /sign-out*, /delete-user* and
// a get-session without one. Keys: convex/jwt_keys.h. The constructor
// registers the plugin as services.convex, where the bridge finds it.
//
//   auth.add_plugin(std::make_unique<ConvexPlugin>(auth.services()));
//   auth.services().convex->identity(jwt);   // {"identity": {...}, "authUser": {...}}
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
  // without sessionId (get-convex/better-auth#201). The token must verify
  // against the served JWKS (kid, alg, signature) with iss = the base URL,
  // aud containing "convex" and exp (nbf when present) against the server
  // clock. The identity is tokenIdentifier "<iss>|<sub>", subject, issuer,
  // the OIDC standard claims camelCased and every other claim as is, without
  // aud, exp, iat, nbf and jti; authUser is the raw component document.
  Json identity(std::string_view jwt);
  // {"keys": [...]}: the public JWKS, creating the first key if none exists.
  Json public_jwks();
  // The JWT for a session and its user (Better Auth records), exactly as
  // GET /convex/token mints it now: header {"alg","kid"}, claims iat, the
  // user minus id and image, sessionId, sub, exp, iss, aud. Throws
  // std::runtime_error when no key can sign.
  std::string token_for(const SessionAndUser& session);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace authref
