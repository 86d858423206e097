// authref/store/schema.h: a Convex schema described as data.
//
// The ten tables of the component (spec/convex-component.md §2.1) are not code:
// they are schemas/better-auth-0.12.5.json, built into the library. A locally
// installed component with extra tables, fields or indexes is described by
// another file in the same format, with no code change:
//
//   {"tables": {"user": {"fields": {"email": "string", "image": "string?"},
//                        "unique": ["email"], "indexes": {"email": ["email"]}}}}
//
// A field type is "string", "number", "boolean" or "any"; a trailing "?" makes
// it v.optional(v.union(v.null(), T)), the generator's spelling of an optional
// Better Auth field. Any other validator is written as Convex's ValidatorJSON:
// {"fieldType": {...}, "optional": true}. `unique` lists the fields Better Auth
// marks unique, which the component (not Convex) enforces (§2.3).
#pragma once

#include <authconf/result.h>

#include <string>
#include <string_view>
#include <vector>

#include "store/validator.h"

namespace authref {

struct IndexSpec {
  std::string name;
  std::vector<std::string> fields;
};

struct TableSchema {
  std::string name;
  std::vector<ObjectField> fields;  // declaration order
  std::vector<IndexSpec> indexes;   // declaration order: the order findIndex tries them
  std::vector<std::string> unique_fields;

  // v.object(fields): what every stored document (without _id and
  // _creationTime) must satisfy.
  const Validator& document_validator() const { return document_validator_; }
  const ObjectField* field(std::string_view name) const;
  const IndexSpec* index(std::string_view name) const;
  bool is_unique(std::string_view field) const;

  Validator document_validator_;
};

struct Schema {
  std::string name;
  std::vector<TableSchema> tables;

  const TableSchema* table(std::string_view name) const;
};

enum class SchemaError {
  kNotJson,        // the text is not JSON
  kBadShape,       // not {"tables": {...}}, or a table is not an object
  kBadField,       // a field name or type that cannot be a Convex field
  kBadIndex,       // an index over a field the table lacks, or a reserved name
  kBadUniqueField  // a unique field the table lacks
};
std::string_view to_string(SchemaError error);

authconf::Result<Schema, SchemaError> parse_schema(const Json& json);
authconf::Result<Schema, SchemaError> parse_schema_text(std::string_view text);

// The default install of @convex-dev/better-auth 0.12.5.
const Schema& better_auth_component_schema();
// The JSON text it was parsed from (schemas/better-auth-0.12.5.json).
std::string_view better_auth_component_schema_text();

}  // namespace authref
