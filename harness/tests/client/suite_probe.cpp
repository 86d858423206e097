// A suite that exists to be run by suite_glue_test.sh: each case shows one
// outcome (pass, fail, skip, error, no case id, a failing property, cleanup).
#include <authconf/matchers.h>
#include <authconf/suite.h>

namespace authconf {
namespace {

using suite::target;

TEST(Probe, Passes) {
  AUTHCONF_CASE("probe.passes", "spec/bridge-v1.md");
  Browser browser(target());
  auto ok = AUTHCONF_OK(browser.get(target().auth_path("/ok")));
  EXPECT_THAT(ok, HasStatus(200));
}

TEST(Probe, Fails) {
  AUTHCONF_CASE("probe.fails", "spec/bridge-v1.md");
  Browser browser(target());
  auto ok = AUTHCONF_OK(browser.get(target().auth_path("/ok"),
                                    {.headers = {{"Cookie", "better-auth.session_token=s3cr3t"}}}));
  EXPECT_THAT(ok, HasStatus(201));  // it is 200: this case fails on purpose
}

TEST(Probe, Skips) {
  AUTHCONF_CASE("probe.skips", "spec/bridge-v1.md");
  GTEST_SKIP() << "probe skip reason";
}

TEST(Probe, NoCase) { EXPECT_TRUE(true); }

TEST(Probe, TransportError) {
  AUTHCONF_CASE("probe.transport-error", "spec/bridge-v1.md");
  // Port 1 on loopback: nothing listens there.
  AUTHCONF_OK(
      send_http({.method = "GET", .url = "http://127.0.0.1:1/", .headers = {}, .body = {}}));
}

std::string created_email;

TEST(Probe, CreatesAUser) {
  AUTHCONF_CASE("probe.creates-a-user", "spec/bridge-v1.md");
  Browser browser(target());
  auto user = suite::sign_up(browser);
  ASSERT_TRUE(user);
  created_email = user->email;
}

TEST(Probe, TheUserIsGone) {
  AUTHCONF_CASE("probe.the-user-is-gone", "spec/bridge-v1.md");
  ASSERT_FALSE(created_email.empty());
  auto users = AUTHCONF_OK(suite::bridge().component_table("user"));
  for (const Json& user : users) EXPECT_NE(user["email"], created_email);
  auto rows = AUTHCONF_OK(suite::bridge().app_table("users"));
  for (const Json& row : rows) EXPECT_NE(row["email"], created_email);
}

TEST(Probe, PropertyFails) {
  AUTHCONF_CASE("probe.property-fails", "spec/bridge-v1.md");
  suite::check_property("every int is below 5", 100, [](int value) { RC_ASSERT(value < 5); });
}

TEST(Probe, DuplicateIdA) { AUTHCONF_CASE("probe.duplicate", "spec/bridge-v1.md"); }
TEST(Probe, DuplicateIdB) { AUTHCONF_CASE("probe.duplicate", "spec/bridge-v1.md"); }

}  // namespace
}  // namespace authconf
