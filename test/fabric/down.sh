#!/usr/bin/env bash
# Fixture cleanup: stops every process the network started and checks that none is left.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[[ -f "$FABRIC_NET_DIR/ports.env" ]] || skip "no test network in $FABRIC_NET_DIR"

pids=()
for file in "$FABRIC_NET_DIR"/pids/*.pid; do
  [[ -f "$file" ]] && pids+=("$(cat "$file")")
done
network down
for pid in "${pids[@]}"; do
  if is_running "$pid"; then fail_check "pid $pid still runs after down"; else pass "pid $pid stopped"; fi
done
expect_eq "down leaves no pid files" "" "$(ls "$FABRIC_NET_DIR/pids" 2>/dev/null || true)"
# A second down has nothing to do and still succeeds.
network down >/dev/null 2>&1 && pass "down is idempotent" || fail_check "a second down failed"
finish
