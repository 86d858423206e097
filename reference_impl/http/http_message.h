// authref/http/http_message.h: one HTTP exchange as the reference server sees it.
//
// The server is a function from HttpRequest to HttpResponse, so every layer
// (CORS, the Better Auth router, the bridge) can be tested without a socket;
// http/listener.h puts that function on a socket.
//
//   HttpRequest request{.method = "GET", .target = "/api/auth/ok"};
//   HttpResponse response = server.handle(request);
//   response.headers.get("content-type");   // "application/json"
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace authref::http {

// Header fields in arrival order; names compare case-insensitively (RFC 9110
// §5.1). Responses use lower-case names, as the real Node servers send them.
class Headers {
 public:
  struct Field {
    std::string name;
    std::string value;
  };

  Headers() = default;
  Headers(std::initializer_list<std::pair<std::string, std::string>> fields);

  // Appends a field (a second Set-Cookie, say).
  void add(std::string name, std::string value);
  // Replaces every field of that name with one.
  void set(std::string name, std::string value);
  void remove(std::string_view name);
  // The first field of that name.
  std::optional<std::string_view> get(std::string_view name) const;
  std::vector<std::string_view> get_all(std::string_view name) const;
  // The Fetch API's Headers.get(name): every field of that name, stripped
  // of surrounding HTTP whitespace, joined with ", " ("; " for cookie);
  // nullopt when there is none.
  std::optional<std::string> fetch_get(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  const std::vector<Field>& fields() const { return fields_; }
  bool empty() const { return fields_.empty(); }

 private:
  std::vector<Field> fields_;
};

bool iequals(std::string_view a, std::string_view b);
std::string to_lower_ascii(std::string_view text);

struct HttpRequest {
  std::string method;  // as received: "GET", "POST", "OPTIONS", ...
  std::string target;  // the request target, percent-encoding intact: "/api/auth/ok?x=1"
  Headers headers;
  std::string body;
  std::string remote_address = "127.0.0.1";

  // The target before '?', and after it ("" when there is none).
  std::string_view path() const;
  std::string_view query() const;
};

struct HttpResponse {
  int status = 200;
  Headers headers;
  std::string body;

  // A JSON body with `content-type: application/json`.
  static HttpResponse json(int status, std::string body);
  // No body and no content-type: Better Auth's router 404.
  static HttpResponse empty(int status);
};

// WHATWG application/x-www-form-urlencoded parsing (URLSearchParams): '+'
// is a space, percent-escapes are decoded and a broken one is kept as is,
// bytes that are not UTF-8 become U+FFFD.
std::vector<std::pair<std::string, std::string>> parse_form_urlencoded(std::string_view text);

// The bytes decoded as UTF-8 the way TextDecoder does it: each maximal
// ill-formed subsequence becomes U+FFFD, and a leading BOM is dropped when
// `strip_bom` (what Request.text() and .json() do).
std::string decode_utf8_lossy(std::string_view bytes, bool strip_bom = false);

// Whether a header field is one Node's HTTP parser (llhttp) would accept:
// the name is an RFC 9110 token, the value has no control character other
// than HTAB, and a Content-Length is digits. The listener answers 400 for a
// request with any field that fails this.
bool is_valid_header_field(std::string_view name, std::string_view value);

// The standard reason phrase of a status ("Not Found"); "" when unknown.
std::string_view reason_phrase(int status);

}  // namespace authref::http
