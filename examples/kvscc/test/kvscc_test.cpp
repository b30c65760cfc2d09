// kvscc through the real loader: the built kvscc.so, loaded into the test harness and run
// against its stub ledger. Writes go through h.invoke (one block each); reads go through
// h.query, which never commits.
#include <cstdint>
#include <string>

#include <doctest/doctest.h>

#include <scc/host/loader.hpp>
#include <scc/testing.hpp>

namespace {

scc::testing::harness harness_with_kvscc() {
  scc::testing::harness h;
  h.install(KVSCC_PLUGIN_PATH);
  return h;
}

}  // namespace

TEST_CASE("kvscc is described by its descriptor") {
  const auto plugin = scc::host::load_plugin(KVSCC_PLUGIN_PATH);
  CHECK(plugin->info().name == "kvscc");
  CHECK(plugin->info().version == "1.0.0");
  CHECK(plugin->info().abi_major == SCC_ABI_MAJOR);
  CHECK_FALSE(plugin->info().thread_safe());
}

TEST_CASE("put then get returns the value; a missing key is a 404") {
  auto h = harness_with_kvscc();
  const auto put = h.invoke("kvscc", {"put", "alice", "100"});
  CHECK(put.response.status == 200);
  CHECK(put.committed());
  CHECK(h.query("kvscc", {"get", "alice"}).response.payload == "100");

  const auto missing = h.query("kvscc", {"get", "carol"});
  CHECK(missing.response.status == 404);
  CHECK(missing.response.message == "key not found: carol");
}

TEST_CASE("keys and values carry any byte, including 0x00") {
  auto h = harness_with_kvscc();
  const std::string key("k\0ey", 4);
  const std::string value("v\0\xff", 3);
  REQUIRE(h.invoke("kvscc", {"put", key, value}).committed());
  CHECK(h.query("kvscc", {"get", key}).response.payload == value);
  CHECK(h.state("kvscc", key) == value);
}

TEST_CASE("put raises a put event carrying the key") {
  auto h = harness_with_kvscc();
  const auto put = h.invoke("kvscc", {"put", "alice", "1"});
  REQUIRE(put.event.has_value());
  CHECK(put.event->name == "put");
  CHECK(put.event->payload == "alice");
}

TEST_CASE("del removes the key at commit") {
  auto h = harness_with_kvscc();
  REQUIRE(h.invoke("kvscc", {"put", "alice", "1"}).committed());
  const auto del = h.invoke("kvscc", {"del", "alice"});
  CHECK(del.committed());
  CHECK(h.query("kvscc", {"get", "alice"}).response.status == 404);
  CHECK_FALSE(h.state("kvscc", "alice").has_value());
  // The key's history keeps both transactions, newest first.
  const auto history = h.history("kvscc", "alice");
  REQUIRE(history.size() == 2);
  CHECK(history[0].tx_id == del.tx_id);
  CHECK(history[0].is_delete);
  CHECK(history[1].value == "1");
}

TEST_CASE("range is [start, end) in byte order, open-ended when end is empty") {
  auto h = harness_with_kvscc();
  for (const char* key : {"b", "a", "c", "10", "2"}) {
    REQUIRE(h.invoke("kvscc", {"put", key, "v"}).committed());
  }
  CHECK(h.query("kvscc", {"range", "a", "c"}).response.payload == "a=v\nb=v\n");
  CHECK(h.query("kvscc", {"range", "b", ""}).response.payload == "b=v\nc=v\n");
  CHECK(h.query("kvscc", {"range", "", ""}).response.payload == "10=v\n2=v\na=v\nb=v\nc=v\n");
  CHECK(h.query("kvscc", {"range", "c", "a"}).response.payload == "");
}

TEST_CASE("simple ranges never return composite keys") {
  auto h = harness_with_kvscc();
  REQUIRE(h.invoke("kvscc", {"put", "plain", "1"}).committed());
  REQUIRE(h.invoke("kvscc", {"put_asset", "alice", "car1", "red"}).committed());
  CHECK(h.query("kvscc", {"range", "", ""}).response.payload == "plain=1\n");
}

TEST_CASE("a partial composite key query returns one owner's assets") {
  auto h = harness_with_kvscc();
  REQUIRE(h.invoke("kvscc", {"put_asset", "alice", "car2", "blue"}).committed());
  REQUIRE(h.invoke("kvscc", {"put_asset", "alice", "car1", "red"}).committed());
  REQUIRE(h.invoke("kvscc", {"put_asset", "alicia", "car9", "black"}).committed());
  REQUIRE(h.invoke("kvscc", {"put_asset", "bob", "car3", "green"}).committed());
  CHECK(h.query("kvscc", {"assets_of", "alice"}).response.payload == "car1=red\ncar2=blue\n");
  const std::string stored =
      h.state("kvscc", std::string("\0asset\0alice\0car1\0", 18)).value_or("");
  CHECK(stored == "red");
}

TEST_CASE("bad input is refused with Fabric's message and leaves no trace") {
  auto h = harness_with_kvscc();
  const uint64_t height = h.height();
  SUBCASE("empty key") {
    const auto put = h.invoke("kvscc", {"put", "", "v"});
    CHECK(put.response.status == 500);
    CHECK(put.response.message == "key must not be an empty string");
    CHECK_FALSE(put.committed());
  }
  SUBCASE("range bound starting with 0x00") {
    const auto range = h.invoke("kvscc", {"range", std::string("\0x", 2), ""});
    CHECK(range.response.status == 500);
    CHECK(range.response.message ==
          "first character of the key [\\x00x] contains a null character which is not allowed");
  }
  SUBCASE("composite key part with invalid UTF-8") {
    const auto put = h.invoke("kvscc", {"put_asset", "\xff", "id", "v"});
    CHECK(put.response.status == 500);
    CHECK(put.response.message == "not a valid utf8 string: [ff]");
  }
  SUBCASE("unknown function") {
    const auto call = h.invoke("kvscc", {"transfer", "a", "b"});
    CHECK(call.response.status == 500);
    CHECK(call.response.message.find("unknown function") != std::string::npos);
  }
  // A refused proposal never reaches a block.
  CHECK(h.height() == height);
  CHECK(h.query("kvscc", {"range", "", ""}).response.payload.empty());
}
