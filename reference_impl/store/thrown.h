// authref/store/thrown.h: an error thrown inside a Convex function.
//
// The component is JavaScript that throws `new Error(message)`; the reference
// models each throw as a Thrown, which unwinds to the transaction boundary,
// rolls back the writes and becomes the function's error result. It never
// leaves the library: the component API returns Result values.
#pragma once

#include <exception>
#include <string>
#include <string_view>

namespace authref {

// What kind of failure a thrown message reports. The message itself is the
// exact text the real component throws.
enum class ThrownKind {
  kArgumentValidation,  // "Validator error: ..." (the function's argument validator)
  kSchemaValidation,    // a write that breaks the table's document validator
  kUnsupportedQuery,    // offset, OR with several clauses, _id operators, bounds, `in`, ...
  kMissingIndex,        // "No index found for ..."
  kUniqueViolation,     // "user email already exists", unique fields in several documents
  kNotFound,            // "Failed to update user", "... (deleted by onCreate trigger?)"
  kBadId,               // "Invalid argument `id` ..." and writes to missing documents
  kBadCursor,           // a pagination cursor that is not JSON
  kTrigger,             // a trigger (or an injected fault) threw
};
std::string_view to_string(ThrownKind kind);

class Thrown : public std::exception {
 public:
  Thrown(ThrownKind kind, std::string message) : kind_(kind), message_(std::move(message)) {}
  ThrownKind kind() const { return kind_; }
  const std::string& message() const { return message_; }
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  ThrownKind kind_;
  std::string message_;
};

}  // namespace authref
