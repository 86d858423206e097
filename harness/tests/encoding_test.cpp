// Base64 (RFC 4648 §10 vectors), base64url, hex, encodeURIComponent and
// UTF-16 lengths, with the strictness that keeps tampered values apart.
#include "authconf/encoding.h"

#include <gtest/gtest.h>

namespace authconf {
namespace {

// RFC 4648 §10.
TEST(Base64, Rfc4648TestVectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(std::string_view(plain)), encoded);
    auto decoded = base64_decode(encoded);
    ASSERT_TRUE(decoded) << encoded;
    EXPECT_EQ(to_string(*decoded), plain);
  }
}

TEST(Base64, AllByteValuesRoundTripInBothAlphabets) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  EXPECT_EQ(to_string(base64_decode(base64_encode(all)).value()), all);
  EXPECT_EQ(to_string(base64url_decode(base64url_encode(all)).value()), all);
  EXPECT_EQ(base64url_encode(std::string_view("\xfb\xff")), "-_8");
  EXPECT_EQ(base64_encode(std::string_view("\xfb\xff")), "+/8=");
}

struct DecodeCase {
  const char* text;
  EncodingError error;
};

void PrintTo(const DecodeCase& c, std::ostream* os) {
  *os << ::testing::PrintToString(std::string(c.text));
}

class Base64Rejects : public ::testing::TestWithParam<DecodeCase> {};
TEST_P(Base64Rejects, WithTheSpecificError) {
  auto decoded = base64_decode(GetParam().text);
  ASSERT_FALSE(decoded) << GetParam().text;
  EXPECT_EQ(decoded.error().code, GetParam().error) << GetParam().text;
}
INSTANTIATE_TEST_SUITE_P(Table, Base64Rejects,
                         ::testing::Values(DecodeCase{"Zg=", EncodingError::kInvalidLength},
                                           DecodeCase{"Zg", EncodingError::kInvalidLength},
                                           DecodeCase{"Z===", EncodingError::kInvalidPadding},
                                           DecodeCase{"Z=g=", EncodingError::kInvalidPadding},
                                           DecodeCase{"=Zg=", EncodingError::kInvalidPadding},
                                           DecodeCase{"Zm9v\n", EncodingError::kInvalidLength},
                                           DecodeCase{"Zm-v", EncodingError::kInvalidCharacter},
                                           DecodeCase{"Zh==", EncodingError::kNonCanonical},
                                           DecodeCase{"Zm9=", EncodingError::kNonCanonical}));

class Base64UrlRejects : public ::testing::TestWithParam<DecodeCase> {};
TEST_P(Base64UrlRejects, WithTheSpecificError) {
  auto decoded = base64url_decode(GetParam().text);
  ASSERT_FALSE(decoded) << GetParam().text;
  EXPECT_EQ(decoded.error().code, GetParam().error) << GetParam().text;
}
INSTANTIATE_TEST_SUITE_P(Table, Base64UrlRejects,
                         ::testing::Values(DecodeCase{"Zg==", EncodingError::kInvalidPadding},
                                           DecodeCase{"Z", EncodingError::kInvalidLength},
                                           DecodeCase{"Zm+v", EncodingError::kInvalidCharacter},
                                           DecodeCase{"Zm/v", EncodingError::kInvalidCharacter},
                                           DecodeCase{"Zh", EncodingError::kNonCanonical}));

// atob(): whitespace dropped, padding optional, stray bits ignored.
TEST(Base64Forgiving, AcceptsWhatAtobAccepts) {
  for (const char* text : {"Zg==", "Zg", " Z g = = ", "Zh==", "Zh"})
    EXPECT_EQ(to_string(base64_decode_forgiving(text).value()), "f") << text;
  EXPECT_EQ(base64_decode_forgiving("Z").error().code, EncodingError::kInvalidLength);
  EXPECT_EQ(base64_decode_forgiving("Zg=").error().code, EncodingError::kInvalidPadding);
  EXPECT_EQ(base64_decode_forgiving("Z-==").error().code, EncodingError::kInvalidCharacter);
}

TEST(Hex, EncodesLowerCaseDecodesEither) {
  EXPECT_EQ(hex_encode(std::string_view("\x01\xab\xff")), "01abff");
  EXPECT_EQ(to_string(hex_decode("01ABff").value()), "\x01\xab\xff");
  EXPECT_EQ(hex_decode("abc").error().code, EncodingError::kInvalidLength);
  EXPECT_EQ(hex_decode("zz").error().code, EncodingError::kInvalidCharacter);
}

// Expected values are what Node's encodeURIComponent prints.
TEST(UriComponent, MatchesJavaScript) {
  EXPECT_EQ(encode_uri_component("abc-_.!~*'()XYZ09"), "abc-_.!~*'()XYZ09");
  EXPECT_EQ(encode_uri_component("a b/c+d=e&f?g#h%"), "a%20b%2Fc%2Bd%3De%26f%3Fg%23h%25");
  EXPECT_EQ(encode_uri_component("é🔑"), "%C3%A9%F0%9F%94%91");
  EXPECT_EQ(decode_uri_component("%C3%A9%F0%9F%94%91+x").value(), "é🔑+x");
  EXPECT_EQ(decode_uri_component("%2f%2F").value(), "//");
}

TEST(UriComponent, DecodeRejectsWhatJavaScriptThrowsOn) {
  for (const char* bad : {"%", "%2", "%zz", "a%2", "%G0"})
    EXPECT_EQ(decode_uri_component(bad).error().code, EncodingError::kInvalidPercentEscape) << bad;
  for (const char* bad : {"%C3", "%FF", "%ED%A0%80", "%C0%AF"})
    EXPECT_EQ(decode_uri_component(bad).error().code, EncodingError::kInvalidUtf8) << bad;
}

// Expected values are JavaScript's String.prototype.length.
TEST(Utf16Length, CountsCodeUnits) {
  EXPECT_EQ(utf16_length("").value(), 0u);
  EXPECT_EQ(utf16_length("password").value(), 8u);
  EXPECT_EQ(utf16_length("é").value(), 1u);
  EXPECT_EQ(utf16_length("e\xCC\x81").value(), 2u);
  EXPECT_EQ(utf16_length("🔑").value(), 2u);
  EXPECT_EQ(utf16_length(std::string_view("a\0b", 3)).value(), 3u);
  for (const char* bad : {"\xC3", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xFF"})
    EXPECT_EQ(utf16_length(bad).error().code, EncodingError::kInvalidUtf8);
}

TEST(ConstantTimeEqual, ComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
}

}  // namespace
}  // namespace authconf
