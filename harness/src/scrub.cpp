// Scrubber: see authconf/scrub.h for the rules and why.
#include "authconf/scrub.h"

#include <algorithm>
#include <cctype>
#include <regex>

#include "authconf/encoding.h"

namespace authconf {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

const std::regex& iso_date() {
  static const std::regex pattern(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z)");
  return pattern;
}

// A token is a run of URL-safe characters long enough to be random that is
// not a word: it has a digit or both cases. Error codes (INVALID_EMAIL_OR_
// PASSWORD) and lower-case words stay as they are.
bool is_token(std::string_view run) {
  if (run.size() < 16) return false;
  const bool digit =
      std::ranges::any_of(run, [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  const bool upper =
      std::ranges::any_of(run, [](char c) { return std::isupper(static_cast<unsigned char>(c)); });
  const bool lower =
      std::ranges::any_of(run, [](char c) { return std::islower(static_cast<unsigned char>(c)); });
  return digit || (upper && lower);
}

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

// A JWT's header, decoded: an object with "alg", else nothing.
std::optional<Json> jwt_part(std::string_view segment) {
  auto bytes = base64url_decode(segment);
  if (!bytes) return std::nullopt;
  Json parsed = Json::parse(to_string(*bytes), nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
  return parsed;
}

}  // namespace

const std::vector<std::string>& compared_headers() {
  static const std::vector<std::string> names = {
      "content-type",
      "location",
      "set-cookie",
      "set-better-auth-cookie",
      "access-control-allow-origin",
      "access-control-allow-credentials",
      "access-control-allow-methods",
      "access-control-allow-headers",
      "access-control-expose-headers",
      "access-control-max-age",
      "cache-control",
      "www-authenticate",
  };
  return names;
}

Scrubber::Scrubber(std::vector<std::string> own_origins) : own_origins_(std::move(own_origins)) {
  // The longest first, so an origin that extends another is replaced whole.
  std::ranges::sort(own_origins_, [](const auto& a, const auto& b) { return a.size() > b.size(); });
}

std::string Scrubber::placeholder(const std::string& token) {
  auto [it, inserted] = placeholders_.try_emplace(token, "");
  if (inserted) it->second = "<opaque-" + std::to_string(placeholders_.size()) + ">";
  return it->second;
}

std::string Scrubber::text(std::string_view value) {
  std::string out(value);
  for (const std::string& origin : own_origins_) {
    if (origin.empty()) continue;
    for (std::size_t at = out.find(origin); at != std::string::npos;
         at = out.find(origin, at + 8)) {
      out.replace(at, origin.size(), "<origin>");
    }
  }
  out = std::regex_replace(out, iso_date(), "<iso-date>");
  std::string result;
  for (std::size_t i = 0; i < out.size();) {
    if (out[i] == '<') {  // a placeholder already: keep it whole
      const std::size_t end = out.find('>', i);
      if (end != std::string::npos && end - i < 24) {
        result.append(out, i, end - i + 1);
        i = end + 1;
        continue;
      }
    }
    if (!is_token_char(out[i])) {
      result += out[i++];
      continue;
    }
    std::size_t end = i;
    while (end < out.size() && is_token_char(out[end])) ++end;
    const std::string run = out.substr(i, end - i);
    result += is_token(run) ? placeholder(run) : run;
    i = end;
  }
  return result;
}

Json Scrubber::string_value(const std::string& value) {
  if (std::regex_match(value, iso_date())) return "<iso-date>";
  // header.payload.signature, with a header that names its algorithm.
  const std::size_t first = value.find('.');
  const std::size_t second = first == std::string::npos ? first : value.find('.', first + 1);
  if (second != std::string::npos && value.find('.', second + 1) == std::string::npos) {
    auto header = jwt_part(std::string_view(value).substr(0, first));
    auto payload = jwt_part(std::string_view(value).substr(first + 1, second - first - 1));
    if (header && payload && header->contains("alg")) {
      // iat and exp are seconds, not epoch-ms: keep the lifetime they give.
      Json claims = *payload;
      if (claims.contains("iat") && claims["iat"].is_number_integer()) {
        const auto iat = claims["iat"].get<std::int64_t>();
        claims["iat"] = "<epoch-s>";
        for (const char* name : {"exp", "nbf"}) {
          if (claims.contains(name) && claims[name].is_number_integer()) {
            claims[name] = "<iat+" + std::to_string(claims[name].get<std::int64_t>() - iat) + ">";
          }
        }
      }
      return Json{{"jwt", {{"header", json(*header)}, {"payload", json(claims)}}}};
    }
  }
  return text(value);
}

Json Scrubber::json(const Json& value) {
  if (value.is_string()) return string_value(value.get<std::string>());
  if (value.is_number_integer()) {
    const auto number = value.get<std::int64_t>();
    // 2001-09-09 to 5138-11-16 in milliseconds: a date, not a count.
    if (number >= 1'000'000'000'000 && number < 100'000'000'000'000) return "<epoch-ms>";
    return value;
  }
  if (value.is_array()) {
    Json out = Json::array();
    for (const Json& item : value) out.push_back(json(item));
    return out;
  }
  if (value.is_object()) {
    Json out = Json::object();
    for (const auto& [key, item] : value.items()) out[key] = json(item);
    return out;
  }
  return value;
}

std::string Scrubber::set_cookie(std::string_view header) {
  std::string out;
  std::size_t start = 0;
  bool first = true;
  while (start <= header.size()) {
    std::size_t end = header.find(';', start);
    if (end == std::string_view::npos) end = header.size();
    std::string part(header.substr(start, end - start));
    part.erase(0, part.find_first_not_of(' '));
    if (first) {
      const std::size_t equals = part.find('=');
      const std::string name = part.substr(0, equals);
      const bool empty = equals == std::string::npos || equals + 1 == part.size();
      out = name + "=" + (empty ? "" : "<value>");
    } else if (part.size() >= 8 && iequals(std::string_view(part).substr(0, 8), "expires=")) {
      out += "; " + part.substr(0, 8) + "<date>";
    } else if (!part.empty()) {
      out += "; " + text(part);
    }
    first = false;
    start = end + 1;
  }
  return out;
}

Json Scrubber::exchange(const Exchange& exchange) {
  Json headers = Json::object();
  for (const std::string& name : compared_headers()) {
    const auto values = exchange.headers_named(name);
    if (values.empty()) continue;
    Json list = Json::array();
    for (const std::string& value : values) {
      if (name == "set-cookie" || name == "set-better-auth-cookie") {
        list.push_back(set_cookie(value));
      } else if (name == "location") {
        list.push_back(text(value));
      } else {
        std::string kept = value;  // CORS, content type: only the own origin differs
        for (const std::string& origin : own_origins_) {
          if (!origin.empty() && kept == origin) kept = "<origin>";
        }
        list.push_back(kept);
      }
    }
    headers[name] = std::move(list);
  }
  Json body;
  const Json parsed = Json::parse(exchange.response_body, nullptr, false);
  if (!exchange.response_body.empty() && !parsed.is_discarded()) {
    body = json(parsed);
  } else {
    body = text(exchange.response_body);
  }
  return Json{
      {"status", exchange.status}, {"headers", std::move(headers)}, {"body", std::move(body)}};
}

}  // namespace authconf
