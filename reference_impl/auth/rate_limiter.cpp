// Better Auth's rate limiter with its default memory storage, as
// better-auth 1.6.34 ships it (dist/api/rate-limiter/index.mjs,
// @better-auth/core dist/utils/ip.mjs and dist/utils/url.mjs).
#include "auth/rate_limiter.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <vector>

#include "authconf/encoding.h"
#include "authconf/origin.h"
#include "store/clock.h"

namespace authref {
namespace {

// MEMORY_STORE_MAX_ENTRIES.
constexpr std::size_t kMaxEntries = 100000;
// What a prune evicts down to (see RateLimiter::prune).
constexpr std::size_t kPruneTarget = 90000;
// Keys longer than this are stored as their SHA-256.
constexpr std::size_t kMaxKeyBytes = 256;

std::string sha256_hex(std::string_view text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return authconf::hex_encode(
      std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}
// NO_TRUSTED_IP_KEY: without a client IP every caller shares one bucket per
// path ("Rate limiting could not determine a client IP and is falling back
// to a single shared per-path bucket"). This is what limits the transcript's
// curl requests, which carry no X-Forwarded-For.
constexpr std::string_view kNoTrustedIp = "no-trusted-ip";

struct Rule {
  std::int64_t window_s;
  std::int64_t max;
};

// getDefaultSpecialRules(), matched against the path below the base path.
std::optional<Rule> special_rule(std::string_view path) {
  if (path.starts_with("/sign-in") || path.starts_with("/sign-up") ||
      path.starts_with("/change-password") || path.starts_with("/change-email")) {
    return Rule{10, 3};
  }
  if (path == "/request-password-reset" || path == "/send-verification-email" ||
      path.starts_with("/forget-password") || path == "/email-otp/send-verification-otp" ||
      path == "/email-otp/request-password-reset") {
    return Rule{60, 3};
  }
  return std::nullopt;
}

// normalizePathname's tail: trailing slashes dropped, "" is "/".
std::string normalize_path(std::string_view path) {
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  return path.empty() ? std::string("/") : std::string(path);
}

bool is_js_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_js_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_js_space(text.back())) text.remove_suffix(1);
  return text;
}

std::vector<std::string> split(std::string_view text, std::string_view separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t at = text.find(separator, start);
    if (at == std::string_view::npos) {
      parts.emplace_back(text.substr(start));
      return parts;
    }
    parts.emplace_back(text.substr(start, at - start));
    start = at + separator.size();
  }
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// zod 4's ipv4 pattern: four decimal octets 0-255 without leading zeros.
bool is_zod_ipv4(std::string_view text) {
  const auto parts = split(text, ".");
  if (parts.size() != 4) return false;
  for (const std::string& part : parts) {
    if (part.empty() || part.size() > 3) return false;
    if (!std::ranges::all_of(part, [](char c) { return c >= '0' && c <= '9'; })) return false;
    if (part.size() > 1 && part[0] == '0') return false;
    if (std::stoi(part) > 255) return false;
  }
  return true;
}

// zod 4.6's isValidIPv6: only hex digits, ':' and '.', and
// `new URL("http://[" + value + "]")` must parse.
bool is_zod_ipv6(std::string_view text) {
  if (text.empty() || text.find_first_not_of("0123456789abcdefABCDEF:.") != text.npos) return false;
  return authconf::parse_url("http://[" + std::string(text) + "]").has_value();
}

std::string pad4(std::string_view group) {
  std::string padded(group);
  if (padded.size() < 4) padded.insert(0, 4 - padded.size(), '0');
  return padded;
}

// expandIPv6: each group padded to four digits, "::" filled with "0000".
std::vector<std::string> expand_ipv6(std::string_view ip) {
  std::vector<std::string> groups;
  const auto padded = [](std::string_view side) {
    std::vector<std::string> out;
    if (side.empty()) return out;
    for (const std::string& group : split(side, ":")) out.push_back(pad4(group));
    return out;
  };
  if (ip.find("::") != std::string_view::npos) {
    const auto sides = split(ip, "::");
    auto left = padded(sides[0]);
    auto right = padded(sides.size() > 1 ? std::string_view(sides[1]) : std::string_view());
    groups = std::move(left);
    const std::ptrdiff_t missing =
        8 - std::ssize(groups) - std::ssize(right);  // never negative for a valid address
    for (std::ptrdiff_t i = 0; i < missing; ++i) groups.emplace_back("0000");
    for (auto& group : right) groups.push_back(std::move(group));
    return groups;
  }
  return padded(ip);
}

// `${Number.parseInt(text, 16)}`: the leading hex digits, or "NaN".
std::string parse_hex_prefix(std::string_view text) {
  std::size_t end = 0;
  while (end < text.size() && std::isxdigit(static_cast<unsigned char>(text[end]))) ++end;
  if (end == 0) return "NaN";
  return std::to_string(std::stoul(std::string(text.substr(0, end)), nullptr, 16));
}

// extractIPv4FromMapped.
std::optional<std::string> ipv4_from_mapped(std::string_view ip) {
  const std::string lowered = lower(ip);
  if (lowered.starts_with("::ffff:")) {
    std::string tail = lowered.substr(7);
    if (is_zod_ipv4(tail)) return tail;
  }
  const auto parts = split(ip, ":");
  if (parts.size() == 7 && lower(parts[5]) == "ffff" && !parts[6].empty() &&
      is_zod_ipv4(parts[6])) {
    return parts[6];
  }
  if (lowered.find("::ffff:") != std::string::npos || lowered.find(":ffff:") != std::string::npos) {
    const auto groups = expand_ipv6(ip);
    if (groups.size() == 8 && groups[0] == "0000" && groups[1] == "0000" && groups[2] == "0000" &&
        groups[3] == "0000" && groups[4] == "0000" && groups[5] == "ffff" && !groups[6].empty() &&
        !groups[7].empty()) {
      const auto pair = [](const std::string& group, std::size_t at) {
        return parse_hex_prefix(std::string_view(group).substr(std::min(at, group.size()), 2));
      };
      return pair(groups[6], 0) + "." + pair(groups[6], 2) + "." + pair(groups[7], 0) + "." +
             pair(groups[7], 2);
    }
  }
  return std::nullopt;
}

// normalizeIP(ip, {ipv6Subnet: 64}).
std::string normalize_ip(std::string_view ip) {
  if (is_zod_ipv4(ip) || !is_zod_ipv6(ip)) return lower(ip);
  if (auto mapped = ipv4_from_mapped(ip)) return lower(*mapped);
  // normalizeIPv6 with a /64 prefix: four groups kept, the rest zeroed.
  std::string out;
  int bits = 64;
  for (const std::string& group : expand_ipv6(ip)) {
    if (!out.empty()) out += ':';
    out += bits >= 16 ? group : std::string("0000");
    bits = std::max(0, bits - 16);
  }
  return lower(out);
}

}  // namespace

std::optional<std::string> request_ip(const http::Headers& headers) {
  const auto forwarded = headers.fetch_get("x-forwarded-for");
  if (!forwarded) return std::nullopt;
  const std::string& value = *forwarded;
  // getIPFromHeader without trustedProxies: only a single hop is believed.
  std::vector<std::string> hops;
  for (const std::string& part : split(value, ",")) {
    if (std::string_view hop = trim(part); !hop.empty()) hops.emplace_back(hop);
  }
  if (hops.size() != 1) return std::nullopt;
  const std::string& ip = hops.front();
  if (!is_zod_ipv4(ip) && !is_zod_ipv6(ip)) return std::nullopt;
  return normalize_ip(ip);
}

RateLimiter::RateLimiter(const AuthOptions& options, const Clock& clock)
    : options_(options), clock_(clock) {}

void RateLimiter::prune(std::int64_t now_ms) {
  if (buckets_.size() <= kMaxEntries) return;
  std::erase_if(buckets_, [&](const auto& entry) { return now_ms >= entry.second.expires_at_ms; });
  if (buckets_.size() <= kMaxEntries) return;
  std::vector<std::pair<std::uint64_t, std::string>> order;
  order.reserve(buckets_.size());
  for (const auto& [key, bucket] : buckets_) order.emplace_back(bucket.inserted, key);
  // The JavaScript evicts just the overflow before every request; a pass
  // over 100,000 keys per request would let a flood of new keys stall the
  // limiter's lock. Evicting down to kPruneTarget makes the pass happen once
  // per kMaxEntries - kPruneTarget new keys. Only keys this old can leave
  // early, and only while the store is full.
  const std::size_t overflow = buckets_.size() - kPruneTarget;
  std::ranges::nth_element(order, order.begin() + static_cast<std::ptrdiff_t>(overflow - 1));
  for (std::size_t i = 0; i < overflow; ++i) buckets_.erase(order[i].second);
}

std::optional<http::HttpResponse> RateLimiter::check(const http::HttpRequest& request,
                                                     std::string_view path) {
  if (!options_.rate_limit) return std::nullopt;
  const std::string normalized = normalize_path(path);
  const auto ip = request_ip(request.headers);
  std::string key = std::string(ip ? std::string_view(*ip) : kNoTrustedIp) + "|" + normalized;
  // A key is never shown; a long one (an 8 KiB unknown path) is kept as its
  // digest so that a full store stays small.
  if (key.size() > kMaxKeyBytes) key = "sha256:" + sha256_hex(key);
  // `options.rateLimit.window || 10`, `max || 100`, then the special rules.
  Rule rule{options_.rate_limit_window_s > 0 ? options_.rate_limit_window_s : 10,
            options_.rate_limit_max > 0 ? options_.rate_limit_max : 100};
  if (auto special = special_rule(normalized)) rule = *special;
  const std::int64_t window_ms = rule.window_s * 1000;

  std::lock_guard lock(mutex_);
  const auto now = static_cast<std::int64_t>(std::floor(clock_.now_ms()));
  // Expired entries are invisible whether or not they were pruned yet, so
  // pruning only when the store is over its bound changes nothing a client
  // can see (the JavaScript prunes before every request).
  prune(now);
  auto it = buckets_.find(key);
  if (it == buckets_.end() || now >= it->second.expires_at_ms) {
    // No live entry: a new one, last in insertion order (the expired one
    // would have been pruned and re-inserted).
    buckets_.insert_or_assign(key, Bucket{.count = 1,
                                          .last_request_ms = now,
                                          .expires_at_ms = now + window_ms,
                                          .inserted = next_insertion_++});
    return std::nullopt;
  }
  Bucket& bucket = it->second;
  if (now - bucket.last_request_ms > window_ms) {
    bucket.count = 1;
  } else if (bucket.count >= rule.max) {
    // Blocked requests change nothing, so the block ends `window` after the
    // last allowed request: getRetryAfter = ceil((last + window - now) / 1 s).
    const auto retry_after = static_cast<std::int64_t>(
        std::ceil(static_cast<double>(bucket.last_request_ms + window_ms - now) / 1000.0));
    http::HttpResponse response;
    response.status = 429;
    // `new Response(JSON.stringify(...))` with a string body: the Fetch API
    // labels it text/plain (spec/transcripts §15), not application/json.
    response.headers.add("content-type", "text/plain;charset=UTF-8");
    response.headers.add("x-retry-after", std::to_string(retry_after));
    response.body = R"({"message":"Too many requests. Please try again later."})";
    return response;
  } else {
    ++bucket.count;
  }
  bucket.last_request_ms = now;
  bucket.expires_at_ms = now + window_ms;
  return std::nullopt;
}

void RateLimiter::reset() {
  std::lock_guard lock(mutex_);
  buckets_.clear();
}

}  // namespace authref
