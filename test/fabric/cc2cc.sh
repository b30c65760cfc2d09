#!/usr/bin/env bash
# cc2cc on the real peer: one plugin calling another (tokenscc) through invoke_chaincode, each
# served by its own scc-ccaas. The scc-peer demo's steps plus what Fabric does with them: the
# callee's writes join the caller's transaction, only the caller's event is kept, a refused
# payment writes nothing in either namespace.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_network
plugin_must_exist CC2CC_PLUGIN
plugin_must_exist TOKENSCC_PLUGIN
plugin_must_exist REGISTRYSCC_PLUGIN
require network deploy tokenscc "$TOKENSCC_PLUGIN"
require network deploy registryscc "$REGISTRYSCC_PLUGIN" --collections-config "$COLLECTIONS_CONFIG"
require network deploy cc2cc "$CC2CC_PLUGIN"

balance() {
  query tokenscc "{\"Args\":[\"balance_of\",\"$1\"]}"
  echo "$payload"
}
invoke tokenscc '{"Args":["mint","500"]}'
expect_eq "Org1 mints 500 to pay with" 200 "$status"
org1_before="$(balance Org1MSP)"
org2_before="$(balance Org2MSP)"

invoke cc2cc '{"Args":["pay_with_memo","Org2MSP","50","lunch"]}'
expect_eq "pay_with_memo: status" 200 "$status"
pay_tx="$tx_id"
memo='{"amount":50,"memo":"lunch","payer":"Org1MSP","to":"Org2MSP"}'
expect_eq "only the caller's event is kept" "PaymentWithMemo $memo" "$(event_of "$pay_tx")"
expect_eq "the event is cc2cc's" cc2cc "$(event_chaincode_of "$pay_tx")"
namespaces="$(network fetch-block newest | jq -r --arg tx "$pay_tx" '.data.data[]
    | select(.payload.header.channel_header.tx_id == $tx)
    | [.payload.data.actions[0].payload.action.proposal_response_payload.extension.results.ns_rwset[].namespace]
    | sort | join(" ")')"
# _lifecycle too: the peer read tokenscc's definition there to call it.
expect_eq "the transaction's read/write sets span both chaincodes" "_lifecycle cc2cc tokenscc" "$namespaces"
expect_eq "the callee moved the caller's tokens (Org1)" "$((org1_before - 50))" "$(balance Org1MSP)"
expect_eq "the callee moved the caller's tokens (Org2)" "$((org2_before + 50))" "$(balance Org2MSP)"

query cc2cc "{\"Args\":[\"memo_of\",\"$pay_tx\"]}"
expect_eq "memo_of the payment" "$memo" "$payload"
query cc2cc '{"Args":["balance_of","Org2MSP"]}'
expect_eq "balance_of through cc2cc equals tokenscc's" "$((org2_before + 50))" "$payload"
query cc2cc '{"Args":["call","tokenscc","balance_of","[\"Org1MSP\"]"]}'
expect_eq "call answers exactly what the callee answered" "$((org1_before - 50))" "$payload"

invoke cc2cc '{"Args":["pay_with_memo","Org2MSP","1000000000","too much"]}'
expect_eq "a refused payment: status" 500 "$status"
expect_eq "a refused payment: message" \
  "pay_with_memo: tokenscc refused the transfer: transfer: insufficient balance: Org1MSP has $((org1_before - 50)), needs 1000000000" \
  "$message"
expect_eq "a refused payment moves nothing" "$((org1_before - 50))" "$(balance Org1MSP)"

# On Fabric every chaincode may call every other (scc-peer's invokableCC2CC: false has no
# counterpart): cc2cc reads registryscc's asset.
invoke registryscc '{"Args":["create_asset","cc2cc-asset","desk","70"]}'
expect_eq "an asset to read through cc2cc" 200 "$status"
query cc2cc '{"Args":["call","registryscc","read_asset","[\"Org1MSP\",\"cc2cc-asset\"]"]}'
expect_eq "cc2cc reads registryscc's asset on Fabric" \
  '{"appraised_value":70,"description":"desk","id":"cc2cc-asset","owner":"Org1MSP"}' "$payload"
# registryscc's own scenario pages through Org1MSP's assets: leave none behind, whichever of the
# two scenarios ctest runs first.
invoke registryscc '{"Args":["delete_asset","cc2cc-asset"]}'
expect_eq "the asset made for the call is deleted again" 200 "$status"
query cc2cc '{"Args":["call","nosuchcc","anything"]}'
expect_eq "calling a chaincode that is not there: status" 500 "$status"
expect_match "calling a chaincode that is not there: the peer's reason" "nosuchcc" "$message"
finish
