#include "store/validator.h"

#include <utility>

#include "store/js_value.h"

namespace authref {

Validator Validator::literal_of(Json value) {
  Validator v = of(Kind::kLiteral);
  v.literal = std::move(value);
  return v;
}

Validator Validator::array_of(Validator element) {
  Validator v = of(Kind::kArray);
  v.items.push_back(std::move(element));
  return v;
}

Validator Validator::union_of(std::vector<Validator> members) {
  Validator v = of(Kind::kUnion);
  v.items = std::move(members);
  return v;
}

Validator Validator::object(std::vector<ObjectField> fields) {
  Validator v = of(Kind::kObject);
  v.fields = std::move(fields);
  return v;
}

const char* Validator::type_name() const {
  switch (kind) {
    case Kind::kAny:
      return "any";
    case Kind::kNull:
      return "null";
    case Kind::kNumber:
      return "number";
    case Kind::kBoolean:
      return "boolean";
    case Kind::kString:
      return "string";
    case Kind::kLiteral:
      return "literal";
    case Kind::kArray:
      return "array";
    case Kind::kObject:
      return "object";
    case Kind::kUnion:
      return "union";
  }
  return "any";
}

namespace {

std::string expected(std::string_view what, const Json& value) {
  return "Validator error: Expected `" + std::string(what) + "`, got `" + js_string_of(&value) +
         "`";
}

}  // namespace

// Follows convex-test's validateValidator: object fields are checked in
// declaration order before unknown keys, and a union reports every member's
// type name with the value as JSON.
std::optional<std::string> validate(const Validator& validator, const Json& value) {
  switch (validator.kind) {
    case Validator::Kind::kAny:
      return std::nullopt;
    case Validator::Kind::kNull:
      if (!value.is_null()) return expected("null", value);
      return std::nullopt;
    case Validator::Kind::kNumber:
      if (!value.is_number()) return expected("number", value);
      return std::nullopt;
    case Validator::Kind::kBoolean:
      if (!value.is_boolean()) return expected("boolean", value);
      return std::nullopt;
    case Validator::Kind::kString:
      if (!value.is_string()) return expected("string", value);
      return std::nullopt;
    case Validator::Kind::kLiteral:
      if (!js_strict_equals(&value, &validator.literal)) {
        return expected(js_string_of(&validator.literal), value);
      }
      return std::nullopt;
    case Validator::Kind::kArray:
      if (!value.is_array()) return expected("Array", value);
      for (const Json& element : value) {
        if (auto error = validate(validator.items.front(), element)) return error;
      }
      return std::nullopt;
    case Validator::Kind::kUnion: {
      for (const Validator& member : validator.items) {
        if (!validate(member, value)) return std::nullopt;
      }
      std::string names;
      for (const Validator& member : validator.items) {
        if (!names.empty()) names += ", ";
        names += member.type_name();
      }
      return "Validator error: Expected one of " + names + ", got `" + js_stringify(value) + "`";
    }
    case Validator::Kind::kObject: {
      // typeof null === "object" and arrays are objects too, so neither
      // fails the first check. convex-test then calls
      // Object.getPrototypeOf(null), which throws a TypeError.
      if (!value.is_object() && !value.is_null() && !value.is_array()) {
        return expected("object", value);
      }
      if (value.is_null()) return "Cannot convert undefined or null to object";
      if (!value.is_object()) {
        return "Validator error: Expected a plain old JavaScript `object`, got `" +
               js_string_of(&value) + "`";
      }
      for (const ObjectField& field : validator.fields) {
        auto it = value.find(field.name);
        if (it == value.end()) {
          if (!field.optional) {
            return "Validator error: Missing required field `" + field.name + "` in object";
          }
          continue;
        }
        if (auto error = validate(field.validator, *it)) return error;
      }
      for (const auto& item : value.items()) {
        bool known = false;
        for (const ObjectField& field : validator.fields) known = known || field.name == item.key();
        if (!known) return "Validator error: Unexpected field `" + item.key() + "` in object";
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<Validator> validator_from_json(const Json& json, std::string& error) {
  if (!json.is_object() || !json.contains("type") || !json["type"].is_string()) {
    error = "a validator must be an object with a string \"type\": " + js_stringify(json);
    return std::nullopt;
  }
  const std::string& type = json["type"].get_ref<const std::string&>();
  if (type == "any") return Validator::any();
  if (type == "null") return Validator::null();
  if (type == "number" || type == "float64") return Validator::number();
  if (type == "boolean") return Validator::boolean();
  if (type == "string") return Validator::string();
  if (type == "literal") {
    if (!json.contains("value")) {
      error = "a literal validator needs \"value\"";
      return std::nullopt;
    }
    return Validator::literal_of(json["value"]);
  }
  if (type == "array") {
    if (!json.contains("value")) {
      error = "an array validator needs \"value\"";
      return std::nullopt;
    }
    auto element = validator_from_json(json["value"], error);
    if (!element) return std::nullopt;
    return Validator::array_of(std::move(*element));
  }
  if (type == "union") {
    if (!json.contains("value") || !json["value"].is_array()) {
      error = "a union validator needs a \"value\" array";
      return std::nullopt;
    }
    std::vector<Validator> members;
    for (const Json& member : json["value"]) {
      auto parsed = validator_from_json(member, error);
      if (!parsed) return std::nullopt;
      members.push_back(std::move(*parsed));
    }
    return Validator::union_of(std::move(members));
  }
  if (type == "object") {
    if (!json.contains("value") || !json["value"].is_object()) {
      error = "an object validator needs a \"value\" object";
      return std::nullopt;
    }
    std::vector<ObjectField> fields;
    for (const auto& item : json["value"].items()) {
      const Json& spec = item.value();
      if (!spec.is_object() || !spec.contains("fieldType")) {
        error = "object field \"" + item.key() + "\" needs \"fieldType\"";
        return std::nullopt;
      }
      auto parsed = validator_from_json(spec["fieldType"], error);
      if (!parsed) return std::nullopt;
      const bool optional = spec.contains("optional") && spec["optional"].is_boolean() &&
                            spec["optional"].get<bool>();
      fields.push_back({item.key(), std::move(*parsed), optional});
    }
    return Validator::object(std::move(fields));
  }
  error = "unsupported validator type \"" + type + "\"";
  return std::nullopt;
}

}  // namespace authref
