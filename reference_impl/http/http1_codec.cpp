#include "http/http1_codec.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <vector>

namespace authref::http {
namespace {

constexpr std::string_view kMethods[] = {"GET",   "HEAD",   "POST",   "PUT",
                                         "PATCH", "DELETE", "OPTIONS"};
// A chunk-size line with extensions is short; a longer one is garbage.
constexpr std::size_t kChunkLineMaxBytes = 1024;

ParseResult refuse(int status) {
  ParseResult result;
  result.outcome = ParseOutcome::kRefused;
  result.status = status;
  result.keep_alive = false;
  return result;
}

std::string_view trim_ows(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    if (iequals(trim_ows(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

bool parse_request_line(std::string_view line, HttpRequest& request, bool& http10) {
  const std::size_t first = line.find(' ');
  if (first == std::string_view::npos) return false;
  const std::size_t second = line.find(' ', first + 1);
  if (second == std::string_view::npos || line.find(' ', second + 1) != std::string_view::npos) {
    return false;
  }
  const std::string_view method = line.substr(0, first);
  const std::string_view target = line.substr(first + 1, second - first - 1);
  const std::string_view version = line.substr(second + 1);
  if (std::find(std::begin(kMethods), std::end(kMethods), method) == std::end(kMethods)) {
    return false;
  }
  if (target.empty()) return false;
  for (unsigned char c : target) {
    if (c <= 0x20 || c == 0x7F) return false;
  }
  if (version == "HTTP/1.1") {
    http10 = false;
  } else if (version == "HTTP/1.0") {
    http10 = true;
  } else {
    return false;
  }
  request.method = std::string(method);
  request.target = std::string(target);
  return true;
}

enum class ChunkedOutcome { kIncomplete, kComplete, kBad, kTooLarge };

// Decodes a chunked body that starts at bytes[0]; on kComplete, `consumed`
// covers the last chunk and the trailer section (trailers are dropped, as
// Node keeps them apart from the headers).
ChunkedOutcome decode_chunked(std::string_view bytes, std::size_t max, std::string& body,
                              std::size_t& consumed) {
  std::size_t at = 0;
  body.clear();
  while (true) {
    const std::size_t eol = bytes.find("\r\n", at);
    if (eol == std::string_view::npos) {
      return bytes.size() - at > kChunkLineMaxBytes ? ChunkedOutcome::kBad
                                                    : ChunkedOutcome::kIncomplete;
    }
    std::string_view size_line = bytes.substr(at, eol - at);
    if (size_line.size() > kChunkLineMaxBytes) return ChunkedOutcome::kBad;
    size_line = size_line.substr(0, size_line.find(';'));
    size_line = trim_ows(size_line);
    if (size_line.empty() || size_line.size() > 8) return ChunkedOutcome::kBad;
    std::size_t size = 0;
    for (char c : size_line) {
      int digit;
      if (c >= '0' && c <= '9') {
        digit = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        digit = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        digit = c - 'A' + 10;
      } else {
        return ChunkedOutcome::kBad;
      }
      size = size * 16 + static_cast<std::size_t>(digit);
    }
    at = eol + 2;
    if (size == 0) {
      // Trailer fields, then the empty line.
      while (true) {
        const std::size_t end = bytes.find("\r\n", at);
        if (end == std::string_view::npos) {
          return bytes.size() - at > kChunkLineMaxBytes ? ChunkedOutcome::kBad
                                                        : ChunkedOutcome::kIncomplete;
        }
        const bool last = end == at;
        at = end + 2;
        if (last) {
          consumed = at;
          return ChunkedOutcome::kComplete;
        }
      }
    }
    if (body.size() + size > max) return ChunkedOutcome::kTooLarge;
    if (bytes.size() < at + size + 2) return ChunkedOutcome::kIncomplete;
    if (bytes.substr(at + size, 2) != "\r\n") return ChunkedOutcome::kBad;
    body.append(bytes.substr(at, size));
    at += size + 2;
  }
}

}  // namespace

ParseResult parse_request(std::string_view bytes, const ParseLimits& limits) {
  ParseResult result;
  // RFC 9112 §2.2: empty lines before the request line are ignored (a
  // client may send a stray CRLF after a body).
  std::size_t start = 0;
  while (bytes.substr(start, 2) == "\r\n") start += 2;

  // The head: lines up to the first empty one, each ending in CRLF.
  std::vector<std::string_view> lines;
  std::size_t at = start;
  std::size_t head_end = std::string_view::npos;
  while (true) {
    const std::size_t lf = bytes.find('\n', at);
    const std::size_t line_max =
        lines.empty() ? limits.request_line_max_bytes : limits.header_line_max_bytes;
    const int too_long = lines.empty() ? 414 : 400;
    if (lf == std::string_view::npos) {
      if (bytes.size() - at > line_max) return refuse(too_long);
      if (bytes.size() - start > limits.head_max_bytes) return refuse(431);
      return result;  // kIncomplete
    }
    if (lf == at || bytes[lf - 1] != '\r') return refuse(400);  // a bare LF
    const std::string_view line = bytes.substr(at, lf - 1 - at);
    if (line.size() > line_max) return refuse(too_long);
    at = lf + 1;
    if (at - start > limits.head_max_bytes) return refuse(431);
    if (line.empty()) {
      head_end = at;
      break;
    }
    lines.push_back(line);
  }
  if (lines.empty()) return refuse(400);

  HttpRequest& request = result.request;
  bool http10 = false;
  if (!parse_request_line(lines[0], request, http10)) return refuse(400);
  std::string_view content_length;
  std::string_view transfer_encoding;
  bool has_content_length = false;
  bool has_transfer_encoding = false;
  bool connection_close = false;
  bool connection_keep_alive = false;
  bool expect_continue = false;
  int host_fields = 0;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    if (line.front() == ' ' || line.front() == '\t') return refuse(400);  // obs-fold
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return refuse(400);
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = trim_ows(line.substr(colon + 1));
    if (!is_valid_header_field(name, value)) return refuse(400);
    if (iequals(name, "content-length")) {
      if (has_content_length && value != content_length) return refuse(400);
      has_content_length = true;
      content_length = value;
    } else if (iequals(name, "transfer-encoding")) {
      if (has_transfer_encoding) return refuse(400);
      has_transfer_encoding = true;
      transfer_encoding = value;
    } else if (iequals(name, "connection")) {
      connection_close = connection_close || has_token(value, "close");
      connection_keep_alive = connection_keep_alive || has_token(value, "keep-alive");
    } else if (iequals(name, "expect")) {
      expect_continue = iequals(value, "100-continue");
    } else if (iequals(name, "host")) {
      ++host_fields;
    }
    request.headers.add(std::string(name), std::string(value));
  }
  // RFC 9112 §3.2: an HTTP/1.1 request without exactly one Host is a 400
  // (Node answers so too); HTTP/1.0 clients may leave it out.
  if (host_fields > 1 || (!http10 && host_fields == 0)) return refuse(400);
  result.head_complete = true;
  result.keep_alive = http10 ? connection_keep_alive && !connection_close : !connection_close;

  const std::string_view rest = bytes.substr(head_end);
  if (has_transfer_encoding) {
    if (has_content_length || http10 || !iequals(transfer_encoding, "chunked")) {
      return refuse(400);
    }
    std::size_t consumed = 0;
    switch (decode_chunked(rest, limits.payload_max_bytes, request.body, consumed)) {
      case ChunkedOutcome::kBad:
        return refuse(400);
      case ChunkedOutcome::kTooLarge:
        return refuse(413);
      case ChunkedOutcome::kIncomplete:
        request.body.clear();
        result.expects_continue = expect_continue;
        return result;
      case ChunkedOutcome::kComplete:
        result.outcome = ParseOutcome::kComplete;
        result.consumed = head_end + consumed;
        return result;
    }
  }
  std::size_t length = 0;
  if (has_content_length) {
    // is_valid_header_field() let digits only through; more than 15 of
    // them is far over any limit.
    if (content_length.size() > 15) return refuse(413);
    length = std::stoull(std::string(content_length));
    if (length > limits.payload_max_bytes) return refuse(413);
  }
  if (rest.size() < length) {
    result.expects_continue = expect_continue;
    return result;
  }
  request.body = std::string(rest.substr(0, length));
  result.outcome = ParseOutcome::kComplete;
  result.consumed = head_end + length;
  return result;
}

bool is_safe_response_header(std::string_view name, std::string_view value) {
  return !name.empty() &&
         name.find_first_of(std::string_view("\r\n\0:", 4)) == std::string_view::npos &&
         value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

std::string serialize_response(const HttpResponse& response, const ResponseFraming& framing) {
  static constexpr std::string_view kTransportFields[] = {"content-length", "transfer-encoding",
                                                          "connection", "keep-alive", "date"};
  std::vector<std::pair<std::string, const Headers::Field*>> fields;
  fields.reserve(response.headers.fields().size());
  for (const auto& field : response.headers.fields()) {
    std::string lower = to_lower_ascii(field.name);
    if (std::find(std::begin(kTransportFields), std::end(kTransportFields), lower) !=
        std::end(kTransportFields)) {
      continue;
    }
    fields.emplace_back(std::move(lower), &field);
  }
  std::stable_sort(fields.begin(), fields.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });

  std::string out;
  out.reserve(256 + response.body.size());
  const std::string_view reason = reason_phrase(response.status);
  out += "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out += reason.empty() ? std::string_view("Unknown") : reason;
  out += "\r\n";
  for (const auto& [lower, field] : fields) {
    out += field->name;
    out += ": ";
    out += field->value;
    out += "\r\n";
  }
  if (response.status != 204 && response.status != 304) {
    out += "content-length: ";
    out += std::to_string(response.body.size());
    out += "\r\n";
  }
  if (!framing.date.empty()) {
    out += "Date: ";
    out += framing.date;
    out += "\r\n";
  }
  if (framing.keep_alive) {
    out += "Connection: keep-alive\r\nKeep-Alive: timeout=";
    out += std::to_string(framing.keep_alive_timeout_s);
    out += "\r\n\r\n";
  } else {
    out += "Connection: close\r\n\r\n";
  }
  if (!framing.head_only) out += response.body;
  return out;
}

std::string_view http_date_now() {
  thread_local std::time_t cached_second = -1;
  thread_local char text[40] = {};
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  if (now != cached_second) {
    std::tm parts{};
    gmtime_r(&now, &parts);
    // strftime's %a/%b follow the C locale, which is the one HTTP wants.
    std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &parts);
    cached_second = now;
  }
  return text;
}

}  // namespace authref::http
