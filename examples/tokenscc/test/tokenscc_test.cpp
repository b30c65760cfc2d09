// tokenscc through the loader: the built tokenscc.so, run against the stub-ledger harness.
#include <cstdint>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <scc/host/loader.hpp>
#include <scc/testing.hpp>

namespace {

using scc::testing::identity;
using scc::testing::tx_options;

const identity minter{"SampleOrg", ""};
const identity org2{"Org2MSP", ""};
const identity org3{"Org3MSP", ""};

tx_options as(const identity& who) {
  tx_options options;
  options.creator = who;
  return options;
}

scc::testing::harness with_tokenscc() {
  scc::testing::harness h;
  h.install(TOKENSCC_PLUGIN_PATH);
  return h;
}

std::string balance(scc::testing::harness& h, const std::string& account) {
  return h.query("tokenscc", {"balance_of", account}).response.payload;
}

// SampleOrg mints 1000 and gives Org2MSP 300.
scc::testing::harness funded() {
  auto h = with_tokenscc();
  REQUIRE(h.invoke("tokenscc", {"mint", "1000"}, as(minter)).committed());
  REQUIRE(h.invoke("tokenscc", {"transfer", "Org2MSP", "300"}, as(minter)).committed());
  return h;
}

}  // namespace

TEST_CASE("tokenscc.so is one export, named tokenscc, version 1.0.0") {
  CHECK(scc::host::plugin_library::open(TOKENSCC_PLUGIN_PATH)->exports() ==
        std::vector<std::string>{"scc_plugin_entry_v1"});
  scc::testing::harness h;
  const auto info = h.install(TOKENSCC_PLUGIN_PATH);
  CHECK(info.name == "tokenscc");
  CHECK(info.version == "1.0.0");
  CHECK(h.query("tokenscc", {"info"}).response.payload ==
        R"({"minter":"SampleOrg","name":"scc example token","symbol":"SCCT"})");
}

TEST_CASE("the minter organisation mints into its own account and raises a Transfer from \"\"") {
  auto h = with_tokenscc();
  const auto minted = h.invoke("tokenscc", {"mint", "1000"}, as(minter));
  CHECK(minted.response.status == 200);
  CHECK(minted.response.payload == "1000");
  CHECK(minted.committed());
  REQUIRE(minted.event.has_value());
  CHECK(minted.event->name == "Transfer");
  CHECK(minted.event->payload == R"({"from":"","to":"SampleOrg","value":1000})");
  CHECK(balance(h, "SampleOrg") == "1000");
  CHECK(h.query("tokenscc", {"total_supply"}).response.payload == "1000");
  CHECK(h.invoke("tokenscc", {"mint", "1"}, as(minter)).response.payload == "1001");
}

TEST_CASE("no other organisation may mint") {
  auto h = with_tokenscc();
  const auto refused = h.invoke("tokenscc", {"mint", "1000"}, as(org2));
  CHECK(refused.response.status == 403);
  CHECK(refused.response.message == "mint: only SampleOrg may mint; the client belongs to Org2MSP");
  CHECK_FALSE(refused.committed());
  CHECK(h.query("tokenscc", {"total_supply"}).response.payload == "0");
}

TEST_CASE("amounts are positive uint64 numbers") {
  auto h = with_tokenscc();
  CHECK(h.invoke("tokenscc", {"mint", "0"}, as(minter)).response.message ==
        "mint: the amount must be greater than 0");
  CHECK(h.invoke("tokenscc", {"mint", "-5"}, as(minter)).response.message ==
        "mint: argument 1 (amount): -5 is out of range for uint64 (0 to 18446744073709551615)");
  CHECK(h.invoke("tokenscc", {"mint", "lots"}, as(minter)).response.message ==
        "mint: argument 1 (amount): \"lots\" is not an integer");
  CHECK(h.invoke("tokenscc", {"transfer", "Org2MSP"}, as(minter)).response.message ==
        "transfer takes 2 arguments (to, amount) but was given 1");
}

TEST_CASE("a mint that would overflow the total supply is refused and changes nothing") {
  auto h = with_tokenscc();
  REQUIRE(h.invoke("tokenscc", {"mint", "18446744073709551615"}, as(minter)).committed());
  const auto overflow = h.invoke("tokenscc", {"mint", "1"}, as(minter));
  CHECK(overflow.response.status == 500);
  CHECK(overflow.response.message ==
        "mint: overflow: the total supply would exceed 18446744073709551615 "
        "(18446744073709551615 + 1)");
  CHECK_FALSE(overflow.committed());
  CHECK_FALSE(overflow.event.has_value());
  CHECK(h.query("tokenscc", {"total_supply"}).response.payload == "18446744073709551615");
  CHECK(balance(h, "SampleOrg") == "18446744073709551615");
}

TEST_CASE("transfer moves tokens from the client's account and raises a Transfer event") {
  auto h = funded();
  const auto sent = h.invoke("tokenscc", {"transfer", "Org3MSP", "120"}, as(org2));
  CHECK(sent.committed());
  REQUIRE(sent.event.has_value());
  CHECK(sent.event->name == "Transfer");
  CHECK(sent.event->payload == R"({"from":"Org2MSP","to":"Org3MSP","value":120})");
  CHECK(balance(h, "SampleOrg") == "700");
  CHECK(balance(h, "Org2MSP") == "180");
  CHECK(balance(h, "Org3MSP") == "120");
  CHECK(balance(h, "NobodyMSP") == "0");
  CHECK(h.query("tokenscc", {"total_supply"}).response.payload == "1000");
  CHECK(h.query("tokenscc", {"client_account"}, as(org3)).response.payload == "Org3MSP");
}

TEST_CASE("a transfer beyond the balance fails, and its writes and event are discarded") {
  auto h = funded();
  const auto overdrawn = h.invoke("tokenscc", {"transfer", "Org3MSP", "301"}, as(org2));
  CHECK(overdrawn.response.status == 500);
  CHECK(overdrawn.response.message == "transfer: insufficient balance: Org2MSP has 300, needs 301");
  CHECK_FALSE(overdrawn.committed());
  CHECK_FALSE(overdrawn.event.has_value());
  CHECK(balance(h, "Org2MSP") == "300");
  CHECK(balance(h, "Org3MSP") == "0");
}

TEST_CASE("a transfer to oneself is refused: without read-your-writes it would mint") {
  auto h = funded();
  const auto self = h.invoke("tokenscc", {"transfer", "Org2MSP", "10"}, as(org2));
  CHECK(self.response.status == 400);
  CHECK(self.response.message == "transfer: cannot transfer from Org2MSP to itself");
  CHECK_FALSE(self.committed());
  CHECK(balance(h, "Org2MSP") == "300");
  CHECK(h.query("tokenscc", {"total_supply"}).response.payload == "1000");
}

TEST_CASE("approve lets a spender move the owner's tokens up to the allowance") {
  auto h = funded();
  const auto approved = h.invoke("tokenscc", {"approve", "Org3MSP", "100"}, as(org2));
  CHECK(approved.committed());
  REQUIRE(approved.event.has_value());
  CHECK(approved.event->name == "Approval");
  CHECK(approved.event->payload == R"({"owner":"Org2MSP","spender":"Org3MSP","value":100})");
  CHECK(h.query("tokenscc", {"allowance", "Org2MSP", "Org3MSP"}).response.payload == "100");

  const auto spent =
      h.invoke("tokenscc", {"transfer_from", "Org2MSP", "SampleOrg", "60"}, as(org3));
  CHECK(spent.committed());
  CHECK(spent.event->payload == R"({"from":"Org2MSP","to":"SampleOrg","value":60})");
  CHECK(balance(h, "Org2MSP") == "240");
  CHECK(balance(h, "SampleOrg") == "760");
  CHECK(h.query("tokenscc", {"allowance", "Org2MSP", "Org3MSP"}).response.payload == "40");

  const auto beyond = h.invoke("tokenscc", {"transfer_from", "Org2MSP", "Org3MSP", "41"}, as(org3));
  CHECK(beyond.response.status == 500);
  CHECK(beyond.response.message ==
        "transfer_from: insufficient allowance: Org2MSP allows Org3MSP to spend 40, not 41");
  // Without an allowance nobody spends someone else's tokens.
  CHECK(h.invoke("tokenscc", {"transfer_from", "Org2MSP", "SampleOrg", "1"}, as(minter))
            .response.message ==
        "transfer_from: insufficient allowance: Org2MSP allows SampleOrg to spend 0, not 1");
}

TEST_CASE("an allowance does not let a spender overdraw the owner") {
  auto h = funded();
  REQUIRE(h.invoke("tokenscc", {"approve", "Org3MSP", "500"}, as(org2)).committed());
  const auto overdrawn =
      h.invoke("tokenscc", {"transfer_from", "Org2MSP", "Org3MSP", "400"}, as(org3));
  CHECK(overdrawn.response.status == 500);
  CHECK(overdrawn.response.message ==
        "transfer_from: insufficient balance: Org2MSP has 300, needs 400");
  CHECK_FALSE(overdrawn.committed());
  CHECK(balance(h, "Org2MSP") == "300");
  CHECK(balance(h, "Org3MSP") == "0");
  CHECK(h.query("tokenscc", {"allowance", "Org2MSP", "Org3MSP"}).response.payload == "500");
}

TEST_CASE("two transfers from one account in one block: the second is an MVCC conflict") {
  auto h = funded();
  std::vector<scc::testing::endorsement> block;
  block.push_back(h.endorse("tokenscc", {"transfer", "Org3MSP", "200"}, as(org2)));
  block.push_back(h.endorse("tokenscc", {"transfer", "SampleOrg", "200"}, as(org2)));
  const auto results = h.commit_block(std::move(block));
  REQUIRE(results.size() == 2);
  CHECK(results[0].code == scc::testing::validation_code::valid);
  CHECK(results[1].code == scc::testing::validation_code::mvcc_read_conflict);
  CHECK(balance(h, "Org2MSP") == "100");
  CHECK(balance(h, "Org3MSP") == "200");
}

TEST_CASE("GetMetadata describes every transaction with its parameters") {
  auto h = with_tokenscc();
  const auto metadata = nlohmann::json::parse(
      h.query("tokenscc", {"org.hyperledger.fabric:GetMetadata"}).response.payload);
  const auto& transactions = metadata.at("contracts").at("tokenscc").at("transactions");
  std::vector<std::string> names;
  for (const auto& transaction : transactions) names.push_back(transaction.at("name"));
  CHECK(names == std::vector<std::string>{"info", "mint", "transfer", "approve", "transfer_from",
                                          "balance_of", "allowance", "total_supply",
                                          "client_account"});
  const auto& transfer_from = transactions.at(4);
  CHECK(transfer_from.at("parameters").at(2).at("name") == "amount");
  CHECK(transfer_from.at("parameters").at(2).at("schema").at("format") == "uint64");
  CHECK(metadata.at("components").at("schemas").contains("token_info"));
}
