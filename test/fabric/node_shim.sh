#!/usr/bin/env bash
# The network with a chaincode server that is not scc-ccaas: a fabric-shim (Node) chaincode,
# deployed with --server-command, in plain text and with mutual TLS. fabric-shim, at the version
# fixtures/node-kv/package.json pins, is installed with npm into a cache folder outside the
# repository on the first run (fixtures/node-kv/install-fabric-shim.sh). Skips only where that
# cannot be done: no node or npm, or no npm registry within reach.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_network
fixture="$(cd "$(dirname "$0")/fixtures/node-kv" && pwd)"
install_status=0
node_path="$("$fixture/install-fabric-shim.sh")" || install_status=$?
if [[ $install_status -eq $SKIP ]]; then
  skip "fabric-shim cannot be installed here (the reason is above)"
elif [[ $install_status -ne 0 ]]; then
  echo "FAIL installing fabric-shim for the Node chaincode"
  exit 1
fi
server="$fixture/server.js"

for variant in nodekv nodekvtls; do
  flags=()
  [[ "$variant" == nodekv ]] || flags=(--tls)
  require network deploy "$variant" \
    --server-command "NODE_PATH=$(printf '%q' "$node_path") exec node $(printf '%q' "$server")" "${flags[@]}"
  invoke "$variant" '{"Args":["put","shim","node"]}'
  expect_eq "$variant: put commits" VALID "$validation"
  expect_eq "$variant: put answers OK" OK "$payload"
  expect_eq "$variant: the event" "put shim" "$(event_of "$tx_id")"
  query "$variant" '{"Args":["get","shim"]}' --org 2
  expect_eq "$variant: get on Org2's peer" node "$payload"
  query "$variant" '{"Args":["get","nothing"]}'
  expect_eq "$variant: a missing key is the shim's error" "500 key not found: nothing" "$status $message"
done
finish
