// Classic mode: scc-ccaas dials the peer (protos.ChaincodeSupport/Register), as Fabric's dev mode
// and 1.4-style chaincode do.
#include <doctest/doctest.h>

#include "ccaas_fixture.hpp"

using namespace ccaas_test;
using namespace std::chrono_literals;

TEST_CASE("classic mode: registers with the peer and serves transactions; SIGTERM exits 0") {
  driver_options options;
  options.address = "127.0.0.1:0";
  peer_driver peer(options);
  const std::string address = peer.listen();
  server_process chaincode({"serve", SCC_CCAAS_KVSCC, "--peer.address", address},
                           {{"CORE_CHAINCODE_ID_NAME", "kvscc:1.0"}});
  peer.accept(20s);
  CHECK(peer.registered_id() == "kvscc:1.0");
  CHECK(peer.execute(tx({"put", "a", "1"})).status == 200);
  CHECK(peer.execute(tx({"get", "a"})).payload == "1");
  CHECK(chaincode.stop(SIGTERM) == 0);
}

TEST_CASE("classic mode: the peer ending the stream ends the process with a clear line") {
  driver_options options;
  options.address = "127.0.0.1:0";
  auto peer = std::make_unique<peer_driver>(options);
  const std::string address = peer->listen();
  server_process chaincode({"serve", SCC_CCAAS_KVSCC, "--peer.address", address, "--id", "kv:1"});
  peer->accept(20s);
  CHECK(peer->execute(tx({"put", "a", "1"})).status == 200);
  peer.reset();
  const auto status = chaincode.wait_exit(10s);
  REQUIRE(status.has_value());
  CHECK(*status == 1);
  CHECK(chaincode.err().find("the stream with the peer at " + address + " ended") != std::string::npos);
}

TEST_CASE("classic mode: no peer at the address is one line and exit 1") {
  // A port that was free a moment ago.
  driver_options options;
  options.address = "127.0.0.1:0";
  std::string address;
  {
    peer_driver probe(options);
    address = probe.listen();
  }
  const exit_result result =
      run_ccaas({"serve", SCC_CCAAS_KVSCC, "--peer.address", address, "--id", "kv:1"});
  CHECK(result.status == 1);
  CHECK(result.err.find("the stream with the peer at " + address + " ended") != std::string::npos);
}
