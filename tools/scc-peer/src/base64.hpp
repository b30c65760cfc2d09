// base64.hpp - standard base64 (RFC 4648, with padding): Go's encoding of []byte in JSON, which
// Fabric's CLI uses for --transient values.
#ifndef SCC_PEER_BASE64_HPP
#define SCC_PEER_BASE64_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace scc::peer {

inline std::string base64_encode(std::string_view bytes) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t index = 0;
  for (; index + 2 < bytes.size(); index += 3) {
    const uint32_t group = (static_cast<uint8_t>(bytes[index]) << 16) |
                           (static_cast<uint8_t>(bytes[index + 1]) << 8) |
                           static_cast<uint8_t>(bytes[index + 2]);
    out.push_back(alphabet[(group >> 18) & 63]);
    out.push_back(alphabet[(group >> 12) & 63]);
    out.push_back(alphabet[(group >> 6) & 63]);
    out.push_back(alphabet[group & 63]);
  }
  const std::size_t left = bytes.size() - index;
  if (left > 0) {
    uint32_t group = static_cast<uint8_t>(bytes[index]) << 16;
    if (left == 2) group |= static_cast<uint8_t>(bytes[index + 1]) << 8;
    out.push_back(alphabet[(group >> 18) & 63]);
    out.push_back(alphabet[(group >> 12) & 63]);
    out.push_back(left == 2 ? alphabet[(group >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

// nullopt for anything that is not padded standard base64. Line breaks (\r, \n) are skipped
// anywhere, as Go's base64.StdEncoding skips them (Fabric's CLI decodes --transient with it).
inline std::optional<std::string> base64_decode(std::string_view input) {
  std::string without_breaks;
  if (input.find_first_of("\r\n") != std::string_view::npos) {
    for (char c : input) {
      if (c != '\r' && c != '\n') without_breaks.push_back(c);
    }
    input = without_breaks;
  }
  const std::string_view text = input;
  const auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t index = 0; index < text.size(); index += 4) {
    const bool last = index + 4 == text.size();
    const int padding = last ? (text[index + 3] == '=') + (text[index + 2] == '=') : 0;
    if (padding == 1 && text[index + 2] == '=') return std::nullopt;
    uint32_t group = 0;
    for (int offset = 0; offset < 4 - padding; ++offset) {
      const int digit = value(text[index + offset]);
      if (digit < 0) return std::nullopt;
      group = (group << 6) | static_cast<uint32_t>(digit);
    }
    group <<= 6 * padding;
    out.push_back(static_cast<char>(group >> 16));
    if (padding < 2) out.push_back(static_cast<char>((group >> 8) & 0xFF));
    if (padding < 1) out.push_back(static_cast<char>(group & 0xFF));
  }
  return out;
}

}  // namespace scc::peer

#endif  // SCC_PEER_BASE64_HPP
