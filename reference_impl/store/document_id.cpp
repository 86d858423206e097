#include "store/document_id.h"

#include <array>
#include <vector>

namespace authref {
namespace {

constexpr std::string_view kAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";
constexpr std::size_t kRandomBytes = 16;

std::uint16_t fletcher16(const std::vector<std::uint8_t>& bytes) {
  std::uint32_t a = 0, b = 0;
  for (std::uint8_t byte : bytes) {
    a = (a + byte) % 255;
    b = (b + a) % 255;
  }
  return static_cast<std::uint16_t>((b << 8) | a);
}

std::string base32(const std::vector<std::uint8_t>& bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::uint8_t byte : bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
  return out;
}

std::optional<std::vector<std::uint8_t>> unbase32(std::string_view text) {
  std::vector<std::uint8_t> out;
  out.reserve(text.size() * 5 / 8);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const auto digit = kAlphabet.find(c);
    if (digit == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 5) | static_cast<std::uint32_t>(digit);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<std::uint8_t>(buffer >> (bits - 8)));
      bits -= 8;
    }
  }
  // Leftover bits must be the zero padding base32() wrote.
  if ((buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

}  // namespace

DocumentIdGenerator::DocumentIdGenerator(std::uint64_t seed) : random_(seed) {}

std::string DocumentIdGenerator::next(std::uint32_t table_number) {
  std::vector<std::uint8_t> bytes;
  for (std::uint32_t n = table_number;; n >>= 7) {
    const auto low = static_cast<std::uint8_t>(n & 0x7f);
    if (n < 0x80) {
      bytes.push_back(low);
      break;
    }
    bytes.push_back(low | 0x80);
  }
  for (std::size_t i = 0; i < kRandomBytes; i += 8) {
    std::uint64_t word = random_();
    for (int j = 0; j < 8; ++j, word >>= 8) bytes.push_back(static_cast<std::uint8_t>(word));
  }
  const std::uint16_t check = fletcher16(bytes);
  bytes.push_back(static_cast<std::uint8_t>(check >> 8));
  bytes.push_back(static_cast<std::uint8_t>(check));
  return base32(bytes);
}

std::optional<std::uint32_t> table_number_of(std::string_view id) {
  if (id.size() < 31 || id.size() > 36) return std::nullopt;
  auto bytes = unbase32(id);
  if (!bytes || bytes->size() < kRandomBytes + 3) return std::nullopt;
  const std::uint16_t stored =
      static_cast<std::uint16_t>(((*bytes)[bytes->size() - 2] << 8) | bytes->back());
  bytes->resize(bytes->size() - 2);
  if (fletcher16(*bytes) != stored) return std::nullopt;
  std::uint32_t table = 0;
  std::size_t i = 0;
  for (int shift = 0; i < bytes->size() && shift < 32; ++i, shift += 7) {
    table |= static_cast<std::uint32_t>((*bytes)[i] & 0x7f) << shift;
    if (((*bytes)[i] & 0x80) == 0) break;
  }
  if (i >= bytes->size() || bytes->size() - (i + 1) != kRandomBytes) return std::nullopt;
  return table;
}

}  // namespace authref
