// Set-Cookie parsing (RFC 6265 §5.2), Better Auth's attribute order, and
// cookie dates (RFC 6265 §5.1.1).
#include "authconf/set_cookie.h"

#include <gtest/gtest.h>

namespace authconf {
namespace {

// Headers copied from transcripts/better-auth-1.6.34-memory.md.
TEST(SetCookie, ParsesARecordedSessionCookie) {
  const std::string header =
      "better-auth.session_token=O77xNdQg8eyo5hRzKcoWieRlFscYptSd."
      "H4YvbwaBarT8voXt1pIHwiVPLxRkjMD7kTP8tFCXEfI%3D; Max-Age=604800; Path=/; HttpOnly; "
      "SameSite=Lax";
  auto c = parse_set_cookie(header);
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->name, "better-auth.session_token");
  EXPECT_EQ(c->value,
            "O77xNdQg8eyo5hRzKcoWieRlFscYptSd.H4YvbwaBarT8voXt1pIHwiVPLxRkjMD7kTP8tFCXEfI%3D");
  EXPECT_EQ(c->max_age, 604800);
  EXPECT_EQ(c->path, "/");
  EXPECT_TRUE(c->http_only);
  EXPECT_FALSE(c->secure);
  EXPECT_EQ(c->same_site, "Lax");
  EXPECT_FALSE(c->domain);
  EXPECT_FALSE(c->expires);
  EXPECT_EQ(serialize_set_cookie(*c), header);
}

TEST(SetCookie, SerialisesInBetterCallOrderWhateverTheInputOrder) {
  auto c = parse_set_cookie(
      "__Secure-better-auth.session_token=v; SameSite=Lax; Secure; HttpOnly; "
      "Expires=Sun, 09 Sep 2001 01:46:40 GMT; Path=/; Domain=example.com; Max-Age=10; "
      "Partitioned");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(serialize_set_cookie(*c),
            "__Secure-better-auth.session_token=v; Max-Age=10; Domain=example.com; Path=/; "
            "Expires=Sun, 09 Sep 2001 01:46:40 GMT; HttpOnly; Secure; SameSite=Lax; Partitioned");
}

TEST(SetCookie, AttributeNamesAreCaseInsensitiveAndWhitespaceIsTrimmed) {
  auto c = parse_set_cookie("  a = b ;max-age=5;  PATH=/x ; httponly;SECURE;samesite=strict");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->name, "a");
  EXPECT_EQ(c->value, "b");
  EXPECT_EQ(c->max_age, 5);
  EXPECT_EQ(c->path, "/x");
  EXPECT_TRUE(c->http_only);
  EXPECT_TRUE(c->secure);
  EXPECT_EQ(c->same_site, "strict");
}

struct MaxAgeCase {
  const char* text;
  std::optional<std::int64_t> parsed;
};

void PrintTo(const MaxAgeCase& c, std::ostream* os) { *os << "Max-Age=" << c.text; }

class SetCookieMaxAge : public ::testing::TestWithParam<MaxAgeCase> {};

TEST_P(SetCookieMaxAge, FollowsRfc6265Section5_2_2) {
  auto c = parse_set_cookie(std::string("a=b; Max-Age=") + GetParam().text);
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->max_age, GetParam().parsed);
  EXPECT_EQ(c->ignored_attributes.size(), GetParam().parsed ? 0u : 1u);
}

INSTANTIATE_TEST_SUITE_P(Table, SetCookieMaxAge,
                         ::testing::Values(MaxAgeCase{"0", 0}, MaxAgeCase{"604800", 604800},
                                           MaxAgeCase{"-1", -1}, MaxAgeCase{"", std::nullopt},
                                           MaxAgeCase{"-", std::nullopt},
                                           MaxAgeCase{"10s", std::nullopt},
                                           MaxAgeCase{"+10", std::nullopt},
                                           MaxAgeCase{"1.5", std::nullopt},
                                           MaxAgeCase{"99999999999999999999", INT64_MAX}));

struct BadHeaderCase {
  const char* header;
  SetCookieError error;
};

void PrintTo(const BadHeaderCase& c, std::ostream* os) {
  *os << ::testing::PrintToString(std::string(c.header));
}

class SetCookieRejects : public ::testing::TestWithParam<BadHeaderCase> {};

TEST_P(SetCookieRejects, WithTheSpecificError) {
  auto c = parse_set_cookie(GetParam().header);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Table, SetCookieRejects,
    ::testing::Values(BadHeaderCase{"", SetCookieError::kNoNameValue},
                      BadHeaderCase{"novalue", SetCookieError::kNoNameValue},
                      BadHeaderCase{"novalue; a=b", SetCookieError::kNoNameValue},
                      BadHeaderCase{"=value", SetCookieError::kEmptyName},
                      BadHeaderCase{" =value; Path=/", SetCookieError::kEmptyName},
                      BadHeaderCase{"a b=c", SetCookieError::kInvalidName},
                      BadHeaderCase{"a\x01=c", SetCookieError::kInvalidName},
                      BadHeaderCase{"a,b=c", SetCookieError::kInvalidName}));

TEST(SetCookie, UnknownAttributesAreKeptAsIgnored) {
  auto c = parse_set_cookie("a=b; Priority=High; Path=/");
  ASSERT_TRUE(c);
  ASSERT_EQ(c->ignored_attributes.size(), 1u);
  EXPECT_EQ(c->ignored_attributes[0], "Priority=High");
}

struct DateCase {
  const char* text;
  std::optional<std::int64_t> epoch_ms;
};

void PrintTo(const DateCase& c, std::ostream* os) {
  *os << ::testing::PrintToString(std::string(c.text));
}

class CookieDate : public ::testing::TestWithParam<DateCase> {};

TEST_P(CookieDate, ParsesLikeABrowser) {
  EXPECT_EQ(parse_cookie_date(GetParam().text), GetParam().epoch_ms) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Table, CookieDate,
    ::testing::Values(DateCase{"Thu, 01 Jan 1970 00:00:00 GMT", 0},
                      DateCase{"Sun, 09 Sep 2001 01:46:40 GMT", 1000000000000},
                      DateCase{"Sunday, 09-Sep-01 01:46:40 GMT", 1000000000000},
                      DateCase{"Sun Sep  9 01:46:40 2001", 1000000000000},
                      DateCase{"09 sep 2001 01:46:40", 1000000000000},
                      DateCase{"Wed, 31 Dec 1969 23:59:59 GMT", -1000},
                      DateCase{"Tue, 29 Feb 2028 12:00:00 GMT", 1835438400000},
                      DateCase{"Thu, 30 Feb 2028 12:00:00 GMT", std::nullopt},
                      DateCase{"Sun, 09 Sep 2001 24:00:00 GMT", std::nullopt},
                      DateCase{"Sun, 09 Sep 2001 GMT", std::nullopt},
                      DateCase{"09 Sep 01:46:40", std::nullopt},
                      DateCase{"Sun, 09 Sep 1600 01:46:40 GMT", std::nullopt},
                      DateCase{"tomorrow", std::nullopt}, DateCase{"", std::nullopt}));

TEST(CookieDate, FormatsAsToUTCString) {
  EXPECT_EQ(format_cookie_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(format_cookie_date(1000000000000), "Sun, 09 Sep 2001 01:46:40 GMT");
  EXPECT_EQ(format_cookie_date(1835438400999), "Tue, 29 Feb 2028 12:00:00 GMT");
}

}  // namespace
}  // namespace authconf
