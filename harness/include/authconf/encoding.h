// authconf/encoding.h: the byte encodings Better Auth and JOSE put on the wire.
//
//   std::string b64 = authconf::base64_encode(bytes);          // "ab+/=="
//   auto raw = authconf::base64url_decode("eyJhbGciOiJSUzI1NiJ9");
//   std::string v = authconf::encode_uri_component("a.b+c/=");  // "a.b%2Bc%2F%3D"
//
// Decoders are strict: they reject what the matching encoder would never
// produce (bad characters, wrong padding, non-canonical trailing bits), so a
// tampered value can never decode to the same bytes as the original.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "authconf/result.h"

namespace authconf {

using Bytes = std::vector<std::uint8_t>;

enum class EncodingError {
  kInvalidCharacter,      // a byte outside the alphabet
  kInvalidLength,         // length impossible for the encoding
  kInvalidPadding,        // padding missing, misplaced, or present where forbidden
  kNonCanonical,          // trailing bits set: two inputs would decode alike
  kInvalidPercentEscape,  // '%' not followed by two hex digits
  kInvalidUtf8,           // percent-decoded bytes are not UTF-8
};
std::string_view to_string(EncodingError code);

Bytes to_bytes(std::string_view text);
std::string to_string(const Bytes& bytes);

// RFC 4648 §4 with '=' padding (Node's Buffer 'base64').
std::string base64_encode(std::string_view bytes);
std::string base64_encode(const Bytes& bytes);
Result<Bytes, EncodingError> base64_decode(std::string_view text);
// WHATWG "forgiving-base64 decode", which JavaScript's atob() uses: ASCII
// whitespace is dropped, padding is optional, and unused trailing bits are
// ignored. Better Auth reads cookie signatures this way, so it is what a
// wire-compatible verifier must accept.
Result<Bytes, EncodingError> base64_decode_forgiving(std::string_view text);

// RFC 4648 §5 without padding (JOSE's base64url, Node's 'base64url').
std::string base64url_encode(std::string_view bytes);
std::string base64url_encode(const Bytes& bytes);
Result<Bytes, EncodingError> base64url_decode(std::string_view text);

// Lower-case hex.
std::string hex_encode(std::string_view bytes);
std::string hex_encode(const Bytes& bytes);
// Accepts either case; odd lengths and non-hex characters are errors.
Result<Bytes, EncodingError> hex_decode(std::string_view text);

// JavaScript's encodeURIComponent over UTF-8: everything but
// A-Z a-z 0-9 - _ . ! ~ * ' ( ) becomes %XX (upper-case hex).
std::string encode_uri_component(std::string_view text);
// JavaScript's decodeURIComponent: %XX escapes must be well formed and the
// result valid UTF-8 (JS throws URIError otherwise).
Result<std::string, EncodingError> decode_uri_component(std::string_view text);

// Length in UTF-16 code units, as JavaScript's String.prototype.length counts.
// Invalid UTF-8 is an error rather than a guess.
Result<std::size_t, EncodingError> utf16_length(std::string_view utf8);

// Compares in time independent of where the inputs differ (lengths may leak).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace authconf
