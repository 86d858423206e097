// The store: Convex's value order, ids, validators and their messages,
// schemas as data, and transactions with rollback and savepoints.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/database.h"
#include "store/js_value.h"

namespace authref {
namespace {

using ::testing::ElementsAre;

Json parse(const char* text) { return Json::parse(text); }

// Each row: a < b in Convex's order (docs.convex.dev "Ordering").
struct OrderCase {
  const char* a;  // JSON, or "undefined"
  const char* b;
};
void PrintTo(const OrderCase& c, std::ostream* out) { *out << c.a << " < " << c.b; }

const OrderCase kOrder[] = {
    {"undefined", "null"},
    {"null", "-1e300"},
    {"-0.0", "0"},
    {"1", "1.5"},
    {"1e300", "false"},
    {"false", "true"},
    {"true", "\"\""},
    {"\"A\"", "\"a\""},
    {"\"a\"", "\"ab\""},
    {"\"\\uffff\"", "\"\\ud83d\\ude00\""},
    {"\"z\"", "[]"},
    {"[1]", "[1,0]"},
    {"[1,0,0,0]", "[2]"} /* elements first, then length */,
    {"[]", "{}"},
    {"{\"a\":1}", "{\"a\":2}"},
};

class ValueOrder : public ::testing::TestWithParam<OrderCase> {};

TEST_P(ValueOrder, SortsAsConvexDoes) {
  const auto value = [](const char* text) -> std::optional<Json> {
    if (std::string_view(text) == "undefined") return std::nullopt;
    return Json::parse(text);
  };
  const auto a = value(GetParam().a), b = value(GetParam().b);
  const Json* pa = a ? &*a : nullptr;
  const Json* pb = b ? &*b : nullptr;
  EXPECT_LT(compare_values(pa, pb), 0);
  EXPECT_GT(compare_values(pb, pa), 0);
  EXPECT_EQ(compare_values(pa, pa), 0);
}

INSTANTIATE_TEST_SUITE_P(Table, ValueOrder, ::testing::ValuesIn(kOrder));

TEST(DocumentId, EncodesItsTableAndRejectsOtherStrings) {
  DocumentIdGenerator ids(7);
  for (std::uint32_t table : {1u, 2u, 127u, 128u, 70000u}) {
    const std::string id = ids.next(table);
    EXPECT_EQ(table_number_of(id), table) << id;
    EXPECT_GE(id.size(), 31u);
    std::string flipped = id;
    flipped[5] = flipped[5] == 'a' ? 'b' : 'a';
    EXPECT_EQ(table_number_of(flipped), std::nullopt) << "the check must catch a changed character";
  }
  for (const char* bad : {"", "abc", "10000;user", "ILOU0000000000000000000000000000"}) {
    EXPECT_EQ(table_number_of(bad), std::nullopt) << bad;
  }
}

struct ValidatorCase {
  const char* name;
  Validator validator;
  const char* value;
  const char* message;  // nullptr: valid
};
void PrintTo(const ValidatorCase& c, std::ostream* out) { *out << c.name; }

const ValidatorCase kValidators[] = {
    {"string_ok", Validator::string(), "\"x\"", nullptr},
    {"string_gets_number", Validator::string(), "5", "Validator error: Expected `string`, got `5`"},
    {"number_gets_string", Validator::number(), "\"5\"",
     "Validator error: Expected `number`, got `5`"},
    {"boolean_gets_null", Validator::boolean(), "null",
     "Validator error: Expected `boolean`, got `null`"},
    {"array_gets_object", Validator::array_of(Validator::string()), "{}",
     "Validator error: Expected `Array`, got `[object Object]`"},
    {"array_element", Validator::array_of(Validator::string()), "[\"a\", 1]",
     "Validator error: Expected `string`, got `1`"},
    {"literal", Validator::literal_of("asc"), "\"up\"",
     "Validator error: Expected `asc`, got `up`"},
    {"union", Validator::union_of({Validator::null(), Validator::string()}), "[1,2]",
     "Validator error: Expected one of null, string, got `[1,2]`"},
    {"object_missing", Validator::object({{"a", Validator::string(), false}}), "{}",
     "Validator error: Missing required field `a` in object"},
    {"object_optional", Validator::object({{"a", Validator::string(), true}}), "{}", nullptr},
    {"object_extra", Validator::object({{"a", Validator::string(), true}}), "{\"b\": 1}",
     "Validator error: Unexpected field `b` in object"},
    {"object_field_checked_before_extras", Validator::object({{"a", Validator::string(), false}}),
     "{\"z\": 1, \"a\": 2}", "Validator error: Expected `string`, got `2`"},
    {"object_gets_array", Validator::object({}), "[1]",
     "Validator error: Expected a plain old JavaScript `object`, got `1`"},
    {"object_gets_null", Validator::object({}), "null",
     "Cannot convert undefined or null to object"},
    {"object_gets_string", Validator::object({}), "\"s\"",
     "Validator error: Expected `object`, got `s`"},
};

class Validators : public ::testing::TestWithParam<ValidatorCase> {};

TEST_P(Validators, ReportConvexTestsMessage) {
  const auto error = validate(GetParam().validator, Json::parse(GetParam().value));
  if (GetParam().message == nullptr) {
    EXPECT_EQ(error, std::nullopt);
  } else {
    EXPECT_EQ(error, std::optional<std::string>(GetParam().message));
  }
}

INSTANTIATE_TEST_SUITE_P(Table, Validators, ::testing::ValuesIn(kValidators),
                         [](const auto& row) { return std::string(row.param.name); });

TEST(Schema, TheDefaultInstallHasTheTenTablesOfTheComponent) {
  const Schema& schema = better_auth_component_schema();
  std::vector<std::string> names;
  for (const TableSchema& table : schema.tables) names.push_back(table.name);
  EXPECT_THAT(names, ElementsAre("user", "session", "account", "verification", "twoFactor",
                                 "oauthApplication", "oauthAccessToken", "oauthConsent", "jwks",
                                 "rateLimit"));
  const TableSchema& user = *schema.table("user");
  EXPECT_EQ(user.fields.size(), 13u);
  EXPECT_THAT(user.unique_fields, ElementsAre("email", "username", "phoneNumber"));
  EXPECT_EQ(user.indexes.front().name, "email_name");
  EXPECT_THAT(user.indexes.front().fields, ElementsAre("email", "name"));
  EXPECT_TRUE(schema.table("jwks")->indexes.empty());
  EXPECT_EQ(validate(user.document_validator(),
                     parse(R"({"name": "a", "email": "b", "emailVerified": false,
      "createdAt": 1, "updatedAt": 2, "image": null})")),
            std::nullopt);
}

struct SchemaErrorCase {
  const char* name;
  const char* text;
  SchemaError error;
};
void PrintTo(const SchemaErrorCase& c, std::ostream* out) { *out << c.name; }

const SchemaErrorCase kSchemaErrors[] = {
    {"not_json", "{", SchemaError::kNotJson},
    {"no_tables", "{}", SchemaError::kBadShape},
    {"table_not_object", R"({"tables": {"t": 1}})", SchemaError::kBadShape},
    {"unknown_type", R"({"tables": {"t": {"fields": {"a": "date"}}}})", SchemaError::kBadField},
    {"system_field", R"({"tables": {"t": {"fields": {"_id": "string"}}}})", SchemaError::kBadField},
    {"index_unknown_field",
     R"({"tables": {"t": {"fields": {"a": "string"}, "indexes": {"i": ["b"]}}}})",
     SchemaError::kBadIndex},
    {"reserved_index",
     R"({"tables": {"t": {"fields": {"a": "string"}, "indexes": {"by_id": ["a"]}}}})",
     SchemaError::kBadIndex},
    {"unique_unknown_field", R"({"tables": {"t": {"fields": {"a": "string"}, "unique": ["b"]}}})",
     SchemaError::kBadUniqueField},
    {"bad_validator_json",
     R"({"tables": {"t": {"fields": {"a": {"fieldType": {"type": "date"}}}}}})",
     SchemaError::kBadField},
};

class SchemaErrors : public ::testing::TestWithParam<SchemaErrorCase> {};

TEST_P(SchemaErrors, AreNamed) {
  auto parsed = parse_schema_text(GetParam().text);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, GetParam().error) << parsed.error();
}

INSTANTIATE_TEST_SUITE_P(Table, SchemaErrors, ::testing::ValuesIn(kSchemaErrors),
                         [](const auto& row) { return std::string(row.param.name); });

TEST(Schema, ConvexValidatorJsonDescribesAnyField) {
  auto parsed = parse_schema_text(R"({"tables": {"t": {"fields": {
      "tags": {"fieldType": {"type": "array", "value": {"type": "string"}}, "optional": true}}}}})");
  ASSERT_TRUE(parsed) << parsed.error();
  const Validator& doc = parsed->tables[0].document_validator();
  EXPECT_EQ(validate(doc, parse(R"({"tags": ["a"]})")), std::nullopt);
  EXPECT_EQ(validate(doc, parse("{}")), std::nullopt);
  EXPECT_EQ(validate(doc, parse(R"({"tags": [1]})")),
            "Validator error: Expected `string`, got `1`");
}

class DatabaseTest : public ::testing::Test {
 protected:
  DatabaseTest() : db_(clock_, 1) {
    auto schema = parse_schema_text(R"({"tables": {"t": {"fields": {"a": "number", "b": "string?"},
        "indexes": {"a": ["a"]}}}})");
    db_.add_space("s", std::move(*schema));
  }
  std::string insert(double a) {
    return db_.write([&](WriteTx& tx) { return tx.insert(*tx.table("s", "t"), Json{{"a", a}}); });
  }
  std::vector<double> scan(const IndexRange& range) {
    return db_.read([&](ReadTx& tx) {
      std::vector<double> out;
      IndexScan scan = tx.scan(*tx.table("s", "t")->index("a"), range);
      while (const IndexEntry* e = scan.next()) out.push_back(number_value(*e->values[0]));
      return out;
    });
  }
  ManualClock clock_{1000};
  Database db_;
};

TEST_F(DatabaseTest, DocumentsKeepConvexKeyOrder) {
  const std::string id = db_.write(
      [&](WriteTx& tx) { return tx.insert(*tx.table("s", "t"), parse(R"({"b": "x", "a": 1})")); });
  const Json doc = db_.documents("s", "t")[0];
  std::vector<std::string> keys;
  for (const auto& item : doc.items()) keys.push_back(item.key());
  EXPECT_THAT(keys, ElementsAre("_creationTime", "_id", "a", "b"));
  EXPECT_EQ(doc["_id"], id);
}

TEST_F(DatabaseTest, WritesAreValidatedWithTheSchemasMessage) {
  EXPECT_THROW(
      {
        try {
          db_.write(
              [&](WriteTx& tx) { return tx.insert(*tx.table("s", "t"), parse(R"({"a": "1"})")); });
        } catch (const Thrown& thrown) {
          EXPECT_EQ(thrown.kind(), ThrownKind::kSchemaValidation);
          EXPECT_EQ(thrown.message(), "Validator error: Expected `number`, got `1`");
          throw;
        }
      },
      Thrown);
}

TEST_F(DatabaseTest, AnythingThrownUndoesTheWholeTransaction) {
  const std::string kept = insert(1);
  const Json before = db_.dump("s");
  EXPECT_THROW(db_.write([&](WriteTx& tx) {
    Table& t = *tx.table("s", "t");
    tx.insert(t, Json{{"a", 2}});
    tx.patch(t, kept, Json{{"a", 3}, {"b", "x"}});
    tx.remove(t, kept);
    throw std::runtime_error("boom");
    return 0;
  }),
               std::runtime_error);
  EXPECT_EQ(db_.dump("s"), before);
  EXPECT_THAT(scan({}), ElementsAre(1));
}

TEST_F(DatabaseTest, NestedUndoesOnlyItsOwnWritesBeforeRethrowing) {
  db_.write([&](WriteTx& tx) {
    Table& t = *tx.table("s", "t");
    tx.insert(t, Json{{"a", 1}});
    EXPECT_THROW(tx.nested([&] {
      tx.insert(t, Json{{"a", 2}});
      throw Thrown(ThrownKind::kTrigger, "inner");
    }),
                 Thrown);
    return 0;
  });
  EXPECT_THAT(scan({}), ElementsAre(1));
}

TEST_F(DatabaseTest, IdsAreCheckedAgainstTheirTable) {
  const std::string id = insert(1);
  db_.read([&](ReadTx& tx) {
    const Table& t = *tx.table("s", "t");
    EXPECT_NE(tx.get(t, std::string_view(id)), nullptr);
    EXPECT_EQ(tx.get_any("s", Json(id))->at("_id"), id);
    EXPECT_EQ(tx.get_any("other", Json(id)), nullptr);
    try {
      tx.get_any("s", Json(5));
      ADD_FAILURE() << "a number is not an id";
    } catch (const Thrown& thrown) {
      EXPECT_EQ(thrown.message(), "Invalid argument `id`, expected string but got 'number': 5");
    }
    return 0;
  });
  try {
    db_.write([&](WriteTx& tx) {
      tx.remove(*tx.table("s", "t"), id);
      tx.remove(*tx.table("s", "t"), id);
      return 0;
    });
    ADD_FAILURE() << "deleting twice must throw";
  } catch (const Thrown& thrown) {
    EXPECT_EQ(thrown.message(), "Delete on non-existent doc");
  }
}

TEST_F(DatabaseTest, IndexRangesAndCursorsSelectTheRightEntries) {
  for (double a : {5, 1, 3, 2, 4}) insert(a);
  EXPECT_THAT(scan({}), ElementsAre(1, 2, 3, 4, 5));
  IndexRange range;
  range.lower = RangeBound{2, false};
  range.upper = RangeBound{4, true};
  EXPECT_THAT(scan(range), ElementsAre(3, 4));
  range.descending = true;
  EXPECT_THAT(scan(range), ElementsAre(4, 3));
  IndexRange eq;
  eq.eq = {Json(3)};
  EXPECT_THAT(scan(eq), ElementsAre(3));
  IndexRange after;
  after.after = IndexKey{Json(2)};  // a prefix key: everything with a == 2 is "at" it
  EXPECT_THAT(scan(after), ElementsAre(3, 4, 5));
  after.until = IndexKey{Json(4)};
  EXPECT_THAT(scan(after), ElementsAre(3, 4));
  IndexRange empty;
  empty.lower = RangeBound{4, false};
  empty.upper = RangeBound{2, false};
  EXPECT_THAT(scan(empty), ElementsAre());
}

}  // namespace
}  // namespace authref
