// Every CLI verb against a running scc-peer, its JSON output, and Fabric's semantics seen end
// to end: no read-your-writes, events, a failed invoke leaves no trace, the invokable flags,
// MVCC conflicts reported as invalid transactions.
#include <future>
#include <string>

#include "peer_harness.hpp"
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace scc::peer::test;
using json = nlohmann::json;

namespace {

json parse(const cli_result& result) {
  INFO("stdout: " << result.out << "\nstderr: " << result.err);
  REQUIRE_FALSE(result.out.empty());
  return json::parse(result.out);
}

std::vector<plugin_config> standard_plugins() {
  plugin_config kvscc{"kvscc", SCC_PEER_KVSCC};
  kvscc.invokable_cc2cc = false;
  plugin_config internal{"internal", SCC_PEER_INTERNAL};
  internal.invokable_external = false;
  return {kvscc, {"token", SCC_PEER_TOKEN}, internal};
}

}  // namespace

TEST_CASE("chaincode invoke and query, text and JSON") {
  temp_folder folder("cli");
  peer_process peer(folder.path(), core_yaml(standard_plugins()));
  REQUIRE_MESSAGE(peer.start(), peer.log());

  const cli_result put = peer.cli({"chaincode", "invoke", "-C", "mychannel", "-n", "kvscc", "-c",
                                   R"({"Args":["put","a","1"]})"});
  CHECK(put.exit_code == 0);
  CHECK(put.out.rfind("Chaincode invoke successful. result: status:200 payload:\"\" txid:", 0) ==
        0);
  CHECK(put.out.find("block:1 validation_code:VALID event:\"put\" event_payload:\"a\"") !=
        std::string::npos);

  const json invoked =
      parse(peer.cli({"chaincode", "invoke", "-C", "mychannel", "-n", "kvscc", "-c",
                      R"({"function":"put","Args":["b","two"]})", "--output", "json"}));
  CHECK(invoked["txid"].get<std::string>().size() == 64);
  CHECK(invoked["status"] == 200);
  CHECK(invoked["message"] == "");
  CHECK(invoked["payload"] == "");
  CHECK(invoked["payload_base64"] == "");
  CHECK(invoked["validation_code"] == "VALID");
  CHECK(invoked["block_number"] == 2);
  CHECK(invoked["event"] == json{{"name", "put"}, {"payload", "b"}, {"payload_base64", "Yg=="}});

  const cli_result get = peer.cli(
      {"chaincode", "query", "-C", "mychannel", "-n", "kvscc", "-c", R"({"Args":["get","b"]})"});
  CHECK(get.exit_code == 0);
  CHECK(get.out == "two\n");

  const json queried = parse(peer.cli({"chaincode", "query", "-C", "mychannel", "-n", "kvscc", "-c",
                                       R"({"Args":["get","b"]})", "--output", "json"}));
  CHECK(queried["payload"] == "two");
  CHECK(queried["payload_base64"] == "dHdv");
  CHECK(queried["validation_code"] == "NOT_VALIDATED");
  CHECK(queried["block_number"].is_null());
  CHECK(queried["event"].is_null());

  // Status >= 400: message on stderr, non-zero exit; the JSON still tells the status.
  const cli_result missing = peer.cli({"chaincode", "query", "-C", "mychannel", "-n", "kvscc", "-c",
                                       R"({"Args":["get","nope"]})", "--output", "json"});
  CHECK(missing.exit_code != 0);
  CHECK(missing.err ==
        "Error: endorsement failure during query. response: status:404 message:\"key not found: "
        "nope\"\n");
  CHECK(parse(missing)["status"] == 404);

  // Creator from CORE_PEER_LOCALMSPID and a certificate file; transient values in base64.
  write_file(folder.path() / "cert.pem",
             "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
  const cli_result context = peer.cli(
      {"chaincode", "query", "-C", "mychannel", "-n", "token", "-c", R"({"Args":["context","k"]})",
       "--transient", R"({"k":"c2VjcmV0"})", "--certfile", (folder.path() / "cert.pem").string()},
      {{"CORE_PEER_LOCALMSPID", "Org1MSP"}});
  CHECK(context.exit_code == 0);
  CHECK(context.out.find("|mychannel|") == 64);
  CHECK(context.out.find("Org1MSP") != std::string::npos);
  CHECK(context.out.find("-----BEGIN CERTIFICATE-----") != std::string::npos);
  CHECK(context.out.find("|secret\n") != std::string::npos);

  // Bad -c and --transient are refused before anything is sent.
  const cli_result bad_ctor =
      peer.cli({"chaincode", "invoke", "-C", "mychannel", "-n", "kvscc", "-c", R"({"Args":[1]})"});
  CHECK(bad_ctor.exit_code != 0);
  CHECK(bad_ctor.err.find("chaincode argument error") != std::string::npos);
  const cli_result bad_transient =
      peer.cli({"chaincode", "query", "-C", "mychannel", "-n", "token", "-c",
                R"({"Args":["total"]})", "--transient", "{\"k\":1}"});
  CHECK(bad_transient.exit_code != 0);
  CHECK(bad_transient.err.find("error parsing transient string") != std::string::npos);
  const cli_result bad_channel = peer.cli(
      {"chaincode", "query", "-C", "Bad_Channel", "-n", "kvscc", "-c", R"({"Args":["get","a"]})"});
  CHECK(bad_channel.exit_code != 0);
  CHECK(bad_channel.err.find("channel name 'Bad_Channel' is invalid") != std::string::npos);
  CHECK(peer.stop() == 0);
}

TEST_CASE("chaincode list, channel list, node status; CORE_PEER_ADDRESS; unreachable peer") {
  temp_folder folder("verbs");
  peer_process peer(folder.path(), core_yaml(standard_plugins()));
  REQUIRE_MESSAGE(peer.start(), peer.log());
  REQUIRE(peer.cli({"chaincode", "invoke", "-C", "alpha", "-n", "kvscc", "-c",
                    R"({"Args":["put","k","v"]})"})
              .exit_code == 0);
  REQUIRE(peer.cli({"chaincode", "query", "-C", "beta", "-n", "kvscc", "-c",
                    R"({"Args":["range","",""]})"})
              .exit_code == 0);

  const cli_result list = peer.cli({"chaincode", "list"});
  CHECK(list.exit_code == 0);
  CHECK(list.out.find("Name: kvscc, Version: 1.0.0, ABI: 1.1, invokableExternal: true, "
                      "invokableCC2CC: false, serialised, Path: " SCC_PEER_KVSCC) !=
        std::string::npos);
  CHECK(list.out.find("Name: internal, Version: 0.0.1, ABI: 1.1, invokableExternal: false") !=
        std::string::npos);
  const json plugins = parse(peer.cli({"chaincode", "list", "--output", "json"}));
  REQUIRE(plugins.size() == 3);
  CHECK(plugins[1]["name"] == "token");
  CHECK(plugins[1]["thread_safe"] == true);
  CHECK(plugins[1]["abi"] == "1.1");
  CHECK(plugins[1]["path"] == SCC_PEER_TOKEN);

  const cli_result channels = peer.cli({"channel", "list"});
  CHECK(channels.out == "Channels peers has joined: \nalpha\nbeta\n");
  CHECK(parse(peer.cli({"channel", "list", "-o", "json"})) ==
        json::array({{{"name", "alpha"}, {"height", 2}}, {{"name", "beta"}, {"height", 1}}}));

  const json status = parse(peer.cli({"node", "status", "--output", "json"}));
  CHECK(status["status"] == "STARTED");
  CHECK(status["listen_address"] == peer.address());
  CHECK(status["channels"][0]["height"] == 2);
  const cli_result text_status =
      peer.run({SCC_PEER_BINARY, "node", "status"}, {{"CORE_PEER_ADDRESS", peer.address()}});
  CHECK(text_status.exit_code == 0);
  CHECK(text_status.out.find("channel alpha: height 2\nchannel beta: height 1\n") !=
        std::string::npos);

  CHECK(peer.stop() == 0);
  const cli_result gone = peer.cli({"node", "status"});
  CHECK(gone.exit_code == 1);
  CHECK(gone.err.find("Error: cannot connect to " + peer.address()) == 0);
}

TEST_CASE("Fabric semantics end to end") {
  temp_folder folder("semantics");
  peer_process peer(folder.path(), core_yaml(standard_plugins()));
  REQUIRE_MESSAGE(peer.start(), peer.log());
  const auto invoke = [&](const std::string& chaincode, const std::string& args) {
    return peer.cli({"chaincode", "invoke", "-C", "ch", "-n", chaincode, "-c",
                     "{\"Args\":" + args + "}", "--output", "json"});
  };
  const auto height = [&] {
    return parse(peer.cli({"node", "status", "-o", "json"}))["channels"][0]["height"].get<int>();
  };

  SUBCASE("no read-your-writes: a transaction reads committed state only") {
    const json result = parse(invoke("token", R"(["put_and_get","k","v1"])"));
    CHECK(result["payload"] == "<absent>");
    CHECK(result["validation_code"] == "VALID");
    const json again = parse(invoke("token", R"(["put_and_get","k","v2"])"));
    CHECK(again["payload"] == "v1");
  }

  SUBCASE("a failed invoke leaves no trace: no write, no event, no block") {
    REQUIRE(invoke("token", R"(["set","alice","5"])").exit_code == 0);
    const int before = height();
    const cli_result failed = invoke("token", R"(["put_then_fail","trace","x"])");
    CHECK(failed.exit_code != 0);
    CHECK(
        failed.err.find("endorsement failure during invoke. response: status:500 message:\"failing "
                        "on purpose after writing trace\"") != std::string::npos);
    const json result = parse(failed);
    CHECK(result["validation_code"] == "NOT_VALIDATED");
    CHECK(result["block_number"].is_null());
    CHECK(result["event"].is_null());
    CHECK(height() == before);
    CHECK(peer.cli({"chaincode", "query", "-C", "ch", "-n", "token", "-c",
                    R"({"Args":["get","trace"]})"})
              .exit_code != 0);
  }

  SUBCASE("events travel with valid transactions") {
    REQUIRE(invoke("token", R"(["set","alice","5"])").exit_code == 0);
    const json result = parse(invoke("token", R"(["transfer","alice","bob","2"])"));
    CHECK(result["event"]["name"] == "transfer");
    CHECK(result["event"]["payload"] == "alice->bob:2");
    CHECK(result["payload"] == "3");
  }

  SUBCASE("invokableExternal=false refuses client proposals, not chaincode calls") {
    const cli_result direct = invoke("internal", R"(["anything"])");
    CHECK(direct.exit_code != 0);
    CHECK(direct.err.find("chaincode internal cannot be invoked through a proposal") !=
          std::string::npos);
    const json called = parse(invoke("token", R"(["call","internal","x","y"])"));
    CHECK(called["status"] == 200);
    CHECK(called["payload"] == "internal saw 2 args");
  }

  SUBCASE("invokableCC2CC=false refuses chaincode calls, not client proposals") {
    const cli_result called = invoke("token", R"(["call","kvscc","get","a"])");
    CHECK(called.exit_code != 0);
    CHECK(called.err.find("system chaincode kvscc cannot be invoked with a cc2cc invocation") !=
          std::string::npos);
    CHECK(invoke("kvscc", R"(["put","a","1"])").exit_code == 0);
  }
  CHECK(peer.stop() == 0);
}

TEST_CASE("an MVCC conflict is reported as an invalid transaction, with no effect") {
  temp_folder folder("mvcc");
  // Blocks of exactly two: both transfers are simulated on the same state, then validated in
  // one block, so the second one's reads are stale whatever the timing.
  peer_process peer(folder.path(), core_yaml(standard_plugins()),
                    {{"CORE_SCCPEER_BLOCKCUTTER_MAXMESSAGECOUNT", "2"},
                     {"CORE_SCCPEER_BLOCKCUTTER_BATCHTIMEOUT", "10m"}});
  REQUIRE_MESSAGE(peer.start(), peer.log());
  const auto invoke = [&](const std::string& args) {
    return peer.cli({"chaincode", "invoke", "-C", "ch", "-n", "token", "-c",
                     "{\"Args\":" + args + "}", "--output", "json"});
  };
  {
    auto first = std::async(std::launch::async, [&] { return invoke(R"(["set","alice","10"])"); });
    auto second = std::async(std::launch::async, [&] { return invoke(R"(["set","bob","0"])"); });
    REQUIRE(first.get().exit_code == 0);
    REQUIRE(second.get().exit_code == 0);
  }
  auto first =
      std::async(std::launch::async, [&] { return invoke(R"(["transfer","alice","bob","3"])"); });
  auto second =
      std::async(std::launch::async, [&] { return invoke(R"(["transfer","alice","bob","4"])"); });
  const cli_result a = first.get();
  const cli_result b = second.get();
  const cli_result& valid = a.exit_code == 0 ? a : b;
  const cli_result& invalid = a.exit_code == 0 ? b : a;
  CHECK(valid.exit_code == 0);
  CHECK(invalid.exit_code != 0);
  const json valid_json = parse(valid);
  const json invalid_json = parse(invalid);
  CHECK(valid_json["validation_code"] == "VALID");
  CHECK(invalid_json["validation_code"] == "MVCC_READ_CONFLICT");
  CHECK(invalid_json["block_number"] == valid_json["block_number"]);
  CHECK(invalid_json["event"].is_null());
  CHECK(invalid.err.find("as invalid: MVCC_READ_CONFLICT") != std::string::npos);
  const int moved = valid_json["event"]["payload"] == "alice->bob:3" ? 3 : 4;
  const cli_result alice = peer.cli(
      {"chaincode", "query", "-C", "ch", "-n", "token", "-c", R"({"Args":["balance","alice"]})"});
  CHECK(alice.out == std::to_string(10 - moved) + "\n");
  CHECK(peer.stop() == 0);
}

TEST_CASE("a contract's read-only (evaluate) transaction that writes is refused through scc-peer") {
  temp_folder folder("readonly");
  peer_process peer(folder.path(), core_yaml({{"book", SCC_PEER_READONLY}}));
  REQUIRE_MESSAGE(peer.start(), peer.log());

  const cli_result deposit = peer.cli({"chaincode", "invoke", "-C", "mychannel", "-n", "book", "-c",
                                       R"({"Args":["deposit","7"]})"});
  CHECK(deposit.exit_code == 0);
  const cli_result balance = peer.cli(
      {"chaincode", "query", "-C", "mychannel", "-n", "book", "-c", R"({"Args":["balance"]})"});
  CHECK(balance.exit_code == 0);
  CHECK(balance.out == "7\n");

  // Submitted as an invoke, so nothing but the contract layer stands between it and a block.
  const json refused = parse(peer.cli({"chaincode", "invoke", "-C", "mychannel", "-n", "book", "-c",
                                       R"({"Args":["sneaky_reset"]})", "--output", "json"}));
  CHECK(refused["status"] == 500);
  CHECK(refused["message"] ==
        "sneaky_reset: a read-only (evaluate) transaction cannot put_state (key \"balance\")");
  CHECK(refused["block_number"].is_null());
  const cli_result after = peer.cli(
      {"chaincode", "query", "-C", "mychannel", "-n", "book", "-c", R"({"Args":["balance"]})"});
  CHECK(after.out == "7\n");

  const json metadata =
      json::parse(peer.cli({"chaincode", "query", "-C", "mychannel", "-n", "book", "-c",
                            R"({"Args":["org.hyperledger.fabric:GetMetadata"]})"})
                      .out);
  const json& transactions = metadata["contracts"]["book"]["transactions"];
  REQUIRE(transactions.size() == 3);
  CHECK(transactions[0]["tag"] == json::array({"submitTx"}));
  CHECK(transactions[1]["tag"] == json::array({"evaluateTx"}));
  CHECK(transactions[2]["tag"] == json::array({"evaluateTx"}));
  CHECK(peer.stop() == 0);
}
