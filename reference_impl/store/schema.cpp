#include "store/schema.h"

#include <algorithm>
#include <utility>

#include "store/js_value.h"

namespace authref {

std::string_view to_string(SchemaError error) {
  switch (error) {
    case SchemaError::kNotJson:
      return "not-json";
    case SchemaError::kBadShape:
      return "bad-shape";
    case SchemaError::kBadField:
      return "bad-field";
    case SchemaError::kBadIndex:
      return "bad-index";
    case SchemaError::kBadUniqueField:
      return "bad-unique-field";
  }
  return "unknown";
}

const ObjectField* TableSchema::field(std::string_view wanted) const {
  for (const ObjectField& f : fields) {
    if (f.name == wanted) return &f;
  }
  return nullptr;
}

const IndexSpec* TableSchema::index(std::string_view wanted) const {
  for (const IndexSpec& i : indexes) {
    if (i.name == wanted) return &i;
  }
  return nullptr;
}

bool TableSchema::is_unique(std::string_view wanted) const {
  return std::ranges::find(unique_fields, wanted) != unique_fields.end();
}

const TableSchema* Schema::table(std::string_view wanted) const {
  for (const TableSchema& t : tables) {
    if (t.name == wanted) return &t;
  }
  return nullptr;
}

namespace {

using SchemaResult = authconf::Result<Schema, SchemaError>;

std::optional<ObjectField> parse_field(const std::string& name, const Json& spec,
                                       std::string& error) {
  if (name.empty() || name.starts_with('_')) {
    error = "field names must be non-empty and not start with '_' (Convex reserves them): \"" +
            name + "\"";
    return std::nullopt;
  }
  if (spec.is_string()) {
    std::string type = spec.get<std::string>();
    const bool optional = type.ends_with('?');
    if (optional) type.pop_back();
    Validator base;
    if (type == "string") {
      base = Validator::string();
    } else if (type == "number") {
      base = Validator::number();
    } else if (type == "boolean") {
      base = Validator::boolean();
    } else if (type == "any") {
      base = Validator::any();
    } else {
      error = "field \"" + name + "\" has unknown type \"" + spec.get<std::string>() + "\"";
      return std::nullopt;
    }
    if (!optional) return ObjectField{name, std::move(base), false};
    return ObjectField{name, Validator::union_of({Validator::null(), std::move(base)}), true};
  }
  if (spec.is_object() && spec.contains("fieldType")) {
    auto validator = validator_from_json(spec["fieldType"], error);
    if (!validator) {
      error = "field \"" + name + "\": " + error;
      return std::nullopt;
    }
    const bool optional = spec.value("optional", false);
    return ObjectField{name, std::move(*validator), optional};
  }
  error =
      "field \"" + name + "\" must be a type name or {\"fieldType\": ...}: " + js_stringify(spec);
  return std::nullopt;
}

authconf::Result<TableSchema, SchemaError> parse_table(const std::string& name, const Json& spec) {
  if (!spec.is_object() || !spec.contains("fields") || !spec["fields"].is_object()) {
    return authconf::fail(SchemaError::kBadShape,
                          "table \"" + name + "\" needs a \"fields\" object");
  }
  TableSchema table;
  table.name = name;
  std::string error;
  for (const auto& item : spec["fields"].items()) {
    auto field = parse_field(item.key(), item.value(), error);
    if (!field) return authconf::fail(SchemaError::kBadField, "table \"" + name + "\": " + error);
    table.fields.push_back(std::move(*field));
  }
  if (spec.contains("indexes")) {
    if (!spec["indexes"].is_object()) {
      return authconf::fail(SchemaError::kBadShape,
                            "table \"" + name + "\": indexes must be an object");
    }
    for (const auto& item : spec["indexes"].items()) {
      const std::string& index_name = item.key();
      if (index_name == "by_id" || index_name == "by_creation_time" ||
          index_name.starts_with('_') || table.index(index_name) != nullptr) {
        return authconf::fail(
            SchemaError::kBadIndex,
            "table \"" + name + "\": index name \"" + index_name + "\" is reserved or repeated");
      }
      IndexSpec index{index_name, {}};
      if (!item.value().is_array() || item.value().empty()) {
        return authconf::fail(SchemaError::kBadIndex, "table \"" + name + "\": index \"" +
                                                          index_name + "\" needs a list of fields");
      }
      for (const Json& field : item.value()) {
        if (!field.is_string() || table.field(field.get<std::string>()) == nullptr) {
          return authconf::fail(SchemaError::kBadIndex, "table \"" + name + "\": index \"" +
                                                            index_name + "\" names unknown field " +
                                                            js_stringify(field));
        }
        index.fields.push_back(field.get<std::string>());
      }
      table.indexes.push_back(std::move(index));
    }
  }
  if (spec.contains("unique")) {
    if (!spec["unique"].is_array()) {
      return authconf::fail(SchemaError::kBadShape,
                            "table \"" + name + "\": unique must be a list");
    }
    for (const Json& field : spec["unique"]) {
      if (!field.is_string() || table.field(field.get<std::string>()) == nullptr) {
        return authconf::fail(
            SchemaError::kBadUniqueField,
            "table \"" + name + "\": unique names unknown field " + js_stringify(field));
      }
      table.unique_fields.push_back(field.get<std::string>());
    }
  }
  table.document_validator_ = Validator::object(table.fields);
  return table;
}

}  // namespace

SchemaResult parse_schema(const Json& json) {
  if (!json.is_object() || !json.contains("tables") || !json["tables"].is_object()) {
    return authconf::fail(SchemaError::kBadShape, "a schema is {\"tables\": {...}}");
  }
  Schema schema;
  schema.name = json.value("name", "");
  for (const auto& item : json["tables"].items()) {
    if (item.key().empty() || item.key().starts_with('_')) {
      return authconf::fail(SchemaError::kBadShape,
                            "table names must not be empty or start with '_'");
    }
    auto table = parse_table(item.key(), item.value());
    if (!table) return std::unexpected(table.error());
    schema.tables.push_back(std::move(*table));
  }
  return schema;
}

SchemaResult parse_schema_text(std::string_view text) {
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded())
    return authconf::fail(SchemaError::kNotJson, "the schema is not valid JSON");
  return parse_schema(json);
}

const Schema& better_auth_component_schema() {
  static const Schema schema = [] {
    auto parsed = parse_schema_text(better_auth_component_schema_text());
    // The file is part of the build; a broken one must stop every test.
    if (!parsed) std::abort();
    return std::move(*parsed);
  }();
  return schema;
}

}  // namespace authref
