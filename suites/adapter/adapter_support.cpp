// Helpers of the `adapter` suite (see adapter_support.h).
#include "adapter_support.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>

#include "authconf/suite.h"
#include "authconf/transcript.h"

namespace authconf::adapter_suite {
namespace {

std::atomic<int>& counter() {
  static std::atomic<int> instance{0};
  return instance;
}

}  // namespace

std::string marker(std::string_view tag) {
  return "ac-" + suite::target().run_id() + "-" + std::string(tag) + "-" +
         std::to_string(++counter());
}

std::int64_t window() {
  // From 2200-01-01 on, far beyond any real expiry, and in the future:
  // Better Auth's findVerificationValue deletes every verification row with
  // `expiresAt < now` (better-auth dist/db/internal-adapter.mjs), so a past
  // window would let real traffic delete a case's rows under it.
  static const std::int64_t base = [] {
    const std::size_t hash = std::hash<std::string>{}(suite::target().run_id());
    return std::int64_t{7'258'118'400'000} + static_cast<std::int64_t>(hash % 100'000) * 1'000'000;
  }();
  static std::atomic<std::int64_t> next{0};
  return base + 100 * ++next;
}

Json eq(std::string_view field, Json value) {
  return Json{{"field", field}, {"value", std::move(value)}};
}

Json clause(std::string_view field, std::string_view op, Json value) {
  return Json{{"field", field}, {"operator", op}, {"value", std::move(value)}};
}

Json where(std::initializer_list<Json> clauses) {
  Json out = Json::array();
  for (const Json& item : clauses) out.push_back(item);
  return out;
}

Json pagination(int num_items, Json cursor) {
  return Json{{"numItems", num_items}, {"cursor", std::move(cursor)}};
}

Json verification(const std::string& identifier, const std::string& value, std::int64_t expires_at,
                  std::int64_t created) {
  return Json{{"identifier", identifier},
              {"value", value},
              {"expiresAt", expires_at},
              {"createdAt", created},
              {"updatedAt", created}};
}

Json session(const std::string& token, const std::string& user_id, std::int64_t expires_at,
             std::int64_t created) {
  return Json{{"expiresAt", expires_at},
              {"token", token},
              {"createdAt", created},
              {"updatedAt", created},
              {"userId", user_id}};
}

Json user(const std::string& email, const std::string& name, std::int64_t created) {
  return Json{{"name", name},
              {"email", email},
              {"emailVerified", false},
              {"createdAt", created},
              {"updatedAt", created}};
}

Result<AdapterAnswer, BridgeError> call(std::string_view function, const Json& args) {
  return suite::bridge().adapter(function, args);
}

bool thrown_contains(const AdapterAnswer& answer, std::string_view needle) {
  return answer.thrown && answer.thrown->find(needle) != std::string::npos;
}

nlohmann::json canon(const Json& value) { return nlohmann::json::parse(value.dump()); }

std::vector<std::string> strings_of(const Json& page, std::string_view field) {
  std::vector<std::string> out;
  if (!page.is_array()) return out;
  for (const Json& document : page) {
    auto it = document.find(field);
    out.push_back(it != document.end() && it->is_string() ? it->get<std::string>() : "<none>");
  }
  return out;
}

bool sweep_now(std::string_view model, const Json& where_clauses) {
  // A bounded number of pages: each deletes up to 500 rows of the marker.
  for (int page = 0; page < 20; ++page) {
    auto removed = call("deleteMany", Json{{"input", {{"model", model}, {"where", where_clauses}}},
                                           {"paginationOpts", pagination(500)}});
    if (!removed || removed->thrown) return false;
    if (removed->value.value("isDone", true)) return true;
  }
  return false;
}

Rows::~Rows() {
  std::vector<std::string> leftovers;
  for (const auto& [model, id] : ids_) {
    auto removed =
        call("deleteOne", Json{{"input", {{"model", model}, {"where", where({eq("_id", id)})}}}});
    // null: the case deleted it itself.
    if (!removed || removed->thrown) leftovers.push_back(model + " " + id);
  }
  for (const auto& [model, clauses] : sweeps_) {
    if (!sweep_now(model, clauses)) leftovers.push_back(model + " where " + clauses.dump());
  }
  if (!leftovers.empty()) {
    std::string list;
    for (const std::string& item : leftovers) list += (list.empty() ? "" : "; ") + item;
    std::cout << "authconf adapter: could not remove " << list << "\n";
    ::testing::Test::RecordProperty("leftover", list);
  }
}

void Rows::track(std::string model, const Json& document) {
  if (document.is_object() && document.contains("_id") && document["_id"].is_string()) {
    ids_.emplace_back(std::move(model), document["_id"].get<std::string>());
  }
}

void Rows::sweep(std::string model, Json where_clauses) {
  sweeps_.emplace_back(std::move(model), std::move(where_clauses));
}

std::optional<std::vector<Json>> seed(Rows& rows, std::string_view model,
                                      const std::vector<Json>& documents) {
  std::vector<Json> created;
  for (const Json& data : documents) {
    auto answer = call("create", Json{{"input", {{"model", model}, {"data", data}}}});
    if (!answer) {
      suite::record_failed("create " + std::string(model), answer.error());
      return std::nullopt;
    }
    if (answer->thrown) {
      ADD_FAILURE() << "create " << model << " " << data.dump() << " threw: " << *answer->thrown;
      return std::nullopt;
    }
    rows.track(std::string(model), answer->value);
    created.push_back(answer->value);
  }
  return created;
}

}  // namespace authconf::adapter_suite
