// Resources: a plugin loaded from its shared library answers a million invocations in one
// process with flat memory, and scc-peer serves a long run of queries with flat memory.
//
// An invocation here is what costs memory only while it runs: a query (simulated, never
// committed) or an endorsement that is simulated and then dropped, through the endorser and
// plugin_instance::invoke, exactly as scc-peer simulates. Committed blocks are kept in memory by
// design (the stub ledger holds every block and history), so commits are not part of the loop.
// "Flat": between the 10% mark (allocator pools and caches warmed up) and the end, RSS grows by
// less than rss_tolerance and the bytes the allocator has handed out by less than
// heap_tolerance. A leak of even 16 bytes per invocation would add 14 MB over 900,000 of them.
//
// Sizes (environment):  SCC_STRESS_INVOCATIONS   in-process invocations (default 1000000;
//                                                ASan 100000)
//                       SCC_STRESS_QUERIES       queries sent to scc-peer (default 400000;
//                                                ASan 20000)
// e.g. SCC_STRESS_INVOCATIONS=10000000 build/tools/scc-peer/stress/scc_peer_stress_resource_test
#include <malloc.h>
#include <signal.h>

#include <atomic>
#include <cstddef>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "stress_support.hpp"
#include <doctest/doctest.h>

#include <scc/testing/harness.hpp>

#if defined(__SANITIZE_ADDRESS__)
// From <sanitizer/allocator_interface.h>, which GCC does not install.
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
// ASan keeps freed memory in a quarantine (256 MB by default) before reusing it, which would
// look like growth; a small quarantine keeps RSS meaningful. ASAN_OPTIONS still overrides it.
extern "C" const char* __asan_default_options() { return "quarantine_size_mb=16"; }
#endif

using namespace scc::peer;
using namespace scc::peer::test;
using namespace scc::peer::stress;

namespace {

constexpr int accounts = 16;
constexpr long long rss_tolerance_kib = 8 * 1024;
// ASan's allocator keeps warming up in the peer for the first ~40,000 queries (measured: +2 to
// +3 MiB between 2,000 and 20,000, then flat); LeakSanitizer covers real leaks there.
constexpr long long peer_rss_tolerance_kib = (sanitized ? 16 : 8) * 1024;
constexpr long long heap_tolerance_kib = 1024;

// Bytes the allocator has handed out and not taken back, in KiB.
long long heap_in_use_kib() {
#if defined(__SANITIZE_ADDRESS__)
  return static_cast<long long>(__sanitizer_get_current_allocated_bytes() / 1024);
#else
  const struct mallinfo2 info = mallinfo2();
  return static_cast<long long>((info.uordblks + info.hblkhd) / 1024);
#endif
}

struct sample {
  long long done = 0;
  long long rss = 0;
  long long heap = 0;  // -1 where not measured
};

std::string table(const std::vector<sample>& samples) {
  std::string text;
  for (const sample& at : samples) {
    text += "  after " + std::to_string(at.done) + ": RSS " + mib(at.rss);
    if (at.heap >= 0) text += ", heap in use " + mib(at.heap);
    text += "\n";
  }
  return text;
}

// A peer of our own (the harness's peer_process does not expose the pid we need for /proc).
struct peer_child {
  pid_t pid = -1;
  std::string address;
  fs::path log;
  ~peer_child() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      wait_exit(pid, std::chrono::seconds(10));
    }
  }
};

}  // namespace

TEST_CASE(
    "resources: a plugin loaded from its library answers a million invocations in one process "
    "with flat memory") {
  const long long total = env_count("SCC_STRESS_INVOCATIONS", 1000000, 100000);
  REQUIRE(total >= 10);
  scc::testing::harness ledger;
  // Through the loader, from the .so, as scc-peer loads plugins.
  REQUIRE(ledger.install(SCC_PEER_TOKEN).name == "token");
  for (int index = 0; index < accounts; ++index) {
    REQUIRE(ledger.invoke("token", {"set", account(index), "1000"}).committed());
  }

  std::vector<sample> samples;
  samples.push_back({0, rss_kib(), heap_in_use_kib()});
  long long wrong = 0;
  std::string first_wrong;
  const auto started = std::chrono::steady_clock::now();
  for (long long done = 0; done < total;) {
    const std::string from = account(static_cast<int>(done % accounts));
    const std::string to = account(static_cast<int>((done + 1) % accounts));
    scc::response answer;
    std::string expected;
    switch (done % 10) {
      case 0:
      case 1:
      case 2:
      case 3:
      case 4:
        answer = ledger.query("token", {"balance", from}).response;
        expected = "1000";
        break;
      case 5:
      case 6:
      case 7:
        // Simulated with its writes, then dropped: an endorsement never ordered.
        answer = ledger.endorse("token", {"transfer", from, to, "7"}).response;
        expected = "993";
        break;
      case 8:
        answer = ledger.query("token", {"total"}).response;
        expected = std::to_string(accounts * 1000);
        break;
      default:
        answer = ledger.query("token", {"get", "absent"}).response;
        expected = "404";
        break;
    }
    const std::string got = answer.status == 200 ? answer.payload : std::to_string(answer.status);
    if (got != expected && wrong++ == 0) first_wrong = got + " instead of " + expected;
    ++done;
    if (done % (total / 10) == 0 || done == total) {
      samples.push_back({done, rss_kib(), heap_in_use_kib()});
    }
  }
  const double elapsed = seconds_since(started);
  CHECK_MESSAGE(wrong == 0, wrong << " wrong answers, the first: " << first_wrong);
  CHECK(ledger.height() == static_cast<uint64_t>(accounts) + 1);  // nothing more committed

  const sample& start = samples.front();
  const sample& tenth = samples[1];
  const sample& end = samples.back();
  MESSAGE(total << " invocations of the token plugin (" << SCC_PEER_TOKEN << ") in " << elapsed
                << " s, " << static_cast<long long>(static_cast<double>(total) / elapsed)
                << "/s; RSS start " << mib(start.rss) << ", 10% " << mib(tenth.rss) << ", end "
                << mib(end.rss) << "; heap in use start " << mib(start.heap) << ", 10% "
                << mib(tenth.heap) << ", end " << mib(end.heap) << "\n"
                << table(samples));
  CHECK(end.rss - tenth.rss < rss_tolerance_kib);
  CHECK(end.heap - tenth.heap < heap_tolerance_kib);
}

TEST_CASE("resources: scc-peer serves a long run of queries with flat memory") {
  const long long total = env_count("SCC_STRESS_QUERIES", 400000, 20000);
  constexpr int connections = 4;
  constexpr int window = 16;
  REQUIRE(total >= 10 * connections);

  temp_folder folder("stress-resource");
  write_file(folder.path() / "core.yaml", token_yaml());
  environment_overrides env;
  if (sanitized) {
    // The peer is built with ASan too: a small quarantine, so that filling it does not look
    // like growth in a run this short.
    const char* options = std::getenv("ASAN_OPTIONS");
    env["ASAN_OPTIONS"] = std::string(options != nullptr ? options : "") +
                          (options != nullptr && *options != '\0' ? ":" : "") +
                          "quarantine_size_mb=1";
  }
  peer_child peer;
  peer.log = folder.path() / "peer.log";
  peer.pid =
      spawn({SCC_PEER_BINARY, "node", "start", "--config", (folder.path() / "core.yaml").string()},
            env, folder.path() / "peer.out", peer.log);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (peer.address.empty() && std::chrono::steady_clock::now() < deadline) {
    const std::string text = read_file(peer.log);
    const std::size_t at = text.find("listening on ");
    if (at != std::string::npos && text.find(' ', at + 13) != std::string::npos) {
      peer.address = text.substr(at + 13, text.find(' ', at + 13) - at - 13);
    }
    REQUIRE_FALSE(wait_exit(peer.pid, std::chrono::milliseconds(10)).has_value());
  }
  REQUIRE_MESSAGE(!peer.address.empty(), read_file(peer.log));
  {
    client setup(peer.address);
    proposer make("resources");
    for (int index = 0; index < accounts; ++index) {
      REQUIRE(setup.call(make.make(true, "token", {"set", account(index), "1000"}), reply_timeout)
                  .invocation()
                  .validation_code_name() == "VALID");
    }
  }

  // Each connection answers its share with `window` queries in flight; requests are built
  // ahead so that the loop measures the peer.
  std::vector<sample> samples;
  samples.push_back({0, rss_kib(peer.pid), -1});
  std::atomic<long long> answered{0};
  std::atomic<long long> wrong{0};
  std::vector<std::string> failures(connections);
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int worker = 0; worker < connections; ++worker) {
    workers.emplace_back([&, worker] {
      try {
        client connection(peer.address);
        proposer make("resources");
        const long long share = total / connections;
        long long sent = 0;
        long long received = 0;
        while (received < share) {
          while (sent < share && sent - received < window) {
            const bool sum = (sent + worker) % 4 == 0;
            Request request =
                sum ? make.make(false, "token", {"total"})
                    : make.make(false, "token",
                                {"balance", account(static_cast<int>(sent % accounts))});
            // The request id says what was asked: odd for the total, even for a balance.
            request.set_request_id(static_cast<uint64_t>(sum ? 1 : 2) +
                                   2 * static_cast<uint64_t>(sent));
            connection.send(request);
            ++sent;
          }
          const Reply reply = connection.receive(reply_timeout);
          const bool sum = reply.request_id() % 2 == 1;
          const std::string expected = sum ? std::to_string(accounts * 1000) : "1000";
          if (!reply.has_invocation() || reply.invocation().response().payload() != expected) {
            ++wrong;
          }
          ++received;
          ++answered;
        }
      } catch (const std::exception& failure) {
        failures[static_cast<std::size_t>(worker)] = failure.what();
      }
    });
  }
  // Sample the peer's RSS at every tenth of the run.
  const long long per_connection = total / connections;
  const long long expected_total = per_connection * connections;
  for (int tenth = 1; tenth <= 10; ++tenth) {
    const long long mark = expected_total * tenth / 10;
    while (answered < mark &&
           std::chrono::steady_clock::now() - started < std::chrono::minutes(10)) {
      bool all_failed = true;
      for (const std::string& failure : failures) all_failed = all_failed && !failure.empty();
      if (all_failed) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    samples.push_back({answered.load(), rss_kib(peer.pid), -1});
  }
  for (std::thread& worker : workers) worker.join();
  const double elapsed = seconds_since(started);
  for (const std::string& failure : failures) CHECK_MESSAGE(failure.empty(), failure);
  CHECK(answered == expected_total);
  CHECK(wrong == 0);

  const sample& start = samples.front();
  const sample& tenth = samples[1];
  const sample& end = samples.back();
  MESSAGE(expected_total << " queries to scc-peer over " << connections << " connections ("
                         << window << " in flight each) in " << elapsed << " s, "
                         << static_cast<long long>(static_cast<double>(expected_total) / elapsed)
                         << "/s; peer RSS start " << mib(start.rss) << ", 10% " << mib(tenth.rss)
                         << ", end " << mib(end.rss) << "\n"
                         << table(samples));
  CHECK(end.rss - tenth.rss < peer_rss_tolerance_kib);
  ::kill(peer.pid, SIGTERM);
  CHECK(wait_exit(peer.pid, std::chrono::seconds(60)) == std::optional<int>(0));
  peer.pid = -1;
}
