// scc/detail/text.hpp - byte strings as text: printable forms for error messages, and UTF-8
// decoding with Go's rules (the shim's checks run on the plugin side).
#ifndef SCC_DETAIL_TEXT_HPP
#define SCC_DETAIL_TEXT_HPP

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "scc/detail/hex.hpp"

namespace scc::detail {

// Key bytes as they may appear inside an error message: C++ exception text ends at the first
// NUL, so control bytes are written as \xNN; everything else is kept as is.
inline std::string printable(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (unsigned char c : bytes) {
    if (c < 0x20 || c == 0x7F) {
      out += "\\x";
      append_hex_byte(out, c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

// Decodes the UTF-8 sequence at text[pos] the way Go's utf8.DecodeRuneInString does, and
// returns the code point and its length, or a length of 0 if the sequence is invalid
// (truncated, overlong, a surrogate, or beyond U+10FFFF).
inline std::pair<char32_t, std::size_t> decode_utf8(std::string_view text, std::size_t pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  const std::size_t left = text.size() - pos;
  const unsigned char b0 = byte(0);
  if (b0 < 0x80) return {b0, 1};
  const auto continuation = [&](std::size_t i) { return i < left && (byte(i) & 0xC0) == 0x80; };
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (!continuation(1)) return {0, 0};
    return {static_cast<char32_t>(((b0 & 0x1F) << 6) | (byte(1) & 0x3F)), 2};
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (!continuation(1) || !continuation(2)) return {0, 0};
    const char32_t cp = ((b0 & 0x0F) << 12) | ((byte(1) & 0x3F) << 6) | (byte(2) & 0x3F);
    if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) return {0, 0};
    return {cp, 3};
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (!continuation(1) || !continuation(2) || !continuation(3)) return {0, 0};
    const char32_t cp =
        ((b0 & 0x07) << 18) | ((byte(1) & 0x3F) << 12) | ((byte(2) & 0x3F) << 6) | (byte(3) & 0x3F);
    if (cp < 0x10000 || cp > 0x10FFFF) return {0, 0};
    return {cp, 4};
  }
  return {0, 0};
}

}  // namespace scc::detail

#endif  // SCC_DETAIL_TEXT_HPP
