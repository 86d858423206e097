// suites/dual-store/stores.h: the two stores as the dual-store, triggers and
// partial-commit suites see them through the bridge.
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
// installs faults scoped with `match` (PUT /faults).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <expected>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "authconf/bridge.h"
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
inline std::expected<AppUsers, std::string> app_users_of(const Target& target) {
  if (!target.has_bridge()) return std::unexpected("the target has no bridge");
  if (!target.capabilities().has_app_users()) {
    return std::unexpected(
        "the target declares no app users table (capabilities.appUsers is absent: the app keeps "
        "no dual store)");
  }
  const Json& raw = target.capabilities().app_users();
  AppUsers parsed;
  if (!raw.is_object() || !raw.contains("table") || !raw["table"].is_string() ||
      !raw.contains("authIdField") || !raw["authIdField"].is_string() || !raw.contains("fields") ||
      !raw["fields"].is_object()) {
    return std::unexpected("capabilities.appUsers is not {table, authIdField, fields}: " +
                           raw.dump());
  }
  parsed.table = raw["table"].get<std::string>();
  parsed.auth_id_field = raw["authIdField"].get<std::string>();
  for (const auto& item : raw["fields"].items()) {
    if (!item.value().is_string()) {
      return std::unexpected("capabilities.appUsers.fields." + item.key() + " is not a string");
    }
    parsed.fields.emplace_back(item.key(), item.value().get<std::string>());
  }
  return parsed;
}

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
inline std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

inline std::string field_text(const Json& doc, std::string_view field) {
  auto found = doc.find(std::string(field));
  return found == doc.end() ? std::string("(absent)") : found->dump();
}

// Every row of `rows` whose `field` equals `value`.
inline std::vector<Json> rows_where(const std::vector<Json>& rows, std::string_view field,
                                    const Json& value) {
  std::vector<Json> out;
  for (const Json& row : rows) {
    auto found = row.find(std::string(field));
    if (found != row.end() && *found == value) out.push_back(row);
  }
  return out;
}

// The whole of both user tables.
struct Stores {
  std::vector<Json> users;     // component `user`
  std::vector<Json> app_rows;  // the app's users table
};

inline Result<Stores, BridgeError> read_stores(const Bridge& bridge, const AppUsers& app) {
  auto users = bridge.component_table("user");
  if (!users) return std::unexpected(users.error());
  auto app_rows = bridge.app_table(app.table);
  if (!app_rows) return std::unexpected(app_rows.error());
  return Stores{std::move(*users), std::move(*app_rows)};
}

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
inline Result<UserRows, BridgeError> read_user_rows(const Bridge& bridge, const AppUsers& app,
                                                    const std::string& email,
                                                    const Json& known_id = Json()) {
  UserRows rows;
  auto users = bridge.component_table("user");
  if (!users) return std::unexpected(users.error());
  for (const Json& user : *users) {
    if (user.value("email", "") == email) rows.user = user;
  }
  const Json id = rows.user ? (*rows.user)["_id"] : known_id;
  if (!app.table.empty()) {
    auto app_rows = bridge.app_table(app.table);
    if (!app_rows) return std::unexpected(app_rows.error());
    const auto email_field = app.app_field_of("email");
    for (const Json& row : *app_rows) {
      auto auth_id = row.find(app.auth_id_field);
      const bool by_id = !id.is_null() && auth_id != row.end() && *auth_id == id;
      const bool by_email = email_field && row.value(*email_field, Json()) == Json(email);
      if (by_id || by_email) rows.app_rows.push_back(row);
    }
  }
  if (id.is_null()) return rows;
  for (const char* table : {"account", "session", "verification"}) {
    auto documents = bridge.component_table(table);
    if (!documents) return std::unexpected(documents.error());
    const char* link = std::string_view(table) == "verification" ? "value" : "userId";
    auto& into = std::string_view(table) == "account"   ? rows.accounts
                 : std::string_view(table) == "session" ? rows.sessions
                                                        : rows.verifications;
    into = rows_where(*documents, link, id);
  }
  return rows;
}

// What is wrong with one component user's mirror: no app row, several, a
// mapped field that differs. Empty when the app row follows the user.
inline std::vector<std::string> mirror_problems(const AppUsers& app, const Json& user,
                                                const std::vector<Json>& app_rows) {
  std::vector<std::string> problems;
  const Json& id = user["_id"];
  const std::vector<Json> linked = rows_where(app_rows, app.auth_id_field, id);
  const std::string who = "component user " + id.dump() + " " + field_text(user, "email");
  if (linked.empty()) {
    problems.push_back(who + " has no " + app.table + " row (no row with " + app.auth_id_field +
                       " = its _id)");
    return problems;
  }
  if (linked.size() > 1) {
    std::ostringstream ids;
    for (const Json& row : linked) ids << " " << row.value("_id", Json()).dump();
    problems.push_back(who + " has " + std::to_string(linked.size()) + " " + app.table +
                       " rows:" + ids.str());
  }
  for (const Json& row : linked) {
    for (const auto& [app_field, component_field] : app.fields) {
      const std::string want = field_text(user, component_field);
      const std::string got = field_text(row, app_field);
      if (want != got) {
        problems.push_back(who + ": " + app.table + "." + app_field + " is " + got + " but user." +
                           component_field + " is " + want);
      }
    }
  }
  return problems;
}

// The read-only audit of the whole target (the check a team runs when "User
// not found" appears for a user they can see; dual-database-skill.txt):
// component users without an app row or with several, app rows without a
// component user, field drift, emails that differ only in case, and emails
// that are not lower case (sign-in looks the lower-cased email up, so such a
// user can never sign in).
inline std::vector<std::string> audit(const AppUsers& app, const Stores& stores) {
  std::vector<std::string> findings;
  std::map<std::string, std::vector<std::string>> by_folded_email;
  std::map<std::string, bool> user_ids;
  for (const Json& user : stores.users) {
    user_ids[user["_id"].dump()] = true;
    for (std::string& problem : mirror_problems(app, user, stores.app_rows)) {
      findings.push_back(std::move(problem));
    }
    if (user.contains("email") && user["email"].is_string()) {
      const std::string email = user["email"].get<std::string>();
      by_folded_email[lower(email)].push_back(email + " (" + user["_id"].dump() + ")");
      if (email != lower(email)) {
        findings.push_back("component user " + user["_id"].dump() + " has the email \"" + email +
                           "\", which is not lower case: sign-in looks up the lower-cased "
                           "email, so this user cannot sign in");
      }
    }
  }
  for (const auto& [folded, emails] : by_folded_email) {
    if (emails.size() < 2) continue;
    std::string list;
    for (const std::string& email : emails) list += (list.empty() ? "" : ", ") + email;
    findings.push_back(std::to_string(emails.size()) +
                       " component users have emails that differ only in case: " + list);
  }
  for (const Json& row : stores.app_rows) {
    auto auth_id = row.find(app.auth_id_field);
    if (auth_id == row.end() || auth_id->is_null()) {
      findings.push_back(app.table + " row " + row.value("_id", Json()).dump() + " has no " +
                         app.auth_id_field);
    } else if (!user_ids.contains(auth_id->dump())) {
      std::string mirrored;
      for (const auto& [app_field, component_field] : app.fields) {
        mirrored += " " + app_field + "=" + field_text(row, app_field);
      }
      findings.push_back(app.table + " row " + row.value("_id", Json()).dump() + " (" +
                         app.auth_id_field + " " + auth_id->dump() + mirrored +
                         ") has no component user");
    }
  }
  return findings;
}

inline std::string bullet_list(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += "\n  - " + line;
  return out;
}

// One fault of bridge-v1 `PUT /faults`, fired once (`times: 1`) and only on
// documents matching `match`: scoped to the case's own rows so that other
// users of a shared target are never hit.
inline Json fault(std::string_view table, std::string_view op, const std::string& message,
                  Json match) {
  return Json{{"table", table},
              {"op", op},
              {"message", message},
              {"match", std::move(match)},
              {"times", 1}};
}

// The `times` left on the installed fault whose message is `message`
// (GET /faults), or nullopt when it is not listed.
inline std::optional<std::int64_t> times_left(const Json& listed, const std::string& message) {
  if (!listed.is_object() || !listed.contains("faults")) return std::nullopt;
  for (const Json& fault : listed["faults"]) {
    if (fault.value("message", "") == message && fault.contains("times") &&
        fault["times"].is_number_integer()) {
      return fault["times"].get<std::int64_t>();
    }
  }
  return std::nullopt;
}

}  // namespace authconf::stores
