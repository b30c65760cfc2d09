// SCC_CONTRACT builds the same kind of library as SCC_PLUGIN: one export, loadable by the
// loader that scc-peer uses.
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <scc/host/loader.hpp>
#include <scc/testing.hpp>

// Although it links libcrypto.so (client_identity reads certificates with it): libcrypto's
// symbols are imported, not exported again.
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

TEST_CASE("a contract library that reads the creator's certificate gives Go's id") {
  std::ifstream in(SCC_TEST_DATA_DIR "/x509/cryptogen-user1.pem", std::ios::binary);
  REQUIRE(in.good());
  const std::string pem(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>{});
  scc::testing::harness h;
  h.install(SCC_CONTRACT_FIXTURE_PLUGIN);
  h.set_creator({"Org1MSP", pem});
  // cid.GetID for this certificate, as Go 1.19 printed it (client_identity_test.cpp).
  CHECK(h.query("counterscc", {"whoami"}).response.payload ==
        "eDUwOTo6Q049VXNlcjFAb3JnMS5leGFtcGxlLmNvbSxPVT1jbGllbnQsTD1TYW4gRnJhbmNpc2NvLFNUPUNhbGlm"
        "b3JuaWEsQz1VUzo6Q049Y2Eub3JnMS5leGFtcGxlLmNvbSxPPW9yZzEuZXhhbXBsZS5jb20sTD1TYW4gRnJhbmNp"
        "c2NvLFNUPUNhbGlmb3JuaWEsQz1VUw==");
  h.set_creator({"IdemixMSP", "not a certificate"});
  const auto refused = h.query("counterscc", {"whoami"}).response;
  CHECK(refused.status == 500);
  CHECK(refused.message.find("cannot determine identity") != std::string::npos);
}
