// authconf/cookie_jar.h: one simulated browser's cookies.
//
//   authconf::CookieJar jar;
//   jar.store("better-auth.session_token=t.s; Max-Age=604800; Path=/; HttpOnly",
//             "http://127.0.0.1:3210/api/auth/sign-in/email");
//   jar.cookie_header("http://127.0.0.1:3210/api/auth/get-session");
//   // "better-auth.session_token=t.s"
//
// Rules from RFC 6265 §5.3–5.4 and the cookie-prefix rules of RFC 6265bis:
// host-only vs Domain cookies, default-path and path-match, Max-Age over
// Expires, Max-Age<=0 or a past Expires deletes, a Secure cookie is set and
// sent only over https or to a loopback host (browsers treat http://localhost
// and 127.0.0.1 as secure contexts, and the embedded reference runs there),
// `__Secure-` needs Secure, `__Host-` needs Secure, Path=/ and no Domain.
// There is no public-suffix list: a harness only talks to its one target.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "authconf/result.h"
#include "authconf/set_cookie.h"

namespace authconf {

enum class CookieJarError {
  kMalformedSetCookie,     // parse_set_cookie refused it
  kInvalidUrl,             // the request URL is not an absolute http(s) URL
  kDomainMismatch,         // Domain does not domain-match the request host
  kSecureFromInsecureUrl,  // a Secure cookie sent by a non-secure origin
  kSecurePrefixViolation,  // __Secure- without Secure
  kHostPrefixViolation,    // __Host- without Secure, with Domain, or Path other than /
};
std::string_view to_string(CookieJarError code);

struct StoredCookie {
  std::string name;
  std::string value;
  std::string domain;  // lower-case host, no leading '.'
  std::string path;
  bool host_only = true;
  bool secure = false;
  bool http_only = false;
  std::optional<std::string> same_site;
  std::optional<std::int64_t> expires_at_ms;  // nullopt: a session cookie
  std::int64_t created_at_ms = 0;
};

class CookieJar {
 public:
  // Milliseconds since the epoch; tests pass a clock they can move.
  using Clock = std::function<std::int64_t()>;

  CookieJar();
  explicit CookieJar(Clock clock);

  // Applies one Set-Cookie header received from `request_url`. A deletion
  // (Max-Age<=0, past Expires) removes the matching cookie and succeeds.
  Result<void, CookieJarError> store(std::string_view set_cookie_header,
                                     std::string_view request_url);

  // The Cookie header a browser would send to `request_url` ("" when none):
  // longer paths first, then older cookies first (RFC 6265 §5.4).
  std::string cookie_header(std::string_view request_url) const;

  // The live cookie of that name, whatever its domain and path.
  std::optional<StoredCookie> find(std::string_view name) const;

  // Every live cookie, in creation order.
  std::vector<StoredCookie> cookies() const;

  // Sets or replaces a cookie by hand (a test forging or tampering with one).
  void put(StoredCookie cookie);

  void clear();

 private:
  bool expired(const StoredCookie& cookie, std::int64_t now) const;

  Clock clock_;
  std::vector<StoredCookie> cookies_;
};

}  // namespace authconf
