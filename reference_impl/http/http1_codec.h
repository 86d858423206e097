// authref/http/http1_codec.h: HTTP/1.1 framing for the listener, as pure
// functions over bytes (RFC 9112), so every refusal is testable without a
// socket.
//
// parse_request() looks at the bytes a connection has received so far and
// says whether they start with a complete request, need more bytes, or must
// be refused. It is stateless: the listener calls it again with the longer
// buffer when more bytes arrive (a head is at most 64 KiB and a body at most
// payload_max_bytes, so re-reading is cheap next to the handler).
//
// What it refuses, and with what (Node's llhttp is the model; where the
// listener has always answered differently, the old answer stays):
//   - a request line over 8 KiB: 414; any other head line over 8 KiB: 400;
//     a head over 64 KiB: 431;
//   - a bare LF line ending, obsolete line folding, a request line that is
//     not `METHOD SP target SP HTTP/1.x`, a method outside GET, HEAD, POST,
//     PUT, PATCH, DELETE, OPTIONS: 400;
//   - a field is_valid_header_field() refuses: 400;
//   - an HTTP/1.1 request without a Host field, or any with two: 400;
//   - Content-Length and Transfer-Encoding together, two different
//     Content-Lengths, a Transfer-Encoding other than `chunked`, a broken
//     chunk: 400 (the usual request-smuggling guards);
//   - a body over payload_max_bytes, by Content-Length or chunked: 413.
//
//   auto parsed = parse_request(buffer, {});
//   if (parsed.outcome == ParseOutcome::kComplete) buffer.erase(0, parsed.consumed);
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/http_message.h"

namespace authref::http {

struct ParseLimits {
  std::size_t request_line_max_bytes = 8192;
  std::size_t header_line_max_bytes = 8192;
  std::size_t head_max_bytes = 64 * 1024;
  std::size_t payload_max_bytes = std::size_t{1} << 20;
};

enum class ParseOutcome {
  kIncomplete,  // a prefix of a valid request: read more
  kComplete,    // `request` holds it; `consumed` bytes belong to it
  kRefused,     // answer `status` and close the connection
};

struct ParseResult {
  ParseOutcome outcome = ParseOutcome::kIncomplete;
  int status = 0;  // kRefused: 400, 413, 414 or 431
  std::size_t consumed = 0;
  HttpRequest request;  // kComplete; method, target and headers also once the head is in
  bool head_complete = false;
  bool keep_alive = true;         // HTTP/1.1 unless `Connection: close`; 1.0 only if asked
  bool expects_continue = false;  // `Expect: 100-continue` with a body still to come
};

ParseResult parse_request(std::string_view bytes, const ParseLimits& limits);

// The bytes of a response: the status line, `fields` in a stable order by
// lower-cased name (a Fetch `Headers` object iterates that way, Set-Cookie
// fields keep their order), content-length (none on 204 and 304), Date,
// and Connection/Keep-Alive as Node writes them. Transport fields the
// handler set (content-length, transfer-encoding, connection, keep-alive,
// date) are dropped. With `head_only` the body is not written but its
// length is announced.
struct ResponseFraming {
  bool keep_alive = true;
  std::int64_t keep_alive_timeout_s = 5;
  bool head_only = false;
  std::string_view date;  // an IMF-fixdate; empty: no Date field
};
std::string serialize_response(const HttpResponse& response, const ResponseFraming& framing);

// Whether serialize_response() can put these fields on the wire without
// letting a value split the response (CR, LF or NUL; a colon in a name).
bool is_safe_response_header(std::string_view name, std::string_view value);

// The current time as an IMF-fixdate ("Sun, 22 Nov 2026 10:55:59 GMT"),
// recomputed at most once a second per thread.
std::string_view http_date_now();

}  // namespace authref::http
