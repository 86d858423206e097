// authref/app/outbox.h: the mail and SMS the auth layer would send
// (bridge-v1 `GET /outbox`).
//
// Better Auth's sendResetPassword, sendVerificationEmail, magic-link,
// email-OTP and SMS-OTP callbacks append here, so a suite can read the link
// or code a user would have received.
//
//   Outbox outbox(clock);
//   outbox.append(OutboxKind::kResetPassword, "a@example.com", url, token);
//   outbox.list("a@example.com", std::nullopt)
//   // {"messages":[{"seq":1,"kind":"reset-password","to":"a@example.com",...}]}
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/clock.h"
#include "store/value_order.h"

namespace authref {

enum class OutboxKind {
  kResetPassword,
  kVerifyEmail,
  kChangeEmail,
  kMagicLink,
  kEmailOtp,
  kSmsOtp
};
// "reset-password", "verify-email", ... as the bridge spells them.
std::string_view to_string(OutboxKind kind);
std::optional<OutboxKind> outbox_kind_named(std::string_view name);

class Outbox {
 public:
  explicit Outbox(const Clock& clock) : clock_(clock) {}
  // Records one message; returns its sequence number (1, 2, ...).
  std::int64_t append(OutboxKind kind, std::string to, std::string url, std::string token);
  // {"messages": [...]} in sending order, filtered by recipient and kind.
  Json list(const std::optional<std::string>& to, const std::optional<OutboxKind>& kind) const;
  void clear();

 private:
  struct Message {
    std::int64_t seq;
    OutboxKind kind;
    std::string to, url, token;
    double at;
  };
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::vector<Message> messages_;
  std::int64_t next_seq_ = 1;
};

}  // namespace authref
