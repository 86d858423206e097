// The reference app: dual-store triggers, faults (bridge-v1 PUT /faults),
// the outbox, reset and the clock.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "component/component_test_support.h"

namespace authref::testing {
namespace {

using ::testing::IsEmpty;
using ::testing::SizeIs;

using DualStore = ComponentTest;

TEST_F(DualStore, UserCreateUpdateDeleteAreMirroredIntoUsers) {
  const std::string id = create_user("dana@example.com", "Dana");
  Json users = documents("app", "users");
  ASSERT_THAT(users, SizeIs(1));
  EXPECT_EQ(users[0]["authId"], id);
  EXPECT_EQ(users[0]["email"], "dana@example.com");
  EXPECT_EQ(users[0]["name"], "Dana");

  ok(ComponentFunction::kUpdateOne,
     Json::parse(R"({"input": {"model": "user", "update": {"email": "d2@example.com",
      "name": "D2"}, "where": [{"field": "email", "value": "dana@example.com"}]}})"));
  users = documents("app", "users");
  EXPECT_EQ(users[0]["email"], "d2@example.com");
  EXPECT_EQ(users[0]["name"], "D2");

  ok(ComponentFunction::kDeleteOne,
     Json::parse(R"({"input": {"model": "user", "where": [{"field": "email",
      "value": "d2@example.com"}]}})"));
  EXPECT_THAT(documents("app", "users"), IsEmpty());
}

using FaultsTest = ComponentTest;

TEST_F(FaultsTest, AMatchingFaultDoesTheAppWriteThenThrowsAndEverythingRollsBack) {
  ASSERT_TRUE(app_.faults().replace(Json::parse(R"({"faults": [{"table": "user", "op": "create",
      "message": "injected: user.create", "match": {"email": "b@x.io"}, "times": 1}]})")));
  create_user("a@x.io");  // does not match
  auto failed = call(ComponentFunction::kCreate, create_args("user", user_fields("b@x.io")));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ThrownKind::kTrigger);
  EXPECT_EQ(failed.error().detail, "injected: user.create");
  EXPECT_THAT(documents("component", "user"), SizeIs(1));
  EXPECT_THAT(documents("app", "users"), SizeIs(1)) << "the trigger's own app row rolled back too";
  EXPECT_EQ(app_.faults().list()["faults"][0]["times"], 0) << "a spent fault stays listed";
  create_user("b@x.io");  // spent: no longer fires
  EXPECT_THAT(documents("app", "users"), SizeIs(2));
}

TEST_F(FaultsTest, UpdateFaultsMatchTheNewDocument) {
  create_user("a@x.io", "Old");
  ASSERT_TRUE(app_.faults().replace(
      Json::parse(R"({"faults": [{"table": "user", "op": "update", "match": {"name": "New"}}]})")));
  auto failed = call(ComponentFunction::kUpdateOne, Json::parse(R"({"input": {"model": "user",
      "update": {"name": "New"}, "where": [{"field": "email", "value": "a@x.io"}]}})"));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().detail, "injected: user.update") << "the default message";
  EXPECT_EQ(documents("app", "users")[0]["name"], "Old");
  EXPECT_EQ(documents("component", "user")[0]["name"], "Old");
}

// A patch-only fault writes back to the document and throws nothing; create
// answers the document as the trigger left it (create-api.ts re-reads it).
TEST_F(FaultsTest, APatchOnlyFaultWritesBackToTheDocument) {
  ASSERT_TRUE(app_.faults().replace(Json::parse(R"({"faults": [{"table": "user", "op": "create",
      "patch": {"image": "set-by-trigger"}}]})")));
  auto created = call(ComponentFunction::kCreate, create_args("user", user_fields("p@x.io")));
  ASSERT_TRUE(created);
  EXPECT_EQ((*created)["image"], "set-by-trigger");
  EXPECT_EQ(documents("component", "user")[0]["image"], "set-by-trigger");
  EXPECT_FALSE(app_.faults().list()["faults"][0].contains("message")) << "patch-only";
}

// Every trigger call leaves a triggerLog row saying whether its document
// was still stored: deleteMany's trigger runs before the delete, deleteOne's
// after it (spec/convex-component.md §3.4).
TEST_F(FaultsTest, TheTriggerLogTellsBeforeFromAfterTheDelete) {
  const std::string first = create_user("one@x.io");
  const std::string second = create_user("two@x.io");
  ok(ComponentFunction::kDeleteOne, Json::parse(R"({"input": {"model": "user", "where":
      [{"field": "email", "value": "one@x.io"}]}})"));
  ok(ComponentFunction::kDeleteMany, Json::parse(R"({"input": {"model": "user", "where":
      [{"field": "email", "value": "two@x.io"}]}, "paginationOpts": {"numItems": 10,
      "cursor": null}})"));
  Json deletes = Json::array();
  for (const Json& row : documents("app", "triggerLog")) {
    if (row["op"] == "delete") deletes.push_back({row["documentId"], row["present"]});
  }
  EXPECT_EQ(deletes, Json::array({{first, false}, {second, true}}));
}

TEST_F(FaultsTest, SessionAccountAndVerificationFaultsFire) {
  const std::string user = create_user("a@x.io");
  ASSERT_TRUE(app_.faults().replace(
      Json::parse(R"({"faults": [{"table": "session", "op": "create", "message": "s"}]})")));
  Json data = {
      {"expiresAt", 1}, {"token", "t"}, {"createdAt", 1}, {"updatedAt", 1}, {"userId", user}};
  auto failed = call(ComponentFunction::kCreate, create_args("session", data));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().detail, "s");
  EXPECT_THAT(documents("component", "session"), IsEmpty());
  EXPECT_EQ(app_.faults().clear(), Json::parse(R"({"faults": []})"));
  EXPECT_TRUE(call(ComponentFunction::kCreate, create_args("session", data)));
}

struct BadFault {
  const char* name;
  const char* body;
  FaultsError error;
};
void PrintTo(const BadFault& c, std::ostream* out) { *out << c.name; }

const BadFault kBadFaults[] = {
    {"not_object", "[]", FaultsError::kNotAnObject},
    {"faults_not_array", R"({"faults": {}})", FaultsError::kNotAnObject},
    {"unknown_table", R"({"faults": [{"table": "jwks", "op": "create"}]})", FaultsError::kBadFault},
    {"bad_op", R"({"faults": [{"table": "user", "op": "insert"}]})", FaultsError::kBadFault},
    {"match_not_object", R"({"faults": [{"table": "user", "op": "create", "match": 1}]})",
     FaultsError::kBadFault},
    {"negative_times", R"({"faults": [{"table": "user", "op": "create", "times": -1}]})",
     FaultsError::kBadFault},
    {"fractional_times", R"({"faults": [{"table": "user", "op": "create", "times": 1.5}]})",
     FaultsError::kBadFault},
    {"patch_on_delete",
     R"({"faults": [{"table": "user", "op": "delete", "patch": {"name": "x"}}]})",
     FaultsError::kBadFault},
    {"patch_of_the_id", R"({"faults": [{"table": "user", "op": "create", "patch": {"_id": "x"}}]})",
     FaultsError::kBadFault},
    {"patch_empty", R"({"faults": [{"table": "user", "op": "create", "patch": {}}]})",
     FaultsError::kBadFault},
    {"unknown_key", R"({"faults": [{"table": "user", "op": "create", "when": 1}]})",
     FaultsError::kBadFault},
};

class BadFaults : public ::testing::TestWithParam<BadFault> {};

TEST_P(BadFaults, AreRejectedAndLeaveTheInstalledSetAlone) {
  Faults faults;
  ASSERT_TRUE(faults.replace(Json::parse(R"({"faults": [{"table": "user", "op": "create"}]})")));
  auto result = faults.replace(Json::parse(GetParam().body));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, GetParam().error) << result.error();
  EXPECT_THAT(faults.list()["faults"], SizeIs(1));
}

INSTANTIATE_TEST_SUITE_P(Table, BadFaults, ::testing::ValuesIn(kBadFaults),
                         [](const auto& row) { return std::string(row.param.name); });

TEST(Outbox, ListsMessagesInOrderFilteredByRecipientAndKind) {
  ManualClock clock(kStartMs);
  Outbox outbox(clock);
  EXPECT_EQ(outbox.append(OutboxKind::kResetPassword, "a@x.io", "http://r", "t1"), 1);
  clock.advance_ms(5);
  EXPECT_EQ(outbox.append(OutboxKind::kMagicLink, "b@x.io", "http://m", "t2"), 2);
  outbox.append(OutboxKind::kSmsOtp, "a@x.io", "", "123456");
  EXPECT_EQ(outbox.list(std::nullopt, std::nullopt)["messages"].size(), 3u);
  const Json mine = outbox.list("a@x.io", OutboxKind::kResetPassword)["messages"];
  ASSERT_THAT(mine, SizeIs(1));
  EXPECT_EQ(mine[0], Json::parse(R"({"seq":1,"kind":"reset-password","to":"a@x.io","url":"http://r",
      "token":"t1","at":1795344700166})"));
  EXPECT_EQ(outbox_kind_named("email-otp"), OutboxKind::kEmailOtp);
  EXPECT_EQ(outbox_kind_named("sms"), std::nullopt);
  outbox.clear();
  EXPECT_THAT(outbox.list(std::nullopt, std::nullopt)["messages"], IsEmpty());
}

using Reset = ComponentTest;

TEST_F(Reset, EmptiesEverythingButSigningKeysUnlessAsked) {
  create_user("a@x.io");
  ok(ComponentFunction::kCreate,
     create_args("jwks", {{"publicKey", "p"}, {"privateKey", "k"}, {"createdAt", 1}}));
  app_.outbox().append(OutboxKind::kVerifyEmail, "a@x.io", "u", "t");
  ASSERT_TRUE(
      app_.faults().replace(Json::parse(R"({"faults": [{"table": "user", "op": "create"}]})")));
  app_.reset(/*keep_keys=*/true);
  EXPECT_THAT(documents("component", "user"), IsEmpty());
  EXPECT_THAT(documents("app", "users"), IsEmpty());
  EXPECT_THAT(documents("component", "jwks"), SizeIs(1));
  EXPECT_THAT(app_.faults().list()["faults"], IsEmpty());
  EXPECT_THAT(app_.outbox().list(std::nullopt, std::nullopt)["messages"], IsEmpty());
  app_.reset(/*keep_keys=*/false);
  EXPECT_THAT(documents("component", "jwks"), IsEmpty());
}

TEST(ClockTest, AnOffsetMovesNowAndCreationTimes) {
  ManualClock clock(kStartMs);
  clock.set_offset_ms(86'400'000);
  EXPECT_EQ(clock.now_ms(), kStartMs + 86'400'000);
  Clock real;
  real.set_offset_ms(-1000);
  EXPECT_EQ(real.offset_ms(), -1000);
}

}  // namespace
}  // namespace authref::testing
