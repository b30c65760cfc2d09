// fuzz/fuzz_composite_key.cpp - scc::create_composite_key and scc::split_composite_key.
//
// Checked against an independent reference (Unicode's table of well-formed UTF-8, as Go's
// utf8.ValidString applies it, and Fabric's Go shim rules):
//   - split of arbitrary bytes never crashes; it throws scc::chaincode_error exactly when the
//     bytes are not a composite key, and otherwise joining the parts gives the bytes back;
//   - create from a fuzzed object type and attributes succeeds exactly when every part is valid
//     UTF-8 without U+0000 or U+10FFFF, and fails with Fabric's own message for the first bad
//     part otherwise;
//   - a created key has Fabric's byte layout, splits back into what made it, and lies inside the
//     partial-key range [prefix, prefix + U+10FFFF) of each of its prefixes, which is what
//     get_state_by_partial_composite_key relies on;
//   - no error message contains a NUL byte (C++ exception text would end there).
//
// Input: the whole input is split as a key; then it is read again as a type and up to five
// attributes, each a length byte and that many bytes.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz_input.hpp"

#include <scc/chaincode_error.hpp>
#include <scc/composite_key.hpp>

namespace {

constexpr std::string_view max_rune = "\xF4\x8F\xBF\xBF";

using scc_fuzz::utf8_sequence;

// The message Fabric's Go shim (validateCompositeKeyAttribute) gives for part, or nullopt when
// the part is acceptable.
std::optional<std::string> reference_rejection(std::string_view part) {
  static constexpr char digits[] = "0123456789abcdef";
  for (std::size_t pos = 0; pos < part.size();) {
    const std::size_t length = utf8_sequence(part, pos);
    if (length == 0) {
      std::string hex;
      for (unsigned char c : part) {
        hex.push_back(digits[c >> 4]);
        hex.push_back(digits[c & 0xF]);
      }
      return "not a valid utf8 string: [" + hex + "]";
    }
    pos += length;
  }
  for (std::size_t pos = 0; pos < part.size(); pos += utf8_sequence(part, pos)) {
    const bool nul = part[pos] == '\0';
    if (nul || part.substr(pos, 4) == max_rune) {
      return std::string("input contain unicode ") + (nul ? "U+0000" : "U+10FFFF") +
             " starting at position [" + std::to_string(pos) +
             "]. U+0000 and U+10FFFF are not allowed in the input attribute of a composite key";
    }
  }
  return std::nullopt;
}

std::string layout(std::string_view type, const std::vector<std::string>& attributes) {
  std::string key(1, '\0');
  key.append(type);
  key.push_back('\0');
  for (const auto& attribute : attributes) {
    key.append(attribute);
    key.push_back('\0');
  }
  return key;
}

bool has_nul(std::string_view text) { return text.find('\0') != std::string_view::npos; }

void check_split(std::string_view key) {
  const bool composite = key.size() >= 2 && key.front() == '\0' && key.back() == '\0';
  std::pair<std::string, std::vector<std::string>> parts;
  try {
    parts = scc::split_composite_key(key);
  } catch (const scc::chaincode_error& e) {
    FUZZ_CHECK(!composite, "split refused a composite key: " + scc_fuzz::escaped(key));
    FUZZ_CHECK(!has_nul(e.what()), "split's message holds a NUL");
    FUZZ_CHECK(std::string_view(e.what()).rfind("not a composite key: [", 0) == 0,
               std::string("unexpected split message: ") + e.what());
    return;
  }
  FUZZ_CHECK(composite, "split accepted a non-composite key: " + scc_fuzz::escaped(key));
  FUZZ_CHECK(layout(parts.first, parts.second) == key,
             "split parts do not join back to " + scc_fuzz::escaped(key));
  for (const auto& attribute : parts.second) {
    FUZZ_CHECK(!has_nul(attribute), "an attribute from split holds a NUL");
  }
  // A key whose parts are all valid is exactly what create makes of them.
  bool valid = !reference_rejection(parts.first);
  for (const auto& attribute : parts.second) valid = valid && !reference_rejection(attribute);
  if (valid) {
    FUZZ_CHECK(scc::create_composite_key(parts.first, parts.second) == key,
               "create(split(key)) != key for " + scc_fuzz::escaped(key));
  }
}

void check_create(const std::string& type, const std::vector<std::string>& attributes) {
  std::optional<std::string> expected_error = reference_rejection(type);
  for (const auto& attribute : attributes) {
    if (!expected_error) expected_error = reference_rejection(attribute);
  }
  std::string key;
  try {
    key = scc::create_composite_key(type, attributes);
  } catch (const scc::chaincode_error& e) {
    FUZZ_CHECK(expected_error.has_value(),
               "create refused valid parts, type " + scc_fuzz::escaped(type) + ": " + e.what());
    FUZZ_CHECK(*expected_error == e.what(), "create's message is '" + std::string(e.what()) +
                                                "', Fabric's is '" + *expected_error + "'");
    FUZZ_CHECK(!has_nul(e.what()), "create's message holds a NUL");
    return;
  }
  FUZZ_CHECK(!expected_error, "create accepted an invalid part: " + *expected_error);
  FUZZ_CHECK(key == layout(type, attributes), "create's layout differs from Fabric's");
  const auto [split_type, split_attributes] = scc::split_composite_key(key);
  FUZZ_CHECK(split_type == type && split_attributes == attributes,
             "split(create(parts)) != parts for " + scc_fuzz::escaped(key));
  // Every prefix's partial-key range holds the key.
  std::vector<std::string> prefix_attributes;
  for (std::size_t n = 0;; ++n) {
    const std::string prefix = scc::create_composite_key(type, prefix_attributes);
    const std::string end = prefix + std::string(max_rune);
    FUZZ_CHECK(key.compare(0, prefix.size(), prefix) == 0, "a prefix is not a prefix");
    FUZZ_CHECK(prefix <= key && key < end,
               "key outside the partial range of its prefix " + scc_fuzz::escaped(prefix));
    if (n == attributes.size()) break;
    prefix_attributes.push_back(attributes[n]);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  check_split(std::string_view(reinterpret_cast<const char*>(data), size));

  scc_fuzz::input in(data, size);
  const std::size_t count = in.below(6);
  const std::string type = in.bytes(24);
  std::vector<std::string> attributes;
  for (std::size_t i = 0; i < count; ++i) attributes.push_back(in.bytes(24));
  check_create(type, attributes);
  return 0;
}
