// Classic mode: scc-ccaas dials the peer (protos.ChaincodeSupport/Register), as Fabric's dev mode
// and 1.4-style chaincode do.
#include <doctest/doctest.h>

#include "ccaas_fixture.hpp"
#include "test_certificates.hpp"

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

TEST_CASE("classic mode over mutual TLS with the peer's CORE_PEER_TLS_* and base64 key files") {
  temporary_folder folder;
  test_pki pki(folder, "org1");
  const certificate_files peer_cert = pki.issue("peer", "/CN=localhost");
  const certificate_files chaincode_cert = pki.issue("chaincode", "/CN=kvscc");
  const auto base64_file = [&](const std::string& source, const std::string& name) {
    const std::string target = (folder.path() / name).string();
    REQUIRE(std::system(("base64 -w0 " + source + " > " + target).c_str()) == 0);
    return target;
  };
  driver_options options;
  options.address = "127.0.0.1:0";
  options.listen_key_pem = read_file(peer_cert.key);
  options.listen_cert_pem = read_file(peer_cert.cert);
  options.listen_client_ca_pem = read_file(pki.ca().cert);
  peer_driver peer(options);
  const std::string address = peer.listen();
  server_process chaincode(
      {"serve", SCC_CCAAS_KVSCC, "--peer.address", address},
      {{"CORE_CHAINCODE_ID_NAME", "kvscc:tls"},
       {"CORE_PEER_TLS_ENABLED", "true"},
       {"CORE_PEER_TLS_ROOTCERT_FILE", pki.ca().cert},
       {"CORE_TLS_CLIENT_KEY_PATH", base64_file(chaincode_cert.key, "key.b64")},
       {"CORE_TLS_CLIENT_CERT_PATH", base64_file(chaincode_cert.cert, "cert.b64")}});
  peer.accept(20s);
  CHECK(peer.registered_id() == "kvscc:tls");
  CHECK(peer.execute(tx({"put", "secure", "yes"})).status == 200);
  CHECK(peer.execute(tx({"get", "secure"})).payload == "yes");
  CHECK(chaincode.stop(SIGTERM) == 0);

  // Without the client key pair the peer refuses the connection: one line, exit 1.
  driver_options strict = options;
  peer_driver other(strict);
  const std::string other_address = other.listen();
  const exit_result refused =
      run_ccaas({"serve", SCC_CCAAS_KVSCC, "--peer.address", other_address, "--id", "kv:1"},
                {{"CORE_PEER_TLS_ENABLED", "true"}, {"CORE_PEER_TLS_ROOTCERT_FILE", pki.ca().cert}});
  CHECK(refused.status == 1);
  CHECK(refused.err.find("the stream with the peer at " + other_address + " ended") != std::string::npos);
}
