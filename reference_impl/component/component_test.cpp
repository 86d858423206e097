// The seven component functions: return shapes (spec/convex-component.md
// §3.2), the query engine's choices (§3.3) and the write paths with their
// triggers (§3.4, §5).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "component/component_test_support.h"

namespace authref::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Json parse(const std::string& text) { return Json::parse(text); }

Json find_many(const std::string& model, Json where, double num_items, Json cursor = nullptr) {
  Json args = Json::object();
  args["model"] = model;
  if (!where.is_null()) args["where"] = std::move(where);
  args["paginationOpts"] = Json::object();
  args["paginationOpts"]["numItems"] = num_items;
  args["paginationOpts"]["cursor"] = std::move(cursor);
  return args;
}

std::vector<std::string> names_of(const Json& page) {
  std::vector<std::string> out;
  for (const Json& doc : page) out.push_back(doc.value("name", "?"));
  return out;
}

using Create = ComponentTest;

TEST_F(Create, ReturnsTheRawDocumentWithSystemFields) {
  const Json doc =
      ok(ComponentFunction::kCreate, create_args("user", user_fields("dana@example.com")));
  EXPECT_TRUE(doc["_id"].is_string());
  EXPECT_EQ(doc["_creationTime"], kStartMs + 1);
  EXPECT_EQ(doc["email"], "dana@example.com");
  EXPECT_FALSE(doc.contains("id")) << "the Convex document has _id, never id";
  EXPECT_EQ(documents("component", "user").size(), 1u);
}

TEST_F(Create, SelectMapsIdToUnderscoreIdAndDropsAbsentFields) {
  Json args = create_args("user", user_fields("dana@example.com"));
  args["select"] = parse(R"(["id", "email", "image"])");
  const Json doc = ok(ComponentFunction::kCreate, args);
  EXPECT_EQ(doc.size(), 2u) << js_stringify(doc);
  EXPECT_TRUE(doc.contains("_id"));
  EXPECT_EQ(doc["email"], "dana@example.com");
}

TEST_F(Create, AcceptsNullForOptionalFieldsAndStoresIt) {
  Json data = user_fields("dana@example.com");
  data["image"] = nullptr;
  const Json doc = ok(ComponentFunction::kCreate, create_args("user", data));
  EXPECT_TRUE(doc["image"].is_null());
}

TEST_F(Create, IdsAreUniqueAndDoNotFollowInsertionOrder) {
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(create_user("u" + std::to_string(i) + "@x.io"));
  auto sorted = ids;
  std::ranges::sort(sorted);
  EXPECT_EQ(std::ranges::unique(sorted).begin(), sorted.end());
  EXPECT_NE(sorted, ids) << "ids sorted the same way they were made";
}

TEST_F(Create, CreationTimesStrictlyIncreaseEvenWhenTheClockStandsStill) {
  const Json a = ok(ComponentFunction::kCreate, create_args("user", user_fields("a@x.io")));
  const Json b = app_.component()
                     .call(ComponentFunction::kCreate, create_args("user", user_fields("b@x.io")))
                     .value();
  EXPECT_GT(b["_creationTime"].get<double>(), a["_creationTime"].get<double>());
}

using FindOne = ComponentTest;

TEST_F(FindOne, ReturnsNullWhenNothingMatches) {
  EXPECT_TRUE(ok(ComponentFunction::kFindOne, parse(R"({"model": "user"})")).is_null());
}

TEST_F(FindOne, ById) {
  const std::string id = create_user("dana@example.com");
  Json args = parse(R"({"model": "user", "where": [{"field": "_id", "value": ""}]})");
  args["where"][0]["value"] = id;
  EXPECT_EQ(ok(ComponentFunction::kFindOne, args)["_id"], id);
}

TEST_F(FindOne, ByIdOfAnotherTableReturnsThatDocument) {
  // ctx.db.get(id) has no table: the id decides. So a session lookup by a
  // user's id returns the user (create-api's listOne, [S]).
  const std::string id = create_user("dana@example.com");
  Json args = parse(R"({"model": "session", "where": [{"field": "_id", "value": ""}]})");
  args["where"][0]["value"] = id;
  EXPECT_EQ(ok(ComponentFunction::kFindOne, args)["email"], "dana@example.com");
}

TEST_F(FindOne, BogusIdIsNullNotAnError) {
  create_user("dana@example.com");
  EXPECT_TRUE(ok(ComponentFunction::kFindOne,
                 parse(R"({"model": "user", "where": [{"field": "_id", "value": "nope"}]})"))
                  .is_null());
}

TEST_F(FindOne, UniqueFieldLookupAppliesTheOtherClausesToTheOneDocument) {
  create_user("dana@example.com", "Dana");
  EXPECT_EQ(ok(ComponentFunction::kFindOne, parse(R"({"model": "user", "where": [{"field": "email",
      "value": "dana@example.com"}, {"field": "name", "operator": "starts_with", "value": "Da"}]})"))
                ["name"],
            "Dana");
  EXPECT_TRUE(
      ok(ComponentFunction::kFindOne, parse(R"({"model": "user", "where": [{"field": "email",
      "value": "dana@example.com"}, {"field": "name", "value": "Eve"}]})"))
          .is_null());
  EXPECT_THAT(warnings_, IsEmpty());
}

using FindMany = ComponentTest;

TEST_F(FindMany, PagesCarryACursorThatIsTheIndexKey) {
  for (const char* name : {"a", "b", "c", "d", "e"}) create_user(std::string(name) + "@x.io", name);
  Json first = ok(ComponentFunction::kFindMany, find_many("user", nullptr, 2));
  EXPECT_THAT(names_of(first["page"]), ElementsAre("a", "b"));
  EXPECT_EQ(first["isDone"], false);
  const Json b = first["page"][1];
  EXPECT_EQ(first["continueCursor"], js_stringify(Json::array({b["_creationTime"], b["_id"]})))
      << "convex-helpers' cursor: [_creationTime, _id] of the last document read";

  Json second =
      ok(ComponentFunction::kFindMany, find_many("user", nullptr, 2, first["continueCursor"]));
  EXPECT_THAT(names_of(second["page"]), ElementsAre("c", "d"));
  Json third =
      ok(ComponentFunction::kFindMany, find_many("user", nullptr, 2, second["continueCursor"]));
  EXPECT_THAT(names_of(third["page"]), ElementsAre("e"));
  EXPECT_EQ(third["isDone"], true);
  EXPECT_EQ(third["continueCursor"], "[]");
  EXPECT_FALSE(third.contains("pageStatus"));
}

TEST_F(FindMany, IndexedCursorIncludesTheIndexFields) {
  const std::string user = create_user("dana@example.com");
  create_session(user, "t1", 10);
  create_session(user, "t2", 20);
  Json args = find_many("session", parse(R"([{"field": "userId", "value": ""}])"), 1);
  args["where"][0]["value"] = user;
  const Json page = ok(ComponentFunction::kFindMany, args);
  const Json s = page["page"][0];
  EXPECT_EQ(page["continueCursor"],
            js_stringify(Json::array({user, s["_creationTime"], s["_id"]})));
  EXPECT_THAT(warnings_, IsEmpty());
}

TEST_F(FindMany, SortByOnlyOrdersTheChosenIndex) {
  create_user("c@x.io", "c");
  create_user("a@x.io", "a");
  create_user("b@x.io", "b");
  Json args = find_many("user", nullptr, 10);
  args["sortBy"] = parse(R"({"field": "name", "direction": "desc"})");
  EXPECT_THAT(names_of(ok(ComponentFunction::kFindMany, args)["page"]), ElementsAre("c", "b", "a"));
  args["sortBy"] = parse(R"({"field": "createdAt", "direction": "desc"})");
  EXPECT_THAT(names_of(ok(ComponentFunction::kFindMany, args)["page"]), ElementsAre("b", "a", "c"));
  EXPECT_THAT(warnings_, IsEmpty());
}

TEST_F(FindMany, WarnsWhenNoIndexServesTheQuery) {
  create_user("dana@example.com");
  ok(ComponentFunction::kFindMany,
     find_many("user", parse(R"([{"field": "emailVerified", "value": false}])"), 10));
  ok(ComponentFunction::kFindMany,
     find_many("session",
               parse(R"([{"field": "userId", "value": "u"}, {"field": "expiresAt", "operator": "lt",
        "value": 5}])"),
               10));
  EXPECT_THAT(
      warnings_,
      ElementsAre("Querying without an index on table \"user\".\n"
                  "This can cause performance issues, and may hit the document read limit.\n"
                  "To fix, add an index that begins with the following fields in order:\n"
                  "[emailVerified]",
                  "Querying without an index on table \"session\".\n"
                  "This can cause performance issues, and may hit the document read limit.\n"
                  "To fix, add an index that begins with the following fields in order:\n"
                  "[userId, expiresAt]"));
}

TEST_F(FindMany, ReadBudgetEndsAPageShortWithSplitRequired) {
  for (int i = 0; i < 250; ++i)
    create_user("u" + std::to_string(i) + "@x.io", i == 249 ? "last" : "n");
  const Json page = ok(ComponentFunction::kFindMany,
                       find_many("user", parse(R"([{"field": "image", "value": "pic"}])"), 10));
  // max(numItems + 1, 200) rows are read, none match, the page stops short.
  EXPECT_THAT(page["page"], IsEmpty());
  EXPECT_EQ(page["isDone"], false);
  EXPECT_EQ(page["pageStatus"], "SplitRequired");
  const Json rest = ok(ComponentFunction::kFindMany,
                       find_many("user", parse(R"([{"field": "image", "value": "pic"}])"), 10,
                                 page["continueCursor"]));
  EXPECT_EQ(rest["isDone"], true);
}

TEST_F(FindMany, NullIsNotAbsent) {
  Json with_null = user_fields("n@x.io", "has-null");
  with_null["image"] = nullptr;
  ok(ComponentFunction::kCreate, create_args("user", with_null));
  create_user("a@x.io", "absent");
  EXPECT_THAT(
      names_of(ok(ComponentFunction::kFindMany,
                  find_many("user", parse(R"([{"field": "image", "value": null}])"), 10))["page"]),
      ElementsAre("has-null"));
  EXPECT_THAT(
      names_of(
          ok(ComponentFunction::kFindMany,
             find_many("user", parse(R"([{"field": "image", "operator": "ne", "value": null}])"),
                       10))["page"]),
      ElementsAre("absent"));
}

TEST_F(FindMany, StringOperatorsMatchLiterallyAndOnlyStrings) {
  create_user("a.b@x.io", "a.*");
  create_user("c@x.io", "abc");
  EXPECT_THAT(
      names_of(ok(
          ComponentFunction::kFindMany,
          find_many("user", parse(R"([{"field": "name", "operator": "contains", "value": ".*"}])"),
                    10))["page"]),
      ElementsAre("a.*"));
  EXPECT_THAT(
      ok(ComponentFunction::kFindMany,
         find_many("user",
                   parse(R"([{"field": "emailVerified", "operator": "contains", "value": "f"}])"),
                   10))["page"],
      IsEmpty());
}

TEST_F(FindMany, IdInReturnsEveryFoundDocumentAtOnce) {
  const std::string a = create_user("a@x.io", "a");
  const std::string b = create_user("b@x.io", "b");
  const std::string gone = create_user("c@x.io", "c");
  ok(ComponentFunction::kDeleteOne,
     parse(R"({"input": {"model": "user", "where": [{"field": "email", "value": "c@x.io"}]}})"));
  Json args = find_many("user", Json::array({Json::object()}), 1);
  args["where"][0] = {{"field", "_id"}, {"operator", "in"}, {"value", Json::array({b, gone, a})}};
  args["sortBy"] = parse(R"({"field": "name", "direction": "asc"})");
  const Json page = ok(ComponentFunction::kFindMany, args);
  EXPECT_THAT(names_of(page["page"]), ElementsAre("a", "b"));
  EXPECT_EQ(page["isDone"], true);
  EXPECT_EQ(page["continueCursor"], "");
}

TEST_F(FindMany, InOnAnExactIndexMergesStreamsInCreationOrder) {
  const std::string u1 = create_user("a@x.io");
  const std::string u2 = create_user("b@x.io");
  create_session(u2, "t1", 1);
  create_session(u1, "t2", 1);
  create_session(u2, "t3", 1);
  Json args = find_many(
      "session", Json::array({{{"field", "userId"}, {"operator", "in"}, {"value", {u1, u2}}}}), 10);
  const Json page = ok(ComponentFunction::kFindMany, args);
  std::vector<std::string> tokens;
  for (const Json& s : page["page"]) tokens.push_back(s["token"]);
  EXPECT_THAT(tokens, ElementsAre("t1", "t2", "t3"));
}

TEST_F(FindMany, SharedPagesSerialiseExactlyAsTheCopiedResult) {
  for (int i = 0; i < 5; ++i)
    create_user("u" + std::to_string(i) + "@x.io", "n\"" + std::to_string(i));
  for (Json args : {find_many("user", nullptr, 2), find_many("user", nullptr, 10),
                    find_many("user", parse(R"([{"field": "image", "value": "x"}])"), 1)}) {
    args["select"] = parse(R"(["id", "name"])");
    for (bool with_select : {false, true}) {
      if (!with_select) args.erase("select");
      const Json copied = ok(ComponentFunction::kFindMany, args);
      auto shared = app_.component().find_many_page(args);
      ASSERT_TRUE(shared) << shared.error();
      EXPECT_EQ(shared->to_json(), copied);
      EXPECT_EQ(shared->to_json_text(), js_stringify(copied));
    }
  }
  auto missing = app_.component().find_many_page(parse(R"({"model": "user"})"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().detail,
            "Validator error: Missing required field `paginationOpts` in object");
  auto one = app_.component().find_one_document(
      parse(R"({"model": "user", "where": [{"field": "email", "value": "u3@x.io"}]})"));
  ASSERT_TRUE(one && *one);
  EXPECT_EQ((**one)["email"], "u3@x.io");
}

using Writes = ComponentTest;

TEST_F(Writes, UpdateOneReturnsTheUpdatedDocument) {
  create_user("dana@example.com");
  const Json doc = ok(ComponentFunction::kUpdateOne,
                      parse(R"({"input": {"model": "user", "update": {"name": "New"},
      "where": [{"field": "email", "value": "dana@example.com"}]}})"));
  EXPECT_EQ(doc["name"], "New");
  EXPECT_EQ(documents("app", "users")[0]["name"], "New") << "the dual-store trigger ran";
}

TEST_F(Writes, UpdateManyProcessesOnePageAndCounts) {
  for (int i = 0; i < 3; ++i) create_user("u" + std::to_string(i) + "@x.io");
  const Json result = ok(ComponentFunction::kUpdateMany, parse(R"({"input": {"model": "user",
      "update": {"emailVerified": true}, "where": [{"field": "emailVerified", "value": false}]},
      "paginationOpts": {"numItems": 2, "cursor": null}})"));
  EXPECT_EQ(result["count"], 2);
  EXPECT_EQ(result["ids"].size(), 2u);
  EXPECT_EQ(result["isDone"], false);
  EXPECT_FALSE(result.contains("page"));
  int verified = 0;
  for (const Json& user : documents("component", "user"))
    verified += user["emailVerified"].get<bool>();
  EXPECT_EQ(verified, 2);
}

TEST_F(Writes, DeleteOneReturnsTheDocumentOrNull) {
  create_user("dana@example.com");
  const Json where = parse(
      R"({"input": {"model": "user", "where": [{"field": "email", "value": "dana@example.com"}]}})");
  EXPECT_EQ(ok(ComponentFunction::kDeleteOne, where)["email"], "dana@example.com");
  EXPECT_TRUE(ok(ComponentFunction::kDeleteOne, where).is_null());
  EXPECT_THAT(documents("app", "users"), IsEmpty());
}

TEST_F(Writes, DeleteOneRunsItsTriggerAfterTheDeleteAndDeleteManyBefore) {
  std::vector<bool> seen_present;
  TableTriggers probe;
  probe.on_delete = [&](WriteTx& tx, const Json& doc) {
    seen_present.push_back(tx.get(*tx.table("component", "verification"),
                                  std::string_view(doc["_id"].get_ref<const std::string&>())) !=
                           nullptr);
  };
  app_.component().set_triggers("verification", probe);
  for (const char* id : {"a", "b", "c"}) {
    ok(ComponentFunction::kCreate, create_args("verification", {{"identifier", id},
                                                                {"value", "v"},
                                                                {"expiresAt", 1},
                                                                {"createdAt", 1},
                                                                {"updatedAt", 1}}));
  }
  ok(ComponentFunction::kDeleteOne,
     parse(
         R"({"input": {"model": "verification", "where": [{"field": "identifier", "value": "a"}]}})"));
  ok(ComponentFunction::kDeleteMany,
     parse(
         R"({"input": {"model": "verification"}, "paginationOpts": {"numItems": 10, "cursor": null}})"));
  EXPECT_THAT(seen_present, ElementsAre(false, true, true));
}

TEST_F(Writes, CreateAndUpdateReturnWhatTheTriggerLeft) {
  TableTriggers touch;
  touch.on_create = [](WriteTx& tx, const Json& doc) {
    tx.patch(*tx.table("component", "verification"), doc["_id"].get<std::string>(),
             {{"value", "from-trigger"}});
  };
  touch.on_update = [](WriteTx& tx, const Json& new_doc, const Json& old_doc) {
    tx.patch(*tx.table("component", "verification"), new_doc["_id"].get<std::string>(),
             {{"value",
               old_doc["value"].get<std::string>() + "+" + new_doc["value"].get<std::string>()}});
  };
  app_.component().set_triggers("verification", touch);
  const Json created =
      ok(ComponentFunction::kCreate, create_args("verification", {{"identifier", "i"},
                                                                  {"value", "v"},
                                                                  {"expiresAt", 1},
                                                                  {"createdAt", 1},
                                                                  {"updatedAt", 1}}));
  EXPECT_EQ(created["value"], "from-trigger");
  const Json updated =
      ok(ComponentFunction::kUpdateOne, parse(R"({"input": {"model": "verification",
      "update": {"value": "new"}, "where": [{"field": "identifier", "value": "i"}]}})"));
  EXPECT_EQ(updated["value"], "from-trigger+new");
}

TEST_F(Writes, TriggerThatDeletesItsDocumentFailsTheWrite) {
  TableTriggers remove_it;
  remove_it.on_create = [](WriteTx& tx, const Json& doc) {
    tx.remove(*tx.table("component", "verification"), doc["_id"].get<std::string>());
  };
  remove_it.on_update = [](WriteTx& tx, const Json& new_doc, const Json&) {
    tx.remove(*tx.table("component", "verification"), new_doc["_id"].get<std::string>());
  };
  app_.component().set_triggers("verification", remove_it);
  auto created = call(ComponentFunction::kCreate, create_args("verification", {{"identifier", "i"},
                                                                               {"value", "v"},
                                                                               {"expiresAt", 1},
                                                                               {"createdAt", 1},
                                                                               {"updatedAt", 1}}));
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, ThrownKind::kNotFound);
  EXPECT_EQ(created.error().detail, "Failed to create verification (deleted by onCreate trigger?)");
  EXPECT_THAT(documents("component", "verification"), IsEmpty());

  app_.component().set_triggers("verification", {});
  ok(ComponentFunction::kCreate, create_args("verification", {{"identifier", "i"},
                                                              {"value", "v"},
                                                              {"expiresAt", 1},
                                                              {"createdAt", 1},
                                                              {"updatedAt", 1}}));
  app_.component().set_triggers("verification", remove_it);
  auto updated = call(ComponentFunction::kUpdateOne, parse(R"({"input": {"model": "verification",
      "update": {"value": "w"}, "where": [{"field": "identifier", "value": "i"}]}})"));
  ASSERT_FALSE(updated);
  EXPECT_EQ(updated.error().detail, "Failed to update verification (deleted by onUpdate trigger?)");
  EXPECT_EQ(documents("component", "verification").size(), 1u);
}

TEST_F(Writes, AThrowingTriggerRollsBackTheWriteAndTheAppRows) {
  create_user("a@x.io");
  const Json component_before = app_.database().dump("component");
  const Json app_before = app_.database().dump("app");
  ASSERT_TRUE(app_.faults().replace(
      parse(R"({"faults": [{"table": "user", "op": "create", "message": "trigger boom"}]})")));
  auto result = call(ComponentFunction::kCreate, create_args("user", user_fields("b@x.io")));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ThrownKind::kTrigger);
  EXPECT_EQ(result.error().detail, "trigger boom");
  EXPECT_EQ(app_.database().dump("component"), component_before);
  EXPECT_EQ(app_.database().dump("app"), app_before);
}

TEST(CustomSchema, UniqueFieldWithoutAnIndexReportsTheMissingIndex) {
  auto schema =
      parse_schema_text(R"({"tables": {"user": {"fields": {"name": "string", "email": "string",
      "emailVerified": "boolean", "createdAt": "number", "updatedAt": "number"}, "unique": ["email"]}}})");
  ASSERT_TRUE(schema) << schema.error();
  ManualClock clock(kStartMs);
  ReferenceApp::Options options;
  options.component_schema = *schema;
  options.warn = [](const std::string&) {};
  ReferenceApp app(clock, options);
  Json args = Json::object();
  args["input"] = {{"model", "user"},
                   {"data",
                    {{"name", "D"},
                     {"email", "d@x.io"},
                     {"emailVerified", false},
                     {"createdAt", 1},
                     {"updatedAt", 1}}}};
  auto created = app.component().call(ComponentFunction::kCreate, args);
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, ThrownKind::kMissingIndex);
  EXPECT_EQ(created.error().detail, "No index found for useremail") << "sic: no separator";
  auto found = app.component().call(
      ComponentFunction::kFindOne,
      Json::parse(R"({"model": "user", "where": [{"field": "email", "value": "d@x.io"}]})"));
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().detail, "No index found for user.email");
}

}  // namespace
}  // namespace authref::testing
