// POST /request-password-reset, GET /reset-password/:token and
// POST /reset-password, as better-auth 1.6.34 ships them
// (dist/api/routes/password.mjs; spec/better-auth-wire.md §2.13-2.15, §6).
//
// Each internalAdapter step below is spelled out as the component calls the
// Convex adapter makes for it (transaction: false, no native consumeOne and
// no joins), so a fault between two of them leaves what a real deployment
// would leave.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "app/reference_app.h"
#include "auth/adapter.h"
#include "auth/api_error.h"
#include "auth/password_hasher.h"
#include "auth/random_id.h"
#include "auth/routes.h"
#include "auth/sessions.h"
#include "authconf/encoding.h"
#include "authconf/origin.h"

namespace authref {
namespace {

// ---------------------------------------------------------------------------
// `new URL(input, base)`, then `url.searchParams.set(name, value)`, then
// `url.href`: what redirectCallback and redirectError build. The WHATWG URL
// parser is followed for special schemes (http, https, ws, wss, ftp): input
// trimming, same-scheme relative URLs ("http:x" against an http base), "\"
// as "/", dot segments, the path, userinfo and fragment percent-encode sets;
// the host comes from authconf::parse_url. The query is re-serialised by
// URLSearchParams, so only its decoded pairs matter. Other schemes (an app's
// "myapp://cb" callback) keep their text and only get the query rewritten.

bool is_special_scheme(std::string_view scheme) {
  return scheme == "http" || scheme == "https" || scheme == "ws" || scheme == "wss" ||
         scheme == "ftp";
}

void percent_encode_byte(std::string& out, unsigned char byte) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  out += '%';
  out += kHex[byte >> 4];
  out += kHex[byte & 0xF];
}

// C0 controls and everything above '~'.
bool in_c0_set(unsigned char c) { return c < 0x20 || c > 0x7E; }
bool in_fragment_set(unsigned char c) {
  return in_c0_set(c) || c == ' ' || c == '"' || c == '<' || c == '>' || c == '`';
}
bool in_path_set(unsigned char c) {
  return in_fragment_set(c) || c == '#' || c == '?' || c == '{' || c == '}';
}
bool in_userinfo_set(unsigned char c) {
  return in_path_set(c) || c == '/' || c == ':' || c == ';' || c == '=' || c == '@' ||
         (c >= '[' && c <= '^') || c == '|';
}

template <class InSet>
std::string encode_set(std::string_view text, InSet in_set) {
  std::string out;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (in_set(c)) {
      percent_encode_byte(out, c);
    } else {
      out += ch;
    }
  }
  return out;
}

// The application/x-www-form-urlencoded serializer of URLSearchParams.
std::string form_encode(std::string_view text) {
  std::string out;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '*' ||
        c == '-' || c == '.' || c == '_') {
      out += ch;
    } else if (c == ' ') {
      out += '+';
    } else {
      percent_encode_byte(out, c);
    }
  }
  return out;
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_single_dot(std::string_view segment) {
  return segment == "." || ascii_lower(segment) == "%2e";
}
bool is_double_dot(std::string_view segment) {
  const std::string s = ascii_lower(segment);
  return s == ".." || s == ".%2e" || s == "%2e." || s == "%2e%2e";
}

struct ParsedUrl {
  std::string scheme;
  std::string userinfo;  // "user:pass@" or ""
  std::string host;      // serialised host with a non-default port
  std::vector<std::string> path;
  std::optional<std::string> query;
  std::optional<std::string> fragment;
};

// The path state: `input` up to '?' or '#' appended to `path`.
void parse_path(std::string_view input, std::vector<std::string>& path) {
  std::string buffer;
  const auto flush = [&](bool at_slash) {
    if (is_double_dot(buffer)) {
      if (!path.empty()) path.pop_back();
      if (!at_slash) path.emplace_back();
    } else if (is_single_dot(buffer)) {
      if (!at_slash) path.emplace_back();
    } else {
      path.push_back(buffer);
    }
    buffer.clear();
  };
  for (char ch : input) {
    if (ch == '/' || ch == '\\') {
      flush(true);
    } else {
      buffer += encode_set(std::string_view(&ch, 1), in_path_set);
    }
  }
  flush(false);
}

// Splits "<path>?<query>#<fragment>" and parses the path into `url`.
void parse_tail(std::string_view tail, ParsedUrl& url, bool path_from_root) {
  std::size_t hash = tail.find('#');
  if (hash != std::string_view::npos) {
    url.fragment = encode_set(tail.substr(hash + 1), in_fragment_set);
    tail = tail.substr(0, hash);
  }
  std::size_t question = tail.find('?');
  if (question != std::string_view::npos) {
    url.query = std::string(tail.substr(question + 1));
    tail = tail.substr(0, question);
  }
  // The path start state eats one leading slash.
  if (path_from_root && !tail.empty() && (tail.front() == '/' || tail.front() == '\\')) {
    tail.remove_prefix(1);
  }
  parse_path(tail, url.path);
}

// The special authority ignore slashes state onwards: `rest` starts at the
// authority (leading slashes already skipped or not).
std::optional<ParsedUrl> parse_authority_and_tail(std::string_view scheme, std::string_view rest) {
  while (!rest.empty() && (rest.front() == '/' || rest.front() == '\\')) rest.remove_prefix(1);
  const std::size_t end = rest.find_first_of("/\\?#");
  std::string_view authority = rest.substr(0, end);
  ParsedUrl url;
  url.scheme = std::string(scheme);
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const std::size_t colon = userinfo.find(':');
    // Earlier '@'s are part of the username or password (as %40).
    const std::string username = encode_set(userinfo.substr(0, colon), in_userinfo_set);
    const std::string password = colon == std::string_view::npos
                                     ? std::string()
                                     : encode_set(userinfo.substr(colon + 1), in_userinfo_set);
    if (!username.empty() || !password.empty()) {
      url.userinfo = username + (password.empty() ? "" : ":" + password) + "@";
    }
  }
  auto parts = authconf::parse_url(std::string(scheme) + "://" + std::string(authority) + "/");
  if (!parts || parts->host.empty()) return std::nullopt;
  url.host = parts->host;
  parse_tail(end == std::string_view::npos ? std::string_view() : rest.substr(end), url, true);
  return url;
}

// The relative state against a special base.
ParsedUrl parse_relative(std::string_view input, const ParsedUrl& base, bool& failed) {
  failed = false;
  if (!input.empty() && (input.front() == '/' || input.front() == '\\')) {
    if (input.size() > 1 && (input[1] == '/' || input[1] == '\\')) {
      auto url = parse_authority_and_tail(base.scheme, input);
      if (!url) {
        failed = true;
        return {};
      }
      return *url;
    }
    ParsedUrl url{.scheme = base.scheme,
                  .userinfo = base.userinfo,
                  .host = base.host,
                  .path = {},
                  .query = std::nullopt,
                  .fragment = std::nullopt};
    parse_tail(input, url, true);
    return url;
  }
  ParsedUrl url = base;
  url.fragment.reset();
  if (input.empty()) return url;
  if (input.front() == '?') {
    // The base path stays; the query and fragment are the input's.
    std::string_view rest = input.substr(1);
    if (const std::size_t hash = rest.find('#'); hash != std::string_view::npos) {
      url.fragment = encode_set(rest.substr(hash + 1), in_fragment_set);
      rest = rest.substr(0, hash);
    }
    url.query = std::string(rest);
    return url;
  }
  if (input.front() == '#') {
    url.fragment = encode_set(input.substr(1), in_fragment_set);
    return url;
  }
  url.query.reset();
  if (!url.path.empty()) url.path.pop_back();
  parse_tail(input, url, false);
  return url;
}

// Strips leading and trailing C0 controls and spaces, and every tab and
// newline, as the URL parser does before anything else.
std::string preprocess(std::string_view input) {
  while (!input.empty() && static_cast<unsigned char>(input.front()) <= 0x20) {
    input.remove_prefix(1);
  }
  while (!input.empty() && static_cast<unsigned char>(input.back()) <= 0x20) {
    input.remove_suffix(1);
  }
  std::string out;
  for (char c : input) {
    if (c != '\t' && c != '\n' && c != '\r') out += c;
  }
  return out;
}

// "<scheme>:" at the start of `text`, lower-cased, or nullopt.
std::optional<std::string> leading_scheme(std::string_view text) {
  if (text.empty() || !std::isalpha(static_cast<unsigned char>(text[0]))) return std::nullopt;
  std::size_t i = 1;
  while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '+' ||
                             text[i] == '-' || text[i] == '.')) {
    ++i;
  }
  if (i >= text.size() || text[i] != ':') return std::nullopt;
  return ascii_lower(text.substr(0, i));
}

std::string set_search_param(const std::optional<std::string>& query, std::string_view name,
                             std::string_view value) {
  auto pairs = http::parse_form_urlencoded(query.value_or(""));
  bool found = false;
  std::vector<std::pair<std::string, std::string>> kept;
  for (auto& pair : pairs) {
    if (pair.first == name) {
      if (found) continue;  // set(): the first one takes the value, the rest go
      found = true;
      pair.second = std::string(value);
    }
    kept.push_back(std::move(pair));
  }
  if (!found) kept.emplace_back(std::string(name), std::string(value));
  return search_params(kept);
}

std::string serialize(const ParsedUrl& url, const std::string& query) {
  std::string out = url.scheme + "://" + url.userinfo + url.host;
  for (const std::string& segment : url.path) out += "/" + segment;
  if (url.path.empty()) out += "/";
  out += "?" + query;
  if (url.fragment) out += "#" + *url.fragment;
  return out;
}

}  // namespace

std::string search_params(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) out += '&';
    out += form_encode(name) + "=" + form_encode(value);
  }
  return out;
}

std::optional<std::string> url_with_search_param(std::string_view input, std::string_view base,
                                                 std::string_view name, std::string_view value) {
  const std::string text = preprocess(input);
  const std::string base_text = preprocess(base);
  auto base_scheme = leading_scheme(base_text);
  if (!base_scheme || !is_special_scheme(*base_scheme)) return std::nullopt;
  auto parsed_base = parse_authority_and_tail(
      *base_scheme, std::string_view(base_text).substr(base_scheme->size() + 1));
  if (!parsed_base) return std::nullopt;

  auto scheme = leading_scheme(text);
  std::optional<ParsedUrl> url;
  if (scheme && !is_special_scheme(*scheme)) {
    // Not a special URL: keep everything before the query, rewrite the query.
    std::string_view rest = text;
    std::optional<std::string> fragment;
    if (std::size_t hash = rest.find('#'); hash != std::string_view::npos) {
      fragment = encode_set(rest.substr(hash + 1), in_fragment_set);
      rest = rest.substr(0, hash);
    }
    std::optional<std::string> query;
    if (std::size_t question = rest.find('?'); question != std::string_view::npos) {
      query = std::string(rest.substr(question + 1));
      rest = rest.substr(0, question);
    }
    std::string out = *scheme + std::string(rest.substr(scheme->size())) + "?" +
                      set_search_param(query, name, value);
    if (fragment) out += "#" + *fragment;
    return out;
  }
  if (scheme) {
    std::string_view rest = std::string_view(text).substr(scheme->size() + 1);
    if (*scheme == parsed_base->scheme && !rest.starts_with("//")) {
      // The special relative or authority state: "http:x" is relative.
      bool failed = false;
      url = parse_relative(rest, *parsed_base, failed);
      if (failed) return std::nullopt;
    } else {
      url = parse_authority_and_tail(*scheme, rest);
    }
  } else {
    bool failed = false;
    url = parse_relative(text, *parsed_base, failed);
    if (failed) return std::nullopt;
  }
  if (!url) return std::nullopt;
  return serialize(*url, set_search_param(url->query, name, value));
}

namespace {

constexpr std::string_view kResetMessage =
    "If this email exists in our system, check your email for the reset link";

std::int64_t now_ms(const EndpointContext& ctx) { return ctx.services.sessions.now_ms(); }

std::string base_url(const AuthOptions& options) { return options.base_url + options.base_path; }

const std::string& string_at(const Json& record, const char* field) {
  return record.at(field).get_ref<const std::string&>();
}

// internalAdapter.findVerificationValue: the newest row of that identifier,
// then the cleanup every lookup runs (deleteMany of expired rows).
std::optional<Json> find_verification_value(EndpointContext& ctx, const std::string& identifier) {
  AuthAdapter& adapter = ctx.services.adapter;
  auto rows = adapter.find_many("verification", {{"identifier", identifier}}, 1,
                                AuthSortBy{.field = "createdAt", .direction = "desc"});
  adapter.remove_many_with_hooks("verification",
                                 {{.field = "expiresAt", .value = now_ms(ctx), .op = "lt"}});
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

void request_password_reset(EndpointContext& ctx) {
  const AuthOptions& options = ctx.services.options;
  AuthAdapter& adapter = ctx.services.adapter;
  const std::string email = http::to_lower_ascii(string_at(ctx.body, "email"));
  // findUserByEmail(email, {includeAccounts: true}): without joins the
  // factory reads the accounts with a second query.
  auto user = adapter.find_one("user", {{"email", email}});
  if (!user) {
    // The real code spends a token and a lookup so that an unknown address
    // takes as long as a known one.
    (void)random_id(24);
    find_verification_value(ctx, "dummy-verification-token");
    ctx.json_body = Json{{"status", true}, {"message", kResetMessage}};
    return;
  }
  (void)adapter.find_many("account", {{"userId", user->at("id")}}, 100);
  const std::string token = random_id(24);
  const std::int64_t now = now_ms(ctx);
  Json data = Json::object();
  data["createdAt"] = now;
  data["updatedAt"] = now;
  data["value"] = user->at("id");
  data["identifier"] = "reset-password:" + token;
  data["expiresAt"] = now + options.reset_token_expires_in_s * 1000;
  adapter.create("verification", data);
  const Json* redirect_to = ctx.body_field("redirectTo");
  const std::string callback =
      redirect_to && redirect_to->is_string()
          ? authconf::encode_uri_component(redirect_to->get_ref<const std::string&>())
          : std::string();
  const std::string url =
      base_url(options) + "/reset-password/" + token + "?callbackURL=" + callback;
  // sendResetPassword: the reference's mail goes to the outbox.
  ctx.services.app.outbox().append(OutboxKind::kResetPassword, string_at(*user, "email"), url,
                                   token);
  ctx.json_body = Json{{"status", true}, {"message", kResetMessage}};
}

// redirectError / redirectCallback.
std::string redirect_target(const EndpointContext& ctx, const std::string& callback,
                            std::string_view name, std::string_view value) {
  const std::string base = base_url(ctx.services.options);
  auto href = callback.empty() ? url_with_search_param(base + "/error", base, name, value)
                               : url_with_search_param(callback, base, name, value);
  // `new URL` throwing is a TypeError, which the router answers with a 500.
  if (!href) throw std::runtime_error("TypeError: Invalid URL: " + callback);
  return *href;
}

void reset_password_callback(EndpointContext& ctx) {
  const std::string& token = ctx.params.at("token");
  const std::string& callback = ctx.query.at("callbackURL").get_ref<const std::string&>();
  if (token.empty() || callback.empty()) {
    ctx.redirect(redirect_target(ctx, callback, "error", "INVALID_TOKEN"));
    return;
  }
  auto verification = find_verification_value(ctx, "reset-password:" + token);
  if (!verification ||
      verification->at("expiresAt").get<double>() < static_cast<double>(now_ms(ctx))) {
    ctx.redirect(redirect_target(ctx, callback, "error", "INVALID_TOKEN"));
    return;
  }
  ctx.redirect(redirect_target(ctx, callback, "token", token));
}

void reset_password(EndpointContext& ctx) {
  const AuthOptions& options = ctx.services.options;
  AuthAdapter& adapter = ctx.services.adapter;
  // `ctx.body.token || ctx.query?.token`.
  std::string token;
  if (const Json* body_token = ctx.body_field("token"); body_token && body_token->is_string()) {
    token = body_token->get<std::string>();
  }
  if (token.empty()) {
    if (const Json* query_token = ctx.query_field("token");
        query_token && query_token->is_string()) {
      token = query_token->get<std::string>();
    }
  }
  if (token.empty()) throw ApiError::coded(400, "INVALID_TOKEN", "Invalid token");
  const std::string& new_password = string_at(ctx.body, "newPassword");
  // `newPassword.length`: UTF-16 code units of the raw password.
  auto length = authconf::utf16_length(new_password);
  const std::size_t units = length ? *length : new_password.size();
  if (units < options.min_password_length) {
    throw ApiError::coded(400, "PASSWORD_TOO_SHORT", "Password too short");
  }
  if (units > options.max_password_length) {
    throw ApiError::coded(400, "PASSWORD_TOO_LONG", "Password too long");
  }
  auto verification =
      ctx.services.adapter.consume_verification_value("reset-password:" + token, now_ms(ctx));
  if (!verification) throw ApiError::coded(400, "INVALID_TOKEN", "Invalid token");
  const Json user_id = verification->at("value");
  const std::string hash = ctx.services.hasher.hash(new_password);
  // findAccounts(userId), then createAccount or updatePassword. 1.6.34 does
  // not check that the user still exists.
  auto accounts = adapter.find_many("account", {{"userId", user_id}}, 100);
  const bool has_credential = std::ranges::any_of(accounts, [](const Json& account) {
    return account.value("providerId", "") == "credential";
  });
  const std::int64_t now = now_ms(ctx);
  if (!has_credential) {
    Json account = Json::object();
    account["createdAt"] = now;
    account["updatedAt"] = now;
    account["userId"] = user_id;
    account["providerId"] = "credential";
    account["password"] = hash;
    account["accountId"] = user_id;
    adapter.create("account", account);
  } else {
    // updateMany fills updatedAt (the schema's onUpdate).
    adapter.update_many("account", {{"userId", user_id}, {"providerId", "credential"}},
                        Json{{"password", hash}, {"updatedAt", now}});
  }
  if (options.revoke_sessions_on_password_reset) {
    // deleteUserSessions: deleteManyWithHooks.
    adapter.remove_many_with_hooks("session", {{"userId", user_id}});
  }
  ctx.json_body = Json{{"status", true}};
}

}  // namespace

std::vector<Route> password_reset_routes() {
  std::vector<Route> routes;
  // originCheck((ctx) => ctx.body.redirectTo) is in `use` too, but the
  // router-wide check has already refused an untrusted redirectTo (403
  // INVALID_REDIRECT_URL) by the time it would run.
  routes.push_back(
      {.method = "POST",
       .path = "/request-password-reset",
       .handler = request_password_reset,
       .body_schema = ObjectSchema{
           .fields = {{"email", ZodType::kEmail}, {"redirectTo", ZodType::kString, true}}}});
  routes.push_back({.method = "GET",
                    .path = "/reset-password/:token",
                    .handler = reset_password_callback,
                    .query_schema = ObjectSchema{.fields = {{"callbackURL", ZodType::kString}}},
                    .checked_query_urls = {"callbackURL"}});
  routes.push_back({.method = "POST",
                    .path = "/reset-password",
                    .handler = reset_password,
                    .body_schema = ObjectSchema{.fields = {{"newPassword", ZodType::kString},
                                                           {"token", ZodType::kString, true}}},
                    .query_schema = ObjectSchema{.fields = {{"token", ZodType::kString, true}}}});
  return routes;
}

}  // namespace authref
