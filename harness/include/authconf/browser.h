// authconf/browser.h: one simulated browser talking to the target.
//
//   authconf::Browser browser(target);
//   auto signed_up = browser.post_json(target.auth_path("/sign-up/email"),
//                                      {{"email", email}, {"password", pw}, {"name", "A"}});
//   ASSERT_TRUE(signed_up) << signed_up.error();
//   EXPECT_EQ(signed_up->status, 200);
//   auto session = browser.get(target.auth_path("/get-session"));  // sends the cookie
//
// A browser has its own cookie jar: every Set-Cookie it receives is stored
// (RFC 6265 rules, authconf/cookie_jar.h) and the Cookie header is sent
// back. It sends `Origin: <site origin>` on every request unless told
// otherwise, as a browser page on the app's site would for fetch().
// `cross_domain` switches to the crossDomain plugin's flavour: cookies
// travel in `Better-Auth-Cookie` / `Set-Better-Auth-Cookie` instead.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "authconf/cookie_jar.h"
#include "authconf/http_client.h"
#include "authconf/target.h"

namespace authconf {

struct CallOptions {
  // The Origin header; nullopt: none. Defaults to the target's site origin.
  std::optional<std::string> origin = kSiteOrigin;
  HeaderList headers = {};  // added after the browser's own
  bool send_cookies = true;
  bool store_cookies = true;
  std::optional<std::string> bearer = std::nullopt;  // Authorization: Bearer <token>

  static inline const std::string kSiteOrigin = "\x01site";  // replaced by the site origin
};

class Browser {
 public:
  explicit Browser(const Target& target, bool cross_domain = false);

  // `path` is relative to the target's origin ("/api/auth/ok"); use
  // target.auth_path() for Better Auth's routes.
  Result<Exchange, TransportError> get(std::string_view path, const CallOptions& options = {});
  Result<Exchange, TransportError> post_json(std::string_view path, const Json& body,
                                             const CallOptions& options = {});
  // Any method, any body, any content type ("" sends none).
  Result<Exchange, TransportError> send(std::string_view method, std::string_view path,
                                        std::string body, std::string_view content_type,
                                        const CallOptions& options = {});

  CookieJar& jar() { return jar_; }
  const CookieJar& jar() const { return jar_; }
  // The value of a cookie the browser holds, whatever its prefix
  // ("session_token" finds better-auth.session_token and
  // __Secure-better-auth.session_token).
  std::optional<std::string> cookie(std::string_view suffix) const;
  // Set-Cookie fields the jar refused (a browser would drop them silently;
  // the suites check there are none).
  const std::vector<std::string>& refused_cookies() const { return refused_; }

 private:
  const Target& target_;
  bool cross_domain_;
  CookieJar jar_;
  std::vector<std::string> refused_;
};

// The body parsed as JSON; a parse failure is a null with `ok` false.
struct ParsedBody {
  Json json;
  bool ok = false;
};
ParsedBody json_body(const Exchange& exchange);

}  // namespace authconf
