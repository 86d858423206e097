// The golden comparison engine: what it scrubs, what it learns, what it still catches.
#include "golden/compare.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "authconf/encoding.h"
#include "authconf/signed_cookie.h"

namespace authref::golden {
namespace {

std::string jwt_of(const std::string& header, const std::string& payload, std::size_t sig_len) {
  return authconf::base64url_encode(header) + "." + authconf::base64url_encode(payload) + "." +
         std::string(sig_len, 'A');
}

std::string describe(const std::vector<Difference>& differences) {
  std::string out;
  for (const auto& d : differences) out += d.where + ": " + d.recorded + " vs " + d.actual + "\n";
  return out;
}

struct BodyCase {
  std::string name;
  std::string recorded;
  std::string actual;
  std::vector<std::string> wheres;  // the differences expected, by place; empty: equal
};

void PrintTo(const BodyCase& row, std::ostream* out) { *out << row.name; }

class CompareBodyTest : public testing::TestWithParam<BodyCase> {};

TEST_P(CompareBodyTest, ReportsExactlyTheseDifferences) {
  ValueMap values;
  std::vector<Difference> differences;
  Comparer compare(values, differences,
                   {.date_tolerance_ms = 2000, .loose_rows = false, .secret = ""});
  compare.body(GetParam().recorded, GetParam().actual);
  std::vector<std::string> wheres;
  for (const auto& d : differences) wheres.push_back(d.where);
  EXPECT_EQ(wheres, GetParam().wheres) << describe(differences);
}

const std::string kUser =
    R"("user":{"name":"Alice","email":"alice@example.com","emailVerified":false,)";

INSTANTIATE_TEST_SUITE_P(
    Cases, CompareBodyTest,
    testing::Values(
        BodyCase{
            "random_values_scrubbed",
            R"({"token":"O77xNdQg8eyo5hRzKcoWieRlFscYptSd",)" + kUser +
                R"("createdAt":"2026-11-22T10:56:00.857Z","id":"yCNNfmlB1BizoAx52trcYiuclSbbGfw7"}})",
            R"({"token":"Xr0gK1ZzM2m3V6qWb5pTt9yLc4DnE8Ha",)" + kUser +
                R"("createdAt":"2026-11-22T10:56:01.002Z","id":"k57abc"}})",
            {}},
        BodyCase{"fixed_value_differs", R"({"ok":true})", R"({"ok":false})", {"body.ok"}},
        BodyCase{"key_order_differs",
                 R"({"message":"m","code":"C"})",
                 R"({"code":"C","message":"m"})",
                 {"body (keys)"}},
        BodyCase{"iso_date_became_number",
                 R"({"createdAt":"2026-11-22T10:56:00.857Z"})",
                 R"({"createdAt":1795344960857})",
                 {"body.createdAt (date form)"}},
        BodyCase{"epoch_date_within_tolerance",
                 R"({"createdAt":1795344960857})",
                 R"({"createdAt":1795344961857})",
                 {}},
        BodyCase{"date_too_far",
                 R"({"expiresAt":"2026-11-29T10:56:00.857Z"})",
                 R"({"expiresAt":"2026-11-23T10:56:00.857Z"})",
                 {"body.expiresAt (date value, tolerance 2000.000000 ms)"}},
        BodyCase{"token_of_other_length",
                 R"({"token":"O77xNdQg8eyo5hRzKcoWieRlFscYptSd"})",
                 R"({"token":"short"})",
                 {"body.token (token shape)"}},
        BodyCase{"two_ids_one_value",
                 R"([{"id":"a1"},{"id":"b2"}])",
                 R"([{"id":"x"},{"id":"x"}])",
                 {"body[1].id"}},
        BodyCase{"same_id_twice_must_agree",
                 R"([{"id":"a1"},{"userId":"a1"}])",
                 R"([{"id":"x"},{"userId":"y"}])",
                 {"body[1].userId"}},
        BodyCase{"not_json_exact", "404 Not Found", "Not Found", {"body"}},
        BodyCase{"null_body", "null", "null", {}},
        BodyCase{"array_length", "[1,2]", "[1]", {"body (length)"}}),
    [](const testing::TestParamInfo<BodyCase>& row) { return row.param.name; });

TEST(CompareTest, JwtComparedByClaimsAndLifetime) {
  ValueMap values;
  std::vector<Difference> differences;
  Comparer compare(values, differences,
                   {.date_tolerance_ms = 2000, .loose_rows = false, .secret = ""});
  const std::string recorded =
      jwt_of(R"({"alg":"RS256","kid":"pB94"})",
             R"({"iat":1795344960,"sub":"u1","exp":1795345860,"aud":"convex"})", 342);
  const std::string good =
      jwt_of(R"({"alg":"RS256","kid":"k1"})",
             R"({"iat":1795344961,"sub":"u9","exp":1795345861,"aud":"convex"})", 342);
  compare.jwt(recorded, good, "token");
  EXPECT_TRUE(differences.empty()) << describe(differences);
  EXPECT_EQ(values.find(recorded), good);
  EXPECT_EQ(values.find("u1"), "u9");

  const std::string recorded2 =
      jwt_of(R"({"alg":"RS256","kid":"pB94"})",
             R"({"iat":1795344960,"sub":"u1","exp":1795345860,"aud":"convex"})", 343);
  const std::string bad =
      jwt_of(R"({"alg":"RS256","kid":"k2"})",
             R"({"iat":1795344960,"sub":"u9","exp":1795346860,"aud":"x"})", 300);
  compare.jwt(recorded2, bad, "token");
  std::vector<std::string> wheres;
  for (const auto& d : differences) wheres.push_back(d.where);
  EXPECT_EQ(
      wheres,
      (std::vector<std::string>{
          "token(jwt).header.kid", "token(jwt).payload.exp (date value, tolerance 2000.000000 ms)",
          "token(jwt).payload.aud", "token(jwt) exp - iat", "token(jwt) signature length"}))
      << describe(differences);
}

TEST(CompareTest, SetCookiesLearnTokensForLaterRequests) {
  ValueMap values;
  std::vector<Difference> differences;
  Comparer compare(values, differences);
  http::Headers recorded{{"set-cookie",
                          "better-auth.session_token=SN1VbUczQ6CjUN3kKqwFa6z2fTvOeO4D."
                          "dkwZwA1YkBidYslgcPd3z52S3cNdCTWLk0wQSqGITnI%3D; Max-Age=604800; Path=/; "
                          "HttpOnly; SameSite=Lax"},
                         {"vary", "Origin"}};
  http::Headers actual{{"set-cookie",
                        "better-auth.session_token=abcdefghijABCDEFGHIJ0123456789xy."
                        "Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyMTI%3D; Max-Age=604800; Path=/; "
                        "HttpOnly; SameSite=Lax"},
                       {"vary", "Origin"}};
  compare.headers(recorded, actual);
  EXPECT_TRUE(differences.empty()) << describe(differences);
  EXPECT_EQ(values.substitute("better-auth.session_token=SN1VbUczQ6CjUN3kKqwFa6z2fTvOeO4D.AAAA"),
            "better-auth.session_token=abcdefghijABCDEFGHIJ0123456789xy.AAAA");
  EXPECT_EQ(values.substitute("Cookie: better-auth.session_token=SN1VbUczQ6CjUN3kKqwFa6z2fTvOeO4D."
                              "dkwZwA1YkBidYslgcPd3z52S3cNdCTWLk0wQSqGITnI%3D"),
            "Cookie: better-auth.session_token=abcdefghijABCDEFGHIJ0123456789xy."
            "Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyMTI%3D");

  http::Headers wrong{{"set-cookie", "better-auth.session_token=; Max-Age=0; Path=/; SameSite=Lax"},
                      {"access-control-allow-origin", "*"}};
  differences.clear();
  compare.headers(recorded, wrong);
  std::vector<std::string> wheres;
  for (const auto& d : differences) wheres.push_back(d.where);
  EXPECT_EQ(wheres, (std::vector<std::string>{"header vary", "header access-control-allow-origin",
                                              "set-cookie[0] better-auth.session_token attributes",
                                              "set-cookie[0] better-auth.session_token value"}))
      << describe(differences);
}

TEST(CompareTest, OurSignedCookiesMustVerifyWithOurSecret) {
  const std::string secret = "test-secret-0123456789abcdef0123456789abcdef";
  const std::string token = "abcdefghijABCDEFGHIJ0123456789xy";
  const std::string recorded =
      "better-auth.session_token=SN1VbUczQ6CjUN3kKqwFa6z2fTvOeO4D."
      "dkwZwA1YkBidYslgcPd3z52S3cNdCTWLk0wQSqGITnI%3D; Path=/";
  for (const bool good : {true, false}) {
    ValueMap values;
    std::vector<Difference> differences;
    Comparer compare(values, differences,
                     {.date_tolerance_ms = 2000,
                      .loose_rows = false,
                      .secret = good ? secret : "another secret"});
    compare.set_cookies(
        {recorded},
        {"better-auth.session_token=" + authconf::sign_cookie_value(token, secret) + "; Path=/"},
        "set-cookie");
    if (good) {
      EXPECT_TRUE(differences.empty()) << describe(differences);
    } else {
      ASSERT_EQ(differences.size(), 1u) << describe(differences);
      EXPECT_EQ(differences[0].where,
                "set-cookie[0] better-auth.session_token signature (HMAC-SHA256 with our secret)");
    }
  }
}

TEST(CompareTest, SplitsJoinedSetBetterAuthCookie) {
  EXPECT_EQ(split_joined_set_cookies("a=1; Path=/; HttpOnly, b=; Max-Age=0, c=x; Expires=Sun, 22 "
                                     "Nov 2026 10:55:59 GMT"),
            (std::vector<std::string>{"a=1; Path=/; HttpOnly", "b=; Max-Age=0",
                                      "c=x; Expires=Sun, 22 Nov 2026 10:55:59 GMT"}));
}

TEST(CompareTest, Dates) {
  EXPECT_EQ(parse_iso_date("2026-11-22T10:56:00.857Z"), 1795344960857.0);
  EXPECT_EQ(parse_iso_date("2026-11-22T10:56:00Z"), std::nullopt);
  EXPECT_EQ(parse_http_date("Sun, 22 Nov 2026 10:56:00 GMT"), 1795344960000.0);
}

TEST(CompareTest, LooseRowsReadIdAsUnderscoreId) {
  ValueMap values;
  std::vector<Difference> differences;
  Comparer compare(values, differences,
                   {.date_tolerance_ms = 2000, .loose_rows = true, .secret = ""});
  compare.json_body(
      R"({"identifier":"reset-password:Q7dp","value":"u1","createdAt":"2026-11-22T10:56:09.475Z","id":"v1"})",
      R"({"_creationTime":1795344969476,"_id":"k1","createdAt":1795344969475,"identifier":"reset-password:Q7dp","value":"u1"})");
  EXPECT_TRUE(differences.empty()) << describe(differences);
}

}  // namespace
}  // namespace authref::golden
