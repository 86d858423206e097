#include "app/outbox.h"

#include <cmath>

namespace authref {
namespace {

constexpr std::pair<OutboxKind, std::string_view> kKindNames[] = {
    {OutboxKind::kResetPassword, "reset-password"}, {OutboxKind::kVerifyEmail, "verify-email"},
    {OutboxKind::kChangeEmail, "change-email"},     {OutboxKind::kMagicLink, "magic-link"},
    {OutboxKind::kEmailOtp, "email-otp"},           {OutboxKind::kSmsOtp, "sms-otp"},
};

}  // namespace

std::string_view to_string(OutboxKind kind) {
  for (const auto& [value, name] : kKindNames) {
    if (value == kind) return name;
  }
  return "unknown";
}

std::optional<OutboxKind> outbox_kind_named(std::string_view name) {
  for (const auto& [value, text] : kKindNames) {
    if (text == name) return value;
  }
  return std::nullopt;
}

std::int64_t Outbox::append(OutboxKind kind, std::string to, std::string url, std::string token) {
  std::lock_guard lock(mutex_);
  const std::int64_t seq = next_seq_++;
  // Whole milliseconds, as Date.now() gives them.
  messages_.push_back(
      {seq, kind, std::move(to), std::move(url), std::move(token), std::floor(clock_.now_ms())});
  return seq;
}

Json Outbox::list(const std::optional<std::string>& to,
                  const std::optional<OutboxKind>& kind) const {
  std::lock_guard lock(mutex_);
  Json messages = Json::array();
  for (const Message& message : messages_) {
    if (to && message.to != *to) continue;
    if (kind && message.kind != *kind) continue;
    Json json = Json::object();
    json["seq"] = message.seq;
    json["kind"] = to_string(message.kind);
    json["to"] = message.to;
    json["url"] = message.url;
    json["token"] = message.token;
    json["at"] = static_cast<std::int64_t>(message.at);
    messages.push_back(std::move(json));
  }
  Json out = Json::object();
  out["messages"] = std::move(messages);
  return out;
}

void Outbox::clear() {
  std::lock_guard lock(mutex_);
  messages_.clear();
  next_seq_ = 1;
}

}  // namespace authref
