#include "authconf/http_client.h"

#include <curl/curl.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <memory>
#include <mutex>
#include <regex>
#include <set>
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

// libcurl, not cpp-httplib: cpp-httplib 0.11 percent-decodes every response
// header value (a Set-Cookie `%2F` arrives as `/`), which would break every
// byte-exact cookie and Location check. One easy handle per thread keeps
// its connections alive between requests; curl_easy_reset() keeps them.
CURL* thread_handle() {
  static std::once_flag initialised;
  std::call_once(initialised, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  struct Handle {
    CURL* curl = curl_easy_init();
    ~Handle() { curl_easy_cleanup(curl); }
  };
  thread_local Handle handle;
  curl_easy_reset(handle.curl);
  return handle.curl;
}

TransportError transport_error(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return TransportError::kTimeout;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return TransportError::kInvalidUrl;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
      return TransportError::kTlsFailed;
    default:
      return TransportError::kConnectionFailed;
  }
}

struct Received {
  HeaderList headers;
  std::string body;
};

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* received = static_cast<Received*>(user);
  std::string_view line(data, size * count);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.starts_with("HTTP/")) {
    received->headers.clear();  // an interim 1xx answer came first
  } else if (const std::size_t colon = line.find(':'); colon != std::string_view::npos) {
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    received->headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return size * count;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<Received*>(user)->body.append(data, size * count);
  return size * count;
}

bool has_header(const HeaderList& headers, std::string_view name) {
  for (const auto& [field, value] : headers) {
    if (iequal(field, name)) return true;
  }
  return false;
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

Result<Exchange, TransportError> send_once(const HttpRequestSpec& request,
                                           const HttpOptions& options) {
  CURL* curl = thread_handle();
  Received received;
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  // The target as written: no dot-segment squashing, no redirects followed,
  // HTTP/1.1 as the real servers speak it, no compression asked for.
  curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  if (!ca_file().empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file().c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout_ms));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.timeout_ms));
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &received);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &received);

  const bool has_body = !request.body.empty() || request.method == "POST" ||
                        request.method == "PUT" || request.method == "PATCH";
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "GET" && !has_body) {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  if (has_body) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
  }
  // Only the caller's fields (and Host, Content-Length): curl's own Accept,
  // Expect and form Content-Type are switched off unless the caller set them.
  curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) {
    // "Name;" is curl's spelling of a field with an empty value.
    const std::string line = value.empty() ? name + ";" : name + ": " + value;
    headers = curl_slist_append(headers, line.c_str());
  }
  for (const char* name : {"Accept", "Expect", "Content-Type"}) {
    if (!has_header(request.headers, name)) {
      headers = curl_slist_append(headers, (std::string(name) + ":").c_str());
    }
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

  const auto started = Clock::now();
  const CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (code != CURLE_OK) {
    return fail(transport_error(code),
                request.method + " " + request.url + ": " + curl_easy_strerror(code));
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  Exchange exchange;
  exchange.method = request.method;
  exchange.url = request.url;
  exchange.request_headers = request.headers;
  exchange.request_body = request.body;
  exchange.status = static_cast<int>(status);
  exchange.response_headers = std::move(received.headers);
  exchange.response_body = std::move(received.body);
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
  if (url.starts_with("https://") && !ca_file().empty())
    line += " --cacert " + shell_quote(ca_file());
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

namespace {
std::string& ca_file_storage() {
  static std::string path;
  return path;
}
}  // namespace

void set_ca_file(std::string path) { ca_file_storage() = std::move(path); }
const std::string& ca_file() { return ca_file_storage(); }

Result<Exchange, TransportError> send_http(const HttpRequestSpec& request,
                                           const HttpOptions& options) {
  const auto url = split_url(request.url);
  if (!url) return fail(TransportError::kInvalidUrl, request.url);
  for (int attempt = 0;; ++attempt) {
    auto exchange = send_once(request, options);
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

void PrintTo(const Exchange& exchange, std::ostream* out) {
  *out << exchange.method << " " << exchange.url << " -> " << describe(exchange);
}

namespace {

// Every name=value of a cookie line loses its value, except a Set-Cookie
// attribute's (Max-Age=604800, Path=/, SameSite=Lax): those are behaviour a
// reader needs, and no secret.
std::string redact_cookie_pairs(const std::string& line) {
  static const std::regex kPair(R"(([A-Za-z0-9_.\-]+)=([^;,\s']+))");
  static const std::set<std::string> kAttributes = {"max-age", "path",     "domain",
                                                    "expires", "samesite", "priority"};
  std::string out;
  std::size_t last = 0;
  for (auto it = std::sregex_iterator(line.begin(), line.end(), kPair);
       it != std::sregex_iterator(); ++it) {
    const auto& match = *it;
    std::string name = match.str(1);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out += line.substr(last, static_cast<std::size_t>(match.position(0)) - last);
    out += kAttributes.contains(name) ? match.str(0) : match.str(1) + "=<redacted>";
    last = static_cast<std::size_t>(match.position(0) + match.length(0));
  }
  return out + line.substr(last);
}

}  // namespace

std::string redact(std::string_view text) {
  static const std::regex kCookieValue(
      R"(((?:^|[\s'>])(?:cookie|set-cookie|better-auth-cookie|set-better-auth-cookie):\s*)([^\n']*))",
      std::regex::icase);
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
    rewritten += redact_cookie_pairs(match.str(2));
    last = static_cast<std::size_t>(match.position(2) + match.length(2));
  }
  rewritten += out.substr(last);
  out = std::regex_replace(rewritten, kAuthorization, "$1<redacted>");
  out = std::regex_replace(out, kJwt, "<jwt redacted>");
  out = std::regex_replace(out, kSecretField, "$1\"<redacted>\"");
  return out;
}

}  // namespace authconf
