// Better Auth password hashes against vectors from @better-auth/utils 0.4.2,
// the spec (better-auth-wire.md §5) and a real transcript.
#include "authconf/password.h"

#include <gtest/gtest.h>

#include "authconf/encoding.h"
#include "vectors.h"

namespace authconf {
namespace {

const nlohmann::json& vectors() { return testing::load_vectors("passwords.json"); }

TEST(PasswordVectors, FileHasEveryKindOfCase) {
  EXPECT_GE(vectors()["hashes"].size(), 10u);
  EXPECT_GE(vectors()["malformed"].size(), 5u);
  EXPECT_GE(vectors()["lengths"].size(), 10u);
}

TEST(PasswordVectors, HashWithRecordedSaltReproducesStoredValueByteForByte) {
  for (const auto& v : vectors()["hashes"]) {
    const std::string stored = v["stored"];
    SCOPED_TRACE(v["source"].get<std::string>() + " / " + stored);
    auto hashed = hash_password_with_salt(v["password"].get<std::string>(), stored.substr(0, 32));
    ASSERT_TRUE(hashed) << hashed.error();
    EXPECT_EQ(*hashed, stored);
  }
}

TEST(PasswordVectors, VerifyAcceptsThePasswordAndItsNfkcEquivalents) {
  for (const auto& v : vectors()["hashes"]) {
    SCOPED_TRACE(v["stored"].get<std::string>());
    auto ok = verify_password(v["password"].get<std::string>(), v["stored"].get<std::string>());
    ASSERT_TRUE(ok) << ok.error();
    EXPECT_TRUE(*ok);
    for (const auto& same : v["equivalent"]) {
      auto also = verify_password(same.get<std::string>(), v["stored"].get<std::string>());
      ASSERT_TRUE(also) << also.error();
      EXPECT_TRUE(*also) << "NFKC-equivalent password rejected";
    }
  }
}

TEST(PasswordVectors, VerifyRejectsOtherPasswords) {
  for (const auto& v : vectors()["hashes"]) {
    for (const auto& other : v["different"]) {
      SCOPED_TRACE(other.get<std::string>());
      auto ok = verify_password(other.get<std::string>(), v["stored"].get<std::string>());
      ASSERT_TRUE(ok) << ok.error();
      EXPECT_FALSE(*ok);
    }
  }
}

TEST(PasswordVectors, VerifyRejectsAOneCharacterChangeInTheStoredKeyOrSalt) {
  const auto& v = vectors()["hashes"][0];
  std::string stored = v["stored"];
  for (std::size_t at : {std::size_t{0}, std::size_t{33}, stored.size() - 1}) {
    std::string tampered = stored;
    tampered[at] = tampered[at] == '0' ? '1' : '0';
    auto ok = verify_password(v["password"].get<std::string>(), tampered);
    ASSERT_TRUE(ok) << ok.error();
    EXPECT_FALSE(*ok) << "changed position " << at;
  }
}

// Better Auth throws "Invalid password hash" on these (a 500 on the wire);
// the harness reports a distinct error instead of `false`.
TEST(PasswordVectors, MalformedStoredValuesAreAnErrorNotFalse) {
  for (const auto& m : vectors()["malformed"]) {
    SCOPED_TRACE(m["stored"].get<std::string>());
    EXPECT_EQ(m["better_auth"].get<std::string>(), "throws: Invalid password hash");
    auto ok = verify_password("password123", m["stored"].get<std::string>());
    ASSERT_FALSE(ok);
    EXPECT_EQ(ok.error().code, PasswordError::kMalformedStoredHash);
  }
}

TEST(PasswordVectors, LengthCountsUtf16UnitsOfTheRawPassword) {
  for (const auto& l : vectors()["lengths"]) {
    const std::string password = l["password"];
    const std::string verdict = l["verdict"];
    SCOPED_TRACE(password);
    EXPECT_EQ(utf16_length(password).value_or(0), l["utf16_units"].get<std::size_t>());
    auto units = check_password_length(password);
    if (verdict == "ok") {
      ASSERT_TRUE(units) << units.error();
      EXPECT_EQ(*units, l["utf16_units"].get<std::size_t>());
    } else {
      ASSERT_FALSE(units);
      EXPECT_EQ(to_string(units.error().code), verdict);
    }
  }
}

TEST(Password, FreshHashesHaveBetterAuthShapeAndDifferentSalts) {
  auto a = hash_password("password123");
  auto b = hash_password("password123");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->size(), 161u);
  EXPECT_EQ((*a)[32], ':');
  EXPECT_NE(a->substr(0, 32), b->substr(0, 32));
  EXPECT_EQ(verify_password("password123", *a).value_or(false), true);
  EXPECT_EQ(verify_password("password124", *a).value_or(true), false);
}

TEST(Password, NfkcFoldsCompatibilityCharacters) {
  auto folded = normalize_nfkc("\xEF\xBD\x90\xEF\xBD\x81\xEF\xBD\x93\xEF\xBD\x93\xEF\xAC\x81word");
  ASSERT_TRUE(folded);
  EXPECT_EQ(*folded, "passfiword");
}

TEST(Password, InvalidUtf8IsRefusedEverywhere) {
  const std::string bad = "pass\xC3(word";
  EXPECT_EQ(hash_password(bad).error().code, PasswordError::kInvalidUtf8);
  EXPECT_EQ(check_password_length(bad).error().code, PasswordError::kInvalidUtf8);
  EXPECT_EQ(verify_password(bad, vectors()["hashes"][0]["stored"].get<std::string>()).error().code,
            PasswordError::kInvalidUtf8);
}

TEST(Password, SaltMustBe32LowerCaseHex) {
  for (const char* salt :
       {"", "0123456789abcdef", "0123456789ABCDEF0123456789ABCDEF",
        "0123456789abcdef0123456789abcdeg", "0123456789abcdef0123456789abcdef0"}) {
    SCOPED_TRACE(salt);
    auto hashed = hash_password_with_salt("password123", salt);
    ASSERT_FALSE(hashed);
    EXPECT_EQ(hashed.error().code, PasswordError::kInvalidSalt);
  }
}

}  // namespace
}  // namespace authconf
