// Giving up on a run whose plugin does not return (scc-peer's chaincode.executetimeout), at the
// level of the stub ledger: ledger::execution::abandon() frees the channel the run's simulation
// holds, so blocks commit while the plugin still runs; the plugin's later stub calls fail with
// the reason; its answer is replaced by a 500; and a plugin that is not thread-safe is refused
// while such a call is inside it, instead of queueing behind its instance lock.
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include <doctest/doctest.h>

#include <scc/ledger/endorser.hpp>  // the engine itself, not only the harness
#include <scc/ledger/execution.hpp>
#include <scc/plugin.hpp>
#include <scc/testing.hpp>

namespace {

using namespace std::chrono_literals;
namespace testing = scc::testing;
namespace ledger = scc::ledger;

// What the test and the plugin's thread share.
struct rendezvous {
  std::promise<void> entered;  // the plugin is inside invoke
  std::promise<void> go_on;    // the test lets it go on
  std::shared_future<void> released = go_on.get_future().share();
  std::string late_error;  // what its stub call after the release said
};

rendezvous* meeting = nullptr;

// "hold": reads and writes, then waits for the test, then writes again. "put k v": writes.
struct held_plugin {
  scc::response invoke(scc::stub& stub) {
    const auto [function, args] = stub.get_function_and_parameters();
    if (function == "put") {
      stub.put_state(args.at(0), args.at(1));
      return scc::success();
    }
    (void)stub.get_state("counter");
    stub.put_state("held", "yes");
    meeting->entered.set_value();
    meeting->released.wait();
    try {
      stub.put_state("late", "yes");
    } catch (const scc::chaincode_error& failure) {
      meeting->late_error = failure.what();
    }
    return scc::success("the plugin's own answer");
  }
};

struct held_thread_safe_plugin : held_plugin {
  static constexpr bool thread_safe = true;
};

testing::endorsement endorse(ledger::endorser& on, const std::string& chaincode,
                             std::vector<std::string> args, ledger::execution* run = nullptr) {
  static int nonce = 0;
  scc::host::proposal context;
  context.channel_id = "ch";
  context.tx_id = testing::compute_tx_id("abandon-" + std::to_string(nonce++), "");
  context.args = std::move(args);
  return on.simulate(std::move(context), chaincode, /*is_init=*/false, /*external=*/true, run);
}

template <class Plugin>
void install(ledger::endorser& on, const char* name) {
  on.install(std::shared_ptr<scc::host::plugin_instance>(
      scc::host::instantiate(scc::describe_plugin<Plugin>(name))));
}

}  // namespace

TEST_CASE("an abandoned run frees its channel, fails its later stub calls and answers 500") {
  ledger::peer_ledger ledger;
  ledger::endorser endorser(ledger);
  install<held_plugin>(endorser, "held");
  testing::channel& channel = ledger.open_channel("ch");

  rendezvous meet;
  meeting = &meet;
  ledger::execution run;
  std::future<testing::endorsement> held =
      std::async(std::launch::async, [&] { return endorse(endorser, "held", {"hold"}, &run); });
  meet.entered.get_future().wait();
  CHECK(run.chaincodes() == std::vector<std::string>{"held"});

  // Without abandon() this commit would wait for the held simulation's shared lock.
  CHECK(run.abandon("timeout expired (test)") == std::vector<std::string>{"held"});
  CHECK(run.abandoned());
  auto committing = std::async(std::launch::async, [&] {
    return channel.commit({endorse(endorser, "other_not_installed", {})});
  });
  REQUIRE(committing.wait_for(60s) == std::future_status::ready);
  CHECK(channel.height() == 2);

  // While the call is inside it, the serialised plugin is refused at once.
  const testing::endorsement refused = endorse(endorser, "held", {"put", "k", "v"});
  CHECK(refused.response.status == 500);
  CHECK(refused.response.message.find("chaincode held is not responding: 1 call the peer gave up "
                                      "on (chaincode.executetimeout) have not returned") !=
        std::string::npos);

  meet.go_on.set_value();
  const testing::endorsement answer = held.get();
  CHECK(meet.late_error == "timeout expired (test)");
  CHECK(answer.response.status == 500);
  CHECK(answer.response.message == "timeout expired (test)");
  CHECK(answer.rwset->namespaces.empty());
  CHECK_FALSE(answer.event.has_value());

  // Returned: served again, and nothing of the abandoned run is in the ledger.
  const testing::endorsement after = endorse(endorser, "held", {"put", "k", "v"});
  CHECK(after.response.status == 200);
  CHECK(channel.commit({after}).codes.at(0) == testing::validation_code::valid);
  CHECK_FALSE(channel.state("held", "held").has_value());
  CHECK_FALSE(channel.state("held", "late").has_value());
  CHECK(channel.state("held", "k") == "v");
  meeting = nullptr;
}

TEST_CASE("a thread-safe plugin with an abandoned call inside is still served") {
  ledger::peer_ledger ledger;
  ledger::endorser endorser(ledger);
  install<held_thread_safe_plugin>(endorser, "held_mt");

  rendezvous meet;
  meeting = &meet;
  ledger::execution run;
  auto held =
      std::async(std::launch::async, [&] { return endorse(endorser, "held_mt", {"hold"}, &run); });
  meet.entered.get_future().wait();
  CHECK(run.abandon("given up") == std::vector<std::string>{"held_mt"});
  CHECK(endorse(endorser, "held_mt", {"put", "k", "v"}).response.status == 200);
  meet.go_on.set_value();
  CHECK(held.get().response.message == "given up");
  meeting = nullptr;
}

TEST_CASE("a run abandoned before it starts runs nothing against the ledger") {
  ledger::peer_ledger ledger;
  ledger::endorser endorser(ledger);
  install<held_plugin>(endorser, "held");
  ledger::execution run;
  run.abandon("too late");
  const testing::endorsement answer = endorse(endorser, "held", {"put", "k", "v"}, &run);
  CHECK(answer.response.status == 500);
  CHECK(answer.response.message == "too late");
  CHECK(answer.rwset->namespaces.empty());
}
