// Suite `triggers`: the component's triggers run inside its mutation
// (spec/convex-component.md §3.4, §5; bridge-v1 faults).
//
// A trigger is a nested mutation of the component's own: when it throws,
// the component's write (the insert, patch or delete) and everything the
// trigger wrote in the app's tables roll back together, and the error
// propagates (§5.2; "Throwing an error in a trigger will stop the original
// operation from committing"). The cases make the app's user trigger throw
// with a bridge fault (it performs its normal app writes first, then
// throws), over HTTP (sign-up answers 422 FAILED_TO_CREATE_USER, §5.3) and
// through the seven adapter functions (`thrown` carries the message, the
// tables are as before), and check which document each trigger receives,
// the order in which updateMany/deleteMany run them, and that create and
// updateOne return the document as it stands after the trigger (§3.2).
//
// Every fault is scoped with `match` to a document of the case's own
// (its run-id email or its `_id`) and fires once (`times: 1`), so that the
// other users of a shared target are never hit.
#include <authconf/matchers.h>
#include <authconf/stores.h>
#include <authconf/suite.h>

#include <chrono>

namespace authconf {
namespace {

using suite::bridge;
using suite::target;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Json where_eq(const std::string& field, const Json& value) {
  return Json::array({{{"field", field}, {"value", value}}});
}

Json page_options() { return Json{{"numItems", 100}, {"cursor", nullptr}}; }

Json user_data(const std::string& email, const std::string& name) {
  const std::int64_t now = now_ms();
  return Json{{"name", name},
              {"email", email},
              {"emailVerified", false},
              {"createdAt", now},
              {"updatedAt", now}};
}

// A user made through the component's `create` (its trigger runs, no fault).
Result<AdapterAnswer, BridgeError> create_user(const std::string& email, const std::string& name) {
  suite::created_user(email, "");
  return bridge().adapter("create",
                          Json{{"input", {{"model", "user"}, {"data", user_data(email, name)}}}});
}

// A message no other case (and no other run) uses: the thrown text is
// matched as a substring (bridge-v1 /adapter).
std::string message_for(std::string_view what) {
  return "authconf triggers " + target().run_id() + ": " + std::string(what);
}

// The rows of one user in both stores: what "unchanged" compares.
struct Both {
  std::optional<Json> user;
  std::vector<Json> app_rows;
  bool operator==(const Both&) const = default;
};
std::ostream& operator<<(std::ostream& out, const Both& both) {
  out << "user " << (both.user ? both.user->dump() : std::string("(none)")) << ", app rows";
  for (const Json& row : both.app_rows) out << " " << row.dump();
  return out;
}

Result<Both, BridgeError> both_of(const stores::AppUsers& app, const std::string& email,
                                  const Json& id = Json()) {
  auto rows = stores::read_user_rows(bridge(), app, email, id);
  if (!rows) return std::unexpected(rows.error());
  return Both{rows->user, rows->app_rows};
}

const Json kFailedToCreateUser{{"message", "Failed to create user"},
                               {"code", "FAILED_TO_CREATE_USER"}};

// ------------------------------------------------------------ over HTTP

TEST(UserCreate, SignUpAnswers422AndCommitsNothing) {
  AUTHCONF_CASE("triggers.user-create.sign-up-422-nothing-committed",
                "spec/convex-component.md §5.2, §5.3");
  AUTHCONF_REQUIRE_DESTRUCTIVE("faults");
  AUTHCONF_REQUIRE_APP_USERS();
  const stores::AppUsers app = *stores::app_users_of(target());
  const std::string email = target().new_email();
  const std::string password = "Conformance-" + target().run_id() + "-pw";
  suite::created_user(email, password);
  const std::string message = message_for("user.create on sign-up");
  (void)AUTHCONF_OK(bridge().put_faults(
      Json::array({stores::fault("user", "create", message, {{"email", email}})})));
  Browser browser(target());
  auto answer = AUTHCONF_OK(
      browser.post_json(target().auth_path("/sign-up/email"),
                        {{"name", "Trigger Throws"}, {"email", email}, {"password", password}}));
  // sign-up.mjs catches the createUser error and throws
  // APIError("UNPROCESSABLE_ENTITY", FAILED_TO_CREATE_USER): §5.3, exactly.
  EXPECT_THAT(answer, HasStatus(422));
  EXPECT_THAT(answer, HasJsonBody(kFailedToCreateUser));
  EXPECT_FALSE(browser.cookie("session_token")) << "no session may be set";
  // The trigger ran (its fault is spent) and its app row went with the user.
  auto listed = AUTHCONF_OK(bridge().get_faults());
  EXPECT_EQ(stores::times_left(listed, message), 0) << listed.dump();
  auto after = AUTHCONF_OK(both_of(app, email));
  EXPECT_FALSE(after.user) << "the user insert was not rolled back: " << after;
  EXPECT_THAT(after.app_rows, IsEmpty()) << "the trigger's app write was not rolled back";
}

TEST(UserCreate, RetryAfterRollbackSucceeds) {
  AUTHCONF_CASE("triggers.user-create.retry-sign-up-succeeds", "spec/convex-component.md §5.3");
  AUTHCONF_REQUIRE_DESTRUCTIVE("faults");
  AUTHCONF_REQUIRE_APP_USERS();
  const stores::AppUsers app = *stores::app_users_of(target());
  const std::string email = target().new_email();
  const std::string password = "Conformance-" + target().run_id() + "-pw";
  suite::created_user(email, password);
  (void)AUTHCONF_OK(bridge().put_faults(Json::array({stores::fault(
      "user", "create", message_for("user.create, then retry"), {{"email", email}})})));
  Browser browser(target());
  const Json body{{"name", "Second Try"}, {"email", email}, {"password", password}};
  auto first = AUTHCONF_OK(browser.post_json(target().auth_path("/sign-up/email"), body));
  ASSERT_THAT(first, HasStatus(422));
  // Nothing was committed, so the email is still free: a partially committed
  // user would make this 422 USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL.
  auto second = AUTHCONF_OK(browser.post_json(target().auth_path("/sign-up/email"), body));
  EXPECT_THAT(second, HasStatus(200));
  auto rows = AUTHCONF_OK(stores::read_user_rows(bridge(), app, email));
  ASSERT_TRUE(rows.user);
  EXPECT_THAT(stores::mirror_problems(app, *rows.user, rows.app_rows), IsEmpty());
  EXPECT_THAT(rows.app_rows, SizeIs(1)) << "a row left over from the rolled-back trigger?";
}

TEST(UserUpdate, UpdateUserRollsBackBothStores) {
  AUTHCONF_CASE("triggers.user-update.update-user-rolled-back", "spec/convex-component.md §5.2");
  AUTHCONF_REQUIRE_DESTRUCTIVE("faults");
  AUTHCONF_REQUIRE_APP_USERS();
  const stores::AppUsers app = *stores::app_users_of(target());
  Browser browser(target());
  auto user = suite::sign_up(browser, "Kept Name");
  ASSERT_TRUE(user);
  auto before = AUTHCONF_OK(both_of(app, user->email));
  ASSERT_TRUE(before.user);
  const std::string message = message_for("user.update on update-user");
  (void)AUTHCONF_OK(bridge().put_faults(
      Json::array({stores::fault("user", "update", message, {{"email", user->email}})})));
  auto answer =
      AUTHCONF_OK(browser.post_json(target().auth_path("/update-user"), {{"name", "Lost Name"}}));
  // internalAdapter.updateUser is not wrapped in a try: the component's
  // error is a non-API error, which better-call answers 500 with no body.
  EXPECT_THAT(answer, HasStatus(500));
  EXPECT_EQ(answer.response_body, "");
  auto listed = AUTHCONF_OK(bridge().get_faults());
  EXPECT_EQ(stores::times_left(listed, message), 0) << listed.dump();
  // The patch (name and updatedAt) and the trigger's app patch rolled back.
  auto after = AUTHCONF_OK(both_of(app, user->email));
  EXPECT_EQ(after, before);
  auto session = AUTHCONF_OK(browser.get(target().auth_path("/get-session")));
  ASSERT_THAT(session, HasStatus(200));
  EXPECT_EQ(json_body(session).json["user"]["name"], "Kept Name");
}

TEST(UserDelete, DeleteUserKeepsUserAndAppRow) {
  AUTHCONF_CASE("triggers.user-delete.delete-user-keeps-user-and-app-row",
                "spec/convex-component.md §5.2");
  AUTHCONF_REQUIRE_DESTRUCTIVE("faults");
  AUTHCONF_REQUIRE_APP_USERS();
  AUTHCONF_REQUIRE_CONFIG("deleteUser", false, true);
  const stores::AppUsers app = *stores::app_users_of(target());
  Browser browser(target());
  auto user = suite::sign_up(browser, "Not Deleted");
  ASSERT_TRUE(user);
  auto before = AUTHCONF_OK(both_of(app, user->email));
  ASSERT_TRUE(before.user);
  const std::string message = message_for("user.delete on delete-user");
  (void)AUTHCONF_OK(bridge().put_faults(
      Json::array({stores::fault("user", "delete", message, {{"email", user->email}})})));
  auto answer = AUTHCONF_OK(browser.post_json(target().auth_path("/delete-user"), Json::object()));
  EXPECT_THAT(answer, HasStatus(500));
  EXPECT_EQ(answer.response_body, "");
  auto listed = AUTHCONF_OK(bridge().get_faults());
  EXPECT_EQ(stores::times_left(listed, message), 0) << listed.dump();
  // deleteOne deletes, then runs the trigger, which removes the app row and
  // throws: both the delete and the app row's removal roll back (the same
  // documents, same _id). (Sessions and accounts, deleted by earlier
  // mutations, stay deleted: suite partial-commit.)
  auto after = AUTHCONF_OK(both_of(app, user->email));
  EXPECT_EQ(after, before);
}

// ------------------------------------------------ the adapter functions

// One adapter function whose user trigger throws; the tables must be
// exactly as before and `thrown` must carry the trigger's message.
struct AdapterRow {
  std::string id;
  std::string function;  // create, updateOne, deleteOne
  std::string op;        // the trigger: create, update, delete
};
void PrintTo(const AdapterRow& row, std::ostream* out) { *out << row.id; }

class AdapterThrows : public ::testing::TestWithParam<AdapterRow> {};

TEST_P(AdapterThrows, TablesUnchangedAndMessageThrown) {
  const AdapterRow& row = GetParam();
  AUTHCONF_CASE(row.id, "spec/convex-component.md §3.2, §5.2; bridge-v1 /adapter");
  AUTHCONF_REQUIRE_DESTRUCTIVE("faults");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  AUTHCONF_REQUIRE_APP_USERS();
  const stores::AppUsers app = *stores::app_users_of(target());
  const std::string email = target().new_email();
  Json id;
  if (row.function != "create") {
    auto created = AUTHCONF_OK(create_user(email, "Adapter Original"));
    ASSERT_FALSE(created.thrown) << *created.thrown;
    id = created.value["_id"];
  } else {
    suite::created_user(email, "");
  }
  auto before = AUTHCONF_OK(both_of(app, email, id));
  const std::string message = message_for("user." + row.op + " via " + row.function);
  (void)AUTHCONF_OK(bridge().put_faults(
      Json::array({stores::fault("user", row.op, message, {{"email", email}})})));
  Json args;
  if (row.function == "create") {
    args = Json{{"input", {{"model", "user"}, {"data", user_data(email, "Adapter New")}}}};
  } else if (row.function == "updateOne") {
    args = Json{{"input",
                 {{"model", "user"},
                  {"where", where_eq("_id", id)},
                  {"update", {{"name", "Adapter Changed"}, {"updatedAt", now_ms()}}}}}};
  } else {
    args = Json{{"input", {{"model", "user"}, {"where", where_eq("_id", id)}}}};
  }
  auto answer = AUTHCONF_OK(bridge().adapter(row.function, args));
  ASSERT_TRUE(answer.thrown) << row.function << " returned " << answer.value.dump()
                             << " although its trigger threw";
  EXPECT_THAT(*answer.thrown, HasSubstr(message));
  auto after = AUTHCONF_OK(both_of(app, email, id));
  EXPECT_EQ(after, before) << "before: " << before;
}

INSTANTIATE_TEST_SUITE_P(
    Triggers, AdapterThrows,
    ::testing::Values(
        AdapterRow{"triggers.adapter.create-throws-tables-unchanged", "create", "create"},
        AdapterRow{"triggers.adapter.update-one-throws-tables-unchanged", "updateOne", "update"},
        AdapterRow{"triggers.adapter.delete-one-throws-tables-unchanged", "deleteOne", "delete"}),
    [](const ::testing::TestParamInfo<AdapterRow>& row) {
      std::string name = row.param.function;
      name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
      return name;
    });

// updateMany and deleteMany run one page in one mutation (§3.4): a trigger
// that throws on the second document also undoes the first document's
// write and its trigger's app write.
struct PageRow {
  std::string id;
  std::string function;  // updateMany, deleteMany
  std::string op;
};
void PrintTo(const PageRow& row, std::ostream* out) { *out << row.id; }

class PageThrows : public ::testing::TestWithParam<PageRow> {};

// Two users sharing a name no one else has (the where clause), created in
// order: the page is [first, second] (index `name`, then _creationTime).
struct TwoUsers {
  std::string name;
  std::vector<std::string> emails;
  std::vector<Json> ids;
};

Json page_call_args(const std::string& function, const std::string& name) {
  Json input{{"model", "user"}, {"where", where_eq("name", name)}};
  if (function == "updateMany") input["update"] = Json{{"name", name + "-changed"}};
  return Json{{"input", input}, {"paginationOpts", page_options()}};
}

TEST_P(PageThrows, WholePageRolledBack) {
  const PageRow& row = GetParam();
  AUTHCONF_CASE(row.id, "spec/convex-component.md §3.4, §5.2");
  AUTHCONF_REQUIRE_DESTRUCTIVE("faults");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  AUTHCONF_REQUIRE_APP_USERS();
  const stores::AppUsers app = *stores::app_users_of(target());
  TwoUsers users{
      .name = "ac-" + target().run_id() + "-page-" + row.function, .emails = {}, .ids = {}};
  for (int i = 0; i < 2; ++i) {
    users.emails.push_back(target().new_email());
    auto created = AUTHCONF_OK(create_user(users.emails.back(), users.name));
    ASSERT_FALSE(created.thrown) << *created.thrown;
    users.ids.push_back(created.value["_id"]);
  }
  std::vector<Both> before;
  for (int i = 0; i < 2; ++i)
    before.push_back(AUTHCONF_OK(both_of(app, users.emails[i], users.ids[i])));
  // For an update the fault matches the new document (bridge-v1): the
  // email is unchanged by this update, so it matches either way.
  const std::string message = message_for("user." + row.op + " on the second document");
  (void)AUTHCONF_OK(bridge().put_faults(
      Json::array({stores::fault("user", row.op, message, {{"email", users.emails[1]}})})));
  auto answer =
      AUTHCONF_OK(bridge().adapter(row.function, page_call_args(row.function, users.name)));
  ASSERT_TRUE(answer.thrown) << row.function << " returned " << answer.value.dump();
  EXPECT_THAT(*answer.thrown, HasSubstr(message));
  for (int i = 0; i < 2; ++i) {
    auto after = AUTHCONF_OK(both_of(app, users.emails[i], users.ids[i]));
    EXPECT_EQ(after, before[static_cast<std::size_t>(i)])
        << (i == 0 ? "the first document's write (and its trigger's app write) committed "
                     "although a later trigger of the same page threw"
                   : "the throwing document changed");
  }
}

INSTANTIATE_TEST_SUITE_P(
    Triggers, PageThrows,
    ::testing::Values(
        PageRow{"triggers.adapter.update-many-throw-rolls-back-page", "updateMany", "update"},
        PageRow{"triggers.adapter.delete-many-throw-rolls-back-page", "deleteMany", "delete"}),
    [](const ::testing::TestParamInfo<PageRow>& row) {
      std::string name = row.param.function;
      name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
      return name;
    });

// Trigger order within a page: the component walks the page in order and
// calls each document's trigger (deleteMany: before deleting it, §3.4); the
// first throw ends the mutation. With a fault on each document, the first
// document's fault is the one thrown and spent; the second trigger never
// runs. (Whether deleteMany's trigger runs before the delete and deleteOne's
// after it, §3.4, is visible only inside the trigger: the DeleteTiming cases
// below read it from the trigger log where the target keeps one.)
class PageOrder : public ::testing::TestWithParam<PageRow> {};

TEST_P(PageOrder, FirstDocumentTriggerRunsFirst) {
  const PageRow& row = GetParam();
  AUTHCONF_CASE(row.id, "spec/convex-component.md §3.4, §5.2");
  AUTHCONF_REQUIRE_DESTRUCTIVE("faults");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  AUTHCONF_REQUIRE_APP_USERS();
  TwoUsers users{
      .name = "ac-" + target().run_id() + "-order-" + row.function, .emails = {}, .ids = {}};
  for (int i = 0; i < 2; ++i) {
    users.emails.push_back(target().new_email());
    auto created = AUTHCONF_OK(create_user(users.emails.back(), users.name));
    ASSERT_FALSE(created.thrown) << *created.thrown;
    users.ids.push_back(created.value["_id"]);
  }
  const std::string first = message_for("user." + row.op + " first document");
  const std::string second = message_for("user." + row.op + " second document");
  // Listed second-first, so the fault list's order cannot stand in for the
  // page's order.
  (void)AUTHCONF_OK(bridge().put_faults(
      Json::array({stores::fault("user", row.op, second, {{"_id", users.ids[1]}}),
                   stores::fault("user", row.op, first, {{"_id", users.ids[0]}})})));
  auto answer =
      AUTHCONF_OK(bridge().adapter(row.function, page_call_args(row.function, users.name)));
  ASSERT_TRUE(answer.thrown) << row.function << " returned " << answer.value.dump();
  EXPECT_THAT(*answer.thrown, HasSubstr(first));
  EXPECT_THAT(*answer.thrown, Not(HasSubstr(second)));
  auto listed = AUTHCONF_OK(bridge().get_faults());
  EXPECT_EQ(stores::times_left(listed, first), 0) << listed.dump();
  EXPECT_EQ(stores::times_left(listed, second), 1)
      << "the second document's trigger ran although the first one threw: " << listed.dump();
}

INSTANTIATE_TEST_SUITE_P(
    Triggers, PageOrder,
    ::testing::Values(
        PageRow{"triggers.order.update-many-first-document-first", "updateMany", "update"},
        PageRow{"triggers.order.delete-many-first-document-first", "deleteMany", "delete"}),
    [](const ::testing::TestParamInfo<PageRow>& row) {
      std::string name = row.param.function;
      name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
      return name;
    });

// A trigger on another table rolls back that table's write the same way:
// the account and session triggers of sign-up (§5.3) depend on it.
TEST(OtherTable, SessionCreateThrowRollsBack) {
  AUTHCONF_CASE("triggers.adapter.session-create-throws-no-session",
                "spec/convex-component.md §5.2; bridge-v1 faults");
  AUTHCONF_REQUIRE_DESTRUCTIVE("faults");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  AUTHCONF_REQUIRE_FEATURE("tables");
  const std::string email = target().new_email();
  auto created = AUTHCONF_OK(create_user(email, "Session Owner"));
  ASSERT_FALSE(created.thrown) << *created.thrown;
  const std::string token = "ac" + target().run_id() + "sessiontriggerthrows0000";
  const std::string message = message_for("session.create via create");
  (void)AUTHCONF_OK(bridge().put_faults(
      Json::array({stores::fault("session", "create", message, {{"token", token}})})));
  const std::int64_t now = now_ms();
  auto answer = AUTHCONF_OK(bridge().adapter("create", Json{{"input",
                                                             {{"model", "session"},
                                                              {"data",
                                                               {{"token", token},
                                                                {"userId", created.value["_id"]},
                                                                {"expiresAt", now + 3'600'000},
                                                                {"createdAt", now},
                                                                {"updatedAt", now}}}}}}));
  ASSERT_TRUE(answer.thrown) << "create returned " << answer.value.dump();
  EXPECT_THAT(*answer.thrown, HasSubstr(message));
  auto sessions = AUTHCONF_OK(bridge().component_table("session"));
  EXPECT_THAT(stores::rows_where(sessions, "token", Json(token)), IsEmpty());
}

// ------------------------------------------ what each trigger receives

// The trigger gets the raw component document: `_id`, `_creationTime` and
// the fields, dates as numbers, no `id` (§5.1). A fault matching on `_id`
// and `_creationTime` fires only if the trigger's document carries them.
TEST(TriggerDocument, DeleteTriggerGetsTheRawDocument) {
  AUTHCONF_CASE("triggers.document.delete-trigger-gets-raw-document",
                "spec/convex-component.md §5.1");
  AUTHCONF_REQUIRE_DESTRUCTIVE("faults");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  AUTHCONF_REQUIRE_APP_USERS();
  const stores::AppUsers app = *stores::app_users_of(target());
  const std::string email = target().new_email();
  auto created = AUTHCONF_OK(create_user(email, "Raw Doc"));
  ASSERT_FALSE(created.thrown) << *created.thrown;
  const Json& doc = created.value;
  const std::string message = message_for("user.delete on the raw document");
  (void)AUTHCONF_OK(
      bridge().put_faults(Json::array({stores::fault("user", "delete", message,
                                                     {{"_id", doc["_id"]},
                                                      {"_creationTime", doc["_creationTime"]},
                                                      {"createdAt", doc["createdAt"]}})})));
  auto answer = AUTHCONF_OK(bridge().adapter(
      "deleteOne", Json{{"input", {{"model", "user"}, {"where", where_eq("_id", doc["_id"])}}}}));
  ASSERT_TRUE(answer.thrown) << "the fault did not fire: the trigger's document lacks _id, "
                                "_creationTime or a numeric createdAt; deleteOne returned "
                             << answer.value.dump();
  EXPECT_THAT(*answer.thrown, HasSubstr(message));
  auto rows = AUTHCONF_OK(stores::read_user_rows(bridge(), app, email));
  ASSERT_TRUE(rows.user);
  EXPECT_EQ(*rows.user, doc);
  EXPECT_THAT(stores::mirror_problems(app, *rows.user, rows.app_rows), IsEmpty());
}

// onUpdate(ctx, newDoc, oldDoc): the fault matches the new document
// (bridge-v1). A fault on the old name is listed first; it must not fire.
TEST(TriggerDocument, UpdateTriggerGetsTheNewDocument) {
  AUTHCONF_CASE("triggers.document.update-trigger-gets-new-document",
                "spec/convex-component.md §5.1; bridge-v1 faults");
  AUTHCONF_REQUIRE_DESTRUCTIVE("faults");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  AUTHCONF_REQUIRE_APP_USERS();
  const std::string email = target().new_email();
  auto created = AUTHCONF_OK(create_user(email, "Old Name"));
  ASSERT_FALSE(created.thrown) << *created.thrown;
  const Json id = created.value["_id"];
  const std::string on_old = message_for("user.update matched the old document");
  const std::string on_new = message_for("user.update matched the new document");
  (void)AUTHCONF_OK(bridge().put_faults(
      Json::array({stores::fault("user", "update", on_old, {{"_id", id}, {"name", "Old Name"}}),
                   stores::fault("user", "update", on_new, {{"_id", id}, {"name", "New Name"}})})));
  auto answer =
      AUTHCONF_OK(bridge().adapter("updateOne", Json{{"input",
                                                      {{"model", "user"},
                                                       {"where", where_eq("_id", id)},
                                                       {"update", {{"name", "New Name"}}}}}}));
  ASSERT_TRUE(answer.thrown) << "updateOne returned " << answer.value.dump();
  EXPECT_THAT(*answer.thrown, HasSubstr(on_new));
  EXPECT_THAT(*answer.thrown, Not(HasSubstr(on_old)));
}

// ---------------------------------------- what create and updateOne return

// create and updateOne re-read the document after the trigger (§3.2:
// create-api.ts:97-112): the answer is the stored document as the trigger
// left it, `_id` and `_creationTime` included, the new values in it.
TEST(ReturnValue, CreateReturnsTheStoredDocument) {
  AUTHCONF_CASE("triggers.return.create-returns-stored-document", "spec/convex-component.md §3.2");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  AUTHCONF_REQUIRE_FEATURE("tables");
  const std::string email = target().new_email();
  auto created = AUTHCONF_OK(create_user(email, "Returned"));
  ASSERT_FALSE(created.thrown) << *created.thrown;
  auto users = AUTHCONF_OK(bridge().component_table("user"));
  const auto stored = stores::rows_where(users, "email", Json(email));
  ASSERT_THAT(stored, SizeIs(1));
  EXPECT_EQ(created.value, stored.front());
  EXPECT_FALSE(created.value.contains("id")) << "the component returns raw documents (_id)";
}

TEST(ReturnValue, UpdateOneReturnsTheStoredDocument) {
  AUTHCONF_CASE("triggers.return.update-one-returns-stored-document",
                "spec/convex-component.md §3.2");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  AUTHCONF_REQUIRE_FEATURE("tables");
  const std::string email = target().new_email();
  auto created = AUTHCONF_OK(create_user(email, "Before Update"));
  ASSERT_FALSE(created.thrown) << *created.thrown;
  const Json id = created.value["_id"];
  const std::int64_t later = created.value["updatedAt"].get<std::int64_t>() + 1;
  auto updated = AUTHCONF_OK(bridge().adapter(
      "updateOne", Json{{"input",
                         {{"model", "user"},
                          {"where", where_eq("_id", id)},
                          {"update", {{"name", "After Update"}, {"updatedAt", later}}}}}}));
  ASSERT_FALSE(updated.thrown) << *updated.thrown;
  // Mutant: returning the document read before the patch (old name).
  EXPECT_EQ(updated.value.value("name", Json()), "After Update");
  EXPECT_EQ(updated.value.value("updatedAt", Json()), later);
  auto users = AUTHCONF_OK(bridge().component_table("user"));
  const auto stored = stores::rows_where(users, "_id", id);
  ASSERT_THAT(stored, SizeIs(1));
  EXPECT_EQ(updated.value, stored.front());
}

// deleteOne returns the deleted document and its trigger's app write
// commits with it (the trigger runs after the delete, §3.4).
TEST(ReturnValue, DeleteOneReturnsTheDeletedDocumentAndRunsTheTrigger) {
  AUTHCONF_CASE("triggers.return.delete-one-returns-deleted-document",
                "spec/convex-component.md §3.2, §3.4");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  AUTHCONF_REQUIRE_APP_USERS();
  const stores::AppUsers app = *stores::app_users_of(target());
  const std::string email = target().new_email();
  auto created = AUTHCONF_OK(create_user(email, "Deleted One"));
  ASSERT_FALSE(created.thrown) << *created.thrown;
  auto deleted = AUTHCONF_OK(bridge().adapter(
      "deleteOne",
      Json{{"input", {{"model", "user"}, {"where", where_eq("_id", created.value["_id"])}}}}));
  ASSERT_FALSE(deleted.thrown) << *deleted.thrown;
  EXPECT_EQ(deleted.value, created.value);
  auto after = AUTHCONF_OK(both_of(app, email, created.value["_id"]));
  EXPECT_FALSE(after.user);
  EXPECT_THAT(after.app_rows, IsEmpty()) << "deleteOne did not run the user's delete trigger";
}

// ------------------------- what triggers see (features.triggerEffects)

// authconf's extension of bridge-v1 (reference_impl/README.md): a fault with
// `patch` makes the trigger write those fields back to its document, as an
// app trigger that stamps the auth user does; the app's `triggerLog` table
// gets one row per trigger call, {table, op, documentId, present}, `present`
// saying whether the document was still stored when the trigger ran.

// create and updateOne answer the document as the trigger left it (§3.2:
// create-api.ts re-reads it after the trigger). Mutant: answering the
// document as inserted or patched, before the trigger's write-back.
struct WriteBackRow {
  const char* id;
  const char* function;  // create or updateOne
};
class WriteBack : public ::testing::TestWithParam<WriteBackRow> {};

TEST_P(WriteBack, TheAnswerHasTheTriggersWrite) {
  const WriteBackRow& row = GetParam();
  AUTHCONF_CASE(row.id, "spec/convex-component.md §3.2");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  AUTHCONF_REQUIRE_FEATURE("tables");
  AUTHCONF_REQUIRE_FEATURE("faults");
  AUTHCONF_REQUIRE_FEATURE("triggerEffects");
  const std::string email = target().new_email();
  const std::string stamped = "stamped by trigger " + target().run_id();
  const bool create = std::string(row.function) == "create";
  Json id;
  if (!create) {
    auto created = AUTHCONF_OK(create_user(email, "Before Update"));
    ASSERT_FALSE(created.thrown) << *created.thrown;
    id = created.value["_id"];
  }
  const Json match = create ? Json{{"email", email}} : Json{{"_id", id}};
  (void)AUTHCONF_OK(bridge().put_faults(Json::array({{{"table", "user"},
                                                      {"op", create ? "create" : "update"},
                                                      {"match", match},
                                                      {"patch", {{"image", stamped}}},
                                                      {"times", 1}}})));
  AdapterAnswer answer;
  if (create) {
    answer = AUTHCONF_OK(create_user(email, "Created"));
  } else {
    answer = AUTHCONF_OK(
        bridge().adapter("updateOne", Json{{"input",
                                            {{"model", "user"},
                                             {"where", where_eq("_id", id)},
                                             {"update", {{"name", "After Update"}}}}}}));
  }
  ASSERT_FALSE(answer.thrown) << *answer.thrown;
  EXPECT_EQ(answer.value.value("image", Json()), stamped) << answer.value.dump();
  auto users = AUTHCONF_OK(bridge().component_table("user"));
  const auto stored = stores::rows_where(users, "email", Json(email));
  ASSERT_THAT(stored, SizeIs(1));
  EXPECT_EQ(answer.value, stored.front());
}
INSTANTIATE_TEST_SUITE_P(
    Rows, WriteBack,
    ::testing::Values(WriteBackRow{"triggers.return.create-returns-document-as-trigger-left-it",
                                   "create"},
                      WriteBackRow{"triggers.return.update-one-returns-document-as-trigger-left-it",
                                   "updateOne"}),
    [](const ::testing::TestParamInfo<WriteBackRow>& row) {
      return std::string(row.param.function);
    });

// deleteOne runs the trigger after the delete, deleteMany before each one
// (§3.4; create-api.ts:291-359): the trigger log's `present` tells them apart.
struct DeleteTimingRow {
  const char* id;
  const char* function;  // deleteOne or deleteMany
  bool present;          // whether the trigger still sees the document
};
class DeleteTiming : public ::testing::TestWithParam<DeleteTimingRow> {};

TEST_P(DeleteTiming, TheTriggerSeesTheDocumentOrNot) {
  const DeleteTimingRow& row = GetParam();
  AUTHCONF_CASE(row.id, "spec/convex-component.md §3.4");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  AUTHCONF_REQUIRE_FEATURE("triggerEffects");
  const std::string email = target().new_email();
  auto created = AUTHCONF_OK(create_user(email, "Deleted"));
  ASSERT_FALSE(created.thrown) << *created.thrown;
  const Json id = created.value["_id"];
  Json input{{"model", "user"}, {"where", where_eq("_id", id)}};
  Json args{{"input", input}};
  if (std::string(row.function) == "deleteMany") args["paginationOpts"] = page_options();
  auto deleted = AUTHCONF_OK(bridge().adapter(row.function, args));
  ASSERT_FALSE(deleted.thrown) << *deleted.thrown;
  auto log = AUTHCONF_OK(bridge().app_table("triggerLog"));
  std::vector<Json> deletes;
  for (const Json& entry : log) {
    if (entry.value("documentId", Json()) == id && entry.value("op", Json()) == "delete") {
      deletes.push_back(entry);
    }
  }
  ASSERT_THAT(deletes, SizeIs(1)) << "the user's delete trigger ran " << deletes.size() << " times";
  EXPECT_EQ(deletes.front().value("table", Json()), "user");
  EXPECT_EQ(deletes.front().value("present", Json()), row.present) << deletes.front().dump();
}
INSTANTIATE_TEST_SUITE_P(
    Rows, DeleteTiming,
    ::testing::Values(
        DeleteTimingRow{"triggers.order.delete-one-trigger-after-delete", "deleteOne", false},
        DeleteTimingRow{"triggers.order.delete-many-trigger-before-delete", "deleteMany", true}),
    [](const ::testing::TestParamInfo<DeleteTimingRow>& row) {
      return std::string(row.param.function);
    });

}  // namespace
}  // namespace authconf
