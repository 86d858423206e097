// authref/auth/zod.h: the slice of zod 4 that Better Auth's endpoint schemas use.
//
// better-call validates `body` and `query` with zod and joins the issues as
// `[body.email] Invalid email address; [body.name] ...`, answered as
// 400 VALIDATION_ERROR (spec/better-auth-wire.md §1). An ObjectSchema lists
// the fields in declaration order, which is the order zod reports them in.
//
//   ObjectSchema sign_in{.fields = {{"email", ZodType::kString}, {"password", ZodType::kString}}};
//   validate_object(sign_in, &body, "body");   // "[body.password] Invalid input: ..."
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/js_value.h"

namespace authref {

enum class ZodType {
  kString,
  kEmail,  // z.email(): a string matching zod's email regex
  kBoolean,
  kCoerceBoolean,  // z.coerce.boolean(): anything, truthiness
  kNumber,
  kAny,
  kObject,       // z.object(shape): the nested `shape`, its issues at "[body.field.inner]"
  kStringArray,  // z.array(z.string()): issues of elements at "[body.field.0]"
  kRecord,       // z.record(z.string(), z.any()): any plain object
  // z.enum([...]).or(z.string()) (SocialProviderListEnum): any string; anything
  // else is the union's bare "Invalid input".
  kStringUnion,
};

struct ObjectSchema;

struct ZodField {
  std::string name;
  ZodType type;
  bool optional = false;
  bool nonempty = false;                                // .min(1) / .nonempty()
  std::shared_ptr<const ObjectSchema> shape = nullptr;  // kObject only
};

struct ObjectSchema {
  std::vector<ZodField> fields;
  // `.and(z.record(z.string(), z.any()))`, as sign-up declares its body.
  bool and_record = false;
  // z.record(z.string(), z.any()) alone, in place of the object (update-user):
  // any object passes, `fields` are not checked.
  bool record_only = false;
};

// The issues of `value` (nullptr: undefined) joined as better-call writes
// them, or nullopt when it is valid.
std::optional<std::string> validate_object(const ObjectSchema& schema, const Json* value,
                                           std::string_view location);

// zod 4's email pattern (spec/better-auth-wire.md §2.1).
bool is_zod_email(std::string_view text);

// zod's name for a value's type in "received <type>": a non-finite number
// is named by its value ("Infinity", "-Infinity", "NaN").
std::string_view zod_type_name(const Json* value);

}  // namespace authref
