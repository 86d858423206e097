// Suite `adapter`, differential property: random call sequences of the
// seven component functions (authconf::gen::adapter_call_sequence, scoped to
// the run) go, call for call, to the target through the bridge and to the
// reference component in process (authref, a fresh store per sequence),
// and every answer must be the same: the value, or the error the component
// throws (spec/convex-component.md §3). Where the model cases of
// adapter_model_test.cpp state each rule, this one needs none: whatever the
// reference answers is the expectation, so a target that differs anywhere in
// the query engine, the write paths or the error texts is caught, and
// rapidcheck shrinks the sequence to the shortest that still disagrees.
//
// What differs legitimately between two stores is mapped before comparing:
// the `_id` of each created row (both become row#k, k the create's index in
// the sequence), `_creationTime` (the clock of each store), and the same two
// inside pagination cursors (convex-helpers' `["<index values>",
// _creationTime, _id]`) and inside thrown messages (some quote the where
// clauses). Thrown messages follow bridge-v1: a backend may wrap the
// component's message, so the target's must contain the reference's.
//
// Safety on a real deployment: the generator's CallScope keeps every row
// the sequence writes to the run's two identifiers (`ac-<run>-seq-<n>-k0`,
// `-k1`), every where list starts with a clause on `identifier` (an index of
// its own, so no read meets another row), and the rows are swept by those
// identifiers when the sequence ends.
#include <authconf/gen.h>
#include <authconf/suite.h>

#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "adapter_support.h"
#include "app/reference_app.h"
#include "component/component.h"
#include "store/clock.h"
#include "store/js_value.h"

namespace authconf {
namespace {

using namespace adapter_suite;  // NOLINT: the suite's own helpers

// verification: no unique field and no trigger, and Better Auth writes it
// from several endpoints, so a real deployment's adapter meets it often.
constexpr const char* kModel = "verification";
constexpr int kMaxLength = 20;
constexpr std::string_view kPlaceholder = "@scope";

// Set when a bridge call failed inside the property: the case then records
// an error outcome (the transport failed; not a verdict on the target).
bool& bridge_failed() {
  static bool flag = false;
  return flag;
}

// A `continueCursor` or `splitCursor` with its ids named and its
// `_creationTime` (the key's second-to-last value) scrubbed. Not JSON (an
// opaque cursor): compared as it is.
std::string scrub_cursor(const std::string& cursor,
                         const std::map<std::string, std::string>& names) {
  if (!nlohmann::json::accept(cursor)) return cursor;
  nlohmann::json key = nlohmann::json::parse(cursor);
  if (!key.is_array()) return cursor;
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (key[i].is_string()) {
      if (auto it = names.find(key[i].get<std::string>()); it != names.end()) key[i] = it->second;
    } else if (key[i].is_number() && i + 2 == key.size()) {
      key[i] = "<_creationTime>";
    }
  }
  return "cursor " + key.dump();
}

// `value` with every id of a created row named row#k, `_creationTime`
// scrubbed and cursors scrubbed.
nlohmann::json scrub(const nlohmann::json& value, const std::map<std::string, std::string>& names) {
  if (value.is_string()) {
    auto it = names.find(value.get<std::string>());
    return it == names.end() ? value : nlohmann::json(it->second);
  }
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : value) out.push_back(scrub(item, names));
    return out;
  }
  if (!value.is_object()) return value;
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, item] : value.items()) {
    if (key == "_creationTime" && item.is_number()) {
      out[key] = "<_creationTime>";
    } else if ((key == "continueCursor" || key == "splitCursor") && item.is_string()) {
      out[key] = scrub_cursor(item.get<std::string>(), names);
    } else {
      out[key] = scrub(item, names);
    }
  }
  return out;
}

// A thrown message with the ids of created rows named: the component
// quotes the where clauses in some messages ("OR connector not supported
// …: [{"field":"_id","value":"<id>"}, …]").
std::string named(std::string text, const std::map<std::string, std::string>& names) {
  for (const auto& [id, name] : names) {
    for (auto at = text.find(id); at != std::string::npos; at = text.find(id, at + name.size())) {
      text.replace(at, id.size(), name);
    }
  }
  return text;
}

// One side of the comparison: "returned <scrubbed value>" or "threw <message>".
std::string shown(const std::optional<std::string>& thrown, const Json& value,
                  const std::map<std::string, std::string>& names) {
  if (thrown) return "threw " + nlohmann::json(named(*thrown, names)).dump();
  return "returned " + scrub(canon(value), names).dump();
}

// One side's bookkeeping: the id each create returned (by create index) and
// the name of each id.
struct Side {
  std::vector<std::optional<std::string>> created;
  std::map<std::string, std::string> names;

  void record_create(const std::optional<std::string>& thrown, const Json& value) {
    std::optional<std::string> id;
    if (!thrown && value.is_object() && value.contains("_id") && value["_id"].is_string()) {
      id = value["_id"].get<std::string>();
      names[*id] = "row#" + std::to_string(created.size());
    }
    created.push_back(id);
  }
};

// The reference component of one sequence: an empty store with the
// component's default schema.
struct Reference {
  authref::ManualClock clock{1795344700000.0};
  std::unique_ptr<authref::ReferenceApp> app;

  Reference() {
    authref::ReferenceApp::Options options;
    options.warn = [](const std::string&) {};  // the component's console.warn
    app = std::make_unique<authref::ReferenceApp>(clock, options);
  }
  // {thrown, value} as the bridge would serialise them (JSON.stringify).
  std::pair<std::optional<std::string>, Json> call(const std::string& function, const Json& args) {
    clock.advance_ms(1);
    const auto named = authref::component_function_named(function);
    if (!named) RC_FAIL("the generator produced an unknown function " + function);
    const authref::ComponentResult result = app->component().call(*named, args);
    if (!result) return {result.error().detail, Json()};
    return {std::nullopt, Json::parse(authref::js_stringify(*result))};
  }
};

// The target's rows of the sequence, swept by the scope's identifiers
// whatever happens (rapidcheck unwinds a failing run with an exception).
struct Sweep {
  std::vector<std::string> keys;
  ~Sweep() {
    for (const std::string& key : keys) {
      if (!sweep_now(kModel, where({eq(gen::scope_field(kModel), key)}))) {
        std::cout << "authconf adapter: could not remove " << kModel << " rows of " << key << "\n";
        ::testing::Test::RecordProperty("leftover", std::string(kModel) + " " + key);
      }
    }
  }
};

// After the sequence, every row left in scope, read the same way on both.
gen::AdapterCall read_back(const gen::CallScope& scope) {
  Json clause = Json::object();
  clause["field"] = gen::scope_field(kModel);
  clause["operator"] = "in";
  clause["value"] = scope.keys();
  Json args = Json::object();
  args["model"] = kModel;
  args["where"] = Json::array({clause});
  args["paginationOpts"] = pagination(200);
  return gen::AdapterCall{"findMany", std::move(args)};
}

TEST(AdapterSequence, MatchesTheReferenceComponent) {
  AUTHCONF_CASE("adapter.sequence.matches-reference-component", "spec/convex-component.md §3");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  bridge_failed() = false;
  // A far-future window of dates: never swept as expired by real traffic.
  const double origin = static_cast<double>(window());
  suite::check_property(
      "random scoped sequences of the seven functions on `verification` answer, call for call, "
      "what the reference component answers (ids and _creationTime mapped)",
      30, [origin] {
        // Generated under a placeholder prefix, bound to a fresh marker in
        // each execution: a shrink step replays the generated calls, and
        // must not meet the rows of the step before.
        std::vector<gen::AdapterCall> calls = *gen::adapter_call_sequence(
            kModel, gen::CallScope{std::string(kPlaceholder), origin}, kMaxLength);
        const gen::CallScope scope{marker("seq"), origin};
        for (gen::AdapterCall& call : calls) {
          call.args = gen::rebind_prefix(call.args, kPlaceholder, scope.prefix);
        }
        Sweep sweep{scope.keys()};
        calls.push_back(read_back(scope));
        Reference reference;
        Side target_side, reference_side;
        for (std::size_t step = 0; step < calls.size(); ++step) {
          const gen::AdapterCall& call = calls[step];
          const auto target_args = gen::resolve_rows(call.args, target_side.created);
          const auto reference_args = gen::resolve_rows(call.args, reference_side.created);
          // Both or neither: the creates it names threw on both sides (a
          // create that threw on one side only has failed the run already).
          RC_ASSERT(target_args.has_value() == reference_args.has_value());
          if (!target_args) continue;  // names a row neither side has

          auto answer = suite::bridge().adapter(call.function, *target_args);
          if (!answer) {
            bridge_failed() = true;
            std::ostringstream detail;
            detail << call.function << ": " << answer.error();
            RC_FAIL("[authconf error, not a verdict] the bridge call failed: " + detail.str());
          }
          const auto [reference_thrown, reference_value] =
              reference.call(call.function, *reference_args);
          if (call.function == "create") {
            target_side.record_create(answer->thrown, answer->value);
            reference_side.record_create(reference_thrown, reference_value);
          }
          std::string from_target = shown(answer->thrown, answer->value, target_side.names);
          const std::string from_reference =
              shown(reference_thrown, reference_value, reference_side.names);
          // bridge-v1: the component's message, maybe wrapped by the backend.
          if (answer->thrown && reference_thrown &&
              named(*answer->thrown, target_side.names)
                      .find(named(*reference_thrown, reference_side.names)) != std::string::npos) {
            from_target = from_reference;
          }
          RC_LOG() << "step " << step << ": " << call.function << " " << call.args.dump() << "\n";
          RC_ASSERT(from_target == from_reference);
        }
      });
  if (bridge_failed()) suite::record_error("a bridge call failed during the property");
}

}  // namespace
}  // namespace authconf
