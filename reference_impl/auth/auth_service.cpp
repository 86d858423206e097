#include "auth/auth_service.h"

#include <cmath>
#include <iostream>
#include <utility>
#include <vector>

#include "auth/api_error.h"
#include "auth/routes.h"
#include "store/js_value.h"

namespace authref {
namespace {

// Unpaired \uD800-\uDFFF escapes, which JSON.parse accepts and nlohmann
// refuses, become \uFFFD: the same UTF-16 length and the same UTF-8 bytes
// that TextEncoder would give the password hasher.
std::string replace_lone_surrogate_escapes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto hex4 = [&](std::size_t at) -> int {
    if (at + 6 > text.size() || text[at] != '\\' || text[at + 1] != 'u') return -1;
    int value = 0;
    for (std::size_t k = at + 2; k < at + 6; ++k) {
      char c = text[k];
      int digit = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
      if (digit < 0) return -1;
      value = value * 16 + digit;
    }
    return value;
  };
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (!in_string) {
      if (c == '"') in_string = true;
      out.push_back(c);
      continue;
    }
    if (c == '"') {
      in_string = false;
      out.push_back(c);
    } else if (c == '\\') {
      int unit = hex4(i);
      if (unit >= 0xD800 && unit <= 0xDBFF) {
        int next = hex4(i + 6);
        if (next >= 0xDC00 && next <= 0xDFFF) {
          out.append(text.substr(i, 12));
          i += 11;
        } else {
          out += "\\uFFFD";
          i += 5;
        }
      } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
        out += "\\uFFFD";
        i += 5;
      } else if (i + 1 < text.size()) {
        out.push_back(c);
        out.push_back(text[++i]);
      } else {
        out.push_back(c);
      }
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// Whether `token` is a JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_json_number(std::string_view token) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < token.size() && token[i] >= '0' && token[i] <= '9') ++i;
    return i - start;
  };
  if (i < token.size() && token[i] == '-') ++i;
  const std::size_t integer_at = i;
  const std::size_t integer_digits = digits();
  if (integer_digits == 0 || (integer_digits > 1 && token[integer_at] == '0')) return false;
  if (i < token.size() && token[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  }
  if (i < token.size() && (token[i] == 'e' || token[i] == 'E')) {
    ++i;
    if (i < token.size() && (token[i] == '+' || token[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == token.size();
}

// A number literal beyond the double range (1e999, -1e999, 400 digits):
// JSON.parse reads it as Infinity or -Infinity, nlohmann refuses it as a
// "number overflow". Each such literal outside strings becomes 0 in `text`;
// the answer lists, in order, its ordinal among the document's number
// literals and the value to put back in its place.
std::vector<std::pair<std::size_t, double>> replace_overflowing_numbers(std::string& text) {
  const auto in_number = [](char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
  };
  std::vector<std::pair<std::size_t, double>> infinite;
  std::vector<std::pair<std::size_t, std::size_t>> spans;  // of the literals to replace
  std::size_t ordinal = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    if (c != '-' && (c < '0' || c > '9')) continue;
    std::size_t end = i;
    while (end < text.size() && in_number(text[end])) ++end;
    const std::string_view token = std::string_view(text).substr(i, end - i);
    // A run that is no number is a syntax error the parser reports; within
    // valid JSON a number is never adjacent to another number character.
    if (is_json_number(token)) {
      // Only an exponent or more than 308 integer digits reach 1.8e308.
      if (token.find_first_of("eE") != std::string_view::npos || token.size() > 308) {
        const Json literal = std::string(token);
        const double value = js_to_number(&literal);  // Number(token), as JSON.parse reads it
        if (!std::isfinite(value)) {
          infinite.emplace_back(ordinal, value);
          spans.emplace_back(i, end - i);
        }
      }
      ++ordinal;
    }
    i = end - 1;
  }
  if (spans.empty()) return infinite;
  std::string replaced;
  replaced.reserve(text.size());
  std::size_t copied = 0;
  for (const auto& [at, length] : spans) {
    replaced.append(text, copied, at - copied);
    replaced.push_back('0');
    copied = at + length;
  }
  replaced.append(text, copied);
  text = std::move(replaced);
  return infinite;
}

Json query_object(std::string_view query) {
  Json object = Json::object();
  for (auto& [key, value] : http::parse_form_urlencoded(query)) {
    auto it = object.find(key);
    if (it == object.end()) {
      object[key] = value;
    } else if (it->is_array()) {
      it->push_back(value);
    } else {
      *it = Json::array({*it, value});
    }
  }
  return object;
}

std::vector<std::string_view> split_segments(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 1;  // paths start with '/'
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  if (!segments.empty() && segments.back().empty()) segments.pop_back();
  return segments;
}

// better-call getBody: the media type first, then JSON or form parsing.
void read_body(const http::HttpRequest& request, const Route& route, EndpointContext& ctx) {
  if (request.method == "GET" || request.method == "HEAD") return;
  const std::string content_type =
      http::to_lower_ascii(request.headers.get("content-type").value_or(""));
  const std::string base = [&] {
    std::string b = content_type.substr(0, content_type.find(';'));
    while (!b.empty() && (b.front() == ' ' || b.front() == '\t')) b.erase(b.begin());
    while (!b.empty() && (b.back() == ' ' || b.back() == '\t')) b.pop_back();
    return b;
  }();
  const std::vector<std::string> allowed =
      route.accepts_form
          ? std::vector<std::string>{"application/x-www-form-urlencoded", "application/json"}
          : std::vector<std::string>{"application/json"};
  bool accepted = false;
  for (const std::string& type : allowed) {
    if (base == type || base.find(type) != std::string::npos) accepted = true;
  }
  if (!accepted) {
    std::string list;
    for (const std::string& type : allowed) list += (list.empty() ? "" : ", ") + type;
    if (content_type.empty()) {
      throw ApiError::coded(415, "UNSUPPORTED_MEDIA_TYPE",
                            "Content-Type is required. Allowed types: " + list);
    }
    throw ApiError::coded(415, "UNSUPPORTED_MEDIA_TYPE",
                          "Content-Type \"" + std::string(*request.headers.get("content-type")) +
                              "\" is not allowed. Allowed types: " + list);
  }
  // /^application\/([a-z0-9.+-]*\+)?json/i
  const auto json_like = [&] {
    if (!content_type.starts_with("application/")) return false;
    std::string_view rest = std::string_view(content_type).substr(12);
    if (rest.starts_with("json")) return true;
    std::size_t i = 0;
    while (i < rest.size() && (std::isalnum(static_cast<unsigned char>(rest[i])) ||
                               rest[i] == '.' || rest[i] == '+' || rest[i] == '-')) {
      ++i;
    }
    // The greedy class may end at any '+' followed by "json".
    for (std::size_t k = 0; k < i; ++k) {
      if (rest[k] == '+' && rest.substr(k + 1).starts_with("json")) return true;
    }
    return false;
  };
  if (json_like()) {
    auto parsed = parse_request_json(request.body);
    if (!parsed) throw ApiError::coded(400, "BAD_REQUEST", "Invalid JSON in request body");
    ctx.body = std::move(*parsed);
    ctx.has_body = true;
    return;
  }
  if (content_type.find("application/x-www-form-urlencoded") != std::string::npos) {
    Json object = Json::object();
    for (auto& [key, value] : http::parse_form_urlencoded(request.body)) object[key] = value;
    ctx.body = std::move(object);
    ctx.has_body = true;
    return;
  }
  // Any other accepted type (e.g. "text/application/json") is read as text.
  ctx.body = http::decode_utf8_lossy(request.body, true);
  ctx.has_body = true;
}

}  // namespace

std::optional<Json> parse_request_json(std::string_view body) {
  std::string text = http::decode_utf8_lossy(body, true);
  if (text.find("\\u") != std::string::npos) text = replace_lone_surrogate_escapes(text);
  // Copying or freeing a JSON value recurses once per level, so a body
  // nested 400,000 deep would overflow a connection thread's stack the first
  // time an endpoint copied a field of it. JSON.parse itself would accept it;
  // the reference refuses nesting past kMaxRequestJsonDepth as invalid JSON.
  const auto infinite = replace_overflowing_numbers(text);
  bool too_deep = false;
  std::size_t numbers_seen = 0;
  std::size_t next_infinite = 0;
  Json parsed = Json::parse(
      text,
      [&](int depth, Json::parse_event_t event, Json& value) {
        if (depth >= kMaxRequestJsonDepth) too_deep = true;  // depth counts from 0
        // Number values arrive in document order: the literals that stood
        // for an infinity (parsed as 0) take it back.
        if (event == Json::parse_event_t::value && value.is_number()) {
          if (next_infinite < infinite.size() && infinite[next_infinite].first == numbers_seen) {
            value = infinite[next_infinite++].second;
          }
          ++numbers_seen;
        }
        return !too_deep;
      },
      false);
  if (too_deep || parsed.is_discarded()) return std::nullopt;
  return parsed;
}

AuthService::AuthService(AuthOptions options, ReferenceApp& app, PasswordHasher& hasher)
    : options_(std::move(options)),
      adapter_(app.component()),
      cookies_(options_),
      sessions_(options_, adapter_, cookies_, app.clock()),
      origin_check_(options_),
      rate_limiter_(options_, app.clock()),
      services_{options_, app, adapter_, cookies_, hasher, sessions_, app.clock(), nullptr} {
  for (auto group : {core_routes(), session_routes(), user_routes(), password_reset_routes(),
                     verification_routes(), account_routes()}) {
    for (Route& route : group) routes_.push_back(std::move(route));
  }
}

void AuthService::add_plugin(std::unique_ptr<AuthPlugin> plugin) {
  for (Route& route : plugin->routes()) routes_.push_back(std::move(route));
  plugins_.push_back(std::move(plugin));
}

std::vector<std::string> AuthService::plugin_ids() const {
  std::vector<std::string> ids;
  for (const auto& plugin : plugins_) ids.emplace_back(plugin->id());
  return ids;
}

AuthService::Match AuthService::match(std::string_view method, std::string_view path) const {
  const auto segments = split_segments(path);
  for (const Route& route : routes_) {
    if (route.method != method) continue;
    const auto pattern = split_segments(route.path);
    if (pattern.size() != segments.size()) continue;
    Match result{&route, {}};
    bool ok = true;
    for (std::size_t i = 0; i < pattern.size() && ok; ++i) {
      if (pattern[i].starts_with(':')) {
        if (segments[i].empty()) ok = false;
        result.params[std::string(pattern[i].substr(1))] = std::string(segments[i]);
      } else if (pattern[i] != segments[i]) {
        ok = false;
      }
    }
    if (ok) return result;
  }
  return {};
}

http::HttpResponse AuthService::handle(const http::HttpRequest& request) {
  const std::string_view full_path = request.path();
  const std::string prefix = options_.base_path + "/";
  if (!full_path.starts_with(prefix)) return http::HttpResponse::empty(404);
  const std::string path(full_path.substr(options_.base_path.size()));
  if (auto blocked = rate_limiter_.check(request, path)) return std::move(*blocked);
  if (path.size() <= 1 || path.find("//") != std::string::npos)
    return http::HttpResponse::empty(404);
  Match found = match(request.method, path);
  if (!found.route || path.ends_with('/') != found.route->path.ends_with('/')) {
    return http::HttpResponse::empty(404);
  }
  const Route& route = *found.route;

  EndpointContext ctx(services_, request);
  ctx.method = request.method;
  ctx.path = path;
  ctx.params = std::move(found.params);
  ctx.query = query_object(request.query());
  ctx.headers = request.headers;
  ctx.reparse_cookies();
  try {
    read_body(request, route, ctx);
    origin_check_.check_request(ctx);
  } catch (const ApiError& error) {
    return error.to_response();
  }
  return run_endpoint(route, ctx);
}

http::HttpResponse AuthService::run_endpoint(const Route& route, EndpointContext& ctx) {
  try {
    try {
      for (auto& plugin : plugins_) plugin->before(ctx);
      const Json* body = ctx.has_body ? &ctx.body : nullptr;
      std::string issues;
      if (route.body_schema) {
        if (auto problem = validate_object(*route.body_schema, body, "body")) issues = *problem;
      }
      if (route.query_schema) {
        if (auto problem = validate_object(*route.query_schema, &ctx.query, "query")) {
          issues += (issues.empty() ? "" : "; ") + *problem;
        }
      }
      if (!issues.empty()) throw ApiError::coded(400, "VALIDATION_ERROR", issues);
      if (route.form_csrf) origin_check_.check_form_csrf(ctx);
      if (route.session != SessionRequirement::kNone) {
        auto session = sessions_.current(ctx);
        if (!session) throw ApiError::unauthorized();
        if (route.session == SessionRequirement::kFresh && options_.session_fresh_age_s > 0) {
          const double created = session->session.at("createdAt").get<double>();
          // freshSessionMiddleware: `Date.now() - createdAt >= freshAge`.
          if (static_cast<double>(sessions_.now_ms()) - created >=
              static_cast<double>(options_.session_fresh_age_s) * 1000) {
            throw ApiError::coded(403, "SESSION_NOT_FRESH", "Session is not fresh");
          }
        }
      }
      if (!route.checked_query_urls.empty()) {
        origin_check_.check_query_urls(ctx, route.checked_query_urls);
      }
      route.handler(ctx);
    } catch (const ApiError& error) {
      // The endpoint's cookies stay; after hooks still run (dispatch.mjs).
      ctx.failed = true;
      ctx.status = error.status();
      http::HttpResponse response = error.to_response();
      ctx.json_body.reset();
      ctx.error_body = std::move(response.body);
      ctx.error_has_content_type = response.headers.has("content-type");
    }
    for (auto& plugin : plugins_) plugin->after(ctx);
    return respond(ctx);
  } catch (const ApiError& error) {
    return error.to_response();
  } catch (const AdapterError& error) {
    std::cerr << "# SERVER_ERROR: " << error.message() << '\n';
    return http::HttpResponse::empty(500);
  } catch (const std::exception& error) {
    std::cerr << "# SERVER_ERROR: " << error.what() << '\n';
    return http::HttpResponse::empty(500);
  }
}

http::HttpResponse AuthService::respond(EndpointContext& ctx) const {
  // fetch's Headers.set throws on CR, LF or NUL in a value (a callbackURL
  // copied into Location, say): a non-API error, so a 500 with no body.
  for (const auto& field : ctx.response_headers.fields()) {
    if (field.value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      std::cerr << "# SERVER_ERROR: invalid header value for " << field.name << '\n';
      return http::HttpResponse::empty(500);
    }
  }
  http::HttpResponse response;
  response.status = ctx.status;
  if (ctx.failed) {
    response.body = std::move(ctx.error_body);
    if (ctx.error_has_content_type) response.headers.add("content-type", "application/json");
  } else if (ctx.status == 302) {
    response.headers.add("content-type", "application/json");
  } else if (ctx.text_body) {
    response.body = std::move(*ctx.text_body);
    for (const auto& field : ctx.response_headers.fields()) {
      if (http::iequals(field.name, "content-type")) response.headers.add(field.name, field.value);
    }
  } else {
    response.headers.add("content-type", "application/json");
    response.body = ctx.json_body ? js_stringify(*ctx.json_body) : std::string("null");
  }
  for (const auto& field : ctx.response_headers.fields()) {
    if (http::iequals(field.name, "content-type")) continue;
    response.headers.add(field.name, field.value);
  }
  return response;
}

}  // namespace authref
