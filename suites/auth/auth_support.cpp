// What the `auth` suite's cases share (auth_support.h).
#include "auth_support.h"

#include <gmock/gmock.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <sstream>

#include "authconf/encoding.h"
#include "authconf/matchers.h"
#include "authconf/set_cookie.h"

namespace authconf::auth_suite {

using suite::target;

const std::set<std::string>& user_keys() {
  static const std::set<std::string> keys{"name",      "email",     "emailVerified",
                                          "createdAt", "updatedAt", "id"};
  return keys;
}

const std::set<std::string>& session_keys() {
  static const std::set<std::string> keys{"expiresAt", "token",     "createdAt", "updatedAt",
                                          "ipAddress", "userAgent", "userId",    "id"};
  return keys;
}

const Json& member(const Json& object, std::string_view key) {
  static const Json kNull = nullptr;
  if (!object.is_object()) return kNull;
  auto found = object.find(std::string(key));
  return found == object.end() ? kNull : *found;
}

bool is_session_token(const Json& token) {
  if (!token.is_string()) return false;
  const std::string& text = token.get_ref<const std::string&>();
  return text.size() == 32 && std::ranges::all_of(text, [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) != 0;
         });
}

void expect_user_shape(const Json& user, bool with_image) {
  std::set<std::string> expected = user_keys();
  if (with_image) expected.insert("image");
  EXPECT_EQ(keys_of(user), expected) << user.dump();
  if (!user.is_object()) return;
  EXPECT_TRUE(member(user, "name").is_string()) << user.dump();
  EXPECT_TRUE(member(user, "email").is_string()) << user.dump();
  EXPECT_EQ(member(user, "email"), ascii_lower(string_at(user, "email")))
      << "emails are stored lower-cased";
  EXPECT_TRUE(member(user, "emailVerified").is_boolean()) << user.dump();
  EXPECT_TRUE(member(user, "id").is_string() &&
              !member(user, "id").get_ref<const std::string&>().empty())
      << user.dump();
  EXPECT_THAT(member(user, "createdAt"), IsDate());
  EXPECT_THAT(member(user, "updatedAt"), IsDate());
}

void expect_session_shape(const Json& session) {
  EXPECT_EQ(keys_of(session), session_keys()) << session.dump();
  if (!session.is_object()) return;
  EXPECT_TRUE(is_session_token(member(session, "token"))) << session.dump();
  for (const char* key : {"ipAddress", "userAgent", "userId", "id"}) {
    EXPECT_TRUE(member(session, key).is_string()) << key << " in " << session.dump();
  }
  EXPECT_THAT(member(session, "expiresAt"), IsDate());
  EXPECT_THAT(member(session, "createdAt"), IsDate());
  EXPECT_THAT(member(session, "updatedAt"), IsDate());
}

std::string test_name(std::string_view id) {
  std::string name(id.substr(id.find('.') + 1));
  std::ranges::replace_if(
      name, [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  return name;
}

bool secure_cookies() { return target().url().starts_with("https://"); }

std::string cookie_name(std::string_view suffix) {
  return std::string(secure_cookies() ? "__Secure-better-auth." : "better-auth.") +
         std::string(suffix);
}

std::string cookie_tail(std::optional<std::int64_t> max_age) {
  std::string tail;
  if (max_age) tail += "; Max-Age=" + std::to_string(*max_age);
  tail += "; Path=/; HttpOnly";
  if (secure_cookies()) tail += "; Secure";
  tail += "; SameSite=Lax";
  return tail;
}

std::string expired_cookie_line(std::string_view suffix) {
  return cookie_name(suffix) + "=" + cookie_tail(0);
}

std::vector<std::string> set_cookie_lines(const Exchange& exchange) {
  return exchange.headers_named("set-cookie");
}

std::optional<std::string> set_cookie_line(const Exchange& exchange, std::string_view suffix) {
  const std::string prefix = cookie_name(suffix) + "=";
  for (const std::string& line : set_cookie_lines(exchange)) {
    if (line.starts_with(prefix)) return line;
  }
  return std::nullopt;
}

std::optional<std::string> set_cookie_value(const Exchange& exchange, std::string_view suffix) {
  auto line = set_cookie_line(exchange, suffix);
  if (!line) return std::nullopt;
  auto parsed = parse_set_cookie(*line);
  if (!parsed) return std::nullopt;
  return parsed->value;
}

std::string signature_of(std::string_view value) {
  auto decoded = decode_uri_component(value);
  if (!decoded) return "";
  const std::size_t dot = decoded->rfind('.');
  if (dot == std::string::npos) return "";
  return decoded->substr(dot + 1);
}

bool is_signed_value(std::string_view value, std::string_view token) {
  auto decoded = decode_uri_component(value);
  if (!decoded) return false;
  // encodeURIComponent of the whole "token.signature", byte for byte.
  if (encode_uri_component(*decoded) != value) return false;
  const std::string prefix = std::string(token) + ".";
  if (!decoded->starts_with(prefix)) return false;
  const std::string signature = decoded->substr(prefix.size());
  if (signature.size() != 44 || signature.back() != '=') return false;
  return std::all_of(signature.begin(), signature.end() - 1, [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/';
  });
}

std::set<std::string> keys_of(const Json& object) {
  std::set<std::string> keys;
  if (!object.is_object()) return keys;
  for (const auto& [key, value] : object.items()) keys.insert(key);
  return keys;
}

Json error_body(std::string_view code, std::string_view message) {
  Json body = Json::object();
  body["message"] = message;
  body["code"] = code;
  return body;
}

Json body_of(const Exchange& exchange) { return json_body(exchange).json; }

std::string string_at(const Json& object, std::string_view key, std::string_view inner) {
  if (!object.is_object()) return "";
  auto found = object.find(std::string(key));
  if (found == object.end()) return "";
  if (!inner.empty()) return string_at(*found, inner);
  return found->is_string() ? found->get<std::string>() : "";
}

std::optional<std::int64_t> date_ms(const Json& value) {
  if (value.is_number()) return static_cast<std::int64_t>(value.get<double>());
  if (!value.is_string()) return std::nullopt;
  const std::string text = value.get<std::string>();
  std::tm tm{};
  int millis = 0;
  // Date.prototype.toJSON: YYYY-MM-DDTHH:MM:SS.sssZ
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon,
                  &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &millis) != 7) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000 + millis;
}

std::string path_of(std::string_view url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  const std::size_t slash = url.find('/', scheme + 3);
  return slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string ascii_upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string case_variant(std::string_view text) {
  std::string out(text);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto c = static_cast<unsigned char>(out[i]);
    out[i] = static_cast<char>(i % 2 == 1 ? std::toupper(c) : std::tolower(c));
  }
  return out;
}

Result<Exchange, TransportError> post_for_cookies(std::string_view auth_path, const Json& body,
                                                  std::optional<std::string> cookie) {
  Browser browser(target());
  CallOptions options = cookieless();
  if (cookie) options.headers.emplace_back("Cookie", *cookie);
  return browser.post_json(target().auth_path(auth_path), body, options);
}

std::string value_of_line(std::string_view line) {
  const std::size_t eq = line.find('=');
  if (eq == std::string_view::npos) return "";
  const std::size_t end = line.find(';', eq);
  return std::string(line.substr(eq + 1, end == std::string_view::npos ? end : end - eq - 1));
}

std::string expect_signed_cookie_line(const std::optional<std::string>& line,
                                      std::string_view suffix, std::string_view signed_token,
                                      std::optional<std::int64_t> max_age) {
  EXPECT_TRUE(line) << "no " << cookie_name(suffix) << " cookie was set";
  if (!line) return "";
  const std::string value = value_of_line(*line);
  EXPECT_TRUE(is_signed_value(value, signed_token))
      << value << " is not encodeURIComponent(\"" << signed_token << ".\" + base64(HMAC))";
  EXPECT_EQ(*line, cookie_name(suffix) + "=" + value + cookie_tail(max_age));
  return value;
}

CallOptions cookieless(std::optional<std::string> origin) {
  CallOptions options;
  options.origin = std::move(origin);
  options.send_cookies = false;
  options.store_cookies = false;
  return options;
}

CallOptions with_session_cookie(std::string_view value) {
  CallOptions options = cookieless();
  options.headers.emplace_back("Cookie", cookie_name("session_token") + "=" + std::string(value));
  return options;
}

Result<Exchange, TransportError> sign_in(Browser& browser, std::string_view email,
                                         std::string_view password, Json extra) {
  Json body = Json::object();
  body["email"] = email;
  body["password"] = password;
  for (const auto& [key, value] : extra.items()) body[key] = value;
  return browser.post_json(target().auth_path("/sign-in/email"), body);
}

Result<Exchange, TransportError> get_session(Browser& browser, const CallOptions& options) {
  return browser.get(target().auth_path("/get-session"), options);
}

Result<Exchange, TransportError> post(Browser& browser, std::string_view auth_path,
                                      const Json& body, const CallOptions& options) {
  return browser.post_json(target().auth_path(auth_path), body, options);
}

std::optional<FreshUser> fresh_sign_up(Browser& browser, Json extra, std::string email,
                                       bool verify) {
  FreshUser user;
  if (email.empty()) email = target().new_email();
  user.email = ascii_lower(email);
  user.password = kPassword;
  // Registered first, so that a sign-up that answers oddly is still removed.
  suite::created_user(user.email, user.password);
  Json body = Json::object();
  body["name"] = "Conformance User";
  body["email"] = email;
  body["password"] = user.password;
  for (const auto& [key, value] : extra.items()) body[key] = value;
  auto answer = browser.post_json(target().auth_path("/sign-up/email"), body);
  if (!answer) {
    suite::record_failed("sign-up", answer.error());
    return std::nullopt;
  }
  if (answer->status != 200) {
    ADD_FAILURE() << "signing up a fresh user failed: " << describe(*answer);
    return std::nullopt;
  }
  user.answer = std::move(*answer);
  user.body = body_of(user.answer);
  user.id = string_at(user.body, "user", "id");
  user.token = string_at(user.body, "token");
  user.cookie_value = set_cookie_value(user.answer, "session_token").value_or("");
  if (verify && suite::email_verification_required()) {
    // No session from sign-up (§2.1): the session the case works with is
    // the one of the sign-in after verification; `answer` stays sign-up's.
    Json sign_in_extra = Json::object();
    if (extra.contains("rememberMe")) sign_in_extra["rememberMe"] = extra["rememberMe"];
    auto signed_in = suite::verify_and_sign_in(browser, user.email, user.password, sign_in_extra);
    if (!signed_in) return std::nullopt;
    user.token = string_at(*signed_in, "token");
    user.cookie_value = browser.cookie("session_token").value_or("");
  }
  return user;
}

const SharedUser* shared_user() {
  static std::mutex mutex;
  static std::unique_ptr<SharedUser> shared;
  static bool tried = false;
  std::lock_guard lock(mutex);
  if (tried) return shared.get();
  tried = true;
  auto candidate = std::make_unique<SharedUser>();
  candidate->browser = std::make_unique<Browser>(target());
  auto user = suite::sign_up(*candidate->browser, "Shared Conformance User", suite::Lifetime::kRun);
  if (!user) return nullptr;
  candidate->user = std::move(*user);
  candidate->id = string_at(candidate->user.body, "user", "id");
  candidate->token = string_at(candidate->user.body, "token");
  candidate->cookie_value = candidate->browser->cookie("session_token").value_or("");
  if (candidate->id.empty() || candidate->token.empty() || candidate->cookie_value.empty()) {
    ADD_FAILURE() << "the shared user's sign-up answered no id, token or session cookie: "
                  << candidate->user.body.dump();
    return nullptr;
  }
  shared = std::move(candidate);
  return shared.get();
}

bool bearer_enabled() {
  const Capabilities& caps = target().capabilities();
  return caps.plugin("bearer") || caps.plugin("convex");
}

bool config_declared(std::string_view name) {
  if (!target().has_bridge()) return false;
  const Json config = target().capabilities().raw().value("config", Json::object());
  return config.contains(std::string(name)) && config[std::string(name)].is_boolean();
}

std::optional<Json> component_user(std::string_view email) {
  auto found = suite::bridge().adapter(
      "findOne",
      Json{{"model", "user"}, {"where", Json::array({{{"field", "email"}, {"value", email}}})}});
  if (!found) {
    suite::record_failed("bridge findOne user by email", found.error());
    return std::nullopt;
  }
  if (found->thrown) {
    suite::record_error("bridge findOne user by email threw: " + *found->thrown);
    return std::nullopt;
  }
  return found->value;
}

std::optional<std::vector<Json>> component_rows(std::string_view table, std::string_view field,
                                                const Json& value) {
  auto rows = suite::bridge().component_table(table);
  if (!rows) {
    suite::record_failed("bridge GET /component/" + std::string(table), rows.error());
    return std::nullopt;
  }
  std::vector<Json> matching;
  for (const Json& row : *rows) {
    if (row.contains(std::string(field)) && row[std::string(field)] == value) {
      matching.push_back(row);
    }
  }
  return matching;
}

std::optional<Json> latest_mail(std::string_view to, std::string_view kind) {
  auto messages = suite::bridge().outbox(std::string(to), std::string(kind));
  if (!messages) {
    suite::record_failed("bridge GET /outbox", messages.error());
    return std::nullopt;
  }
  if (messages->empty()) return Json(nullptr);
  // Oldest first: the newest is the last (the highest seq).
  return messages->back();
}

std::optional<std::size_t> mail_count(std::string_view to, std::string_view kind) {
  auto messages = suite::bridge().outbox(std::string(to), std::string(kind));
  if (!messages) {
    suite::record_failed("bridge GET /outbox", messages.error());
    return std::nullopt;
  }
  return messages->size();
}

}  // namespace authconf::auth_suite
