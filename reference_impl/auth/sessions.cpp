#include "auth/sessions.h"

#include <cmath>

#include "auth/adapter.h"
#include "auth/api_error.h"
#include "auth/cookies.h"
#include "auth/random_id.h"
#include "auth/rate_limiter.h"
#include "authconf/signed_cookie.h"
#include "store/clock.h"

namespace authref {

std::int64_t Sessions::now_ms() const {
  return static_cast<std::int64_t>(std::floor(clock_.now_ms()));
}

Json Sessions::create(const EndpointContext& ctx, const Json& user_id, bool dont_remember) {
  const std::int64_t now = now_ms();
  Json data = Json::object();
  data["ipAddress"] = request_ip(ctx.headers).value_or("");
  data["userAgent"] = std::string(ctx.headers.get("user-agent").value_or(""));
  data["expiresAt"] =
      now + (dont_remember ? std::int64_t{86400} : options_.session_expires_in_s) * 1000;
  data["userId"] = user_id;
  data["token"] = random_id(32);
  data["createdAt"] = now;
  data["updatedAt"] = now;
  return adapter_.create("session", data);
}

std::optional<SessionAndUser> Sessions::find(std::string_view token) {
  auto session = adapter_.find_one("session", {{"token", std::string(token)}});
  if (!session) return std::nullopt;
  auto user = adapter_.find_one("user", {{"id", session->at("userId")}});
  if (!user) return std::nullopt;
  return SessionAndUser{std::move(*session), std::move(*user)};
}

std::optional<std::string> Sessions::signed_cookie(const EndpointContext& ctx,
                                                   const std::string& name) const {
  auto it = ctx.cookies.find(name);
  if (it == ctx.cookies.end() || it->second.empty()) return std::nullopt;
  auto token = authconf::verify_signed_cookie_value(it->second, options_.secret);
  if (!token) return std::nullopt;
  return std::move(*token);
}

void Sessions::set_session_cookie(EndpointContext& ctx, const SessionAndUser& session,
                                  std::optional<bool> dont_remember) {
  const bool forget =
      dont_remember ? *dont_remember : signed_cookie(ctx, cookies_.dont_remember()).has_value();
  const std::string& token = session.session.at("token").get_ref<const std::string&>();
  ctx.set_cookie(cookies_.set_cookie(
      cookies_.session_token(), authconf::sign_cookie_value(token, options_.secret),
      forget ? std::nullopt : std::optional(options_.session_expires_in_s)));
  if (forget) {
    ctx.set_cookie(cookies_.set_cookie(cookies_.dont_remember(),
                                       authconf::sign_cookie_value("true", options_.secret),
                                       std::nullopt));
  }
  ctx.new_session = session;
}

void Sessions::delete_session_cookie(EndpointContext& ctx) {
  ctx.set_cookie(cookies_.expire(cookies_.session_token()));
  ctx.set_cookie(cookies_.expire(cookies_.session_data()));
  ctx.set_cookie(cookies_.expire(cookies_.dont_remember()));
}

std::optional<SessionAndUser> Sessions::resolve(EndpointContext& ctx, bool disable_refresh) {
  auto token = signed_cookie(ctx, cookies_.session_token());
  if (!token) return std::nullopt;
  const bool dont_remember = signed_cookie(ctx, cookies_.dont_remember()).has_value();
  auto found = find(*token);
  const std::int64_t now = now_ms();
  if (!found || found->session.at("expiresAt").get<double>() < static_cast<double>(now)) {
    delete_session_cookie(ctx);
    // internalAdapter.deleteSession: deleteWithHooks.
    if (found) adapter_.remove_with_hooks("session", {{"token", *token}});
    ctx.session.reset();
    return std::nullopt;
  }
  if (!dont_remember && !disable_refresh) {
    const double expires_at = found->session.at("expiresAt").get<double>();
    const bool should_update = expires_at -
                                   static_cast<double>(options_.session_expires_in_s) * 1000 +
                                   static_cast<double>(options_.session_update_age_s) * 1000 <=
                               static_cast<double>(now);
    if (should_update) {
      Json update = Json::object();
      update["expiresAt"] = now + options_.session_expires_in_s * 1000;
      update["updatedAt"] = now;
      auto updated = adapter_.update("session", {{"token", *token}}, update);
      if (!updated) {
        delete_session_cookie(ctx);
        throw ApiError::coded(401, "FAILED_TO_GET_SESSION", "Failed to get session");
      }
      found->session = std::move(*updated);
      set_session_cookie(ctx, *found, false);
    }
  }
  ctx.session = found;
  return found;
}

std::optional<SessionAndUser> Sessions::current(EndpointContext& ctx) {
  if (ctx.session_resolved) return ctx.session;
  ctx.session_resolved = true;
  return resolve(ctx, ctx.query_truthy("disableRefresh"));
}

}  // namespace authref
