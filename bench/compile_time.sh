#!/usr/bin/env bash
# Compile time, in two parts.
#
# 1. The cost of <scc/plugin.hpp> against a source that includes only <string> <vector> <map>
#    <optional> <functional>, side by side at -O2: one JSON line per pair, goal ratio <= 2.
# 2. The author's loop on a first real contract and its test (compile_time/escrow.cpp, 150
#    lines; compile_time/escrow_test.cpp, 200 lines of doctest on the stub-ledger harness), at
#    -O0 as while developing: the plugin TU, the test TU (with the harness compiled once per
#    project, as scc_add_plugin_test does), and "change one line of the contract, rebuild,
#    rerun its tests". Printed beside `go test` on the same contract written for Fabric's Go shim
#    (compile_time/go, on shimtest vendored in the Fabric 2.5 source) when Go and that source
#    are present. Goals: plugin TU <= 1.5 s, test TU <= 3 s, loop <= 2 s. With clang++, a
#    -ftime-trace summary of both TUs says where the time goes.
#
#   bench/compile_time.sh [repetitions]      (default 7 for part 1, 5 for part 2; medians)
# Environment: CXX, FABRIC_SRC (default ../shared/fabric/fabric-2.5.4-src.tar.gz),
#   COMPILE_TIME_PARTS ("plugin_header author_loop" by default).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
reps="${1:-7}"
cxx="${CXX:-c++}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cat > "$work/std_only.cpp" <<'SRC'
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>
SRC
cat > "$work/plugin_only.cpp" <<'SRC'
#include <scc/plugin.hpp>
SRC
# The same small chaincode written twice: once against plain standard containers, once as an
# scc plugin (1 get + 1 put, the SCC_PLUGIN macro, so templates are instantiated).
cat > "$work/std_chaincode.cpp" <<'SRC'
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>
struct response { int status; std::string message, payload; };
class counter {
 public:
  response invoke(std::map<std::string, std::string>& state, const std::vector<std::string>& args) {
    std::optional<std::string> current;
    if (auto it = state.find(args.at(0)); it != state.end()) current = it->second;
    const long next = current ? std::stol(*current) + 1 : 1;
    state[args.at(0)] = std::to_string(next);
    return {200, {}, {}};
  }
};
std::function<response(counter&, std::map<std::string, std::string>&,
                       const std::vector<std::string>&)> entry = &counter::invoke;
SRC
cat > "$work/plugin_chaincode.cpp" <<'SRC'
#include <scc/plugin.hpp>
class counter {
 public:
  scc::response invoke(scc::stub& stub) {
    const auto [function, params] = stub.get_function_and_parameters();
    const std::optional<std::string> current = stub.get_state(params.at(0));
    const long next = current ? std::stol(*current) + 1 : 1;
    stub.put_state(params.at(0), std::to_string(next));
    return scc::success();
  }
};
SCC_PLUGIN(counter, "counter");
SRC

median_seconds() {
  local src="$1" times=()
  for _ in $(seq "$reps"); do
    local start end
    start=$(date +%s.%N)
    "$cxx" -std=c++17 -O2 -fPIC -I"$root/include" -c "$src" -o "$work/out.o"
    end=$(date +%s.%N)
    times+=("$(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}')")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

report() {
  local name="$1" baseline="$2" candidate="$3"
  local b c
  b=$(median_seconds "$work/$baseline")
  c=$(median_seconds "$work/$candidate")
  printf '{"bench":"compile_time","pair":"%s","baseline_s":%.3f,"plugin_s":%.3f,"ratio":%.2f,"goal":2.0,"reps":%s,"cxx":"%s"}\n' \
    "$name" "$b" "$c" "$(awk -v a="$b" -v b="$c" 'BEGIN {print b / a}')" "$reps" "$("$cxx" --version | head -1)"
}

parts="${COMPILE_TIME_PARTS:-plugin_header author_loop}"
if [[ " $parts " == *" plugin_header "* ]]; then
  report includes_only std_only.cpp plugin_only.cpp
  report small_chaincode std_chaincode.cpp plugin_chaincode.cpp
fi
[[ " $parts " == *" author_loop "* ]] || exit 0

# ---- The author's loop ----
loop_reps="${1:-5}"
inputs="$root/bench/compile_time"
cxxflags=(-std=c++17 -O0 -fPIC -I"$root/include" -DBOOST_DLL_USE_STD_FS)
test_flags=("${cxxflags[@]}" -DSCC_TESTING_SEPARATE_COMPILATION
            -DESCROW_PLUGIN_PATH="\"$work/escrow.so\"")

# seconds COMMAND...: wall time of one run.
seconds() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f\n", b - a}'
}
# median_of REPS COMMAND...
median_of() {
  local reps="$1" times=()
  shift
  for _ in $(seq "$reps"); do times+=("$(seconds "$@")"); done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

cp "$inputs/escrow.cpp" "$work/escrow.cpp"
compile_plugin() { "$cxx" "${cxxflags[@]}" -c "$work/escrow.cpp" -o "$work/escrow.o"; }
link_plugin() { "$cxx" -shared "$work/escrow.o" -o "$work/escrow.so"; }
compile_test() { "$cxx" "${test_flags[@]}" -c "$inputs/escrow_test.cpp" -o "$work/escrow_test.o"; }
run_tests() { "$work/escrow_test" >/dev/null; }

# Once per project: the doctest main and the harness's definitions in one TU.
cat > "$work/test_main.cpp" <<'SRC'
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#define SCC_TESTING_IMPLEMENTATION
#include <scc/testing.hpp>
SRC
once=$(seconds "$cxx" "${test_flags[@]}" -c "$work/test_main.cpp" -o "$work/test_main.o")
compile_plugin && link_plugin
plugin_tu=$(median_of "$loop_reps" compile_plugin)
test_tu=$(median_of "$loop_reps" compile_test)
"$cxx" "$work/escrow_test.o" "$work/test_main.o" -o "$work/escrow_test" -ldl -lpthread
run_tests || { echo "bench/compile_time: escrow_test fails" >&2; exit 1; }
# The header-only way (no separate compilation), for comparison.
header_only_test_tu=$(seconds "$cxx" "${cxxflags[@]}" -DESCROW_PLUGIN_PATH="\"$work/escrow.so\"" \
  -c "$inputs/escrow_test.cpp" -o "$work/escrow_test_header_only.o")

# One line of the contract changes (an error message), the plugin is rebuilt and the tests,
# which load the .so, run again. The test binary needs no relink.
edit=0
change_and_rerun() {
  edit=$((edit + 1))
  sed -i "s/the amount must be positive[^\"]*/the amount must be positive ($edit)/" "$work/escrow.cpp"
  compile_plugin && link_plugin && run_tests
}
loop=$(median_of "$loop_reps" change_and_rerun)

# The Go anchor: the same contract and tests on Fabric's Go shim and shimtest, built offline
# against the Fabric 2.5 source's vendored modules, warm build cache.
go_loop=null
fabric_src="${FABRIC_SRC:-$root/../shared/fabric/fabric-2.5.4-src.tar.gz}"
if command -v go >/dev/null && [ -e "$fabric_src" ]; then
  module="${XDG_CACHE_HOME:-$HOME/.cache}/scc/compile-time/go-module"
  . "$root/bench/fabric_go_module.sh"
  fabric_go_module "$module" "$fabric_src"
  mkdir -p "$module/scccompiletime/escrow"
  cp "$inputs/go/escrow.go" "$inputs/go/escrow_test.go" "$module/scccompiletime/escrow/"
  go_test() { (cd "$module" && GOFLAGS=-mod=vendor GOPROXY=off go test ./scccompiletime/escrow); }
  go_test >/dev/null || { echo "bench/compile_time: go test fails" >&2; exit 1; }
  go_edit=0
  go_change_and_rerun() {
    go_edit=$((go_edit + 1))
    sed -i "s/bad id or amount[^\"]*/bad id or amount ($go_edit)/" "$module/scccompiletime/escrow/escrow.go"
    go_test
  }
  go_loop=$(median_of "$loop_reps" go_change_and_rerun)
else
  echo "bench/compile_time: no Go anchor (needs go and $fabric_src)" >&2
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b == "null") print "null"; else printf "%.2f", a / b}'; }
printf '{"bench":"author_loop","step":"plugin_tu_O0","s":%s,"goal_s":1.5,"reps":%s}\n' "$plugin_tu" "$loop_reps"
printf '{"bench":"author_loop","step":"test_tu_O0","s":%s,"goal_s":3.0,"header_only_s":%s,"once_per_project_s":%s,"reps":%s}\n' \
  "$test_tu" "$header_only_test_tu" "$once" "$loop_reps"
printf '{"bench":"author_loop","step":"change_rebuild_rerun","s":%s,"goal_s":2.0,"go_test_s":%s,"ratio_to_go":%s,"reps":%s}\n' \
  "$loop" "$go_loop" "$(ratio "$loop" "$go_loop")" "$loop_reps"
printf '\n%-34s %9s %7s %9s\n' "step (-O0, median of $loop_reps)" "scc" "goal" "go test"
printf '%-34s %8ss %6ss %9s\n' "plugin TU" "$plugin_tu" 1.5 "-"
printf '%-34s %8ss %6ss %9s\n' "test TU" "$test_tu" 3.0 "-"
printf '%-34s %8ss %6ss %8ss\n' "change one line, rebuild, rerun" "$loop" 2.0 "$go_loop"
printf '%-34s %8ss\n' "  (test TU, header-only harness)" "$header_only_test_tu"
printf '%-34s %8ss\n' "  (once per project: main+harness)" "$once"

# Where the time goes: clang's -ftime-trace of both TUs, summarised.
if command -v clang++ >/dev/null; then
  clang++ "${cxxflags[@]}" -ftime-trace -c "$inputs/escrow.cpp" -o "$work/trace_plugin.o"
  clang++ "${test_flags[@]}" -ftime-trace -c "$inputs/escrow_test.cpp" -o "$work/trace_test.o"
  echo
  python3 "$root/bench/compile_time/trace_summary.py" plugin_tu "$work/trace_plugin.json" \
    test_tu "$work/trace_test.json"
fi
