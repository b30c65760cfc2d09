// The SDK's example plugins, unchanged, as chaincode behind scc-ccaas.
#include <doctest/doctest.h>

#include "ccaas_fixture.hpp"
#include "peer/proposal_response.pb.h"

using namespace ccaas_test;

namespace {

transaction_request as(const std::string& msp_id, std::vector<std::string> args) {
  transaction_request request = tx(std::move(args));
  request.creator = peer_driver::serialized_identity(msp_id, "-----BEGIN CERTIFICATE-----\n");
  return request;
}

}  // namespace

TEST_CASE("kvscc: state, events, ranges and composite keys") {
  served_plugin kv(SCC_CCAAS_KVSCC, "kvscc:1");
  const transaction_result put = kv.run({"put", "a", "1"});
  CHECK(put.status == 200);
  CHECK(put.has_event);
  CHECK(put.event_name == "put");
  CHECK(put.event_payload == "a");
  CHECK(kv.run({"put", "b", "2"}).status == 200);
  CHECK(kv.run({"put", "c", "3"}).status == 200);
  CHECK(kv.run({"get", "b"}).payload == "2");
  const transaction_result missing = kv.run({"get", "zz"});
  CHECK(missing.status == 404);
  CHECK(missing.message == "key not found: zz");
  CHECK(kv.run({"range", "a", "c"}).payload == "a=1\nb=2\n");
  CHECK(kv.run({"del", "a"}).status == 200);
  CHECK(kv.run({"range", "", ""}).payload == "b=2\nc=3\n");
  CHECK(kv.run({"put_asset", "alice", "car", "red"}).status == 200);
  CHECK(kv.run({"put_asset", "alice", "bike", "blue"}).status == 200);
  CHECK(kv.run({"put_asset", "bob", "boat", "white"}).status == 200);
  CHECK(kv.run({"assets_of", "alice"}).payload == "bike=blue\ncar=red\n");
  const transaction_result wrong = kv.run({"nosuch"});
  CHECK(wrong.status == 500);
  CHECK(wrong.message.find("kvscc: unknown function") == 0);
}

TEST_CASE("tokenscc: typed contract, identities from the creator, GetMetadata") {
  served_plugin token(SCC_CCAAS_TOKENSCC, "tokenscc:1");
  const transaction_result minted = token.driver->execute(as("SampleOrg", {"mint", "100"}));
  CHECK(minted.status == 200);
  CHECK(minted.event_name == "Transfer");
  const transaction_result refused = token.driver->execute(as("Org1MSP", {"mint", "5"}));
  CHECK(refused.status >= 400);
  CHECK(token.driver->execute(as("SampleOrg", {"transfer", "Org1MSP", "30"})).status == 200);
  CHECK(token.driver->execute(as("Org1MSP", {"balance_of", "Org1MSP"})).payload == "30");
  CHECK(token.driver->execute(as("Org1MSP", {"balance_of", "SampleOrg"})).payload == "70");
  CHECK(token.driver->execute(as("Org2MSP", {"client_account"})).payload == "Org2MSP");
  const transaction_result negative = token.driver->execute(as("SampleOrg", {"transfer", "Org1MSP", "-1"}));
  CHECK(negative.status >= 400);
  const transaction_result metadata = token.run({"org.hyperledger.fabric:GetMetadata"});
  CHECK(metadata.status == 200);
  CHECK(metadata.payload.find("\"contracts\"") != std::string::npos);
  CHECK(metadata.payload.find("transfer_from") != std::string::npos);
}

TEST_CASE("registryscc: transient data into a private collection, pages, history") {
  served_plugin registry(SCC_CCAAS_REGISTRYSCC, "registryscc:1");
  transaction_request create = as("Org1MSP", {"create_asset", "a1", "a lamp", "300"});
  create.transient = {{"details", "{\"serial_number\":\"SN-1\",\"purchase_price\":120}"}};
  const transaction_result created = registry.driver->execute(create);
  CHECK(created.status == 200);
  CHECK(created.event_name == "AssetCreated");
  CHECK(registry.driver->execute(as("Org1MSP", {"create_asset", "a2", "a desk", "500"})).status == 200);
  const transaction_result read = registry.driver->execute(as("Org2MSP", {"read_asset", "Org1MSP", "a1"}));
  CHECK(read.status == 200);
  CHECK(read.payload.find("a lamp") != std::string::npos);
  const transaction_result details = registry.driver->execute(as("Org1MSP", {"read_private_details", "a1"}));
  CHECK(details.status == 200);
  CHECK(details.payload.find("SN-1") != std::string::npos);
  CHECK(registry.driver->execute(as("Org2MSP", {"update_asset", "a1", "stolen", "1"})).status >= 400);
  CHECK(registry.driver->execute(as("Org1MSP", {"update_asset", "a1", "a brass lamp", "350"})).status == 200);
  const transaction_result page = registry.driver->execute(as("Org1MSP", {"assets_by_owner", "Org1MSP", "1"}));
  CHECK(page.status == 200);
  CHECK(page.payload.find("a1") != std::string::npos);
  CHECK(page.payload.find("\"bookmark\"") != std::string::npos);
  const transaction_result history = registry.driver->execute(as("Org1MSP", {"asset_history", "Org1MSP", "a1"}));
  CHECK(history.status == 200);
  CHECK(history.payload.find("a brass lamp") < history.payload.find("a lamp"));
}

TEST_CASE("cc2cc calls tokenscc through INVOKE_CHAINCODE, as the peer routes it") {
  served_plugin token(SCC_CCAAS_TOKENSCC, "tokenscc:1");
  served_plugin caller(SCC_CCAAS_CC2CC, "cc2cc:1");
  CHECK(token.driver->execute(as("SampleOrg", {"mint", "100"})).status == 200);
  const std::string creator = peer_driver::serialized_identity("SampleOrg", "-----BEGIN CERTIFICATE-----\n");
  caller.driver->set_invoke_handler([&](const protos::ChaincodeSpec& spec, const Message& request) {
    Message answer;
    if (spec.chaincode_id().name() != "tokenscc") {
      answer.set_type(Message::ERROR);
      answer.set_payload("chaincode " + spec.chaincode_id().name() + " not found");
      return answer;
    }
    transaction_request callee;
    callee.args.assign(spec.input().args().begin(), spec.input().args().end());
    callee.tx_id = request.txid();
    callee.channel = request.channel_id();
    callee.creator = creator;
    const transaction_result result = token.driver->execute(callee);
    protos::Response response;
    response.set_status(result.status);
    response.set_message(result.message);
    response.set_payload(result.payload);
    answer.set_type(Message::COMPLETED);
    answer.set_payload(response.SerializeAsString());
    return answer;
  });
  transaction_request pay = tx({"pay_with_memo", "Org1MSP", "25", "for lunch"});
  pay.creator = creator;
  const transaction_result paid = caller.driver->execute(pay);
  CHECK(paid.status == 200);
  CHECK(paid.event_name == "PaymentWithMemo");
  CHECK(token.driver->execute(as("Org1MSP", {"balance_of", "Org1MSP"})).payload == "25");
  transaction_request balance = tx({"balance_of", "SampleOrg"});
  balance.creator = creator;
  CHECK(caller.driver->execute(balance).payload == "75");
  transaction_request memo = tx({"memo_of", paid.tx_id});
  memo.creator = creator;
  const transaction_result memo_result = caller.driver->execute(memo);
  CHECK(memo_result.status == 200);
  CHECK(memo_result.payload.find("for lunch") != std::string::npos);
  transaction_request unknown = tx({"call", "nosuchcc", "f"});
  unknown.creator = creator;
  const transaction_result refused = caller.driver->execute(unknown);
  CHECK(refused.status == 500);
  CHECK(refused.message.find("nosuchcc not found") != std::string::npos);
}
