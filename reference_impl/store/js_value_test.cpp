// JavaScript value semantics against V8: every row of
// fixtures/vectors/js-semantics.json (written by
// fixtures/vectors/scripts/make-js-semantics.mjs under Node), then tables of
// the spec's oddities and of what the vectors cannot express (number kinds,
// object identity).
#include "store/js_value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "../../harness/tests/vectors.h"

namespace authref {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

const nlohmann::json& vectors() { return authconf::testing::load_vectors("js-semantics.json"); }

const nlohmann::json& section(const char* name) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  const auto& data = vectors();
  if (!data.contains(name)) {
    ADD_FAILURE() << "js-semantics.json has no section " << name;
    return kEmpty;
  }
  return data[name];
}

// An operand decoded from the file's encoding: undefined or a JSON value.
struct Operand {
  std::optional<Json> value;
  const Json* get() const { return value ? &*value : nullptr; }
};

Json decode_value(const nlohmann::json& encoded) {
  if (encoded.is_object() && encoded.contains("$number")) {
    const std::string name = encoded["$number"];
    if (name == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (name == "Infinity") return kInfinity;
    if (name == "-Infinity") return -kInfinity;
    if (name == "-0") return -0.0;
    ADD_FAILURE() << "unknown $number " << name;
    return nullptr;
  }
  if (encoded.is_object() && encoded.contains("$undefined")) {
    ADD_FAILURE() << "undefined inside an array or object";
    return nullptr;
  }
  if (encoded.is_array()) {
    Json out = Json::array();
    for (const auto& element : encoded) out.push_back(decode_value(element));
    return out;
  }
  if (encoded.is_object()) {
    Json out = Json::object();
    for (const auto& [key, element] : encoded.items()) out[key] = decode_value(element);
    return out;
  }
  switch (encoded.type()) {  // keeps the number kind nlohmann parsed
    case nlohmann::json::value_t::number_integer:
      return encoded.get<std::int64_t>();
    case nlohmann::json::value_t::number_unsigned:
      return encoded.get<std::uint64_t>();
    case nlohmann::json::value_t::number_float:
      return encoded.get<double>();
    case nlohmann::json::value_t::string:
      return encoded.get<std::string>();
    case nlohmann::json::value_t::boolean:
      return encoded.get<bool>();
    default:
      return nullptr;
  }
}

Operand decode(const nlohmann::json& encoded) {
  if (encoded.is_object() && encoded.contains("$undefined")) return {};
  return {decode_value(encoded)};
}

// SameValue: NaN is NaN, and -0 is not +0.
bool same_value(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return a == b && std::signbit(a) == std::signbit(b);
}

std::string kind_of(const Json& value) { return value.type_name(); }

TEST(JsValueVectors, SectionsHaveRows) {
  EXPECT_GE(section("numberToString").size(), 40u);
  EXPECT_GE(section("stringToNumber").size(), 40u);
  EXPECT_GE(section("stringify").size(), 30u);
  EXPECT_GE(section("stringOf").size(), 30u);
  EXPECT_GE(section("lessThan").size(), 80u);
  EXPECT_GE(section("strictEquals").size(), 80u);
  EXPECT_GE(section("includes").size(), 80u);
}

TEST(JsValueVectors, NumberToString) {
  for (const auto& row : section("numberToString")) {
    const Operand operand = decode(row["value"]);
    ASSERT_TRUE(operand.value && operand.value->is_number()) << row.dump();
    const double value = operand.value->get<double>();
    const std::string expected = row["expected"];
    EXPECT_EQ(js_number_to_string(value), expected) << row.dump();
    EXPECT_EQ(js_string_of(operand.get()), expected) << row.dump();
    // The same number held as an integer kind prints the same.
    if (std::trunc(value) == value && std::abs(value) < 9.2e18) {
      const Json integer = static_cast<std::int64_t>(value);
      EXPECT_EQ(js_string_of(&integer), expected) << row.dump();
    }
  }
}

TEST(JsValueVectors, StringToNumber) {
  for (const auto& row : section("stringToNumber")) {
    const Json text = row["value"].get<std::string>();
    const Operand expected = decode(row["expected"]);
    ASSERT_TRUE(expected.value && expected.value->is_number()) << row.dump();
    const double number = js_to_number(&text);
    EXPECT_TRUE(same_value(number, expected.value->get<double>()))
        << "got " << js_number_to_string(number) << (std::signbit(number) ? " (negative)" : "")
        << " for " << row.dump();
  }
}

TEST(JsValueVectors, Stringify) {
  for (const auto& row : section("stringify")) {
    const std::string expected = row["expected"];
    if (row.contains("text")) {
      const Json parsed = Json::parse(row["text"].get<std::string>(), nullptr, false);
      ASSERT_FALSE(parsed.is_discarded()) << row.dump();
      EXPECT_EQ(js_stringify(parsed), expected) << row.dump();
    } else {
      EXPECT_EQ(js_stringify(decode_value(row["value"])), expected) << row.dump();
    }
  }
}

TEST(JsValueVectors, StringOf) {
  for (const auto& row : section("stringOf")) {
    const Operand value = decode(row["value"]);
    if (row.contains("throws")) {
      EXPECT_TRUE(js_to_primitive_throws(value.get())) << row.dump();
      EXPECT_EQ(row["throws"], "TypeError: " + std::string(kCannotConvertToPrimitive))
          << row.dump();
      continue;
    }
    EXPECT_FALSE(js_to_primitive_throws(value.get())) << row.dump();
    EXPECT_EQ(js_string_of(value.get()), row["expected"].get<std::string>()) << row.dump();
  }
}

TEST(JsValueVectors, LessThanAndGreaterThan) {
  for (const auto& row : section("lessThan")) {
    const Operand a = decode(row["a"]);
    const Operand b = decode(row["b"]);
    const bool throws = js_to_primitive_throws(a.get()) || js_to_primitive_throws(b.get());
    if (row.contains("throws")) {
      EXPECT_TRUE(throws) << row.dump();
      EXPECT_EQ(row["throws"], "TypeError: " + std::string(kCannotConvertToPrimitive))
          << row.dump();
      continue;
    }
    EXPECT_FALSE(throws) << row.dump();
    EXPECT_EQ(js_less_than(a.get(), b.get()), row["lessThan"].get<bool>()) << row.dump();
    EXPECT_EQ(js_greater_than(a.get(), b.get()), row["greaterThan"].get<bool>()) << row.dump();
  }
}

TEST(JsValueVectors, StrictEquals) {
  for (const auto& row : section("strictEquals")) {
    const Operand a = decode(row["a"]);
    const Operand b = decode(row["b"]);
    EXPECT_EQ(js_strict_equals(a.get(), b.get()), row["expected"].get<bool>()) << row.dump();
  }
}

TEST(JsValueVectors, Includes) {
  for (const auto& row : section("includes")) {
    const Json array = decode_value(row["array"]);
    const Operand value = decode(row["value"]);
    EXPECT_EQ(js_array_includes(array, value.get()), row["expected"].get<bool>()) << row.dump();
  }
}

// Operands written as JSON text, or "undefined".
Operand operand(const char* text) {
  if (std::string(text) == "undefined") return {};
  return {Json::parse(text)};
}

struct CompareCase {
  const char* a;
  const char* b;
  bool less;     // a < b
  bool greater;  // a > b
};

// The oddities of the abstract relational comparison, as V8 answers them.
const CompareCase kCompare[] = {
    {"5", R"("10")", true, false},                  // a number on either side compares numbers
    {"50", R"("10")", false, true},                 //
    {R"("5")", R"("10")", false, true},             // two strings compare as text
    {"null", "1", true, false},                     // null is 0
    {"null", "0", false, false},                    //
    {"undefined", "1", false, false},               // undefined is NaN
    {"undefined", "undefined", false, false},       //
    {"[1,2]", R"("1,3")", true, false},             // an array is its String()
    {"[2]", "10", true, false},                     // [2] -> "2" -> 2
    {"[]", "1", true, false},                       // [] -> "" -> 0
    {"{}", "{}", false, false},                     // "[object Object]" both
    {"{}", "1", false, false},                      // NaN
    {"true", "2", true, false},                     // true is 1
    {R"(" 12 ")", "13", true, false},               // whitespace trimmed
    {R"("0x10")", "15", false, true},               // hex
    {R"("")", "1", true, false},                    // "" is 0
    {R"("abc")", "1", false, false},                // NaN
    {"\"\U0001F600\"", "\"\uE000\"", true, false},  // surrogate 0xD83D < 0xE000
    {"\"\uFFFF\"", "\"\U00010000\"", false, true},  //
    {"-0", "0", false, false},                      // equal
    {"1e21", R"("1e+21")", false, false},           // equal after ToNumber
};

TEST(JsValue, ComparisonOddities) {
  for (const CompareCase& c : kCompare) {
    SCOPED_TRACE(std::string(c.a) + " vs " + c.b);
    const Operand a = operand(c.a);
    const Operand b = operand(c.b);
    EXPECT_EQ(js_less_than(a.get(), b.get()), c.less);
    EXPECT_EQ(js_greater_than(a.get(), b.get()), c.greater);
  }
}

struct StringOrderCase {
  const char* a;
  const char* b;
  int sign;  // of js_compare_strings(a, b)
};

const StringOrderCase kStringOrder[] = {
    {"", "", 0},
    {"", "a", -1},
    {"ab", "a", 1},
    {"Z", "a", -1},
    {"\u00ff", "\u0100", -1},
    {"\u07ff", "\u0800", -1},
    {"\U0001F600", "\uE000", -1},          // UTF-8 bytes would say the opposite
    {"a\U0001F600b", "a\uFFFF", -1},       //
    {"\U0001F600", "\U0001F601", -1},      // same high surrogate
    {"\U00010000", "\uD7FF", 1},           // 0xD800 > 0xD7FF
    {"\U0010FFFF", "\U0001F600", 1},       //
    {"x\U0001F600", "x\U0001F600", 0},     //
    {"\xE2\x82\xAC", "\xE2\x82\xAD", -1},  // differing in a continuation byte
};

TEST(JsValue, StringsCompareByUtf16CodeUnits) {
  for (const StringOrderCase& c : kStringOrder) {
    SCOPED_TRACE(Json(c.a).dump(-1, ' ', true) + " vs " + Json(c.b).dump(-1, ' ', true));
    const int result = js_compare_strings(c.a, c.b);
    EXPECT_EQ((result > 0) - (result < 0), c.sign);
    const int reverse = js_compare_strings(c.b, c.a);
    EXPECT_EQ((reverse > 0) - (reverse < 0), -c.sign);
  }
}

// js_sorted_keys against what a Convex function receives: each `expected`
// is `JSON.stringify(jsonToConvex(convexToJson(input)))` printed by Node with
// convex 1.48.0. Compared with dump(), which keeps the stored key order.
struct SortedKeysCase {
  const char* input;
  const char* expected;
};

const SortedKeysCase kSortedKeys[] = {
    {R"({"b":1,"a":{"d":2,"c":3}})", R"({"a":{"c":3,"d":2},"b":1})"},  // at any depth
    {R"([{"y":1,"x":2},{"b":0}])", R"([{"x":2,"y":1},{"b":0}])"},      // arrays keep their order
    {R"({"a":1,"_id":2,"Z":3,"_creationTime":4})",
     R"({"Z":3,"_creationTime":4,"_id":2,"a":1})"},  // code units: Z < _ < a
    {R"({"b":1,"10":2,"9":3,"a":4})",
     R"({"9":3,"10":2,"a":4,"b":1})"},  // indices first, numerically
    {R"("x")", R"("x")"},
    {R"({})", R"({})"},
};

TEST(JsValue, SortedKeysAreWhatAConvexFunctionReceives) {
  for (const SortedKeysCase& c : kSortedKeys) {
    EXPECT_EQ(js_sorted_keys(Json::parse(c.input)).dump(), c.expected) << c.input;
  }
}

// nlohmann holds 5 as an integer, an unsigned or a float; JavaScript sees one
// number.
TEST(JsValue, NumberKindsAreOneNumber) {
  const Json kinds[] = {Json(std::int64_t{5}), Json(std::uint64_t{5}), Json(5.0)};
  const Json ten = "10";
  const Json array = Json::array({std::int64_t{5}});
  for (const Json& a : kinds) {
    SCOPED_TRACE(kind_of(a));
    EXPECT_EQ(js_string_of(&a), "5");
    EXPECT_EQ(js_stringify(a), "5");
    EXPECT_EQ(js_to_number(&a), 5.0);
    EXPECT_TRUE(js_less_than(&a, &ten));
    EXPECT_TRUE(js_array_includes(array, &a));
    for (const Json& b : kinds) EXPECT_TRUE(js_strict_equals(&a, &b)) << kind_of(b);
  }
  const Json big_integer = std::uint64_t{9007199254740993};  // rounds to 2^53
  const Json big_float = 9007199254740992.0;
  EXPECT_TRUE(js_strict_equals(&big_integer, &big_float));
  EXPECT_EQ(js_stringify(big_integer), "9007199254740992");
  const Json lowest = std::numeric_limits<std::int64_t>::min();
  EXPECT_EQ(js_string_of(&lowest), "-9223372036854776000");
}

// `const x = [1]; x === x` is true, `[1] === [1]` is false: identity, which
// the vectors (every operand a fresh value) cannot show.
TEST(JsValue, ArraysAndObjectsEqualOnlyThemselves) {
  const Json array = Json::parse("[1]");
  const Json copy = array;
  const Json object = Json::parse(R"({"a":1})");
  EXPECT_TRUE(js_strict_equals(&array, &array));
  EXPECT_FALSE(js_strict_equals(&array, &copy));
  EXPECT_TRUE(js_strict_equals(&object, &object));
  EXPECT_FALSE(js_strict_equals(&object, &object["a"]));
  const Json holder = Json::parse(R"([[1], {"a": 1}])");
  EXPECT_TRUE(js_array_includes(holder, &holder[0]));  // the element itself
  EXPECT_FALSE(js_array_includes(holder, &array));     // an equal copy
}

TEST(JsValue, UndefinedAndNull) {
  const Json null_value = nullptr;
  const Json nulls = Json::array({nullptr});
  EXPECT_TRUE(js_strict_equals(nullptr, nullptr));
  EXPECT_FALSE(js_strict_equals(nullptr, &null_value));
  EXPECT_FALSE(js_array_includes(nulls, nullptr));  // [null].includes(undefined)
  EXPECT_TRUE(js_array_includes(nulls, &null_value));
  EXPECT_EQ(js_string_of(nullptr), "undefined");
  EXPECT_EQ(js_string_of(&nulls), "");
  EXPECT_TRUE(std::isnan(js_to_number(nullptr)));
  EXPECT_EQ(js_to_number(&null_value), 0.0);
  const Json not_an_array = "abc";
  const Json letter = "a";
  EXPECT_FALSE(js_array_includes(not_an_array, &letter));
}

// The banner of js_value.h.
TEST(JsValue, HeaderExamples) {
  const Json five = 5, ten = "10";
  EXPECT_TRUE(js_less_than(&five, &ten));
  EXPECT_EQ(js_stringify(Json::parse(R"({"b":1.0,"1":"\u0001"})")), R"({"1":"\u0001","b":1})");
  EXPECT_EQ(js_string_of(nullptr), "undefined");
}

TEST(JsValue, NonFiniteNumbers) {
  const Json values = Json::array({std::numeric_limits<double>::quiet_NaN(), kInfinity, -0.0});
  EXPECT_EQ(js_stringify(values), "[null,null,0]");
  EXPECT_EQ(js_string_of(&values), "NaN,Infinity,0");
  EXPECT_FALSE(js_strict_equals(&values[0], &values[0]));  // NaN !== NaN
  EXPECT_TRUE(js_array_includes(values, &values[0]));      // but includes finds it
  EXPECT_EQ(js_number_to_string(-kInfinity), "-Infinity");
}

}  // namespace
}  // namespace authref
