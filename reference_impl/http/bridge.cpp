#include "http/bridge.h"

#include <authconf/encoding.h>
#include <sodium.h>

#include <cmath>

#include "app/reference_app.h"
#include "auth/auth_service.h"
#include "convex/convex_plugin.h"
#include "http/cors.h"
#include "store/clock.h"
#include "store/js_value.h"

#ifndef AUTHREF_VERSION
#define AUTHREF_VERSION "0.0.0"
#endif

namespace authref::http {
namespace {

std::string sha256(std::string_view text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

HttpResponse not_supported(const HttpRequest& request, std::string_view route) {
  return bridge_error(404, "NOT_SUPPORTED",
                      "no bridge route " + request.method + " " + std::string(Bridge::kPrefix) +
                          std::string(route));
}

// A whole number of milliseconds that fits the clock (|n| <= 2^53).
std::optional<std::int64_t> whole_ms(const Json& value) {
  if (value.is_number_integer()) {
    // Both signed and unsigned JSON integers; reject what does not fit.
    if (value.is_number_unsigned() && value.get<std::uint64_t>() > (1ULL << 53)) {
      return std::nullopt;
    }
    const std::int64_t n = value.get<std::int64_t>();
    if (n > (1LL << 53) || n < -(1LL << 53)) return std::nullopt;
    return n;
  }
  if (value.is_number_float()) {
    const double d = value.get<double>();
    if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9007199254740992.0) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(d);
  }
  return std::nullopt;
}

}  // namespace

std::string_view authref_version() { return AUTHREF_VERSION; }

HttpResponse bridge_json(int status, const Json& body) {
  HttpResponse response = HttpResponse::json(status, js_stringify(body));
  response.headers.add("cache-control", "no-store");
  return response;
}

HttpResponse bridge_error(int status, std::string_view code, std::string_view message) {
  Json error = Json::object();
  error["code"] = code;
  error["message"] = message;
  Json body = Json::object();
  body["error"] = std::move(error);
  return bridge_json(status, body);
}

Bridge::Bridge(Config config, ReferenceApp& app, AuthService& auth, ConvexPlugin* convex,
               Clock& clock)
    : config_(std::move(config)), app_(app), auth_(auth), convex_(convex), clock_(clock) {}

bool Bridge::owns(std::string_view path) {
  if (!path.starts_with(kPrefix)) return false;
  return path.size() == kPrefix.size() || path[kPrefix.size()] == '/';
}

HttpResponse Bridge::handle(const HttpRequest& request, std::string_view path) {
  if (path.empty()) path = request.path();
  // The key first, before any routing: without it every path looks alike.
  const auto key = request.headers.fetch_get("x-conformance-key");
  if (!key) return bridge_error(401, "BAD_KEY", "missing X-Conformance-Key");
  // Digests of equal length, so that neither the comparison nor its early
  // exit on a length difference says anything about the key.
  if (config_.key.empty() || !authconf::constant_time_equal(sha256(*key), sha256(config_.key))) {
    return bridge_error(401, "BAD_KEY", "wrong X-Conformance-Key");
  }
  try {
    return route(request, path.substr(kPrefix.size()));
  } catch (const std::exception& error) {
    // A bug in the reference, never a verdict on a request: the harness
    // reports a 5xx from the bridge as an error.
    return bridge_error(500, "INTERNAL_ERROR", error.what());
  }
}

HttpResponse Bridge::route(const HttpRequest& request, std::string_view route) {
  const std::string& method = request.method;
  if (route == "/capabilities") {
    if (method == "GET") return bridge_json(200, capabilities());
  } else if (route == "/reset") {
    if (method == "POST") return reset(request);
  } else if (route.starts_with("/adapter/")) {
    if (method == "POST") return adapter(request, route.substr(9));
  } else if (route.starts_with("/component/")) {
    if (method == "GET") return table(ReferenceApp::kComponentSpace, route.substr(11));
  } else if (route.starts_with("/app/")) {
    if (method == "GET") return table(ReferenceApp::kAppSpace, route.substr(5));
  } else if (route == "/faults") {
    if (method == "PUT" || method == "GET" || method == "DELETE") return faults(request);
  } else if (route == "/outbox") {
    if (method == "GET") return outbox(request);
  } else if (route == "/identity") {
    if (method == "GET" && convex_) return identity(request);
  } else if (route == "/clock") {
    if (method == "PUT" && config_.enable_clock) return clock(request);
  }
  return not_supported(request, route);
}

Json Bridge::capabilities() const {
  const AuthOptions& options = auth_.options();
  Json caps = Json::object();
  caps["protocol"] = 1;
  caps["implementation"] = Json{{"name", "authref"}, {"version", authref_version()}};
  caps["basePath"] = options.base_path;
  caps["siteUrl"] = options.site_url;
  caps["dates"] = options.dates == DatesMode::kIso ? "iso" : "epoch-ms";
  if (convex_) {
    caps["jwt"] = Json{{"alg", options.jwt_algorithm == JwtAlgorithm::kEdDsa ? "EdDSA" : "RS256"},
                       {"issuer", options.base_url},
                       {"audience", "convex"},
                       {"expiresIn", options.jwt_expiration_s}};
  }
  caps["plugins"] = auth_.plugin_ids();
  caps["config"] =
      Json{{"emailAndPassword", true},
           {"emailVerification", true},
           {"requireEmailVerification", options.require_email_verification},
           {"deleteUser", options.delete_user},
           {"changeEmail", options.change_email},
           {"rateLimit", options.rate_limit},
           {"revokeSessionsOnPasswordReset", options.revoke_sessions_on_password_reset},
           {"cors", to_string(options.cors)}};
  caps["features"] = Json{{"adapter", true},
                          {"tables", true},
                          {"triggers", true},
                          {"faults", true},
                          {"outbox", true},
                          {"identity", convex_ != nullptr},
                          {"reset", config_.allow_reset},
                          {"clock", config_.enable_clock},
                          {"triggerEffects", true}};
  caps["appUsers"] = ReferenceApp::app_users_description();
  return caps;
}

HttpResponse Bridge::reset(const HttpRequest& request) {
  if (!config_.allow_reset) {
    return bridge_error(403, "RESET_DISABLED",
                        "this target was not started for destructive testing (--allow-reset)");
  }
  bool keep_keys = true;
  if (!is_blank(request.body)) {
    auto body = parse_request_json(request.body);
    if (!body || !body->is_object()) {
      return bridge_error(400, "BAD_REQUEST", "the body must be a JSON object or empty");
    }
    if (auto keep = body->find("keepKeys"); keep != body->end()) {
      if (!keep->is_boolean())
        return bridge_error(400, "BAD_REQUEST", "keepKeys must be a boolean");
      keep_keys = keep->get<bool>();
    }
  }
  app_.reset(keep_keys);
  auth_.rate_limiter().reset();
  return bridge_json(200, Json{{"ok", true}});
}

HttpResponse Bridge::adapter(const HttpRequest& request, std::string_view function) {
  const auto fn = component_function_named(function);
  if (!fn) return not_supported(request, "/adapter/" + std::string(function));
  auto args = parse_request_json(request.body);
  if (!args) return bridge_error(400, "BAD_REQUEST", "the body is not JSON");
  // The component validates the arguments itself: a wrong shape is a
  // thrown validator error, as the real function answers it.
  ComponentResult result = app_.component().call(*fn, *args);
  Json body = Json::object();
  if (result) {
    body["value"] = std::move(*result);
  } else {
    body["thrown"] = result.error().detail;
  }
  return bridge_json(200, body);
}

HttpResponse Bridge::table(std::string_view space, std::string_view name) {
  const Schema* schema = app_.database().schema(space);
  if (!schema || !schema->table(name)) {
    return bridge_error(404, "UNKNOWN_TABLE",
                        "no table \"" + std::string(name) + "\" in the " + std::string(space));
  }
  Json body = Json::object();
  body["documents"] = app_.database().documents(space, name);
  return bridge_json(200, body);
}

HttpResponse Bridge::faults(const HttpRequest& request) {
  Faults& faults = app_.faults();
  if (request.method == "GET") return bridge_json(200, faults.list());
  if (request.method == "DELETE") return bridge_json(200, faults.clear());
  auto body = parse_request_json(request.body);
  if (!body) return bridge_error(400, "BAD_REQUEST", "the body is not JSON");
  auto replaced = faults.replace(*body);
  if (!replaced) {
    return bridge_error(
        400, "BAD_REQUEST",
        std::string(to_string(replaced.error().code)) +
            (replaced.error().detail.empty() ? "" : ": " + replaced.error().detail));
  }
  return bridge_json(200, *replaced);
}

HttpResponse Bridge::outbox(const HttpRequest& request) {
  std::optional<std::string> to;
  std::optional<OutboxKind> kind;
  // An empty value filters nothing (`?to=&kind=` is the unfiltered list).
  for (auto& [name, value] : parse_form_urlencoded(request.query())) {
    if (value.empty()) continue;
    if (name == "to") {
      to = value;
    } else if (name == "kind") {
      kind = outbox_kind_named(value);
      if (!kind) return bridge_error(400, "BAD_REQUEST", "unknown outbox kind \"" + value + "\"");
    }
  }
  return bridge_json(200, app_.outbox().list(to, kind));
}

HttpResponse Bridge::identity(const HttpRequest& request) {
  // An HTTP action sees the token of `Authorization: Bearer <JWT>`; without
  // one, ctx.auth.getUserIdentity() is null and so is the auth user.
  std::string token;
  if (auto header = request.headers.get("authorization")) {
    if (header->size() > 7 && iequals(header->substr(0, 7), "bearer ")) {
      std::string_view rest = header->substr(7);
      const auto first = rest.find_first_not_of(' ');
      const auto last = rest.find_last_not_of(' ');
      if (first != std::string_view::npos) token = rest.substr(first, last - first + 1);
    }
  }
  if (token.empty()) return bridge_json(200, Json{{"identity", nullptr}, {"authUser", nullptr}});
  return bridge_json(200, convex_->identity(token));
}

HttpResponse Bridge::clock(const HttpRequest& request) {
  auto body = parse_request_json(request.body);
  if (!body || !body->is_object()) {
    return bridge_error(400, "BAD_REQUEST", "the body must be {\"offsetMs\": <whole number>}");
  }
  auto offset = body->find("offsetMs");
  std::optional<std::int64_t> ms = offset == body->end() ? std::nullopt : whole_ms(*offset);
  if (!ms) return bridge_error(400, "BAD_REQUEST", "offsetMs must be a whole number of ms");
  clock_.set_offset_ms(*ms);
  return bridge_json(200, Json{{"ok", true}, {"offsetMs", *ms}});
}

}  // namespace authref::http
