#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang into build-fuzz/ and runs each in turn.
#
#   scripts/fuzz.sh [seconds-per-target] [target...]
#
# Defaults: 45 seconds, every target (build-fuzz/scc_fuzzers.txt lists them). Exits non-zero
# if the build fails or any target fails (crash, sanitizer report, leak, timeout, out of
# memory). The failing input is kept in build-fuzz/artifacts/<target>/; reproduce it with
#   build-fuzz/fuzzers/<target> build-fuzz/artifacts/<target>/<file>
# and, once fixed, commit it to fuzz/regressions/<target>/ so ctest replays it for good.
#
# Per target it prints executions, executions per second, coverage (cov: edges, ft: features),
# corpus size and peak RSS. New inputs accumulate in build-fuzz/corpus/<target>/ (not
# committed), so repeated runs keep their coverage; the seeds in fuzz/corpus/<target>/ and
# fuzz/regressions/<target>/ are read, never written.
#
# A target may have a dictionary (fuzz/dict/<target>.dict) and extra libFuzzer flags
# (fuzz/options/<target>.txt).
#
# Environment:
#   FUZZ_BUILD_DIR   build tree (default build-fuzz)
#   FUZZ_JOBS        parallel build jobs (default 2)
#   FUZZ_ARGS        extra libFuzzer flags, e.g. "-only_ascii=1"
#   FUZZ_CMAKE_ARGS  extra CMake arguments
#   CC, CXX          compilers (default clang, clang++: libFuzzer is clang's)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

seconds="${1:-45}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [[ "$seconds" -eq 0 ]]; then
  echo "usage: scripts/fuzz.sh [seconds-per-target] [target...]" >&2
  exit 2
fi
shift || true
build="${FUZZ_BUILD_DIR:-build-fuzz}"
jobs="${FUZZ_JOBS:-2}"
read -r -a extra_fuzz_args <<<"${FUZZ_ARGS:-}"
read -r -a extra_cmake_args <<<"${FUZZ_CMAKE_ARGS:-}"
export CC="${CC:-clang}" CXX="${CXX:-clang++}"

# ---- Build ----
# From the main tree once the top level knows SCC_BUILD_FUZZERS; until then fuzz/ on its own.
# The tools are on: fuzz_core_yaml, fuzz_cli_args and fuzz_peer_stream link scc-peer's code.
if grep -q 'SCC_BUILD_FUZZERS' "$ROOT/CMakeLists.txt"; then
  source_dir="$ROOT"
  cmake_args=(-DSCC_BUILD_FUZZERS=ON -DSCC_BUILD_TESTS=OFF -DSCC_BUILD_EXAMPLES=OFF
              -DSCC_BUILD_TOOLS=ON -DSCC_BUILD_BENCH=OFF)
else
  source_dir="$ROOT/fuzz"
  cmake_args=(-DSCC_BUILD_FUZZERS=ON -DSCC_BUILD_TESTS=OFF)
fi
# A tree configured from the other source directory cannot be reused.
if [[ -f "$build/CMakeCache.txt" ]] &&
    ! grep -qx "CMAKE_HOME_DIRECTORY:INTERNAL=$source_dir" "$build/CMakeCache.txt"; then
  echo "fuzz.sh: $build was configured from another source directory; reconfiguring"
  rm -rf "$build/CMakeCache.txt" "$build/CMakeFiles"
fi
echo "==== build ($source_dir -> $build, $CXX) ===="
cmake -S "$source_dir" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSCC_WARNINGS_AS_ERRORS=ON "${cmake_args[@]}" \
  ${extra_cmake_args[@]+"${extra_cmake_args[@]}"} >/dev/null
cmake --build "$build" --target scc_fuzzers --parallel "$jobs"

mapfile -t all_targets < <(grep -v '^$' "$build/scc_fuzzers.txt")
if [[ $# -gt 0 ]]; then
  targets=("$@")
  for target in "${targets[@]}"; do
    if ! printf '%s\n' "${all_targets[@]}" | grep -qx "$target"; then
      echo "fuzz.sh: no target '$target'; targets: ${all_targets[*]}" >&2
      exit 2
    fi
  done
else
  targets=("${all_targets[@]}")
fi

# ---- Run ----
declare -a summary=()
failed=0
for target in "${targets[@]}"; do
  binary="$build/fuzzers/$target"
  work="$build/corpus/$target"
  artifacts="$build/artifacts/$target"
  log="$build/logs/$target.log"
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  inputs=("$work" "fuzz/corpus/$target")
  if [[ -d "fuzz/regressions/$target" ]]; then inputs+=("fuzz/regressions/$target"); fi
  flags=(-max_total_time="$seconds" -print_final_stats=1 -timeout=30 -rss_limit_mb=2048
         -artifact_prefix="$artifacts/")
  if [[ -f "fuzz/dict/$target.dict" ]]; then flags+=(-dict="fuzz/dict/$target.dict"); fi
  if [[ -f "fuzz/options/$target.txt" ]]; then
    read -r -a target_flags <<<"$(sed 's/#.*//' "fuzz/options/$target.txt" | tr '\n' ' ')"
    flags+=(${target_flags[@]+"${target_flags[@]}"})
  fi

  echo
  echo "==== $target: ${seconds}s ===="
  set +e
  "$binary" "${flags[@]}" ${extra_fuzz_args[@]+"${extra_fuzz_args[@]}"} "${inputs[@]}" \
    >"$log" 2>&1
  status=$?
  set -e
  grep -E '^#[0-9]+.*(INITED|DONE)|^stat::|ERROR|SUMMARY|fuzz invariant|Test unit written' "$log" \
    | tail -n 20 || true

  final_stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -n 1; }
  execs="$(final_stat number_of_executed_units)"
  rate="$(final_stat average_exec_per_sec)"
  rss="$(final_stat peak_rss_mb)"
  last="$(grep -E 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1 || true)"
  cov="$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$last")"
  ft="$(sed -n 's/.*ft: \([0-9]*\).*/\1/p' <<<"$last")"
  corpus="$(sed -n 's/.*corp: \([0-9]*\).*/\1/p' <<<"$last")"
  if [[ $status -eq 0 ]]; then
    result="ok"
  else
    result="FAILED (exit $status, log $log)"
    failed=1
    crash="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)"
    [[ -n "$crash" ]] && result+=$'\n'"      reproduce: $binary $crash"
  fi
  summary+=("$(printf '  %-22s %8s execs %7s/s  cov %-6s ft %-7s corpus %-5s rss %4sMB  %s' \
    "$target" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corpus:-?}" "${rss:-?}" \
    "$result")")
done

echo
echo "==== summary (${seconds}s per target) ===="
printf '%s\n' "${summary[@]}"
if [[ $failed -ne 0 ]]; then
  echo "fuzz.sh: FAILED"
  exit 1
fi
echo "fuzz.sh: all targets ran clean"
