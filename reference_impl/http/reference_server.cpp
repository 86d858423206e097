#include "http/reference_server.h"

#include <authconf/origin.h>

#include <algorithm>
#include <mutex>
#include <vector>

#include "app/reference_app.h"
#include "auth/auth_service.h"
#include "auth/cross_domain_plugin.h"
#include "auth/password_hasher.h"
#include "convex/convex_plugin.h"
#include "http/bridge.h"
#include "http/cors.h"
#include "http/listener.h"
#include "store/clock.h"

namespace authref {
namespace {

using http::HttpRequest;
using http::HttpResponse;

constexpr std::string_view kRootDiscovery = "/.well-known/openid-configuration";

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
int hex_value(char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }

// The WHATWG URL path percent-encode set, which `new URL()` applies to a
// path: C0 controls, space, " # < > ? ` { } and every non-ASCII byte. ('#'
// and '?' cannot reach here: the target's query was split off first.)
bool needs_percent_encoding(unsigned char c) {
  return c <= 0x20 || c >= 0x7F || c == '"' || c == '<' || c == '>' || c == '`' || c == '{' ||
         c == '}';
}

bool is_single_dot(std::string_view segment) {
  return segment == "." || (segment.size() == 3 && segment[0] == '%' && segment[1] == '2' &&
                            (segment[2] | 0x20) == 'e');
}
bool is_double_dot(std::string_view segment) {
  std::string lower(segment);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return lower == ".." || lower == ".%2e" || lower == "%2e." || lower == "%2e%2e";
}

}  // namespace

// `new URL("http://host" + target).pathname` for an origin-form target: what
// a fetch Request's url holds in every real deployment (Node builds it with
// new URL; Convex's runtime likewise), so "/api/./auth/ok" and
// "/api/x/../auth/ok" reach Better Auth as "/api/auth/ok". Backslashes are
// slashes (http is a special scheme), "." and ".." segments (also spelled
// with %2e) are resolved, and the path percent-encode set is escaped.
std::string url_pathname(std::string_view path) {
  // The usual path ("/api/auth/get-session") has nothing to resolve.
  const bool plain = path.starts_with('/') && std::ranges::none_of(path, [](char c) {
                       return c == '.' || c == '\\' || c == '%' ||
                              needs_percent_encoding(static_cast<unsigned char>(c));
                     });
  if (plain) return std::string(path);
  std::vector<std::string> segments;
  std::string buffer;
  // Skip the leading slash; the path state starts after it.
  std::size_t i = (!path.empty() && (path[0] == '/' || path[0] == '\\')) ? 1 : 0;
  for (;; ++i) {
    const bool at_end = i >= path.size();
    const char c = at_end ? '\0' : path[i];
    if (at_end || c == '/' || c == '\\') {
      if (is_double_dot(buffer)) {
        if (!segments.empty()) segments.pop_back();
        if (at_end) segments.emplace_back();
      } else if (is_single_dot(buffer)) {
        if (at_end) segments.emplace_back();
      } else {
        segments.push_back(std::move(buffer));
      }
      buffer.clear();
      if (at_end) break;
      continue;
    }
    // The URL parser drops every ASCII tab and newline before parsing.
    if (c == '\t' || c == '\n' || c == '\r') continue;
    const auto byte = static_cast<unsigned char>(c);
    if (needs_percent_encoding(byte)) {
      static constexpr char kHex[] = "0123456789ABCDEF";
      buffer += '%';
      buffer += kHex[byte >> 4];
      buffer += kHex[byte & 15];
    } else {
      buffer += c;
    }
  }
  std::string out;
  for (const std::string& segment : segments) out += "/" + segment;
  return out.empty() ? "/" : out;
}

// The path Hono routes on (hono dist/utils/url.js getPath): decodeURI of
// each run of %XX escapes that is valid UTF-8, leaving the escapes of the
// characters decodeURI keeps (; / ? : @ & = + $ , #) and of "%" itself
// (getPath turns %25 into %2525 first) as they were.
std::string hono_routing_path(std::string_view path) {
  if (path.find('%') == std::string_view::npos) return std::string(path);
  std::string out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] != '%' || i + 2 >= path.size() || !is_hex(path[i + 1]) || !is_hex(path[i + 2])) {
      out += path[i++];
      continue;
    }
    // One maximal run of escapes.
    std::size_t end = i;
    std::string bytes;
    while (end + 2 < path.size() && path[end] == '%' && is_hex(path[end + 1]) &&
           is_hex(path[end + 2])) {
      bytes += static_cast<char>(hex_value(path[end + 1]) * 16 + hex_value(path[end + 2]));
      end += 3;
    }
    const std::string_view run = path.substr(i, end - i);
    if (http::decode_utf8_lossy(bytes) != bytes) {
      out += run;  // decodeURI throws URIError: tryDecode keeps the run
    } else {
      for (std::size_t k = 0; k < bytes.size(); ++k) {
        static constexpr std::string_view kKept = ";/?:@&=+$,#%";
        if (kKept.find(bytes[k]) != std::string_view::npos) {
          out += run.substr(k * 3, 3);
        } else {
          out += bytes[k];
        }
      }
    }
    i = end;
  }
  return out;
}

namespace {

// Hono's notFound handler: c.text("404 Not Found", 404). With no middleware
// on the path it reaches the wire as @hono/node-server writes a plain
// response ("Content-Type"); under the CORS middleware it went through a
// fetch Headers object (lower case).
HttpResponse hono_not_found(bool through_middleware) {
  HttpResponse response;
  response.status = 404;
  response.headers.add(through_middleware ? "content-type" : "Content-Type",
                       "text/plain; charset=UTF-8");
  response.body = "404 Not Found";
  return response;
}

// Convex's HttpRouter.runRequest when no route matches.
HttpResponse convex_not_found(std::string_view pathname) {
  HttpResponse response;
  response.status = 404;
  response.headers.add("content-type", "text/plain;charset=UTF-8");
  response.body = "No HttpAction routed for " + std::string(pathname);
  return response;
}

// registerRoutes' restoreOriginalForwardedHeaders: the nextjs / react-start
// proxy helpers send the original host and protocol under these names.
// nullopt when there is nothing to restore (the request goes as it is).
std::optional<HttpRequest> restore_forwarded_headers(const HttpRequest& request) {
  auto host = request.headers.get("x-better-auth-forwarded-host");
  auto proto = request.headers.get("x-better-auth-forwarded-proto");
  if ((!host || host->empty()) && (!proto || proto->empty())) return std::nullopt;
  HttpRequest copy = request;
  if (host && !host->empty()) copy.headers.set("x-forwarded-host", std::string(*host));
  if (proto && !proto->empty()) copy.headers.set("x-forwarded-proto", std::string(*proto));
  return copy;
}

bool is_http_url(std::string_view url) {
  auto parts = authconf::parse_url(url);
  return parts && (parts->protocol == "http:" || parts->protocol == "https:");
}

// How a URL names the bound host: a wildcard address is reached on loopback.
std::string url_host(const std::string& host) {
  if (host.empty() || host == "0.0.0.0") return "127.0.0.1";
  if (host == "::") return "[::1]";
  if (host.find(':') != std::string::npos && !host.starts_with('[')) return "[" + host + "]";
  return host;
}

}  // namespace

std::string_view to_string(ServerError error) {
  switch (error) {
    case ServerError::kBindFailed:
      return "bind-failed";
    case ServerError::kBadOption:
      return "bad-option";
  }
  return "unknown";
}

struct ReferenceServer::Impl {
  ServerOptions options;
  std::unique_ptr<Clock> own_clock;
  Clock* clock = nullptr;
  std::unique_ptr<ReferenceApp> app;
  std::unique_ptr<PasswordHasher> hasher;

  std::once_flag built;
  std::unique_ptr<AuthService> auth;
  ConvexPlugin* convex = nullptr;
  std::optional<http::Cors> cors;
  std::unique_ptr<http::Bridge> bridge;

  std::mutex start_mutex;
  std::string url;
  std::unique_ptr<http::Listener> listener;  // last: stopped and destroyed first

  void build(const std::string& base_url);
  void ensure_built();
  HttpResponse route(const HttpRequest& request);
  HttpResponse route_hono(const HttpRequest& request, const std::string& path);
  HttpResponse route_convex(const HttpRequest& request, const std::string& path);
  HttpResponse redirect_to_discovery() const;
};

// The services copy AuthOptions when they are made, so they are made once
// the base URL is known: at start() after binding, or at the first
// handle() / app() / auth() call without a socket.
void ReferenceServer::Impl::build(const std::string& base_url) {
  AuthOptions auth_options = options.auth;
  if (auth_options.base_url.empty()) auth_options.base_url = base_url;
  auth = std::make_unique<AuthService>(auth_options, *app, *hasher);
  auto convex_plugin = std::make_unique<ConvexPlugin>(auth->services());
  convex = convex_plugin.get();
  auth->services().convex = convex;
  auth->add_plugin(std::move(convex_plugin));
  if (auth_options.cross_domain) {
    auth->add_plugin(std::make_unique<CrossDomainPlugin>(auth->services()));
  }
  cors = http::Cors::for_options(auth->options());
  if (options.conformance_key && !options.conformance_key->empty()) {
    bridge =
        std::make_unique<http::Bridge>(http::Bridge::Config{.key = *options.conformance_key,
                                                            .allow_reset = options.allow_reset,
                                                            .enable_clock = options.enable_clock},
                                       *app, *auth, convex, *clock);
  }
}

void ReferenceServer::Impl::ensure_built() {
  std::call_once(built, [this] {
    // No socket: the port asked for, or the transcripts' 8787.
    const int port = options.port != 0 ? options.port : 8787;
    build("http://" + url_host(options.host) + ":" + std::to_string(port));
  });
}

HttpResponse ReferenceServer::Impl::redirect_to_discovery() const {
  // registerRoutes: Response.redirect(`${CONVEX_SITE_URL}${path}/convex/...`),
  // absolute, no body, outside CORS (transcript §1).
  const AuthOptions& auth_options = auth->options();
  HttpResponse response;
  response.status = 302;
  response.headers.add("location", auth_options.base_url + auth_options.base_path +
                                       "/convex/.well-known/openid-configuration");
  return response;
}

HttpResponse ReferenceServer::Impl::route(const HttpRequest& request) {
  const std::string_view raw_path = request.path();
  std::string path = url_pathname(raw_path);
  if (path == raw_path) {
    return cors->flavour() == CorsFlavour::kHono ? route_hono(request, path)
                                                 : route_convex(request, path);
  }
  HttpRequest normalized = request;
  const std::string_view query = request.query();
  normalized.target = path;
  if (request.target.find('?') != std::string::npos) {
    normalized.target += "?" + std::string(query);
  }
  return cors->flavour() == CorsFlavour::kHono ? route_hono(normalized, path)
                                               : route_convex(normalized, path);
}

// The seed's Hono app: app.use(basePath/*, cors(...)), app.get(root
// discovery), app.on(["POST", "GET"], basePath/*, auth.handler), and
// Hono's notFound for everything else. Hono answers HEAD with the GET
// route's response minus its body.
HttpResponse ReferenceServer::Impl::route_hono(const HttpRequest& request,
                                               const std::string& path) {
  const std::string routing = hono_routing_path(path);
  const std::string& base_path = auth->options().base_path;
  const std::string& method = request.method;
  const bool head = method == "HEAD";
  // "/api/auth/*" matches "/api/auth" itself too.
  if (routing == base_path || routing.starts_with(base_path + "/")) {
    if (method == "OPTIONS") return *cors->preflight(request);
    HttpResponse response = (method == "GET" || method == "POST" || head) ? auth->handle(request)
                                                                          : hono_not_found(true);
    cors->decorate(request, response);
    if (head) response.body.clear();
    return response;
  }
  if (routing == kRootDiscovery && (method == "GET" || head)) return redirect_to_discovery();
  if (bridge && http::Bridge::owns(routing)) return bridge->handle(request, routing);
  return hono_not_found(false);
}

// registerRoutes on Convex's HttpRouter (cors: true adds corsRouter's
// OPTIONS route and headers): exact GET root discovery, GET and POST on
// the "<basePath>/" prefix (HEAD is looked up as GET), and Convex's own
// 404 for everything else, "/api/auth" itself included.
HttpResponse ReferenceServer::Impl::route_convex(const HttpRequest& request,
                                                 const std::string& path) {
  const std::string& base_path = auth->options().base_path;
  const std::string& method = request.method;
  const bool head = method == "HEAD";
  if (path == kRootDiscovery && (method == "GET" || head)) return redirect_to_discovery();
  if (path.starts_with(base_path + "/")) {
    if (method == "GET" || method == "POST" || head) {
      const auto restored = restore_forwarded_headers(request);
      HttpResponse response = auth->handle(restored ? *restored : request);
      if (cors->flavour() == CorsFlavour::kConvex) {
        cors->decorate(request, response);
      } else {
        http::sort_like_fetch_headers(response.headers);
      }
      if (head) response.body.clear();
      return response;
    }
    if (method == "OPTIONS" && cors->flavour() == CorsFlavour::kConvex) {
      return *cors->preflight(request);
    }
  }
  if (bridge && http::Bridge::owns(path)) return bridge->handle(request, path);
  return convex_not_found(path);
}

ReferenceServer::ReferenceServer(ServerOptions options, Clock* clock)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  if (clock) {
    impl_->clock = clock;
  } else {
    impl_->own_clock = std::make_unique<Clock>();
    impl_->clock = impl_->own_clock.get();
  }
  impl_->app = std::make_unique<ReferenceApp>(
      *impl_->clock,
      ReferenceApp::Options{
          .id_seed = impl_->options.id_seed, .warn = nullptr, .component_schema = std::nullopt});
  impl_->hasher = std::make_unique<PasswordHasher>(impl_->options.hash_workers);
}

ReferenceServer::~ReferenceServer() {
  // No request may run while the services go away.
  if (impl_->listener) impl_->listener->stop();
}

HttpResponse ReferenceServer::handle(const HttpRequest& request) {
  impl_->ensure_built();
  return impl_->route(request);
}

authconf::Result<int, ServerError> ReferenceServer::start() {
  std::lock_guard lock(impl_->start_mutex);
  const ServerOptions& options = impl_->options;
  if (impl_->listener) {
    return authconf::fail(ServerError::kBadOption, "the server was started already");
  }
  if (!options.auth.base_url.empty() && !is_http_url(options.auth.base_url)) {
    return authconf::fail(ServerError::kBadOption,
                          "the base URL is not an http(s) URL: " + options.auth.base_url);
  }
  if (!is_http_url(options.auth.site_url)) {
    return authconf::fail(ServerError::kBadOption,
                          "the site URL is not an http(s) URL: " + options.auth.site_url);
  }
  if (!options.auth.base_path.starts_with('/') || options.auth.base_path.ends_with('/')) {
    return authconf::fail(
        ServerError::kBadOption,
        "the base path must start with '/' and not end with one: " + options.auth.base_path);
  }
  if (options.conformance_key && options.conformance_key->empty()) {
    return authconf::fail(ServerError::kBadOption, "the conformance key is empty");
  }
  if (options.port < 0 || options.port > 65535) {
    return authconf::fail(ServerError::kBadOption,
                          "the port is out of range: " + std::to_string(options.port));
  }
  impl_->listener = std::make_unique<http::Listener>(
      http::ListenerOptions{.host = options.host,
                            .port = options.port,
                            .threads = options.threads,
                            .payload_max_bytes = http::kDefaultPayloadMaxBytes,
                            .keep_alive_max_count = 1'000'000,
                            .keep_alive_timeout_s = 5,
                            .log = options.log,
                            // Only POSTs hash passwords or wait for a mail
                            // floor; reads are answered on the event loop.
                            .runs_inline =
                                [](const HttpRequest& request) {
                                  return request.method == "GET" || request.method == "HEAD" ||
                                         request.method == "OPTIONS";
                                }},
      [this](const HttpRequest& request) { return handle(request); });
  auto bound = impl_->listener->bind();
  if (!bound) {
    impl_->listener.reset();
    return authconf::fail(ServerError::kBindFailed, bound.error().detail);
  }
  impl_->url = "http://" + url_host(options.host) + ":" + std::to_string(*bound);
  std::call_once(impl_->built, [this] { impl_->build(impl_->url); });
  // handle() or auth() before start() built the services with a guessed
  // base URL; the JWT issuer and discovery document would name a port
  // nobody listens on.
  if (options.auth.base_url.empty() && impl_->auth->options().base_url != impl_->url) {
    impl_->listener.reset();
    return authconf::fail(ServerError::kBadOption,
                          "the server was used before start() without --base-url; its base URL " +
                              impl_->auth->options().base_url + " is not " + impl_->url);
  }
  auto served = impl_->listener->serve();
  if (!served) return authconf::fail(ServerError::kBindFailed, served.error().detail);
  return *bound;
}

void ReferenceServer::stop() {
  if (impl_->listener) impl_->listener->stop();
}

std::string ReferenceServer::url() const { return impl_->url; }

const ServerOptions& ReferenceServer::options() const { return impl_->options; }

ReferenceApp& ReferenceServer::app() { return *impl_->app; }

AuthService& ReferenceServer::auth() {
  impl_->ensure_built();
  return *impl_->auth;
}

}  // namespace authref
