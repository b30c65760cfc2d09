// Composite keys byte-identical to Fabric: vectors produced by fabric-shim 2.5.8, copied from
// the project's reference material into test/data/composite-keys.json.
#include <fstream>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <scc/composite_key.hpp>

namespace {

std::string from_hex(const std::string& hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return bytes;
}

nlohmann::json vectors() {
  std::ifstream file(SCC_TEST_DATA_DIR "/composite-keys.json");
  REQUIRE(file.good());
  return nlohmann::json::parse(file);
}

}  // namespace

TEST_CASE("create_composite_key matches fabric-shim byte for byte, and split inverts it") {
  const nlohmann::json all = vectors();
  int checked = 0;
  for (const auto& vector : all["create"]) {
    if (!vector.contains("key_hex")) continue;
    const auto type = vector["objectType"].get<std::string>();
    const auto attributes = vector["attributes"].get<std::vector<std::string>>();
    CAPTURE(type);
    const std::string key = scc::create_composite_key(type, attributes);
    CHECK(key == from_hex(vector["key_hex"].get<std::string>()));
    const auto [split_type, split_attributes] = scc::split_composite_key(key);
    CHECK(split_type == vector["split"]["objectType"].get<std::string>());
    CHECK(split_attributes == vector["split"]["attributes"].get<std::vector<std::string>>());
    ++checked;
  }
  CHECK(checked == 6);
}

TEST_CASE("empty object types and attributes are accepted, as in Fabric's Go shim") {
  // The Node shim rejects these ("object type or attribute not a non-zero length string");
  // the Go shim, which the peer's own system chaincodes use, accepts them. We follow Go.
  const nlohmann::json all = vectors();
  int checked = 0;
  for (const auto& vector : all["create"]) {
    if (!vector.contains("error_in_node_shim")) continue;
    const auto type = vector["objectType"].get<std::string>();
    const auto attributes = vector["attributes"].get<std::vector<std::string>>();
    const std::string key = scc::create_composite_key(type, attributes);
    const auto [split_type, split_attributes] = scc::split_composite_key(key);
    CHECK(split_type == type);
    CHECK(split_attributes == attributes);
    ++checked;
  }
  CHECK(checked == 2);
  CHECK(scc::create_composite_key("", {}) == std::string("\0\0", 2));
}

TEST_CASE("U+0000 in a part is refused with the Go shim's message") {
  CHECK_THROWS_WITH_AS(scc::create_composite_key("asset", {std::string("ab\0c", 4)}),
                       "input contain unicode U+0000 starting at position [2]. U+0000 and "
                       "U+10FFFF are not allowed in the input attribute of a composite key",
                       scc::chaincode_error);
  CHECK_THROWS_WITH_AS(scc::create_composite_key(std::string("\0", 1), {}),
                       "input contain unicode U+0000 starting at position [0]. U+0000 and "
                       "U+10FFFF are not allowed in the input attribute of a composite key",
                       scc::chaincode_error);
}

TEST_CASE("U+10FFFF in a part is refused, at its byte position") {
  CHECK_THROWS_WITH_AS(scc::create_composite_key("asset", {"h\xC3\xA9\xF4\x8F\xBF\xBF"}),
                       "input contain unicode U+10FFFF starting at position [3]. U+0000 and "
                       "U+10FFFF are not allowed in the input attribute of a composite key",
                       scc::chaincode_error);
}

TEST_CASE("invalid UTF-8 is refused with the hex of the part") {
  CHECK_THROWS_WITH_AS(scc::create_composite_key("asset", {"ok", "\xC3"}),
                       "not a valid utf8 string: [c3]", scc::chaincode_error);
  // Overlong encoding of '/', a UTF-16 surrogate, and a code point above U+10FFFF.
  CHECK_THROWS_AS(scc::create_composite_key("\xC0\xAF", {}), scc::chaincode_error);
  CHECK_THROWS_AS(scc::create_composite_key("\xED\xA0\x80", {}), scc::chaincode_error);
  CHECK_THROWS_AS(scc::create_composite_key("\xF4\x90\x80\x80", {}), scc::chaincode_error);
  // Invalid UTF-8 is reported before a forbidden rune, as Go checks validity first.
  CHECK_THROWS_WITH(scc::create_composite_key(std::string("\0\xFF", 2), {}),
                    "not a valid utf8 string: [00ff]");
}

TEST_CASE("splitting a key that is not composite is an error, not a crash") {
  for (const std::string& key : {std::string("plain"), std::string(), std::string("\0", 1),
                                 std::string("\0abc", 4), std::string("abc\0", 4)}) {
    CAPTURE(key);
    CHECK_THROWS_AS(scc::split_composite_key(key), scc::chaincode_error);
  }
  CHECK_THROWS_WITH(scc::split_composite_key("plain"),
                    "not a composite key: [706c61696e]; a composite key starts and ends with "
                    "U+0000 (make one with create_composite_key)");
}
