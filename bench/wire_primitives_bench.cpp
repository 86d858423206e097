// What the wire primitives cost: the figures later issues compare against
// (issue 4 wants sign-in within 1.2x of one scrypt hash).
#include <benchmark/benchmark.h>

#include "authconf/jose.h"
#include "authconf/password.h"
#include "authconf/signed_cookie.h"

namespace {

constexpr const char* kSecret = "test-secret-0123456789abcdef0123456789abcdef";

// One Better Auth scrypt hash (N=16384, r=16, p=1): the floor of every sign-in.
void BM_HashPassword(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(authconf::hash_password("password123"));
}
BENCHMARK(BM_HashPassword)->Unit(benchmark::kMillisecond);

// What get-session pays to read the session cookie.
void BM_VerifySignedCookie(benchmark::State& state) {
  const std::string value =
      authconf::sign_cookie_value("052svUtoG4HOYJpiOCrFZkiD8t9iZTN7", kSecret);
  for (auto _ : state)
    benchmark::DoNotOptimize(authconf::verify_signed_cookie_value(value, kSecret));
}
BENCHMARK(BM_VerifySignedCookie);

// Minting and checking the Convex JWT, per algorithm.
void BM_SignJwt(benchmark::State& state, bool rsa) {
  const authconf::Jwk key =
      (rsa ? authconf::generate_rsa_key(2048) : authconf::generate_ed25519_key()).value();
  const nlohmann::json claims = {{"sub", "u1"}, {"aud", "convex"}, {"iat", 1795344964}};
  for (auto _ : state) benchmark::DoNotOptimize(authconf::sign_jwt(claims, key));
}
BENCHMARK_CAPTURE(BM_SignJwt, rs256, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_SignJwt, eddsa, false)->Unit(benchmark::kMicrosecond);

void BM_VerifyJwt(benchmark::State& state, bool rsa) {
  const authconf::Jwk key =
      (rsa ? authconf::generate_rsa_key(2048) : authconf::generate_ed25519_key()).value();
  const nlohmann::json claims = {{"sub", "u1"}, {"aud", "convex"}, {"iat", 1795344964}};
  const std::string token = authconf::sign_jwt(claims, key).value();
  for (auto _ : state) benchmark::DoNotOptimize(authconf::verify_jws(token, key));
}
BENCHMARK_CAPTURE(BM_VerifyJwt, rs256, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_VerifyJwt, eddsa, false)->Unit(benchmark::kMicrosecond);

}  // namespace
