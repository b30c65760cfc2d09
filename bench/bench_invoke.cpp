// The cost of the ABI: an invoke of counter_scc (1 get + 1 put) through its shared library's
// descriptor, trampolines and exception barrier, against calling the same class's invoke
// directly, both over the same minimal host (bench_transaction below). Prints the ratio after
// the Google Benchmark table.
//
// Why not the test harness (scc/testing/harness.hpp) for the ratio: h.invoke is a whole peer
// round, a simulation on the stub ledger with a SHA-256 transaction id, a read/write set and a
// block committed after MVCC validation, which costs microseconds per call against tens of
// nanoseconds of ABI overhead. Over it, direct and ABI calls differ by less than the run-to-run
// noise, so the ratio would sit near 1.0 whatever the ABI cost and would hide a regression.
// bench_transaction does what a simulation does at its simplest: reads see committed state,
// writes are buffered and never applied. harness_invoke shows what one h.invoke costs, for
// scale; it is not part of the ratio.
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "counter_scc.hpp"
#include <benchmark/benchmark.h>

#include <scc/host/plugin_instance.hpp>
#include <scc/host/transaction.hpp>
#include <scc/host/loader.hpp>
#include <scc/testing.hpp>

namespace {

using committed_state = std::map<std::string, std::string, std::less<>>;

// The minimal host both sides of the ratio run on: one transaction over committed public state.
class bench_transaction : public scc::host::transaction {
 public:
  bench_transaction(const committed_state& committed, scc::host::proposal context)
      : scc::host::transaction(std::move(context)), committed_(committed) {}

  std::optional<std::string_view> get_state(std::string_view collection,
                                            std::string_view key) override {
    public_only(collection);
    const auto found = committed_.find(key);
    if (found == committed_.end()) return std::nullopt;
    return std::string_view(found->second);
  }

  void put_state(std::string_view collection, std::string_view key,
                 std::string_view value) override {
    public_only(collection);
    writes_.insert_or_assign(std::string(key), std::string(value));
  }

 private:
  static void public_only(std::string_view collection) {
    if (!collection.empty()) {
      throw scc::host::error(SCC_STATUS_UNSUPPORTED, "bench_transaction has public state only");
    }
  }

  const committed_state& committed_;
  committed_state writes_;
};

scc::host::proposal invoke_proposal() {
  scc::host::proposal context;
  context.args = {"increment"};
  context.tx_id = "bench";
  context.channel_id = "bench";
  return context;
}

const committed_state& seeded_state() {
  static const committed_state state{{"counter", "41"}};
  return state;
}

void direct_call(benchmark::State& bench) {
  const committed_state& state = seeded_state();
  counter_scc object;
  const scc::host::proposal context = invoke_proposal();
  for (auto _ : bench) {
    bench_transaction tx(state, context);
    scc::stub stub(scc::host::api(), tx.handle());
    scc::response answer = object.invoke(stub);
    benchmark::DoNotOptimize(answer);
  }
}

void through_abi(benchmark::State& bench) {
  const committed_state& state = seeded_state();
  const auto plugin = scc::host::load_plugin(COUNTER_PLUGIN_PATH);
  const scc::host::proposal context = invoke_proposal();
  for (auto _ : bench) {
    bench_transaction tx(state, context);
    scc::response answer = plugin->invoke(tx);
    benchmark::DoNotOptimize(answer);
  }
}

// One h.invoke of the same library: endorse, then commit a block of its own. The ledger keeps
// every block, so the iteration count is fixed to bound its memory; each repetition starts
// from a fresh harness.
void harness_invoke(benchmark::State& bench) {
  scc::testing::harness h;
  h.install(COUNTER_PLUGIN_PATH);
  for (auto _ : bench) {
    scc::testing::tx_result result = h.invoke("counterscc", {"increment"});
    benchmark::DoNotOptimize(result);
  }
  if (h.state("counterscc", "counter") != std::to_string(bench.iterations())) {
    bench.SkipWithError("an invoke did not commit");
  }
}

BENCHMARK(direct_call);
BENCHMARK(through_abi);
BENCHMARK(harness_invoke)->Iterations(20000);

// Collects each benchmark's time per iteration so the ratio can be printed at the end.
class ratio_reporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    // With --benchmark_repetitions the median aggregate stands for the benchmark; without,
    // its single run does.
    for (const Run& run : runs) {
      const std::string name = run.run_name.function_name;
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name == "median") {
        ns_per_op_[name] = run.GetAdjustedRealTime();
        has_median_[name] = true;
      } else if (run.run_type == Run::RT_Iteration && !has_median_[name]) {
        ns_per_op_[name] = run.GetAdjustedRealTime();
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }
  double ns(const std::string& name) const {
    const auto found = ns_per_op_.find(name);
    return found == ns_per_op_.end() ? 0 : found->second;
  }

 private:
  std::map<std::string, double> ns_per_op_;
  std::map<std::string, bool> has_median_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  ratio_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const double direct = reporter.ns("direct_call");
  const double abi = reporter.ns("through_abi");
  if (direct > 0 && abi > 0) {
    std::printf(
        "{\"bench\":\"invoke_1get_1put\",\"direct_ns\":%.1f,\"abi_ns\":%.1f,"
        "\"ratio\":%.3f,\"goal\":1.3}\n",
        direct, abi, abi / direct);
  }
  benchmark::Shutdown();
  return 0;
}
