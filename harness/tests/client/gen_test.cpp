// The generators of authconf/gen.h keep their promises, each checked against
// an oracle that does not share their code: zod's email regex transcribed
// from its source, a UTF-8 decoder written here, ICU's NFKC/NFC and
// combining classes, RFC 3492's sample strings, the URL parser and trusted-
// origin check of authconf/origin.h (themselves pinned to Node's output),
// the component schema file, and the reference component's own validators.
// Coverage tests count categories over thousands of fixed-seed samples, so a
// generator that silently stops producing an edge case fails here.
#include "authconf/gen.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "app/reference_app.h"
#include "authconf/origin.h"
#include "component/component.h"
#include "store/clock.h"

namespace authconf::gen {
namespace {

// zod 4.6.7, /tmp/ba/node_modules/zod/v4/core/regexes.js:34 (`export const
// email`), which `z.email()` uses by default ($ZodEmail in v4/core/
// schemas.js:207) and Better Auth 1.6.34 calls in sign-up.mjs:150. Written
// with std::regex's ECMAScript grammar, the grammar of the original.
const std::regex& zod_email() {
  static const std::regex kRegex(
      R"(^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$)",
      std::regex::ECMAScript);
  return kRegex;
}
bool zod_accepts(const std::string& email) { return std::regex_search(email, zod_email()); }

// A strict UTF-8 decoder (no overlong forms, no surrogates, nothing above
// U+10FFFF), independent of the generators' encoder.
std::optional<std::u32string> decode_utf8(const std::string& text) {
  std::u32string out;
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    int extra = 0;
    char32_t cp = 0;
    char32_t least = 0;
    if (byte < 0x80) {
      cp = byte;
    } else if ((byte & 0xE0) == 0xC0) {
      extra = 1;
      cp = byte & 0x1F;
      least = 0x80;
    } else if ((byte & 0xF0) == 0xE0) {
      extra = 2;
      cp = byte & 0x0F;
      least = 0x800;
    } else if ((byte & 0xF8) == 0xF0) {
      extra = 3;
      cp = byte & 0x07;
      least = 0x10000;
    } else {
      return std::nullopt;
    }
    if (i + static_cast<std::size_t>(extra) >= text.size()) return std::nullopt;
    for (int k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
      if ((next & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (next & 0x3F);
    }
    if (cp < least || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    out += cp;
    i += static_cast<std::size_t>(extra) + 1;
  }
  return out;
}

std::size_t js_length(const std::u32string& points) {
  std::size_t units = 0;
  for (char32_t cp : points) units += cp >= 0x10000 ? 2 : 1;
  return units;
}

bool has_control(const std::u32string& points) {
  return std::ranges::any_of(points,
                             [](char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp < 0xA0); });
}

// ICU's normalisers: what `String.prototype.normalize` does in Node.
std::string normalized(const std::string& text, bool compatibility) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* normalizer = compatibility ? icu::Normalizer2::getNFKCInstance(status)
                                                     : icu::Normalizer2::getNFCInstance(status);
  EXPECT_TRUE(U_SUCCESS(status));
  const icu::UnicodeString result =
      normalizer->normalize(icu::UnicodeString::fromUTF8(text), status);
  EXPECT_TRUE(U_SUCCESS(status));
  std::string out;
  result.toUTF8String(out);
  return out;
}

bool has_combining_mark(const std::u32string& points) {
  return std::ranges::any_of(points, [](char32_t cp) {
    return u_getCombiningClass(static_cast<UChar32>(cp)) != 0 ||
           u_charType(static_cast<UChar32>(cp)) == U_ENCLOSING_MARK;
  });
}

bool has_astral(const std::u32string& points) {
  return std::ranges::any_of(points, [](char32_t cp) { return cp >= 0x10000; });
}

// `count` values of `gen` from a fixed seed, outside any property.
template <class T>
std::vector<T> sample(const rc::Gen<T>& gen, int count, std::uint64_t seed = 20261123) {
  rc::Random random(seed);
  std::vector<T> out;
  out.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) out.push_back(gen(random.split(), 100).value());
  return out;
}

// Each named category must be seen at least `least` times.
void expect_coverage(const std::map<std::string, int>& counts,
                     const std::vector<std::string>& names, int least) {
  for (const std::string& name : names) {
    const auto it = counts.find(name);
    EXPECT_GE(it == counts.end() ? 0 : it->second, least) << "category " << name;
  }
}

// --- utf16_length and punycode ---------------------------------------------

TEST(GenUtf16Length, CountsWhatJavaScriptLengthCounts) {
  EXPECT_EQ(utf16_length(""), 0U);
  EXPECT_EQ(utf16_length("abc"), 3U);
  EXPECT_EQ(utf16_length("\u00E9"), 1U);        // é: two bytes, one unit
  EXPECT_EQ(utf16_length("e\u0301"), 2U);       // decomposed é
  EXPECT_EQ(utf16_length("\u4E2D\u6587"), 2U);  // 中文: six bytes
  EXPECT_EQ(utf16_length("\uFB01"), 1U);        // ﬁ
  EXPECT_EQ(utf16_length("\U0001F600"), 2U);    // 😀: a surrogate pair
  EXPECT_EQ(utf16_length("\U0001F600\U0001F600\U0001F600\U0001F600"), 8U);  // wire §2.1
  EXPECT_EQ(utf16_length("\U00020000a"), 3U);                               // 𠀀a
}

// RFC 3492 §7.1 samples (A), (B) and (L), and the classic "bücher".
TEST(GenPunycode, EncodesTheRfc3492Samples) {
  EXPECT_EQ(detail::punycode(U"b\u00FCcher"), "bcher-kva");
  EXPECT_EQ(detail::punycode(U"\u0644\u064A\u0647\u0645\u0627\u0628\u062A\u0643\u0644\u0645\u0648"
                             U"\u0634\u0639\u0631\u0628\u064A\u061F"),
            "egbpdaj6bu4bxfgehfvwxn");
  EXPECT_EQ(detail::punycode(U"\u4ED6\u4EEC\u4E3A\u4EC0\u4E48\u4E0D\u8BF4\u4E2D\u6587"),
            "ihqwcrb4cv8a8dqg056pqjye");
  EXPECT_EQ(detail::punycode(U"3\u5E74B\u7D44\u91D1\u516B\u5148\u751F"),
            "3B-ww4c5e180e575a65lsy2b");
}

// --- emails ----------------------------------------------------------------

// The transcription of zod's regex gives the verdicts recorded against
// zod itself (spec/better-auth-wire.md §2.1 [R]).
TEST(GenEmail, RegexOracleGivesZodsRecordedVerdicts) {
  for (const char* rejected :
       {"a@b.c", "a..b@x.com", ".a@x.com", "a.@x.com", "a@x", "a@-x.com", "a@[127.0.0.1]",
        "\"a\"@x.com", "\xC3\xA9@b.co", "a@x.com\n", "a'@x.com"}) {
    EXPECT_FALSE(zod_accepts(rejected)) << rejected;
  }
  for (const char* accepted : {"a@x-.com", "A.B+tag@Example.COM", "o'brien@x.io", "-@x.io"}) {
    EXPECT_TRUE(zod_accepts(accepted)) << accepted;
  }
}

RC_GTEST_PROP(GenEmail, ValidEmailMatchesZodsRegex, ()) {
  const std::string email = *valid_email();
  RC_ASSERT(zod_accepts(email));
}

RC_GTEST_PROP(GenEmail, PrefixedEmailKeepsThePrefixAndMatches, ()) {
  const std::string email = *valid_email("ac-run42-7");
  RC_ASSERT(email.starts_with("ac-run42-7."));
  RC_ASSERT(zod_accepts(email));
}

TEST(GenEmail, PrefixMustBeALocalPart) {
  for (const char* bad : {"", ".a", "a.", "a..b", "a b", "a@b", "\xC3\xA9"}) {
    EXPECT_THROW(valid_email(bad), std::invalid_argument) << bad;
  }
  EXPECT_NO_THROW(valid_email("o'b.c+d_e-f"));
}

RC_GTEST_PROP(GenEmail, InvalidEmailNeverMatchesZodsRegex, ()) {
  const std::string email = *invalid_email();
  RC_ASSERT_FALSE(zod_accepts(email));
}

// The corners of the regex that a hand-written validator gets wrong.
TEST(GenEmail, ValidEmailsCoverTheRegexCorners) {
  std::map<std::string, int> seen;
  for (const std::string& email : sample(valid_email(), 3000)) {
    const std::string local = email.substr(0, email.find('@'));
    const std::string domain = email.substr(email.find('@') + 1);
    if (local.find('.') != std::string::npos) ++seen["dotted-local"];
    if (local.find('\'') != std::string::npos) ++seen["apostrophe"];
    if (local.find('+') != std::string::npos) ++seen["plus"];
    if (local.find('_') != std::string::npos) ++seen["underscore"];
    if (local.front() == '-' || local.front() == '+') ++seen["local-starts-with-symbol"];
    if (local.size() == 1) ++seen["one-character-local"];
    if (domain.find("-.") != std::string::npos) ++seen["label-ends-with-hyphen"];
    if (std::ranges::any_of(email, [](char c) { return c >= 'A' && c <= 'Z'; })) {
      ++seen["upper-case"];
    }
    if (std::ranges::count(domain, '.') >= 3) ++seen["four-labels"];
  }
  expect_coverage(seen,
                  {"dotted-local", "apostrophe", "plus", "underscore", "local-starts-with-symbol",
                   "one-character-local", "label-ends-with-hyphen", "upper-case", "four-labels"},
                  20);
}

TEST(GenEmail, InvalidEmailsCoverTheNearMisses) {
  std::map<std::string, int> seen;
  for (const std::string& email : sample(invalid_email(), 3000)) {
    const auto ats = std::ranges::count(email, '@');
    if (email.empty()) ++seen["empty"];
    if (ats == 0) ++seen["no-at"];
    if (ats >= 2) ++seen["two-at"];
    if (email.starts_with(".")) ++seen["leading-dot"];
    if (email.ends_with(".")) ++seen["trailing-dot"];
    if (email.find("..") != std::string::npos) ++seen["double-dot"];
    if (email.find(".@") != std::string::npos) ++seen["dot-before-at"];
    if (email.find("'@") != std::string::npos) ++seen["apostrophe-last"];
    if (email.starts_with("@")) ++seen["empty-local"];
    if (email.find("@-") != std::string::npos) ++seen["hyphen-label"];
    if (email.find(' ') != std::string::npos) ++seen["space"];
    if (email.find('\n') != std::string::npos) ++seen["newline"];
    if (email.find('[') != std::string::npos) ++seen["ip-literal"];
    if (email.find('"') != std::string::npos) ++seen["quoted"];
    if (email.find('_') != std::string::npos) ++seen["underscore-domain"];
    if (std::ranges::any_of(email, [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
      ++seen["non-ascii"];
    }
    if (ats == 1 && email.find('.', email.find('@')) == std::string::npos) ++seen["no-tld"];
  }
  expect_coverage(seen,
                  {"empty", "no-at", "two-at", "leading-dot", "trailing-dot", "double-dot",
                   "dot-before-at", "apostrophe-last", "empty-local", "hyphen-label", "space",
                   "newline", "ip-literal", "quoted", "underscore-domain", "non-ascii", "no-tld"},
                  20);
}

// --- passwords -------------------------------------------------------------

struct Limits {
  int min;
  int max;
};
void showValue(const Limits& limits, std::ostream& os) { os << limits.min << ".." << limits.max; }
constexpr std::array<Limits, 6> kLimits = {{{8, 128}, {1, 4}, {12, 12}, {6, 20}, {0, 3}, {2, 2}}};

RC_GTEST_PROP(GenPassword, LengthIsWithinTheLimits, ()) {
  const Limits limits = *rc::gen::elementOf(kLimits);
  const std::string password = *gen::password(limits.min, limits.max);
  const auto points = decode_utf8(password);
  RC_ASSERT(points.has_value());
  RC_ASSERT(!has_control(*points));
  RC_ASSERT(utf16_length(password) == js_length(*points));
  RC_ASSERT(js_length(*points) >= static_cast<std::size_t>(std::max(limits.min, 1)));
  RC_ASSERT(js_length(*points) <= static_cast<std::size_t>(limits.max));
}

RC_GTEST_PROP(GenPassword, OutOfRangeIsTooShortOrTooLong, ()) {
  const Limits limits = *rc::gen::elementOf(kLimits);
  const std::string password = *out_of_range_password(limits.min, limits.max);
  const auto points = decode_utf8(password);
  RC_ASSERT(points.has_value());
  RC_ASSERT(!has_control(*points));
  const std::size_t length = js_length(*points);
  RC_ASSERT(utf16_length(password) == length);
  RC_ASSERT(length >= 1U);  // "" fails zod's nonempty() first, with another error
  RC_ASSERT(length < static_cast<std::size_t>(limits.min) ||
            length > static_cast<std::size_t>(limits.max));
  RC_ASSERT(length <= static_cast<std::size_t>(2 * limits.max + 1));
}

TEST(GenPassword, RejectsImpossibleLimits) {
  EXPECT_THROW(gen::password(9, 8), std::invalid_argument);
  EXPECT_THROW(gen::password(0, 0), std::invalid_argument);
  EXPECT_THROW(out_of_range_password(5, 4), std::invalid_argument);
}

// The values that catch a target counting bytes or code points instead of
// UTF-16 units, or normalising before it counts.
TEST(GenPassword, CoversTheEdgesOfTheDefaultLimits) {
  std::map<std::string, int> seen;
  for (const std::string& password : sample(gen::password(8, 128), 3000)) {
    const auto points = *decode_utf8(password);
    const std::size_t length = js_length(points);
    if (length == 8) ++seen["length-min"];
    if (length == 128) ++seen["length-max"];
    if (length > 8 && length < 128) ++seen["length-between"];
    if (std::ranges::all_of(password, [](char c) { return c > 0; })) ++seen["ascii"];
    if (has_astral(points)) ++seen["astral"];
    if (has_combining_mark(points)) ++seen["combining"];
    if (normalized(password, true) != password) ++seen["nfkc-changes"];
    if (points.size() < 8) ++seen["code-points-below-min"];
    if (password.size() > 128) ++seen["bytes-above-max"];
    if (std::ranges::any_of(points, [](char32_t cp) { return cp >= 0x4E00 && cp <= 0x9FFF; })) {
      ++seen["cjk"];
    }
  }
  expect_coverage(seen,
                  {"length-min", "length-max", "length-between", "ascii", "astral", "combining",
                   "nfkc-changes", "code-points-below-min", "bytes-above-max", "cjk"},
                  30);
}

TEST(GenPassword, OutOfRangeCoversBothSidesAndTheDisagreements) {
  std::map<std::string, int> seen;
  for (const std::string& password : sample(out_of_range_password(8, 128), 3000)) {
    const auto points = *decode_utf8(password);
    const std::size_t length = js_length(points);
    if (length < 8) ++seen["too-short"];
    if (length == 7) ++seen["min-minus-one"];
    if (length == 1) ++seen["one-unit"];
    if (length > 128) ++seen["too-long"];
    if (length == 129) ++seen["max-plus-one"];
    if (length > 160) ++seen["far-too-long"];
    // A byte-counting target accepts these: .length < 8 but bytes >= 8.
    if (length < 8 && password.size() >= 8) ++seen["short-but-bytes-enough"];
    // A code-point-counting target accepts these: .length > 128, points <= 128.
    if (length > 128 && points.size() <= 128) ++seen["long-but-code-points-fit"];
  }
  expect_coverage(seen,
                  {"too-short", "min-minus-one", "one-unit", "too-long", "max-plus-one",
                   "far-too-long", "short-but-bytes-enough", "long-but-code-points-fit"},
                  30);
}

TEST(GenPassword, OutOfRangeWithMinOneIsOnlyTooLong) {
  for (const std::string& password : sample(out_of_range_password(1, 10), 300)) {
    EXPECT_GT(utf16_length(password), 10U) << password;
  }
}

// --- names -----------------------------------------------------------------

RC_GTEST_PROP(GenName, IsUtf8OfOneTo64CodePoints, ()) {
  const std::string name = *gen::name();
  const auto points = decode_utf8(name);
  RC_ASSERT(points.has_value());
  RC_ASSERT(points->size() >= 1U);
  RC_ASSERT(points->size() <= 64U);
  RC_ASSERT(!has_control(*points));
  RC_ASSERT(points->front() != U' ');
  RC_ASSERT(points->back() != U' ');
  RC_ASSERT(points->find(U"  ") == std::u32string::npos);
}

TEST(GenName, CoversScriptsMarksEmojiAndBothEnds) {
  std::map<std::string, int> seen;
  for (const std::string& name : sample(gen::name(), 3000)) {
    const auto points = *decode_utf8(name);
    if (points.size() == 1) ++seen["one-code-point"];
    if (points.size() == 64) ++seen["64-code-points"];
    if (points.find(U' ') != std::u32string::npos) ++seen["space"];
    if (has_astral(points)) ++seen["astral"];
    if (points.find(U'\u200D') != std::u32string::npos) ++seen["zwj-sequence"];
    if (has_combining_mark(points)) ++seen["combining"];
    if (normalized(name, false) != name) ++seen["not-nfc"];
    if (normalized(name, true) != normalized(name, false)) ++seen["nfkc-differs-from-nfc"];
    if (std::ranges::any_of(points, [](char32_t cp) { return cp >= 0x0400 && cp < 0x0500; })) {
      ++seen["cyrillic"];
    }
  }
  expect_coverage(seen,
                  {"one-code-point", "64-code-points", "space", "astral", "zwj-sequence",
                   "combining", "not-nfc", "nfkc-differs-from-nfc", "cyrillic"},
                  20);
}

// --- origins ---------------------------------------------------------------

const std::vector<std::string> kAllowedOrigins = {
    "http://localhost:5173",       "http://127.0.0.1:3000", "https://app.example.com",
    "http://[::1]:8080",           "http://localhost",      "https://xn--bcher-kva.example",
    "https://a.b.example.org:8443"};

bool printable_ascii(const std::string& text) {
  return std::ranges::all_of(text, [](char c) { return c >= 0x20 && c < 0x7F; });
}

// The construction alone, before hostile_origin's final check, is never
// the allowed origin nor trusted by it; so that check never fires.
TEST(GenOrigin, CandidatesAreNeverTheAllowedOriginNorTrusted) {
  for (const std::string& allowed : kAllowedOrigins) {
    const std::vector<std::string> patterns = {allowed};
    std::map<std::string, int> seen;
    for (const auto& [category, origin] : sample(detail::hostile_origin_candidate(allowed), 1500)) {
      ++seen[category];
      EXPECT_TRUE(printable_ascii(origin)) << origin;
      const auto serialised = origin_of(origin);
      if (serialised) {
        EXPECT_NE(*serialised, allowed) << category << ": " << origin;
      }
      const auto trusted = is_trusted_origin(origin, patterns);
      ASSERT_TRUE(trusted.has_value()) << origin;
      EXPECT_FALSE(*trusted) << category << ": " << origin << " trusted by " << allowed;
    }
    std::vector<std::string> expected = {
        "other-host",   "host-as-suffix", "host-as-prefix", "subdomain", "other-port",
        "other-scheme", "userinfo",       "backslash",      "null",      "case",
        "percent",      "loopback-alias", "malformed"};
    const bool ip =
        allowed.find("127.0.0.1") != std::string::npos || allowed.find('[') != std::string::npos;
    if (!ip) {  // an IP host has no letters for a homoglyph and drops a trailing dot
      expected.emplace_back("idn");
      expected.emplace_back("trailing-dot");
    }
    SCOPED_TRACE(allowed);
    expect_coverage(seen, expected, 40);
  }
}

// The parsed forms: the tricks reach the URL parser as intended.
TEST(GenOrigin, TricksParseToTheHostsTheyClaim) {
  const std::string allowed = "http://localhost:5173";
  std::map<std::string, int> seen;
  for (const auto& [category, origin] : sample(detail::hostile_origin_candidate(allowed), 3000)) {
    const auto parts = parse_url(origin);
    if (category == "idn") {
      // Punycode that UTS #46 (ICU) accepts: the label survives as written.
      ASSERT_TRUE(parts.has_value()) << origin;
      EXPECT_TRUE(parts->hostname.starts_with("xn--")) << origin;
      EXPECT_EQ(parts->hostname, origin.substr(7, origin.size() - 12)) << origin;
      ++seen["idn-parsed"];
    } else if (category == "userinfo" || category == "backslash") {
      ASSERT_TRUE(parts.has_value()) << origin;
      EXPECT_NE(parts->hostname, "localhost") << origin;
      ++seen["credentials-parsed"];
    } else if (category == "trailing-dot") {
      ASSERT_TRUE(parts.has_value()) << origin;
      EXPECT_TRUE(parts->hostname.ends_with(".")) << origin;
      ++seen["trailing-dot-parsed"];
    } else if (category == "null") {
      EXPECT_EQ(origin, "null");
    }
  }
  expect_coverage(seen, {"idn-parsed", "credentials-parsed", "trailing-dot-parsed"}, 50);
}

RC_GTEST_PROP(GenOrigin, HostileOriginIsNeverTrusted, ()) {
  const std::string allowed = *rc::gen::elementOf(kAllowedOrigins);
  const std::string origin = *hostile_origin(allowed);
  RC_ASSERT(printable_ascii(origin));
  const auto serialised = origin_of(origin);
  RC_ASSERT(!serialised || *serialised != allowed);
  const std::vector<std::string> patterns = {allowed};
  const auto trusted = is_trusted_origin(origin, patterns);
  RC_ASSERT(trusted.has_value());
  RC_ASSERT_FALSE(*trusted);
}

TEST(GenOrigin, AllowedMustBeAnHttpOrigin) {
  for (const char* bad : {"null", "chrome-extension://abc", "not a url", "", "file:///x"}) {
    EXPECT_THROW(hostile_origin(bad), std::invalid_argument) << bad;
  }
}

// --- where clauses ---------------------------------------------------------

nlohmann::json load_schema() {
  std::ifstream in(AUTHCONF_SCHEMA_FILE);
  return nlohmann::json::parse(in);
}

TEST(GenWhere, ModelsAreTheSchemaTables) {
  const auto schema = load_schema();
  std::set<std::string> tables;
  for (const auto& [table, _] : schema.at("tables").items()) tables.insert(table);
  EXPECT_EQ(std::set<std::string>(models().begin(), models().end()), tables);
  EXPECT_THROW(where_clause("users"), std::invalid_argument);
}

// Whether `value` fits a schema type ("string", "number?", …) as the
// clause's value: a typed scalar, or null.
bool scalar_fits(const Json& value, const std::string& type) {
  if (type.starts_with("string")) return value.is_string();
  if (type.starts_with("number")) return value.is_number();
  return value.is_boolean();
}

// The shape rules of spec/convex-component.md §3.1 and §3.3, against the
// schema file the reference loads (reference_impl/store/schemas).
void check_clause(const Json& clause, const nlohmann::json& fields,
                  const std::vector<std::string>& ids) {
  static const std::set<std::string> kKeys = {"field", "value", "operator", "connector", "mode"};
  for (const auto& [key, _] : clause.items()) RC_ASSERT(kKeys.contains(key));
  const std::string field = clause.at("field").get<std::string>();
  const std::string op = clause.value("operator", std::string());
  const Json& value = clause.at("value");
  if (clause.contains("connector")) RC_ASSERT(clause.at("connector") == "AND");
  if (clause.contains("mode")) RC_ASSERT(clause.at("mode") == "sensitive");
  if (field == "_id") {
    RC_ASSERT(!ids.empty());
    RC_ASSERT(op.empty() || op == "eq" || op == "in" || op == "not_in");
    const auto from_pool = [&](const Json& id) {
      return id.is_string() && std::ranges::find(ids, id.get<std::string>()) != ids.end();
    };
    if (op == "in" || op == "not_in") {
      RC_ASSERT(value.is_array() && !value.empty());
      RC_ASSERT(std::ranges::all_of(value, from_pool));
    } else {
      RC_ASSERT(from_pool(value));
    }
    return;
  }
  RC_ASSERT(fields.contains(field));
  const std::string type = fields.at(field).get<std::string>();
  static const std::set<std::string> kOperators = {
      "",    "eq", "ne",     "lt",       "lte",         "gt",
      "gte", "in", "not_in", "contains", "starts_with", "ends_with"};
  RC_ASSERT(kOperators.contains(op));
  if (op == "in" || op == "not_in") {
    RC_ASSERT(!type.starts_with("boolean"));  // the validator takes string[] or number[]
    RC_ASSERT(value.is_array() && !value.empty());
    RC_ASSERT(std::ranges::all_of(value, [&](const Json& v) { return scalar_fits(v, type); }));
  } else if (value.is_null()) {
    RC_ASSERT(op.empty() || op == "eq" || op == "ne");
  } else {
    RC_ASSERT(scalar_fits(value, type));
    if (op == "contains" || op == "starts_with" || op == "ends_with") {
      RC_ASSERT(type.starts_with("string"));
    }
    if (type.starts_with("boolean")) RC_ASSERT(op.empty() || op == "eq" || op == "ne");
  }
}

RC_GTEST_PROP(GenWhere, ClauseFollowsTheSchemaAndTheOperatorRules, ()) {
  static const auto kSchema = load_schema();
  const std::string model = *rc::gen::elementOf(models());
  const std::vector<std::string> ids =
      *rc::gen::element(std::vector<std::string>{}, std::vector<std::string>{"k57a", "k57b"});
  const Json clause = *where_clause(model, ids);
  check_clause(clause, kSchema.at("tables").at(model).at("fields"), ids);
}

TEST(GenWhere, ClausesCoverEveryOperatorAndShape) {
  std::map<std::string, int> seen;
  for (const Json& clause : sample(where_clause("user", {"k1", "k2"}), 4000)) {
    ++seen["op:" + clause.value("operator", std::string("absent"))];
    if (clause.at("field") == "_id") ++seen["_id"];
    if (clause.at("value").is_null()) ++seen["null"];
    if (clause.at("value").is_boolean()) ++seen["boolean"];
    if (clause.at("value").is_number()) ++seen["number"];
    if (clause.contains("connector")) ++seen["connector"];
    if (clause.contains("mode")) ++seen["mode"];
  }
  expect_coverage(seen,
                  {"op:absent", "op:eq", "op:ne", "op:lt", "op:lte", "op:gt", "op:gte", "op:in",
                   "op:not_in", "op:contains", "op:starts_with", "op:ends_with", "_id", "null",
                   "boolean", "number", "connector", "mode"},
                  30);
}

// The reference component, whose validators are built from the same schema
// as createApi's, takes every generated clause in findMany and updateMany
// (whose `field` is the literal union of the table's fields and "_id").
// The only refusal is the component's own `in` merge bug (§3.3), on a field
// whose index carries more fields than the eq: user.email (email_name),
// account.providerId (providerId_userId), oauthConsent.clientId.
TEST(GenWhere, TheReferenceComponentAcceptsEveryClause) {
  authref::ManualClock clock(1795344700000.0);
  authref::ReferenceApp::Options options;
  options.id_seed = 7;
  options.warn = [](const std::string&) {};  // "Querying without an index" is expected
  authref::ReferenceApp app(clock, options);
  auto& component = app.component();
  Json data = {{"name", "a"},
               {"email", "x@example.com"},
               {"emailVerified", false},
               {"createdAt", 1795344700000.0},
               {"updatedAt", 1795344700000.0}};
  const auto created = component.call(authref::ComponentFunction::kCreate,
                                      {{"input", {{"model", "user"}, {"data", data}}}});
  ASSERT_TRUE(created.has_value());
  const std::vector<std::string> user_ids = {created->at("_id").get<std::string>()};

  std::map<std::string, int> merge_bug;
  int accepted = 0;
  for (const std::string& model : models()) {
    const auto clauses =
        sample(where_clause(model, model == "user" ? user_ids : std::vector<std::string>{}), 600);
    for (const Json& clause : clauses) {
      const Json where = Json::array({clause});
      const Json page = {{"numItems", 5}, {"cursor", nullptr}};
      const auto found =
          component.call(authref::ComponentFunction::kFindMany,
                         {{"model", model}, {"where", where}, {"paginationOpts", page}});
      const auto updated = component.call(
          authref::ComponentFunction::kUpdateMany,
          {{"input", {{"model", model}, {"update", Json::object()}, {"where", where}}},
           {"paginationOpts", page}});
      for (const auto* result : {&found, &updated}) {
        if (result->has_value()) {
          ++accepted;
          continue;
        }
        const std::string detail = result->error().detail;
        if (clause.value("operator", "") == "in" &&
            detail.starts_with("indexFields must be some sequence of fields")) {
          ++merge_bug[model + "." + clause.at("field").get<std::string>()];
          continue;
        }
        ADD_FAILURE() << model << " " << clause.dump() << " threw " << detail;
      }
    }
  }
  EXPECT_GT(accepted, 2500);
  for (const auto& [field, count] : merge_bug) {
    EXPECT_TRUE(field == "user.email" || field == "account.providerId" ||
                field == "oauthConsent.clientId")
        << field << " (" << count << ")";
  }
}

// --- adapter calls --------------------------------------------------------

TEST(GenAdapterCall, RowRefsNameCreatesAndResolvePerSide) {
  EXPECT_EQ(row_ref(0), "@row0");
  EXPECT_EQ(row_ref(12), "@row12");
  EXPECT_EQ(row_index("@row12"), std::optional<std::size_t>(12));
  for (const char* other : {"@row", "@rowx", "row1", "@row1a", " @row1", ""}) {
    EXPECT_EQ(row_index(other), std::nullopt) << other;
  }
  const Json args = Json::parse(
      R"({"input":{"model":"session","where":[{"field":"_id","value":"@row1"},
          {"field":"_id","operator":"in","value":["@row0","@row1"]},
          {"field":"token","value":"@rowish"}]}})");
  const auto resolved = resolve_rows(args, {"id-a", "id-b"});
  ASSERT_TRUE(resolved);
  EXPECT_EQ(
      resolved->at("input").at("where").dump(),
      R"([{"field":"_id","value":"id-b"},{"field":"_id","operator":"in","value":["id-a","id-b"]},{"field":"token","value":"@rowish"}])");
  // A create that threw has no id: a call naming it cannot be sent.
  EXPECT_EQ(resolve_rows(args, {"id-a", std::nullopt}), std::nullopt);
  EXPECT_EQ(resolve_rows(args, {"id-a"}), std::nullopt);
}

// A placeholder prefix is bound per execution, in every string it starts
// and nowhere else (keys, unique values; not row refs, not a key's middle).
TEST(GenAdapterCall, RebindPrefixReplacesOnlyLeadingPlaceholders) {
  const Json args = Json::parse(
      R"({"input":{"model":"session","data":{"userId":"@scope-k0","token":"@scope-ab",
          "ipAddress":"x@scope","userAgent":null,"expiresAt":1}},
          "where":[{"field":"userId","operator":"in","value":["@scope-k1","@row0"]}]})");
  EXPECT_EQ(
      rebind_prefix(args, "@scope", "ac-run-seq-4").dump(),
      R"({"input":{"model":"session","data":{"userId":"ac-run-seq-4-k0","token":"ac-run-seq-4-ab","ipAddress":"x@scope","userAgent":null,"expiresAt":1}},"where":[{"field":"userId","operator":"in","value":["ac-run-seq-4-k1","@row0"]}]})");
  // A whole generated sequence, rebound, is the sequence of the new scope.
  const CallScope placeholder{"@scope"};
  for (const auto& calls : sample(adapter_call_sequence("session", placeholder), 20)) {
    for (const AdapterCall& call : calls) {
      const std::string text = rebind_prefix(call.args, "@scope", "fresh").dump();
      EXPECT_EQ(text.find("@scope"), std::string::npos) << text;
    }
  }
}

TEST(GenAdapterCall, ScopeFieldsAreStringFieldsWithAnIndexOfTheirOwn) {
  const auto schema = load_schema();
  for (const std::string& model : models()) {
    const std::string& field = scope_field(model);
    const auto& table = schema.at("tables").at(model);
    ASSERT_TRUE(table.at("fields").contains(field)) << model;
    EXPECT_TRUE(table.at("fields").at(field).get<std::string>().starts_with("string")) << model;
    bool own_index = false;
    for (const auto& [name, fields] : table.at("indexes").items()) {
      own_index = own_index || fields == nlohmann::json::array({field});
    }
    EXPECT_EQ(own_index, model != "jwks") << model << "." << field;
  }
  EXPECT_THROW(scope_field("users"), std::invalid_argument);
  EXPECT_THROW(adapter_call("session", {}, CallScope{}), std::invalid_argument);
  EXPECT_THROW(adapter_call_sequence("session", CallScope{"p"}, 0), std::invalid_argument);
  EXPECT_EQ(CallScope{"p"}.keys(), (std::vector<std::string>{"p-k0", "p-k1"}));
}

// A reference app (the component with the default schema), quiet but
// keeping the component's console.warn lines.
struct ReferenceComponent {
  authref::ManualClock clock{1795344700000.0};
  std::vector<std::string> warnings;
  std::unique_ptr<authref::ReferenceApp> app;

  ReferenceComponent() {
    authref::ReferenceApp::Options options;
    options.id_seed = 11;
    options.warn = [this](const std::string& line) { warnings.push_back(line); };
    app = std::make_unique<authref::ReferenceApp>(clock, options);
  }
  authref::ComponentResult call(const AdapterCall& call) {
    clock.advance_ms(1);
    const auto function = authref::component_function_named(call.function);
    EXPECT_TRUE(function) << call.function;
    return app->component().call(*function, call.args);
  }
  std::map<std::string, Json> rows(const std::string& model) {
    std::map<std::string, Json> out;
    for (const Json& document : app->database().documents("component", model)) {
      out[document.at("_id").get<std::string>()] = document;
    }
    return out;
  }
};

void collect_strings(const Json& value, std::set<std::string>& into) {
  if (value.is_string()) into.insert(value.get<std::string>());
  if (value.is_array() || value.is_object()) {
    for (const Json& item : value) collect_strings(item, into);
  }
}

// What the runs of scoped sequences met, over every model.
struct SequenceStats {
  std::map<std::string, int> functions;  // calls sent, by function
  std::map<std::string, int> outcomes;   // "value", or the start of a thrown message
  int unsent = 0;                        // named a create that threw
  int created = 0;
};

// Runs one scoped sequence against `ref` (which holds other rows: those of
// earlier sequences and unscoped ones) and checks what scoping promises:
// every call passes its argument validator; no read leaves the scope
// field's index (no "Querying without an index" warning, jwks aside); no
// answer names a row the sequence did not create; every other row is
// unchanged afterwards; every row the sequence made carries a key in the
// scope field, the prefix in its unique fields and dates from the origin.
void run_scoped_sequence(ReferenceComponent& ref, const std::string& model, const CallScope& scope,
                         const std::vector<AdapterCall>& calls, SequenceStats& stats) {
  const auto before = ref.rows(model);
  const auto keys = scope.keys();
  const std::string& field = scope_field(model);
  const auto fields = load_schema().at("tables").at(model);
  std::vector<std::optional<std::string>> created;
  ref.warnings.clear();
  for (const AdapterCall& call : calls) {
    SCOPED_TRACE(call.function + " " + call.args.dump());
    // The where list (findOne/findMany: args.where; the rest: args.input.where).
    const Json& holder = call.args.contains("input") ? call.args.at("input") : call.args;
    if (call.function != "create") {
      ASSERT_TRUE(holder.contains("where"));
      const Json& first = holder.at("where").at(0);
      EXPECT_EQ(first.at("field"), field);
      const std::string op = first.value("operator", "eq");
      EXPECT_TRUE(op == "eq" || op == "in");
      std::set<std::string> values;
      collect_strings(first.at("value"), values);
      for (const std::string& value : values) {
        EXPECT_TRUE(std::ranges::find(keys, value) != keys.end()) << value;
      }
    }
    const auto args = resolve_rows(call.args, created);
    if (!args) {
      ++stats.unsent;
      if (call.function == "create") created.push_back(std::nullopt);
      continue;
    }
    ++stats.functions[call.function];
    const auto answer = ref.call(AdapterCall{call.function, *args});
    if (!answer) {
      EXPECT_NE(answer.error().code, authref::ThrownKind::kArgumentValidation)
          << answer.error().detail;
      ++stats.outcomes[answer.error().detail.substr(0, 24)];
    } else {
      ++stats.outcomes["value"];
      std::set<std::string> named;
      collect_strings(*answer, named);
      for (const auto& [id, document] : before) {
        EXPECT_FALSE(named.contains(id)) << "the answer names another row: " << answer->dump();
      }
    }
    if (call.function == "create") {
      created.push_back(answer ? std::optional(answer->at("_id").get<std::string>())
                               : std::nullopt);
      if (answer) ++stats.created;
    }
  }
  if (model != "jwks") {
    for (const std::string& line : ref.warnings) {
      EXPECT_FALSE(line.starts_with("Querying without an index")) << line;
    }
  }
  const auto after = ref.rows(model);
  for (const auto& [id, document] : before) {
    const auto it = after.find(id);
    ASSERT_NE(it, after.end()) << "another row was deleted: " << document.dump();
    EXPECT_EQ(it->second, document) << "another row was changed";
  }
  for (const auto& [id, document] : after) {
    if (before.contains(id)) continue;
    SCOPED_TRACE(document.dump());
    ASSERT_TRUE(document.contains(field) && document.at(field).is_string());
    EXPECT_TRUE(std::ranges::find(keys, document.at(field).get<std::string>()) != keys.end());
    for (const auto& [name, type] : fields.at("fields").items()) {
      if (!document.contains(name) || document.at(name).is_null()) continue;
      const auto& uniques = fields.at("unique");
      if (std::find(uniques.begin(), uniques.end(), name) != uniques.end()) {
        EXPECT_TRUE(document.at(name).get<std::string>().starts_with(scope.prefix + "-")) << name;
      }
      if (name.ends_with("At") || name == "lastRequest") {
        EXPECT_GE(document.at(name).get<double>(), scope.date_origin) << name;
      }
    }
  }
}

class GenAdapterCalls : public ::testing::TestWithParam<std::string> {};

// Unscoped calls (ids of real rows in `_id` clauses) pass the argument
// validators of the reference component, built from the same schema as
// createApi's (§3.2): documents match the table validator exactly, updates
// its partial, where fields the table's literal union.
TEST_P(GenAdapterCalls, UnscopedCallsPassTheArgumentValidator) {
  const std::string model = GetParam();
  ReferenceComponent ref;
  std::vector<std::string> ids;
  for (const AdapterCall& call : sample(adapter_call(model, {}, CallScope{"seed"}), 40, 5)) {
    if (call.function != "create") continue;
    if (auto made = ref.call(call)) ids.push_back(made->at("_id").get<std::string>());
  }
  ASSERT_FALSE(ids.empty());
  std::set<std::string> functions;
  for (const AdapterCall& call : sample(adapter_call(model, ids), 400)) {
    functions.insert(call.function);
    const auto answer = ref.call(call);
    if (!answer) {
      EXPECT_NE(answer.error().code, authref::ThrownKind::kArgumentValidation)
          << call.function << " " << call.args.dump() << ": " << answer.error().detail;
    }
  }
  EXPECT_EQ(functions.size(), adapter_functions().size());
}

TEST_P(GenAdapterCalls, ScopedSequencesTouchOnlyTheirOwnRows) {
  const std::string model = GetParam();
  ReferenceComponent ref;
  // Rows of no scope first, with the pools' values (unique ones too).
  for (const AdapterCall& call : sample(adapter_call(model, {}), 80, 3)) {
    if (call.function == "create") (void)ref.call(call);
  }
  SequenceStats stats;
  for (int i = 0; i < 30; ++i) {
    const CallScope scope{"gen-" + std::to_string(i) + "x", 7258118400000.0 + 1e6 * i};
    const auto calls = sample(adapter_call_sequence(model, scope), 1, 100 + i).front();
    run_scoped_sequence(ref, model, scope, calls, stats);
  }
  EXPECT_GT(stats.created, 10);
  for (const std::string& function : adapter_functions()) {
    EXPECT_GT(stats.functions[function], 0) << function;
  }
}

INSTANTIATE_TEST_SUITE_P(Models, GenAdapterCalls, ::testing::ValuesIn(models()),
                         [](const ::testing::TestParamInfo<std::string>& row) {
                           return row.param;
                         });

// Over many sequences on the tables the suites drive, every function is
// sent, both answers occur, and each refusal the scoped generator plants
// (§3.3) is met, as are the component's own errors.
TEST(GenAdapterCall, SequencesReachEveryFunctionAndTheRefusals) {
  SequenceStats stats;
  for (const std::string model : {"verification", "session", "user"}) {
    ReferenceComponent ref;
    for (int i = 0; i < 80; ++i) {
      const CallScope scope{model + "-" + std::to_string(i)};
      run_scoped_sequence(ref, model, scope,
                          sample(adapter_call_sequence(model, scope), 1, 500 + i).front(), stats);
    }
  }
  for (const std::string& function : adapter_functions()) {
    EXPECT_GT(stats.functions[function], 20) << function;
  }
  std::map<std::string, int> met;
  for (const auto& [start, count] : stats.outcomes) {
    for (const char* expected :
         {"value", "Failed to update", "OR connector not suppor", "Case-insensitive querie",
          "_id can only be used wi", "offset not supported", "Cannot use ", "session token already",
          "user email already exis"}) {
      if (start.starts_with(expected)) met[expected] += count;
    }
  }
  for (const char* expected :
       {"value", "Failed to update", "OR connector not suppor", "Case-insensitive querie",
        "_id can only be used wi", "offset not supported", "Cannot use ", "session token already",
        "user email already exis"}) {
    EXPECT_GT(met[expected], 0) << expected;
  }
}

}  // namespace
}  // namespace authconf::gen
