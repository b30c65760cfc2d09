// scc/detail/hex.hpp - lowercase hexadecimal, the one table every layer uses (composite key
// errors, transaction ids, loader messages).
#ifndef SCC_DETAIL_HEX_HPP
#define SCC_DETAIL_HEX_HPP

#include <cstdint>
#include <string>
#include <string_view>

namespace scc::detail {

inline constexpr char hex_digits[] = "0123456789abcdef";

inline void append_hex_byte(std::string& out, unsigned char byte) {
  out.push_back(hex_digits[byte >> 4]);
  out.push_back(hex_digits[byte & 0x0F]);
}

inline std::string to_hex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) append_hex_byte(out, static_cast<unsigned char>(c));
  return out;
}

// "0x" and all 16 digits: how descriptor magics are shown.
inline std::string hex64(uint64_t value) {
  std::string out = "0x";
  for (int shift = 56; shift >= 0; shift -= 8) {
    append_hex_byte(out, static_cast<unsigned char>((value >> shift) & 0xFF));
  }
  return out;
}

}  // namespace scc::detail

#endif  // SCC_DETAIL_HEX_HPP
