#!/usr/bin/env bash
# scripts/fabric-network.sh as a user meets it: env.sh and env-org2.sh drive the plain peer CLI,
# bad arguments are refused with one clear line, status lists what runs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_network
plugin_must_exist KVSCC_PLUGIN
require network deploy kvscc "$KVSCC_PLUGIN"

# refused DESCRIPTION EXPECTED-TEXT ARGS...: the script, given ARGS, exits non-zero saying that.
refused() {
  local description="$1" expected="$2"
  shift 2
  local rc=0 out
  out="$(network "$@" 2>&1)" || rc=$?
  if [[ $rc -ne 0 && "$out" == *"$expected"* ]]; then
    pass "$description"
  else
    fail_check "$description (exit $rc): $out"
  fi
}
refused "an invalid chaincode name" "'bad name' is not a valid chaincode name" deploy 'bad name' "$KVSCC_PLUGIN"
refused "a plugin that does not exist" "deploy kv2: /nonexistent/kv.so does not exist" deploy kv2 /nonexistent/kv.so
not_array="$(mktemp)"
echo '{"name":"x"}' >"$not_array"
refused "a collections config that is not an array" "is not a JSON array of collections" \
  deploy kv3 "$KVSCC_PLUGIN" --collections-config "$not_array"
rm -f "$not_array"
refused "--peer-launched with --tls" "--peer-launched goes with neither --tls" deploy kv4 "$KVSCC_PLUGIN" --peer-launched --tls
refused "invoke without arguments" "usage: invoke NAME" invoke kvscc
refused "an unknown option" "deploy: unknown option --frob" deploy kv5 "$KVSCC_PLUGIN" --frob
refused "an unknown command" "unknown command 'frob'" frob
refused "--org other than 1 or 2" "--org takes 1 or 2" query kvscc '{"Args":["get","x"]}' --org 3
refused "a user that does not exist" "Org1 has no user 'Mallory'" query kvscc '{"Args":["get","x"]}' --user Mallory

# The environment files: the plain peer CLI, no script in between.
bin="$(sed -n 's/^FABRIC_BIN=//p' "$FABRIC_NET_DIR/ports.env")"
network invoke kvscc '{"Args":["put","plain","cli"]}' >/dev/null 2>&1
for org in 1 2; do
  file="$FABRIC_NET_DIR/env.sh"
  [[ $org == 1 ]] || file="$FABRIC_NET_DIR/env-org2.sh"
  answer="$(. "$file" && peer chaincode query -C mychannel -n kvscc -c '{"Args":["get","plain"]}' 2>&1)"
  expect_eq "$(basename "$file"): the peer CLI queries Org$org's peer" cli "$answer"
  installed="$(. "$file" && peer lifecycle chaincode queryinstalled --output json 2>/dev/null | jq -r '[.installed_chaincodes[].label] | index("kvscc") != null')"
  expect_eq "$(basename "$file"): the admin sees kvscc installed" true "$installed"
  expect_eq "$(basename "$file") puts Fabric's binaries on PATH" "$bin/peer" "$(. "$file" && command -v peer)"
done
answer="$(. "$FABRIC_NET_DIR/env.sh" && peer chaincode invoke -o "$ORDERER_ADDRESS" --tls --cafile "$ORDERER_CA" \
  -C "$CHANNEL_NAME" -n kvscc --peerAddresses "$CORE_PEER_ADDRESS" --tlsRootCertFiles "$ORG1_TLS_CA" \
  --peerAddresses "127.0.0.1:$(($(sed -n 's/^BASE_PORT=//p' "$FABRIC_NET_DIR/ports.env") + 2001))" \
  --tlsRootCertFiles "$ORG2_TLS_CA" -c '{"Args":["put","by-hand","yes"]}' --waitForEvent 2>&1)"
expect_match "env.sh carries what a hand-written invoke needs" "committed with status \(VALID\)" "$answer"

status_text="$(network status)"
expect_match "status lists kvscc's server" "cc-kvscc: running \(pid [0-9]+\)" "$status_text"
expect_match "status lists the orderer" "orderer: running \(pid [0-9]+\)" "$status_text"
finish
