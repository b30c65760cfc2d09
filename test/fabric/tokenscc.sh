#!/usr/bin/env bash
# tokenscc (a typed contract) on the real peer: the scc-peer demo's token steps, with accounts
# taken from the real Org1/Org2 certificates, a refused mint, a failed transfer that writes
# nothing, an MVCC conflict between two concurrent transfers, and GetMetadata.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_network
plugin_must_exist TOKENSCC_PLUGIN
require network deploy tokenscc "$TOKENSCC_PLUGIN"

balance() {
  query tokenscc "{\"Args\":[\"balance_of\",\"$1\"]}"
  echo "$payload"
}
supply_before="$(query tokenscc '{"Args":["total_supply"]}'; echo "$payload")"
org1_before="$(balance Org1MSP)"
org2_before="$(balance Org2MSP)"

invoke tokenscc '{"Args":["mint","1000"]}'
expect_eq "Org1 mints: status" 200 "$status"
expect_eq "mint answers the minter's new balance" "$((org1_before + 1000))" "$payload"
expect_eq "mint raises Transfer from the empty account" \
  "Transfer {\"from\":\"\",\"to\":\"Org1MSP\",\"value\":1000}" "$(event_of "$tx_id")"

invoke tokenscc '{"Args":["transfer","Org2MSP","250"]}'
expect_eq "Org1 transfers 250 to Org2: status" 200 "$status"
expect_eq "transfer answers nothing" "" "$payload"
expect_eq "transfer raises Transfer" "Transfer {\"from\":\"Org1MSP\",\"to\":\"Org2MSP\",\"value\":250}" \
  "$(event_of "$tx_id")"
expect_eq "balance of Org1" "$((org1_before + 750))" "$(balance Org1MSP)"
expect_eq "balance of Org2" "$((org2_before + 250))" "$(balance Org2MSP)"
query tokenscc '{"Args":["total_supply"]}'
expect_eq "total supply" "$((supply_before + 1000))" "$payload"

invoke tokenscc '{"Args":["mint","5"]}' --org 2
expect_eq "Org2 may not mint: exit status" 1 "$rc"
expect_eq "Org2 may not mint: status 403" 403 "$status"
expect_eq "Org2 may not mint: message" "mint: only Org1MSP may mint; the client belongs to Org2MSP" "$message"

query tokenscc '{"Args":["client_account"]}' --org 2 --user User1
expect_eq "Org2's User1 is account Org2MSP" Org2MSP "$payload"
query tokenscc '{"Args":["client_account"]}' --user User1
expect_eq "Org1's User1 is account Org1MSP" Org1MSP "$payload"

invoke tokenscc '{"Args":["transfer","Org2MSP","100000000"]}'
expect_eq "an overdraft fails: status" 500 "$status"
expect_eq "an overdraft fails: message" \
  "transfer: insufficient balance: Org1MSP has $((org1_before + 750)), needs 100000000" "$message"
expect_eq "a failed transfer writes nothing (Org1)" "$((org1_before + 750))" "$(balance Org1MSP)"
expect_eq "a failed transfer writes nothing (Org2)" "$((org2_before + 250))" "$(balance Org2MSP)"

invoke tokenscc '{"Args":["transfer","Org2MSP","-5"]}'
expect_eq "a negative amount is refused before the code runs: status" 500 "$status"
expect_eq "a negative amount is refused before the code runs: message" \
  "transfer: argument 2 (amount): -5 is out of range for uint64 (0 to 18446744073709551615)" "$message"

# Two transfers endorsed against the same balances: the orderer puts both in one block (250 ms
# batch timeout) and the peers invalidate the second one. On a loaded machine the second may be
# endorsed only after the first committed (then both are valid); a few attempts rule that out.
conflict_seen=0
balance_now="$(balance Org1MSP)"
for attempt in 1 2 3; do
  out1="$(mktemp)"
  out2="$(mktemp)"
  network invoke tokenscc '{"Args":["transfer","Org2MSP","10"]}' >"$out1" 2>&1 &
  first=$!
  network invoke tokenscc '{"Args":["transfer","Org2MSP","10"]}' >"$out2" 2>&1 &
  second=$!
  rc1=0
  rc2=0
  wait "$first" || rc1=$?
  wait "$second" || rc2=$?
  # Per-peer lines, deduplicated: "VALID;MVCC_READ_CONFLICT" means one of each.
  outcomes="$(cat "$out1" "$out2" | grep -oE 'committed with status \(VALID\)|invalidated with status \([A-Z_]+\)' | sort -u | tr '\n' ';')"
  rm -f "$out1" "$out2"
  if [[ "$outcomes" == "committed with status (VALID);invalidated with status (MVCC_READ_CONFLICT);" ]]; then
    conflict_seen=1
    expect_eq "the conflicting invoke exits 1, the other 0" 1 "$((rc1 + rc2))"
    expect_eq "only one of the two transfers moved tokens" "$((balance_now - 10))" "$(balance Org1MSP)"
    break
  fi
  # Each CLI reports its transaction once per peer; sorted and deduplicated, two valid ones in
  # different blocks leave one line.
  expect_eq "attempt $attempt: two transfers in different blocks both commit" \
    "committed with status (VALID);" "$outcomes"
  balance_now="$(balance Org1MSP)"
done
expect_eq "two concurrent transfers: one commits, one is an MVCC read conflict" 1 "$conflict_seen"

query tokenscc '{"Args":["org.hyperledger.fabric:GetMetadata"]}'
expect_eq "GetMetadata: status" 200 "$status"
expect_eq "GetMetadata names the contract" tokenscc "$(jq -r '.contracts.tokenscc.name' <<<"$payload")"
expect_eq "GetMetadata lists the transactions" \
  "allowance,approve,balance_of,client_account,info,mint,total_supply,transfer,transfer_from" \
  "$(jq -r '[.contracts.tokenscc.transactions[].name] | sort | join(",")' <<<"$payload")"
expect_eq "GetMetadata has Fabric's system contract" GetMetadata \
  "$(jq -r '.contracts["org.hyperledger.fabric"].transactions[0].name' <<<"$payload")"
query tokenscc '{"Args":["info"]}'
expect_eq "info" '{"minter":"Org1MSP","name":"scc example token","symbol":"SCCT"}' "$(jq -cS . <<<"$payload")"
finish
