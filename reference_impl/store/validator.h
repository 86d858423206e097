// authref/store/validator.h: Convex value validators, as data.
//
// A Validator mirrors Convex's exported ValidatorJSON (`v.string()`,
// `v.optional(v.union(v.null(), v.string()))`, `v.object({...})`, ...).
// validate() checks a value and, on failure, returns the message convex-test
// 0.0.x throws, because the [T] behaviours of spec/convex-component.md were
// observed under convex-test: "Validator error: Missing required field
// `value` in object", "Validator error: Expected one of object, object, ...,
// got `{...}`". A real deployment words these differently (bridge-v1.md: the
// harness matches a substring).
//
//   Validator where = Validator::object({{"field", Validator::string()}});
//   validate(where, Json::object())  // "Validator error: Missing required field `field` in object"
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/value_order.h"

namespace authref {

struct ObjectField;

struct Validator {
  enum class Kind { kAny, kNull, kNumber, kBoolean, kString, kLiteral, kArray, kObject, kUnion };

  Kind kind = Kind::kAny;
  Json literal;                     // kLiteral: the one allowed value
  std::vector<Validator> items;     // kUnion: the members; kArray: one element validator
  std::vector<ObjectField> fields;  // kObject: in declaration order

  static Validator any() { return of(Kind::kAny); }
  static Validator null() { return of(Kind::kNull); }
  static Validator number() { return of(Kind::kNumber); }
  static Validator boolean() { return of(Kind::kBoolean); }
  static Validator string() { return of(Kind::kString); }
  static Validator of(Kind kind) {
    Validator v;
    v.kind = kind;
    return v;
  }
  static Validator literal_of(Json value);
  static Validator array_of(Validator element);
  static Validator union_of(std::vector<Validator> members);
  static Validator object(std::vector<ObjectField> fields);

  // The `type` name ValidatorJSON gives this kind ("string", "union", ...).
  const char* type_name() const;
};

struct ObjectField {
  std::string name;
  Validator validator;
  bool optional = false;
};

// nullopt when `value` satisfies `validator`, else convex-test's message.
std::optional<std::string> validate(const Validator& validator, const Json& value);

// Parses Convex's ValidatorJSON ({"type":"union","value":[...]}, object fields
// as {"fieldType":..., "optional":...}); nullopt with `error` set when the
// shape is not one.
std::optional<Validator> validator_from_json(const Json& json, std::string& error);

}  // namespace authref
