// TLS and mutual TLS between the peer and scc-ccaas, with certificates made at test time.
#include <doctest/doctest.h>

#include "ccaas_fixture.hpp"
#include "test_certificates.hpp"

using namespace ccaas_test;
using namespace std::chrono_literals;

namespace {

struct tls_setup {
  temporary_folder folder;
  test_pki pki{folder, "org1"};
  test_pki stranger{folder, "stranger"};
  certificate_files server = pki.issue("server", "/CN=localhost");
  certificate_files client = pki.issue("client", "/CN=peer0.org1");
  certificate_files foreign_client = stranger.issue("foreign", "/CN=intruder");
};

driver_options tls_options(const std::string& address, const tls_setup& tls,
                           const certificate_files* client) {
  driver_options options;
  options.address = address;
  options.root_cert_pem = read_file(tls.pki.ca().cert);
  options.server_name_override = "localhost";
  if (client != nullptr) {
    options.client_key_pem = read_file(client->key);
    options.client_cert_pem = read_file(client->cert);
  }
  return options;
}

bool connects(driver_options options) {
  peer_driver driver(std::move(options));
  try {
    driver.connect(3s);
    transaction_request request;
    request.args = {"put", "k", "v"};
    return driver.execute(request, 10s).status == 200;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

TEST_CASE("TLS: the peer reaches the server through the CA; plain text is refused") {
  tls_setup tls;
  server_process server({"serve", SCC_CCAAS_KVSCC, "--address", "127.0.0.1:0", "--id", "kv:1",
                         "--tls-key", tls.server.key, "--tls-cert", tls.server.cert});
  const std::string address = server.wait_listening();
  CHECK(server.err().find("(TLS, ") != std::string::npos);
  CHECK(connects(tls_options(address, tls, nullptr)));
  driver_options plain;
  plain.address = address;
  CHECK_FALSE(connects(plain));
  CHECK(server.stop() == 0);
}

TEST_CASE("mutual TLS: only clients with a certificate from the client CA get in") {
  tls_setup tls;
  server_process server({"serve", SCC_CCAAS_KVSCC, "--address", "127.0.0.1:0", "--id", "kv:1",
                         "--tls-key", tls.server.key, "--tls-cert", tls.server.cert,
                         "--tls-client-ca", tls.pki.ca().cert});
  const std::string address = server.wait_listening();
  CHECK(server.err().find("(mutual TLS, ") != std::string::npos);
  CHECK(connects(tls_options(address, tls, &tls.client)));
  CHECK_FALSE(connects(tls_options(address, tls, nullptr)));
  CHECK_FALSE(connects(tls_options(address, tls, &tls.foreign_client)));
  // The server is still serving after refusing those.
  CHECK(connects(tls_options(address, tls, &tls.client)));
  CHECK(server.stop() == 0);
}

TEST_CASE("TLS files that do not fit are refused before serving") {
  tls_setup tls;
  const exit_result mismatch =
      run_ccaas({"serve", SCC_CCAAS_KVSCC, "--address", "127.0.0.1:0", "--id", "kv:1",
                 "--tls-key", tls.client.key, "--tls-cert", tls.server.cert});
  CHECK(mismatch.status == 2);
  CHECK(mismatch.err == "scc-ccaas: TLS key '" + tls.client.key + "' does not belong to certificate '" +
                            tls.server.cert + "'\n");
  const exit_result not_pem =
      run_ccaas({"serve", SCC_CCAAS_KVSCC, "--address", "127.0.0.1:0", "--id", "kv:1",
                 "--tls-key", SCC_CCAAS_KVSCC, "--tls-cert", tls.server.cert});
  CHECK(not_pem.status == 2);
  CHECK(not_pem.err.find("is not PEM") != std::string::npos);
  const exit_result bad_ca =
      run_ccaas({"serve", SCC_CCAAS_KVSCC, "--address", "127.0.0.1:0", "--id", "kv:1",
                 "--tls-key", tls.server.key, "--tls-cert", tls.server.cert, "--tls-client-ca",
                 tls.server.key});
  CHECK(bad_ca.status == 2);
  CHECK(bad_ca.err.find("TLS client CA") != std::string::npos);
  // Through fabric-samples' environment variables as well.
  const exit_result env = run_ccaas({"serve", SCC_CCAAS_KVSCC, "--address", "127.0.0.1:0", "--id", "kv:1"},
                                    {{"CHAINCODE_TLS_KEY", tls.client.key},
                                     {"CHAINCODE_TLS_CERT", tls.server.cert}});
  CHECK(env.status == 2);
  CHECK(env.err.find("does not belong") != std::string::npos);
}
