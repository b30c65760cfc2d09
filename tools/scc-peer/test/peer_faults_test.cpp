// Plugin faults the peer has to live with: a chaincode that never returns (the transaction
// times out after chaincode.executetimeout, the client is told, the channel keeps committing,
// the peer stays responsive), one that returns long after its timeout, and one that kills the
// process (the peer says which chaincode and transaction did it; the ledger survives).
#include <chrono>
#include <csignal>
#include <string>
#include <thread>
#include <vector>

#include "peer_harness.hpp"
#include <doctest/doctest.h>

using namespace scc::peer;
using namespace scc::peer::test;
using namespace std::chrono_literals;

namespace {

constexpr const char* channel = "faults";

struct answer {
  std::string code;  // validation code name
  int status = 0;
  std::string message;
  std::string payload;
};

answer propose(const peer_process& peer, bool invoke, const std::string& chaincode,
               const std::vector<std::string>& args,
               std::chrono::milliseconds timeout = reply_timeout) {
  client connection(peer.address());
  proposer make(channel);
  const Reply reply = connection.call(make.make(invoke, chaincode, args), timeout);
  REQUIRE_MESSAGE(reply.has_invocation(), reply.DebugString());
  const InvocationResult& result = reply.invocation();
  return {result.validation_code_name(), result.response().status(), result.response().message(),
          result.response().payload()};
}

uint64_t height(const peer_process& peer) {
  client connection(peer.address());
  Request request;
  request.mutable_list_channels();
  const Reply reply = connection.call(request, reply_timeout);
  for (const ChannelInfo& info : reply.channels().channels()) {
    if (info.name() == channel) return info.height();
  }
  return 0;
}

// Polls the peer's log for text; false after the deadline.
bool log_shows(const peer_process& peer, const std::string& text,
               std::chrono::milliseconds deadline = 30s) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (peer.log().find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

// Long enough for a loaded sanitizer build to enter the plugin before the deadline.
const environment_overrides short_timeout{{"CORE_CHAINCODE_EXECUTETIMEOUT", "2s"}};

}  // namespace

TEST_CASE(
    "a chaincode that never returns: a timeout for its client, the channel commits on, "
    "the peer serves others and refuses it") {
  temp_folder folder("faults-loop");
  peer_process peer(folder.path(),
                    core_yaml({{"kvscc", SCC_PEER_KVSCC}, {"loops", SCC_PEER_LOOPS}}),
                    short_timeout);
  REQUIRE_MESSAGE(peer.start(), peer.log());
  REQUIRE(propose(peer, true, "kvscc", {"put", "before", "1"}).code == "VALID");
  const uint64_t height_before = height(peer);

  // What the client sees, through the CLI.
  const auto started = std::chrono::steady_clock::now();
  const cli_result spun =
      peer.cli({"chaincode", "invoke", "-C", channel, "-n", "loops", "-c", R"({"Args":["spin"]})"});
  const auto waited = std::chrono::steady_clock::now() - started;
  INFO("CLI stdout: " << spun.out << "\nCLI stderr: " << spun.err << "\npeer log:\n" << peer.log());
  CHECK(spun.exit_code == 1);
  CHECK(spun.err.find("timeout expired while executing transaction: chaincode loops did not "
                      "return within 2s (chaincode.executetimeout)") != std::string::npos);
  CHECK(waited < 20s);
  // What the log says.
  CHECK(log_shows(peer, "chaincode loops did not return within 2s (chaincode.executetimeout)"));
  CHECK(log_shows(peer, "loops not thread-safe, so refused until that call returns"));

  // The looping simulation held the channel; the peer released it, so blocks commit again.
  CHECK(propose(peer, true, "kvscc", {"put", "after", "2"}, 30s).code == "VALID");
  CHECK(propose(peer, false, "kvscc", {"get", "before"}).payload == "1");
  // The stuck chaincode is refused at once instead of queueing behind its instance lock.
  const answer refused = propose(peer, true, "loops", {"put", "k", "v"}, 30s);
  CHECK(refused.status == 500);
  CHECK(refused.message.find("chaincode loops is not responding") != std::string::npos);
  CHECK(peer.cli({"node", "status"}).exit_code == 0);
  // Only kvscc's block was added.
  CHECK(height(peer) == height_before + 1);

  // SIGTERM still stops it, without unloading the plugin the stuck thread runs in.
  CHECK(peer.stop(SIGTERM) == 0);
  CHECK(peer.log().find("exiting without unloading the plugins") != std::string::npos);

  // Nothing of the looping transaction was committed.
  REQUIRE_MESSAGE(peer.start(), peer.log());
  CHECK(height(peer) == height_before + 1);
  CHECK(propose(peer, false, "loops", {"get", "spun"}).status == 404);
  CHECK(propose(peer, false, "kvscc", {"get", "after"}).payload == "2");
}

TEST_CASE(
    "a chaincode that returns after its timeout: its answer and its late writes are "
    "discarded, and it serves again") {
  temp_folder folder("faults-late");
  peer_process peer(folder.path(), core_yaml({{"loops", SCC_PEER_LOOPS}}), short_timeout);
  REQUIRE_MESSAGE(peer.start(), peer.log());

  const answer timed_out = propose(peer, true, "loops", {"sleep_then_put", "4000"});
  CHECK(timed_out.status == 500);
  CHECK(timed_out.code == "NOT_VALIDATED");
  CHECK(timed_out.message.find("timeout expired while executing transaction") != std::string::npos);
  // The channel was created for it, with nothing but its genesis block.
  CHECK(height(peer) == 1);
  REQUIRE_MESSAGE(log_shows(peer, "returned "), peer.log());
  CHECK(peer.log().find("after the peer gave up on it (chaincode.executetimeout 2s); its answer "
                        "was discarded") != std::string::npos);

  // Once the call has returned the chaincode is no longer refused.
  CHECK(propose(peer, true, "loops", {"put", "k", "v"}).code == "VALID");
  CHECK(height(peer) == 2);
  CHECK(propose(peer, false, "loops", {"get", "slept"}).status == 404);
  CHECK(propose(peer, false, "loops", {"get", "late"}).status == 404);
  CHECK(propose(peer, false, "loops", {"get", "k"}).payload == "v");
}

TEST_CASE("a thread-safe chaincode that never returns is not refused: its other calls run") {
  temp_folder folder("faults-loop-mt");
  peer_process peer(folder.path(), core_yaml({{"loops_mt", SCC_PEER_LOOPS_MT}}), short_timeout);
  REQUIRE_MESSAGE(peer.start(), peer.log());
  const answer timed_out = propose(peer, true, "loops_mt", {"spin"});
  CHECK(timed_out.status == 500);
  CHECK(timed_out.message.find("chaincode loops_mt did not return within 2s") != std::string::npos);
  CHECK(propose(peer, true, "loops_mt", {"put", "k", "v"}, 30s).code == "VALID");
  // With one thread still stuck, the watchdog keeps watching: a second spin times out too.
  const answer again = propose(peer, true, "loops_mt", {"spin"}, 30s);
  CHECK(again.status == 500);
  CHECK(again.message.find("did not return within 2s") != std::string::npos);
  CHECK(log_shows(peer, "(2 stuck)"));
  CHECK(propose(peer, false, "loops_mt", {"get", "k"}).payload == "v");
  CHECK(propose(peer, false, "loops_mt", {"get", "spun"}).status == 404);
}

TEST_CASE("an init that does not return in time: the channel opens without it, at start-up too") {
  temp_folder folder("faults-init");
  peer_process peer(folder.path(),
                    core_yaml({{"kvscc", SCC_PEER_KVSCC}, {"loops", SCC_PEER_LOOPS}}),
                    short_timeout);
  REQUIRE_MESSAGE(peer.start(), peer.log());
  const std::string gave_up =
      "init of system chaincode loops on channel slow-init did not return within 2s "
      "(chaincode.executetimeout); the peer goes on without it";
  {
    // The proposal that opens the channel waits for the inits, so it may time out itself.
    client connection(peer.address());
    proposer make("slow-init");
    const Reply opened =
        connection.call(make.make(true, "kvscc", {"put", "k", "v"}), reply_timeout);
    REQUIRE_MESSAGE(opened.has_invocation(), opened.DebugString());
  }
  CHECK(log_shows(peer, gave_up));
  // The init's thread comes back after 4 s; the runner no longer counts it as stuck.
  CHECK(log_shows(peer, "init of system chaincode loops on channel slow-init returned "));
  {
    client connection(peer.address());
    proposer make("slow-init");
    const Reply put = connection.call(make.make(true, "kvscc", {"put", "k", "v2"}), reply_timeout);
    CHECK(put.invocation().validation_code_name() == "VALID");
  }
  CHECK(peer.stop(SIGTERM) == 0);
  CHECK(peer.log().find("exiting without unloading the plugins") == std::string::npos);

  // A restart runs the inits of the restored channel before it listens: 2 s, not 4, for this one.
  const auto started = std::chrono::steady_clock::now();
  REQUIRE_MESSAGE(peer.start(), peer.log());
  CHECK(std::chrono::steady_clock::now() - started < 3900ms);
  CHECK(log_shows(peer, gave_up));
  CHECK(peer.stop(SIGTERM) == 0);
}

TEST_CASE("an answer larger than sccPeer.maxFrameBytes is refused before it is ordered") {
  temp_folder folder("faults-big");
  peer_process peer(folder.path(),
                    core_yaml({{"loops", SCC_PEER_LOOPS}}, "  maxFrameBytes: 64 KB\n"));
  REQUIRE_MESSAGE(peer.start(), peer.log());
  CHECK(propose(peer, true, "loops", {"payload", "60000"}).code == "VALID");
  const uint64_t height_before = height(peer);
  for (const bool invoke : {true, false}) {
    CAPTURE(invoke);
    const answer refused = propose(peer, invoke, "loops", {"payload", "70000"});
    CHECK(refused.status == 500);
    CHECK(refused.code == "NOT_VALIDATED");
    CHECK(refused.payload.empty());
    CHECK(refused.message.find("more than the frame limit of 65536 bytes "
                               "(sccPeer.maxFrameBytes)") != std::string::npos);
  }
  CHECK(height(peer) == height_before);
  CHECK(propose(peer, false, "loops", {"get", "payload"}).payload == "60000");
}

TEST_CASE("a chaincode that ends the process: the peer names it, the ledger survives") {
  struct crash {
    const char* function;
    std::vector<int> signals;  // how the process may end
    const char* report;
  };
  const crash crashes[] = {
      {"abort",
       {SIGABRT},
       "scc-peer: fatal signal SIGABRT (abort) while running system chaincode crashy (tx "},
      {"null",
       {SIGSEGV},
       "scc-peer: fatal signal SIGSEGV (invalid memory access) while running system chaincode "
       "crashy (tx "},
  };
  for (const crash& how : crashes) {
    CAPTURE(how.function);
    temp_folder folder("faults-crash");
    peer_process peer(folder.path(),
                      core_yaml({{"kvscc", SCC_PEER_KVSCC}, {"crashy", SCC_PEER_CRASHY}}));
    REQUIRE_MESSAGE(peer.start(), peer.log());
    REQUIRE(propose(peer, true, "kvscc", {"put", "before", "1"}).code == "VALID");
    const uint64_t height_before = height(peer);

    const cli_result crashed = peer.cli({"chaincode", "invoke", "-C", channel, "-n", "crashy", "-c",
                                         std::string(R"({"Args":[")") + how.function + R"("]})"});
    INFO("CLI stderr: " << crashed.err << "\npeer log:\n" << peer.log());
    CHECK(crashed.exit_code == 1);
    CHECK_FALSE(crashed.err.empty());
    const std::optional<int> ended = wait_exit(peer.pid(), 30s);
    REQUIRE(ended.has_value());
    bool expected_signal = false;
    for (int number : how.signals) expected_signal |= *ended == 128 + number;
    CHECK_MESSAGE(expected_signal, "exit status " << *ended);
    CHECK(peer.log().find(how.report) != std::string::npos);
    peer.forget();

    REQUIRE_MESSAGE(peer.start(), peer.log());
    CHECK(height(peer) == height_before);
    CHECK(propose(peer, false, "kvscc", {"get", "before"}).payload == "1");
    CHECK(propose(peer, true, "crashy", {"put", "k", "v"}).code == "VALID");
  }
}
