// Suite `dual-store`: the app's users table follows the component's `user`
// table (spec/convex-component.md §5; bridge-v1 `appUsers`;
// shared/seeds/dual-database-skill.txt).
//
// A Convex app keeps its own users table beside the component's and fills it
// from the component's user triggers: create inserts the app row (with the
// component `_id` in the authId field), update copies the mapped fields,
// delete removes the row, all inside the component's mutation. The cases
// check that after sign-up, update-user and delete-user (over HTTP, and the
// adapter functions through the bridge) there is exactly one app row per
// component user, its mapped fields equal, and no orphan; two stateful
// properties drive random sequences of those operations (and of injected
// trigger faults, whose rollback leaves the documented partial state); and a
// read-only audit lists every mismatch between the two stores of the target
// as it stands, the check a team runs when "User not found" appears for a
// user they can see.
#include <authconf/gen.h>
#include <authconf/matchers.h>
#include <authconf/stores.h>
#include <authconf/suite.h>
#include <authconf/transcript.h>
#include <rapidcheck/state.h>

#include <chrono>
#include <memory>

namespace authconf {
namespace {

using suite::bridge;
using suite::target;
using ::testing::IsEmpty;
using ::testing::SizeIs;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The app row of a component user (the case has checked there is one).
Json app_row_of(const stores::AppUsers& app, const stores::UserRows& rows) {
  auto linked = stores::rows_where(rows.app_rows, app.auth_id_field, rows.id());
  return linked.empty() ? Json() : linked.front();
}

// A user made through the component's own `create` (bridge /adapter/create),
// the write the component's triggers see exactly as on sign-up.
Json adapter_user_data(const std::string& email, const std::string& name) {
  const std::int64_t now = now_ms();
  return Json{{"name", name},
              {"email", email},
              {"emailVerified", false},
              {"createdAt", now},
              {"updatedAt", now}};
}

Json where_eq(const std::string& field, const Json& value) {
  return Json::array({{{"field", field}, {"value", value}}});
}

Json page_options() { return Json{{"numItems", 100}, {"cursor", nullptr}}; }

// ------------------------------------------------------------------ sign-up

TEST(SignUp, CreatesExactlyOneMirroredAppRow) {
  AUTHCONF_CASE("dual-store.sign-up.one-app-row-mirrors-user", "spec/convex-component.md §5.1");
  AUTHCONF_REQUIRE_APP_USERS();
  const stores::AppUsers app = *stores::app_users_of(target());
  Browser browser(target());
  auto user = suite::sign_up(browser, "Dual Store Ada");
  ASSERT_TRUE(user);
  auto rows = AUTHCONF_OK(stores::read_user_rows(bridge(), app, user->email));
  ASSERT_TRUE(rows.user) << "sign-up answered 200 but the component has no user " << user->email;
  // Mutants: a create trigger that does not run, runs twice, or copies the
  // wrong field.
  EXPECT_THAT(stores::mirror_problems(app, *rows.user, rows.app_rows), IsEmpty());
  EXPECT_THAT(rows.app_rows, SizeIs(1)) << "app rows linked to or named after " << user->email;
}

TEST(SignUp, AuthIdIsTheComponentUserId) {
  AUTHCONF_CASE("dual-store.sign-up.auth-id-is-component-user-id", "spec/convex-component.md §5.1");
  AUTHCONF_REQUIRE_APP_USERS();
  const stores::AppUsers app = *stores::app_users_of(target());
  Browser browser(target());
  auto user = suite::sign_up(browser, "Dual Store Grace");
  ASSERT_TRUE(user);
  auto rows = AUTHCONF_OK(stores::read_user_rows(bridge(), app, user->email));
  ASSERT_TRUE(rows.user);
  // The trigger receives the raw component document: `_id`, no `id`
  // (§5.1). The Better Auth user id in the answer is that `_id`; the app
  // row links to it, not to its own `_id` (issues #30, #71, #77).
  EXPECT_EQ(user->body["user"]["id"], (*rows.user)["_id"]);
  const Json row = app_row_of(app, rows);
  ASSERT_FALSE(row.is_null()) << stores::bullet_list(
      stores::mirror_problems(app, *rows.user, rows.app_rows));
  EXPECT_EQ(row[app.auth_id_field], user->body["user"]["id"]);
  EXPECT_NE(row["_id"], (*rows.user)["_id"]) << "the app row is its own document";
}

TEST(SignUp, UnicodeNameMirroredByteForByte) {
  AUTHCONF_CASE("dual-store.sign-up.unicode-name-mirrored-exactly",
                "spec/convex-component.md §5.1");
  AUTHCONF_REQUIRE_APP_USERS();
  const stores::AppUsers app = *stores::app_users_of(target());
  // Combining marks, an astral emoji, a right-to-left script and a
  // compatibility character NFKC would change: a trigger that normalises,
  // trims or re-encodes the name shows as drift.
  const std::string name =
      "Zoe\xCC\x88 \xF0\x9F\xA6\x8A \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xEF\xAC\x81 ";
  Browser browser(target());
  auto user = suite::sign_up(browser, name);
  ASSERT_TRUE(user);
  auto rows = AUTHCONF_OK(stores::read_user_rows(bridge(), app, user->email));
  ASSERT_TRUE(rows.user);
  EXPECT_EQ((*rows.user)["name"], name);
  EXPECT_THAT(stores::mirror_problems(app, *rows.user, rows.app_rows), IsEmpty());
}

TEST(SignUp, MixedCaseEmailMirroredAsStored) {
  AUTHCONF_CASE("dual-store.sign-up.mixed-case-email-mirrored-lower-case",
                "spec/convex-component.md §10");
  AUTHCONF_REQUIRE_APP_USERS();
  const stores::AppUsers app = *stores::app_users_of(target());
  // Better Auth lower-cases the email before createUser (§10: `Alice@…` →
  // `alice@…`); the trigger must mirror the stored document, not the request.
  const std::string stored = target().new_email();
  std::string typed = stored;
  for (std::size_t i = 0; i < typed.size(); i += 2) {
    typed[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(typed[i])));
  }
  const std::string password = "Conformance-" + target().run_id() + "-pw";
  suite::created_user(stored, password);
  Browser browser(target());
  auto answer = AUTHCONF_OK(
      browser.post_json(target().auth_path("/sign-up/email"),
                        {{"name", "Mixed Case"}, {"email", typed}, {"password", password}}));
  ASSERT_THAT(answer, HasStatus(200));
  auto rows = AUTHCONF_OK(stores::read_user_rows(bridge(), app, stored));
  ASSERT_TRUE(rows.user) << "no component user with the lower-cased email " << stored;
  EXPECT_THAT(stores::mirror_problems(app, *rows.user, rows.app_rows), IsEmpty());
  if (auto email_field = app.app_field_of("email")) {
    const Json row = app_row_of(app, rows);
    EXPECT_EQ(row.value(*email_field, Json()), Json(stored));
  }
}

// -------------------------------------------------------------- update-user

TEST(UpdateUser, NameFollows) {
  AUTHCONF_CASE("dual-store.update-user.name-follows", "spec/convex-component.md §5.1");
  AUTHCONF_REQUIRE_APP_USERS();
  const stores::AppUsers app = *stores::app_users_of(target());
  Browser browser(target());
  auto user = suite::sign_up(browser, "Before Rename");
  ASSERT_TRUE(user);
  auto updated = AUTHCONF_OK(
      browser.post_json(target().auth_path("/update-user"), {{"name", "After Rename"}}));
  ASSERT_THAT(updated, HasStatus(200));
  EXPECT_THAT(updated, HasJsonBody(Json{{"status", true}}));
  auto rows = AUTHCONF_OK(stores::read_user_rows(bridge(), app, user->email));
  ASSERT_TRUE(rows.user);
  EXPECT_EQ((*rows.user)["name"], "After Rename");
  // Mutant: an update trigger that inserts a fresh row instead of patching
  // (two rows), or that does not run (the old name stays in the app).
  EXPECT_THAT(stores::mirror_problems(app, *rows.user, rows.app_rows), IsEmpty());
  EXPECT_THAT(rows.app_rows, SizeIs(1));
}

TEST(UpdateUser, UnmappedFieldChangeKeepsTheMirror) {
  AUTHCONF_CASE("dual-store.update-user.image-change-keeps-one-row",
                "spec/convex-component.md §5.1");
  AUTHCONF_REQUIRE_APP_USERS();
  const stores::AppUsers app = *stores::app_users_of(target());
  Browser browser(target());
  auto user = suite::sign_up(browser, "Image Only");
  ASSERT_TRUE(user);
  auto before = AUTHCONF_OK(stores::read_user_rows(bridge(), app, user->email));
  ASSERT_TRUE(before.user);
  auto updated = AUTHCONF_OK(browser.post_json(target().auth_path("/update-user"),
                                               {{"image", "https://example.com/a.png"}}));
  ASSERT_THAT(updated, HasStatus(200));
  auto after = AUTHCONF_OK(stores::read_user_rows(bridge(), app, user->email));
  ASSERT_TRUE(after.user);
  EXPECT_EQ((*after.user)["image"], "https://example.com/a.png");
  EXPECT_THAT(stores::mirror_problems(app, *after.user, after.app_rows), IsEmpty());
  // The same app document, patched in place (its _id is stable).
  EXPECT_EQ(app_row_of(app, after).value("_id", Json()),
            app_row_of(app, before).value("_id", Json()));
}

TEST(UpdateUser, RepeatedUpdatesKeepOneRow) {
  AUTHCONF_CASE("dual-store.update-user.repeated-updates-keep-one-row",
                "spec/convex-component.md §5.1");
  AUTHCONF_REQUIRE_APP_USERS();
  const stores::AppUsers app = *stores::app_users_of(target());
  Browser browser(target());
  auto user = suite::sign_up(browser, "Name 0");
  ASSERT_TRUE(user);
  for (int i = 1; i <= 3; ++i) {
    auto updated = AUTHCONF_OK(browser.post_json(target().auth_path("/update-user"),
                                                 {{"name", "Name " + std::to_string(i)}}));
    ASSERT_THAT(updated, HasStatus(200));
  }
  auto rows = AUTHCONF_OK(stores::read_user_rows(bridge(), app, user->email));
  ASSERT_TRUE(rows.user);
  EXPECT_EQ((*rows.user)["name"], "Name 3");
  EXPECT_THAT(stores::mirror_problems(app, *rows.user, rows.app_rows), IsEmpty());
  EXPECT_THAT(rows.app_rows, SizeIs(1));
}

// -------------------------------------------------------------- delete-user

TEST(DeleteUser, AppRowRemoved) {
  AUTHCONF_CASE("dual-store.delete-user.app-row-removed", "spec/convex-component.md §5.1");
  AUTHCONF_REQUIRE_APP_USERS();
  AUTHCONF_REQUIRE_CONFIG("deleteUser", false, true);
  const stores::AppUsers app = *stores::app_users_of(target());
  Browser browser(target());
  auto user = suite::sign_up(browser, "To Be Deleted");
  ASSERT_TRUE(user);
  auto before = AUTHCONF_OK(stores::read_user_rows(bridge(), app, user->email));
  ASSERT_TRUE(before.user);
  auto deleted = AUTHCONF_OK(browser.post_json(target().auth_path("/delete-user"), Json::object()));
  ASSERT_THAT(deleted, HasStatus(200));
  EXPECT_THAT(deleted, HasJsonBody(Json{{"success", true}, {"message", "User deleted"}}));
  auto after = AUTHCONF_OK(stores::read_user_rows(bridge(), app, user->email, before.id()));
  EXPECT_FALSE(after.user) << "the component user is still there: " << after.user->dump();
  // Mutant: a delete trigger that does not run leaves an orphaned app row
  // (an app user with no component user behind it).
  EXPECT_THAT(after.app_rows, IsEmpty());
  EXPECT_THAT(after.accounts, IsEmpty());
  EXPECT_THAT(after.sessions, IsEmpty());
}

// ------------------------------------------------ the adapter functions

TEST(Adapter, CreateMirrors) {
  AUTHCONF_CASE("dual-store.adapter.create-mirrors", "spec/convex-component.md §3.2, §5.2");
  AUTHCONF_REQUIRE_APP_USERS();
  AUTHCONF_REQUIRE_FEATURE("adapter");
  const stores::AppUsers app = *stores::app_users_of(target());
  const std::string email = target().new_email();
  suite::created_user(email, "");
  auto created = AUTHCONF_OK(bridge().adapter(
      "create",
      Json{{"input", {{"model", "user"}, {"data", adapter_user_data(email, "Adapter")}}}}));
  ASSERT_FALSE(created.thrown) << *created.thrown;
  auto rows = AUTHCONF_OK(stores::read_user_rows(bridge(), app, email));
  ASSERT_TRUE(rows.user);
  EXPECT_EQ((*rows.user)["_id"], created.value["_id"]);
  EXPECT_THAT(stores::mirror_problems(app, *rows.user, rows.app_rows), IsEmpty());
}

TEST(Adapter, UpdateOneMirrors) {
  AUTHCONF_CASE("dual-store.adapter.update-one-mirrors", "spec/convex-component.md §3.2, §5.2");
  AUTHCONF_REQUIRE_APP_USERS();
  AUTHCONF_REQUIRE_FEATURE("adapter");
  const stores::AppUsers app = *stores::app_users_of(target());
  const std::string email = target().new_email();
  suite::created_user(email, "");
  auto created = AUTHCONF_OK(bridge().adapter(
      "create", Json{{"input", {{"model", "user"}, {"data", adapter_user_data(email, "One")}}}}));
  ASSERT_FALSE(created.thrown) << *created.thrown;
  auto updated = AUTHCONF_OK(bridge().adapter(
      "updateOne", Json{{"input",
                         {{"model", "user"},
                          {"where", where_eq("email", email)},
                          {"update", {{"name", "Two"}, {"updatedAt", now_ms()}}}}}}));
  ASSERT_FALSE(updated.thrown) << *updated.thrown;
  auto rows = AUTHCONF_OK(stores::read_user_rows(bridge(), app, email));
  ASSERT_TRUE(rows.user);
  EXPECT_EQ((*rows.user)["name"], "Two");
  EXPECT_THAT(stores::mirror_problems(app, *rows.user, rows.app_rows), IsEmpty());
}

// updateMany and deleteMany run the trigger once per document of the page
// (§3.4): every app row follows, not only the first.
TEST(Adapter, UpdateManyMirrorsEachDocument) {
  AUTHCONF_CASE("dual-store.adapter.update-many-mirrors-each", "spec/convex-component.md §3.4");
  AUTHCONF_REQUIRE_APP_USERS();
  AUTHCONF_REQUIRE_FEATURE("adapter");
  const stores::AppUsers app = *stores::app_users_of(target());
  // A name no other user of the target has: the updateMany's where.
  const std::string shared_name = "ac-" + target().run_id() + "-many-update";
  std::vector<std::string> emails;
  for (int i = 0; i < 2; ++i) {
    emails.push_back(target().new_email());
    suite::created_user(emails.back(), "");
    auto created = AUTHCONF_OK(bridge().adapter(
        "create",
        Json{{"input",
              {{"model", "user"}, {"data", adapter_user_data(emails.back(), shared_name)}}}}));
    ASSERT_FALSE(created.thrown) << *created.thrown;
  }
  auto updated = AUTHCONF_OK(
      bridge().adapter("updateMany", Json{{"input",
                                           {{"model", "user"},
                                            {"where", where_eq("name", shared_name)},
                                            {"update", {{"name", shared_name + "-renamed"}}}}},
                                          {"paginationOpts", page_options()}}));
  ASSERT_FALSE(updated.thrown) << *updated.thrown;
  EXPECT_EQ(updated.value.value("count", Json()), 2);
  for (const std::string& email : emails) {
    auto rows = AUTHCONF_OK(stores::read_user_rows(bridge(), app, email));
    ASSERT_TRUE(rows.user) << email;
    EXPECT_EQ((*rows.user)["name"], shared_name + "-renamed");
    EXPECT_THAT(stores::mirror_problems(app, *rows.user, rows.app_rows), IsEmpty()) << email;
  }
}

TEST(Adapter, DeleteManyRemovesEachAppRow) {
  AUTHCONF_CASE("dual-store.adapter.delete-many-removes-each", "spec/convex-component.md §3.4");
  AUTHCONF_REQUIRE_APP_USERS();
  AUTHCONF_REQUIRE_FEATURE("adapter");
  const stores::AppUsers app = *stores::app_users_of(target());
  const std::string shared_name = "ac-" + target().run_id() + "-many-delete";
  std::vector<std::pair<std::string, Json>> users;
  for (int i = 0; i < 2; ++i) {
    const std::string email = target().new_email();
    suite::created_user(email, "");
    auto created = AUTHCONF_OK(bridge().adapter(
        "create",
        Json{{"input", {{"model", "user"}, {"data", adapter_user_data(email, shared_name)}}}}));
    ASSERT_FALSE(created.thrown) << *created.thrown;
    users.emplace_back(email, created.value["_id"]);
  }
  auto deleted = AUTHCONF_OK(bridge().adapter(
      "deleteMany", Json{{"input", {{"model", "user"}, {"where", where_eq("name", shared_name)}}},
                         {"paginationOpts", page_options()}}));
  ASSERT_FALSE(deleted.thrown) << *deleted.thrown;
  EXPECT_EQ(deleted.value.value("count", Json()), 2);
  for (const auto& [email, id] : users) {
    auto rows = AUTHCONF_OK(stores::read_user_rows(bridge(), app, email, id));
    EXPECT_FALSE(rows.user) << email;
    EXPECT_THAT(rows.app_rows, IsEmpty()) << email;
  }
}

// ------------------------------------------------------------------- audit

TEST(Audit, NoMismatchBetweenTheStores) {
  AUTHCONF_CASE("dual-store.audit.no-mismatch", "spec/convex-component.md §5; dual-database-skill");
  AUTHCONF_REQUIRE_APP_USERS();
  const stores::AppUsers app = *stores::app_users_of(target());
  // Read-only: two GETs, whatever the target holds (a real deployment's
  // users included). It lists every mismatch rather than stopping at one.
  auto all = AUTHCONF_OK(stores::read_stores(bridge(), app));
  const std::vector<std::string> findings = stores::audit(app, all);
  EXPECT_THAT(findings, IsEmpty())
      << findings.size() << " mismatch(es) between the component's `user` table ("
      << all.users.size() << " rows) and the app's `" << app.table << "` table ("
      << all.app_rows.size() << " rows):" << stores::bullet_list(findings)
      << "\nA component user without an app row signs in but the app says \"User not found\"; "
         "an app row without a component user cannot sign in (dual-database-skill.txt).";
  for (const Exchange& exchange : transcript::exchanges()) {
    EXPECT_EQ(exchange.method, "GET") << "the audit must only read: " << exchange.url;
  }
}

// The audit itself must be able to fail: planted mismatches of every kind
// are each reported (no target state is read or written).
TEST(Audit, ReportsEveryKindOfMismatch) {
  AUTHCONF_CASE("dual-store.audit.reports-planted-mismatches",
                "spec/convex-component.md §5; dual-database-skill");
  stores::AppUsers app{.table = "profiles",
                       .auth_id_field = "authUserId",
                       .fields = {{"mail", "email"}, {"displayName", "name"}}};
  stores::Stores planted;
  planted.users = {
      Json{{"_id", "u-ok"}, {"email", "ok@example.com"}, {"name", "Ok"}},
      Json{{"_id", "u-missing"}, {"email", "missing@example.com"}, {"name", "M"}},
      Json{{"_id", "u-drift"}, {"email", "drift@example.com"}, {"name", "New"}},
      Json{{"_id", "u-twice"}, {"email", "twice@example.com"}, {"name", "T"}},
      Json{{"_id", "u-case-1"}, {"email", "case@example.com"}, {"name", "C"}},
      Json{{"_id", "u-case-2"}, {"email", "Case@example.com"}, {"name", "C"}},
  };
  auto row = [](const char* id, const char* auth, const char* mail, const char* name) {
    return Json{{"_id", id}, {"authUserId", auth}, {"mail", mail}, {"displayName", name}};
  };
  planted.app_rows = {
      row("a-ok", "u-ok", "ok@example.com", "Ok"),
      row("a-drift", "u-drift", "drift@example.com", "Old"),
      row("a-twice-1", "u-twice", "twice@example.com", "T"),
      row("a-twice-2", "u-twice", "twice@example.com", "T"),
      row("a-case-1", "u-case-1", "case@example.com", "C"),
      row("a-case-2", "u-case-2", "Case@example.com", "C"),
      row("a-orphan", "u-gone", "gone@example.com", "G"),
  };
  const std::vector<std::string> findings = stores::audit(app, planted);
  const std::string text = stores::bullet_list(findings);
  auto reported = [&](const std::string& needle) { return text.find(needle) != std::string::npos; };
  EXPECT_TRUE(reported("\"u-missing\" \"missing@example.com\" has no profiles row")) << text;
  EXPECT_TRUE(reported("profiles.displayName is \"Old\" but user.name is \"New\"")) << text;
  EXPECT_TRUE(reported("has 2 profiles rows")) << text;
  EXPECT_TRUE(reported("differ only in case: case@example.com")) << text;
  EXPECT_TRUE(reported("\"Case@example.com\", which is not lower case")) << text;
  EXPECT_TRUE(reported("profiles row \"a-orphan\" (authUserId \"u-gone\"")) << text;
  EXPECT_THAT(findings, SizeIs(6)) << text;
}

// -------------------------------------------------------------- properties
//
// Random sequences of sign-up, update-user and delete-user (and, where the
// target allows faults, of the same operations with the user trigger made
// to throw). After every step the two stores must agree with the model:
//   active:    component user (model name), one mirrored app row, a
//              credential account, a session;
//   orphaned:  after a delete-user whose user.delete trigger threw: the
//              sessions and accounts are gone (writes 1-2 of delete-user
//              committed, §5.3), the user and its app row stayed together;
//   gone:      neither a component user nor an app row;
//   never:     a sign-up whose user.create trigger threw: nothing at all,
//              and signing up again with that email succeeds.

enum class Status { kActive, kOrphaned, kGone, kNever };

struct ModelUser {
  std::string name;
  Status status;
};

struct Model {
  std::vector<ModelUser> users;
  bool faults = false;
  bool delete_user = false;
};

struct Slot {
  std::string email;
  std::string password;
  std::unique_ptr<Browser> browser;
  Json id;
};

struct Sut {
  stores::AppUsers app;
  std::vector<Slot> slots;
};

constexpr std::size_t kMaxUsers = 3;  // each sign-up costs one scrypt hash

using Command = rc::state::Command<Model, Sut>;

// An exchange, or the property fails as an error (transport, not verdict).
Exchange must(Result<Exchange, TransportError> exchange, std::string_view what) {
  if (!exchange) {
    std::ostringstream detail;
    detail << what << ": " << exchange.error();
    suite::record_error(detail.str());
    RC_FAIL(detail.str());
  }
  return std::move(*exchange);
}

template <class T>
T must_bridge(Result<T, BridgeError> answer, std::string_view what) {
  if (!answer) {
    std::ostringstream detail;
    detail << what << ": " << answer.error();
    suite::record_error(detail.str());
    RC_FAIL(detail.str());
  }
  return std::move(*answer);
}

const char* status_name(Status status) {
  switch (status) {
    case Status::kActive:
      return "active";
    case Status::kOrphaned:
      return "orphaned";
    case Status::kGone:
      return "gone";
    case Status::kNever:
      return "never created";
  }
  return "?";
}

// Whether the model's user `slot` exists and has `status`. (RC_PRE and
// RC_ASSERT capture their expression's operands, so `&&` inside them does
// not short-circuit: compound conditions are computed here first.)
bool is(const Model& m, std::size_t slot, Status status) {
  return slot < m.users.size() && m.users[slot].status == status;
}

// The answer has this status (and, when given, exactly this JSON body, or
// no body at all for ""), else the property fails with what came back.
void expect_answer(const Exchange& answer, int status, const std::optional<Json>& body,
                   std::string_view what) {
  bool ok = answer.status == status;
  if (ok && body) {
    if (body->is_string() && body->get<std::string>().empty()) {
      ok = answer.response_body.empty();
    } else {
      ok = json_body(answer).json == *body;
    }
  }
  if (!ok) {
    // Appended, not `" " + body->dump()`: GCC 12 warns falsely (-Wrestrict)
    // on operator+(const char*, std::string&&) at -O3.
    std::string expected = std::to_string(status);
    if (body) expected.append(" ").append(body->dump());
    RC_FAIL(std::string(what) + ": expected " + expected + ", the target answered " +
            describe(answer));
  }
}

// Checks both stores against the model, for every user of this sequence.
void check_stores(const Model& model, const Sut& sut) {
  RC_ASSERT(sut.slots.size() == model.users.size());
  auto users = must_bridge(bridge().component_table("user"), "GET /component/user");
  auto app_rows = must_bridge(bridge().app_table(sut.app.table), "GET /app/<table>");
  auto accounts = must_bridge(bridge().component_table("account"), "GET /component/account");
  auto sessions = must_bridge(bridge().component_table("session"), "GET /component/session");
  const auto email_field = sut.app.app_field_of("email");
  for (std::size_t i = 0; i < model.users.size(); ++i) {
    const ModelUser& expected = model.users[i];
    const Slot& slot = sut.slots[i];
    const auto found = stores::rows_where(users, "email", Json(slot.email));
    const std::string who =
        "user#" + std::to_string(i) + " (" + slot.email + ", " + status_name(expected.status) + ")";
    if (expected.status == Status::kActive || expected.status == Status::kOrphaned) {
      if (found.size() != 1u) {
        RC_FAIL(who + ": " + std::to_string(found.size()) + " component users have its email");
      }
      const Json& user = found.front();
      if (user["name"] != Json(expected.name)) {
        RC_FAIL(who + ": the component user's name is " + user["name"].dump() + ", not " +
                Json(expected.name).dump());
      }
      const auto problems = stores::mirror_problems(sut.app, user, app_rows);
      if (!problems.empty()) RC_FAIL(who + ":" + stores::bullet_list(problems));
      const auto own_accounts = stores::rows_where(accounts, "userId", user["_id"]);
      const auto own_sessions = stores::rows_where(sessions, "userId", user["_id"]);
      const auto credential = stores::rows_where(own_accounts, "providerId", Json("credential"));
      if (expected.status == Status::kActive && (credential.size() != 1u || own_sessions.empty())) {
        RC_FAIL(who + ": expected one credential account and a session, found " +
                std::to_string(credential.size()) + " and " + std::to_string(own_sessions.size()));
      }
      if (expected.status == Status::kOrphaned &&
          (!own_accounts.empty() || !own_sessions.empty())) {
        // delete-user commits deleteMany(session), deleteMany(account), then
        // deleteOne(user) whose trigger threw: only the last rolled back.
        RC_FAIL(who +
                ": after the rolled-back user delete the accounts and sessions must be "
                "gone (writes 1 and 2 committed), found " +
                std::to_string(own_accounts.size()) + " and " +
                std::to_string(own_sessions.size()));
      }
    } else {
      if (!found.empty()) RC_FAIL(who + ": the component still has " + found.front().dump());
      for (const Json& row : app_rows) {
        const bool linked =
            !slot.id.is_null() && row.value(sut.app.auth_id_field, Json()) == slot.id;
        const bool named = email_field && row.value(*email_field, Json()) == Json(slot.email);
        if (linked || named) RC_FAIL(who + ": an app row is left: " + row.dump());
      }
    }
  }
}

// The sign-up answer; where the target requires email verification, a
// successful sign-up is followed by the verification and a sign-in, so the
// user has its session as on any other target.
Exchange sign_up_slot(Slot& slot, const std::string& name) {
  Exchange answer = must(
      slot.browser->post_json(target().auth_path("/sign-up/email"),
                              {{"name", name}, {"email", slot.email}, {"password", slot.password}}),
      "sign-up");
  if (answer.status == 200 && suite::email_verification_required()) {
    RC_ASSERT(suite::verify_and_sign_in(*slot.browser, slot.email, slot.password).has_value());
  }
  return answer;
}

Slot& new_slot(Sut& sut) {
  Slot slot;
  slot.email = target().new_email();
  slot.password = "Conformance-" + target().run_id() + "-pw";
  slot.browser = std::make_unique<Browser>(target());
  suite::created_user(slot.email, slot.password);
  sut.slots.push_back(std::move(slot));
  return sut.slots.back();
}

void install(const Json& fault) {
  (void)must_bridge(bridge().put_faults(Json::array({fault})), "PUT /faults");
}
void clear_faults() { (void)must_bridge(bridge().clear_faults(), "DELETE /faults"); }

std::string fault_message(std::string_view op) {
  return "authconf dual-store property: user." + std::string(op);
}

// The index of a random user of `status`, or npos when there is none.
std::size_t pick(const Model& model, Status status) {
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < model.users.size(); ++i) {
    if (model.users[i].status == status) candidates.push_back(i);
  }
  if (candidates.empty()) return std::string::npos;
  return *rc::gen::elementOf(candidates);
}

std::string gen_name() { return *rc::gen::resize(12, gen::name()); }

struct SignUp : Command {
  std::string name = gen_name();
  void checkPreconditions(const Model& m) const override { RC_PRE(m.users.size() < kMaxUsers); }
  void apply(Model& m) const override { m.users.push_back({name, Status::kActive}); }
  void run(const Model& m, Sut& sut) const override {
    Slot& slot = new_slot(sut);
    const Exchange answer = sign_up_slot(slot, name);
    expect_answer(answer, 200, std::nullopt, "sign-up");
    slot.id = json_body(answer).json["user"]["id"];
    check_stores(nextState(m), sut);
  }
  void show(std::ostream& os) const override { os << "sign-up name=" << Json(name).dump(); }
};

struct FailedSignUp : Command {
  std::string name = gen_name();
  void checkPreconditions(const Model& m) const override {
    RC_PRE(m.faults);
    RC_PRE(m.users.size() < kMaxUsers);
  }
  void apply(Model& m) const override { m.users.push_back({name, Status::kNever}); }
  void run(const Model& m, Sut& sut) const override {
    Slot& slot = new_slot(sut);
    install(stores::fault("user", "create", fault_message("create"), {{"email", slot.email}}));
    const Exchange answer = sign_up_slot(slot, name);
    clear_faults();
    // §5.3: a throwing user.onCreate is 422 FAILED_TO_CREATE_USER.
    expect_answer(answer, 422,
                  Json{{"message", "Failed to create user"}, {"code", "FAILED_TO_CREATE_USER"}},
                  "sign-up with a throwing user.create trigger");
    check_stores(nextState(m), sut);
  }
  void show(std::ostream& os) const override {
    os << "sign-up with a throwing user.create trigger, name=" << Json(name).dump();
  }
};

// Signing up again after a rolled-back sign-up: nothing was committed, so
// the email is free (a partial commit would answer 422 USER_ALREADY_EXISTS).
struct RetrySignUp : Command {
  std::size_t slot;
  explicit RetrySignUp(const Model& m) : slot(pick(m, Status::kNever)) {}
  void checkPreconditions(const Model& m) const override { RC_PRE(is(m, slot, Status::kNever)); }
  void apply(Model& m) const override { m.users[slot].status = Status::kActive; }
  void run(const Model& m, Sut& sut) const override {
    Slot& target_slot = sut.slots[slot];
    const Exchange answer = sign_up_slot(target_slot, m.users[slot].name);
    // A partial commit would answer 422 USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL.
    expect_answer(answer, 200, std::nullopt, "sign-up again after the rolled-back sign-up");
    target_slot.id = json_body(answer).json["user"]["id"];
    check_stores(nextState(m), sut);
  }
  void show(std::ostream& os) const override { os << "retry sign-up of user#" << slot; }
};

struct Rename : Command {
  std::size_t slot;
  std::string name = gen_name();
  explicit Rename(const Model& m) : slot(pick(m, Status::kActive)) {}
  void checkPreconditions(const Model& m) const override { RC_PRE(is(m, slot, Status::kActive)); }
  void apply(Model& m) const override { m.users[slot].name = name; }
  void run(const Model& m, Sut& sut) const override {
    const Exchange answer = must(
        sut.slots[slot].browser->post_json(target().auth_path("/update-user"), {{"name", name}}),
        "update-user");
    expect_answer(answer, 200, Json{{"status", true}}, "update-user");
    check_stores(nextState(m), sut);
  }
  void show(std::ostream& os) const override {
    os << "update-user user#" << slot << " name=" << Json(name).dump();
  }
};

struct FailedRename : Command {
  std::size_t slot;
  std::string name = gen_name();
  explicit FailedRename(const Model& m) : slot(pick(m, Status::kActive)) {}
  void checkPreconditions(const Model& m) const override {
    RC_PRE(m.faults);
    RC_PRE(is(m, slot, Status::kActive));
  }
  void run(const Model& m, Sut& sut) const override {
    Slot& s = sut.slots[slot];
    install(stores::fault("user", "update", fault_message("update"), {{"email", s.email}}));
    const Exchange answer = must(
        s.browser->post_json(target().auth_path("/update-user"), {{"name", name}}), "update-user");
    clear_faults();
    // updateUser is not caught: a non-API error is better-call's bare 500.
    expect_answer(answer, 500, Json(""), "update-user with a throwing user.update trigger");
    check_stores(nextState(m), sut);
  }
  void show(std::ostream& os) const override {
    os << "update-user with a throwing user.update trigger, user#" << slot
       << " name=" << Json(name).dump();
  }
};

struct Delete : Command {
  std::size_t slot;
  explicit Delete(const Model& m) : slot(pick(m, Status::kActive)) {}
  void checkPreconditions(const Model& m) const override {
    RC_PRE(m.delete_user);
    RC_PRE(is(m, slot, Status::kActive));
  }
  void apply(Model& m) const override { m.users[slot].status = Status::kGone; }
  void run(const Model& m, Sut& sut) const override {
    const Exchange answer =
        must(sut.slots[slot].browser->post_json(target().auth_path("/delete-user"), Json::object()),
             "delete-user");
    expect_answer(answer, 200, Json{{"success", true}, {"message", "User deleted"}}, "delete-user");
    check_stores(nextState(m), sut);
  }
  void show(std::ostream& os) const override { os << "delete-user user#" << slot; }
};

struct FailedDelete : Command {
  std::size_t slot;
  explicit FailedDelete(const Model& m) : slot(pick(m, Status::kActive)) {}
  void checkPreconditions(const Model& m) const override {
    RC_PRE(m.faults);
    RC_PRE(m.delete_user);
    RC_PRE(is(m, slot, Status::kActive));
  }
  void apply(Model& m) const override { m.users[slot].status = Status::kOrphaned; }
  void run(const Model& m, Sut& sut) const override {
    Slot& s = sut.slots[slot];
    install(stores::fault("user", "delete", fault_message("delete"), {{"email", s.email}}));
    const Exchange answer = must(
        s.browser->post_json(target().auth_path("/delete-user"), Json::object()), "delete-user");
    clear_faults();
    expect_answer(answer, 500, Json(""), "delete-user with a throwing user.delete trigger");
    check_stores(nextState(m), sut);
  }
  void show(std::ostream& os) const override {
    os << "delete-user with a throwing user.delete trigger, user#" << slot;
  }
};

// Always applicable: re-reads both stores (so a sequence can always grow).
struct Recheck : Command {
  void run(const Model& m, Sut& sut) const override { check_stores(m, sut); }
  void show(std::ostream& os) const override { os << "re-read both stores"; }
};

template <class... Commands>
void run_sequences(const Model& initial, const stores::AppUsers& app) {
  Sut sut{app, {}};
  const auto commands =
      *rc::gen::resize(6, rc::state::gen::commands(initial, [](const Model& m) {
                         return rc::state::gen::execOneOfWithArgs<Commands...>()(m);
                       }));
  rc::state::runAll(commands, initial, sut);
}

TEST(Property, RandomSequencesKeepTheMirror) {
  AUTHCONF_CASE("dual-store.property.random-sequences-keep-mirror",
                "spec/convex-component.md §5.1");
  AUTHCONF_REQUIRE_APP_USERS();
  const stores::AppUsers app = *stores::app_users_of(target());
  Model initial;
  initial.delete_user = target().capabilities().config_flag("deleteUser", false);
  suite::check_property("sign-up / update-user / delete-user keep one mirrored app row per user", 6,
                        [&] { run_sequences<SignUp, Rename, Delete, Recheck>(initial, app); });
}

TEST(Property, RandomSequencesWithFaultsKeepTheMirror) {
  AUTHCONF_CASE("dual-store.property.random-sequences-with-faults",
                "spec/convex-component.md §5.2, §5.3; bridge-v1 faults");
  AUTHCONF_REQUIRE_APP_USERS();
  AUTHCONF_REQUIRE_DESTRUCTIVE("faults");
  const stores::AppUsers app = *stores::app_users_of(target());
  Model initial;
  initial.faults = true;
  initial.delete_user = target().capabilities().config_flag("deleteUser", false);
  suite::check_property(
      "with throwing user triggers the stores keep the mirror or the documented partial state", 6,
      [&] {
        run_sequences<SignUp, FailedSignUp, RetrySignUp, Rename, FailedRename, Delete, FailedDelete,
                      Recheck>(initial, app);
      });
}

}  // namespace
}  // namespace authconf
