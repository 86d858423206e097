// authconf/result.h: how every wire primitive reports failure.
//
// No exception crosses the harness API. A primitive returns Result<T, Code>,
// which holds either the value or an Error naming one member of a closed enum
// plus a human-readable detail. Tests assert the exact code:
//
//   auto token = authconf::verify_signed_cookie_value(value, secret);
//   ASSERT_FALSE(token);
//   EXPECT_EQ(token.error().code, authconf::SignedCookieError::kBadSignature);
#pragma once

#include <expected>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace authconf {

// One failure: which one (a closed enum) and what exactly was wrong.
template <class Code>
struct Error {
  Code code;
  std::string detail;
};

template <class T, class Code>
using Result = std::expected<T, Error<Code>>;

// Builds the unexpected side of a Result: `return fail(Code::kX, "why");`.
template <class Code>
std::unexpected<Error<Code>> fail(Code code, std::string detail = {}) {
  return std::unexpected(Error<Code>{code, std::move(detail)});
}

// Prints "<name>: <detail>" for any code that has a to_string overload, so
// gtest failure messages name the error.
template <class Code>
requires requires(Code c) {
  { to_string(c) } -> std::convertible_to<std::string_view>;
}
std::ostream& operator<<(std::ostream& out, const Error<Code>& error) {
  out << to_string(error.code);
  if (!error.detail.empty()) out << ": " << error.detail;
  return out;
}

}  // namespace authconf
