// scc-ccaas's settings: flags, the environment variables Fabric users know, and refusals that
// are one clear line and a non-zero exit before anything is served.
#include <doctest/doctest.h>

#include <map>

#include "server_process.hpp"
#include "settings.hpp"

using namespace scc::ccaas;
using namespace ccaas_test;

namespace {

environment env_of(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    const auto found = values.find(name);
    if (found == values.end()) return std::nullopt;
    return found->second;
  };
}

serve_settings serve_of(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  return std::get<serve_settings>(parse_command(args, env_of(std::move(env))));
}

std::string refusal(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  try {
    parse_command(args, env_of(std::move(env)));
  } catch (const settings_error& e) {
    return e.what();
  }
  return "(accepted)";
}

}  // namespace

TEST_CASE("serve: flags, and the same settings from either family of environment variables") {
  const serve_settings flags =
      serve_of({"serve", "p.so", "--address", "127.0.0.1:9999", "--id", "cc:1"});
  CHECK(flags.plugin_path == "p.so");
  CHECK(flags.listen_address == "127.0.0.1:9999");
  CHECK(flags.chaincode_id == "cc:1");
  CHECK_FALSE(flags.tls.has_value());

  const serve_settings samples = serve_of(
      {"serve", "p.so"}, {{"CHAINCODE_SERVER_ADDRESS", "0.0.0.0:9999"}, {"CHAINCODE_ID", "a:b"}});
  CHECK(samples.listen_address == "0.0.0.0:9999");
  CHECK(samples.chaincode_id == "a:b");
  const serve_settings node = serve_of(
      {"serve", "p.so"}, {{"CORE_CHAINCODE_ADDRESS", "127.0.0.1:7"}, {"CORE_CHAINCODE_ID", "x"}});
  CHECK(node.listen_address == "127.0.0.1:7");
  CHECK(node.chaincode_id == "x");
  // A flag wins over the environment.
  CHECK(serve_of({"serve", "p.so", "--id=flag"}, {{"CHAINCODE_SERVER_ADDRESS", "h:1"}, {"CHAINCODE_ID", "env"}})
            .chaincode_id == "flag");

  const serve_settings tls = serve_of({"serve", "p.so", "--address", "h:1", "--id", "i", "--tls-key",
                                       "k.pem", "--tls-cert", "c.pem", "--tls-client-ca", "ca.pem"});
  REQUIRE(tls.tls.has_value());
  CHECK(tls.tls->key_file == "k.pem");
  CHECK(tls.tls->client_ca_file == "ca.pem");
  const serve_settings tls_env =
      serve_of({"serve", "p.so", "--address", "h:1", "--id", "i"},
               {{"CORE_CHAINCODE_TLS_KEY_FILE", "k"}, {"CORE_CHAINCODE_TLS_CERT_FILE", "c"}});
  REQUIRE(tls_env.tls.has_value());
  CHECK(tls_env.tls->client_ca_file.empty());
  CHECK_FALSE(serve_of({"serve", "p.so", "--address", "h:1", "--id", "i"},
                       {{"CHAINCODE_TLS_KEY", "k"}, {"CHAINCODE_TLS_CERT", "c"},
                        {"CHAINCODE_TLS_DISABLED", "true"}})
                  .tls.has_value());
}

TEST_CASE("serve, classic mode: --peer.address with the peer's CORE_* variables") {
  const serve_settings plain = serve_of({"serve", "p.so", "--peer.address", "127.0.0.1:7052"},
                                        {{"CORE_CHAINCODE_ID_NAME", "mycc:1.0"}});
  CHECK(plain.peer_address == "127.0.0.1:7052");
  CHECK(plain.chaincode_id == "mycc:1.0");
  CHECK_FALSE(plain.peer_tls_settings.has_value());
  const serve_settings tls = serve_of(
      {"serve", "p.so", "--peer.address", "peer0:7052", "--id", "x"},
      {{"CORE_PEER_TLS_ENABLED", "true"}, {"CORE_PEER_TLS_ROOTCERT_FILE", "/ca.pem"},
       {"CORE_TLS_CLIENT_KEY_PATH", "/k.b64"}, {"CORE_TLS_CLIENT_CERT_PATH", "/c.b64"}});
  REQUIRE(tls.peer_tls_settings.has_value());
  CHECK(tls.peer_tls_settings->root_cert_file == "/ca.pem");
  CHECK(tls.peer_tls_settings->client_files_base64);
}

TEST_CASE("bad settings are refused with one line that says what to do") {
  CHECK(refusal({"serve"}).find("no plugin") == 0);
  CHECK(refusal({"serve", "p.so", "--id", "x"}).find("no address") == 0);
  CHECK(refusal({"serve", "p.so", "--address", "h:1"}).find("no chaincode id") == 0);
  CHECK(refusal({"serve", "p.so", "--address", "nohost", "--id", "x"}).find("not HOST:PORT") !=
        std::string::npos);
  CHECK(refusal({"serve", "p.so", "--address", "h:70000", "--id", "x"}).find("invalid port") !=
        std::string::npos);
  CHECK(refusal({"serve", "p.so", "--address", "h:1", "--id", "x", "--tls-key", "k"})
            .find("--tls-key needs --tls-cert") == 0);
  CHECK(refusal({"serve", "p.so", "--address", "h:1", "--id", "x", "--tls-client-ca", "ca"})
            .find("needs --tls-key") != std::string::npos);
  CHECK(refusal({"serve", "p.so", "--address", "h:1", "--peer.address", "h:2", "--id", "x"})
            .find("exclude each other") != std::string::npos);
  CHECK(refusal({"serve", "p.so", "--id", "x"},
                {{"CHAINCODE_SERVER_ADDRESS", "a:1"}, {"CORE_CHAINCODE_ADDRESS", "b:2"}})
            .find("disagree") != std::string::npos);
  CHECK(refusal({"serve", "p.so", "--bogus"}).find("unknown option --bogus") == 0);
  CHECK(refusal({"serve", "p.so", "--address"}).find("--address needs a value") == 0);
  CHECK(refusal({"serve", "p.so", "--peer.address", "h:1"}).find("no chaincode id") == 0);
  CHECK(refusal({"serve", "p.so", "--peer.address", "h:1", "--id", "x"},
                {{"CORE_PEER_TLS_ENABLED", "true"}})
            .find("CORE_PEER_TLS_ROOTCERT_FILE") != std::string::npos);
  CHECK(refusal({"frobnicate"}).find("unknown command") == 0);
  CHECK(refusal({"package", "--address", "h:1", "-o", "x"}).find("--label is required") == 0);
  CHECK(refusal({"package", "--label", "-bad", "--address", "h:1", "-o", "x"}).find("invalid label") == 0);
  CHECK(refusal({"package", "--label", "l", "--address", "h:1", "-o", "x", "--dial-timeout", "ten"})
            .find("invalid --dial-timeout") == 0);
  CHECK(refusal({"package", "--label", "l", "--address", "h:1", "-o", "x", "--tls-required"})
            .find("needs --root-cert") != std::string::npos);
  CHECK(refusal({"package", "--label", "l", "--address", "h:1", "-o", "x",
                 "--client-auth-required"})
            .find("needs --client-key") != std::string::npos);
}

TEST_CASE("the binary refuses bad settings before serving: one line, non-zero exit") {
  const exit_result no_id = run_ccaas({"serve", SCC_CCAAS_PROBE, "--address", "127.0.0.1:0"},
                                      {{"CHAINCODE_ID", ""}, {"CORE_CHAINCODE_ID", ""}});
  CHECK(no_id.status == 2);
  CHECK(no_id.err.find("scc-ccaas: no chaincode id") == 0);
  CHECK(std::count(no_id.err.begin(), no_id.err.end(), '\n') == 1);

  const exit_result missing_plugin =
      run_ccaas({"serve", "/nonexistent/plugin.so", "--address", "127.0.0.1:0", "--id", "x"});
  CHECK(missing_plugin.status == 1);
  CHECK(missing_plugin.err.find("incompatible SCC plugin '/nonexistent/plugin.so'") != std::string::npos);
  CHECK(missing_plugin.err.find("listening") == std::string::npos);

  const exit_result not_a_plugin =
      run_ccaas({"serve", SCC_CCAAS_BINARY, "--address", "127.0.0.1:0", "--id", "x"});
  CHECK(not_a_plugin.status == 1);
  CHECK(not_a_plugin.err.find("incompatible SCC plugin") != std::string::npos);

  const exit_result unreadable_tls =
      run_ccaas({"serve", SCC_CCAAS_PROBE, "--address", "127.0.0.1:0", "--id", "x", "--tls-key",
                 "/nonexistent/key.pem", "--tls-cert", "/nonexistent/cert.pem"});
  CHECK(unreadable_tls.status == 2);
  CHECK(unreadable_tls.err == "scc-ccaas: TLS key '/nonexistent/key.pem' cannot be read\n");

  // A busy port: the first server holds it.
  server_process first({"serve", SCC_CCAAS_PROBE, "--address", "127.0.0.1:0", "--id", "x"});
  const std::string address = first.wait_listening();
  const exit_result busy = run_ccaas({"serve", SCC_CCAAS_PROBE, "--address", address, "--id", "x"});
  CHECK(busy.status == 1);
  CHECK(busy.err.find("cannot listen on " + address) != std::string::npos);
  CHECK(first.stop() == 0);

  const exit_result help = run_ccaas({"--help"});
  CHECK(help.status == 0);
  CHECK(help.out.find("scc-ccaas serve PLUGIN.so --address HOST:PORT --id CHAINCODE_ID") !=
        std::string::npos);
}
