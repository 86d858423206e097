#include "authconf/browser.h"

namespace authconf {

Browser::Browser(const Target& target, bool cross_domain)
    : target_(target), cross_domain_(cross_domain) {}

Result<Exchange, TransportError> Browser::get(std::string_view path, const CallOptions& options) {
  return send("GET", path, "", "", options);
}

Result<Exchange, TransportError> Browser::post_json(std::string_view path, const Json& body,
                                                    const CallOptions& options) {
  return send("POST", path, body.dump(), "application/json", options);
}

Result<Exchange, TransportError> Browser::send(std::string_view method, std::string_view path,
                                               std::string body, std::string_view content_type,
                                               const CallOptions& options) {
  HttpRequestSpec request;
  request.method = std::string(method);
  request.url = target_.url_for(path);
  if (!content_type.empty()) request.headers.emplace_back("Content-Type", content_type);
  if (options.origin) {
    request.headers.emplace_back("Origin", *options.origin == CallOptions::kSiteOrigin
                                               ? target_.site_origin()
                                               : *options.origin);
  }
  if (options.send_cookies) {
    // The crossDomain client keeps cookies itself and sends them in a header
    // of their own; a normal browser sends what its jar holds for the URL.
    if (std::string cookies = jar_.cookie_header(request.url); !cookies.empty()) {
      request.headers.emplace_back(cross_domain_ ? "Better-Auth-Cookie" : "Cookie", cookies);
    }
  }
  if (options.bearer) request.headers.emplace_back("Authorization", "Bearer " + *options.bearer);
  for (const auto& header : options.headers) request.headers.push_back(header);
  request.body = std::move(body);
  auto exchange = send_http(request);
  if (exchange && options.store_cookies) {
    const char* field = cross_domain_ ? "set-better-auth-cookie" : "set-cookie";
    for (const std::string& set_cookie : exchange->headers_named(field)) {
      if (cross_domain_) {
        // One header carries every cookie, comma-joined as Headers.append does.
        std::size_t start = 0;
        while (start < set_cookie.size()) {
          std::size_t comma = set_cookie.find(", ", start);
          // A comma inside Expires (", 22 Nov") is not a separator.
          while (comma != std::string::npos && comma + 2 < set_cookie.size() &&
                 std::isdigit(static_cast<unsigned char>(set_cookie[comma + 2]))) {
            comma = set_cookie.find(", ", comma + 2);
          }
          const std::string one = set_cookie.substr(
              start, comma == std::string::npos ? std::string::npos : comma - start);
          if (!jar_.store(one, request.url)) refused_.push_back(one);
          if (comma == std::string::npos) break;
          start = comma + 2;
        }
      } else if (!jar_.store(set_cookie, request.url)) {
        refused_.push_back(set_cookie);
      }
    }
  }
  return exchange;
}

std::optional<std::string> Browser::cookie(std::string_view suffix) const {
  for (const StoredCookie& stored : jar_.cookies()) {
    const std::string_view name = stored.name;
    const bool prefixed = name.size() > suffix.size() && name.ends_with(suffix) &&
                          name[name.size() - suffix.size() - 1] == '.';
    if (name == suffix || prefixed) {
      return stored.value;
    }
  }
  return std::nullopt;
}

ParsedBody json_body(const Exchange& exchange) {
  ParsedBody parsed;
  parsed.json = Json::parse(exchange.response_body, nullptr, false);
  parsed.ok = !parsed.json.is_discarded();
  if (!parsed.ok) parsed.json = nullptr;
  return parsed;
}

}  // namespace authconf
