#!/usr/bin/env bash
# Compile-time cost of <scc/plugin.hpp> against a source that includes only
# <string> <vector> <map> <optional> <functional>, measured side by side at -O2.
#   bench/compile_time.sh [repetitions]      (default 7; the median is reported)
# Prints one JSON line per pair and the ratio; the goal is a ratio of at most 2.
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

report includes_only std_only.cpp plugin_only.cpp
report small_chaincode std_chaincode.cpp plugin_chaincode.cpp
