// Signed cookie values against better-call 1.4.0's own output and answers
// (fixtures/vectors/signed-cookies.json) and the two vectors of
// better-auth-wire.md §4.2.
#include "authconf/signed_cookie.h"

#include <gtest/gtest.h>

#include "authconf/set_cookie.h"
#include "vectors.h"

namespace authconf {
namespace {

const nlohmann::json& vectors() { return testing::load_vectors("signed-cookies.json"); }

constexpr const char* kSpecSecret = "test-secret-0123456789abcdef0123456789abcdef";

TEST(SignedCookieSpec, SessionTokenVectorByteForByte) {
  EXPECT_EQ(cookie_signature("052svUtoG4HOYJpiOCrFZkiD8t9iZTN7", kSpecSecret),
            "//PRcsFeao9Ue7NBN3ZsHODv+ltiIgz/chtp/nmuyeU=");
  EXPECT_EQ(sign_cookie_value("052svUtoG4HOYJpiOCrFZkiD8t9iZTN7", kSpecSecret),
            "052svUtoG4HOYJpiOCrFZkiD8t9iZTN7.%2F%2FPRcsFeao9Ue7NBN3ZsHODv%2BltiIgz%2Fchtp%"
            "2FnmuyeU%3D");
}

TEST(SignedCookieSpec, DontRememberVectorByteForByte) {
  EXPECT_EQ(cookie_signature("true", kSpecSecret), "i8K8lWmm43/qItRtT9GUzE75WMaFyDz4cMBHK5qe4nM=");
  EXPECT_EQ(sign_cookie_value("true", kSpecSecret),
            "true.i8K8lWmm43%2FqItRtT9GUzE75WMaFyDz4cMBHK5qe4nM%3D");
}

TEST(SignedCookieVectors, SignMatchesBetterCall) {
  std::size_t signed_count = 0;
  for (const auto& v : vectors()["sign"]) {
    if (!v.contains("token")) continue;
    SCOPED_TRACE(v["set_cookie"].get<std::string>());
    EXPECT_EQ(sign_cookie_value(v["token"].get<std::string>(), v["secret"].get<std::string>()),
              v["value"].get<std::string>());
    ++signed_count;
  }
  EXPECT_GE(signed_count, 10u);
}

TEST(SignedCookieVectors, SignedValuesVerifyBackToTheirToken) {
  for (const auto& v : vectors()["sign"]) {
    if (!v.contains("token")) continue;
    SCOPED_TRACE(v["value"].get<std::string>());
    auto token =
        verify_signed_cookie_value(v["value"].get<std::string>(), v["secret"].get<std::string>());
    ASSERT_TRUE(token) << token.error();
    EXPECT_EQ(*token, v["token"].get<std::string>());
  }
}

// Each row says which check better-call's getSignedCookie failed (null: shape,
// false: signature) or that it accepted the value, and the harness agrees.
TEST(SignedCookieVectors, VerifyAgreesWithGetSignedCookie) {
  ASSERT_GE(vectors()["verify"].size(), 14u);
  for (const auto& v : vectors()["verify"]) {
    const std::string expect = v["expect"];
    SCOPED_TRACE(v["name"].get<std::string>() + ": " + v["cookie_value"].get<std::string>());
    auto token = verify_signed_cookie_value(v["cookie_value"].get<std::string>(),
                                            v["secret"].get<std::string>());
    if (expect == "token") {
      ASSERT_TRUE(token) << token.error();
      EXPECT_EQ(*token, v["better_call"].get<std::string>());
    } else {
      ASSERT_FALSE(token) << "accepted as " << *token;
      EXPECT_EQ(to_string(token.error().code), expect) << token.error();
    }
  }
}

TEST(SignedCookie, WrongSecretIsABadSignature) {
  auto value = sign_cookie_value("052svUtoG4HOYJpiOCrFZkiD8t9iZTN7", kSpecSecret);
  auto token = verify_signed_cookie_value(value, "another-secret");
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().code, SignedCookieError::kBadSignature);
}

// What better-call was asked for is what the parser reads back.
void expect_attributes_as_requested(const SetCookie& cookie, const nlohmann::json& options) {
  const std::string prefix = options.value("prefix", "");
  EXPECT_EQ(cookie.max_age.has_value(), options.contains("maxAge"));
  if (options.contains("maxAge")) {
    EXPECT_EQ(*cookie.max_age, options["maxAge"].get<std::int64_t>());
  }
  EXPECT_EQ(cookie.path.value_or(""), options.value("path", ""));
  // The __Host- prefix drops Domain (better-call _serialize).
  EXPECT_EQ(cookie.domain.value_or(""), prefix == "host" ? "" : options.value("domain", ""));
  EXPECT_EQ(cookie.expires.value_or(""), options.value("expires", ""));
  EXPECT_EQ(cookie.http_only, options.value("httpOnly", false));
  EXPECT_EQ(cookie.secure, options.value("secure", false));
  EXPECT_EQ(cookie.partitioned, options.value("partitioned", false));
  std::string same_site = cookie.same_site.value_or("");
  if (!same_site.empty()) same_site[0] = static_cast<char>(std::tolower(same_site[0]));
  EXPECT_EQ(same_site, options.value("sameSite", ""));
}

TEST(SignedCookieVectors, SetCookieHeadersRoundTripByteForByte) {
  for (const auto& v : vectors()["sign"]) {
    const std::string header = v["set_cookie"];
    SCOPED_TRACE(header);
    auto parsed = parse_set_cookie(header);
    ASSERT_TRUE(parsed) << parsed.error();
    EXPECT_TRUE(parsed->ignored_attributes.empty());
    EXPECT_EQ(serialize_set_cookie(*parsed), header);
    if (v.contains("value")) {
      EXPECT_EQ(parsed->value, v["value"].get<std::string>());
    }
    expect_attributes_as_requested(*parsed, v["options"]);
    const std::string prefix = v["options"].value("prefix", "");
    EXPECT_EQ(parsed->name, (prefix == "secure" ? "__Secure-"
                             : prefix == "host" ? "__Host-"
                                                : "") +
                                v["name"].get<std::string>());
  }
}

}  // namespace
}  // namespace authconf
