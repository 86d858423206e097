#include "app/reference_app.h"

#include <iostream>

namespace authref {
namespace {

constexpr std::string_view kAppSchemaText = R"({
  "name": "reference-app",
  "tables": {
    "users": {
      "fields": {"authId": "string", "email": "string", "name": "string"},
      "indexes": {"authId": ["authId"]}
    },
    "triggerLog": {
      "fields": {"table": "string", "op": "string", "documentId": "string", "present": "boolean"}
    }
  }
})";

// The app's users row for a component user, found through the authId index.
DocumentPtr app_user_of(WriteTx& tx, const Table& users, const Json& auth_id) {
  IndexRange range;
  range.eq.push_back(auth_id);
  IndexScan scan = tx.scan(*users.index("authId"), range);
  const IndexEntry* entry = scan.next();
  return entry ? entry->document : nullptr;
}

Json app_fields(const Json& user) {
  Json fields = Json::object();
  fields["email"] = user.at("email");
  fields["name"] = user.at("name");
  return fields;
}

// Appends what a trigger saw to the app's triggerLog table: which call it
// was and whether its document was still in the component table, which
// tells a trigger that runs before the write from one that runs after it
// (deleteMany's and deleteOne's, spec/convex-component.md §3.4). The row
// rolls back with the mutation, like every app write of a trigger.
void log_trigger(WriteTx& tx, const std::string& table, std::string_view op, const Json& document) {
  const std::string id = document.at("_id").get<std::string>();
  const bool present =
      tx.get(*tx.table(ReferenceApp::kComponentSpace, table), std::string_view(id)) != nullptr;
  tx.insert(*tx.table(ReferenceApp::kAppSpace, "triggerLog"),
            Json{{"table", table}, {"op", op}, {"documentId", id}, {"present", present}});
}

}  // namespace

const Schema& ReferenceApp::app_schema() {
  static const Schema schema = [] {
    auto parsed = parse_schema_text(kAppSchemaText);
    if (!parsed) std::abort();
    return std::move(*parsed);
  }();
  return schema;
}

Json ReferenceApp::app_users_description() {
  return Json::parse(R"({"table": "users", "authIdField": "authId",
                         "fields": {"email": "email", "name": "name"}})");
}

ReferenceApp::ReferenceApp(Clock& clock, Options options)
    : clock_(clock), database_(std::make_unique<Database>(clock, options.id_seed)), outbox_(clock) {
  database_->add_space(kComponentSpace, options.component_schema
                                            ? std::move(*options.component_schema)
                                            : better_auth_component_schema());
  database_->add_space(kAppSpace, app_schema());
  WarningSink warn = options.warn ? std::move(options.warn)
                                  : [](const std::string& line) { std::cerr << line << '\n'; };
  component_ = std::make_unique<Component>(*database_, kComponentSpace, std::move(warn));
  install_triggers();
}

// The dual-store triggers: a component user's create, update and delete are
// mirrored into the app's users table inside the same transaction. Every
// fault-capable table's trigger ends by checking the installed faults, after
// its app writes, as bridge-v1 specifies.
void ReferenceApp::install_triggers() {
  for (std::string_view name : kFaultTables) {
    const std::string table(name);
    TableTriggers triggers;
    const bool is_user = table == "user";
    // A fault's patch writes back to the document the trigger runs for.
    const auto patcher = [table](WriteTx& tx, const Json& doc) {
      return [&tx, table, &doc](const Json& patch) {
        tx.patch(*tx.table(kComponentSpace, table), doc.at("_id").get<std::string>(), patch);
      };
    };
    triggers.on_create = [this, table, is_user, patcher](WriteTx& tx, const Json& doc) {
      log_trigger(tx, table, "create", doc);
      if (is_user) {
        Json row = app_fields(doc);
        row["authId"] = doc.at("_id");
        tx.insert(*tx.table(kAppSpace, "users"), row);
      }
      faults_.fire_if_matching(table, "create", doc, patcher(tx, doc));
    };
    triggers.on_update = [this, table, is_user, patcher](WriteTx& tx, const Json& new_doc,
                                                         const Json& old_doc) {
      log_trigger(tx, table, "update", new_doc);
      if (is_user) {
        Table& users = *tx.table(kAppSpace, "users");
        if (DocumentPtr row = app_user_of(tx, users, old_doc.at("_id"))) {
          tx.patch(users, row->at("_id").get<std::string>(), app_fields(new_doc));
        } else {
          Json fresh = app_fields(new_doc);
          fresh["authId"] = new_doc.at("_id");
          tx.insert(users, fresh);
        }
      }
      faults_.fire_if_matching(table, "update", new_doc, patcher(tx, new_doc));
    };
    triggers.on_delete = [this, table, is_user](WriteTx& tx, const Json& doc) {
      log_trigger(tx, table, "delete", doc);
      if (is_user) {
        Table& users = *tx.table(kAppSpace, "users");
        if (DocumentPtr row = app_user_of(tx, users, doc.at("_id"))) {
          tx.remove(users, row->at("_id").get<std::string>());
        }
      }
      faults_.fire_if_matching(table, "delete", doc);
    };
    component_->set_triggers(table, std::move(triggers));
  }
}

void ReferenceApp::reset(bool keep_keys) {
  database_->clear(kComponentSpace,
                   keep_keys ? std::vector<std::string>{"jwks"} : std::vector<std::string>{});
  database_->clear(kAppSpace);
  faults_.clear();
  outbox_.clear();
}

}  // namespace authref
