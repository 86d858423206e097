// authref/auth/rate_limiter.h: Better Auth's memory rate limiter
// (spec/better-auth-wire.md §8; better-auth dist/api/rate-limiter/index.mjs).
//
// Runs before routing, so unknown paths count too. The key is
// "<ip>|<path>"; the default rule is `max` requests per `window` seconds,
// sign-in/sign-up/change-password/change-email allow 3 per 10 s, and the
// password-reset and verification-mail paths 3 per 60 s. A blocked request
// gets 429 `{"message":"Too many requests. Please try again later."}` with
// `x-retry-after` in seconds.
//
//   RateLimiter limiter(options, clock);
//   if (auto blocked = limiter.check(request, "/sign-in/email")) return *blocked;
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "auth/auth_options.h"
#include "http/http_message.h"

namespace authref {

class Clock;

class RateLimiter {
 public:
  RateLimiter(const AuthOptions& options, const Clock& clock);

  // nullopt: let the request through (and count it); else the 429 to send.
  // `path` is below the base path ("/sign-in/email"). Does nothing when
  // rate limiting is off.
  std::optional<http::HttpResponse> check(const http::HttpRequest& request, std::string_view path);
  // bridge POST /reset: forget every bucket.
  void reset();

 private:
  struct Bucket {
    std::int64_t count = 0;
    std::int64_t last_request_ms = 0;
    // The memory store's entry expiry: an entry at or past it is gone.
    std::int64_t expires_at_ms = 0;
    // Insertion order of the JavaScript Map, for evicting the oldest keys.
    std::uint64_t inserted = 0;
  };
  // pruneMemoryStore: at most kMaxEntries keys, the expired ones dropped
  // first, then the oldest inserted.
  void prune(std::int64_t now_ms);

  const AuthOptions& options_;
  const Clock& clock_;
  std::mutex mutex_;
  std::map<std::string, Bucket, std::less<>> buckets_;
  std::uint64_t next_insertion_ = 0;
};

// Better Auth's getIp(request) with the default ipAddress options and
// NODE_ENV unset: the x-forwarded-for header when it holds exactly one
// valid IPv4 or IPv6 address (zod's ipv4/ipv6), normalised (IPv4-mapped
// IPv6 to IPv4, other IPv6 expanded and masked to /64); nullopt otherwise
// (a list of hops, garbage, no header), with no 127.0.0.1 fallback.
//   request_ip(headers)   // "203.0.113.7", "2001:0db8:0001:0002:0000:0000:0000:0000"
std::optional<std::string> request_ip(const http::Headers& headers);

}  // namespace authref
