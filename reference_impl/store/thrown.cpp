#include "store/thrown.h"

namespace authref {

std::string_view to_string(ThrownKind kind) {
  switch (kind) {
    case ThrownKind::kArgumentValidation:
      return "argument-validation";
    case ThrownKind::kSchemaValidation:
      return "schema-validation";
    case ThrownKind::kUnsupportedQuery:
      return "unsupported-query";
    case ThrownKind::kMissingIndex:
      return "missing-index";
    case ThrownKind::kUniqueViolation:
      return "unique-violation";
    case ThrownKind::kNotFound:
      return "not-found";
    case ThrownKind::kBadId:
      return "bad-id";
    case ThrownKind::kBadCursor:
      return "bad-cursor";
    case ThrownKind::kTrigger:
      return "trigger";
  }
  return "unknown";
}

}  // namespace authref
