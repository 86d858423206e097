// authconf/set_cookie.h: Set-Cookie headers, read and written as Better Auth does.
//
//   auto cookie = authconf::parse_set_cookie(
//       "better-auth.session_token=abc.def; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax");
//   cookie->max_age;                         // 604800
//   authconf::serialize_set_cookie(*cookie); // the same bytes back
//
// Parsing follows RFC 6265 §5.2 (what a browser keeps); serialising follows
// better-call 1.4.0 `_serialize`, whose attribute order is
// name=value; Max-Age=N; Domain=..; Path=..; Expires=..; HttpOnly; Secure; SameSite=..; Partitioned
// (spec/better-auth-wire.md §4.1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "authconf/result.h"

namespace authconf {

enum class SetCookieError {
  kNoNameValue,  // the first part has no '=' (RFC 6265 §5.2: ignore the cookie)
  kEmptyName,    // "=value"
  kInvalidName,  // control characters or separators in the name
};
std::string_view to_string(SetCookieError code);

struct SetCookie {
  std::string name;
  std::string value;                    // as sent: still percent-encoded
  std::optional<std::int64_t> max_age;  // seconds; RFC 6265 allows negatives
  std::optional<std::string> domain;    // as sent (a leading '.' kept)
  std::optional<std::string> path;
  std::optional<std::string> expires;  // the raw date text
  bool http_only = false;
  bool secure = false;
  std::optional<std::string> same_site;  // "Lax", "Strict", "None" as sent
  bool partitioned = false;
  // Attributes this parser does not know, or known ones with unusable values
  // (e.g. "Max-Age=soon"), kept verbatim so a test can see them.
  std::vector<std::string> ignored_attributes;

  bool operator==(const SetCookie&) const = default;
};

Result<SetCookie, SetCookieError> parse_set_cookie(std::string_view header);

// Better Auth's byte order; ignored_attributes are not written.
std::string serialize_set_cookie(const SetCookie& cookie);

// RFC 6265 §5.1.1 cookie-date parsing (accepts what browsers accept:
// "Thu, 01 Jan 1970 00:00:00 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", …).
// Returns milliseconds since the epoch, or nullopt for an unusable date.
std::optional<std::int64_t> parse_cookie_date(std::string_view text);

// "Thu, 01 Jan 1970 00:00:00 GMT", as JavaScript's Date.prototype.toUTCString.
std::string format_cookie_date(std::int64_t epoch_ms);

}  // namespace authconf
