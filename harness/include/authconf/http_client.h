// authconf/http_client.h: one HTTP exchange with the target, recorded.
//
//   authconf::HttpRequestSpec request{.method = "GET", .url = "http://127.0.0.1:3210/api/auth/ok"};
//   auto exchange = authconf::send_http(request);
//   if (!exchange) ... exchange.error().code == authconf::TransportError::kConnectionFailed
//   exchange->status;                    // 200
//   exchange->header("content-type");    // "application/json"
//   exchange->curl_line();               // curl -sS -i -X GET 'http://…' -H '…'
//
// Over http and https (libcurl, HTTP/1.1). The request goes out with the
// caller's headers and body as given (plus Host and Content-Length): no
// cookies of its own, no Accept or Expect, no redirects followed, no
// compression asked for, the path not normalised. Response fields arrive
// as sent, in order. A 429 with `X-Retry-After`
// (Better Auth's rate limiter) is waited out and retried, within a bound;
// past the bound the call fails with kRateLimited. Every exchange, retries
// included, is appended to the current transcript (authconf/transcript.h).
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "authconf/result.h"

namespace authconf {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequestSpec {
  std::string method = "GET";
  std::string url = {};  // absolute: http(s)://host[:port]/path?query
  HeaderList headers = {};
  std::string body = {};
};

struct Exchange {
  std::string method;
  std::string url;
  HeaderList request_headers;
  std::string request_body;
  int status = 0;
  HeaderList response_headers;  // names as received; same-name fields keep their order
  std::string response_body;
  double elapsed_ms = 0;

  // The first response field of that name (case-insensitive).
  std::optional<std::string> header(std::string_view name) const;
  // Every response field of that name, in order (Set-Cookie).
  std::vector<std::string> headers_named(std::string_view name) const;
  // A shell command that sends the same request.
  std::string curl_line(bool redact = true) const;
  // The exchange as text (request, then response), bodies cut at 4 KiB.
  std::string to_text(bool redact = true) const;
};

enum class TransportError {
  kInvalidUrl,        // not an absolute http(s) URL
  kConnectionFailed,  // refused, unreachable, reset
  kTimeout,
  kTlsFailed,
  kRateLimited,  // still 429 after the retry bound
};
std::string_view to_string(TransportError code);

struct HttpOptions {
  int timeout_ms = 15'000;
  int max_rate_limit_retries = 3;
  int max_retry_wait_ms = 15'000;  // longer X-Retry-After values are not waited out
};

Result<Exchange, TransportError> send_http(const HttpRequestSpec& request,
                                           const HttpOptions& options = {});

// The CA certificates (PEM file) that verify https targets, for a target
// whose certificate no system CA signed (AUTH_TARGET_CA_FILE); empty: the
// system's store. Set it once, before the first request. curl lines carry
// it as --cacert.
void set_ca_file(std::string path);
const std::string& ca_file();

// Sends bytes verbatim on a new connection to an http:// origin and returns
// what came back until the server closed or `timeout_ms` passed (for
// malformed framing that a client library would refuse to send).
struct RawResponse {
  int status = 0;  // 0: nothing parseable came back
  std::string head;
  std::string body;
  bool closed_by_server = false;
};
Result<RawResponse, TransportError> send_raw(std::string_view origin, std::string_view bytes,
                                             int timeout_ms = 10'000);

// "200 application/json {"ok":true}" with the body cut and secrets
// redacted, for failure messages.
std::string describe(const Exchange& exchange);

// How GoogleTest prints an Exchange in a failed assertion: describe().
void PrintTo(const Exchange& exchange, std::ostream* out);

// Replaces secrets in text meant for people: cookie values, bearer tokens,
// JWTs, the bridge key, passwords in JSON bodies.
std::string redact(std::string_view text);

}  // namespace authconf
