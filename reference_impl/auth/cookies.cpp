#include "auth/cookies.h"

#include "authconf/encoding.h"

namespace authref {
namespace {

std::string trim(std::string_view text) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return std::string(text);
}

}  // namespace

AuthCookies::AuthCookies(const AuthOptions& options) : secure_(options.secure_cookies()) {
  const std::string prefix = secure_ ? "__Secure-better-auth." : "better-auth.";
  session_token_ = prefix + "session_token";
  session_data_ = prefix + "session_data";
  dont_remember_ = prefix + "dont_remember";
  convex_jwt_ = prefix + "convex_jwt";
}

std::string AuthCookies::set_cookie(std::string_view name, std::string_view value,
                                    std::optional<std::int64_t> max_age) const {
  std::string out;
  out.reserve(name.size() + value.size() + 64);
  out.append(name).append("=").append(value);
  if (max_age) out.append("; Max-Age=").append(std::to_string(*max_age));
  out.append("; Path=/; HttpOnly");
  if (secure_) out.append("; Secure");
  out.append("; SameSite=Lax");
  return out;
}

std::map<std::string, std::string, std::less<>> parse_cookie_header(std::string_view str) {
  std::map<std::string, std::string, std::less<>> cookies;
  std::size_t index = 0;
  while (index < str.size()) {
    std::size_t eq = str.find('=', index);
    if (eq == std::string_view::npos) break;
    std::size_t end = str.find(';', index);
    if (end == std::string_view::npos) {
      end = str.size();
    } else if (end < eq) {
      std::size_t previous = str.rfind(';', eq - 1);
      index = previous == std::string_view::npos ? 0 : previous + 1;
      continue;
    }
    std::string key = trim(str.substr(index, eq - index));
    if (!cookies.contains(key)) {
      std::string value = trim(str.substr(eq + 1, end - eq - 1));
      // `val.slice(1, -1)` when it starts with a quote, closing quote or not.
      if (!value.empty() && value.front() == '"') {
        value = value.size() >= 2 ? value.substr(1, value.size() - 2) : std::string();
      }
      if (value.find('%') != std::string::npos) {
        if (auto decoded = authconf::decode_uri_component(value)) value = std::move(*decoded);
      }
      cookies.emplace(std::move(key), std::move(value));
    }
    index = end + 1;
  }
  return cookies;
}

}  // namespace authref
