#!/usr/bin/env bash
# Fixture: brings the real Fabric 2.5 test network up (building the binaries first if they are
# not cached) and checks that both peers joined the channel.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_fabric

started=$SECONDS
require network build >/dev/null
echo "binaries ready after $((SECONDS - started)) s"
# Another build tree may be running these tests on the same ports: then the next block of
# ports. The network records the base it got, and every later command reads it from there.
base="$FABRIC_BASE_PORT"
for attempt in 1 2 3 4 5; do
  started_up="$(date +%s%N)"
  rc=0
  up_output="$(FABRIC_BASE_PORT=$base network up 2>&1)" || rc=$?
  elapsed_ms=$((($(date +%s%N) - started_up) / 1000000))
  printf '%s\n' "$up_output"
  [[ $rc -ne 0 && "$up_output" == *"is already in use"* && $attempt -lt 5 ]] || break
  base=$((base + 4000))
  echo "(ports taken; trying base port $base)"
done
require test "$rc" -eq 0
echo "up took $elapsed_ms ms"
if [[ $elapsed_ms -lt 15000 ]]; then pass "up with cached binaries took under 15 s ($elapsed_ms ms)"; else fail_check "up took $elapsed_ms ms, more than 15 s"; fi

for org in 1 2; do
  channels="$(set -a; . "$FABRIC_NET_DIR/env/org$org-admin.env"; "$(sed -n 's/^FABRIC_BIN=//p' "$FABRIC_NET_DIR/ports.env")/peer" channel list 2>/dev/null)"
  expect_match "peer0.org$org joined mychannel" $'\nmychannel$' "$channels"
done
status_text="$(network status)"
for process in orderer peer1 peer2; do
  expect_match "$process runs" "$process: running" "$status_text"
done
# Everything the network started listens on loopback only.
if command -v ss >/dev/null; then
  sockets="$(ss -ltnpH 2>/dev/null)"
  listening=""
  for file in "$FABRIC_NET_DIR"/pids/*.pid; do
    listening+="$(grep "pid=$(cat "$file")," <<<"$sockets" | awk '{print $4}' || true)"$'\n'
  done
  if grep -qx "127\.0\.0\.1:$base" <<<"$listening"; then
    pass "the orderer listens on 127.0.0.1:$base"
  else
    fail_check "the orderer does not listen on 127.0.0.1:$base: $listening"
  fi
  expect_eq "no process of the network listens beyond 127.0.0.1" "" "$(grep -v -e '^127\.0\.0\.1:' -e '^$' <<<"$listening" || true)"
else
  echo "(ss is not installed: the listening addresses are not checked)"
fi
finish
