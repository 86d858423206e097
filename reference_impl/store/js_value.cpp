#include "store/js_value.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "store/value_order.h"

namespace authref {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr char32_t kReplacement = 0xFFFD;

// The float64 a JSON number denotes (NaN for a non-number).
double as_double(const Json& number) { return number_value(number); }

// ------------------------------------------------------------------ UTF-8

// Decodes the code point starting at `pos` and advances past it. Input is
// meant to be valid UTF-8; a byte that does not start a well-formed sequence
// decodes as U+FFFD and is skipped alone.
char32_t decode_at(std::string_view text, std::size_t& pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned lead = byte(pos);
  std::size_t length = 0;
  char32_t code_point = 0;
  if (lead < 0x80) {
    ++pos;
    return lead;
  }
  if (lead >= 0xC2 && lead < 0xE0) {
    length = 2;
    code_point = lead & 0x1F;
  } else if (lead >= 0xE0 && lead < 0xF0) {
    length = 3;
    code_point = lead & 0x0F;
  } else if (lead >= 0xF0 && lead < 0xF5) {
    length = 4;
    code_point = lead & 0x07;
  } else {
    ++pos;
    return kReplacement;
  }
  if (pos + length > text.size()) {
    ++pos;
    return kReplacement;
  }
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) {
      ++pos;
      return kReplacement;
    }
    code_point = (code_point << 6) | (byte(pos + i) & 0x3F);
  }
  pos += length;
  return code_point;
}

// Start of the code point that ends just before `end`.
std::size_t previous_start(std::string_view text, std::size_t end) {
  std::size_t start = end - 1;
  while (start > 0 && end - start < 4 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) {
    --start;
  }
  std::size_t probe = start;
  decode_at(text, probe);
  return probe == end ? start : end - 1;
}

// WhiteSpace and LineTerminator of ECMA-262 (StrWhiteSpaceChar): TAB, VT, FF,
// ZWNBSP, the Unicode Zs category, LF, CR, LS and PS.
bool is_js_whitespace(char32_t c) {
  switch (c) {
    case 0x09:
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x20:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
    case 0xFEFF:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

std::string_view trim_js_whitespace(std::string_view text) {
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t next = begin;
    if (!is_js_whitespace(decode_at(text, next))) break;
    begin = next;
  }
  std::size_t end = text.size();
  while (end > begin) {
    const std::size_t start = previous_start(text, end);
    std::size_t probe = start;
    if (!is_js_whitespace(decode_at(text, probe))) break;
    end = start;
  }
  return text.substr(begin, end - begin);
}

// The first UTF-16 code unit of a code point: itself in the BMP, the high
// surrogate (0xD800..0xDBFF) above it.
char32_t first_utf16_unit(char32_t code_point) {
  return code_point < 0x10000 ? code_point : 0xD800 + ((code_point - 0x10000) >> 10);
}

// ------------------------------------------------------------ StringToNumber

bool is_digit(char c, int radix) {
  if (radix == 16)
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  return c >= '0' && c < '0' + radix;
}

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// A NonDecimalIntegerLiteral's digits (after 0x, 0o or 0b), rounded to the
// nearest double, ties to even: the top 64 significant bits with any further
// nonzero bit folded into the last one, converted once, then scaled.
double parse_binary_radix(std::string_view digits, int radix, int bits_per_digit) {
  if (digits.empty() ||
      !std::all_of(digits.begin(), digits.end(), [radix](char c) { return is_digit(c, radix); })) {
    return kNaN;
  }
  std::uint64_t top = 0;
  int top_bits = 0;
  bool sticky = false;
  int dropped_bits = 0;
  for (char c : digits) {
    const int value = digit_value(c);
    for (int bit = bits_per_digit - 1; bit >= 0; --bit) {
      const bool one = ((value >> bit) & 1) != 0;
      if (top_bits == 0 && !one) continue;  // leading zeros
      if (top_bits < 64) {
        top = (top << 1) | (one ? 1 : 0);
        ++top_bits;
      } else {
        sticky = sticky || one;
        ++dropped_bits;
      }
    }
  }
  if (sticky) top |= 1;
  return std::ldexp(static_cast<double>(top), dropped_bits);
}

// The unsigned StrDecimalLiteral `text` (already checked against the
// grammar), correctly rounded.
double parse_decimal(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc() && end == text.data() + text.size()) return value;
  if (error != std::errc::result_out_of_range) return kNaN;
  // Too large or too small for a double: the decimal exponent of the leading
  // nonzero digit says which.
  const std::size_t exponent_at = text.find_first_of("eE");
  const std::string_view mantissa = text.substr(0, exponent_at);
  std::int64_t exponent = 0;
  if (exponent_at != std::string_view::npos) {
    std::string_view digits = text.substr(exponent_at + 1);
    const bool negative = !digits.empty() && digits.front() == '-';
    if (!digits.empty() && (digits.front() == '-' || digits.front() == '+'))
      digits.remove_prefix(1);
    for (char c : digits)
      exponent = std::min<std::int64_t>(exponent * 10 + (c - '0'), 1'000'000'000);
    if (negative) exponent = -exponent;
  }
  const std::size_t point = std::min(mantissa.find('.'), mantissa.size());
  const std::size_t first = mantissa.find_first_of("123456789");
  if (first == std::string_view::npos) return 0;
  const std::int64_t position = first < point ? static_cast<std::int64_t>(point - first)
                                              : -static_cast<std::int64_t>(first - point) + 1;
  return position + exponent > 0 ? std::numeric_limits<double>::infinity() : 0.0;
}

// Whether `text` is an unsigned StrDecimalLiteral other than Infinity:
// digits [. digits] [exponent], or . digits [exponent].
bool is_decimal_literal(std::string_view text) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < text.size() && is_digit(text[i], 10)) ++i;
    return i - start;
  };
  std::size_t mantissa_digits = digits();
  if (i < text.size() && text[i] == '.') {
    ++i;
    mantissa_digits += digits();
  }
  if (mantissa_digits == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == text.size();
}

double string_to_number(std::string_view text) {
  text = trim_js_whitespace(text);
  if (text.empty()) return 0;
  if (text.size() >= 2 && text[0] == '0') {
    switch (text[1]) {
      case 'x':
      case 'X':
        return parse_binary_radix(text.substr(2), 16, 4);
      case 'o':
      case 'O':
        return parse_binary_radix(text.substr(2), 8, 3);
      case 'b':
      case 'B':
        return parse_binary_radix(text.substr(2), 2, 1);
      default:
        break;
    }
  }
  double sign = 1;
  if (text.front() == '+' || text.front() == '-') {
    sign = text.front() == '-' ? -1 : 1;
    text.remove_prefix(1);
  }
  if (text == "Infinity") return sign * std::numeric_limits<double>::infinity();
  if (!is_decimal_literal(text)) return kNaN;
  return sign * parse_decimal(text);
}

// ----------------------------------------------------------------- strings

bool is_array_index(std::string_view key) {
  if (key.empty() || key.size() > 10) return false;
  if (key.size() > 1 && key.front() == '0') return false;
  std::uint64_t value = 0;
  for (char c : key) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value <= 4'294'967'294u;
}

void append_quoted(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out += kHex[(c >> 4) & 0xF];
          out += kHex[c & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void append_stringified(std::string& out, const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      out += "null";
      return;
    case Json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: {
      const double number = as_double(value);
      out += std::isfinite(number) ? js_number_to_string(number) : "null";
      return;
    }
    case Json::value_t::string:
      append_quoted(out, value.get_ref<const Json::string_t&>());
      return;
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const Json& element : value) {
        if (!first) out += ',';
        first = false;
        append_stringified(out, element);
      }
      out += ']';
      return;
    }
    case Json::value_t::object: {
      // Own keys in JavaScript order: array indices ascending, then the rest
      // in insertion order.
      std::vector<std::pair<std::uint64_t, const Json::object_t::value_type*>> indices;
      std::vector<const Json::object_t::value_type*> others;
      for (const auto& member : value.get_ref<const Json::object_t&>()) {
        if (is_array_index(member.first)) {
          indices.emplace_back(std::stoull(member.first), &member);
        } else {
          others.push_back(&member);
        }
      }
      std::sort(indices.begin(), indices.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      out += '{';
      bool first = true;
      const auto append_member = [&](const Json::object_t::value_type* member) {
        if (!first) out += ',';
        first = false;
        append_quoted(out, member->first);
        out += ':';
        append_stringified(out, member->second);
      };
      for (const auto& index : indices) append_member(index.second);
      for (const auto* member : others) append_member(member);
      out += '}';
      return;
    }
    case Json::value_t::binary:
    case Json::value_t::discarded:
      out += "null";  // never produced by parsing JSON
      return;
  }
}

void append_string_of(std::string& out, const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      out += "null";
      return;
    case Json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      out += js_number_to_string(as_double(value));
      return;
    case Json::value_t::string:
      out += value.get_ref<const Json::string_t&>();
      return;
    case Json::value_t::array: {
      // Array.prototype.join: null (and undefined) elements are empty.
      bool first = true;
      for (const Json& element : value) {
        if (!first) out += ',';
        first = false;
        if (!element.is_null()) append_string_of(out, element);
      }
      return;
    }
    case Json::value_t::object:
    case Json::value_t::binary:
    case Json::value_t::discarded:
      out += "[object Object]";
      return;
  }
}

// ToPrimitive(value, number) for a JSON value: a string (its own text, or the
// String() of an array or object), or nullopt for a value that stays as it is.
std::optional<std::string> primitive_string(const Json* value) {
  if (value == nullptr || !(value->is_string() || value->is_array() || value->is_object())) {
    return std::nullopt;
  }
  return js_string_of(value);
}

}  // namespace

std::string js_number_to_string(double value) {
  if (std::isnan(value)) return "NaN";
  if (value == 0) return "0";
  if (std::isinf(value)) return value < 0 ? "-Infinity" : "Infinity";
  std::string out;
  if (value < 0) {
    out += '-';
    value = -value;
  }
  // Shortest round-trip digits, as d[.ddd]e±x.
  char buffer[32];
  const auto result =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  const std::string_view scientific(buffer, static_cast<std::size_t>(result.ptr - buffer));
  const std::size_t e = scientific.find('e');
  std::string digits;
  for (char c : scientific.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exponent = 0;
  std::string_view exponent_text = scientific.substr(e + 1);
  if (exponent_text.front() == '+') exponent_text.remove_prefix(1);
  std::from_chars(exponent_text.data(), exponent_text.data() + exponent_text.size(), exponent);

  // ECMA-262 Number::toString: k digits, decimal point after n of them.
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<std::size_t>(n));
    out += '.';
    out.append(digits, static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out += digits.front();
    if (k > 1) {
      out += '.';
      out.append(digits, 1);
    }
    out += n - 1 < 0 ? "e-" : "e+";
    out += std::to_string(std::abs(n - 1));
  }
  return out;
}

std::string js_stringify(const Json& value) {
  std::string out;
  append_stringified(out, value);
  return out;
}

std::string js_string_of(const Json* value) {
  if (value == nullptr) return "undefined";
  std::string out;
  append_string_of(out, *value);
  return out;
}

double js_to_number(const Json* value) {
  if (value == nullptr) return kNaN;
  switch (value->type()) {
    case Json::value_t::null:
      return 0;
    case Json::value_t::boolean:
      return value->get<bool>() ? 1 : 0;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return as_double(*value);
    case Json::value_t::string:
      return string_to_number(value->get_ref<const Json::string_t&>());
    case Json::value_t::array:
      return string_to_number(js_string_of(value));
    default:
      return kNaN;
  }
}

bool js_to_primitive_throws(const Json* value) {
  if (value == nullptr) return false;
  if (value->is_object()) return value->contains("toString");
  if (value->is_array()) {
    return std::any_of(value->begin(), value->end(),
                       [](const Json& element) { return js_to_primitive_throws(&element); });
  }
  return false;
}

int js_compare_strings(std::string_view a, std::string_view b) {
  const auto [at_a, at_b] = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
  std::size_t pos = static_cast<std::size_t>(at_a - a.begin());
  if (at_a == a.end() || at_b == b.end()) {
    // One is a prefix of the other (in bytes, hence in code units).
    return (at_a != a.end()) - (at_b != b.end());
  }
  // The strings agree up to the code point holding the first differing
  // byte; that code point decides.
  while (pos > 0 && (static_cast<unsigned char>(a[pos]) & 0xC0) == 0x80) --pos;
  std::size_t pos_b = pos;
  const char32_t code_a = decode_at(a, pos);
  const char32_t code_b = decode_at(b, pos_b);
  const char32_t unit_a = first_utf16_unit(code_a);
  const char32_t unit_b = first_utf16_unit(code_b);
  if (unit_a != unit_b) return unit_a < unit_b ? -1 : 1;
  // Same first unit: both astral with the same high surrogate, so the low
  // surrogates order as the code points do.
  if (code_a != code_b) return code_a < code_b ? -1 : 1;
  // Only for ill-formed input: fall back to the bytes.
  return a.compare(b) < 0 ? -1 : 1;
}

bool js_strict_equals(const Json* a, const Json* b) {
  if (a == nullptr || b == nullptr) return a == b;
  if (a->is_number() && b->is_number()) return as_double(*a) == as_double(*b);
  if (a->type() != b->type()) return false;
  switch (a->type()) {
    case Json::value_t::null:
      return true;
    case Json::value_t::boolean:
      return a->get<bool>() == b->get<bool>();
    case Json::value_t::string:
      return a->get_ref<const Json::string_t&>() == b->get_ref<const Json::string_t&>();
    default:
      return a == b;  // objects: the same object or not
  }
}

bool js_array_includes(const Json& array, const Json* value) {
  if (value == nullptr || !array.is_array()) return false;
  const bool nan = value->is_number() && std::isnan(as_double(*value));
  return std::any_of(array.begin(), array.end(), [&](const Json& element) {
    if (nan) return element.is_number() && std::isnan(as_double(element));
    return js_strict_equals(&element, value);
  });
}

bool js_less_than(const Json* a, const Json* b) {
  const std::optional<std::string> text_a = primitive_string(a);
  const std::optional<std::string> text_b = primitive_string(b);
  if (text_a && text_b) return js_compare_strings(*text_a, *text_b) < 0;
  const double number_a = text_a ? string_to_number(*text_a) : js_to_number(a);
  const double number_b = text_b ? string_to_number(*text_b) : js_to_number(b);
  return number_a < number_b;  // false when either is NaN
}

bool js_greater_than(const Json* a, const Json* b) { return js_less_than(b, a); }

Json js_sorted_keys(const Json& value) {
  if (value.is_array()) {
    Json out = Json::array();
    for (const Json& element : value) out.push_back(js_sorted_keys(element));
    return out;
  }
  if (!value.is_object()) return value;
  std::vector<const Json::object_t::value_type*> members;
  for (const auto& member : value.get_ref<const Json::object_t&>()) members.push_back(&member);
  std::stable_sort(members.begin(), members.end(), [](const auto* a, const auto* b) {
    const bool index_a = is_array_index(a->first), index_b = is_array_index(b->first);
    if (index_a != index_b) return index_a;
    if (index_a) return std::stoull(a->first) < std::stoull(b->first);
    return js_compare_strings(a->first, b->first) < 0;
  });
  Json out = Json::object();
  for (const auto* member : members) out[member->first] = js_sorted_keys(member->second);
  return out;
}

}  // namespace authref
