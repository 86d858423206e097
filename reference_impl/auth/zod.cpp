#include "auth/zod.h"

#include <cmath>
#include <string>
#include <vector>

namespace authref {

std::string_view zod_type_name(const Json* value) {
  if (!value) return "undefined";
  if (value->is_null()) return "null";
  if (value->is_array()) return "array";
  if (value->is_object()) return "object";
  if (value->is_boolean()) return "boolean";
  if (value->is_string()) return "string";
  if (value->is_number()) {
    // en.js getTypeName: String(input) for a non-finite number, "NaN" for
    // parsedType's "nan". JSON.parse gives Infinity for 1e999.
    const double number = value->get<double>();
    if (std::isnan(number)) return "NaN";
    if (std::isinf(number)) return number > 0 ? "Infinity" : "-Infinity";
    return "number";
  }
  return "unknown";
}

bool is_zod_email(std::string_view text) {
  // zod 4's pattern, matched by hand so that a hostile 100 kB "email" costs
  // linear time and no recursion:
  // ^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$
  const auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  const auto alnum = [&](char c) { return alpha(c) || (c >= '0' && c <= '9'); };
  const auto local_char = [&](char c) {
    return alnum(c) || c == '_' || c == '\'' || c == '+' || c == '-';
  };
  std::size_t at = text.find('@');
  if (at == std::string_view::npos || at == 0) return false;
  std::string_view local = text.substr(0, at), domain = text.substr(at + 1);
  // Local part: dot-separated non-empty runs; the last character is not a quote.
  if (local.front() == '.' || local.back() == '.' || local.back() == '\'') return false;
  for (std::size_t i = 0; i < local.size(); ++i) {
    if (local[i] == '.') {
      if (local[i + 1] == '.') return false;
    } else if (!local_char(local[i])) {
      return false;
    }
  }
  // Domain: one or more labels `[alnum][alnum-]*.` then a TLD of 2+ letters.
  std::size_t last_dot = domain.rfind('.');
  if (last_dot == std::string_view::npos) return false;
  std::string_view tld = domain.substr(last_dot + 1);
  if (tld.size() < 2) return false;
  for (char c : tld) {
    if (!alpha(c)) return false;
  }
  std::string_view labels = domain.substr(0, last_dot + 1);
  bool label_start = true;
  for (char c : labels) {
    if (label_start) {
      if (!alnum(c)) return false;
      label_start = false;
    } else if (c == '.') {
      label_start = true;
    } else if (!alnum(c) && c != '-') {
      return false;
    }
  }
  return true;
}

namespace {

// The "expected <type>" of a field that is missing or of the wrong type.
std::string_view expected_type(ZodType type) {
  switch (type) {
    case ZodType::kBoolean:
      return "boolean";
    case ZodType::kNumber:
      return "number";
    case ZodType::kObject:
      return "object";
    case ZodType::kStringArray:
      return "array";
    case ZodType::kRecord:
      return "record";
    default:
      return "string";
  }
}

void collect_object_issues(const ObjectSchema& schema, const Json& object, const std::string& path,
                           std::vector<std::string>& issues);

// The issues of one field at `path` ("body.idToken"), appended in the order
// zod reports them: the field itself, then what is nested in it.
void collect_field_issues(const ZodField& field, const Json* value, const std::string& path,
                          std::vector<std::string>& issues) {
  const auto add = [&](const std::string& at, std::string_view message) {
    std::string issue = "[";
    issue.append(at);
    issue.append("] ");
    issue.append(message);
    issues.push_back(std::move(issue));
  };
  const auto expected = [&](std::string_view type) {
    return "Invalid input: expected " + std::string(type) + ", received " +
           std::string(zod_type_name(value));
  };
  if (!value) {
    if (field.optional) return;
    // A union reports no expected type, only that no option matched.
    if (field.type == ZodType::kStringUnion) return add(path, "Invalid input");
    return add(path, expected(expected_type(field.type)));
  }
  switch (field.type) {
    case ZodType::kString:
    case ZodType::kEmail:
      if (!value->is_string()) return add(path, expected("string"));
      if (field.type == ZodType::kEmail && !is_zod_email(value->get_ref<const std::string&>())) {
        return add(path, "Invalid email address");
      }
      if (field.nonempty && value->get_ref<const std::string&>().empty()) {
        return add(path, "Too small: expected string to have >=1 characters");
      }
      return;
    case ZodType::kBoolean:
      if (!value->is_boolean()) return add(path, expected("boolean"));
      return;
    case ZodType::kNumber:
      // z.number() refuses NaN and the infinities too.
      if (!value->is_number() || !std::isfinite(value->get<double>())) {
        return add(path, expected("number"));
      }
      return;
    case ZodType::kObject:
      if (!value->is_object()) return add(path, expected("object"));
      if (field.shape) collect_object_issues(*field.shape, *value, path, issues);
      return;
    case ZodType::kStringArray:
      if (!value->is_array()) return add(path, expected("array"));
      for (std::size_t i = 0; i < value->size(); ++i) {
        const Json& element = (*value)[i];
        if (!element.is_string()) {
          add(path + "." + std::to_string(i),
              "Invalid input: expected string, received " + std::string(zod_type_name(&element)));
        }
      }
      return;
    case ZodType::kRecord:
      if (!value->is_object()) return add(path, expected("record"));
      return;
    case ZodType::kStringUnion:
      if (!value->is_string()) return add(path, "Invalid input");
      return;
    case ZodType::kCoerceBoolean:
    case ZodType::kAny:
      return;
  }
}

void collect_object_issues(const ObjectSchema& schema, const Json& object, const std::string& path,
                           std::vector<std::string>& issues) {
  for (const ZodField& field : schema.fields) {
    auto it = object.find(field.name);
    const Json* field_value = it == object.end() ? nullptr : &*it;
    collect_field_issues(field, field_value, path + "." + field.name, issues);
  }
}

}  // namespace

std::optional<std::string> validate_object(const ObjectSchema& schema, const Json* value,
                                           std::string_view location) {
  std::vector<std::string> issues;
  std::string prefix = "[";
  prefix.append(location);  // "[" + ... trips a GCC 12 -Wrestrict false positive at -O2
  if (schema.record_only) {
    if (value && value->is_object()) return std::nullopt;
    return prefix + "] Invalid input: expected record, received " +
           std::string(zod_type_name(value));
  }
  if (!value || !value->is_object()) {
    issues.push_back(prefix + "] Invalid input: expected object, received " +
                     std::string(zod_type_name(value)));
    if (schema.and_record) {
      issues.push_back(prefix + "] Invalid input: expected record, received " +
                       std::string(zod_type_name(value)));
    }
  } else {
    collect_object_issues(schema, *value, std::string(location), issues);
  }
  if (issues.empty()) return std::nullopt;
  std::string joined;
  for (const std::string& issue : issues) {
    if (!joined.empty()) joined += "; ";
    joined += issue;
  }
  return joined;
}

}  // namespace authref
