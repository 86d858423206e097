// authconf/origin.h: origins as browsers serialise them, and Better Auth's
// trusted-origin check.
//
//   auto origin = authconf::origin_of("HTTP://LocalHost:80/x?y#z");  // "http://localhost"
//   auto evil = authconf::origin_of("http://localhost:5173@evil.com"); // "http://evil.com"
//   std::vector<std::string> trusted{"http://localhost:5173", "*.trusted.dev"};
//   auto ok = authconf::is_trusted_origin("https://a.trusted.dev", trusted);  // true
//   auto cb = authconf::is_trusted_origin("/dashboard", trusted, {.allow_relative_paths = true});
//
// origin_of() answers what Node prints for `new URL(x).origin` (the WHATWG URL
// Standard, not RFC 3986): it fails with kInvalidUrl exactly where that
// constructor throws. The table fixtures/vectors/origins.json, written by
// Node itself, pins every quirk: trimming, tab removal, backslashes, missing
// slashes, IPv4 number forms, IPv6 compression, percent-encoded hosts.
//
// The matching functions reproduce better-auth 1.6.34 (dist/auth/
// trusted-origins.mjs, dist/utils/wildcard.mjs), checked against
// fixtures/vectors/trusted-origins.json, which that package's own code wrote.
//
// Non-ASCII hosts (and `xn--` labels) go through UTS #46 domain-to-ASCII
// (ICU's uidna, with the URL Standard's flags), as Node does.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "authconf/result.h"

namespace authconf {

enum class OriginError {
  kInvalidUrl,       // `new URL(x)` throws; the detail names the failing step
  kUnsupportedHost,  // ICU's UTS #46 processor could not be opened
  kInvalidUtf8,      // the input is not UTF-8, so no JavaScript string equals it
};
std::string_view to_string(OriginError code);

// The parts of a WHATWG URL that origin checks read, spelled like the
// JavaScript URL getters: protocol "https:", hostname "[::1]", port "8080"
// (empty when absent or the scheme's default), host "hostname:port",
// origin "https://[::1]:8080" or "null" for an opaque origin.
struct UrlParts {
  std::string protocol;
  std::string hostname;
  std::string port;
  std::string host;
  std::string origin;
};

// Parses `url` as `new URL(url)` does (no base URL) and returns its parts.
Result<UrlParts, OriginError> parse_url(std::string_view url);

// `new URL(url).origin`: "null" for opaque origins (custom schemes, data:,
// file:, javascript:), the inner origin for blob:http(s) URLs.
Result<std::string, OriginError> origin_of(std::string_view url);

struct TrustedOriginOptions {
  // Better Auth sets this for callback-type values (callbackURL, redirectTo,
  // errorCallbackURL, newUserCallbackURL) and never for the Origin header.
  bool allow_relative_paths = false;
};

// better-auth 1.6.34's test for a relative callback URL: one leading "/",
// then only [A-Za-z0-9_\-.+/@] in the path and an optional query of
// [A-Za-z0-9_\-.+/=&%@]. No "//", "\", "%2f"/"%5c", "#", ":" or controls.
bool is_safe_relative_url(std::string_view url);

// Better Auth's wildcardMatch(pattern)(subject) with its default separator
// "/": "*" is any run and "?" any one UTF-16 code unit except "/" and "\";
// "**" spans separators; "\" makes the next character literal; one or more
// "/" in the pattern match one or more "/" or "\". Case-sensitive, anchored.
bool wildcard_match(std::string_view pattern, std::string_view subject);

// Better Auth's matchesOriginPattern(url, pattern, settings):
// - a url starting with "/" matches only if relative paths are allowed and
//   is_safe_relative_url() holds (whatever the pattern);
// - a pattern with "*" or "?" and "://" is matched against the url's origin,
//   or against the raw url when the origin is "null" or the url is invalid;
// - a pattern with "*" or "?" and no "://" is matched against the url's host
//   (with port), for any scheme;
// - otherwise an http(s) or unparsable url matches when its origin equals the
//   pattern byte for byte, and any other url when it starts with the pattern.
// Fails only with kUnsupportedHost or kInvalidUtf8, when the answer would
// depend on a host this build cannot parse.
Result<bool, OriginError> matches_origin_pattern(std::string_view url, std::string_view pattern,
                                                 TrustedOriginOptions options = {});

// ctx.isTrustedOrigin(url, settings): whether any non-empty pattern matches
// (Better Auth's getTrustedOrigins drops empty entries). Fails as
// matches_origin_pattern() does: the error is never a verdict.
Result<bool, OriginError> is_trusted_origin(std::string_view url,
                                            std::span<const std::string> patterns,
                                            TrustedOriginOptions options = {});

}  // namespace authconf
