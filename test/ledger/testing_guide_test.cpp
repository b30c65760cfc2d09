// The worked example of docs/testing.md, compiled and run so that the guide stays true.
// [guide-begin]
#include <doctest/doctest.h>

#include <scc/plugin.hpp>
#include <scc/testing.hpp>

// The plugin under test: assets with an owner.
class asset_scc {
 public:
  scc::response invoke(scc::stub& stub) {
    const auto [function, args] = stub.get_function_and_parameters();
    if (function == "create" && args.size() == 2) {
      if (stub.get_state(args[0])) return scc::error("asset " + args[0] + " already exists");
      stub.put_state(args[0], args[1]);
      return scc::success();
    }
    if (function == "transfer" && args.size() == 2) {
      const auto owner = stub.get_state(args[0]);
      if (!owner) return scc::response{404, "no asset " + args[0], {}};
      stub.put_state(args[0], args[1]);
      stub.set_event("transferred", args[0] + ":" + *owner + "->" + args[1]);
      return scc::success();
    }
    if (function == "owner" && args.size() == 1) {
      const auto owner = stub.get_state(args[0]);
      return owner ? scc::success(*owner) : scc::response{404, "no asset " + args[0], {}};
    }
    return scc::error("unknown function " + function);
  }
};

using scc::testing::validation_code;

TEST_CASE("an invoke commits a block; a query reads without committing") {
  scc::testing::harness ledger;
  ledger.install<asset_scc>("assets");

  const auto created = ledger.invoke("assets", {"create", "car1", "alice"});
  CHECK(created.response.status == 200);
  CHECK(created.code == validation_code::valid);
  CHECK(ledger.state("assets", "car1") == "alice");

  CHECK(ledger.query("assets", {"owner", "car1"}).response.payload == "alice");
  CHECK(ledger.height() == 2);  // genesis + one block
}

TEST_CASE("a failed invoke leaves no trace") {
  scc::testing::harness ledger;
  ledger.install<asset_scc>("assets");
  const auto missing = ledger.invoke("assets", {"transfer", "car9", "bob"});
  CHECK(missing.response.status == 404);
  CHECK_FALSE(missing.committed());
  CHECK_FALSE(missing.event.has_value());
  CHECK(ledger.height() == 1);
}

TEST_CASE("the event of a committed transfer, and the asset's history") {
  scc::testing::harness ledger;
  ledger.install<asset_scc>("assets");
  ledger.invoke("assets", {"create", "car1", "alice"});
  const auto moved = ledger.invoke("assets", {"transfer", "car1", "bob"});
  REQUIRE(moved.event.has_value());
  CHECK(moved.event->name == "transferred");
  CHECK(moved.event->payload == "car1:alice->bob");

  const auto history = ledger.history("assets", "car1");
  REQUIRE(history.size() == 2);
  CHECK(history[0].value == "bob");  // newest first
  CHECK(history[0].tx_id == moved.tx_id);
  CHECK(history[1].value == "alice");
}

TEST_CASE("two transfers of one asset in one block: the second is an MVCC conflict") {
  scc::testing::harness ledger;
  ledger.install<asset_scc>("assets");
  ledger.invoke("assets", {"create", "car1", "alice"});

  std::vector<scc::testing::endorsement> block;
  block.push_back(ledger.endorse("assets", {"transfer", "car1", "bob"}));
  block.push_back(ledger.endorse("assets", {"transfer", "car1", "carol"}));
  const auto results = ledger.commit_block(std::move(block));

  CHECK(results[0].code == validation_code::valid);
  CHECK(results[1].code == validation_code::mvcc_read_conflict);
  CHECK(ledger.state("assets", "car1") == "bob");
}

TEST_CASE("create twice in one transaction? Reads do not see the transaction's own writes") {
  class create_twice {
   public:
    scc::response invoke(scc::stub& stub) {
      stub.put_state("car1", "alice");
      // A real peer answers from committed state: car1 does not exist yet.
      return stub.get_state("car1") ? scc::error("saw my own write") : scc::success();
    }
  };
  scc::testing::harness ledger;
  ledger.install<create_twice>("twice");
  CHECK(ledger.invoke("twice", {}).committed());
}
// [guide-end]
