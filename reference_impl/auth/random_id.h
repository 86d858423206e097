// authref/auth/random_id.h: Better Auth's random identifiers.
//
// generateId(n) draws each character uniformly from an alphabet with
// rejection sampling over crypto.getRandomValues: session tokens are 32
// characters of [A-Za-z0-9], reset tokens 24 (spec/better-auth-wire.md §4.2, §6).
//
//   std::string token = random_id(32);   // "O77xNdQg8eyo5hRzKcoWieRlFscYptSd"
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace authref {

inline constexpr std::string_view kAlphanumeric =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
inline constexpr std::string_view kLowerAlphanumeric = "0123456789abcdefghijklmnopqrstuvwxyz";

// `length` characters, each uniform over `alphabet`, from libsodium's CSPRNG.
std::string random_id(std::size_t length, std::string_view alphabet = kAlphanumeric);

}  // namespace authref
