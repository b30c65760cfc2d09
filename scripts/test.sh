#!/usr/bin/env bash
# THE test command: installs missing Debian packages, then
#   1. configures and builds everything into $BUILD_DIR (default build/) and runs ctest,
#   2. the same with AddressSanitizer + UndefinedBehaviorSanitizer (Debug, no benchmarks)
#      into $ASAN_BUILD_DIR (default build-asan/) and runs ctest with leak detection on,
#   3. builds the libFuzzer targets with clang (build-fuzz/) and runs each for
#      $SCC_FUZZ_SECONDS (default 30) seconds (scripts/fuzz.sh).
# Exits non-zero if any step fails; prints a summary either way.
#
# Environment (see also scripts/common.sh): ASAN_BUILD_DIR, SCC_SKIP_ASAN=1 (skip step 2),
# SCC_SKIP_FUZZ=1 (skip step 3), SCC_FUZZ_SECONDS,
# CTEST_ARGS (extra ctest arguments, e.g. "-R package").
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ASAN_BUILD_DIR="${ASAN_BUILD_DIR:-build-asan}"
read -r -a ctest_args <<<"${CTEST_ARGS:-}"

declare -a summary=()
failed=0
started=$SECONDS

# stage <name> <command>...: runs a stage, records its result and duration.
stage() {
  local name="$1"
  shift
  banner "$name"
  local begin=$SECONDS
  if "$@"; then
    summary+=("$(printf '  %-44s ok      %4ds' "$name" $((SECONDS - begin)))")
    return 0
  fi
  summary+=("$(printf '  %-44s FAILED  %4ds' "$name" $((SECONDS - begin)))")
  failed=1
  return 1
}

skip() {
  summary+=("$(printf '  %-44s skipped' "$1")")
}

passed_total=0
failed_total=0
run_ctest() {
  local log status
  log="$(mktemp)"
  set +e
  ctest --test-dir "$1" --output-on-failure --parallel "$JOBS" ${ctest_args[@]+"${ctest_args[@]}"} \
    | tee "$log"
  status=${PIPESTATUS[0]}
  set -e
  # "100% tests passed, 0 tests failed out of 12"
  local counts
  counts="$(sed -n 's/.* tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\1 \2/p' "$log")"
  rm -f "$log"
  if [[ -n "$counts" ]]; then
    read -r failed total <<<"$counts"
    passed_total=$((passed_total + total - failed))
    failed_total=$((failed_total + failed))
  fi
  return "$status"
}

stage "install dependencies" "$SCC_ROOT/scripts/install-deps.sh" || true

if stage "build ($BUILD_TYPE, $BUILD_DIR)" \
    configure_and_build "$BUILD_DIR" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" -DSCC_WARNINGS_AS_ERRORS=ON; then
  stage "ctest ($BUILD_DIR)" run_ctest "$BUILD_DIR" || true
else
  skip "ctest ($BUILD_DIR)"
fi

if [[ "${SCC_SKIP_ASAN:-0}" == "1" ]]; then
  skip "sanitizer build ($ASAN_BUILD_DIR)"
  skip "ctest ($ASAN_BUILD_DIR, ASan+UBSan)"
else
  if stage "sanitizer build (Debug, $ASAN_BUILD_DIR)" \
      configure_and_build "$ASAN_BUILD_DIR" -DCMAKE_BUILD_TYPE=Debug -DSCC_SANITIZE=ON -DSCC_WARNINGS_AS_ERRORS=ON \
      -DSCC_BUILD_BENCH=OFF; then
    export ASAN_OPTIONS="detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
    stage "ctest ($ASAN_BUILD_DIR, ASan+UBSan)" run_ctest "$ASAN_BUILD_DIR" || true
  else
    skip "ctest ($ASAN_BUILD_DIR, ASan+UBSan)"
  fi
fi

# 3. Each libFuzzer target for a short run: needs clang and libclang-rt-14-dev.
if [[ "${SCC_SKIP_FUZZ:-0}" == "1" ]]; then
  skip "fuzz (${SCC_FUZZ_SECONDS:-30}s per target)"
elif ! command -v clang++ >/dev/null 2>&1; then
  echo "test.sh: clang++ not found; skipping the fuzz stage"
  skip "fuzz (${SCC_FUZZ_SECONDS:-30}s per target)"
else
  stage "fuzz (${SCC_FUZZ_SECONDS:-30}s per target)" \
    env FUZZ_BUILD_DIR="${FUZZ_BUILD_DIR:-build-fuzz}" \
    "$SCC_ROOT/scripts/fuzz.sh" "${SCC_FUZZ_SECONDS:-30}" || true
fi

banner "summary"
printf '%s\n' "${summary[@]}"
if [[ $failed -ne 0 ]]; then
  echo "test.sh: FAILED after $((SECONDS - started))s"
  echo "tests: $passed_total passed, $failed_total failed"
  exit 1
fi
echo "test.sh: all passed in $((SECONDS - started))s"
# The closing line CI reads: every ctest case of both builds.
echo "tests: $passed_total passed, $failed_total failed"
