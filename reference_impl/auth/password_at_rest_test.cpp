// The password hashes the server stores are Better Auth's, and Better Auth's
// hashes work in the server (issue 4: "a password hash it stores verifies
// with the Better Auth vector code"). Both directions are checked without
// the harness's own password code, which the server uses, so a shared
// mistake cannot cancel itself out.
#include <gtest/gtest.h>
#include <sodium.h>

#include <string>

#include "auth/adapter.h"
#include "auth/auth_test_support.h"
#include "authconf/encoding.h"

namespace authref {
namespace {

// scrypt N=16384, r=16, p=1, 64 bytes over the (ASCII, so already NFKC)
// password, salted with the 32 hex characters themselves
// (spec/better-auth-wire.md §5), written out here from the spec.
std::string derive_key_hex(const std::string& password, const std::string& salt_hex) {
  unsigned char key[64];
  int rc = crypto_pwhash_scryptsalsa208sha256_ll(
      reinterpret_cast<const std::uint8_t*>(password.data()), password.size(),
      reinterpret_cast<const std::uint8_t*>(salt_hex.data()), salt_hex.size(), 16384, 16, 1, key,
      sizeof key);
  EXPECT_EQ(rc, 0);
  return authconf::hex_encode(std::string_view(reinterpret_cast<const char*>(key), sizeof key));
}

TEST(PasswordAtRestTest, TheStoredHashIsBetterAuthsFormat) {
  ASSERT_GE(sodium_init(), 0);
  testing::AuthTestBed bed;
  ASSERT_EQ(bed.sign_up("alice@example.com", "password123").status, 200);
  auto accounts = bed.app().database().documents("component", "account");
  ASSERT_EQ(accounts.size(), 1u);
  const std::string stored = accounts[0].at("password").get<std::string>();
  ASSERT_EQ(stored.size(), 161u);  // 32 hex, ':', 128 hex
  ASSERT_EQ(stored[32], ':');
  const std::string salt = stored.substr(0, 32);
  EXPECT_EQ(salt.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(stored.substr(33), derive_key_hex("password123", salt));
  EXPECT_NE(stored.substr(33), derive_key_hex("password124", salt));
}

// The account row of dave@example.com in the better-auth 1.6.34 transcript
// (fixtures/transcripts/better-auth-1.6.34-memory.md §14): password123,
// hashed by Better Auth itself.
constexpr const char* kBetterAuthHash =
    "34107e523421bd621fedaa19a3c40a3d:3cca97295484402b4a3e61739a3f541bbae1960c889cbe4de797311c13b0"
    "234f39fe5501e82284273392902738adb84c0d1927ee18e629dce2b65005635e9e74";

TEST(PasswordAtRestTest, ABetterAuthHashSignsIn) {
  testing::AuthTestBed bed;
  ASSERT_EQ(bed.sign_up("dave@example.com", "a password we replace").status, 200);
  AuthAdapter adapter(bed.app().component());
  ASSERT_TRUE(adapter.update("account", {{"providerId", "credential"}},
                             Json{{"password", kBetterAuthHash}}));
  EXPECT_EQ(bed.sign_in("dave@example.com", "password123").status, 200);
  auto wrong = bed.sign_in("dave@example.com", "a password we replace");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body,
            R"({"message":"Invalid email or password","code":"INVALID_EMAIL_OR_PASSWORD"})");
}

}  // namespace
}  // namespace authref
