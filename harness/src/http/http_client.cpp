#include "authconf/http_client.h"

#include <httplib.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <memory>
#include <regex>
#include <thread>

#include "authconf/transcript.h"

namespace authconf {
namespace {

using Clock = std::chrono::steady_clock;

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

struct SplitUrl {
  std::string origin;  // scheme://authority
  std::string path;    // from the first '/', "/" when empty
};

std::optional<SplitUrl> split_url(std::string_view url) {
  std::size_t scheme_end;
  if (url.starts_with("http://")) {
    scheme_end = 7;
  } else if (url.starts_with("https://")) {
    scheme_end = 8;
  } else {
    return std::nullopt;
  }
  const std::size_t slash = url.find('/', scheme_end);
  const std::size_t authority_end = slash == std::string_view::npos ? url.size() : slash;
  if (authority_end == scheme_end) return std::nullopt;
  SplitUrl split{std::string(url.substr(0, authority_end)),
                 slash == std::string_view::npos ? "/" : std::string(url.substr(slash))};
  return split;
}

// One keep-alive client per origin and thread; a request on a connection
// the server has closed meanwhile is retried once on a fresh one.
httplib::Client& client_for(const std::string& origin, int timeout_ms, bool fresh) {
  thread_local std::map<std::string, std::unique_ptr<httplib::Client>> clients;
  auto& slot = clients[origin];
  if (!slot || fresh) {
    slot = std::make_unique<httplib::Client>(origin);
    slot->set_keep_alive(true);
    slot->set_follow_location(false);
    slot->set_url_encode(false);
    slot->set_decompress(false);
    const auto seconds = timeout_ms / 1000;
    const auto micros = (timeout_ms % 1000) * 1000;
    slot->set_connection_timeout(seconds, micros);
    slot->set_read_timeout(seconds, micros);
    slot->set_write_timeout(seconds, micros);
  }
  return *slot;
}

TransportError transport_error(httplib::Error error) {
  switch (error) {
    case httplib::Error::ConnectionTimeout:
      return TransportError::kTimeout;
    case httplib::Error::SSLConnection:
    case httplib::Error::SSLLoadingCerts:
    case httplib::Error::SSLServerVerification:
      return TransportError::kTlsFailed;
    default:
      return TransportError::kConnectionFailed;
  }
}

std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

Result<Exchange, TransportError> send_once(const HttpRequestSpec& request, const SplitUrl& url,
                                           const HttpOptions& options) {
  httplib::Request outgoing;
  outgoing.method = request.method;
  outgoing.path = url.path;
  for (const auto& [name, value] : request.headers) outgoing.headers.emplace(name, value);
  outgoing.body = request.body;
  const auto started = Clock::now();
  httplib::Result result = client_for(url.origin, options.timeout_ms, false).send(outgoing);
  if (!result &&
      (result.error() == httplib::Error::Read || result.error() == httplib::Error::Write ||
       result.error() == httplib::Error::Connection)) {
    result = client_for(url.origin, options.timeout_ms, true).send(outgoing);
  }
  if (!result) {
    return fail(transport_error(result.error()),
                request.method + " " + request.url + ": " + httplib::to_string(result.error()));
  }
  Exchange exchange;
  exchange.method = request.method;
  exchange.url = request.url;
  exchange.request_headers = request.headers;
  exchange.request_body = request.body;
  exchange.status = result->status;
  for (const auto& [name, value] : result->headers)
    exchange.response_headers.emplace_back(name, value);
  exchange.response_body = result->body;
  exchange.elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  return exchange;
}

}  // namespace

std::string_view to_string(TransportError code) {
  switch (code) {
    case TransportError::kInvalidUrl:
      return "invalid-url";
    case TransportError::kConnectionFailed:
      return "connection-failed";
    case TransportError::kTimeout:
      return "timeout";
    case TransportError::kTlsFailed:
      return "tls-failed";
    case TransportError::kRateLimited:
      return "rate-limited";
  }
  return "unknown";
}

std::optional<std::string> Exchange::header(std::string_view name) const {
  for (const auto& [field, value] : response_headers) {
    if (iequal(field, name)) return value;
  }
  return std::nullopt;
}

std::vector<std::string> Exchange::headers_named(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [field, value] : response_headers) {
    if (iequal(field, name)) values.push_back(value);
  }
  return values;
}

std::string Exchange::curl_line(bool redact_secrets) const {
  std::string line = "curl -sS -i -X " + method + " " + shell_quote(url);
  for (const auto& [name, value] : request_headers)
    line += " -H " + shell_quote(name + ": " + value);
  if (!request_body.empty()) line += " --data-binary " + shell_quote(request_body);
  return redact_secrets ? redact(line) : line;
}

std::string Exchange::to_text(bool redact_secrets) const {
  constexpr std::size_t kBodyMax = 4096;
  const auto cut = [](const std::string& body) {
    return body.size() > kBodyMax
               ? body.substr(0, kBodyMax) + "… (" + std::to_string(body.size()) + " bytes)"
               : body;
  };
  std::string text = "> " + method + " " + url + "\n";
  for (const auto& [name, value] : request_headers) text += "> " + name + ": " + value + "\n";
  if (!request_body.empty()) text += ">\n> " + cut(request_body) + "\n";
  text += "< " + std::to_string(status) + "\n";
  for (const auto& [name, value] : response_headers) text += "< " + name + ": " + value + "\n";
  if (!response_body.empty()) text += "<\n< " + cut(response_body) + "\n";
  return redact_secrets ? redact(text) : text;
}

Result<Exchange, TransportError> send_http(const HttpRequestSpec& request,
                                           const HttpOptions& options) {
  const auto url = split_url(request.url);
  if (!url) return fail(TransportError::kInvalidUrl, request.url);
  for (int attempt = 0;; ++attempt) {
    auto exchange = send_once(request, *url, options);
    if (!exchange) return exchange;
    transcript::record(*exchange);
    if (exchange->status != 429) return exchange;
    // Better Auth's limiter says how long to wait, in seconds.
    const auto retry_after = exchange->header("x-retry-after");
    int wait_ms = -1;
    if (retry_after && !retry_after->empty() &&
        retry_after->find_first_not_of("0123456789") == std::string::npos &&
        retry_after->size() < 7) {
      wait_ms = std::stoi(*retry_after) * 1000;
    }
    if (wait_ms < 0) return exchange;  // a 429 without the header is the answer itself
    if (attempt >= options.max_rate_limit_retries || wait_ms > options.max_retry_wait_ms) {
      return fail(TransportError::kRateLimited,
                  request.method + " " + request.url + ": still 429 (X-Retry-After: " +
                      *retry_after + ") after " + std::to_string(attempt) + " retries");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
  }
}

Result<RawResponse, TransportError> send_raw(std::string_view origin, std::string_view bytes,
                                             int timeout_ms) {
  if (!origin.starts_with("http://")) {
    return fail(TransportError::kInvalidUrl,
                "raw requests need an http:// origin: " + std::string(origin));
  }
  std::string authority(origin.substr(7));
  if (auto slash = authority.find('/'); slash != std::string::npos) authority.resize(slash);
  std::string host = authority;
  std::string port = "80";
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string::npos) return fail(TransportError::kInvalidUrl, std::string(origin));
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':')
      port = authority.substr(close + 2);
  } else if (auto colon = authority.rfind(':'); colon != std::string::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0 || found == nullptr) {
    return fail(TransportError::kConnectionFailed, "cannot resolve " + host);
  }
  int fd = ::socket(found->ai_family, found->ai_socktype, found->ai_protocol);
  timeval timeout{.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
  if (fd >= 0) {
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  }
  const bool connected = fd >= 0 && ::connect(fd, found->ai_addr, found->ai_addrlen) == 0;
  ::freeaddrinfo(found);
  if (!connected) {
    if (fd >= 0) ::close(fd);
    return fail(TransportError::kConnectionFailed, "cannot connect to " + std::string(origin));
  }
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may refuse early and close
    sent += static_cast<std::size_t>(n);
  }
  RawResponse response;
  std::string received;
  char buffer[65536];
  while (true) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n == 0) response.closed_by_server = true;
    if (n <= 0) break;
    received.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  const std::size_t end = received.find("\r\n\r\n");
  if (received.starts_with("HTTP/1.") && received.size() >= 12 && end != std::string::npos) {
    response.status = std::atoi(received.substr(9, 3).c_str());
    response.head = received.substr(0, end);
    response.body = received.substr(end + 4);
  } else {
    response.head = received;
  }
  Exchange exchange;
  exchange.method = "RAW";
  exchange.url = std::string(origin);
  exchange.request_body = std::string(bytes.substr(0, 4096));
  exchange.status = response.status;
  exchange.response_body = received.substr(0, 4096);
  transcript::record(exchange);
  return response;
}

std::string describe(const Exchange& exchange) {
  std::string text = std::to_string(exchange.status);
  if (auto type = exchange.header("content-type")) text += " " + *type;
  std::string body = exchange.response_body.substr(0, 400);
  if (exchange.response_body.size() > 400) body += "…";
  text += body.empty() ? " (no body)" : " " + body;
  return redact(text);
}

std::string redact(std::string_view text) {
  static const std::regex kCookieValue(
      R"(((?:^|[\s'>])(?:cookie|set-cookie|better-auth-cookie|set-better-auth-cookie):\s*)([^\n']*))",
      std::regex::icase);
  static const std::regex kPair(R"(([A-Za-z0-9_.\-]+)=([^;,\s']+))");
  static const std::regex kAuthorization(
      R"(((?:authorization|x-conformance-key):\s*(?:Bearer\s+)?)[^\s']+)", std::regex::icase);
  static const std::regex kJwt(R"(eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*)");
  static const std::regex kSecretField(
      R"re(("(?:password|newPassword|currentPassword|token|accessToken|refreshToken|idToken|secret|privateKey)"\s*:\s*)"(?:[^"\\]|\\.)*")re");
  std::string out(text);
  // Cookie lines: keep the names and attributes, drop the values.
  std::string rewritten;
  auto begin = std::sregex_iterator(out.begin(), out.end(), kCookieValue);
  std::size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const auto& match = *it;
    rewritten += out.substr(last, static_cast<std::size_t>(match.position(2)) - last);
    rewritten += std::regex_replace(match.str(2), kPair, "$1=<redacted>");
    last = static_cast<std::size_t>(match.position(2) + match.length(2));
  }
  rewritten += out.substr(last);
  out = std::regex_replace(rewritten, kAuthorization, "$1<redacted>");
  out = std::regex_replace(out, kJwt, "<jwt redacted>");
  out = std::regex_replace(out, kSecretField, "$1\"<redacted>\"");
  return out;
}

}  // namespace authconf
