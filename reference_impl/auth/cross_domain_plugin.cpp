#include "auth/cross_domain_plugin.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "auth/adapter.h"
#include "auth/api_error.h"
#include "auth/routes.h"
#include "auth/sessions.h"
#include "authconf/origin.h"

namespace authref {
namespace {

bool is_expo_native(const EndpointContext& ctx) { return ctx.raw.headers.has("expo-origin"); }

// A hook that returns `{context: ctx}` hands back ctx.headers, the request's
// own headers, and dispatch sets each of them on the headers the earlier
// hooks built: any header the request carried reverts to what it carried
// (a cookie injected by bearer or by hook 1 is undone when the request had
// a Cookie header of its own).
void restore_request_headers(EndpointContext& ctx) {
  std::vector<std::string> names;
  for (const auto& field : ctx.raw.headers.fields()) {
    const std::string name = http::to_lower_ascii(field.name);
    if (std::ranges::find(names, name) == names.end()) names.push_back(name);
  }
  for (const std::string& name : names) {
    ctx.headers.set(name, *ctx.raw.headers.fetch_get(name));
  }
  ctx.reparse_cookies();
}

bool js_truthy(const Json& value) {
  if (value.is_null()) return false;
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_number()) {
    const double number = value.get<double>();
    return number != 0 && !std::isnan(number);
  }
  if (value.is_string()) return !value.get_ref<const std::string&>().empty();
  return true;  // arrays and objects
}

// rewriteCallbackURL: falsy and non-relative values unchanged; a value
// without startsWith (a number, an array from a repeated query key) throws
// a TypeError, which better-call answers with a 500.
Json rewrite_callback_url(const Json& value, const std::string& site_url) {
  if (!js_truthy(value)) return value;
  if (!value.is_string()) throw std::runtime_error("callbackURL.startsWith is not a function");
  const std::string& url = value.get_ref<const std::string&>();
  if (!url.starts_with('/')) return value;
  auto absolute = absolute_callback_url(url, site_url);
  if (!absolute) throw std::runtime_error("TypeError: Invalid URL");
  return *absolute;
}

bool in_set(unsigned char c, std::string_view extra) {
  return c < 0x20 || c >= 0x7F || extra.find(static_cast<char>(c)) != std::string_view::npos;
}

std::string percent_encode(std::string_view text, std::string_view extra) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (in_set(c, extra)) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else {
      out += ch;
    }
  }
  return out;
}

// The URL Standard's percent-encode sets (as Node 20 applies them).
constexpr std::string_view kPathSet = " \"#<>?`{}";
constexpr std::string_view kSpecialQuerySet = " \"#<>'";
constexpr std::string_view kFragmentSet = " \"<>`";
constexpr std::string_view kUserinfoSet = " \"#<>?`{}/:;=@[\\]^|";

bool iequals_ascii(std::string_view a, std::string_view b) { return http::iequals(a, b); }
bool single_dot(std::string_view s) { return s == "." || iequals_ascii(s, "%2e"); }
bool double_dot(std::string_view s) {
  return s == ".." || iequals_ascii(s, ".%2e") || iequals_ascii(s, "%2e.") ||
         iequals_ascii(s, "%2e%2e");
}

// The path, query and fragment of a special URL, from a string that starts
// at the path (or is empty).
std::string serialize_path_query_fragment(std::string_view rest) {
  const std::size_t path_end = rest.find_first_of("?#");
  std::string path(rest.substr(0, path_end));
  for (char& c : path) {
    if (c == '\\') c = '/';
  }
  std::vector<std::string> segments;
  // The path starts with '/' (or is empty, which a special URL serialises
  // as "/").
  std::vector<std::string_view> raw;
  std::string_view remaining = path.empty() ? std::string_view("/") : std::string_view(path);
  remaining.remove_prefix(1);
  while (true) {
    const std::size_t slash = remaining.find('/');
    raw.push_back(remaining.substr(0, slash));
    if (slash == std::string_view::npos) break;
    remaining.remove_prefix(slash + 1);
  }
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const bool last = i + 1 == raw.size();
    if (double_dot(raw[i])) {
      if (!segments.empty()) segments.pop_back();
      if (last) segments.emplace_back();
    } else if (single_dot(raw[i])) {
      if (last) segments.emplace_back();
    } else {
      segments.push_back(percent_encode(raw[i], kPathSet));
    }
  }
  std::string out;
  for (const std::string& segment : segments) out += "/" + segment;
  if (segments.empty()) out = "/";
  if (path_end == std::string_view::npos) return out;
  std::string_view tail = rest.substr(path_end);
  if (tail.front() == '?') {
    const std::size_t hash = tail.find('#');
    out += "?" + percent_encode(tail.substr(1, hash == std::string_view::npos ? hash : hash - 1),
                                kSpecialQuerySet);
    if (hash == std::string_view::npos) return out;
    tail = tail.substr(hash);
  }
  out += "#" + percent_encode(tail.substr(1), kFragmentSet);
  return out;
}

}  // namespace

std::optional<std::string> absolute_callback_url(std::string_view path, std::string_view site_url) {
  // Leading and trailing C0 controls and spaces go, then every tab and newline.
  while (!path.empty() && static_cast<unsigned char>(path.front()) <= 0x20) path.remove_prefix(1);
  while (!path.empty() && static_cast<unsigned char>(path.back()) <= 0x20) path.remove_suffix(1);
  std::string input;
  for (char c : path) {
    if (c != '\t' && c != '\n' && c != '\r') input += c;
  }
  auto site = authconf::parse_url(site_url);
  if (!site) return std::nullopt;
  const auto is_slash = [](char c) { return c == '/' || c == '\\'; };
  if (input.size() >= 2 && is_slash(input[0]) && is_slash(input[1])) {
    // Scheme-relative: special authority ignore slashes, then the authority.
    std::size_t start = 0;
    while (start < input.size() && is_slash(input[start])) ++start;
    std::size_t end = input.find_first_of("/\\?#", start);
    if (end == std::string::npos) end = input.size();
    const std::string authority = input.substr(start, end - start);
    auto parts = authconf::parse_url(site->protocol + "//" + authority + "/");
    if (!parts) return std::nullopt;
    std::string userinfo;
    if (const std::size_t at = authority.rfind('@'); at != std::string::npos) {
      const std::string credentials = authority.substr(0, at);
      const std::size_t colon = credentials.find(':');
      const std::string user = percent_encode(credentials.substr(0, colon), kUserinfoSet);
      const std::string password =
          colon == std::string::npos ? ""
                                     : percent_encode(credentials.substr(colon + 1), kUserinfoSet);
      if (!user.empty() || !password.empty()) {
        userinfo = user + (password.empty() ? "" : ":" + password) + "@";
      }
    }
    return site->protocol + "//" + userinfo + parts->host +
           serialize_path_query_fragment(std::string_view(input).substr(end));
  }
  return site->protocol + "//" + site->host + serialize_path_query_fragment(input);
}

std::vector<Route> CrossDomainPlugin::routes() {
  std::vector<Route> routes;
  routes.push_back({.method = "POST",
                    .path = "/cross-domain/one-time-token/verify",
                    .handler = [this](EndpointContext& ctx) { verify_one_time_token(ctx); },
                    .body_schema = ObjectSchema{.fields = {{"token", ZodType::kString}}}});
  return routes;
}

void CrossDomainPlugin::verify_one_time_token(EndpointContext& ctx) {
  // oneTimeToken's verify, called as a function (its own cookies are not
  // returned), then setSessionCookie on this endpoint's response.
  const std::string& token = ctx.body.at("token").get_ref<const std::string&>();
  auto consumed = services_.adapter.consume_verification_value("one-time-token:" + token,
                                                               services_.sessions.now_ms());
  if (!consumed) throw ApiError::message_only(400, "Invalid token");
  const Json* value = consumed->contains("value") ? &consumed->at("value") : nullptr;
  std::optional<SessionAndUser> found;
  if (value && value->is_string()) found = services_.sessions.find(value->get<std::string>());
  if (!found) throw ApiError::message_only(400, "Session not found");
  if (found->session.at("expiresAt").get<double>() <
      static_cast<double>(services_.sessions.now_ms())) {
    throw ApiError::message_only(400, "Session expired");
  }
  services_.sessions.set_session_cookie(ctx, *found);
  ctx.json_body = Json{{"session", session_output(services_, found->session)},
                       {"user", user_output(services_, found->user)}};
}

void CrossDomainPlugin::before(EndpointContext& ctx) {
  if (is_expo_native(ctx)) return;
  const std::string& site_url = services_.options.site_url;
  // Hook 1: Better-Auth-Cookie joins the request's cookies, unless the
  // request authenticates with Authorization (bearer's turn).
  if (ctx.raw.headers.has("better-auth-cookie")) {
    const std::string authorization = ctx.raw.headers.fetch_get("authorization").value_or("");
    const std::string cookie = ctx.raw.headers.fetch_get("better-auth-cookie").value_or("");
    if (authorization.empty() && !cookie.empty()) {
      // headers.append("cookie", value): "; " after an existing Cookie.
      auto existing = ctx.raw.headers.fetch_get("cookie");
      ctx.headers.set("cookie", existing ? *existing + "; " + cookie : cookie);
      ctx.reparse_cookies();
    }
  }
  // Hook 2: GET /verify-email's relative callbackURL made absolute.
  if (ctx.method == "GET" && ctx.path.starts_with("/verify-email")) {
    if (const Json* callback = ctx.query_field("callbackURL"); callback && js_truthy(*callback)) {
      ctx.query["callbackURL"] = rewrite_callback_url(*callback, site_url);
    }
    restore_request_headers(ctx);
  }
  // Hook 3: every POST. Redirecting routes default callbackURL to the site;
  // relative callback URLs become absolute.
  if (ctx.method == "POST") {
    if (ctx.has_body && ctx.body.is_object()) {
      Json& body = ctx.body;
      const bool redirecting = ctx.path.starts_with("/sign-in/social") ||
                               ctx.path.starts_with("/sign-in/oauth2") ||
                               ctx.path.starts_with("/sign-in/magic-link") ||
                               ctx.path.starts_with("/send-verification-email");
      if (redirecting && !(body.contains("callbackURL") && js_truthy(body["callbackURL"]))) {
        body["callbackURL"] = site_url;
      }
      for (const char* key : {"callbackURL", "newUserCallbackURL", "errorCallbackURL"}) {
        if (body.contains(key) && js_truthy(body[key])) {
          body[key] = rewrite_callback_url(body[key], site_url);
        }
      }
    }
    restore_request_headers(ctx);
  }
}

void CrossDomainPlugin::after(EndpointContext& ctx) {
  // After hook 1: every Set-Cookie moves into one Set-Better-Auth-Cookie
  // (Headers.get("set-cookie") joins them with ", ").
  if (ctx.raw.headers.has("better-auth-cookie") && !is_expo_native(ctx)) {
    auto set_cookies = ctx.response_headers.get_all("set-cookie");
    if (!set_cookies.empty()) {
      std::string moved;
      for (std::string_view cookie : set_cookies) {
        if (!moved.empty()) moved += ", ";
        moved += cookie;
      }
      ctx.response_headers.remove("set-cookie");
      ctx.response_headers.set("set-better-auth-cookie", std::move(moved));
    }
  }
  // After hook 2 (a one-time token appended as ?ott= to the redirect of
  // /callback*, /oauth2/callback* and /magic-link/verify*) never acts in the
  // reference: it needs ctx.context.newSession, and /callback/:id (no social
  // provider is configured) only ever redirects to the error page; there is
  // no magic-link endpoint.
}

}  // namespace authref
