#!/usr/bin/env bash
# The network with a chaincode server that is not scc-ccaas: a fabric-shim (Node) chaincode,
# deployed with --server-command, in plain text and with mutual TLS. Runs where node finds
# fabric-shim (e.g. NODE_PATH=/some/dir/node_modules after `npm install fabric-shim` there).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_network
command -v node >/dev/null || skip "node is not installed"
node -e 'require("fabric-shim")' >/dev/null 2>&1 ||
  skip "node cannot load fabric-shim (npm install fabric-shim in a folder and set NODE_PATH to its node_modules)"
server="$(dirname "$0")/fixtures/node-kv/server.js"

for variant in nodekv nodekvtls; do
  flags=()
  [[ "$variant" == nodekv ]] || flags=(--tls)
  require network deploy "$variant" --server-command "exec node $(printf '%q' "$server")" "${flags[@]}"
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
