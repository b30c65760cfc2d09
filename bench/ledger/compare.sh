#!/usr/bin/env bash
# Runs the reference stub-ledger workload on the Node mock stub and on scc's stub ledger, one
# after the other with the same settings, and prints both sets of JSON lines, then one ratio line
# per phase (scc throughput / Node throughput) and the peak RSS ratio.
#
#   bench/ledger/compare.sh                    # N = 100000, as in results-mockstub.txt
#   BENCH_N=20000 bench/ledger/compare.sh      # any bench-mockstub.js knob applies to both sides
#
# Needs node + npm (the npm registry) and a build of bench_ledger in ${BUILD_DIR:-build}.
# ../shared is read-only, so the Node workload is copied to a scratch folder first
# (${NODE_BENCH_DIR:-/tmp/scc-node-mockstub}; npm ci runs once).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${BUILD_DIR:-$root/build}"
reference="${NODE_REFERENCE:-$root/../shared/bench/node-mockstub}"
scratch="${NODE_BENCH_DIR:-/tmp/scc-node-mockstub}"
bench="$build/bench/ledger/bench_ledger"

if [[ ! -x "$bench" ]]; then
  echo "compare.sh: $bench is missing; build it: cmake --build $build --target bench_ledger" >&2
  exit 1
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "compare.sh: node and npm are needed for the Node side" >&2
  exit 1
fi
if [[ ! -f "$reference/bench-mockstub.js" ]]; then
  echo "compare.sh: no reference workload at $reference (set NODE_REFERENCE)" >&2
  exit 1
fi

mkdir -p "$scratch"
cp "$reference/bench-mockstub.js" "$reference/package.json" "$reference/package-lock.json" "$scratch/"
if [[ ! -d "$scratch/node_modules/@theledger/fabric-mock-stub" ]]; then
  (cd "$scratch" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

node_out="$(mktemp)"
scc_out="$(mktemp)"
trap 'rm -f "$node_out" "$scc_out"' EXIT

echo "== Node mock stub (@theledger/fabric-mock-stub)"
(cd "$scratch" && node bench-mockstub.js) | tee "$node_out"
echo "== scc stub ledger"
"$bench" | tee "$scc_out"

echo "== ratios (scc / Node; goals: every phase >= 20, c and d2 >= 1000, peak RSS <= 0.5)"
python3 - "$node_out" "$scc_out" <<'EOF'
import json, sys

def phases(path):
    lines = [json.loads(line) for line in open(path) if line.strip().startswith("{")]
    by_phase = {line["phase"]: line for line in lines if "phase" in line}
    done = next((line for line in lines if line.get("done")), {})
    return by_phase, done

node, node_done = phases(sys.argv[1])
scc, scc_done = phases(sys.argv[2])
goals = {"c_range_100": 1000, "d2_partial_composite_query": 1000}
for name, theirs in node.items():
    ours = scc.get(name)
    if ours is None:
        print(json.dumps({"phase": name, "error": "missing on the scc side"}))
        continue
    ratio = ours["ops_per_s"] / max(theirs["ops_per_s"], 1)
    goal = goals.get(name, 20)
    print(json.dumps({"phase": name, "node_ops_per_s": theirs["ops_per_s"],
                      "scc_ops_per_s": ours["ops_per_s"], "ratio": round(ratio, 1),
                      "goal": goal, "met": ratio >= goal}))
rss = scc_done.get("max_rss_mb", 0) / max(node_done.get("max_rss_mb", 1), 1)
print(json.dumps({"peak_rss": True, "node_max_rss_mb": node_done.get("max_rss_mb"),
                  "scc_max_rss_mb": scc_done.get("max_rss_mb"), "ratio": round(rss, 2),
                  "goal": 0.5, "met": rss <= 0.5}))
EOF
