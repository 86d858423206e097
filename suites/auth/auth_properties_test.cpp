// Suite `auth`, part 5: rapidcheck properties over the email-and-password endpoints
// (spec/better-auth-wire.md §2.1, §2.2, §2.13, §4.2), with authconf/gen.h's generators:
//  - any near-miss email zod refuses is a 400 VALIDATION_ERROR on sign-up and INVALID_EMAIL on
//    sign-in, and creates nothing;
//  - any valid mixed-case email with any valid password (other scripts, NFKC-sensitive and
//    astral characters) signs up stored lower-cased, and signs in under another case variant;
//  - any password out of 8..128 UTF-16 units is refused with the code its `.length` says;
//  - request-password-reset answers any unknown email exactly as it answers a known one;
//  - any other token or signature in the session cookie is no session.
// Each sign-up costs a scrypt hash, so the runs are few where one is made.
#include <authconf/encoding.h>
#include <authconf/gen.h>
#include <authconf/matchers.h>
#include <authconf/suite.h>

#include <string>
#include <vector>

#include "auth_support.h"

namespace authconf {
namespace {

using namespace auth_suite;
using suite::target;

// The local part of a fresh run email ("ac-<run>-<n>"), so generated addresses carry the run
// id and never collide.
std::string run_local_part() {
  const std::string email = target().new_email();
  return email.substr(0, email.find('@'));
}

TEST(AuthProperties, InvalidEmailsAreRefusedAndCreateNothing) {
  AUTHCONF_CASE("auth.property.invalid-email-refused", "spec/better-auth-wire.md §2.1, §2.2");
  const bool adapter = target().capabilities().feature("adapter");
  suite::check_property("a near-miss email is refused by sign-up and sign-in", 25, [&] {
    const std::string email = *gen::invalid_email();
    Browser browser(target());
    auto signed_up = post(browser, "/sign-up/email",
                          {{"email", email}, {"password", kPassword}, {"name", "Invalid"}});
    RC_ASSERT(signed_up.has_value());
    if (signed_up->status == 200) suite::created_user(ascii_lower(email), kPassword);
    RC_ASSERT(signed_up->status == 400);
    RC_ASSERT(body_of(*signed_up) ==
              error_body("VALIDATION_ERROR", "[body.email] Invalid email address"));
    auto signed_in = post(browser, "/sign-in/email", {{"email", email}, {"password", kPassword}});
    RC_ASSERT(signed_in.has_value());
    RC_ASSERT(signed_in->status == 400);
    RC_ASSERT(body_of(*signed_in) == error_body("INVALID_EMAIL", "Invalid email"));
    if (adapter) {
      // Better Auth stores `email.toLowerCase()`; a target that validated too late would have
      // stored the user under it.
      auto found = suite::bridge().adapter(
          "findOne",
          Json{{"model", "user"},
               {"where", Json::array({{{"field", "email"}, {"value", ascii_lower(email)}}})}});
      RC_ASSERT(found.has_value());
      RC_ASSERT(!found->thrown.has_value());
      if (!found->value.is_null()) suite::created_user(ascii_lower(email), kPassword);
      RC_ASSERT(found->value.is_null());
    }
  });
}

TEST(AuthProperties, MixedCaseEmailsRoundTripLowerCased) {
  AUTHCONF_CASE("auth.property.mixed-case-email-round-trip",
                "spec/better-auth-wire.md §2.1, §2.2, §5");
  suite::check_property(
      "a valid mixed-case email signs up lower-cased and signs in under any case", 6, [&] {
        const std::string email = *gen::valid_email(run_local_part());
        const std::string password = *gen::password();
        suite::created_user(ascii_lower(email), password);
        Browser browser(target());
        auto signed_up = post(browser, "/sign-up/email",
                              {{"email", email}, {"password", password}, {"name", "Round Trip"}});
        RC_ASSERT(signed_up.has_value());
        RC_ASSERT(signed_up->status == 200);
        const Json user = member(body_of(*signed_up), "user");
        RC_ASSERT(member(user, "email") == ascii_lower(email));
        if (suite::email_verification_required()) {
          RC_ASSERT(suite::verify_and_sign_in(browser, ascii_lower(email), password).has_value());
        }
        Browser other(target());
        auto signed_in = sign_in(other, case_variant(ascii_upper(email)), password);
        RC_ASSERT(signed_in.has_value());
        RC_ASSERT(signed_in->status == 200);
        RC_ASSERT(member(member(body_of(*signed_in), "user"), "id") == member(user, "id"));
      });
}

TEST(AuthProperties, PasswordLengthIsCountedInUtf16Units) {
  AUTHCONF_CASE("auth.property.password-length-utf16", "spec/better-auth-wire.md §2.1, §5");
  suite::check_property("an out-of-range password is refused by its UTF-16 length", 30, [&] {
    const std::string password = *gen::out_of_range_password();
    const std::size_t units = gen::utf16_length(password);
    const std::string email = target().new_email();
    Browser browser(target());
    auto answer = post(browser, "/sign-up/email",
                       {{"email", email}, {"password", password}, {"name", "Length"}});
    RC_ASSERT(answer.has_value());
    if (answer->status == 200) suite::created_user(email, password);
    RC_ASSERT(answer->status == 400);
    const Json expected = units < 8 ? error_body("PASSWORD_TOO_SHORT", "Password too short")
                                    : error_body("PASSWORD_TOO_LONG", "Password too long");
    RC_ASSERT(body_of(*answer) == expected);
  });
}

TEST(AuthProperties, ResetRequestsDoNotRevealAccounts) {
  AUTHCONF_CASE("auth.property.reset-request-indistinguishable",
                "spec/better-auth-wire.md §2.13, §15");
  const SharedUser* shared = shared_user();
  ASSERT_TRUE(shared);
  const std::string page = target().site_origin() + "/reset-password";
  Browser browser(target());
  auto known =
      AUTHCONF_OK(post(browser, "/request-password-reset",
                       {{"email", shared->user.email}, {"redirectTo", page}}, cookieless()));
  if (known.status == 400 && body_of(known).value("code", "") == "RESET_PASSWORD_DISABLED") {
    GTEST_SKIP() << "the target does not enable password reset (sendResetPassword unset)";
  }
  ASSERT_THAT(known, HasStatus(200));
  suite::check_property("an unknown email gets the known email's answer", 15, [&] {
    const std::string email = *gen::valid_email(run_local_part());
    auto answer = post(browser, "/request-password-reset", {{"email", email}, {"redirectTo", page}},
                       cookieless());
    RC_ASSERT(answer.has_value());
    RC_ASSERT(answer->status == known.status);
    RC_ASSERT(answer->response_body == known.response_body);
    RC_ASSERT(answer->header("content-type") == known.header("content-type"));
  });
}

TEST(AuthProperties, TamperedSessionCookiesAreNoSession) {
  AUTHCONF_CASE("auth.property.tampered-cookie-null", "spec/better-auth-wire.md §4.2, §2.4");
  const SharedUser* shared = shared_user();
  ASSERT_TRUE(shared);
  const std::string token = shared->token;
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  suite::check_property("another token or another signature is no session", 30, [&] {
    std::string tampered;
    if (*rc::gen::arbitrary<bool>()) {
      // One character of the token changed; the genuine signature kept.
      std::string changed = token;
      const auto at = *rc::gen::inRange<std::size_t>(0, changed.size());
      const char replacement = *rc::gen::suchThat(rc::gen::elementOf(kAlphabet),
                                                  [&](char c) { return c != changed[at]; });
      changed[at] = replacement;
      tampered = changed + "." + encode_uri_component(signature_of(shared->cookie_value));
    } else {
      // The genuine token with any other 32-byte signature.
      const auto bytes = *rc::gen::container<std::string>(32, rc::gen::arbitrary<char>());
      const std::string signature = base64_encode(bytes);
      RC_PRE(signature != signature_of(shared->cookie_value));
      tampered = token + "." + encode_uri_component(signature);
    }
    Browser browser(target());
    auto answer = get_session(browser, with_session_cookie(tampered));
    RC_ASSERT(answer.has_value());
    RC_ASSERT(answer->status == 200);
    RC_ASSERT(answer->response_body == std::string("null"));
  });
}

}  // namespace
}  // namespace authconf
