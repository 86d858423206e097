#include "app/faults.h"

#include <algorithm>
#include <cmath>

#include "store/js_value.h"
#include "store/thrown.h"

namespace authref {

std::string_view to_string(FaultsError error) {
  switch (error) {
    case FaultsError::kNotAnObject:
      return "not-an-object";
    case FaultsError::kBadFault:
      return "bad-fault";
  }
  return "unknown";
}

namespace {

authconf::Result<Faults::Fault, FaultsError> parse_fault(const Json& json, std::size_t index) {
  const std::string where = "faults[" + std::to_string(index) + "]";
  if (!json.is_object())
    return authconf::fail(FaultsError::kBadFault, where + " must be an object");
  for (const auto& item : json.items()) {
    static constexpr std::string_view kKnown[] = {"table", "op",    "message",
                                                  "match", "times", "patch"};
    if (std::ranges::find(kKnown, item.key()) == std::end(kKnown)) {
      return authconf::fail(FaultsError::kBadFault,
                            where + " has unknown field \"" + item.key() + "\"");
    }
  }
  Faults::Fault fault;
  auto table = json.find("table");
  if (table == json.end() || !table->is_string() ||
      std::ranges::find(kFaultTables, table->get<std::string>()) == std::end(kFaultTables)) {
    return authconf::fail(FaultsError::kBadFault,
                          where + ".table must be one of user, session, account, verification");
  }
  fault.table = table->get<std::string>();
  auto op = json.find("op");
  if (op == json.end() || !op->is_string() ||
      (*op != "create" && *op != "update" && *op != "delete")) {
    return authconf::fail(FaultsError::kBadFault, where + ".op must be create, update or delete");
  }
  fault.op = op->get<std::string>();
  if (auto message = json.find("message"); message != json.end()) {
    if (!message->is_string())
      return authconf::fail(FaultsError::kBadFault, where + ".message must be a string");
    fault.message = message->get<std::string>();
  } else {
    fault.message = "injected: " + fault.table + "." + fault.op;
    fault.throws = !json.contains("patch");
  }
  if (auto patch = json.find("patch"); patch != json.end()) {
    if (!patch->is_object() || patch->empty() || patch->contains("_id") ||
        patch->contains("_creationTime")) {
      return authconf::fail(FaultsError::kBadFault,
                            where +
                                ".patch must be an object of fields other than _id and "
                                "_creationTime");
    }
    if (fault.op == "delete") {
      return authconf::fail(FaultsError::kBadFault,
                            where +
                                ".patch needs op create or update (a deleted document "
                                "cannot be patched)");
    }
    fault.patch = *patch;
  }
  if (auto match = json.find("match"); match != json.end()) {
    if (!match->is_object())
      return authconf::fail(FaultsError::kBadFault, where + ".match must be an object");
    fault.match = *match;
  }
  if (auto times = json.find("times"); times != json.end()) {
    const double value = times->is_number() ? number_value(*times) : -1;
    if (value < 0 || value != std::floor(value) || value > 1e15) {
      return authconf::fail(FaultsError::kBadFault, where + ".times must be a whole number >= 0");
    }
    fault.times = static_cast<std::int64_t>(value);
  }
  return fault;
}

bool matches(const Json& match, const Json& document) {
  for (const auto& item : match.items()) {
    auto it = document.find(item.key());
    if (it == document.end() || compare_values(&*it, &item.value()) != 0) return false;
  }
  return true;
}

}  // namespace

Json Faults::to_json(const Fault& fault) {
  Json json = Json::object();
  json["table"] = fault.table;
  json["op"] = fault.op;
  if (fault.throws) json["message"] = fault.message;
  if (!fault.patch.is_null()) json["patch"] = fault.patch;
  json["match"] = fault.match;
  if (fault.times) json["times"] = *fault.times;
  return json;
}

authconf::Result<Json, FaultsError> Faults::replace(const Json& body) {
  if (!body.is_object() || !body.contains("faults") || !body["faults"].is_array()) {
    return authconf::fail(FaultsError::kNotAnObject, "the body must be {\"faults\": [...]}");
  }
  std::vector<Fault> parsed;
  for (std::size_t i = 0; i < body["faults"].size(); ++i) {
    auto fault = parse_fault(body["faults"][i], i);
    if (!fault) return std::unexpected(fault.error());
    parsed.push_back(std::move(*fault));
  }
  {
    std::lock_guard lock(mutex_);
    faults_ = std::move(parsed);
  }
  return list();
}

Json Faults::list() const {
  std::lock_guard lock(mutex_);
  Json array = Json::array();
  for (const Fault& fault : faults_) array.push_back(to_json(fault));
  Json out = Json::object();
  out["faults"] = std::move(array);
  return out;
}

Json Faults::clear() {
  {
    std::lock_guard lock(mutex_);
    faults_.clear();
  }
  return list();
}

void Faults::fire_if_matching(std::string_view table, std::string_view op, const Json& document,
                              const PatchFn& apply_patch) {
  std::optional<std::string> message;
  Json patch = nullptr;
  {
    std::lock_guard lock(mutex_);
    for (Fault& fault : faults_) {
      if (fault.table != table || fault.op != op) continue;
      if (fault.times && *fault.times <= 0) continue;
      if (!matches(fault.match, document)) continue;
      if (fault.times) --*fault.times;
      if (fault.throws) message = fault.message;
      patch = fault.patch;
      break;
    }
  }
  // Outside the lock: the patch is a write of the mutation, and the throw
  // unwinds through the component's rollback.
  if (!patch.is_null() && apply_patch) apply_patch(patch);
  if (message) throw Thrown(ThrownKind::kTrigger, *message);
}

}  // namespace authref
