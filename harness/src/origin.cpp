// WHATWG URL parsing, as far as an origin needs it, and better-auth 1.6.34's
// trusted-origin matching.
//
// uriparser implements RFC 3986, which disagrees with the WHATWG parser that
// browsers and Node use on exactly what an attacker plays with: "\" as "/",
// "http:evil.com" with no slashes, several "@", hex and octal IPv4 numbers,
// percent-encoded hosts, trimming and tab removal. So the WHATWG state machine
// is followed here step by step (https://url.spec.whatwg.org/#concept-basic-url-parser,
// only the states an origin depends on), and uriparser parses the one part on
// which both standards agree: an IPv6 address literal.
#include "authconf/origin.h"

#include <unicode/uidna.h>
#include <uriparser/Uri.h>
#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace authconf {

std::string_view to_string(OriginError code) {
  switch (code) {
    case OriginError::kInvalidUrl:
      return "invalid-url";
    case OriginError::kUnsupportedHost:
      return "unsupported-host";
    case OriginError::kInvalidUtf8:
      return "invalid-utf8";
  }
  return "unknown";
}

namespace {

using HostResult = Result<std::string, OriginError>;

constexpr std::uint64_t kIpv4Overflow = 0x100000000ULL;  // any value this large fails

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool is_slash(char c) { return c == '/' || c == '\\'; }

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  return lower(c) - 'a' + 10;
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

bool is_utf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t at = 0;
  const auto size = static_cast<utf8proc_ssize_t>(text.size());
  while (at < size) {
    utf8proc_int32_t code_point = 0;
    const utf8proc_ssize_t used = utf8proc_iterate(bytes + at, size - at, &code_point);
    if (used <= 0) return false;
    at += used;
  }
  return true;
}

// UTF-16 code units, as a JavaScript string holds the text; a byte that is no
// part of valid UTF-8 becomes U+FFFD, as TextDecoder would make it.
std::u16string to_utf16(std::string_view text) {
  std::u16string out;
  out.reserve(text.size());
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t at = 0;
  const auto size = static_cast<utf8proc_ssize_t>(text.size());
  while (at < size) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t used = utf8proc_iterate(bytes + at, size - at, &cp);
    if (used <= 0) {
      cp = 0xFFFD;
      used = 1;
    }
    at += used;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
  }
  return out;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = text.find(separator, start);
    if (end == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

// The schemes with a tuple origin, and their default ports.
std::optional<std::uint32_t> default_port(std::string_view scheme) {
  if (scheme == "http" || scheme == "ws") return 80;
  if (scheme == "https" || scheme == "wss") return 443;
  if (scheme == "ftp") return 21;
  return std::nullopt;
}

// Steps 1-3 of the basic URL parser: strip leading and trailing C0 control
// or space, then every ASCII tab or newline anywhere.
std::string preprocess(std::string_view input) {
  std::size_t begin = 0;
  std::size_t end = input.size();
  while (begin < end && static_cast<unsigned char>(input[begin]) <= 0x20) ++begin;
  while (end > begin && static_cast<unsigned char>(input[end - 1]) <= 0x20) --end;
  std::string out;
  out.reserve(end - begin);
  for (std::size_t i = begin; i < end; ++i) {
    if (input[i] != '\t' && input[i] != '\n' && input[i] != '\r') out.push_back(input[i]);
  }
  return out;
}

// WHATWG percent-decode: "%" not followed by two hex digits stays as it is.
std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && is_hex(text[i + 1]) && is_hex(text[i + 2])) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

bool is_forbidden_host_code_point(unsigned char c) {
  switch (c) {
    case 0x00:
    case '\t':
    case '\n':
    case '\r':
    case ' ':
    case '#':
    case '/':
    case ':':
    case '<':
    case '>':
    case '?':
    case '@':
    case '[':
    case '\\':
    case ']':
    case '^':
    case '|':
      return true;
    default:
      return false;
  }
}

bool is_forbidden_domain_code_point(unsigned char c) {
  return is_forbidden_host_code_point(c) || c <= 0x1F || c == '%' || c == 0x7F;
}

// "C0 control percent-encode set": C0 controls and everything above "~".
std::string percent_encode_c0(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c > 0x7E) {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

// --- IPv6 -----------------------------------------------------------------

std::string serialize_ipv6(const std::array<std::uint16_t, 8>& pieces) {
  // The first longest run of two or more zero pieces is compressed.
  int compress = -1;
  int best = 1;
  for (int i = 0; i < 8;) {
    if (pieces[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && pieces[j] == 0) ++j;
    if (j - i > best) {
      best = j - i;
      compress = i;
    }
    i = j;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "[";
  bool ignore_zero = false;
  for (int i = 0; i < 8; ++i) {
    if (ignore_zero && pieces[i] == 0) continue;
    ignore_zero = false;
    if (compress == i) {
      out += i == 0 ? "::" : ":";
      ignore_zero = true;
      continue;
    }
    std::string digits;
    std::uint16_t value = pieces[i];
    do {
      digits.insert(digits.begin(), kHex[value & 0xF]);
      value = static_cast<std::uint16_t>(value >> 4);
    } while (value != 0);
    out += digits;
    if (i != 7) out += ':';
  }
  out += ']';
  return out;
}

// The WHATWG IPv6 parser accepts the RFC 3986 IPv6address grammar (no zone
// id, no IPvFuture), so uriparser does the parsing here.
HostResult parse_ipv6(std::string_view literal) {
  if (literal.empty() || literal.find_first_not_of("0123456789abcdefABCDEF:.") != literal.npos) {
    return fail(OriginError::kInvalidUrl, "invalid IPv6 address");
  }
  const std::string text = "x://[" + std::string(literal) + "]";
  UriUriA uri;
  const char* error_at = nullptr;
  if (uriParseSingleUriExA(&uri, text.data(), text.data() + text.size(), &error_at) !=
      URI_SUCCESS) {
    return fail(OriginError::kInvalidUrl, "invalid IPv6 address");
  }
  std::array<std::uint16_t, 8> pieces{};
  const bool is_ip6 = uri.hostData.ip6 != nullptr;
  if (is_ip6) {
    for (std::size_t i = 0; i < 8; ++i) {
      pieces[i] = static_cast<std::uint16_t>((uri.hostData.ip6->data[2 * i] << 8) |
                                             uri.hostData.ip6->data[2 * i + 1]);
    }
  }
  uriFreeUriMembersA(&uri);
  if (!is_ip6) return fail(OriginError::kInvalidUrl, "invalid IPv6 address");
  return serialize_ipv6(pieces);
}

// --- IPv4 -----------------------------------------------------------------

// The IPv4 number parser: decimal, "0x" hex or leading-"0" octal. Values of
// 2^32 and more saturate at kIpv4Overflow, which every caller rejects.
std::optional<std::uint64_t> parse_ipv4_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t radix = 10;
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    radix = 16;
    text.remove_prefix(2);
  } else if (text.size() >= 2 && text[0] == '0') {
    radix = 8;
    text.remove_prefix(1);
  }
  std::uint64_t value = 0;
  for (const char c : text) {
    std::uint64_t digit = 0;
    if (radix == 16 && is_hex(c)) {
      digit = static_cast<std::uint64_t>(hex_value(c));
    } else if (is_digit(c) && static_cast<std::uint64_t>(c - '0') < radix) {
      digit = static_cast<std::uint64_t>(c - '0');
    } else {
      return std::nullopt;
    }
    value = std::min(value * radix + digit, kIpv4Overflow);
  }
  return value;
}

bool ends_in_a_number(std::string_view domain) {
  std::vector<std::string_view> parts = split(domain, '.');
  if (parts.back().empty()) {
    if (parts.size() == 1) return false;
    parts.pop_back();
  }
  const std::string_view last = parts.back();
  if (!last.empty() && std::all_of(last.begin(), last.end(), is_digit)) return true;
  return parse_ipv4_number(last).has_value();
}

HostResult parse_ipv4(std::string_view domain) {
  std::vector<std::string_view> parts = split(domain, '.');
  if (parts.back().empty() && parts.size() > 1) parts.pop_back();
  if (parts.size() > 4)
    return fail(OriginError::kInvalidUrl, "IPv4 address with more than 4 parts");
  std::vector<std::uint64_t> numbers;
  for (const std::string_view part : parts) {
    const auto number = parse_ipv4_number(part);
    if (!number) return fail(OriginError::kInvalidUrl, "invalid IPv4 number");
    numbers.push_back(*number);
  }
  for (std::size_t i = 0; i + 1 < numbers.size(); ++i) {
    if (numbers[i] > 255) return fail(OriginError::kInvalidUrl, "IPv4 part above 255");
  }
  const std::uint64_t limit = 1ULL << (8 * (5 - numbers.size()));
  if (numbers.back() >= limit) return fail(OriginError::kInvalidUrl, "IPv4 address out of range");
  std::uint64_t address = numbers.back();
  for (std::size_t i = 0; i + 1 < numbers.size(); ++i) address += numbers[i] << (8 * (3 - i));
  return std::to_string((address >> 24) & 0xFF) + "." + std::to_string((address >> 16) & 0xFF) +
         "." + std::to_string((address >> 8) & 0xFF) + "." + std::to_string(address & 0xFF);
}

// --- Domains --------------------------------------------------------------

// UTS #46 ToASCII with the URL Standard's flags: CheckHyphens=false,
// CheckBidi=true, CheckJoiners=true, UseSTD3ASCIIRules=false,
// Transitional_Processing=false, VerifyDnsLength=false.
HostResult uts46_to_ascii(std::string_view domain) {
  static UIDNA* const idna = [] {
    UErrorCode status = U_ZERO_ERROR;
    UIDNA* opened =
        uidna_openUTS46(UIDNA_CHECK_BIDI | UIDNA_CHECK_CONTEXTJ | UIDNA_NONTRANSITIONAL_TO_ASCII |
                            UIDNA_NONTRANSITIONAL_TO_UNICODE,
                        &status);
    return U_SUCCESS(status) ? opened : nullptr;
  }();
  if (idna == nullptr) return fail(OriginError::kUnsupportedHost, "ICU UTS #46 did not open");
  if (domain.size() > (1U << 20)) return fail(OriginError::kInvalidUrl, "host too long");
  constexpr std::uint32_t kIgnored = UIDNA_ERROR_EMPTY_LABEL | UIDNA_ERROR_LABEL_TOO_LONG |
                                     UIDNA_ERROR_DOMAIN_NAME_TOO_LONG | UIDNA_ERROR_LEADING_HYPHEN |
                                     UIDNA_ERROR_TRAILING_HYPHEN | UIDNA_ERROR_HYPHEN_3_4;
  std::string out(domain.size() * 4 + 64, '\0');
  for (int attempt = 0; attempt < 2; ++attempt) {
    UErrorCode status = U_ZERO_ERROR;
    UIDNAInfo info = UIDNA_INFO_INITIALIZER;
    const int32_t length =
        uidna_nameToASCII_UTF8(idna, domain.data(), static_cast<int32_t>(domain.size()), out.data(),
                               static_cast<int32_t>(out.size()), &info, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
      out.assign(static_cast<std::size_t>(length) + 1, '\0');
      continue;
    }
    if (U_FAILURE(status)) return fail(OriginError::kInvalidUrl, "UTS #46 failed");
    if ((info.errors & ~kIgnored) != 0) {
      return fail(OriginError::kInvalidUrl,
                  "UTS #46 rejects the host (error bits " + std::to_string(info.errors) + ")");
    }
    out.resize(static_cast<std::size_t>(length));
    return out;
  }
  return fail(OriginError::kInvalidUrl, "UTS #46 output did not fit");
}

bool has_punycode_label(std::string_view domain) {
  for (const std::string_view label : split(domain, '.')) {
    if (label.size() >= 4 && lower(label[0]) == 'x' && lower(label[1]) == 'n' && label[2] == '-' &&
        label[3] == '-') {
      return true;
    }
  }
  return false;
}

// "domain to ASCII" with beStrict=false. An ASCII domain without "xn--"
// labels only needs lower-casing (the Standard says so); anything else needs
// UTS #46.
HostResult domain_to_ascii(std::string_view domain) {
  const bool ascii = std::all_of(domain.begin(), domain.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  std::string result;
  if (ascii && !has_punycode_label(domain)) {
    result = lower_ascii(domain);
  } else {
    auto mapped = uts46_to_ascii(domain);
    if (!mapped) return mapped;
    result = std::move(*mapped);
  }
  if (result.empty()) return fail(OriginError::kInvalidUrl, "host maps to the empty string");
  return result;
}

// The host parser. `opaque` is true for schemes without a tuple origin
// (myapp:, exp:, ...), whose hosts are checked and percent-encoded but
// neither decoded nor lower-cased.
HostResult parse_host(std::string_view input, bool opaque) {
  if (!input.empty() && input.front() == '[') {
    if (input.size() < 2 || input.back() != ']') {
      return fail(OriginError::kInvalidUrl, "unclosed IPv6 address");
    }
    return parse_ipv6(input.substr(1, input.size() - 2));
  }
  if (opaque) {
    for (const char c : input) {
      if (is_forbidden_host_code_point(static_cast<unsigned char>(c))) {
        return fail(OriginError::kInvalidUrl, "forbidden code point in host");
      }
    }
    return percent_encode_c0(input);
  }
  const std::string decoded = percent_decode(input);
  // Invalid UTF-8 decodes to U+FFFD, which UTS #46 disallows: always a failure.
  if (!is_utf8(decoded)) return fail(OriginError::kInvalidUrl, "host is not UTF-8");
  auto ascii = domain_to_ascii(decoded);
  if (!ascii) return ascii;
  for (const char c : *ascii) {
    if (is_forbidden_domain_code_point(static_cast<unsigned char>(c))) {
      return fail(OriginError::kInvalidUrl, "forbidden code point in host");
    }
  }
  if (ends_in_a_number(*ascii)) return parse_ipv4(*ascii);
  return ascii;
}

struct HostAndPort {
  std::string hostname;
  std::optional<std::uint32_t> port;
};

// The authority, host and port states on the authority text (everything up
// to the first "/", "?", "#", or for special schemes "\").
Result<HostAndPort, OriginError> parse_authority(std::string_view authority, bool special,
                                                 std::optional<std::uint32_t> default_port) {
  const std::size_t at = authority.rfind('@');  // the last "@" ends the userinfo
  const std::string_view host_port = at == authority.npos ? authority : authority.substr(at + 1);
  if (at != authority.npos && host_port.empty()) {
    return fail(OriginError::kInvalidUrl, "credentials without a host");
  }
  bool inside_brackets = false;
  std::size_t colon = host_port.npos;
  for (std::size_t i = 0; i < host_port.size(); ++i) {
    if (host_port[i] == '[') inside_brackets = true;
    if (host_port[i] == ']') inside_brackets = false;
    if (host_port[i] == ':' && !inside_brackets) {
      colon = i;
      break;
    }
  }
  const std::string_view host_text = host_port.substr(0, colon);
  if (host_text.empty() && (colon != host_port.npos || special)) {
    return fail(OriginError::kInvalidUrl, "empty host");
  }
  HostAndPort out;
  if (!host_text.empty()) {
    auto host = parse_host(host_text, !special);
    if (!host) return std::unexpected(host.error());
    out.hostname = std::move(*host);
  }
  if (colon != host_port.npos) {
    const std::string_view digits = host_port.substr(colon + 1);
    std::uint32_t port = 0;
    for (const char c : digits) {
      if (!is_digit(c)) return fail(OriginError::kInvalidUrl, "port is not a number");
      port = std::min<std::uint32_t>(port * 10 + static_cast<std::uint32_t>(c - '0'), 65536);
    }
    if (port > 65535) return fail(OriginError::kInvalidUrl, "port above 65535");
    if (!digits.empty() && port != default_port) out.port = port;
  }
  return out;
}

Result<UrlParts, OriginError> parse(std::string_view input, bool resolve_blob);

// A blob: URL's origin is that of the URL in its path, when that is http(s).
Result<std::string, OriginError> blob_origin(std::string_view after_scheme) {
  // A path starting with "/" (or an authority) serialises to "/...", which
  // does not parse without a base.
  if (after_scheme.starts_with('/')) return std::string("null");
  const std::string path =
      percent_encode_c0(after_scheme.substr(0, after_scheme.find_first_of("?#")));
  auto inner = parse(path, /*resolve_blob=*/false);
  if (!inner) {
    if (inner.error().code == OriginError::kInvalidUrl) return std::string("null");
    return std::unexpected(inner.error());
  }
  if (inner->protocol != "http:" && inner->protocol != "https:") return std::string("null");
  return inner->origin;
}

Result<UrlParts, OriginError> parse(std::string_view input, bool resolve_blob) {
  const std::string text = preprocess(input);
  // Scheme start and scheme states. Without a base URL, anything that is not
  // "scheme:" fails.
  if (text.empty() || !is_alpha(text[0])) {
    return fail(OriginError::kInvalidUrl, "no scheme (a relative URL needs a base)");
  }
  std::size_t colon = 1;
  while (colon < text.size() && (is_alnum(text[colon]) || text[colon] == '+' ||
                                 text[colon] == '-' || text[colon] == '.')) {
    ++colon;
  }
  if (colon == text.size() || text[colon] != ':') {
    return fail(OriginError::kInvalidUrl, "no scheme (a relative URL needs a base)");
  }
  const std::string scheme = lower_ascii(std::string_view(text).substr(0, colon));
  const std::string_view rest = std::string_view(text).substr(colon + 1);
  const auto scheme_port = default_port(scheme);

  UrlParts parts;
  parts.protocol = scheme + ":";
  std::optional<std::uint32_t> port;
  if (scheme_port) {
    // Special authority (ignore) slashes: any run of "/" and "\", even none.
    std::string_view authority = rest.substr(std::min(rest.find_first_not_of("/\\"), rest.size()));
    authority = authority.substr(0, authority.find_first_of("/\\?#"));
    auto host = parse_authority(authority, /*special=*/true, scheme_port);
    if (!host) return std::unexpected(host.error());
    parts.hostname = std::move(host->hostname);
    port = host->port;
  } else if (scheme == "file") {
    // File slash and file host states: a host only after two slashes, never
    // a port, and "localhost" means none.
    if (rest.size() >= 2 && is_slash(rest[0]) && is_slash(rest[1])) {
      const std::string_view after = rest.substr(2);
      const std::string_view buffer = after.substr(0, after.find_first_of("/\\?#"));
      const bool drive_letter =
          buffer.size() == 2 && is_alpha(buffer[0]) && (buffer[1] == ':' || buffer[1] == '|');
      if (!buffer.empty() && !drive_letter) {
        auto host = parse_host(buffer, /*opaque=*/false);
        if (!host) return std::unexpected(host.error());
        if (*host != "localhost") parts.hostname = std::move(*host);
      }
    }
  } else if (rest.starts_with("//")) {
    std::string_view authority = rest.substr(2);
    authority = authority.substr(0, authority.find_first_of("/?#"));
    auto host = parse_authority(authority, /*special=*/false, std::nullopt);
    if (!host) return std::unexpected(host.error());
    parts.hostname = std::move(host->hostname);
    port = host->port;
  }
  // Any other path, query or fragment never makes the parser fail.

  if (port) parts.port = std::to_string(*port);
  parts.host = parts.port.empty() ? parts.hostname : parts.hostname + ":" + parts.port;
  if (scheme_port) {
    parts.origin = scheme + "://" + parts.host;
  } else if (scheme == "blob" && resolve_blob) {
    auto origin = blob_origin(rest);
    if (!origin) return std::unexpected(origin.error());
    parts.origin = std::move(*origin);
  } else {
    parts.origin = "null";
  }
  return parts;
}

// --- Wildcards ------------------------------------------------------------

// The pieces of the RegExp that Better Auth's wildcard transform() builds.
enum class GlobOp {
  kLiteral,       // one code unit
  kOne,           // ?      [^/\\]
  kRun,           // *      [^/\\]*?
  kSepPlus,       // "/"    [/\\]+?
  kSepStar,       // end    [/\\]*?
  kGlobstarPlus,  // **     (?:[^/\\]*?[/\\]+?)*?
  kGlobstarStar,  // **     (?:[^/\\]*?[/\\]*?)*?
};

struct GlobToken {
  GlobOp op;
  char16_t unit = 0;
};

bool is_separator(char16_t unit) { return unit == u'/' || unit == u'\\'; }

// transform(pattern, separator = true) from better-auth dist/utils/wildcard.mjs.
std::vector<GlobToken> compile_glob(std::u16string_view pattern) {
  std::vector<std::u16string_view> segments;
  for (std::size_t start = 0;;) {
    const std::size_t end = pattern.find(u'/', start);
    segments.push_back(pattern.substr(start, end == pattern.npos ? pattern.npos : end - start));
    if (end == pattern.npos) break;
    start = end + 1;
  }
  std::vector<GlobToken> tokens;
  for (std::size_t s = 0; s < segments.size(); ++s) {
    const std::u16string_view segment = segments[s];
    if (segment.empty() && s > 0) continue;
    std::optional<GlobOp> separator;
    if (s == segments.size() - 1) {
      separator = GlobOp::kSepStar;
    } else if (segments[s + 1] != u"**") {
      separator = GlobOp::kSepPlus;
    }
    if (segment == u"**") {
      if (separator) {
        if (s != 0) tokens.push_back({*separator});
        tokens.push_back(
            {*separator == GlobOp::kSepPlus ? GlobOp::kGlobstarPlus : GlobOp::kGlobstarStar});
      }
      continue;
    }
    for (std::size_t c = 0; c < segment.size(); ++c) {
      if (segment[c] == u'\\') {
        if (c + 1 < segment.size()) {
          tokens.push_back({GlobOp::kLiteral, segment[c + 1]});
          ++c;
        }
      } else if (segment[c] == u'?') {
        tokens.push_back({GlobOp::kOne});
      } else if (segment[c] == u'*') {
        tokens.push_back({GlobOp::kRun});
      } else {
        tokens.push_back({GlobOp::kLiteral, segment[c]});
      }
    }
    if (separator) tokens.push_back({*separator});
  }
  return tokens;
}

// Whether the anchored token sequence matches all of `subject`: dynamic
// programming over (token, position), so no input can make it backtrack
// exponentially or recurse deeply.
bool glob_matches(const std::vector<GlobToken>& tokens, std::u16string_view subject) {
  const std::size_t n = subject.size();
  std::vector<char> next(n + 1, 0);  // tokens[i + 1 ..] matches subject[j ..]
  std::vector<char> current(n + 1, 0);
  next[n] = 1;
  for (std::size_t i = tokens.size(); i-- > 0;) {
    const GlobToken& token = tokens[i];
    bool ends_in_separator_match = false;  // for kGlobstarPlus
    for (std::size_t j = n + 1; j-- > 0;) {
      const bool has = j < n;
      const char16_t unit = has ? subject[j] : 0;
      bool ok = false;
      switch (token.op) {
        case GlobOp::kLiteral:
          ok = has && unit == token.unit && next[j + 1];
          break;
        case GlobOp::kOne:
          ok = has && !is_separator(unit) && next[j + 1];
          break;
        case GlobOp::kRun:
          ok = next[j] || (has && !is_separator(unit) && current[j + 1]);
          break;
        case GlobOp::kSepPlus:
          ok = has && is_separator(unit) && (next[j + 1] || current[j + 1]);
          break;
        case GlobOp::kSepStar:
          ok = next[j] || (has && is_separator(unit) && current[j + 1]);
          break;
        case GlobOp::kGlobstarStar:
          ok = next[j] || (has && current[j + 1]);
          break;
        case GlobOp::kGlobstarPlus:
          // Empty, or any text whose last unit is a separator.
          if (has && is_separator(unit) && next[j + 1]) ends_in_separator_match = true;
          ok = next[j] || ends_in_separator_match;
          break;
      }
      current[j] = ok ? 1 : 0;
    }
    next.swap(current);
  }
  return next[0] != 0;
}

bool is_word_char(char c) { return is_alnum(c) || c == '_'; }

}  // namespace

Result<UrlParts, OriginError> parse_url(std::string_view url) {
  if (!is_utf8(url)) return fail(OriginError::kInvalidUtf8, "input is not UTF-8");
  return parse(url, /*resolve_blob=*/true);
}

Result<std::string, OriginError> origin_of(std::string_view url) {
  auto parts = parse_url(url);
  if (!parts) return std::unexpected(parts.error());
  return std::move(parts->origin);
}

// /^\/(?!\/|\\|%2f|%5c)[\w\-.\+/@]*(?:\?[\w\-.\+/=&%@]*)?$/ from
// matchesOriginPattern in better-auth 1.6.34 dist/auth/trusted-origins.mjs.
bool is_safe_relative_url(std::string_view url) {
  if (!url.starts_with('/')) return false;
  const std::string_view after = url.substr(1);
  if (after.starts_with('/') || after.starts_with('\\') || after.starts_with("%2f") ||
      after.starts_with("%5c")) {
    return false;
  }
  std::size_t i = 0;
  const auto in_path = [](char c) {
    return is_word_char(c) || c == '-' || c == '.' || c == '+' || c == '/' || c == '@';
  };
  const auto in_query = [](char c) {
    return is_word_char(c) || c == '-' || c == '.' || c == '+' || c == '/' || c == '=' ||
           c == '&' || c == '%' || c == '@';
  };
  while (i < after.size() && in_path(after[i])) ++i;
  if (i == after.size()) return true;
  if (after[i] != '?') return false;
  return std::all_of(after.begin() + static_cast<std::ptrdiff_t>(i) + 1, after.end(), in_query);
}

bool wildcard_match(std::string_view pattern, std::string_view subject) {
  return glob_matches(compile_glob(to_utf16(pattern)), to_utf16(subject));
}

Result<bool, OriginError> matches_origin_pattern(std::string_view url, std::string_view pattern,
                                                 TrustedOriginOptions options) {
  if (url.starts_with('/')) return options.allow_relative_paths && is_safe_relative_url(url);
  // getOrigin, getHost and getProtocol all answer null when `new URL` throws.
  auto parts = parse_url(url);
  if (!parts && parts.error().code != OriginError::kInvalidUrl) {
    return std::unexpected(parts.error());
  }
  const bool has_wildcard = pattern.find_first_of("*?") != pattern.npos;
  if (has_wildcard) {
    if (pattern.find("://") != pattern.npos) {
      const bool has_origin = parts && parts->origin != "null";
      return wildcard_match(pattern, has_origin ? std::string_view(parts->origin) : url);
    }
    if (!parts || parts->host.empty()) return false;
    return wildcard_match(pattern, parts->host);
  }
  if (!parts) return false;  // pattern === null
  if (parts->protocol == "http:" || parts->protocol == "https:") return pattern == parts->origin;
  return url.starts_with(pattern);
}

Result<bool, OriginError> is_trusted_origin(std::string_view url,
                                            std::span<const std::string> patterns,
                                            TrustedOriginOptions options) {
  for (const std::string& pattern : patterns) {
    if (pattern.empty()) continue;
    auto match = matches_origin_pattern(url, pattern, options);
    if (!match || *match) return match;
  }
  return false;
}

}  // namespace authconf
