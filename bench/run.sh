#!/usr/bin/env bash
# Runs the speed goals of bench/ and prints JSON lines (expects a build in ${BUILD_DIR:-build},
# as scripts/run.sh makes):
#   1. bench_invoke: an invoke through the ABI vs a direct call (ratio);
#   2. compile_time.sh: the compile-time cost of <scc/plugin.hpp>;
#   3. bench_ledger: the reference stub-ledger workload, phases a-e (for the ratios against the
#      Node mock stub, run bench/ledger/compare.sh, which needs node and npm);
#   4. scc-peer-bench: scc-peer's queries/s and durable invokes/s next to an Asio echo server.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
"$build/bench/bench_invoke" --benchmark_color=false --benchmark_repetitions=5 --benchmark_min_time=0.2 \
  --benchmark_report_aggregates_only=true
"$root/bench/compile_time.sh" 7
"$build/bench/ledger/bench_ledger"
"$build/tools/scc-peer/bench/scc-peer-bench" --json
