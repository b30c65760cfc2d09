#!/usr/bin/env bash
# scc-ccaas in the classic mode on the real peer: an "scc" package carries the plugin itself, the
# peers build it with scripts/fabric/scc-launcher and start scc-ccaas, which dials each peer's
# chaincode port over the TLS the peer sets up. A launched server that dies is started again
# by its peer on the next transaction.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_network
plugin_must_exist KVSCC_PLUGIN
require network deploy kvsccpl "$KVSCC_PLUGIN" --peer-launched
package="$FABRIC_NET_DIR/chaincodes/kvsccpl/kvsccpl.tar.gz"
expect_eq "the package is of type scc" '{"label":"kvsccpl","type":"scc"}' "$(tar -xzOf "$package" metadata.json | jq -cS .)"
if cmp -s <(tar -xzOf "$package" code.tar.gz | tar -xzO plugin.so) "$KVSCC_PLUGIN"; then
  pass "the package carries the plugin byte for byte"
else
  fail_check "the package's plugin.so differs from $KVSCC_PLUGIN"
fi

invoke kvsccpl '{"Args":["put","launched","yes"]}'
expect_eq "put through peer-launched scc-ccaas: committed" VALID "$validation"
expect_eq "put: the event" "put launched" "$(event_of "$tx_id")"
query kvsccpl '{"Args":["get","launched"]}'
expect_eq "get on Org1's peer" yes "$payload"
query kvsccpl '{"Args":["get","launched"]}' --org 2
expect_eq "get on Org2's peer" yes "$payload"

base="$(sed -n 's/^BASE_PORT=//p' "$FABRIC_NET_DIR/ports.env")"
for org in 1 2; do
  record="$FABRIC_NET_DIR/pids/launched-Org${org}MSP-kvsccpl.pid"
  if [[ -f "$record" ]] && is_running "$(cat "$record")"; then
    pass "Org$org's peer launched scc-ccaas and its pid is recorded"
    cc_port=$((base + 2)); [[ $org == 1 ]] || cc_port=$((base + 2002))
    expect_match "Org$org's scc-ccaas dials its peer's chaincode port" \
      "scc-ccaas serve .*/plugin\\.so --peer\\.address 127\\.0\\.0\\.1:$cc_port --id kvsccpl:[0-9a-f]{64}" \
      "$(tr '\0' ' ' <"/proc/$(cat "$record")/cmdline")"
  else
    fail_check "no running scc-ccaas recorded for Org$org's peer"
  fi
done

first_pid="$(cat "$FABRIC_NET_DIR/pids/launched-Org1MSP-kvsccpl.pid")"
kill -KILL "$first_pid"
relaunched=0
for attempt in 1 2 3 4 5; do
  invoke kvsccpl "{\"Args\":[\"put\",\"after-kill\",\"$attempt\"]}"
  if [[ "$validation" == VALID ]]; then
    relaunched=1
    break
  fi
  echo "  (attempt $attempt: $(grep -m1 Error <<<"$output"))"
  sleep 1
done
expect_eq "after its scc-ccaas was killed, the peer launches it again" 1 "$relaunched"
second_pid="$(cat "$FABRIC_NET_DIR/pids/launched-Org1MSP-kvsccpl.pid")"
expect_match "a new process serves Org1's peer" "^[0-9]+$" "$second_pid"
[[ "$second_pid" != "$first_pid" ]] && pass "the new process has a new pid" || fail_check "the pid did not change"
finish
