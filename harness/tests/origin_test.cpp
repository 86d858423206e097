// Origins against Node's own `new URL()` (fixtures/vectors/origins.json) and
// trusted-origin matching against better-auth 1.6.34's own code
// (fixtures/vectors/trusted-origins.json). Both tables are written by the
// scripts in fixtures/vectors/scripts/; no expected value here is typed by hand.
#include "authconf/origin.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "vectors.h"

namespace authconf {
namespace {

const nlohmann::json& origin_vectors() { return testing::load_vectors("origins.json"); }

const nlohmann::json& trusted_vectors() { return testing::load_vectors("trusted-origins.json"); }

TEST(OriginVectors, EveryRowAgreesWithNodeUrl) {
  const auto& rows = origin_vectors()["rows"];
  ASSERT_GE(rows.size(), 60u);
  std::size_t throwing = 0;
  std::size_t opaque = 0;
  for (const auto& row : rows) {
    const std::string input = row["input"];
    SCOPED_TRACE(row["input"].dump() + " (" + row["note"].get<std::string>() + ")");
    auto parts = parse_url(input);
    auto origin = origin_of(input);
    if (row.value("throws", false)) {
      ++throwing;
      ASSERT_FALSE(parts) << "Node throws, authconf parsed " << parts->origin;
      EXPECT_EQ(parts.error().code, OriginError::kInvalidUrl) << parts.error();
      ASSERT_FALSE(origin);
      EXPECT_EQ(origin.error().code, OriginError::kInvalidUrl) << origin.error();
      continue;
    }
    ASSERT_TRUE(parts) << parts.error();
    EXPECT_EQ(parts->origin, row["origin"].get<std::string>());
    EXPECT_EQ(parts->protocol, row["protocol"].get<std::string>());
    EXPECT_EQ(parts->host, row["host"].get<std::string>());
    ASSERT_TRUE(origin) << origin.error();
    EXPECT_EQ(*origin, row["origin"].get<std::string>());
    if (*origin == "null") ++opaque;
  }
  // The table keeps covering both ways to fail and opaque origins.
  EXPECT_GE(throwing, 40u);
  EXPECT_GE(opaque, 20u);
}

TEST(OriginVectors, HostIsHostnameAndPort) {
  for (const auto& row : origin_vectors()["rows"]) {
    if (row.value("throws", false)) continue;
    SCOPED_TRACE(row["input"].dump());
    auto parts = parse_url(row["input"].get<std::string>());
    ASSERT_TRUE(parts) << parts.error();
    EXPECT_EQ(parts->host,
              parts->port.empty() ? parts->hostname : parts->hostname + ":" + parts->port);
  }
}

// Internationalised hosts go through UTS #46 as in Node; the table keeps
// enough of them (Node's answers, checked in EveryRowAgreesWithNodeUrl).
TEST(OriginVectors, TableCoversInternationalisedHosts) {
  std::size_t idna_rows = 0;
  for (const auto& row : origin_vectors()["rows"]) idna_rows += row.value("idna", false) ? 1 : 0;
  EXPECT_GE(idna_rows, 10u);
}

TEST(Origin, InputThatIsNotUtf8IsRejected) {
  for (const std::string& input : {std::string("http://a\xff.com"), std::string("\xc3"),
                                   std::string("myapp://x/\xed\xa0\x80")}) {
    auto origin = origin_of(input);
    ASSERT_FALSE(origin);
    EXPECT_EQ(origin.error().code, OriginError::kInvalidUtf8);
  }
}

TEST(Origin, ErrorCodesHaveNames) {
  EXPECT_EQ(to_string(OriginError::kInvalidUrl), "invalid-url");
  EXPECT_EQ(to_string(OriginError::kUnsupportedHost), "unsupported-host");
  EXPECT_EQ(to_string(OriginError::kInvalidUtf8), "invalid-utf8");
}

TEST(Origin, LongHostileInputStaysLinear) {
  // 200 000 "@" and digits: one pass each, no deep recursion.
  const std::string many_at = "http://" + std::string(200000, '@') + "localhost:5173";
  auto origin = origin_of(many_at);
  ASSERT_TRUE(origin) << origin.error();
  EXPECT_EQ(*origin, "http://localhost:5173");
  auto port = origin_of("http://localhost:" + std::string(200000, '9'));
  ASSERT_FALSE(port);
  EXPECT_EQ(port.error().code, OriginError::kInvalidUrl);
}

std::vector<std::string> patterns_of(const nlohmann::json& row) {
  return row["patterns"].get<std::vector<std::string>>();
}

TEST(TrustedOriginVectors, MatchesOriginPatternAgreesWithBetterAuth) {
  const auto& rows = trusted_vectors()["rows"];
  ASSERT_GE(rows.size(), 100u);
  std::size_t compared = 0;
  for (const auto& row : rows) {
    const std::string url = row["url"];
    const TrustedOriginOptions options{.allow_relative_paths = row["allow_relative"].get<bool>()};
    const auto patterns = patterns_of(row);
    ASSERT_EQ(row["matches"].size(), patterns.size());
    for (std::size_t i = 0; i < patterns.size(); ++i) {
      SCOPED_TRACE(row["url"].dump() + " vs " + nlohmann::json(patterns[i]).dump() +
                   (options.allow_relative_paths ? " (relative allowed)" : "") + " (" +
                   row["note"].get<std::string>() + ")");
      auto match = matches_origin_pattern(url, patterns[i], options);
      ASSERT_TRUE(match) << match.error();
      EXPECT_EQ(*match, row["matches"][i].get<bool>());
      ++compared;
    }
  }
  EXPECT_GE(compared, 100u);
}

TEST(TrustedOriginVectors, IsTrustedOriginAgreesWithBetterAuth) {
  std::size_t trusted = 0;
  std::size_t refused = 0;
  for (const auto& row : trusted_vectors()["rows"]) {
    SCOPED_TRACE(row["url"].dump() + " vs " + row["patterns"].dump() +
                 (row["allow_relative"].get<bool>() ? " (relative allowed)" : "") + " (" +
                 row["note"].get<std::string>() + ")");
    const auto patterns = patterns_of(row);
    auto verdict = is_trusted_origin(row["url"].get<std::string>(), patterns,
                                     {.allow_relative_paths = row["allow_relative"].get<bool>()});
    ASSERT_TRUE(verdict) << verdict.error();
    EXPECT_EQ(*verdict, row["trusted"].get<bool>());
    // Where the generator also sent the value through the real middleware,
    // the two agreed; the file must still say so.
    if (row.contains("middleware")) {
      EXPECT_EQ(row["middleware"], row["trusted"]);
    }
    (*verdict ? trusted : refused) += 1;
  }
  EXPECT_GE(trusted, 40u);
  EXPECT_GE(refused, 40u);
}

TEST(TrustedOriginVectors, RelativeRowsAreExactlyTheSafeRelativeUrls) {
  // For a url starting with "/", matchesOriginPattern with relative paths
  // allowed is the safe-relative regex alone, whatever the pattern.
  std::size_t relative = 0;
  for (const auto& row : trusted_vectors()["rows"]) {
    const std::string url = row["url"];
    if (!row["allow_relative"].get<bool>() || !url.starts_with('/') || row["matches"].empty()) {
      continue;
    }
    SCOPED_TRACE(row["url"].dump());
    EXPECT_EQ(is_safe_relative_url(url), row["matches"][0].get<bool>());
    ++relative;
  }
  EXPECT_GE(relative, 25u);
}

TEST(TrustedOriginVectors, WildcardMatchAgreesWithBetterAuth) {
  const auto& cases = trusted_vectors()["wildcard"];
  ASSERT_GE(cases.size(), 40u);
  for (const auto& c : cases) {
    SCOPED_TRACE(c["pattern"].dump() + " on " + c["subject"].dump());
    EXPECT_EQ(wildcard_match(c["pattern"].get<std::string>(), c["subject"].get<std::string>()),
              c["match"].get<bool>());
  }
}

TEST(TrustedOrigin, InputThatIsNotUtf8IsAnErrorNotAVerdict) {
  const std::vector<std::string> patterns{"http://localhost:5173", "*.trusted.dev"};
  auto verdict = is_trusted_origin("http://\xff.trusted.dev", patterns);
  ASSERT_FALSE(verdict);
  EXPECT_EQ(verdict.error().code, OriginError::kInvalidUtf8);
  // A relative callback is judged without parsing, so it never fails.
  auto relative = is_trusted_origin("/ok", patterns, {.allow_relative_paths = true});
  ASSERT_TRUE(relative) << relative.error();
  EXPECT_TRUE(*relative);
}

TEST(TrustedOrigin, LongWildcardSubjectsStayPolynomial) {
  // A pattern full of stars against a long near-miss: no exponential
  // backtracking (the RegExp engine has none to offer either, but a naive
  // glob matcher would).
  const std::string pattern = "https://" + std::string(40, '*') + "x.example.com";
  const std::string subject = "https://" + std::string(5000, 'a') + ".example.com";
  EXPECT_FALSE(wildcard_match(pattern, subject));
}

}  // namespace
}  // namespace authconf
