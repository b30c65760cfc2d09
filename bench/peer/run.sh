#!/usr/bin/env bash
# bench/peer/run.sh [scc-peer-bench options]: builds scc-peer-bench (RelWithDebInfo, in
# $BUILD_DIR, default build/) and prints scc-peer's queries/s and durable invokes/s with 1, 8
# and 32 connections, p50/p99 latency, next to a bare Asio echo server with the same framing and
# message sizes. Options: --seconds S (2), --client-threads N (1), --server-threads N (cores),
# --invoke-window W (64), --block-size N (500), --block-timeout D (10ms).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${BUILD_DIR:-$root/build}"
[[ "$build" = /* ]] || build="$root/$build"
cmake -S "$root" -B "$build" >/dev/null
cmake --build "$build" --target scc-peer-bench -j "${JOBS:-2}" >/dev/null
exec "$build/tools/scc-peer/bench/scc-peer-bench" "$@"
