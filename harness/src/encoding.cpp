#include "authconf/encoding.h"

#include <sodium.h>

#include <array>

#include "internal/sodium_init.h"

namespace authconf {
namespace {

constexpr std::string_view kStdAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string encode_base64_with(std::string_view alphabet, const std::uint8_t* data,
                               std::size_t size, bool pad) {
  std::string out;
  out.reserve((size + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    std::uint32_t n = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  if (std::size_t rest = size - i; rest > 0) {
    std::uint32_t n = data[i] << 16;
    if (rest == 2) n |= data[i + 1] << 8;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    if (rest == 2) out += alphabet[(n >> 6) & 63];
    if (pad) out.append(rest == 1 ? "==" : "=");
  }
  return out;
}

// Decodes the unpadded body; `text` holds no '=' here. Forgiving decoders
// discard unused trailing bits instead of rejecting them.
Result<Bytes, EncodingError> decode_base64_body(std::string_view alphabet, std::string_view text,
                                                bool forgiving = false) {
  std::array<int, 256> value{};
  value.fill(-1);
  for (std::size_t i = 0; i < alphabet.size(); ++i)
    value[static_cast<unsigned char>(alphabet[i])] = static_cast<int>(i);
  if (text.size() % 4 == 1)
    return fail(EncodingError::kInvalidLength, "base64 length leaves a lone character");
  Bytes out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    int v = value[static_cast<unsigned char>(text[i])];
    if (v < 0)
      return fail(EncodingError::kInvalidCharacter,
                  "byte " + std::to_string(i) + " is not in the base64 alphabet");
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xFF));
    }
  }
  if (!forgiving && (acc & ((1u << bits) - 1)) != 0)
    return fail(EncodingError::kNonCanonical, "unused trailing bits are not zero");
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Length of the UTF-8 sequence at `s`, and its code point; 0 when invalid
// (overlong forms, surrogates and values past U+10FFFF are invalid, as in JS).
std::size_t decode_utf8(std::string_view s, std::size_t at, char32_t& cp) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[at + k]); };
  unsigned char lead = b(0);
  std::size_t len = lead < 0x80           ? 1
                    : (lead >> 5) == 0x6  ? 2
                    : (lead >> 4) == 0xE  ? 3
                    : (lead >> 3) == 0x1E ? 4
                                          : 0;
  if (len == 0 || at + len > s.size()) return 0;
  cp = len == 1 ? lead : len == 2 ? (lead & 0x1F) : len == 3 ? (lead & 0x0F) : (lead & 0x07);
  for (std::size_t k = 1; k < len; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(k) & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

}  // namespace

std::string_view to_string(EncodingError code) {
  switch (code) {
    case EncodingError::kInvalidCharacter:
      return "invalid-character";
    case EncodingError::kInvalidLength:
      return "invalid-length";
    case EncodingError::kInvalidPadding:
      return "invalid-padding";
    case EncodingError::kNonCanonical:
      return "non-canonical";
    case EncodingError::kInvalidPercentEscape:
      return "invalid-percent-escape";
    case EncodingError::kInvalidUtf8:
      return "invalid-utf8";
  }
  return "unknown";
}

Bytes to_bytes(std::string_view text) { return Bytes(text.begin(), text.end()); }
std::string to_string(const Bytes& bytes) { return std::string(bytes.begin(), bytes.end()); }

std::string base64_encode(std::string_view bytes) {
  return encode_base64_with(kStdAlphabet, reinterpret_cast<const std::uint8_t*>(bytes.data()),
                            bytes.size(), true);
}
std::string base64_encode(const Bytes& bytes) {
  return encode_base64_with(kStdAlphabet, bytes.data(), bytes.size(), true);
}

Result<Bytes, EncodingError> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0)
    return fail(EncodingError::kInvalidLength, "padded base64 length must be a multiple of 4");
  // Padding is one or two '=' at the very end; with the length a multiple of
  // 4 that fixes the body length too.
  std::size_t body = text.find('=');
  if (body == std::string_view::npos) body = text.size();
  if (text.size() - body > 2 || text.find_first_not_of('=', body) != std::string_view::npos)
    return fail(EncodingError::kInvalidPadding, "'=' may only be the last one or two characters");
  return decode_base64_body(kStdAlphabet, text.substr(0, body));
}

Result<Bytes, EncodingError> base64_decode_forgiving(std::string_view text) {
  std::string data;
  for (char c : text)
    if (c != ' ' && c != '\t' && c != '\n' && c != '\f' && c != '\r') data += c;
  if (data.size() % 4 == 0) {
    if (data.ends_with("=="))
      data.resize(data.size() - 2);
    else if (data.ends_with("="))
      data.resize(data.size() - 1);
  }
  if (data.size() % 4 == 1)
    return fail(EncodingError::kInvalidLength, "base64 length leaves a lone character");
  if (data.find('=') != std::string::npos)
    return fail(EncodingError::kInvalidPadding, "'=' inside base64 data");
  return decode_base64_body(kStdAlphabet, data, true);
}

std::string base64url_encode(std::string_view bytes) {
  return encode_base64_with(kUrlAlphabet, reinterpret_cast<const std::uint8_t*>(bytes.data()),
                            bytes.size(), false);
}
std::string base64url_encode(const Bytes& bytes) {
  return encode_base64_with(kUrlAlphabet, bytes.data(), bytes.size(), false);
}

Result<Bytes, EncodingError> base64url_decode(std::string_view text) {
  // RFC 7515 §2: base64url "with all trailing '=' characters omitted".
  if (text.find('=') != std::string_view::npos)
    return fail(EncodingError::kInvalidPadding, "base64url in JOSE carries no '=' padding");
  return decode_base64_body(kUrlAlphabet, text);
}

std::string hex_encode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}
std::string hex_encode(const Bytes& bytes) {
  return hex_encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

Result<Bytes, EncodingError> hex_decode(std::string_view text) {
  if (text.size() % 2 != 0)
    return fail(EncodingError::kInvalidLength, "hex has an odd number of digits");
  Bytes out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    int hi = hex_value(text[i]), lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0)
      return fail(EncodingError::kInvalidCharacter,
                  "non-hex digit at " + std::to_string(hi < 0 ? i : i + 1));
    out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
  }
  return out;
}

std::string encode_uri_component(std::string_view text) {
  static constexpr std::string_view kUnreserved = "-_.!~*'()";
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
        kUnreserved.find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kDigits[c >> 4];
      out += kDigits[c & 15];
    }
  }
  return out;
}

Result<std::string, EncodingError> decode_uri_component(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size())
      return fail(EncodingError::kInvalidPercentEscape,
                  "'%' at " + std::to_string(i) + " is cut short");
    int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
    if (hi < 0 || lo < 0)
      return fail(EncodingError::kInvalidPercentEscape,
                  "'%' at " + std::to_string(i) + " is not followed by two hex digits");
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  if (auto length = utf16_length(out); !length)
    return fail(EncodingError::kInvalidUtf8, "percent-decoded bytes are not UTF-8");
  return out;
}

Result<std::size_t, EncodingError> utf16_length(std::string_view utf8) {
  std::size_t units = 0;
  for (std::size_t i = 0; i < utf8.size();) {
    char32_t cp = 0;
    std::size_t len = decode_utf8(utf8, i, cp);
    if (len == 0)
      return fail(EncodingError::kInvalidUtf8, "invalid UTF-8 at byte " + std::to_string(i));
    units += cp >= 0x10000 ? 2 : 1;
    i += len;
  }
  return units;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  internal::ensure_sodium();
  return a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace authconf
