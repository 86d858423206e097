#include "http/cors.h"

#include <authconf/origin.h>

#include <algorithm>

namespace authref::http {
namespace {

// The seed's cors({...}) options, joined as hono joins them (",", no space).
constexpr std::string_view kHonoAllowHeaders = "Content-Type,Authorization,Better-Auth-Cookie";
constexpr std::string_view kHonoAllowMethods = "GET,POST,OPTIONS";
constexpr std::string_view kHonoExposeHeaders = "Content-Length,Set-Better-Auth-Cookie";
constexpr std::string_view kHonoMaxAge = "600";

// registerRoutes' corsRouter config, joined as handleCors joins them (", ").
// Allow-Methods lists the methods routed on the "<basePath>/" prefix: GET
// and POST (corsRouter collects them per prefix; OPTIONS is not added).
constexpr std::string_view kConvexAllowHeaders = "Content-Type, Better-Auth-Cookie, Authorization";
constexpr std::string_view kConvexAllowMethods = "GET, POST";
constexpr std::string_view kConvexExposeHeaders = "Set-Better-Auth-Cookie";
constexpr std::string_view kConvexMaxAge = "86400";  // SECONDS_IN_A_DAY

// Headers.append(name, value) on a fetch Headers: joined to an existing field.
void append_joined(Headers& headers, const std::string& name, std::string_view value) {
  if (auto existing = headers.fetch_get(name)) {
    headers.set(name, *existing + ", " + std::string(value));
  } else {
    headers.add(name, std::string(value));
  }
}

}  // namespace

std::string_view to_string(CorsFlavour flavour) {
  switch (flavour) {
    case CorsFlavour::kHono:
      return "hono";
    case CorsFlavour::kConvex:
      return "convex";
    case CorsFlavour::kNone:
      return "none";
  }
  return "none";
}

std::optional<CorsFlavour> cors_flavour_named(std::string_view name) {
  for (CorsFlavour flavour : {CorsFlavour::kHono, CorsFlavour::kConvex, CorsFlavour::kNone}) {
    if (to_string(flavour) == name) return flavour;
  }
  return std::nullopt;
}

Cors Cors::hono(std::string site_url) { return Cors(CorsFlavour::kHono, {std::move(site_url)}); }

Cors Cors::convex(std::vector<std::string> trusted_origins) {
  // registerRoutes: "Strip trailing wildcards, unsupported for allowedOrigins".
  for (std::string& origin : trusted_origins) {
    if (origin.size() > 1 && origin.ends_with('*')) origin.pop_back();
  }
  return Cors(CorsFlavour::kConvex, std::move(trusted_origins));
}

Cors Cors::none() { return Cors(CorsFlavour::kNone, {}); }

Cors Cors::for_options(const AuthOptions& options) {
  switch (options.cors) {
    case CorsFlavour::kHono:
      return hono(options.site_url);
    case CorsFlavour::kConvex: {
      std::vector<std::string> origins{options.site_url};
      origins.insert(origins.end(), options.trusted_origins.begin(), options.trusted_origins.end());
      return convex(std::move(origins));
    }
    case CorsFlavour::kNone:
      return none();
  }
  return none();
}

// handleCors' isAllowedOrigin: "*", the exact string, or "*.domain" for an
// https origin whose hostname ends with ".domain" or is "domain".
bool Cors::convex_origin_allowed(std::string_view origin) const {
  for (const std::string& allowed : origins_) {
    if (allowed == "*" || allowed == origin) return true;
    if (allowed.starts_with("*.")) {
      auto parts = authconf::parse_url(origin);
      if (!parts || parts->protocol != "https:") continue;
      const std::string_view wildcard_domain = std::string_view(allowed).substr(1);  // ".bar.com"
      const std::string_view root_domain = std::string_view(allowed).substr(2);      // "bar.com"
      if (parts->hostname.ends_with(wildcard_domain) || parts->hostname == root_domain) return true;
    }
  }
  return false;
}

std::optional<std::string> Cors::allowed_origin(const Headers& request_headers) const {
  const std::optional<std::string> origin = request_headers.fetch_get("origin");
  switch (flavour_) {
    case CorsFlavour::kHono: {
      // findAllowOrigin for a string option: "*" answers "*"; otherwise the
      // request's Origin (or "") when it equals the option, and a falsy ""
      // sets nothing.
      const std::string& site = origins_.front();
      if (site == "*") return site;
      const std::string value = origin.value_or("");
      if (value == site && !value.empty()) return value;
      return std::nullopt;
    }
    case CorsFlavour::kConvex:
      // No Origin, or an empty one, is never allowed (isAllowedOrigin).
      if (!origin || origin->empty()) return std::nullopt;
      if (convex_origin_allowed(*origin)) return origin;
      return std::nullopt;
    case CorsFlavour::kNone:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<HttpResponse> Cors::preflight(const HttpRequest& request) const {
  if (flavour_ == CorsFlavour::kNone) return std::nullopt;
  HttpResponse response;
  response.status = 204;
  Headers& h = response.headers;
  const auto allow = allowed_origin(request.headers);
  if (flavour_ == CorsFlavour::kHono) {
    if (allow) h.set("access-control-allow-origin", *allow);
    h.set("access-control-allow-credentials", "true");
    h.set("access-control-expose-headers", std::string(kHonoExposeHeaders));
    if (origins_.front() != "*") append_joined(h, "vary", "Origin");
    h.set("access-control-max-age", std::string(kHonoMaxAge));
    h.set("access-control-allow-methods", std::string(kHonoAllowMethods));
    // allowHeaders is configured, so the request's
    // Access-Control-Request-Headers is never echoed: the configured list
    // is sent whatever the browser asks for, and Vary names the header.
    h.set("access-control-allow-headers", std::string(kHonoAllowHeaders));
    append_joined(h, "vary", "Access-Control-Request-Headers");
  } else {
    h.set("vary", "Origin");
    h.set("access-control-allow-credentials", "true");
    h.set("access-control-expose-headers", std::string(kConvexExposeHeaders));
    if (allow) h.set("access-control-allow-origin", *allow);
    h.set("access-control-allow-methods", std::string(kConvexAllowMethods));
    h.set("access-control-allow-headers", std::string(kConvexAllowHeaders));
    h.set("access-control-max-age", std::string(kConvexMaxAge));
  }
  sort_like_fetch_headers(h);
  return response;
}

void Cors::decorate(const HttpRequest& request, HttpResponse& response) const {
  if (flavour_ == CorsFlavour::kNone) return;
  Headers& h = response.headers;
  const auto allow = allowed_origin(request.headers);
  if (flavour_ == CorsFlavour::kHono) {
    // Set on c.res before next(), then copied over the handler's response
    // by Hono's `set res` (content-type excepted), then Vary appended.
    if (allow) h.set("access-control-allow-origin", *allow);
    h.set("access-control-allow-credentials", "true");
    h.set("access-control-expose-headers", std::string(kHonoExposeHeaders));
    if (origins_.front() != "*") append_joined(h, "vary", "Origin");
  } else {
    if (allow) h.set("access-control-allow-origin", *allow);
    h.set("vary", "Origin");
    h.set("access-control-allow-credentials", "true");
    h.set("access-control-expose-headers", std::string(kConvexExposeHeaders));
  }
  sort_like_fetch_headers(h);
}

void sort_like_fetch_headers(Headers& headers) {
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<std::string> cookies;
  for (const Headers::Field& field : headers.fields()) {
    std::string name = to_lower_ascii(field.name);
    if (name == "set-cookie") {
      cookies.push_back(field.value);
      continue;
    }
    auto it = std::ranges::find(fields, name, &std::pair<std::string, std::string>::first);
    if (it == fields.end()) {
      fields.emplace_back(std::move(name), field.value);
    } else {
      it->second += ", " + field.value;
    }
  }
  std::ranges::stable_sort(fields, {}, &std::pair<std::string, std::string>::first);
  Headers sorted;
  for (auto& [name, value] : fields) sorted.add(std::move(name), std::move(value));
  for (std::string& cookie : cookies) sorted.add("set-cookie", std::move(cookie));
  headers = std::move(sorted);
}

}  // namespace authref::http
