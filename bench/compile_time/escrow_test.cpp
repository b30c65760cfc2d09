// escrow_test - the test file bench/compile_time.sh builds beside escrow.cpp: the built plugin
// run against the stub-ledger harness, as a contract author tests theirs.
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <scc/testing.hpp>

namespace {

using scc::testing::identity;
using scc::testing::tx_options;
using scc::testing::tx_result;
using scc::testing::validation_code;

const identity buyer{"BuyerMSP", ""};
const identity seller{"SellerMSP", ""};
const identity stranger{"StrangerMSP", ""};

tx_options as(const identity& who) {
  tx_options options;
  options.creator = who;
  return options;
}

scc::testing::harness with_escrow() {
  scc::testing::harness h;
  h.install(ESCROW_PLUGIN_PATH);
  return h;
}

std::string deal_json(const std::string& id, const std::string& state, uint64_t amount = 100) {
  return R"({"amount":)" + std::to_string(amount) + R"(,"buyer":"BuyerMSP","id":")" + id +
         R"(","seller":"SellerMSP","state":")" + state + R"("})";
}

std::string event_json(const std::string& id, const std::string& state, uint64_t amount = 100) {
  return R"({"amount":)" + std::to_string(amount) + R"(,"id":")" + id + R"(","state":")" + state +
         R"("})";
}

std::string deal_key(const std::string& buyer_msp, const std::string& id) {
  return std::string("\0deal\0", 6) + buyer_msp + std::string(1, '\0') + id + std::string(1, '\0');
}

std::string account_key(const std::string& account) {
  return std::string("\0account\0", 9) + account + std::string(1, '\0');
}

void expect_ok(const tx_result& result) {
  REQUIRE_MESSAGE(result.response.status == 200,
                  "answered " << result.response.status << ": " << result.response.message);
}

scc::testing::harness funded_deal(const std::string& id) {
  auto h = with_escrow();
  expect_ok(h.invoke("escrow", {"deposit", "500"}, as(buyer)));
  expect_ok(h.invoke("escrow", {"open", id, "SellerMSP", "100"}, as(buyer)));
  expect_ok(h.invoke("escrow", {"fund", id}, as(buyer)));
  return h;
}

}  // namespace

TEST_CASE("open stores the deal under the composite key (buyer, id) and raises Opened") {
  auto h = with_escrow();
  const auto opened = h.invoke("escrow", {"open", "e1", "SellerMSP", "100"}, as(buyer));
  expect_ok(opened);
  CHECK(opened.committed());
  CHECK(opened.response.payload == deal_json("e1", "open"));
  CHECK(h.state("escrow", deal_key("BuyerMSP", "e1")) == deal_json("e1", "open"));
  REQUIRE(opened.event.has_value());
  CHECK(opened.event->name == "Opened");
  CHECK(opened.event->payload == event_json("e1", "open"));
}

TEST_CASE("open refuses an empty id, a zero amount and an id that exists, and writes nothing") {
  auto h = with_escrow();
  CHECK(h.invoke("escrow", {"open", "", "SellerMSP", "100"}, as(buyer)).response.status == 400);
  CHECK(h.invoke("escrow", {"open", "e1", "SellerMSP", "0"}, as(buyer)).response.status == 400);
  CHECK(h.invoke("escrow", {"open", "e1", "SellerMSP", "-5"}, as(buyer)).response.status >= 400);
  expect_ok(h.invoke("escrow", {"open", "e1", "SellerMSP", "100"}, as(buyer)));
  const auto again = h.invoke("escrow", {"open", "e1", "SellerMSP", "7"}, as(buyer));
  CHECK(again.response.status == 409);
  CHECK(again.response.message == "open: escrow e1 already exists");
  CHECK_FALSE(again.committed());
  CHECK(h.state("escrow", deal_key("BuyerMSP", "e1")) == deal_json("e1", "open"));
}

TEST_CASE("fund moves the amount out of the buyer's balance") {
  auto h = funded_deal("e1");
  CHECK(h.state("escrow", account_key("BuyerMSP")) == "400");
  CHECK(h.query("escrow", {"balance", "BuyerMSP"}).response.payload == "400");
  CHECK(h.query("escrow", {"read", "BuyerMSP", "e1"}).response.payload == deal_json("e1", "funded"));
}

TEST_CASE("fund with too low a balance fails and leaves the deal open") {
  auto h = with_escrow();
  expect_ok(h.invoke("escrow", {"deposit", "50"}, as(buyer)));
  expect_ok(h.invoke("escrow", {"open", "e1", "SellerMSP", "100"}, as(buyer)));
  const auto fund = h.invoke("escrow", {"fund", "e1"}, as(buyer));
  CHECK(fund.response.status == 402);
  CHECK_FALSE(fund.event.has_value());
  CHECK(h.state("escrow", account_key("BuyerMSP")) == "50");
  CHECK(h.state("escrow", deal_key("BuyerMSP", "e1")) == deal_json("e1", "open"));
}

TEST_CASE("release pays the seller; refund pays the buyer back") {
  SUBCASE("release") {
    auto h = funded_deal("e1");
    const auto released = h.invoke("escrow", {"release", "e1"}, as(buyer));
    expect_ok(released);
    CHECK(released.event->name == "Released");
    CHECK(h.state("escrow", account_key("SellerMSP")) == "100");
    CHECK(h.state("escrow", account_key("BuyerMSP")) == "400");
  }
  SUBCASE("refund") {
    auto h = funded_deal("e1");
    const auto refunded = h.invoke("escrow", {"refund", "BuyerMSP", "e1"}, as(seller));
    expect_ok(refunded);
    CHECK(refunded.event->payload == event_json("e1", "refunded"));
    CHECK(h.state("escrow", account_key("BuyerMSP")) == "500");
    CHECK_FALSE(h.state("escrow", account_key("SellerMSP")).has_value());
  }
}

TEST_CASE("only the buyer funds and releases, only the seller refunds") {
  auto h = funded_deal("e1");
  CHECK(h.invoke("escrow", {"release", "e1"}, as(stranger)).response.status == 404);
  CHECK(h.invoke("escrow", {"refund", "BuyerMSP", "e1"}, as(stranger)).response.status == 403);
  CHECK(h.invoke("escrow", {"refund", "BuyerMSP", "e1"}, as(buyer)).response.status == 403);
  CHECK(h.state("escrow", deal_key("BuyerMSP", "e1")) == deal_json("e1", "funded"));
}

TEST_CASE("a transaction does not read its own writes") {
  auto h = with_escrow();
  expect_ok(h.invoke("escrow", {"deposit", "10"}, as(buyer)));
  const auto first = h.endorse("escrow", {"deposit", "5"}, as(buyer));
  const auto second = h.endorse("escrow", {"deposit", "7"}, as(buyer));
  const auto results = h.commit_block({first, second});
  REQUIRE(results.size() == 2);
  CHECK(results[0].code == validation_code::valid);
  CHECK(results[1].code == validation_code::mvcc_read_conflict);
  CHECK(h.state("escrow", account_key("BuyerMSP")) == "15");
}

TEST_CASE("by_buyer lists the buyer's deals in key order, and only theirs") {
  auto h = with_escrow();
  for (const char* id : {"b", "a", "c"}) {
    expect_ok(h.invoke("escrow", {"open", id, "SellerMSP", "100"}, as(buyer)));
  }
  expect_ok(h.invoke("escrow", {"open", "z", "BuyerMSP", "1"}, as(stranger)));
  const auto listed = h.query("escrow", {"by_buyer", "BuyerMSP"});
  expect_ok(listed);
  CHECK(listed.response.payload ==
        "[" + deal_json("a", "open") + "," + deal_json("b", "open") + "," + deal_json("c", "open") +
            "]");
  CHECK(h.query("escrow", {"by_buyer", "NobodyMSP"}).response.payload == "[]");
}

TEST_CASE("changes gives the deal's history, newest first") {
  auto h = funded_deal("e1");
  const auto released = h.invoke("escrow", {"release", "e1"}, as(buyer));
  expect_ok(released);
  const auto history = h.history("escrow", deal_key("BuyerMSP", "e1"));
  REQUIRE(history.size() == 3);
  CHECK(history[0].tx_id == released.tx_id);
  CHECK(history[0].value == deal_json("e1", "released"));
  CHECK(history[2].value == deal_json("e1", "open"));
  const auto changes = h.query("escrow", {"changes", "BuyerMSP", "e1"});
  expect_ok(changes);
  const std::string& listed = changes.response.payload;
  CHECK(listed.find(R"("tx_id":")" + released.tx_id) == listed.find(R"("tx_id":)"));
}

TEST_CASE("a query commits nothing, whatever the transaction wrote") {
  auto h = with_escrow();
  const uint64_t height = h.height();
  const auto queried = h.query("escrow", {"deposit", "5"}, as(buyer));
  expect_ok(queried);
  CHECK_FALSE(queried.committed());
  CHECK_FALSE(h.state("escrow", account_key("BuyerMSP")).has_value());
  CHECK(h.height() == height);
}

TEST_CASE("read of a missing deal is a 404 that names it") {
  auto h = with_escrow();
  const auto missing = h.query("escrow", {"read", "BuyerMSP", "nope"});
  CHECK(missing.response.status == 404);
  CHECK(missing.response.message == "read: escrow BuyerMSP/nope does not exist");
}

TEST_CASE("arguments are checked before the contract runs") {
  auto h = with_escrow();
  const uint64_t height = h.height();
  CHECK(h.invoke("escrow", {"open", "e1", "SellerMSP"}, as(buyer)).response.status >= 400);
  CHECK(h.invoke("escrow", {"deposit", "many"}, as(buyer)).response.status >= 400);
  CHECK(h.invoke("escrow", {"nothing"}, as(buyer)).response.status >= 400);
  CHECK(h.height() == height);
}
