#include "authconf/bridge.h"

namespace authconf {
namespace {

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Result<std::vector<Json>, BridgeError> array_field(const Json& body, const char* field) {
  if (!body.is_object() || !body.contains(field) || !body[field].is_array()) {
    return fail(BridgeError::kMalformed,
                std::string("expected {\"") + field + "\":[…]}, got " + body.dump());
  }
  return body[field].get<std::vector<Json>>();
}

}  // namespace

std::string_view to_string(BridgeError code) {
  switch (code) {
    case BridgeError::kNoBridge:
      return "no-bridge";
    case BridgeError::kTransport:
      return "transport";
    case BridgeError::kRefused:
      return "refused";
    case BridgeError::kMalformed:
      return "malformed";
  }
  return "unknown";
}

std::string bridge_error_code(const Error<BridgeError>& error) {
  // kRefused details start with "<CODE> (<status>): ".
  return error.detail.substr(0, error.detail.find(' '));
}

Bridge::Bridge(const Target& target) : target_(target) {}

Result<Exchange, BridgeError> Bridge::raw(std::string_view method, std::string_view path,
                                          std::optional<Json> body,
                                          std::optional<std::string> key) const {
  if (!target_.has_bridge() && !key) {
    return fail(BridgeError::kNoBridge, "no AUTH_TARGET_KEY: the target has no bridge");
  }
  HttpRequestSpec request;
  request.method = std::string(method);
  request.url = target_.url_for("/conformance/v1" + std::string(path));
  request.headers.emplace_back("X-Conformance-Key", key ? *key : *target_.settings().key);
  if (body) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = body->dump();
  }
  auto exchange = send_http(request);
  if (!exchange) {
    return fail(BridgeError::kTransport,
                std::string(to_string(exchange.error().code)) + ": " + exchange.error().detail);
  }
  return *exchange;
}

Result<Json, BridgeError> Bridge::call(std::string_view method, std::string_view path,
                                       std::optional<Json> body) const {
  auto exchange = raw(method, path, std::move(body));
  if (!exchange) return std::unexpected(exchange.error());
  const Json parsed = Json::parse(exchange->response_body, nullptr, false);
  const std::string where = std::string(method) + " /conformance/v1" + std::string(path);
  if (exchange->status >= 400 && exchange->status < 500 && parsed.is_object() &&
      parsed.contains("error") && parsed["error"].is_object()) {
    const Json& error = parsed["error"];
    return fail(BridgeError::kRefused, error.value("code", "?") + " (" +
                                           std::to_string(exchange->status) +
                                           "): " + error.value("message", "") + " [" + where + "]");
  }
  if (exchange->status != 200 || parsed.is_discarded()) {
    return fail(BridgeError::kMalformed, where + " answered " + std::to_string(exchange->status) +
                                             ": " + exchange->response_body.substr(0, 300));
  }
  return parsed;
}

Result<Json, BridgeError> Bridge::capabilities() const { return call("GET", "/capabilities"); }

Result<void, BridgeError> Bridge::reset(bool keep_keys) const {
  auto answer = call("POST", "/reset", keep_keys ? Json::object() : Json{{"keepKeys", false}});
  if (!answer) return std::unexpected(answer.error());
  if (answer->value("ok", false) != true) {
    return fail(BridgeError::kMalformed, "reset answered " + answer->dump());
  }
  return {};
}

Result<AdapterAnswer, BridgeError> Bridge::adapter(std::string_view function,
                                                   const Json& args) const {
  auto answer = call("POST", "/adapter/" + std::string(function), args);
  if (!answer) return std::unexpected(answer.error());
  if (answer->is_object() && answer->contains("thrown") && (*answer)["thrown"].is_string()) {
    return AdapterAnswer{nullptr, (*answer)["thrown"].get<std::string>()};
  }
  if (answer->is_object() && answer->contains("value")) {
    return AdapterAnswer{(*answer)["value"], std::nullopt};
  }
  return fail(BridgeError::kMalformed, "adapter answered " + answer->dump());
}

Result<std::vector<Json>, BridgeError> Bridge::component_table(std::string_view table) const {
  auto answer = call("GET", "/component/" + std::string(table));
  if (!answer) return std::unexpected(answer.error());
  return array_field(*answer, "documents");
}

Result<std::vector<Json>, BridgeError> Bridge::app_table(std::string_view table) const {
  auto answer = call("GET", "/app/" + std::string(table));
  if (!answer) return std::unexpected(answer.error());
  return array_field(*answer, "documents");
}

Result<Json, BridgeError> Bridge::put_faults(const Json& faults) const {
  return call("PUT", "/faults", Json{{"faults", faults}});
}
Result<Json, BridgeError> Bridge::get_faults() const { return call("GET", "/faults"); }
Result<Json, BridgeError> Bridge::clear_faults() const { return call("DELETE", "/faults"); }

Result<std::vector<Json>, BridgeError> Bridge::outbox(std::optional<std::string> to,
                                                      std::optional<std::string> kind) const {
  std::string path = "/outbox";
  char separator = '?';
  if (to) {
    path += separator + ("to=" + percent_encode(*to));
    separator = '&';
  }
  if (kind) path += separator + ("kind=" + percent_encode(*kind));
  auto answer = call("GET", path);
  if (!answer) return std::unexpected(answer.error());
  return array_field(*answer, "messages");
}

Result<IdentityAnswer, BridgeError> Bridge::identity(std::string_view jwt) const {
  if (!target_.has_bridge()) return fail(BridgeError::kNoBridge, "no AUTH_TARGET_KEY");
  HttpRequestSpec request;
  request.url = target_.url_for("/conformance/v1/identity");
  request.headers.emplace_back("X-Conformance-Key", *target_.settings().key);
  request.headers.emplace_back("Authorization", "Bearer " + std::string(jwt));
  auto exchange = send_http(request);
  if (!exchange) {
    return fail(BridgeError::kTransport, std::string(to_string(exchange.error().code)));
  }
  const Json parsed = Json::parse(exchange->response_body, nullptr, false);
  if (exchange->status != 200 || !parsed.is_object()) {
    return fail(BridgeError::kMalformed, "identity answered " + std::to_string(exchange->status) +
                                             ": " + exchange->response_body.substr(0, 300));
  }
  if (parsed.contains("thrown")) {
    return IdentityAnswer{nullptr, nullptr, parsed.value("thrown", "")};
  }
  if (!parsed.contains("identity") || !parsed.contains("authUser")) {
    return fail(BridgeError::kMalformed, "identity answered " + parsed.dump());
  }
  return IdentityAnswer{parsed["identity"], parsed["authUser"], std::nullopt};
}

Result<void, BridgeError> Bridge::set_clock_offset(std::int64_t offset_ms) const {
  auto answer = call("PUT", "/clock", Json{{"offsetMs", offset_ms}});
  if (!answer) return std::unexpected(answer.error());
  return {};
}

}  // namespace authconf
