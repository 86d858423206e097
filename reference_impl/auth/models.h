// authref/auth/models.h: Better Auth's own view of its tables.
//
// Better Auth's adapter factory shapes every record from its schema
// (@better-auth/core getAuthTables plus the jwt schema the convex plugin
// brings): the fields in schema order, then `id`. That order is what a
// response body shows (spec/transcripts/: `name, email, emailVerified,
// createdAt, updatedAt, id`). Fields with `returned: false` (account tokens,
// the password hash) never leave the server.
//
//   to_wire("user", record, DatesMode::kIso)   // createdAt as "2026-11-22T10:56:00.857Z"
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "auth/auth_options.h"
#include "store/js_value.h"

namespace authref {

enum class FieldType { kString, kBoolean, kNumber, kDate };

struct ModelField {
  std::string_view name;
  FieldType type;
  bool returned = true;
};

// The fields of `model` (user, session, account, verification, jwks) in
// schema order, without `id`; empty for an unknown model.
std::span<const ModelField> model_fields(std::string_view model);

// `new Date(ms).toISOString()`: "2026-11-22T10:56:00.857Z".
std::string iso_date(std::int64_t epoch_ms);

// A record as a response shows it: `returned: false` fields dropped and
// dates kept as epoch-ms numbers or written as ISO strings.
Json to_wire(std::string_view model, const Json& record, DatesMode dates);

}  // namespace authref
