#!/usr/bin/env bash
# Runs the speed goals of bench/ and prints one JSON line per result:
#   bench/run.sh            (expects a build in ${BUILD_DIR:-build}, as scripts/run.sh makes)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
"$build/bench/bench_invoke" --benchmark_color=false --benchmark_repetitions=5 --benchmark_min_time=0.2 \
  --benchmark_report_aggregates_only=true
"$root/bench/compile_time.sh" 7
