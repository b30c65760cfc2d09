// The released layout of ABI 1.0. These offsets are part of the contract: a change here breaks
// every plugin already built, so these assertions may only ever gain lines.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

#include <doctest/doctest.h>

#include <scc/abi.h>
#include <scc/host/transaction.hpp>

namespace {

template <class T>
constexpr bool is_abi_struct = std::is_standard_layout_v<T>&& std::is_trivial_v<T>;

static_assert(is_abi_struct<scc_type_bytes> && is_abi_struct<scc_type_kv> &&
              is_abi_struct<scc_type_key_modification> && is_abi_struct<scc_type_response> &&
              is_abi_struct<scc_type_timestamp> && is_abi_struct<scc_plugin_descriptor_v1> &&
              is_abi_struct<scc_host_api_v1>);

static_assert(sizeof(void*) == 8, "the layout below is the LP64 one");

static_assert(sizeof(scc_type_bytes) == 16);
static_assert(sizeof(scc_type_timestamp) == 16);
static_assert(sizeof(scc_type_kv) == 32);
static_assert(offsetof(scc_type_key_modification, timestamp) == 32);
static_assert(offsetof(scc_type_key_modification, is_delete) == 48);
static_assert(sizeof(scc_type_key_modification) == 56);
static_assert(offsetof(scc_type_response, message) == 8);
static_assert(offsetof(scc_type_response, payload) == 24);

static_assert(offsetof(scc_plugin_descriptor_v1, magic) == 0);
static_assert(offsetof(scc_plugin_descriptor_v1, struct_size) == 8);
static_assert(offsetof(scc_plugin_descriptor_v1, abi_major) == 12);
static_assert(offsetof(scc_plugin_descriptor_v1, abi_minor) == 14);
static_assert(offsetof(scc_plugin_descriptor_v1, min_host_minor) == 16);
static_assert(offsetof(scc_plugin_descriptor_v1, flags) == 18);
static_assert(offsetof(scc_plugin_descriptor_v1, name) == 24);
static_assert(offsetof(scc_plugin_descriptor_v1, version) == 32);
static_assert(offsetof(scc_plugin_descriptor_v1, sdk_version) == 40);
static_assert(offsetof(scc_plugin_descriptor_v1, build_tag) == 48);
static_assert(offsetof(scc_plugin_descriptor_v1, create) == 56);
static_assert(offsetof(scc_plugin_descriptor_v1, destroy) == 64);
static_assert(offsetof(scc_plugin_descriptor_v1, init) == 72);
static_assert(offsetof(scc_plugin_descriptor_v1, invoke) == 80);
static_assert(SCC_PLUGIN_DESCRIPTOR_V1_0_SIZE == 88);

static_assert(offsetof(scc_host_api_v1, struct_size) == 0);
static_assert(offsetof(scc_host_api_v1, abi_major) == 4);
static_assert(offsetof(scc_host_api_v1, abi_minor) == 6);
static_assert(offsetof(scc_host_api_v1, last_error) == 8);
static_assert(offsetof(scc_host_api_v1, log) == 16);
static_assert(offsetof(scc_host_api_v1, get_args) == 24);
static_assert(offsetof(scc_host_api_v1, get_tx_timestamp) == 88);
static_assert(offsetof(scc_host_api_v1, get_state) == 96);
static_assert(offsetof(scc_host_api_v1, set_state_validation_parameter) == 144);
static_assert(offsetof(scc_host_api_v1, range_query_open) == 152);
static_assert(offsetof(scc_host_api_v1, iterator_close) == 200);
static_assert(offsetof(scc_host_api_v1, set_event) == 208);
static_assert(offsetof(scc_host_api_v1, invoke_chaincode) == 216);
static_assert(offsetof(scc_host_api_v1, set_response) == 224);
static_assert(SCC_HOST_API_V1_0_SIZE == 232);
// Minor 1.
static_assert(offsetof(scc_host_api_v1, log_from) == 232);
static_assert(SCC_HOST_API_V1_1_SIZE == 240);
static_assert(sizeof(scc_host_api_v1) == SCC_HOST_API_V1_1_SIZE);
static_assert(SCC_ABI_MINOR == 1);

}  // namespace

TEST_CASE("the magic spells SCCPLUG1 in little-endian byte order") {
  const uint64_t magic = SCC_PLUGIN_MAGIC;
  char text[9] = {};
  for (int i = 0; i < 8; ++i) text[i] = static_cast<char>((magic >> (8 * i)) & 0xFF);
  CHECK(std::string(text) == "SCCPLUG1");
}

TEST_CASE("the entry symbol's name carries the ABI major") {
  CHECK(std::string(SCC_PLUGIN_ENTRY_SYMBOL) ==
        std::string(SCC_PLUGIN_ENTRY_PREFIX) + std::to_string(SCC_ABI_MAJOR));
}

TEST_CASE("the host table of this SDK fills every entry of its minor") {
  const scc_host_api_v1* table = scc::host::api();
  REQUIRE(table->struct_size == sizeof(scc_host_api_v1));
  CHECK(table->abi_major == SCC_ABI_MAJOR);
  CHECK(table->abi_minor == SCC_ABI_MINOR);
  // No entry within struct_size is NULL: plugins call them unchecked.
  const std::size_t first = offsetof(scc_host_api_v1, last_error);
  const std::size_t count = (table->struct_size - first) / sizeof(void (*)());
  CHECK(count == 29);
  for (std::size_t i = 0; i < count; ++i) {
    CAPTURE(i);
    std::uintptr_t entry = 0;  // copied out: the entries have different function types
    std::memcpy(&entry, reinterpret_cast<const char*>(table) + first + i * sizeof entry,
                sizeof entry);
    CHECK(entry != 0);
  }
}
