// The rapidcheck generators of authconf/gen.h. Every generator builds its
// value from code points it picks (encoded to UTF-8 here), so what it
// promises holds by construction; harness/tests/gen_test.cpp checks each
// promise against an independent oracle (zod's regex, ICU, Node's URL).
#include "authconf/gen.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "authconf/origin.h"

namespace authconf::gen {
namespace {

using CodePoints = std::u32string;

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string to_utf8(const CodePoints& points) {
  std::string out;
  for (char32_t cp : points) append_utf8(out, cp);
  return out;
}

// UTF-16 code units of a run of code points.
std::size_t units_of(const CodePoints& points) {
  std::size_t units = 0;
  for (char32_t cp : points) units += cp >= 0x10000 ? 2 : 1;
  return units;
}

// A code point uniformly from one of several inclusive ranges (picked first,
// so a small script is as likely as CJK).
rc::Gen<char32_t> from_ranges(std::vector<std::pair<char32_t, char32_t>> ranges) {
  return rc::gen::exec([ranges = std::move(ranges)] {
    const auto [low, high] = *rc::gen::elementOf(ranges);
    return *rc::gen::inRange<char32_t>(low, high + 1);
  });
}

// Characters NFKC changes (so Better Auth hashes something else than the
// bytes sent: `password.normalize("NFKC")`, @better-auth/utils password.mjs).
constexpr std::array<char32_t, 18> kNfkcSensitive = {
    0xFB01,   // ﬁ  -> "fi"
    0xFB03,   // ﬃ  -> "ffi"
    0xFF21,   // Ａ -> "A"
    0xFF10,   // ０ -> "0"
    0x2460,   // ① -> "1"
    0x210C,   // ℌ -> "H"
    0x00B2,   // ²  -> "2"
    0x2126,   // Ω (ohm) -> Ω
    0x212B,   // Å (angstrom) -> Å
    0x00BD,   // ½  -> "1⁄2"
    0x2122,   // ™  -> "TM"
    0x2163,   // Ⅳ -> "IV"
    0x00AA,   // ª  -> "a"
    0x017F,   // ſ  -> "s"
    0x3000,   // ideographic space -> " "
    0x1D49C,  // 𝒜 -> "A" (astral too)
    0x1D400,  // 𝐀 -> "A" (astral too)
    0x2075,   // ⁵  -> "5"
};

// Astral characters (two UTF-16 units, four UTF-8 bytes).
rc::Gen<char32_t> astral() {
  return rc::gen::weightedOneOf<char32_t>(
      {{2, rc::gen::element<char32_t>(0x1F600, 0x1D49C, 0x20000)},  // 😀 𝒜 𠀀
       {3, from_ranges({{0x1F600, 0x1F64F},                         // emoticons
                        {0x1F300, 0x1F5FF},                         // pictographs
                        {0x20000, 0x2A6DF},                         // CJK extension B
                        {0x1D400, 0x1D454}})}});                    // math letters
}

// Letters of other scripts in the BMP (one UTF-16 unit, two or three bytes).
rc::Gen<char32_t> other_script() {
  return from_ranges({{0x00E0, 0x00F6},    // Latin-1 é ö
                      {0x0430, 0x044F},    // Cyrillic
                      {0x03B1, 0x03C9},    // Greek
                      {0x05D0, 0x05EA},    // Hebrew
                      {0x0627, 0x064A},    // Arabic
                      {0x0905, 0x0939},    // Devanagari
                      {0x0E01, 0x0E2E},    // Thai
                      {0x4E00, 0x9FFF},    // CJK
                      {0xAC00, 0xD7A3}});  // Hangul syllables
}

// Three-byte BMP letters: UTF-8 is three times `.length`.
rc::Gen<char32_t> wide() { return from_ranges({{0x4E00, 0x9FFF}, {0xAC00, 0xD7A3}}); }

constexpr std::array<char32_t, 9> kCombiningMarks = {0x0300, 0x0301, 0x0302, 0x0303, 0x0308,
                                                     0x030A, 0x0327, 0x0328, 0x20DD};

rc::Gen<char32_t> ascii_letter() {
  return rc::gen::oneOf(rc::gen::inRange<char32_t>('a', 'z' + 1),
                        rc::gen::inRange<char32_t>('A', 'Z' + 1));
}

// One piece of a password: a code point, or a letter and a combining mark.
rc::Gen<CodePoints> single(rc::Gen<char32_t> gen) {
  return rc::gen::map(std::move(gen), [](char32_t cp) { return CodePoints(1, cp); });
}
rc::Gen<CodePoints> combining() {
  return rc::gen::exec([] {
    return CodePoints{*ascii_letter(), *rc::gen::elementOf(kCombiningMarks)};
  });
}

enum class Style { kAscii, kMixed, kAstral, kWide, kLatin1, kNfkc, kCombining };

rc::Gen<CodePoints> piece(Style style) {
  const auto ascii = single(rc::gen::inRange<char32_t>(0x20, 0x7F));
  switch (style) {
    case Style::kAscii:
      return ascii;
    case Style::kAstral:
      return rc::gen::weightedOneOf<CodePoints>({{6, single(astral())}, {1, ascii}});
    case Style::kWide:
      return rc::gen::weightedOneOf<CodePoints>({{6, single(wide())}, {1, ascii}});
    case Style::kLatin1:
      return single(rc::gen::inRange<char32_t>(0x00E0, 0x00F7));
    case Style::kNfkc:
      return rc::gen::weightedOneOf<CodePoints>(
          {{3, single(rc::gen::elementOf(kNfkcSensitive))}, {2, ascii}});
    case Style::kCombining:
      return rc::gen::weightedOneOf<CodePoints>({{3, combining()}, {2, ascii}});
    case Style::kMixed:
      break;
  }
  return rc::gen::weightedOneOf<CodePoints>({{5, ascii},
                                             {2, single(other_script())},
                                             {1, single(rc::gen::elementOf(kNfkcSensitive))},
                                             {1, single(astral())},
                                             {1, combining()}});
}

// Exactly `units` UTF-16 units in `style`; a piece that would overshoot is
// replaced by an ASCII letter.
std::string fill(Style style, std::size_t units) {
  CodePoints out;
  std::size_t have = 0;
  const auto gen = piece(style);
  while (have < units) {
    CodePoints next = *gen;
    if (have + units_of(next) > units) next = CodePoints(1, *ascii_letter());
    have += units_of(next);
    out += next;
  }
  return to_utf8(out);
}

int checked_min(int min, int max) {
  if (max < 1 || min > max) {
    throw std::invalid_argument("authconf::gen password: need max >= 1 and min <= max, got " +
                                std::to_string(min) + ".." + std::to_string(max));
  }
  return std::max(min, 1);
}

// A length in [low, high] with the edges likely: low, low+1, high-1, high,
// or anywhere within low+64.
std::size_t edge_length(int low, int high) {
  const int spread = std::min(high, low + 64);
  const int length = *rc::gen::weightedOneOf<int>({{2, rc::gen::just(low)},
                                                   {1, rc::gen::just(low + 1)},
                                                   {2, rc::gen::just(high)},
                                                   {1, rc::gen::just(high - 1)},
                                                   {4, rc::gen::inRange(low, spread + 1)}});
  return static_cast<std::size_t>(std::clamp(length, low, high));
}

// --- emails ---------------------------------------------------------------

rc::Gen<char> alnum() {
  return rc::gen::weightedOneOf<char>({{4, rc::gen::inRange('a', static_cast<char>('z' + 1))},
                                       {1, rc::gen::inRange('A', static_cast<char>('Z' + 1))},
                                       {2, rc::gen::inRange('0', static_cast<char>('9' + 1))}});
}
// [A-Za-z0-9_'+\-]: any local-part character.
rc::Gen<char> local_char() {
  return rc::gen::weightedOneOf<char>({{8, alnum()}, {1, rc::gen::element('_', '\'', '+', '-')}});
}
// [A-Za-z0-9_+-]: the last local-part character (no apostrophe).
rc::Gen<char> local_last() {
  return rc::gen::weightedOneOf<char>({{8, alnum()}, {1, rc::gen::element('_', '+', '-')}});
}

std::string repeat(const rc::Gen<char>& gen, int low, int high) {
  const int count = *rc::gen::inRange(low, high + 1);
  std::string out;
  for (int i = 0; i < count; ++i) out += *gen;
  return out;
}

// (?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]
std::string local_part() {
  std::string out;
  const int atoms = *rc::gen::weightedElement<int>({{3, 0}, {2, 1}, {1, 2}});
  for (int i = 0; i < atoms; ++i) out += repeat(local_char(), 1, 8) + ".";
  return out + repeat(local_char(), 0, 7) + *local_last();
}

// Reserved names only (RFC 2606 and RFC 6761): mail to them goes nowhere.
constexpr std::array<const char*, 8> kReservedSuffixes = {
    "example",     "test",        "invalid",     "localhost",
    "example.com", "example.net", "example.org", "conformance.example"};

// (?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,} with a reserved suffix.
std::string domain_part() {
  const std::string suffix = *rc::gen::elementOf(kReservedSuffixes);
  const bool dotted = suffix.find('.') != std::string::npos;
  const int labels = *rc::gen::inRange(dotted ? 0 : 1, dotted ? 3 : 4);
  const auto label_char = rc::gen::weightedOneOf<char>({{6, alnum()}, {1, rc::gen::just('-')}});
  std::string out;
  for (int i = 0; i < labels; ++i) out += *alnum() + repeat(label_char, 0, 10) + ".";
  return out + suffix;
}

std::string mix_case(std::string text) {
  const int style = *rc::gen::weightedElement<int>({{3, 0}, {2, 1}, {1, 2}});
  for (char& c : text) {
    const bool upper = style == 2 || (style == 1 && *rc::gen::arbitrary<bool>());
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return text;
}

bool is_local_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '\'' || c == '+' || c == '-';
}

// --- origins --------------------------------------------------------------

std::string random_label() {
  const auto tail =
      rc::gen::weightedOneOf<char>({{3, rc::gen::inRange('a', static_cast<char>('z' + 1))},
                                    {1, rc::gen::inRange('0', static_cast<char>('9' + 1))}});
  return std::string(1, *rc::gen::inRange('a', static_cast<char>('z' + 1))) + repeat(tail, 0, 7);
}

std::string evil_domain() {
  return *rc::gen::weightedOneOf<std::string>(
      {{2,
        rc::gen::element<std::string>("evil.com", "attacker.test", "example.org", "evil.example")},
       {1, rc::gen::exec([] {
          return random_label() + "." +
                 *rc::gen::element<std::string>("com", "net", "dev", "io", "test");
        })}});
}

// Lower-case homoglyphs (UTS #46 keeps them as they are, so the punycode
// label is valid): Cyrillic а с е о р х у і ѕ ј һ ӏ, Greek κ.
char32_t homoglyph_of(char c) {
  switch (c) {
    case 'a':
      return 0x0430;
    case 'c':
      return 0x0441;
    case 'e':
      return 0x0435;
    case 'o':
      return 0x043E;
    case 'p':
      return 0x0440;
    case 'x':
      return 0x0445;
    case 'y':
      return 0x0443;
    case 'i':
      return 0x0456;
    case 's':
      return 0x0455;
    case 'j':
      return 0x0458;
    case 'h':
      return 0x04BB;
    case 'l':
      return 0x04CF;
    case 'k':
      return 0x03BA;
    default:
      return 0;
  }
}

bool is_ipv4(std::string_view host) {
  return !host.empty() &&
         std::ranges::all_of(host, [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

struct AllowedOrigin {
  std::string scheme;  // "http" or "https"
  std::string host;    // as serialised: lower case, punycode, [v6]
  std::string port;    // empty for the scheme's default
  std::string origin;

  std::string default_port() const { return scheme == "https" ? "443" : "80"; }
  std::string port_suffix() const { return port.empty() ? "" : ":" + port; }
  std::string with(const std::string& other_scheme, const std::string& other_host,
                   const std::string& other_port_suffix) const {
    return other_scheme + "://" + other_host + other_port_suffix;
  }
  std::string with_host(const std::string& other_host) const {
    return with(scheme, other_host, port_suffix());
  }
};

AllowedOrigin parse_allowed(const std::string& allowed) {
  auto parts = parse_url(allowed);
  if (!parts || (parts->protocol != "http:" && parts->protocol != "https:")) {
    throw std::invalid_argument("authconf::gen::hostile_origin: not an http(s) origin: " + allowed);
  }
  return {parts->protocol.substr(0, parts->protocol.size() - 1), parts->hostname, parts->port,
          parts->origin};
}

std::string flip_case(std::string text) {
  for (char& c : text) {
    if (!*rc::gen::arbitrary<bool>()) continue;
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    } else if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return text;
}

// Whether some label (not already punycode) has a letter with a homoglyph.
bool has_homoglyph(const std::string& host) {
  bool punycode_label = false;
  for (std::size_t i = 0; i < host.size(); ++i) {
    if (i == 0 || host[i - 1] == '.') punycode_label = host.compare(i, 4, "xn--") == 0;
    if (!punycode_label && homoglyph_of(host[i]) != 0) return true;
  }
  return false;
}

// The host with one letter of one label replaced by a homoglyph, that label
// punycode-encoded (has_homoglyph(host) must hold).
std::string idn_lookalike(const std::string& host) {
  std::vector<std::string> labels;
  std::size_t start = 0;
  for (std::size_t dot = host.find('.'); dot != std::string::npos; dot = host.find('.', start)) {
    labels.push_back(host.substr(start, dot - start));
    start = dot + 1;
  }
  labels.push_back(host.substr(start));
  std::vector<std::pair<std::size_t, std::size_t>> spots;  // (label, position)
  for (std::size_t l = 0; l < labels.size(); ++l) {
    if (labels[l].starts_with("xn--")) continue;
    for (std::size_t i = 0; i < labels[l].size(); ++i) {
      if (homoglyph_of(labels[l][i]) != 0) spots.emplace_back(l, i);
    }
  }
  const auto [label, position] = *rc::gen::elementOf(spots);
  CodePoints points(labels[label].begin(), labels[label].end());
  points[position] = homoglyph_of(labels[label][position]);
  labels[label] = "xn--" + detail::punycode(points);
  std::string out;
  for (std::size_t l = 0; l < labels.size(); ++l) out += (l ? "." : "") + labels[l];
  return out;
}

constexpr std::array<const char*, 15> kCategories = {
    "other-host", "host-as-suffix", "host-as-prefix", "subdomain", "other-port",   "other-scheme",
    "userinfo",   "backslash",      "null",           "case",      "trailing-dot", "percent",
    "idn",        "loopback-alias", "malformed"};

std::pair<std::string, std::string> candidate(const AllowedOrigin& a, std::string category) {
  const std::string& h = a.host;
  const bool ip = is_ipv4(h) || h.starts_with("[");
  if ((category == "trailing-dot" && ip) || (category == "idn" && !has_homoglyph(h))) {
    category = "other-host";  // IPv4 drops a trailing dot; an IP has no letters
  }
  std::string out;
  if (category == "other-host") {
    out = a.with_host(*rc::gen::weightedOneOf<std::string>(
        {{2, rc::gen::exec([] { return evil_domain(); })},
         {1, rc::gen::exec([] { return random_label() + ".example.com"; })}}));
  } else if (category == "host-as-suffix") {  // evil host ending with the allowed one
    out = a.with_host(random_label() + *rc::gen::element<std::string>("", "-") + h);
  } else if (category == "host-as-prefix") {  // evil host starting with the allowed one
    out = a.with_host(h + *rc::gen::element<std::string>(".", "-", "") + evil_domain());
  } else if (category == "subdomain") {
    out = a.with_host(random_label() + "." + h);
  } else if (category == "other-port") {
    std::vector<std::string> ports = {"1", "0", "3000", "5173", "8080", "8443", "65535"};
    if (!a.port.empty()) {
      const int port = std::stoi(a.port);
      ports.push_back(std::to_string(port + 1));
      if (port > 1) ports.push_back(std::to_string(port - 1));
    }
    std::erase_if(ports,
                  [&](const std::string& p) { return p == a.port || p == a.default_port(); });
    std::vector<std::string> suffixes;
    for (const auto& p : ports) suffixes.push_back(":" + p);
    if (!a.port.empty()) suffixes.push_back("");  // the default port instead
    out = a.with(a.scheme, h, *rc::gen::elementOf(suffixes));
  } else if (category == "other-scheme") {
    const std::string other = a.scheme == "https" ? "http" : "https";
    out = *rc::gen::weightedOneOf<std::string>(
        {{4, rc::gen::just(a.with(other, h, a.port_suffix()))},
         {1, rc::gen::exec([&] {
            return a.with(*rc::gen::element<std::string>("ws", "wss", "ftp"), h, a.port_suffix());
          })},
         {1, rc::gen::just("chrome-extension://" + random_label())},
         {1, rc::gen::just(std::string("file://"))}});
  } else if (category == "userinfo") {  // the allowed origin is only the userinfo
    const std::string evil = evil_domain();
    out = *rc::gen::element<std::string>(a.origin + "@" + evil, a.scheme + "://" + h + "@" + evil,
                                         a.scheme + "://user:pass@" + evil + a.port_suffix());
  } else if (category == "backslash") {  // "\" ends the host of a special URL
    const std::string evil = evil_domain();
    out = *rc::gen::element<std::string>(a.scheme + "://" + evil + "\\@" + h + a.port_suffix(),
                                         a.scheme + ":\\\\" + evil + a.port_suffix());
  } else if (category == "null") {
    out = "null";
  } else if (category == "case") {  // a hostile origin in another case
    const std::string base = *rc::gen::element<std::string>(
        "host-as-prefix", "subdomain", "other-port", "other-scheme", "userinfo", "percent");
    out = flip_case(candidate(a, base).second);
  } else if (category == "trailing-dot") {  // "localhost." is another host
    out = a.with_host(h + *rc::gen::element<std::string>(".", ".."));
  } else if (category == "percent") {  // decodes to another host, or to none
    out = *rc::gen::element<std::string>(
        a.with_host(h + "%2e" + evil_domain()), a.with_host(random_label() + "%2e" + h),
        a.with_host(h + "%2f." + evil_domain()), a.with_host(h + "%40" + evil_domain()));
  } else if (category == "idn") {
    out = a.with_host(idn_lookalike(h));
  } else if (category == "loopback-alias") {
    std::vector<std::string> aliases = {"localhost", "127.0.0.1", "[::1]", "127.0.0.2", "0.0.0.0"};
    std::erase(aliases, h);
    out = a.with_host(*rc::gen::elementOf(aliases));
  } else {  // malformed: `new URL` throws, or the origin is opaque
    std::vector<std::string> forms = {a.scheme + "://", a.with(a.scheme, h, ":99999"),
                                      "//" + h + a.port_suffix(), h + a.port_suffix(),
                                      a.with(a.scheme, h, a.port_suffix() + ":1")};
    if (!h.starts_with("[")) forms.push_back(a.with_host("[" + h + "]"));
    out = *rc::gen::elementOf(forms);
  }
  return {category, out};
}

// --- where clauses --------------------------------------------------------

struct FieldInfo {
  const char* name;
  char type;  // 's' string, 'n' number, 'b' boolean
  bool optional;
  bool date;
  bool unique = false;  // §2.3: checkUniqueFields and the unique fast path
};

struct ModelInfo {
  const char* name;
  std::vector<FieldInfo> fields;
};

// The component schema of @convex-dev/better-auth 0.12.5 (src/component/
// schema.ts; spec/convex-component.md §2.1). Dates are epoch-ms numbers.
const std::vector<ModelInfo>& schema() {
  static const std::vector<ModelInfo> kSchema = {
      {"user",
       {{"name", 's', false, false},
        {"email", 's', false, false, true},
        {"emailVerified", 'b', false, false},
        {"image", 's', true, false},
        {"createdAt", 'n', false, true},
        {"updatedAt", 'n', false, true},
        {"twoFactorEnabled", 'b', true, false},
        {"isAnonymous", 'b', true, false},
        {"username", 's', true, false, true},
        {"displayUsername", 's', true, false},
        {"phoneNumber", 's', true, false, true},
        {"phoneNumberVerified", 'b', true, false},
        {"userId", 's', true, false}}},
      {"session",
       {{"expiresAt", 'n', false, true},
        {"token", 's', false, false, true},
        {"createdAt", 'n', false, true},
        {"updatedAt", 'n', false, true},
        {"ipAddress", 's', true, false},
        {"userAgent", 's', true, false},
        {"userId", 's', false, false}}},
      {"account",
       {{"accountId", 's', false, false},
        {"providerId", 's', false, false},
        {"userId", 's', false, false},
        {"accessToken", 's', true, false},
        {"refreshToken", 's', true, false},
        {"idToken", 's', true, false},
        {"accessTokenExpiresAt", 'n', true, true},
        {"refreshTokenExpiresAt", 'n', true, true},
        {"scope", 's', true, false},
        {"password", 's', true, false},
        {"createdAt", 'n', false, true},
        {"updatedAt", 'n', false, true}}},
      {"verification",
       {{"identifier", 's', false, false},
        {"value", 's', false, false},
        {"expiresAt", 'n', false, true},
        {"createdAt", 'n', false, true},
        {"updatedAt", 'n', false, true}}},
      {"twoFactor",
       {{"secret", 's', false, false},
        {"backupCodes", 's', false, false},
        {"userId", 's', false, false},
        {"verified", 'b', true, false}}},
      {"oauthApplication",
       {{"name", 's', true, false},
        {"icon", 's', true, false},
        {"metadata", 's', true, false},
        {"clientId", 's', true, false, true},
        {"clientSecret", 's', true, false},
        {"redirectUrls", 's', true, false},
        {"type", 's', true, false},
        {"disabled", 'b', true, false},
        {"userId", 's', true, false},
        {"createdAt", 'n', true, true},
        {"updatedAt", 'n', true, true}}},
      {"oauthAccessToken",
       {{"accessToken", 's', true, false, true},
        {"refreshToken", 's', true, false, true},
        {"accessTokenExpiresAt", 'n', true, true},
        {"refreshTokenExpiresAt", 'n', true, true},
        {"clientId", 's', true, false},
        {"userId", 's', true, false},
        {"scopes", 's', true, false},
        {"createdAt", 'n', true, true},
        {"updatedAt", 'n', true, true}}},
      {"oauthConsent",
       {{"clientId", 's', true, false},
        {"userId", 's', true, false},
        {"scopes", 's', true, false},
        {"createdAt", 'n', true, true},
        {"updatedAt", 'n', true, true},
        {"consentGiven", 'b', true, false}}},
      {"jwks",
       {{"publicKey", 's', false, false},
        {"privateKey", 's', false, false},
        {"createdAt", 'n', false, true},
        {"expiresAt", 'n', true, true}}},
      {"rateLimit",
       {{"key", 's', false, false, true},
        {"count", 'n', false, false},
        {"lastRequest", 'n', false, true}}},
  };
  return kSchema;
}

const ModelInfo& model_info(const std::string& model) {
  for (const ModelInfo& info : schema()) {
    if (model == info.name) return info;
  }
  throw std::invalid_argument("authconf::gen::where_clause: unknown model " + model);
}

// Small pools, so that generated clauses and documents meet.
Json string_value() {
  return *rc::gen::weightedOneOf<std::string>(
      {{4, rc::gen::element<std::string>("a", "b", "ab", "ba", "A", "", "é", "a b", "x@example.com",
                                         "credential")},
       {2, rc::gen::exec([] { return repeat(rc::gen::element('a', 'b', 'c'), 0, 3); })}});
}

Json number_value(bool date) {
  if (date) {
    // Around 2026-11 in epoch ms, a few seconds apart, or the epoch.
    return *rc::gen::weightedOneOf<double>(
        {{4,
          rc::gen::map(rc::gen::inRange(0, 5), [](int k) { return 1795344700000.0 + 1000.0 * k; })},
         {1, rc::gen::element(0.0, 1795344700000.5)}});
  }
  return *rc::gen::element(0.0, 1.0, 2.0, 3.0, -1.0, 1.5, 100.0);
}

Json value_of(const FieldInfo& field) {
  switch (field.type) {
    case 's':
      return string_value();
    case 'n':
      return number_value(field.date);
    default:
      return Json(*rc::gen::arbitrary<bool>());
  }
}

Json array_of(const FieldInfo& field) {
  Json out = Json::array();
  const int count = *rc::gen::inRange(1, 4);
  for (int i = 0; i < count; ++i) out.push_back(value_of(field));
  return out;
}

Json clause(const std::string& field, const Json& value, const std::string& op) {
  Json out = Json::object();
  out["field"] = field;
  out["value"] = value;
  if (!op.empty()) out["operator"] = op;
  if (*rc::gen::weightedElement<int>({{4, 0}, {1, 1}}) == 1) out["connector"] = "AND";
  if (*rc::gen::weightedElement<int>({{12, 0}, {1, 1}}) == 1) out["mode"] = "sensitive";
  return out;
}

Json field_clause(const FieldInfo& field) {
  std::vector<std::string> ops = {"", "eq", "ne"};
  if (field.type != 'b') {
    for (const char* op : {"lt", "lte", "gt", "gte", "in", "not_in"}) ops.emplace_back(op);
  }
  if (field.type == 's') {
    for (const char* op : {"contains", "starts_with", "ends_with"}) ops.emplace_back(op);
  }
  const std::string op = *rc::gen::elementOf(ops);
  Json value;
  if (op == "in" || op == "not_in") {
    value = array_of(field);
  } else if ((op.empty() || op == "eq" || op == "ne") &&
             *rc::gen::weightedElement<int>({{field.optional ? 3 : 8, 0}, {1, 1}}) == 1) {
    value = nullptr;  // absent ≠ null: eq null matches only stored nulls
  } else {
    value = value_of(field);
  }
  return clause(field.name, value, op);
}

Json id_clause(const std::vector<std::string>& ids) {
  const std::string op = *rc::gen::element<std::string>("", "eq", "in", "not_in");
  if (op == "in" || op == "not_in") {
    Json values = Json::array();
    const int count = *rc::gen::inRange(1, 4);
    for (int i = 0; i < count; ++i) values.push_back(*rc::gen::elementOf(ids));
    return clause("_id", values, op);
  }
  return clause("_id", Json(*rc::gen::elementOf(ids)), op);
}

// One clause of where_clause(model, ids).
Json any_clause(const ModelInfo& info, const std::vector<std::string>& ids) {
  if (!ids.empty() && *rc::gen::weightedElement<int>({{4, 0}, {1, 1}}) == 1) {
    return id_clause(ids);
  }
  return field_clause(*rc::gen::elementOf(info.fields));
}

// --- adapter calls --------------------------------------------------------

// The scope field of each table (authconf/gen.h, scope_field()): an indexed
// field whose index has no other field, so `eq` or `in` on it alone picks
// that index (findIndex, §3.3 step 4).
constexpr std::array<std::pair<const char*, const char*>, 10> kScopeFields = {{
    {"user", "userId"},
    {"session", "userId"},
    {"account", "userId"},
    {"verification", "identifier"},
    {"twoFactor", "userId"},
    {"oauthApplication", "userId"},
    {"oauthAccessToken", "userId"},
    {"oauthConsent", "userId"},
    {"jwks", "privateKey"},  // jwks has no index: scans, but the table is small
    {"rateLimit", "key"},    // unique: each key holds one row
}};

// What one call draws its values from: the pools alone (unscoped) or the
// pools under a CallScope.
struct CallContext {
  const ModelInfo* info = nullptr;
  std::optional<CallScope> scope;
  std::vector<std::string> keys;  // scope->keys()
  std::string scope_field;        // empty when unscoped
  std::vector<std::string> ids;   // for `_id` clauses

  bool is_scope(const FieldInfo& field) const { return scope && scope_field == field.name; }
};

CallContext context_of(const std::string& model, std::optional<CallScope> scope,
                       std::vector<std::string> ids) {
  CallContext ctx;
  ctx.info = &model_info(model);
  if (scope) {
    if (scope->prefix.empty()) {
      throw std::invalid_argument(
          "authconf::gen::adapter_call: an empty scope prefix scopes nothing");
    }
    ctx.keys = scope->keys();
    ctx.scope_field = scope_field(model);
    ctx.scope = std::move(scope);
  }
  ctx.ids = std::move(ids);
  return ctx;
}

Json scoped_date(double origin) {
  return *rc::gen::weightedOneOf<double>(
      {{4, rc::gen::map(rc::gen::inRange(0, 5), [origin](int k) { return origin + k; })},
       {1, rc::gen::just(origin + 0.5)}});
}

// A value for `field` in a document, an update or an eq/ne/in clause.
Json value_in(const CallContext& ctx, const FieldInfo& field) {
  if (ctx.scope) {
    if (ctx.is_scope(field)) return Json(*rc::gen::elementOf(ctx.keys));
    if (field.unique && field.type == 's') {
      return Json(ctx.scope->prefix + "-" + *rc::gen::element<std::string>("a", "b", "ab", "A"));
    }
    if (field.date) return scoped_date(ctx.scope->date_origin);
  }
  return value_of(field);
}

// A document for `create`: every required field, each optional one absent,
// null or set (the scope field always set).
Json document_of(const CallContext& ctx) {
  Json data = Json::object();
  for (const FieldInfo& field : ctx.info->fields) {
    if (!field.optional || ctx.is_scope(field)) {
      data[field.name] = value_in(ctx, field);
      continue;
    }
    switch (*rc::gen::weightedElement<int>({{3, 0}, {1, 1}, {3, 2}})) {
      case 0:  // absent
        break;
      case 1:
        data[field.name] = nullptr;
        break;
      default:
        data[field.name] = value_in(ctx, field);
    }
  }
  return data;
}

// An `update` (partial: zero to three fields; null only where the field is
// optional, never on the scope field).
Json update_of(const CallContext& ctx) {
  std::vector<const FieldInfo*> fields;
  for (const FieldInfo& field : ctx.info->fields) fields.push_back(&field);
  const int count = *rc::gen::weightedElement<int>({{1, 0}, {4, 1}, {2, 2}, {1, 3}});
  Json update = Json::object();
  for (int i = 0; i < count && !fields.empty(); ++i) {
    const auto at = *rc::gen::inRange<std::size_t>(0, fields.size());
    const FieldInfo& field = *fields[at];
    fields.erase(fields.begin() + static_cast<std::ptrdiff_t>(at));
    const bool null = field.optional && !ctx.is_scope(field) &&
                      *rc::gen::weightedElement<int>({{3, 0}, {1, 1}}) == 1;
    update[field.name] = null ? Json(nullptr) : value_in(ctx, field);
  }
  return update;
}

// The first clause of a scoped where: eq one key, or `in` some keys.
Json scope_clause(const CallContext& ctx) {
  Json out = Json::object();
  out["field"] = ctx.scope_field;
  switch (*rc::gen::weightedElement<int>({{3, 0}, {3, 1}, {2, 2}})) {
    case 0:
      out["value"] = *rc::gen::elementOf(ctx.keys);
      break;
    case 1:
      out["value"] = *rc::gen::elementOf(ctx.keys);
      out["operator"] = "eq";
      break;
    default: {
      // [k0], [k1], [k0, k1] or [k1, k0].
      const int pick = *rc::gen::inRange(0, 4);
      Json values = Json::array();
      if (pick != 1) values.push_back(ctx.keys[pick == 3 ? 1 : 0]);
      if (pick != 0) values.push_back(ctx.keys[pick == 3 ? 0 : 1]);
      out["value"] = std::move(values);
      out["operator"] = "in";
    }
  }
  if (*rc::gen::weightedElement<int>({{4, 0}, {1, 1}}) == 1) out["connector"] = "AND";
  return out;
}

// A clause applied in memory after the scope's index (§3.3 step 7): ne,
// not_in and the string operators, on any field.
Json memory_clause(const CallContext& ctx) {
  const FieldInfo& field = *rc::gen::elementOf(ctx.info->fields);
  std::vector<std::string> ops = {"ne"};
  if (field.type != 'b') ops.emplace_back("not_in");
  if (field.type == 's') {
    for (const char* op : {"contains", "starts_with", "ends_with"}) ops.emplace_back(op);
  }
  const std::string op = *rc::gen::elementOf(ops);
  Json value;
  if (op == "ne") {
    value = *rc::gen::weightedElement<int>({{3, 0}, {1, 1}}) == 1 ? Json(nullptr)
                                                                  : value_in(ctx, field);
  } else if (op == "not_in") {
    value = Json::array();
    const int count = *rc::gen::inRange(1, 4);
    for (int i = 0; i < count; ++i) value.push_back(value_in(ctx, field));
  } else {
    // The pools' short strings hit inside any value; a scoped value (the
    // prefix) hits as a prefix.
    value = *rc::gen::arbitrary<bool>() ? string_value() : value_in(ctx, field);
  }
  return clause(field.name, value, op);
}

// The second of a (weight, value) pair, drawn by weight (rapidcheck's
// weightedElement takes only an initializer list).
int weighted(const std::vector<std::pair<std::size_t, int>>& pairs) {
  std::size_t total = 0;
  for (const auto& [weight, value] : pairs) total += weight;
  std::size_t pick = *rc::gen::inRange<std::size_t>(0, total);
  for (const auto& [weight, value] : pairs) {
    if (pick < weight) return value;
    pick -= weight;
  }
  return pairs.back().second;
}

// A clause besides the scope's that keeps the read on the run's rows.
Json scoped_extra(const CallContext& ctx) {
  std::vector<const FieldInfo*> unique;
  const FieldInfo* created_at = nullptr;
  for (const FieldInfo& field : ctx.info->fields) {
    if (field.unique && field.type == 's' && !ctx.is_scope(field)) unique.push_back(&field);
    if (std::string_view(field.name) == "createdAt") created_at = &field;
  }
  std::vector<std::pair<std::size_t, int>> kinds = {{8, 0}};  // in memory
  if (!ctx.ids.empty()) kinds.emplace_back(4, 1);             // _id: get, parallel gets
  if (!unique.empty()) kinds.emplace_back(2, 2);              // the unique fast path
  if (created_at != nullptr) kinds.emplace_back(1, 3);        // a createdAt bound (refused)
  switch (weighted(kinds)) {
    case 1:
      return id_clause(ctx.ids);
    case 2: {
      const FieldInfo& field = **rc::gen::elementOf(unique);
      return clause(field.name, value_in(ctx, field), *rc::gen::element<std::string>("", "eq"));
    }
    case 3:
      // Next to the scope's eq the component refuses it ("Cannot use lt on
      // field 'createdAt'", findIndex) before reading anything.
      return clause("createdAt", value_in(ctx, *created_at),
                    *rc::gen::element<std::string>("lt", "lte", "gt", "gte"));
    default:
      return memory_clause(ctx);
  }
}

// A refusal paginate throws before reading (§3.3), put into `where`.
void add_refusal(const CallContext& ctx, Json& where) {
  switch (*rc::gen::inRange(0, 3)) {
    case 0: {  // an OR among several clauses
      if (where.size() < 2) where.push_back(memory_clause(ctx));
      where[*rc::gen::inRange<std::size_t>(0, where.size())]["connector"] = "OR";
      break;
    }
    case 1:
      where[*rc::gen::inRange<std::size_t>(0, where.size())]["mode"] = "insensitive";
      break;
    default: {
      Json id = ctx.ids.empty() ? Json(ctx.keys[0]) : Json(*rc::gen::elementOf(ctx.ids));
      where.push_back(clause("_id", id, *rc::gen::element<std::string>("lt", "gt", "ne")));
    }
  }
}

// The where clauses of one call; nullopt: none (unscoped calls only).
std::optional<Json> where_of(const CallContext& ctx) {
  Json where = Json::array();
  if (!ctx.scope) {
    if (*rc::gen::weightedElement<int>({{1, 0}, {4, 1}}) == 0) return std::nullopt;
    const int count = *rc::gen::weightedElement<int>({{4, 1}, {2, 2}, {1, 3}});
    for (int i = 0; i < count; ++i) where.push_back(any_clause(*ctx.info, ctx.ids));
    return where;
  }
  where.push_back(scope_clause(ctx));
  const int extras = *rc::gen::weightedElement<int>({{3, 0}, {4, 1}, {2, 2}});
  for (int i = 0; i < extras; ++i) where.push_back(scoped_extra(ctx));
  if (*rc::gen::weightedElement<int>({{14, 0}, {1, 1}}) == 1) add_refusal(ctx, where);
  return where;
}

Json pagination_of() {
  Json out = Json::object();
  out["numItems"] = *rc::gen::inRange(1, 7);
  out["cursor"] = nullptr;
  return out;
}

// 1..3 names among the fields, "id" and "_id" (`select`; "id" maps to _id).
Json select_of(const CallContext& ctx, bool with_id) {
  std::vector<std::string> names = {"id", "_id"};
  for (const FieldInfo& field : ctx.info->fields) names.emplace_back(field.name);
  Json out = Json::array();
  if (with_id) out.push_back("id");
  const int count = *rc::gen::inRange(1, 4);
  for (int i = 0; i < count; ++i) out.push_back(*rc::gen::elementOf(names));
  return out;
}

bool one_in(int n) {
  return *rc::gen::weightedElement<int>({{static_cast<std::size_t>(n - 1), 0}, {1, 1}}) == 1;
}

AdapterCall call_of(const std::string& function, const CallContext& ctx) {
  const std::string model = ctx.info->name;
  Json args = Json::object();
  const auto input = [&](bool with_update) {
    Json out = Json::object();
    out["model"] = model;
    if (with_update) out["update"] = update_of(ctx);
    if (auto where = where_of(ctx)) out["where"] = std::move(*where);
    return out;
  };
  if (function == "create") {
    Json in = Json::object();
    in["model"] = model;
    in["data"] = document_of(ctx);
    args["input"] = std::move(in);
    // Always with "id": the caller learns the new row's _id from the answer.
    if (one_in(10)) args["select"] = select_of(ctx, true);
  } else if (function == "findOne" || function == "findMany") {
    args["model"] = model;
    if (auto where = where_of(ctx)) args["where"] = std::move(*where);
    if (one_in(8)) args["select"] = select_of(ctx, false);
    if (function == "findMany") {
      args["paginationOpts"] = pagination_of();
      if (one_in(3)) {
        std::vector<std::string> sortable = {"createdAt"};
        if (!ctx.scope) {
          for (const FieldInfo& field : ctx.info->fields) sortable.emplace_back(field.name);
        }
        args["sortBy"] = Json::object();
        args["sortBy"]["field"] = *rc::gen::elementOf(sortable);
        args["sortBy"]["direction"] = *rc::gen::element<std::string>("asc", "desc");
      }
      if (one_in(6)) args["limit"] = *rc::gen::inRange(1, 10);
      if (ctx.scope && one_in(20)) args["offset"] = *rc::gen::inRange(0, 3);  // refused
    }
  } else if (function == "updateOne" || function == "updateMany") {
    args["input"] = input(true);
    if (function == "updateMany") args["paginationOpts"] = pagination_of();
  } else {
    args["input"] = input(false);
    if (function == "deleteMany") args["paginationOpts"] = pagination_of();
  }
  return AdapterCall{function, std::move(args)};
}

bool resolve_into(Json& value, const std::vector<std::optional<std::string>>& created) {
  if (value.is_string()) {
    if (auto k = row_index(value.get_ref<const std::string&>())) {
      if (*k >= created.size() || !created[*k]) return false;
      value = *created[*k];
    }
    return true;
  }
  if (value.is_array() || value.is_object()) {
    for (Json& item : value) {
      if (!resolve_into(item, created)) return false;
    }
  }
  return true;
}

}  // namespace

// --- public ---------------------------------------------------------------

std::size_t utf16_length(const std::string& utf8) {
  std::size_t units = 0;
  for (char c : utf8) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte & 0xC0) != 0x80) ++units;  // a lead byte or ASCII
    if (byte >= 0xF0) ++units;           // four bytes: a surrogate pair
  }
  return units;
}

rc::Gen<std::string> valid_email() {
  return rc::gen::exec([] { return mix_case(local_part()) + "@" + mix_case(domain_part()); });
}

rc::Gen<std::string> valid_email(std::string_view local_prefix) {
  // Dotted atoms: no empty atom, so no leading, trailing or double dot.
  bool ok = !local_prefix.empty() && local_prefix.front() != '.' && local_prefix.back() != '.' &&
            local_prefix.find("..") == std::string_view::npos;
  for (char c : local_prefix) ok = ok && (c == '.' || is_local_char(c));
  if (!ok) {
    throw std::invalid_argument("authconf::gen::valid_email: prefix is not a local part: " +
                                std::string(local_prefix));
  }
  return rc::gen::exec([prefix = std::string(local_prefix)] {
    return prefix + "." + mix_case(local_part()) + "@" + mix_case(domain_part());
  });
}

rc::Gen<std::string> invalid_email() {
  return rc::gen::exec([]() -> std::string {
    const std::string local = repeat(alnum(), 1, 6);
    const std::string domain = repeat(alnum(), 1, 6) + ".example.com";
    const std::string email = local + "@" + domain;
    const auto at = [](const std::string& text) {
      return *rc::gen::inRange<std::size_t>(0, text.size() + 1);
    };
    switch (*rc::gen::inRange(0, 22)) {
      case 0:  // no @
        return local + domain;
      case 1: {  // a second @, in the local part or the domain
        std::string out = email;
        return out.insert(at(out), "@");
      }
      case 2:  // leading dot
        return "." + email;
      case 3:  // trailing dot in the local part
        return local + ".@" + domain;
      case 4:  // double dot in the local part
        return local + ".." + local + "@" + domain;
      case 5:  // `'` is allowed, but not as the last local character
        return local + "'@" + domain;
      case 6:  // empty local part
        return "@" + domain;
      case 7:  // empty label
        return local + "@" + *rc::gen::element<std::string>(".", "a..") + domain;
      case 8:  // a label starting with a hyphen
        return local + "@-" + domain;
      case 9:  // one-letter TLD
        return local + "@" + repeat(alnum(), 1, 6) + "." + *rc::gen::inRange('a', 'z');
      case 10:  // numeric TLD, or an IPv4 address
        return local + "@" +
               *rc::gen::element<std::string>("example.c0m", "127.0.0.1", "example.123");
      case 11:  // no TLD
        return local + "@" + repeat(alnum(), 1, 8);
      case 12:  // trailing dot in the domain
        return email + ".";
      case 13: {  // a space anywhere
        std::string out = email;
        return out.insert(at(out), " ");
      }
      case 14: {  // a non-ASCII character anywhere
        std::string out = email;
        std::string extra;
        append_utf8(extra, *rc::gen::element<char32_t>(0x00E9, 0x00FC, 0x0131, 0x0430, 0x4E2D,
                                                       0x1F600, 0xFF21, 0x00A0));
        return out.insert(at(out), extra);
      }
      case 15:  // IP literal
        return local + "@[127.0.0.1]";
      case 16:  // quoted local part
        return "\"" + local + *rc::gen::element<std::string>(" ", "", "@") + local + "\"@" + domain;
      case 17:  // underscore in the domain
        return local + "@a_" + domain;
      case 18:  // display-name form
        return "<" + email + ">";
      case 19:  // trailing newline: `$` without the m flag does not match before it
        return email + "\n";
      case 20:  // a comma or a semicolon between two addresses
        return email + *rc::gen::element<std::string>(",", ";") + email;
      default:
        return "";
    }
  });
}

rc::Gen<std::string> password(int min, int max) {
  const int low = checked_min(min, max);
  return rc::gen::exec([low, max] {
    const Style style = *rc::gen::weightedElement<Style>({{3, Style::kAscii},
                                                          {4, Style::kMixed},
                                                          {2, Style::kAstral},
                                                          {2, Style::kWide},
                                                          {2, Style::kNfkc},
                                                          {1, Style::kCombining}});
    return fill(style, edge_length(low, max));
  });
}

rc::Gen<std::string> out_of_range_password(int min, int max) {
  const int low = checked_min(min, max);
  return rc::gen::exec([low, max] {
    const bool can_be_short = low > 1;
    if (can_be_short && *rc::gen::arbitrary<bool>()) {
      const int length = *rc::gen::weightedOneOf<int>(
          {{3, rc::gen::just(low - 1)}, {1, rc::gen::just(1)}, {2, rc::gen::inRange(1, low)}});
      // Wide and Latin-1 letters: `.length` < min while the UTF-8 bytes are not.
      const Style style = *rc::gen::weightedElement<Style>({{2, Style::kAscii},
                                                            {2, Style::kWide},
                                                            {1, Style::kLatin1},
                                                            {2, Style::kAstral},
                                                            {2, Style::kMixed}});
      return fill(style, static_cast<std::size_t>(length));
    }
    const int length = *rc::gen::weightedOneOf<int>(
        {{3, rc::gen::just(max + 1)},
         {1, rc::gen::just(max + 2)},
         {2, rc::gen::inRange(max + 1, std::min(max + 32, 2 * max + 1) + 1)},
         {1, rc::gen::inRange(max + 1, 2 * max + 2)}});
    // Astral letters: `.length` > max while the code points are not.
    const Style style = *rc::gen::weightedElement<Style>(
        {{2, Style::kAscii}, {3, Style::kAstral}, {1, Style::kWide}, {2, Style::kMixed}});
    return fill(style, static_cast<std::size_t>(length));
  });
}

rc::Gen<std::string> name() {
  return rc::gen::exec([] {
    const auto letter = rc::gen::weightedOneOf<CodePoints>(
        {{6, single(ascii_letter())},
         {2, single(rc::gen::element<char32_t>(0x00E9, 0x00FC, 0x00F1, 0x00F8, 0x00E5, 0x00E7,
                                               0x0142, 0x00DF))},  // é ü ñ ø å ç ł ß
         {3, single(other_script())}});
    const auto grapheme = rc::gen::weightedOneOf<CodePoints>(
        {{10, letter},
         {1, rc::gen::exec([] {  // decomposed: e + U+0301
            return CodePoints{*ascii_letter(), *rc::gen::element<char32_t>(0x0301, 0x0308)};
          })},
         {1, single(rc::gen::elementOf(kNfkcSensitive))},
         {1, single(rc::gen::inRange<char32_t>(0x1F600, 0x1F650))},
         {1, rc::gen::element<CodePoints>(CodePoints{0x1F469, 0x200D, 0x1F4BB},  // 👩‍💻
                                          CodePoints{0x1F44D, 0x1F3FD},          // 👍🏽
                                          CodePoints{0x1F1EB, 0x1F1F7},          // 🇫🇷
                                          CodePoints{0x2764, 0xFE0F})}});        // ❤️
    const std::size_t target =
        static_cast<std::size_t>(*rc::gen::weightedOneOf<int>({{1, rc::gen::just(1)},
                                                               {1, rc::gen::just(64)},
                                                               {2, rc::gen::inRange(1, 65)},
                                                               {4, rc::gen::inRange(2, 21)}}));
    CodePoints out = *letter;
    while (out.size() < target) {
      const std::size_t room = target - out.size();
      if (room >= 2 && out.back() != U' ' && *rc::gen::weightedElement<int>({{5, 0}, {1, 1}})) {
        out += U' ';  // a letter always follows: room was at least 2
        continue;
      }
      CodePoints next = *grapheme;
      if (next.size() > room) next = CodePoints(1, *ascii_letter());
      out += next;
    }
    return to_utf8(out);
  });
}

rc::Gen<std::string> hostile_origin(const std::string& allowed) {
  const AllowedOrigin parsed = parse_allowed(allowed);
  const std::vector<std::string> patterns = {parsed.origin};
  return rc::gen::map(detail::hostile_origin_candidate(allowed),
                      [parsed, patterns](const std::pair<std::string, std::string>& tagged) {
                        const std::string& origin = tagged.second;
                        const auto serialised = origin_of(origin);
                        const auto trusted = is_trusted_origin(origin, patterns);
                        const bool safe = (!serialised || *serialised != parsed.origin) &&
                                          trusted.has_value() && !*trusted;
                        return safe ? origin : std::string("null");
                      });
}

rc::Gen<Json> where_clause(const std::string& model) { return where_clause(model, {}); }

rc::Gen<Json> where_clause(const std::string& model, std::vector<std::string> ids) {
  const ModelInfo& info = model_info(model);
  return rc::gen::exec([&info, ids = std::move(ids)] { return any_clause(info, ids); });
}

const std::vector<std::string>& models() {
  static const std::vector<std::string> kModels = [] {
    std::vector<std::string> out;
    for (const ModelInfo& info : schema()) out.emplace_back(info.name);
    return out;
  }();
  return kModels;
}

void showValue(const AdapterCall& call, std::ostream& out) {
  out << call.function << " " << call.args.dump();
}

const std::vector<std::string>& adapter_functions() {
  static const std::vector<std::string> kFunctions = {
      "create", "findOne", "findMany", "updateOne", "updateMany", "deleteOne", "deleteMany"};
  return kFunctions;
}

std::vector<std::string> CallScope::keys() const { return {prefix + "-k0", prefix + "-k1"}; }

const std::string& scope_field(const std::string& model) {
  static const std::vector<std::pair<std::string, std::string>> kFields = [] {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [table, field] : kScopeFields) out.emplace_back(table, field);
    return out;
  }();
  model_info(model);  // throws for an unknown model
  for (const auto& [table, field] : kFields) {
    if (table == model) return field;
  }
  throw std::invalid_argument("authconf::gen::scope_field: no scope field for " + model);
}

rc::Gen<AdapterCall> adapter_call(const std::string& model, std::vector<std::string> ids) {
  return rc::gen::exec([ctx = context_of(model, std::nullopt, std::move(ids))] {
    return call_of(*rc::gen::elementOf(adapter_functions()), ctx);
  });
}

rc::Gen<AdapterCall> adapter_call(const std::string& model, std::vector<std::string> ids,
                                  CallScope scope) {
  return rc::gen::exec([ctx = context_of(model, std::move(scope), std::move(ids))] {
    return call_of(*rc::gen::elementOf(adapter_functions()), ctx);
  });
}

rc::Gen<std::vector<AdapterCall>> adapter_call_sequence(const std::string& model, CallScope scope,
                                                        int max_length) {
  if (max_length < 1) {
    throw std::invalid_argument("authconf::gen::adapter_call_sequence: max_length must be >= 1");
  }
  return rc::gen::exec([ctx = context_of(model, std::move(scope), {}), max_length] {
    const int length = *rc::gen::inRange(1, max_length + 1);
    std::vector<AdapterCall> calls;
    std::vector<std::string> refs;  // row_ref(k) of each create so far
    CallContext step = ctx;
    for (int i = 0; i < length; ++i) {
      const std::string function = *rc::gen::weightedElement<std::string>({{4, "create"},
                                                                           {2, "findOne"},
                                                                           {3, "findMany"},
                                                                           {2, "updateOne"},
                                                                           {2, "updateMany"},
                                                                           {2, "deleteOne"},
                                                                           {1, "deleteMany"}});
      step.ids = refs;
      calls.push_back(call_of(function, step));
      if (function == "create") refs.push_back(row_ref(refs.size()));
    }
    return calls;
  });
}

Json rebind_prefix(const Json& value, std::string_view from, std::string_view to) {
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (!text.starts_with(from)) return value;
    return Json(std::string(to) + text.substr(from.size()));
  }
  Json out = value;
  if (out.is_array() || out.is_object()) {
    for (Json& item : out) item = rebind_prefix(item, from, to);
  }
  return out;
}

std::string row_ref(std::size_t k) { return "@row" + std::to_string(k); }

std::optional<std::size_t> row_index(std::string_view value) {
  constexpr std::string_view kPrefix = "@row";
  if (!value.starts_with(kPrefix) || value.size() == kPrefix.size() || value.size() > 12) {
    return std::nullopt;
  }
  std::size_t k = 0;
  for (char c : value.substr(kPrefix.size())) {
    if (c < '0' || c > '9') return std::nullopt;
    k = k * 10 + static_cast<std::size_t>(c - '0');
  }
  return k;
}

std::optional<Json> resolve_rows(const Json& args,
                                 const std::vector<std::optional<std::string>>& created) {
  Json out = args;
  if (!resolve_into(out, created)) return std::nullopt;
  return out;
}

namespace detail {

rc::Gen<std::pair<std::string, std::string>> hostile_origin_candidate(const std::string& allowed) {
  const AllowedOrigin parsed = parse_allowed(allowed);
  return rc::gen::exec([parsed] { return candidate(parsed, *rc::gen::elementOf(kCategories)); });
}

std::string punycode(std::u32string_view label) {
  constexpr std::uint32_t kBase = 36, kTMin = 1, kTMax = 26, kSkew = 38, kDamp = 700;
  const auto digit = [](std::uint32_t d) {
    return static_cast<char>(d < 26 ? 'a' + d : '0' + (d - 26));
  };
  const auto adapt = [&](std::uint32_t delta, std::uint32_t points, bool first) {
    delta = first ? delta / kDamp : delta / 2;
    delta += delta / points;
    std::uint32_t k = 0;
    while (delta > ((kBase - kTMin) * kTMax) / 2) {
      delta /= kBase - kTMin;
      k += kBase;
    }
    return k + (kBase - kTMin + 1) * delta / (delta + kSkew);
  };
  std::string out;
  for (char32_t cp : label) {
    if (cp < 0x80) out += static_cast<char>(cp);
  }
  const auto basic = static_cast<std::uint32_t>(out.size());
  std::uint32_t handled = basic;
  if (basic > 0) out += '-';
  std::uint32_t n = 0x80, delta = 0, bias = 72;
  while (handled < label.size()) {
    std::uint32_t m = 0x10FFFF + 1;
    for (char32_t cp : label) {
      if (cp >= n && cp < m) m = cp;
    }
    delta += (m - n) * (handled + 1);
    n = m;
    for (char32_t cp : label) {
      if (cp < n) ++delta;
      if (cp != n) continue;
      std::uint32_t q = delta;
      for (std::uint32_t k = kBase;; k += kBase) {
        const std::uint32_t t = k <= bias ? kTMin : (k >= bias + kTMax ? kTMax : k - bias);
        if (q < t) break;
        out += digit(t + (q - t) % (kBase - t));
        q = (q - t) / (kBase - t);
      }
      out += digit(q);
      bias = adapt(delta, handled + 1, handled == basic);
      delta = 0;
      ++handled;
    }
    ++delta;
    ++n;
  }
  return out;
}

}  // namespace detail
}  // namespace authconf::gen
