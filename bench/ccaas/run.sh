#!/usr/bin/env bash
# bench/ccaas/run.sh - one driver (ccaas_bench, playing the peer over gRPC) against three
# chaincode servers doing the same work ("touch KEY VALUE": one GET_STATE and one PUT_STATE):
#   scc-ccaas with a C++ plugin, Fabric's Go shim (shim.ChaincodeServer, vendored in the Fabric
#   2.5.4 source) and fabric-shim from npm (shim.server, the version the Node test chaincode
#   pins, installed once outside the tree). Reports tx/s at 1 and 16 transactions in flight,
#   p50/p99 latency, the server's and the driver's CPU time per transaction and each server's
#   peak RSS (VmHWM), unshared RSS and PSS.
#
#   bench/ccaas/run.sh [BUILD_DIR]     default BUILD_DIR: build-ccaas beside this checkout's root
# Environment: FABRIC_SRC (the 2.5.4 source tarball or folder; default ../shared/fabric/...),
#   BENCH_SECONDS (default 5), BENCH_ROUNDS (default 3: the three servers take turns, and the
#   best round of each is reported, which on a shared machine is the least disturbed one),
#   BENCH_SKIP="go node" to leave servers out.
# Everything runs on 127.0.0.1; every server started here is stopped by its pid.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build-ccaas}
seconds=${BENCH_SECONDS:-5}
rounds=${BENCH_ROUNDS:-3}
skip=${BENCH_SKIP:-}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/scc/ccaas-bench
fabric_src=${FABRIC_SRC:-$root/../shared/fabric/fabric-2.5.4-src.tar.gz}
mkdir -p "$cache"
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

log() { echo "bench/ccaas: $*" >&2; }

cmake --build "$build" --target scc-ccaas ccaas_bench ccaas_bench_scc -j2 >/dev/null
bench=$build/tools/scc-ccaas/ccaas_bench
ccaas=$build/tools/scc-ccaas/scc-ccaas
plugin=$build/tools/scc-ccaas/ccaas_bench_scc.so

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# The Go chaincode, built offline against the Fabric source's vendored modules.
. "$root/bench/fabric_go_module.sh"
build_go() {
  local module=$cache/go-module
  fabric_go_module "$module" "$fabric_src"
  mkdir -p "$module/cmd/sccbenchcc"
  cp "$here/go/main.go" "$module/cmd/sccbenchcc/main.go"
  (cd "$module" && GOFLAGS=-mod=vendor GOPROXY=off GOCACHE=$cache/go-cache \
     go build -o "$cache/go-touch-chaincode" ./cmd/sccbenchcc)
}

# fabric-shim at the version the Node test chaincode pins, installed once outside the tree.
build_node() {
  node_path=$("$root/test/fabric/fixtures/node-kv/install-fabric-shim.sh")
}

peak_rss_kb() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }
# Memory the process does not share with others: RSS less shared library pages.
anon_rss_kb() { awk '/RssAnon/ {print $2}' "/proc/$1/status"; }
pss_kb() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup"; }
# User plus system CPU time of a process, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks_per_s=$(getconf CLK_TCK)

# run NAME PID ADDRESS: the driver at 1 and 16 in flight, with the server's CPU time per
# transaction beside the driver's own (the two share the machine's cores).
run() {
  local name=$1 pid=$2 address=$3
  for concurrency in 1 16; do
    local before after line
    before=$(cpu_ticks "$pid")
    line=$("$bench" --address "$address" --name "$name" --concurrency "$concurrency" --seconds "$seconds")
    after=$(cpu_ticks "$pid")
    echo "$line" | python3 -c "import json,sys; r=json.loads(sys.stdin.read()); \
r['server_cpu_us_per_tx']=round(($after-$before)*1e6/$ticks_per_s/max(1,r['total_transactions']),1); print(json.dumps(r))" \
      | tee -a "$work/results.jsonl"
  done
}

# memory NAME PID: the server's peak RSS and its unshared memory, after all rounds.
memory() {
  echo "{\"server\":\"$1\",\"peak_rss_kb\":$(peak_rss_kb "$2"),\"anon_rss_kb\":$(anon_rss_kb "$2"),\"pss_kb\":$(pss_kb "$2")}" \
    | tee -a "$work/results.jsonl"
}

names=() pids_of=() addresses=()
port=$(free_port)
"$ccaas" serve "$plugin" --address "127.0.0.1:$port" --id bench:1 --log-level warning 2>"$work/ccaas.log" &
pids+=($!); names+=(scc-ccaas); pids_of+=($!); addresses+=("127.0.0.1:$port")

if [[ " $skip " != *" go "* ]]; then
  build_go
  port=$(free_port)
  CORE_CHAINCODE_LOGGING_LEVEL=warning CHAINCODE_ID=bench:1 CHAINCODE_SERVER_ADDRESS=127.0.0.1:$port \
    "$cache/go-touch-chaincode" >"$work/go.out" 2>"$work/go.log" &
  pids+=($!); names+=(go-shim); pids_of+=($!); addresses+=("127.0.0.1:$port")
fi

if [[ " $skip " != *" node "* ]] && ! build_node; then
  log "leaving the Node shim out: fabric-shim cannot be installed (the reason is above)"
  skip+=" node"
fi
if [[ " $skip " != *" node "* ]]; then
  port=$(free_port)
  # fabric-shim logs every transaction at info level; warning keeps the comparison about the shim.
  NODE_PATH=$node_path CORE_CHAINCODE_LOGGING_LEVEL=warning CHAINCODE_ID=bench:1 \
    CHAINCODE_SERVER_ADDRESS=127.0.0.1:$port \
    node "$here/node/server.js" >"$work/node.out" 2>"$work/node.log" &
  pids+=($!); names+=(node-shim); pids_of+=($!); addresses+=("127.0.0.1:$port")
fi

for ((round = 1; round <= rounds; ++round)); do
  log "round $round of $rounds"
  for i in "${!names[@]}"; do run "${names[$i]}" "${pids_of[$i]}" "${addresses[$i]}"; done
done
for i in "${!names[@]}"; do memory "${names[$i]}" "${pids_of[$i]}"; done

python3 - "$work/results.jsonl" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
servers = []
for r in rows:
    if r["server"] not in servers: servers.append(r["server"])
def runs(server, concurrency):
    return [r for r in rows if r["server"] == server and r.get("concurrency") == concurrency]
def best(server, concurrency):
    candidates = runs(server, concurrency)
    return max(candidates, key=lambda r: r["tx_per_s"]) if candidates else {}
def memory(server):
    return next((r for r in rows if r["server"] == server and "peak_rss_kb" in r), {})
print("best of %d rounds per server and concurrency" % max(1, len(runs(servers[0], 1))))
print("| server | tx/s @1 | p50/p99 µs @1 | tx/s @16 | p50/p99 µs @16 | server CPU µs/tx @1, @16 | driver CPU µs/tx @1, @16 | peak RSS MiB | unshared (anon) RSS MiB | PSS MiB |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for s in servers:
    one, many, mem = best(s, 1), best(s, 16), memory(s)
    print("| %s | %s | %s/%s | %s | %s/%s | %s, %s | %s, %s | %.1f | %.1f | %.1f |" % (
        s, one.get("tx_per_s"), one.get("p50_us"), one.get("p99_us"),
        many.get("tx_per_s"), many.get("p50_us"), many.get("p99_us"),
        one.get("server_cpu_us_per_tx"), many.get("server_cpu_us_per_tx"),
        one.get("driver_cpu_us_per_tx"), many.get("driver_cpu_us_per_tx"),
        mem.get("peak_rss_kb", 0) / 1024, mem.get("anon_rss_kb", 0) / 1024, mem.get("pss_kb", 0) / 1024))
PY
