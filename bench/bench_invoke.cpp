// The cost of the ABI: an invoke of counter_scc (1 get + 1 put) through its shared library's
// descriptor, trampolines and exception barrier, against calling the same class's invoke
// directly, both over the same in-memory host. Prints the ratio after the Google Benchmark
// table.
#include <cstdio>
#include <map>
#include <string>

#include "counter_scc.hpp"
#include <benchmark/benchmark.h>

#include <scc/loader.hpp>
#include <scc/testing/memory_host.hpp>

namespace {

scc::host::proposal invoke_proposal() {
  scc::host::proposal context;
  context.args = {"increment"};
  context.tx_id = "bench";
  context.channel_id = "bench";
  return context;
}

scc::testing::memory_state& seeded_state() {
  static scc::testing::memory_state state;
  state.of("counterscc")["counter"] = "41";
  return state;
}

void direct_call(benchmark::State& bench) {
  scc::testing::memory_state& state = seeded_state();
  counter_scc object;
  const scc::host::proposal context = invoke_proposal();
  for (auto _ : bench) {
    scc::testing::memory_transaction tx(state, "counterscc", context);
    scc::stub stub(scc::host::api(), tx.handle());
    scc::response answer = object.invoke(stub);
    benchmark::DoNotOptimize(answer);
  }
}

void through_abi(benchmark::State& bench) {
  scc::testing::memory_state& state = seeded_state();
  const auto plugin = scc::load_plugin(COUNTER_PLUGIN_PATH);
  const scc::host::proposal context = invoke_proposal();
  for (auto _ : bench) {
    scc::testing::memory_transaction tx(state, "counterscc", context);
    scc::response answer = plugin->invoke(tx);
    benchmark::DoNotOptimize(answer);
  }
}

BENCHMARK(direct_call);
BENCHMARK(through_abi);

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
