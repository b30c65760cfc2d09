// ccaas_bench - plays the peer against a chaincode server: opens protos.Chaincode/Connect,
// completes the handshake and runs TRANSACTION messages ("touch KEY VALUE": one GET_STATE and
// one PUT_STATE each, answered from memory) with a fixed number in flight. Prints one JSON line.
//
//   ccaas_bench --address 127.0.0.1:9999 --name scc-ccaas --concurrency 16 --seconds 5
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "peer_driver.hpp"
#include <absl/synchronization/mutex.h>

namespace {

struct options {
  std::string address;
  std::string name = "chaincode";
  int concurrency = 1;
  double seconds = 5;
  double warmup_seconds = 1;
  int keys = 1000;
};

[[noreturn]] void usage(const std::string& problem) {
  std::fprintf(stderr,
               "ccaas_bench: %s\nusage: ccaas_bench --address HOST:PORT [--name LABEL] "
               "[--concurrency N] [--seconds S] [--warmup S] [--keys N]\n",
               problem.c_str());
  std::exit(2);
}

options parse(int argc, char** argv) {
  options out;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) usage(flag + " needs a value");
    const std::string value = argv[++i];
    if (flag == "--address")
      out.address = value;
    else if (flag == "--name")
      out.name = value;
    else if (flag == "--concurrency")
      out.concurrency = std::stoi(value);
    else if (flag == "--seconds")
      out.seconds = std::stod(value);
    else if (flag == "--warmup")
      out.warmup_seconds = std::stod(value);
    else if (flag == "--keys")
      out.keys = std::stoi(value);
    else
      usage("unknown option " + flag);
  }
  if (out.address.empty()) usage("--address is required");
  if (out.concurrency < 1 || out.keys < 1 || out.seconds <= 0) usage("values must be positive");
  return out;
}

// User plus system CPU time of this process: what the driver itself costs per transaction, the
// share of the two cores the server under test cannot have.
double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

int main(int argc, char** argv) {
  const options opts = parse(argc, argv);
  // The driver's CPU is taken from the server under test: no deadlock checks on gRPC's mutexes
  // (on in an absl built without NDEBUG, as Debian's), as scc-ccaas serve turns them off too.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  using clock = std::chrono::steady_clock;
  scc::ccaas::driver::driver_options driver_options;
  driver_options.address = opts.address;
  scc::ccaas::driver::peer_driver driver(driver_options);
  try {
    driver.connect(std::chrono::seconds(30));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ccaas_bench: %s\n", e.what());
    return 1;
  }
  for (int k = 0; k < opts.keys; ++k) driver.ledger().put("", "key" + std::to_string(k), "initial");

  // A closed loop: each answer, on the driver's reading thread, records its latency and sends
  // the next transaction, so the driver wakes no thread per transaction.
  std::atomic<bool> measuring{false};
  std::atomic<bool> stopping{false};
  std::mutex mutex;
  std::condition_variable all_stopped;
  int outstanding = opts.concurrency;
  // Atomic: the first transactions go out from this thread while answers already arrive.
  std::atomic<long> failures{0};
  std::atomic<long> total{0};  // warm-up included: what the server's CPU time covers
  std::atomic<long> sequence{0};
  std::vector<double> all;
  // Transactions are built before the run (proposal, nonce, tx id) and sent round robin, so
  // that the driver spends its time on the protocol rather than on building proposals.
  std::vector<scc::ccaas::driver::transaction_request> prepared(4096);
  for (std::size_t i = 0; i < prepared.size(); ++i) {
    auto& request = prepared[i];
    request.args = {"touch", "key" + std::to_string(static_cast<long>(i) % opts.keys),
                    "value" + std::to_string(i)};
    request.signed_proposal = scc::ccaas::driver::peer_driver::build_signed_proposal(request);
  }
  std::function<void()> send_next = [&] {
    const long n = sequence++;
    const auto& request = prepared[static_cast<std::size_t>(n) % prepared.size()];
    const auto start = clock::now();
    driver.submit(request, [&, start](scc::ccaas::driver::transaction_result result) {
      const double micros = std::chrono::duration<double, std::micro>(clock::now() - start).count();
      ++total;
      if (result.status != 200) ++failures;
      if (measuring.load(std::memory_order_relaxed)) all.push_back(micros);
      // A stream that has ended answers at once: stop rather than loop.
      if (stopping.load() || result.type == protos::ChaincodeMessage::UNDEFINED) {
        const std::lock_guard<std::mutex> lock(mutex);
        if (--outstanding == 0) all_stopped.notify_all();
        return;
      }
      send_next();
    });
  };
  const double cpu_before = process_cpu_seconds();
  for (int i = 0; i < opts.concurrency; ++i) send_next();
  std::this_thread::sleep_for(std::chrono::duration<double>(opts.warmup_seconds));
  const auto begin = clock::now();
  measuring.store(true);
  std::this_thread::sleep_for(std::chrono::duration<double>(opts.seconds));
  measuring.store(false);
  const double elapsed = std::chrono::duration<double>(clock::now() - begin).count();
  stopping.store(true);
  {
    std::unique_lock<std::mutex> lock(mutex);
    all_stopped.wait(lock, [&] { return outstanding == 0; });
  }
  const double driver_cpu = process_cpu_seconds() - cpu_before;
  driver.close();

  std::sort(all.begin(), all.end());
  const auto percentile = [&](double p) {
    if (all.empty()) return 0.0;
    return all[std::min(all.size() - 1,
                        static_cast<std::size_t>(p * static_cast<double>(all.size())))];
  };
  std::printf(
      "{\"server\":\"%s\",\"concurrency\":%d,\"transactions\":%zu,\"seconds\":%.2f,"
      "\"tx_per_s\":%.0f,\"p50_us\":%.0f,\"p99_us\":%.0f,\"failures\":%ld,"
      "\"total_transactions\":%ld,\"driver_cpu_us_per_tx\":%.1f}\n",
      opts.name.c_str(), opts.concurrency, all.size(), elapsed,
      static_cast<double>(all.size()) / elapsed, percentile(0.50), percentile(0.99),
      failures.load(), total.load(),
      driver_cpu * 1e6 / static_cast<double>(std::max(1L, total.load())));
  return failures.load() == 0 ? 0 : 1;
}
