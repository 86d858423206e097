// authconf/stores.h: the two stores of a dual-store app as the suites see
// them through the bridge (link `authconf_suite`; the dual-store, triggers
// and partial-commit suites use it).
//
//   auto app = stores::app_users_of(suite::target());       // capabilities.appUsers
//   auto rows = stores::read_user_rows(suite::bridge(), *app, email);
//   EXPECT_THAT(stores::mirror_problems(*app, *rows->user, rows->app_rows), IsEmpty());
//   auto all = stores::read_stores(suite::bridge(), *app);
//   for (const std::string& line : stores::audit(*app, *all)) std::cout << line;
//
// A Convex app that installs @convex-dev/better-auth keeps its own users
// table and fills it from the component's user triggers (spec/convex-
// component.md §5; shared/seeds/dual-database-skill.txt). Which table,
// which field holds the component user's `_id` and which app field mirrors
// which component field is the target's to say: bridge-v1 `appUsers`
// ("`fields` maps app field → component user field"). Nothing here
// hard-codes the reference app's `users {authId, email, name}`.
//
// Everything here only reads (GET /component/{table}, GET /app/{table}) or
// builds faults scoped with `match` (for PUT /faults).
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "authconf/bridge.h"
#include "authconf/suite.h"
#include "authconf/target.h"

namespace authconf::stores {

// capabilities.appUsers, parsed.
struct AppUsers {
  std::string table;
  std::string auth_id_field;
  // app field → component user field, in the order the target lists them.
  std::vector<std::pair<std::string, std::string>> fields;

  // The app field that mirrors the component field (`email` → `email`).
  std::optional<std::string> app_field_of(std::string_view component_field) const {
    for (const auto& [app, component] : fields) {
      if (component == component_field) return app;
    }
    return std::nullopt;
  }
};

// The target's appUsers entry, or why there is none usable.
std::expected<AppUsers, std::string> app_users_of(const Target& target);

// Skips the case when the target keeps no (usable) app users table.
#define AUTHCONF_REQUIRE_APP_USERS()                                                        \
  do {                                                                                      \
    AUTHCONF_REQUIRE_FEATURE("tables");                                                     \
    if (auto authconf_app_ = ::authconf::stores::app_users_of(::authconf::suite::target()); \
        !authconf_app_) {                                                                   \
      GTEST_SKIP() << authconf_app_.error();                                                \
    }                                                                                       \
  } while (0)

// ASCII lower case: Better Auth lower-cases emails with toLowerCase(), and
// z.email() admits ASCII only.
std::string lower(std::string_view text);

// The field as JSON text, or "(absent)".
std::string field_text(const Json& doc, std::string_view field);

// Every row of `rows` whose `field` equals `value`.
std::vector<Json> rows_where(const std::vector<Json>& rows, std::string_view field,
                             const Json& value);

// The whole of both user tables.
struct Stores {
  std::vector<Json> users;     // component `user`
  std::vector<Json> app_rows;  // the app's users table
};

Result<Stores, BridgeError> read_stores(const Bridge& bridge, const AppUsers& app);

// One user's rows in every table the suites look at. `user` is the
// component row with that exact email; the app rows are those whose authId
// is that user's `_id`, plus (to find orphans) those whose mirrored email
// is `email`.
struct UserRows {
  std::optional<Json> user;
  std::vector<Json> app_rows;
  std::vector<Json> accounts;
  std::vector<Json> sessions;
  std::vector<Json> verifications;  // rows whose `value` is the user id

  Json id() const { return user ? (*user)["_id"] : Json(); }
};

// `known_id`: the user's `_id` when the caller knows it (the user row may be
// gone, and its sessions and accounts with it, or not). An `app` with an
// empty table (a target without appUsers) reads the component only.
Result<UserRows, BridgeError> read_user_rows(const Bridge& bridge, const AppUsers& app,
                                             const std::string& email,
                                             const Json& known_id = Json());

// What is wrong with one component user's mirror: no app row, several, a
// mapped field that differs. Empty when the app row follows the user.
std::vector<std::string> mirror_problems(const AppUsers& app, const Json& user,
                                         const std::vector<Json>& app_rows);

// The read-only audit of the whole target (the check a team runs when "User
// not found" appears for a user they can see; dual-database-skill.txt):
// component users without an app row or with several, app rows without a
// component user, field drift, emails that differ only in case, and emails
// that are not lower case (sign-in looks the lower-cased email up, so such a
// user can never sign in).
std::vector<std::string> audit(const AppUsers& app, const Stores& stores);

// "\n  - <line>" for each line.
std::string bullet_list(const std::vector<std::string>& lines);

// One fault of bridge-v1 `PUT /faults`, fired once (`times: 1`) and only on
// documents matching `match`: scoped to the case's own rows so that other
// users of a shared target are never hit.
Json fault(std::string_view table, std::string_view op, const std::string& message, Json match);

// The `times` left on the installed fault whose message is `message`
// (GET /faults), or nullopt when it is not listed.
std::optional<std::int64_t> times_left(const Json& listed, const std::string& message);

}  // namespace authconf::stores
