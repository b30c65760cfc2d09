// kvscc through the real loader: the built kvscc.so, loaded and run against the memory host.
#include <doctest/doctest.h>

#include <scc/loader.hpp>
#include <scc/testing/memory_host.hpp>

namespace {

scc::testing::memory_host host_with_kvscc() {
  scc::testing::memory_host host;
  host.install(scc::load_plugin(KVSCC_PLUGIN_PATH));
  return host;
}

}  // namespace

TEST_CASE("kvscc is described by its descriptor") {
  const auto plugin = scc::load_plugin(KVSCC_PLUGIN_PATH);
  CHECK(plugin->info().name == "kvscc");
  CHECK(plugin->info().version == "1.0.0");
  CHECK(plugin->info().abi_major == SCC_ABI_MAJOR);
  CHECK_FALSE(plugin->info().thread_safe());
}

TEST_CASE("put then get returns the value; a missing key is a 404") {
  auto host = host_with_kvscc();
  const auto put = host.invoke("kvscc", {"put", "alice", "100"});
  CHECK(put.response.status == 200);
  CHECK(put.committed);
  CHECK(host.invoke("kvscc", {"get", "alice"}).response.payload == "100");

  const auto missing = host.invoke("kvscc", {"get", "carol"});
  CHECK(missing.response.status == 404);
  CHECK(missing.response.message == "key not found: carol");
}

TEST_CASE("keys and values carry any byte, including 0x00") {
  auto host = host_with_kvscc();
  const std::string key("k\0ey", 4);
  const std::string value("v\0\xff", 3);
  REQUIRE(host.invoke("kvscc", {"put", key, value}).committed);
  CHECK(host.invoke("kvscc", {"get", key}).response.payload == value);
}

TEST_CASE("put raises a put event carrying the key") {
  auto host = host_with_kvscc();
  const auto put = host.invoke("kvscc", {"put", "alice", "1"});
  REQUIRE(put.event.has_value());
  CHECK(put.event->name == "put");
  CHECK(put.event->payload == "alice");
}

TEST_CASE("del removes the key at commit") {
  auto host = host_with_kvscc();
  host.invoke("kvscc", {"put", "alice", "1"});
  CHECK(host.invoke("kvscc", {"del", "alice"}).committed);
  CHECK(host.invoke("kvscc", {"get", "alice"}).response.status == 404);
  CHECK_FALSE(host.state().get("kvscc", "alice").has_value());
}

TEST_CASE("range is [start, end) in byte order, open-ended when end is empty") {
  auto host = host_with_kvscc();
  for (const char* key : {"b", "a", "c", "10", "2"}) host.invoke("kvscc", {"put", key, "v"});
  CHECK(host.invoke("kvscc", {"range", "a", "c"}).response.payload == "a=v\nb=v\n");
  CHECK(host.invoke("kvscc", {"range", "b", ""}).response.payload == "b=v\nc=v\n");
  CHECK(host.invoke("kvscc", {"range", "", ""}).response.payload == "10=v\n2=v\na=v\nb=v\nc=v\n");
  CHECK(host.invoke("kvscc", {"range", "c", "a"}).response.payload == "");
}

TEST_CASE("simple ranges never return composite keys") {
  auto host = host_with_kvscc();
  host.invoke("kvscc", {"put", "plain", "1"});
  host.invoke("kvscc", {"put_asset", "alice", "car1", "red"});
  CHECK(host.invoke("kvscc", {"range", "", ""}).response.payload == "plain=1\n");
}

TEST_CASE("a partial composite key query returns one owner's assets") {
  auto host = host_with_kvscc();
  host.invoke("kvscc", {"put_asset", "alice", "car2", "blue"});
  host.invoke("kvscc", {"put_asset", "alice", "car1", "red"});
  host.invoke("kvscc", {"put_asset", "alicia", "car9", "black"});
  host.invoke("kvscc", {"put_asset", "bob", "car3", "green"});
  CHECK(host.invoke("kvscc", {"assets_of", "alice"}).response.payload == "car1=red\ncar2=blue\n");
  const std::string stored =
      host.state().get("kvscc", std::string("\0asset\0alice\0car1\0", 18)).value_or("");
  CHECK(stored == "red");
}

TEST_CASE("bad input is refused with Fabric's message and leaves no trace") {
  auto host = host_with_kvscc();
  SUBCASE("empty key") {
    const auto put = host.invoke("kvscc", {"put", "", "v"});
    CHECK(put.response.status == 500);
    CHECK(put.response.message == "key must not be an empty string");
    CHECK_FALSE(put.committed);
  }
  SUBCASE("range bound starting with 0x00") {
    const auto range = host.invoke("kvscc", {"range", std::string("\0x", 2), ""});
    CHECK(range.response.status == 500);
    CHECK(range.response.message ==
          "first character of the key [\\x00x] contains a null character which is not allowed");
  }
  SUBCASE("composite key part with invalid UTF-8") {
    const auto put = host.invoke("kvscc", {"put_asset", "\xff", "id", "v"});
    CHECK(put.response.status == 500);
    CHECK(put.response.message == "not a valid utf8 string: [ff]");
  }
  SUBCASE("unknown function") {
    const auto call = host.invoke("kvscc", {"transfer", "a", "b"});
    CHECK(call.response.status == 500);
    CHECK(call.response.message.find("unknown function") != std::string::npos);
  }
  CHECK(host.invoke("kvscc", {"range", "", ""}).response.payload.empty());
}
