// The two stores of a dual-store app, read through the bridge (see
// authconf/stores.h).
#include "authconf/stores.h"

#include <cctype>
#include <map>
#include <sstream>

namespace authconf::stores {

std::expected<AppUsers, std::string> app_users_of(const Target& target) {
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

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string field_text(const Json& doc, std::string_view field) {
  auto found = doc.find(std::string(field));
  return found == doc.end() ? std::string("(absent)") : found->dump();
}

std::vector<Json> rows_where(const std::vector<Json>& rows, std::string_view field,
                             const Json& value) {
  std::vector<Json> out;
  for (const Json& row : rows) {
    auto found = row.find(std::string(field));
    if (found != row.end() && *found == value) out.push_back(row);
  }
  return out;
}

Result<Stores, BridgeError> read_stores(const Bridge& bridge, const AppUsers& app) {
  auto users = bridge.component_table("user");
  if (!users) return std::unexpected(users.error());
  auto app_rows = bridge.app_table(app.table);
  if (!app_rows) return std::unexpected(app_rows.error());
  return Stores{std::move(*users), std::move(*app_rows)};
}

Result<UserRows, BridgeError> read_user_rows(const Bridge& bridge, const AppUsers& app,
                                             const std::string& email, const Json& known_id) {
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

std::vector<std::string> mirror_problems(const AppUsers& app, const Json& user,
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

std::vector<std::string> audit(const AppUsers& app, const Stores& stores) {
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

std::string bullet_list(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += "\n  - " + line;
  return out;
}

Json fault(std::string_view table, std::string_view op, const std::string& message, Json match) {
  return Json{{"table", table},
              {"op", op},
              {"message", message},
              {"match", std::move(match)},
              {"times", 1}};
}

std::optional<std::int64_t> times_left(const Json& listed, const std::string& message) {
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
