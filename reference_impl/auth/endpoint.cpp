#include "auth/endpoint.h"

#include "auth/cookies.h"

namespace authref {

void EndpointContext::reparse_cookies() {
  auto header = headers.get("cookie");
  cookies = header ? parse_cookie_header(*header) : decltype(cookies){};
}

const Json* EndpointContext::body_field(std::string_view name) const {
  if (!has_body || !body.is_object()) return nullptr;
  auto it = body.find(std::string(name));
  return it == body.end() ? nullptr : &*it;
}

const Json* EndpointContext::query_field(std::string_view name) const {
  auto it = query.find(std::string(name));
  return it == query.end() ? nullptr : &*it;
}

bool EndpointContext::query_truthy(std::string_view name) const {
  const Json* value = query_field(name);
  if (!value) return false;
  if (value->is_string()) return !value->get_ref<const std::string&>().empty();
  return true;
}

void EndpointContext::redirect(const std::string& url) {
  status = 302;
  response_headers.set("location", url);
  json_body.reset();
}

}  // namespace authref
