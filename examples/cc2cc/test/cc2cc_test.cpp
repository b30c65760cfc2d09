// cc2cc through the loader, calling tokenscc and registryscc, all three built as libraries and
// configured as the examples' core.yaml configures them: registryscc with invokableCC2CC false.
#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <scc/testing.hpp>

namespace {

using nlohmann::json;
using scc::testing::identity;
using scc::testing::tx_options;

const identity minter{"SampleOrg", ""};
const identity org2{"Org2MSP", ""};

tx_options as(const identity& who) {
  tx_options options;
  options.creator = who;
  return options;
}

// SampleOrg holds 1000 tokens; registryscc has one asset.
scc::testing::harness peer() {
  scc::testing::harness h;
  h.install(CC2CC_PLUGIN_PATH);
  h.install(TOKENSCC_PLUGIN_PATH);
  scc::testing::chaincode_options not_for_cc2cc;
  not_for_cc2cc.invokable_cc2cc = false;
  h.install(REGISTRYSCC_PLUGIN_PATH, not_for_cc2cc);
  REQUIRE(h.invoke("tokenscc", {"mint", "1000"}, as(minter)).committed());
  REQUIRE(h.invoke("registryscc", {"create_asset", "car1", "red", "5"}, as(minter)).committed());
  return h;
}

std::string balance(scc::testing::harness& h, const std::string& account) {
  return h.query("tokenscc", {"balance_of", account}).response.payload;
}

}  // namespace

TEST_CASE("call answers what the callee answered") {
  auto h = peer();
  const auto answered = h.query("cc2cc", {"call", "tokenscc", "balance_of", R"(["SampleOrg"])"});
  CHECK(answered.response.status == 200);
  CHECK(answered.response.payload == "1000");
  CHECK(h.query("cc2cc", {"call", "tokenscc", "total_supply"}).response.payload == "1000");
  CHECK(h.query("cc2cc", {"balance_of", "SampleOrg"}).response.payload == "1000");

  const auto failed = h.query("cc2cc", {"call", "tokenscc", "mint", R"(["x"])"});
  CHECK(failed.response.status == 500);
  CHECK(failed.response.message == "mint: argument 1 (amount): \"x\" is not an integer");
}

TEST_CASE("invokableCC2CC false: the call is refused, while clients may still invoke directly") {
  auto h = peer();
  const auto refused =
      h.invoke("cc2cc", {"call", "registryscc", "read_asset", R"(["SampleOrg","car1"])"});
  CHECK(refused.response.status == 500);
  CHECK(refused.response.message ==
        "system chaincode registryscc cannot be invoked with a cc2cc invocation");
  CHECK_FALSE(refused.committed());
  CHECK(h.query("registryscc", {"read_asset", "SampleOrg", "car1"}).response.status == 200);
}

TEST_CASE("a chaincode that is not installed is an error, not a crash") {
  auto h = peer();
  const auto missing = h.query("cc2cc", {"call", "nosuchscc", "anything"});
  CHECK(missing.response.status == 500);
  CHECK(missing.response.message == "chaincode nosuchscc is not installed on this peer");
}

TEST_CASE("pay_with_memo commits tokenscc's writes and its own in one transaction") {
  auto h = peer();
  const auto paid =
      h.invoke("cc2cc", {"pay_with_memo", "Org2MSP", "250", "rent for May"}, as(minter));
  REQUIRE(paid.committed());
  CHECK(balance(h, "SampleOrg") == "750");
  CHECK(balance(h, "Org2MSP") == "250");
  // Both namespaces are in the one read/write set.
  REQUIRE(paid.rwset != nullptr);
  REQUIRE(paid.rwset->find("tokenscc") != nullptr);
  REQUIRE(paid.rwset->find("cc2cc") != nullptr);
  CHECK(paid.rwset->find("tokenscc")->writes.size() == 2);
  CHECK(paid.rwset->find("cc2cc")->writes.size() == 1);

  // Only the outermost chaincode's event survives: ours, not tokenscc's Transfer.
  REQUIRE(paid.event.has_value());
  CHECK(paid.event->name == "PaymentWithMemo");
  const json memo = {
      {"payer", "SampleOrg"}, {"to", "Org2MSP"}, {"amount", 250}, {"memo", "rent for May"}};
  CHECK(json::parse(paid.event->payload) == memo);
  CHECK(json::parse(h.query("cc2cc", {"memo_of", paid.tx_id}).response.payload) == memo);
}

TEST_CASE("when the callee fails, the caller fails and nothing of either commits") {
  auto h = peer();
  const auto refused =
      h.invoke("cc2cc", {"pay_with_memo", "Org2MSP", "5000", "too much"}, as(minter));
  CHECK(refused.response.status == 500);
  CHECK(refused.response.message ==
        "pay_with_memo: tokenscc refused the transfer: transfer: insufficient balance: SampleOrg "
        "has 1000, needs 5000");
  CHECK_FALSE(refused.committed());
  CHECK_FALSE(refused.event.has_value());
  CHECK(balance(h, "SampleOrg") == "1000");
  CHECK(balance(h, "Org2MSP") == "0");
  CHECK(h.query("cc2cc", {"memo_of", refused.tx_id}).response.status == 404);
}

TEST_CASE("the callee sees the original creator: cc2cc spends the tokens of whoever calls it") {
  auto h = peer();
  REQUIRE(h.invoke("tokenscc", {"transfer", "Org2MSP", "100"}, as(minter)).committed());
  REQUIRE(h.invoke("cc2cc", {"pay_with_memo", "SampleOrg", "40", "back"}, as(org2)).committed());
  CHECK(balance(h, "Org2MSP") == "60");
  CHECK(balance(h, "SampleOrg") == "940");
}
