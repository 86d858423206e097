#include "auth/adapter.h"

#include <algorithm>

#include "auth/models.h"

namespace authref {

Json AuthAdapter::call(ComponentFunction function, const Json& args) {
  ComponentResult result = component_.call(function, args);
  if (!result) throw AdapterError(result.error().code, result.error().detail);
  return std::move(*result);
}

Json AuthAdapter::where_json(const AuthWhere& where) {
  Json clauses = Json::array();
  for (const AuthCondition& clause : where) {
    Json item = Json::object();
    // mapKeysTransformInput: {id: "_id"}.
    item["field"] = clause.field == "id" ? "_id" : clause.field;
    item["operator"] = clause.op;
    item["value"] = clause.value;
    item["connector"] = clause.connector;
    clauses.push_back(std::move(item));
  }
  return clauses;
}

Json AuthAdapter::input_data(std::string_view model, const Json& data) {
  // transformInput walks the schema's fields in order and keeps those set.
  Json out = Json::object();
  for (const ModelField& field : model_fields(model)) {
    auto it = data.find(std::string(field.name));
    if (it != data.end()) out[std::string(field.name)] = *it;
  }
  return out;
}

Json AuthAdapter::to_record(std::string_view model, const Json& document) {
  Json record = Json::object();
  for (const ModelField& field : model_fields(model)) {
    auto it = document.find(std::string(field.name));
    if (it != document.end()) record[std::string(field.name)] = *it;
  }
  if (auto id = document.find("_id"); id != document.end()) record["id"] = *id;
  return record;
}

Json AuthAdapter::create(std::string_view model, const Json& data) {
  Json input = Json::object();
  input["model"] = model;
  input["data"] = input_data(model, data);
  Json args = Json::object();
  args["input"] = std::move(input);
  return to_record(model, call(ComponentFunction::kCreate, args));
}

std::optional<Json> AuthAdapter::find_one(std::string_view model, const AuthWhere& where) {
  const auto find = [&](const AuthWhere& clauses) -> std::optional<Json> {
    Json args = Json::object();
    args["model"] = model;
    args["where"] = where_json(clauses);
    auto document = component_.find_one_document(args);
    if (!document) throw AdapterError(document.error().code, document.error().detail);
    if (!*document) return std::nullopt;
    return to_record(model, **document);
  };
  if (!where.empty() &&
      std::ranges::all_of(where, [](const AuthCondition& c) { return c.connector == "OR"; })) {
    for (const AuthCondition& clause : where) {
      if (auto found = find({clause})) return found;
    }
  }
  return find(where);
}

std::vector<Json> AuthAdapter::find_many(std::string_view model, const AuthWhere& where,
                                         std::optional<std::int64_t> limit,
                                         const std::optional<AuthSortBy>& sort_by) {
  std::vector<Json> records;
  Json cursor = nullptr;
  // handlePagination: pages of min(200, limit - collected) until done.
  while (true) {
    std::int64_t num_items = 200;
    if (limit) num_items = std::min<std::int64_t>(200, *limit - std::ssize(records));
    Json args = Json::object();
    args["model"] = model;
    args["where"] = where_json(where);
    if (limit) args["limit"] = *limit;
    if (sort_by)
      args["sortBy"] = Json{{"field", sort_by->field}, {"direction", sort_by->direction}};
    args["paginationOpts"] = Json{{"numItems", num_items}, {"cursor", cursor}};
    auto page = component_.find_many_page(args);
    if (!page) throw AdapterError(page.error().code, page.error().detail);
    for (const DocumentPtr& document : page->documents)
      records.push_back(to_record(model, *document));
    const bool split =
        page->page_status == "SplitRecommended" || page->page_status == "SplitRequired";
    Json next =
        split && page->split_cursor ? Json(*page->split_cursor) : Json(page->continue_cursor);
    const bool done = page->is_done || (limit && std::ssize(records) >= *limit);
    if (done) break;
    if (next == cursor && page->documents.empty()) {
      throw AdapterError(ThrownKind::kUnsupportedQuery,
                         "handlePagination made no forward progress; aborting to avoid an "
                         "infinite pagination loop");
    }
    cursor = std::move(next);
  }
  return records;
}

std::int64_t AuthAdapter::count(std::string_view model, const AuthWhere& where) {
  return std::ssize(find_many(model, where, std::nullopt));
}

std::optional<Json> AuthAdapter::update(std::string_view model, const AuthWhere& where,
                                        const Json& update) {
  if (where.empty()) return std::nullopt;
  Json input = Json::object();
  input["model"] = model;
  input["where"] = where_json(where);
  input["update"] = input_data(model, update);
  Json args = Json::object();
  args["input"] = std::move(input);
  Json result = call(ComponentFunction::kUpdateOne, args);
  if (result.is_null()) return std::nullopt;
  return to_record(model, result);
}

namespace {

// handlePagination over a write that answers {count, isDone, continueCursor}.
template <class Call>
std::int64_t paginate_writes(Call&& call_page) {
  std::int64_t total = 0;
  Json cursor = nullptr;
  while (true) {
    Json result = call_page(Json{{"numItems", 200}, {"cursor", cursor}});
    std::int64_t count = result.value("count", std::int64_t{0});
    total += count;
    if (result.value("isDone", true)) break;
    Json next = result.value("continueCursor", Json(nullptr));
    if (next == cursor && count == 0) break;
    cursor = std::move(next);
  }
  return total;
}

}  // namespace

std::int64_t AuthAdapter::update_many(std::string_view model, const AuthWhere& where,
                                      const Json& update) {
  return paginate_writes([&](const Json& pagination) {
    Json input = Json::object();
    input["model"] = model;
    input["where"] = where_json(where);
    input["update"] = input_data(model, update);
    Json args = Json::object();
    args["input"] = std::move(input);
    args["paginationOpts"] = pagination;
    return call(ComponentFunction::kUpdateMany, args);
  });
}

void AuthAdapter::remove(std::string_view model, const AuthWhere& where) {
  Json input = Json::object();
  input["model"] = model;
  input["where"] = where_json(where);
  Json args = Json::object();
  args["input"] = std::move(input);
  call(ComponentFunction::kDeleteOne, args);
}

std::int64_t AuthAdapter::remove_many(std::string_view model, const AuthWhere& where) {
  return paginate_writes([&](const Json& pagination) {
    Json input = Json::object();
    input["model"] = model;
    input["where"] = where_json(where);
    Json args = Json::object();
    args["input"] = std::move(input);
    args["paginationOpts"] = pagination;
    return call(ComponentFunction::kDeleteMany, args);
  });
}

bool AuthAdapter::remove_with_hooks(std::string_view model, const AuthWhere& where) {
  bool found = false;
  try {
    found = !find_many(model, where, 1).empty();
  } catch (const AdapterError&) {
    // `try { ... } catch {}`: the snapshot for the hooks is best effort.
  }
  if (!found) return false;
  remove(model, where);
  return true;
}

std::int64_t AuthAdapter::remove_many_with_hooks(std::string_view model, const AuthWhere& where) {
  try {
    find_many(model, where);
  } catch (const AdapterError&) {
    // As above: the hooks' snapshot may fail; the delete still runs.
  }
  return remove_many(model, where);
}

std::optional<Json> AuthAdapter::consume_verification_value(const std::string& identifier,
                                                            std::int64_t now_ms) {
  const AuthWhere by_identifier{{"identifier", identifier}};
  auto latest = find_many("verification", by_identifier, 1, AuthSortBy{"createdAt", "desc"});
  if (latest.empty()) return std::nullopt;
  const Json id = latest.front().at("id");
  auto target = find_many("verification", {{"id", id}}, 1);
  if (target.empty()) return std::nullopt;
  // consumeOne's where is [...where, {field: "id", value: target.id}]: the
  // same clause twice.
  if (remove_many("verification", {{"id", id}, {"id", id}}) <= 0) return std::nullopt;
  remove_many("verification", by_identifier);
  Json row = std::move(target.front());
  auto expires = row.find("expiresAt");
  if (expires != row.end() && expires->is_number() &&
      expires->get<double>() < static_cast<double>(now_ms)) {
    return std::nullopt;
  }
  return row;
}

}  // namespace authref
