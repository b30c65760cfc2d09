// SCC_CONTRACT builds the same kind of library as SCC_PLUGIN: one export, loadable by the
// loader that scc-peer uses.
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <scc/host/loader.hpp>
#include <scc/testing.hpp>

TEST_CASE("a contract library exports scc_plugin_entry_v1 and nothing else") {
  const auto library = scc::host::plugin_library::open(SCC_CONTRACT_FIXTURE_PLUGIN);
  CHECK(library->exports() == std::vector<std::string>{"scc_plugin_entry_v1"});
}

TEST_CASE("a contract library loads and runs through the loader") {
  scc::testing::harness h;
  const scc::host::plugin_info info = h.install(SCC_CONTRACT_FIXTURE_PLUGIN);
  CHECK(info.name == "counterscc");
  CHECK(info.version == "1.4.0");
  CHECK(h.invoke("counterscc", {"add", "5"}).response.payload == "5");
  CHECK(h.invoke("counterscc", {"add", "7"}).response.payload == "12");
  CHECK(h.query("counterscc", {"total"}).response.payload == "12");
  CHECK(h.query("counterscc", {"add", "-5"}).response.message ==
        "add: argument 1 (amount): -5 is out of range for uint64 (0 to 18446744073709551615)");
}
