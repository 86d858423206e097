#include "authconf/cookie_jar.h"

#include <uriparser/Uri.h>

#include <algorithm>
#include <chrono>

namespace authconf {
namespace {

struct RequestUrl {
  bool https = false;
  std::string host;  // lower-case, IPv6 without brackets
  std::string path;  // "/" when empty
  bool is_ip = false;
};

std::string lower(std::string_view s) {
  std::string out(s);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string range_text(const UriTextRangeA& range) {
  if (range.first == nullptr || range.afterLast == nullptr) return {};
  return std::string(range.first, range.afterLast);
}

std::optional<RequestUrl> parse_request_url(std::string_view url) {
  std::string text(url);
  UriUriA uri;
  const char* error_pos = nullptr;
  if (uriParseSingleUriA(&uri, text.c_str(), &error_pos) != URI_SUCCESS) return std::nullopt;
  RequestUrl out;
  std::string scheme = lower(range_text(uri.scheme));
  out.host = lower(range_text(uri.hostText));
  out.is_ip = uri.hostData.ip4 != nullptr || uri.hostData.ip6 != nullptr;
  std::string path;
  for (UriPathSegmentA* seg = uri.pathHead; seg != nullptr; seg = seg->next) {
    path += '/';
    path += range_text(seg->text);
  }
  uriFreeUriMembersA(&uri);
  if ((scheme != "http" && scheme != "https") || out.host.empty()) return std::nullopt;
  out.https = scheme == "https";
  out.path = path.empty() ? "/" : path;
  return out;
}

bool is_loopback(const RequestUrl& url) {
  return url.host == "localhost" || url.host.ends_with(".localhost") || url.host == "::1" ||
         (url.is_ip && url.host.starts_with("127."));
}

// RFC 6265 §5.1.3.
bool domain_matches(std::string_view host, std::string_view domain, bool host_is_ip) {
  if (host == domain) return true;
  return !host_is_ip && host.size() > domain.size() && host.ends_with(domain) &&
         host[host.size() - domain.size() - 1] == '.';
}

// RFC 6265 §5.1.4 default-path.
std::string default_path(std::string_view request_path) {
  if (request_path.empty() || request_path[0] != '/') return "/";
  std::size_t last = request_path.rfind('/');
  return last == 0 ? "/" : std::string(request_path.substr(0, last));
}

// RFC 6265 §5.1.4 path-match.
bool path_matches(std::string_view request_path, std::string_view cookie_path) {
  if (request_path == cookie_path) return true;
  if (!request_path.starts_with(cookie_path)) return false;
  return cookie_path.ends_with('/') || request_path[cookie_path.size()] == '/';
}

std::int64_t system_now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

std::string_view to_string(CookieJarError code) {
  switch (code) {
    case CookieJarError::kMalformedSetCookie:
      return "malformed-set-cookie";
    case CookieJarError::kInvalidUrl:
      return "invalid-url";
    case CookieJarError::kDomainMismatch:
      return "domain-mismatch";
    case CookieJarError::kSecureFromInsecureUrl:
      return "secure-from-insecure-url";
    case CookieJarError::kSecurePrefixViolation:
      return "secure-prefix-violation";
    case CookieJarError::kHostPrefixViolation:
      return "host-prefix-violation";
  }
  return "unknown";
}

CookieJar::CookieJar() : CookieJar(system_now_ms) {}
CookieJar::CookieJar(Clock clock) : clock_(std::move(clock)) {}

bool CookieJar::expired(const StoredCookie& cookie, std::int64_t now) const {
  return cookie.expires_at_ms && *cookie.expires_at_ms <= now;
}

Result<void, CookieJarError> CookieJar::store(std::string_view set_cookie_header,
                                              std::string_view request_url) {
  auto parsed = parse_set_cookie(set_cookie_header);
  if (!parsed)
    return fail(CookieJarError::kMalformedSetCookie,
                std::string(to_string(parsed.error().code)) + ": " + parsed.error().detail);
  auto url = parse_request_url(request_url);
  if (!url) return fail(CookieJarError::kInvalidUrl, std::string(request_url));
  const bool secure_url = url->https || is_loopback(*url);
  const std::int64_t now = clock_();

  StoredCookie cookie;
  cookie.name = parsed->name;
  cookie.value = parsed->value;
  cookie.secure = parsed->secure;
  cookie.http_only = parsed->http_only;
  cookie.same_site = parsed->same_site;
  cookie.created_at_ms = now;

  // §5.3 step 3: Max-Age wins over Expires; a non-positive Max-Age is "now".
  if (parsed->max_age) {
    // RFC 6265bis caps a lifetime at 400 days; that also keeps the sum finite.
    constexpr std::int64_t kMaxLifetimeSeconds = 400LL * 24 * 3600;
    std::int64_t seconds = std::min(*parsed->max_age, kMaxLifetimeSeconds);
    cookie.expires_at_ms = seconds <= 0 ? INT64_MIN : now + seconds * 1000;
  } else if (parsed->expires) {
    if (auto when = parse_cookie_date(*parsed->expires)) cookie.expires_at_ms = *when;
  }

  std::string domain = parsed->domain ? lower(*parsed->domain) : "";
  if (domain.starts_with('.')) domain.erase(0, 1);
  if (domain.empty()) {
    cookie.domain = url->host;
    cookie.host_only = true;
  } else {
    if (!domain_matches(url->host, domain, url->is_ip))
      return fail(CookieJarError::kDomainMismatch,
                  "Domain=" + domain + " does not match host " + url->host);
    cookie.domain = domain;
    cookie.host_only = false;
  }

  std::string path = parsed->path.value_or("");
  cookie.path = path.starts_with('/') ? path : default_path(url->path);

  if (cookie.secure && !secure_url)
    return fail(CookieJarError::kSecureFromInsecureUrl, cookie.name + " is Secure");
  if (cookie.name.starts_with("__Secure-") && (!cookie.secure || !secure_url))
    return fail(CookieJarError::kSecurePrefixViolation, cookie.name + " needs Secure");
  if (cookie.name.starts_with("__Host-") &&
      (!cookie.secure || !secure_url || !cookie.host_only || cookie.path != "/"))
    return fail(CookieJarError::kHostPrefixViolation,
                cookie.name + " needs Secure, no Domain and Path=/");

  auto same = std::ranges::find_if(cookies_, [&](const StoredCookie& c) {
    return c.name == cookie.name && c.domain == cookie.domain && c.path == cookie.path;
  });
  if (same != cookies_.end()) {
    cookie.created_at_ms = same->created_at_ms;  // §5.3 step 11.3
    cookies_.erase(same);
  }
  if (!expired(cookie, now)) cookies_.push_back(std::move(cookie));
  return {};
}

std::string CookieJar::cookie_header(std::string_view request_url) const {
  auto url = parse_request_url(request_url);
  if (!url) return {};
  const bool secure_url = url->https || is_loopback(*url);
  const std::int64_t now = clock_();
  std::vector<const StoredCookie*> chosen;
  for (const auto& c : cookies_) {
    if (expired(c, now)) continue;
    bool host_ok =
        c.host_only ? url->host == c.domain : domain_matches(url->host, c.domain, url->is_ip);
    if (!host_ok || !path_matches(url->path, c.path)) continue;
    if (c.secure && !secure_url) continue;
    chosen.push_back(&c);
  }
  std::ranges::stable_sort(chosen, [](const StoredCookie* a, const StoredCookie* b) {
    if (a->path.size() != b->path.size()) return a->path.size() > b->path.size();
    return a->created_at_ms < b->created_at_ms;
  });
  std::string header;
  for (const auto* c : chosen) {
    if (!header.empty()) header += "; ";
    header += c->name + "=" + c->value;
  }
  return header;
}

std::optional<StoredCookie> CookieJar::find(std::string_view name) const {
  const std::int64_t now = clock_();
  for (const auto& c : cookies_)
    if (c.name == name && !expired(c, now)) return c;
  return std::nullopt;
}

std::vector<StoredCookie> CookieJar::cookies() const {
  const std::int64_t now = clock_();
  std::vector<StoredCookie> out;
  for (const auto& c : cookies_)
    if (!expired(c, now)) out.push_back(c);
  return out;
}

void CookieJar::put(StoredCookie cookie) {
  std::erase_if(cookies_, [&](const StoredCookie& c) {
    return c.name == cookie.name && c.domain == cookie.domain && c.path == cookie.path;
  });
  cookies_.push_back(std::move(cookie));
}

void CookieJar::clear() { cookies_.clear(); }

}  // namespace authconf
