// scc/composite_key.hpp - Fabric's composite keys, byte for byte.
//
// A composite key is U+0000, the object type, U+0000, then each attribute followed by U+0000
// (fabric-chaincode-go shim/stub.go CreateCompositeKey). Validation follows Fabric's Go shim,
// which runs inside the peer's own system chaincodes: every part must be valid UTF-8 without
// U+0000 or U+10FFFF, and empty parts are allowed (the Node shim rejects them; Go does not).
#ifndef SCC_COMPOSITE_KEY_HPP
#define SCC_COMPOSITE_KEY_HPP

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scc/chaincode_error.hpp"
#include "scc/detail/hex.hpp"
#include "scc/detail/text.hpp"

namespace scc {

// The first byte of every composite key; simple keys may not start with it in range queries.
inline constexpr char composite_key_namespace = '\0';
// U+10FFFF in UTF-8: a partial composite key query covers [prefix, prefix + this).
inline constexpr std::string_view max_unicode_rune_utf8 = "\xF4\x8F\xBF\xBF";

std::string create_composite_key(std::string_view object_type,
                                 const std::vector<std::string>& attributes);

// Returns the object type and the attributes. Throws scc::chaincode_error when key is not a
// composite key, where Fabric's Go shim panics (no 0x00 after the first byte) or returns
// garbage (a key that does not start with 0x00).
std::pair<std::string, std::vector<std::string>> split_composite_key(std::string_view key);

namespace detail {

// Go's %#U for the two forbidden runes, which are both unprintable.
inline std::string format_rune(char32_t rune) { return rune == 0 ? "U+0000" : "U+10FFFF"; }

// fabric-chaincode-go shim/stub.go validateCompositeKeyAttribute, including its messages.
inline void validate_composite_key_attribute(std::string_view part) {
  std::vector<std::pair<char32_t, std::size_t>> runes;
  for (std::size_t pos = 0; pos < part.size();) {
    const auto [rune, length] = decode_utf8(part, pos);
    if (length == 0) throw chaincode_error("not a valid utf8 string: [" + to_hex(part) + "]");
    runes.emplace_back(rune, pos);
    pos += length;
  }
  for (const auto& [rune, position] : runes) {
    if (rune == 0 || rune == 0x10FFFF) {
      throw chaincode_error("input contain unicode " + format_rune(rune) +
                            " starting at position [" + std::to_string(position) +
                            "]. U+0000 and U+10FFFF are not allowed in the input attribute of "
                            "a composite key");
    }
  }
}

}  // namespace detail

inline std::string create_composite_key(std::string_view object_type,
                                        const std::vector<std::string>& attributes) {
  detail::validate_composite_key_attribute(object_type);
  std::size_t size = object_type.size() + 2;
  for (const auto& attribute : attributes) {
    detail::validate_composite_key_attribute(attribute);
    size += attribute.size() + 1;
  }
  std::string key;
  key.reserve(size);
  key.push_back(composite_key_namespace);
  key.append(object_type);
  key.push_back('\0');
  for (const auto& attribute : attributes) {
    key.append(attribute);
    key.push_back('\0');
  }
  return key;
}

inline std::pair<std::string, std::vector<std::string>> split_composite_key(std::string_view key) {
  if (key.size() < 2 || key.front() != composite_key_namespace || key.back() != '\0') {
    throw chaincode_error("not a composite key: [" + detail::to_hex(key) +
                          "]; a composite key starts and ends with U+0000 "
                          "(make one with create_composite_key)");
  }
  std::vector<std::string> parts;
  std::size_t begin = 1;
  for (std::size_t i = 1; i < key.size(); ++i) {
    if (key[i] == '\0') {
      parts.emplace_back(key.substr(begin, i - begin));
      begin = i + 1;
    }
  }
  std::string object_type = std::move(parts.front());
  parts.erase(parts.begin());
  return {std::move(object_type), std::move(parts)};
}

}  // namespace scc

#endif  // SCC_COMPOSITE_KEY_HPP
