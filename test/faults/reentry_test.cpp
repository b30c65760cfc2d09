// A plugin re-entered on the same thread through another channel: a -> a@other, or
// a -> b@other -> a@this. Same-channel re-entry was refused ("txid ... exists"), but across
// channels the call frames started afresh and the host went on into the plugin, whose instance
// mutex (plugins are serialised unless thread-safe) its own thread already held. Found by
// fuzz_stub_ledger: the call deadlocked while holding the channel's lock, so that channel could
// commit no more blocks. The call chain spans channels: a chaincode already running
// on the target channel is refused as Fabric refuses it, and one that is running on another
// channel and is not thread-safe is refused with a message saying why.
//
// Each case runs on a worker thread under a watchdog far longer than the call needs, so that a
// deadlock ends the process with a clear message (a deadlocked thread cannot be joined): its own
// executable for that reason.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include <doctest/doctest.h>

#include <scc/plugin.hpp>
#include <scc/testing.hpp>

namespace {

constexpr auto watchdog = std::chrono::seconds(120);

scc::testing::tx_result within_watchdog(const char* what,
                                        std::function<scc::testing::tx_result()> run) {
  auto done = std::make_shared<std::promise<scc::testing::tx_result>>();
  auto answer = done->get_future();
  std::thread([done, run = std::move(run)] { done->set_value(run()); }).detach();
  if (answer.wait_for(watchdog) != std::future_status::ready) {
    std::fprintf(stderr,
                 "reentry_test: DEADLOCK: %s did not return within %lld s; the plugin's instance "
                 "mutex is held by the thread that re-entered it\n",
                 what, static_cast<long long>(watchdog.count()));
    std::fflush(stderr);
    std::_Exit(1);
  }
  return answer.get();
}

// invoke "cross" <chaincode> <channel>: calls <chaincode> "leaf" on <channel> and answers
// "<status> <message|payload>"; "leaf": answers "leaf".
template <int Tag>
struct caller {
  scc::response invoke(scc::stub& stub) {
    const auto [function, args] = stub.get_function_and_parameters();
    if (function == "leaf") return scc::success("leaf");
    const auto callee = stub.invoke_chaincode(args.at(0), {"leaf"}, args.at(1));
    return scc::success(std::to_string(callee.status) + " " +
                        (callee.status < 400 ? callee.payload : callee.message));
  }
};

// The same, declared thread-safe: the host takes no instance lock.
struct thread_safe_caller : caller<9> {
  static constexpr bool thread_safe = true;
};

// Calls "faults_hop_a" back on testchannel, from wherever it runs.
struct hop_b {
  scc::response invoke(scc::stub& stub) {
    return stub.invoke_chaincode("faults_hop_a", {"leaf"}, "testchannel");
  }
};

// Calls "faults_hop_c" on testchannel, from wherever it runs.
struct hop_to_c {
  scc::response invoke(scc::stub& stub) {
    return stub.invoke_chaincode("faults_hop_c", {"leaf"}, "testchannel");
  }
};

TEST_CASE("a -> b@other -> c@this: a second simulation of this channel on the same thread") {
  // No plugin is re-entered, but the thread takes testchannel's shared lock a second time
  // while it holds it. That works with glibc, whose read-write locks prefer readers, even when
  // a commit is waiting; std::shared_mutex does not promise it.
  scc::testing::harness h;
  h.install<caller<2>>("faults_hop_a2");
  h.install<hop_to_c>("faults_hop_b2");
  h.install<caller<3>>("faults_hop_c");
  const auto result =
      within_watchdog("faults_hop_a2 -> faults_hop_b2@otherchannel -> faults_hop_c", [&] {
        return h.invoke("faults_hop_a2", {"cross", "faults_hop_b2", "otherchannel"});
      });
  CHECK(result.response.payload == "200 leaf");
  CHECK(result.committed());
}

TEST_CASE("a thread-safe plugin may call itself on another channel") {
  scc::testing::harness h;
  h.install<thread_safe_caller>("faults_thread_safe_caller");
  const auto result = within_watchdog("faults_thread_safe_caller -> itself@otherchannel", [&] {
    return h.invoke("faults_thread_safe_caller",
                    {"cross", "faults_thread_safe_caller", "otherchannel"});
  });
  CHECK(result.response.payload == "200 leaf");
  CHECK(result.committed());
}

// The two re-entries come last: if the host deadlocked on them again, the watchdog would end
// the process.

TEST_CASE("a plugin that is not thread-safe calling itself on another channel: refused") {
  scc::testing::harness h;
  h.install<caller<0>>("faults_self_caller");
  const auto result = within_watchdog("faults_self_caller -> faults_self_caller@otherchannel", [&] {
    return h.invoke("faults_self_caller", {"cross", "faults_self_caller", "otherchannel"});
  });
  CHECK(result.response.payload ==
        "500 chaincode faults_self_caller is already running in this transaction (on channel "
        "testchannel) and is not thread-safe, so scc cannot enter it again from channel "
        "otherchannel; declare `static constexpr bool thread_safe = true;` in the plugin class "
        "to allow it");
  CHECK(result.committed());  // the caller carried on; it wrote nothing
  // The channel still commits.
  CHECK(h.invoke("faults_self_caller", {"leaf"}).committed());
}

TEST_CASE("a -> b@other -> a@this: refused as Fabric refuses a second context of a@this") {
  scc::testing::harness h;
  h.install<caller<1>>("faults_hop_a");
  h.install<hop_b>("faults_hop_b");
  const auto result =
      within_watchdog("faults_hop_a -> faults_hop_b@otherchannel -> faults_hop_a", [&] {
        // hop_b, running on otherchannel, calls faults_hop_a back on testchannel.
        return h.invoke("faults_hop_a", {"cross", "faults_hop_b", "otherchannel"});
      });
  CHECK(result.response.payload == "500 txid: " + result.tx_id + "(testchannel) exists");
  CHECK(h.invoke("faults_hop_a", {"leaf"}).committed());
}

}  // namespace
