#!/usr/bin/env bash
# Differential check: one scenario over every example plugin, run on scc-peer and on the real
# Fabric 2.5 network (served by scc-ccaas), compared field by field: status, message, payload
# and, for invokes that commit, the chaincode event. Every difference must be one of the known
# ones listed below with its reason; any other fails the test.
#
# Runs first on the shared network so the namespaces it shares with other scenarios (tokenscc,
# cc2cc: cc2cc calls tokenscc by name) are fresh. On Fabric the other plugins are deployed under
# names of their own (dkvscc, dprobescc, dregistryscc); scc-peer wants the names the plugins
# declare.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_network
[[ -x "${SCC_PEER:-}" ]] || skip "scc-peer was not built"
for plugin in KVSCC_PLUGIN PROBESCC_PLUGIN TOKENSCC_PLUGIN REGISTRYSCC_PLUGIN CC2CC_PLUGIN; do
  plugin_must_exist "$plugin"
done

work="$FABRIC_NET_DIR/../differential"
rm -rf "$work"
mkdir -p "$work"

# ---- the scenario: KIND|ORG|USER|CHAINCODE|ARGS|TRANSIENT ----
# @TXn@ in ARGS stands for the transaction id of step n on the side that runs it, @REGISTRYSCC@
# for registryscc's name there.
details_b64="$(printf '%s' '{"serial_number":"SN-42","purchase_price":900}' | base64 -w0)"
bookmark='\u0000asset\u0000Org1MSP\u0000asset3\u0000'
steps=(
  'invoke|1|Admin|kvscc|{"Args":["put","color","blue"]}|'
  'invoke|1|Admin|kvscc|{"Args":["put","size","XL"]}|'
  'query|1|Admin|kvscc|{"Args":["get","color"]}|'
  'query|1|Admin|kvscc|{"Args":["range","",""]}|'
  'query|1|Admin|kvscc|{"Args":["get","missing"]}|'
  'invoke|1|Admin|kvscc|{"Args":["put_asset","alice","a1","v1"]}|'
  'invoke|1|Admin|kvscc|{"Args":["put_asset","alice","a2","v2"]}|'
  'query|1|Admin|kvscc|{"Args":["assets_of","alice"]}|'
  'query|1|Admin|kvscc|{"Args":["range","",""]}|'
  'invoke|1|Admin|kvscc|{"Args":["del","size"]}|'
  'query|1|Admin|kvscc|{"Args":["get","size"]}|'
  'invoke|1|Admin|kvscc|{"Args":["nope"]}|'
  'invoke|1|Admin|probescc|{"Args":["put","seen","old"]}|'
  'invoke|1|Admin|probescc|{"Args":["put_and_read","seen","new"]}|'
  'query|1|Admin|probescc|{"Args":["get","seen"]}|'
  'invoke|1|Admin|probescc|{"Args":["put_then_fail","doomed","x"]}|'
  'query|1|Admin|probescc|{"Args":["get","doomed"]}|'
  'invoke|1|Admin|probescc|{"Args":["events","3"]}|'
  "invoke|1|Admin|probescc|{\"Args\":[\"transient\",\"secret\"]}|{\"secret\":\"$(printf hush | base64)\"}"
  'invoke|1|Admin|probescc|{"Args":["throw","boom"]}|'
  'invoke|1|Admin|tokenscc|{"Args":["mint","1000"]}|'
  'invoke|1|Admin|tokenscc|{"Args":["transfer","Org2MSP","250"]}|'
  'query|1|Admin|tokenscc|{"Args":["balance_of","Org1MSP"]}|'
  'query|1|Admin|tokenscc|{"Args":["balance_of","Org2MSP"]}|'
  'query|1|Admin|tokenscc|{"Args":["total_supply"]}|'
  'invoke|2|Admin|tokenscc|{"Args":["mint","5"]}|'
  'invoke|1|Admin|tokenscc|{"Args":["transfer","Org2MSP","100000000"]}|'
  'invoke|1|Admin|tokenscc|{"Args":["transfer","Org2MSP","-5"]}|'
  'invoke|1|Admin|tokenscc|{"Args":["transfer","Org1MSP","5"]}|'
  'query|2|User1|tokenscc|{"Args":["client_account"]}|'
  'query|1|Admin|tokenscc|{"Args":["org.hyperledger.fabric:GetMetadata"]}|'
  "invoke|1|Admin|registryscc|{\"Args\":[\"create_asset\",\"asset1\",\"laptop\",\"1200\"]}|{\"details\":\"$details_b64\"}"
  'query|1|Admin|registryscc|{"Args":["read_asset","Org1MSP","asset1"]}|'
  'query|1|Admin|registryscc|{"Args":["read_private_details","asset1"]}|'
  'query|2|Admin|registryscc|{"Args":["read_private_details","asset1"]}|'
  'invoke|1|Admin|registryscc|{"Args":["update_asset","asset1","laptop","1100"]}|'
  'invoke|2|Admin|registryscc|{"Args":["update_asset","asset1","stolen","1"]}|'
  'query|1|Admin|registryscc|{"Args":["asset_history","Org1MSP","asset1"]}|'
  'invoke|1|Admin|registryscc|{"Args":["create_asset","asset2","phone","300"]}|'
  'invoke|1|Admin|registryscc|{"Args":["create_asset","asset3","tablet","500"]}|'
  'invoke|1|Admin|registryscc|{"Args":["create_asset","asset3","tablet","500"]}|'
  'query|1|Admin|registryscc|{"Args":["assets_by_owner","Org1MSP","2"]}|'
  "query|1|Admin|registryscc|{\"Args\":[\"assets_by_owner\",\"Org1MSP\",\"2\",\"$bookmark\"]}|"
  'query|1|Admin|registryscc|{"Args":["assets_by_owner","Org1MSP","0"]}|'
  'invoke|1|Admin|registryscc|{"Args":["delete_asset","asset3"]}|'
  'query|1|Admin|registryscc|{"Args":["asset_history","Org1MSP","asset3"]}|'
  'invoke|1|Admin|registryscc|{"Args":["set_private_details","asset2"]}|'
  'invoke|1|Admin|cc2cc|{"Args":["pay_with_memo","Org2MSP","50","lunch"]}|'
  'query|1|Admin|cc2cc|{"Args":["memo_of","@TX47@"]}|'
  'query|1|Admin|cc2cc|{"Args":["balance_of","Org2MSP"]}|'
  'query|1|Admin|cc2cc|{"Args":["call","tokenscc","balance_of","[\"Org1MSP\"]"]}|'
  'invoke|1|Admin|cc2cc|{"Args":["pay_with_memo","Org2MSP","1000000000","too much"]}|'
  'query|1|Admin|cc2cc|{"Args":["call","@REGISTRYSCC@","read_asset","[\"Org1MSP\",\"asset1\"]"]}|'
  'query|1|Admin|cc2cc|{"Args":["call","nosuchcc","anything"]}|'
)

# Differences that are expected, as "STEP FIELD", each with why (docs/semantics.md has them).
declare -A known=(
  # A call to a chaincode that does not exist: Fabric's peer answers with its own lookup error
  # text, scc-peer with its own.
  ["53 message"]="the peer's own error text for an unknown chaincode differs"
)

# ---- scc-peer ----
config="$work/core.yaml"
plugin_entry() {
  printf '    - enabled: true\n      name: %s\n      path: %s\n      invokableExternal: true\n      invokableCC2CC: true\n' "$1" "$2"
}
{
  echo "peer:"
  echo "  listenAddress: 127.0.0.1:0"
  echo "  fileSystemPath: $work/ledger"
  echo "chaincode:"
  echo "  system:"
  for name in kvscc probescc tokenscc registryscc cc2cc; do echo "    $name: enable"; done
  echo "  systemPlugins:"
  plugin_entry kvscc "$KVSCC_PLUGIN"
  plugin_entry probescc "$PROBESCC_PLUGIN"
  plugin_entry tokenscc "$TOKENSCC_PLUGIN"
  # Fabric lets every chaincode call every other, so scc-peer does here too.
  plugin_entry registryscc "$REGISTRYSCC_PLUGIN"
  plugin_entry cc2cc "$CC2CC_PLUGIN"
  echo "sccPeer:"
  echo "  blockCutter:"
  echo "    maxMessageCount: 100"
  echo "    batchTimeout: 5ms"
} >"$config"
"$SCC_PEER" node start --config "$config" >"$work/scc-peer.log" 2>&1 &
scc_peer_pid=$!
stop_scc_peer() {
  if is_running "$scc_peer_pid"; then
    kill -TERM "$scc_peer_pid"
    wait "$scc_peer_pid" || true
  fi
}
trap stop_scc_peer EXIT
scc_peer_address=""
for _ in $(seq 1 200); do
  scc_peer_address="$(sed -n 's/.*listening on \([0-9.]*:[0-9]*\).*/\1/p' "$work/scc-peer.log" | head -n1)"
  [[ -n "$scc_peer_address" ]] && break
  is_running "$scc_peer_pid" || break
  sleep 0.05
done
[[ -n "$scc_peer_address" ]] || { cat "$work/scc-peer.log"; echo "FAIL scc-peer did not start"; exit 1; }

# run_scc_peer KIND ORG USER CHAINCODE ARGS TRANSIENT: one JSON line {status,message,payload,event}.
run_scc_peer() {
  local kind="$1" org="$2" user="$3" chaincode="$4" args="$5" transient="$6" out
  local msp="$FABRIC_NET_DIR/organizations/peerOrganizations/org$org.example.com/users/$user@org$org.example.com/msp"
  local flags=(chaincode "$kind" -C mychannel -n "$chaincode" -c "$args" --output json)
  [[ -z "$transient" ]] || flags+=(--transient "$transient")
  out="$(CORE_PEER_ADDRESS="$scc_peer_address" CORE_PEER_LOCALMSPID="Org${org}MSP" CORE_PEER_MSPCONFIGPATH="$msp" \
    "$SCC_PEER" "${flags[@]}" 2>/dev/null)" || true
  jq -c --arg kind "$kind" '{status, message, payload,
      event: (if $kind == "invoke" and .status < 400 and .event != null then "\(.event.name) \(.event.payload)" else null end),
      tx_id: .txid}' <<<"$out"
}

# run_fabric ...: the same from the real peer CLI (and the event from the committed block).
run_fabric() {
  local kind="$1" org="$2" user="$3" chaincode="$4" args="$5" transient="$6" event=null
  local flags=(--org "$org" --user "$user")
  case "$chaincode" in
    kvscc | probescc | registryscc) chaincode="d$chaincode" ;;
  esac
  [[ -z "$transient" ]] || flags+=(--transient "$transient")
  if [[ "$kind" == invoke ]]; then
    invoke "$chaincode" "$args" "${flags[@]}"
    if [[ -n "$tx_id" && "$status" -lt 400 ]]; then
      local raised
      raised="$(event_of "$tx_id")"
      [[ -z "$raised" || "$raised" == "null " ]] || event="$(jq -Rn --arg e "$raised" '$e')"
    fi
  else
    query "$chaincode" "$args" "${flags[@]}"
    tx_id=""
  fi
  jq -cn --argjson status "${status:-0}" --arg message "$message" --arg payload "$payload" \
    --argjson event "$event" --arg tx_id "$tx_id" \
    '{status: $status, message: $message, payload: $payload, event: $event, tx_id: $tx_id}'
}

require network deploy dkvscc "$KVSCC_PLUGIN"
require network deploy dprobescc "$PROBESCC_PLUGIN"
require network deploy tokenscc "$TOKENSCC_PLUGIN"
require network deploy dregistryscc "$REGISTRYSCC_PLUGIN" --collections-config "$COLLECTIONS_CONFIG"
require network deploy cc2cc "$CC2CC_PLUGIN"

declare -a fabric_tx scc_tx
# Each side's transaction ids and the clients' timestamps differ by nature: replace them.
normalise() {
  local side="$1" text="$2" i
  local -n ids="${side}_tx"
  for i in "${!ids[@]}"; do
    [[ -n "${ids[$i]}" ]] && text="${text//${ids[$i]}/@TX$i@}"
  done
  sed -E 's/"timestamp":[0-9]+/"timestamp":T/g' <<<"$text"
}

report="$work/report.txt"
: >"$report"
differences=0
for i in "${!steps[@]}"; do
  IFS='|' read -r kind org user chaincode args transient <<<"${steps[$i]}"
  fabric_args="${args//@REGISTRYSCC@/dregistryscc}"
  scc_args="${args//@REGISTRYSCC@/registryscc}"
  for j in "${!fabric_tx[@]}"; do
    fabric_args="${fabric_args//@TX$j@/${fabric_tx[$j]}}"
    scc_args="${scc_args//@TX$j@/${scc_tx[$j]}}"
  done
  from_fabric="$(run_fabric "$kind" "$org" "$user" "$chaincode" "$fabric_args" "$transient")"
  from_scc_peer="$(run_scc_peer "$kind" "$org" "$user" "$chaincode" "$scc_args" "$transient")"
  jq -cn --argjson step "$i" --arg call "${steps[$i]}" --argjson fabric "$from_fabric" --argjson scc_peer "$from_scc_peer" \
    '{step: $step, call: $call, fabric: $fabric, scc_peer: $scc_peer}' >>"$work/answers.jsonl"
  fabric_tx[$i]="$(jq -r '.tx_id // ""' <<<"$from_fabric")"
  scc_tx[$i]="$(jq -r '.tx_id // ""' <<<"$from_scc_peer")"
  for field in status message payload event; do
    # A payload that is JSON compares as JSON, its keys sorted.
    filter=".$field"
    [[ "$field" != payload ]] || filter='.payload | (try fromjson catch .)'
    a="$(normalise fabric "$(jq -cS "$filter" <<<"$from_fabric")")"
    b="$(normalise scc "$(jq -cS "$filter" <<<"$from_scc_peer")")"
    description="step $i ($kind $chaincode $args as $user@Org$org): $field"
    if [[ "$a" == "$b" ]]; then
      pass "$description is the same"
    elif [[ -n "${known["$i $field"]:-}" ]]; then
      pass "$description differs as known: ${known["$i $field"]}"
      printf 'KNOWN %s\n  fabric:   %s\n  scc-peer: %s\n' "$description" "$a" "$b" >>"$report"
    else
      fail_check "$description differs"
      printf '       fabric:   %s\n       scc-peer: %s\n' "$a" "$b"
      printf 'DIFF %s\n  fabric:   %s\n  scc-peer: %s\n' "$description" "$a" "$b" >>"$report"
      differences=$((differences + 1))
    fi
  done
done
echo "---- differences (also in $report; every answer in $work/answers.jsonl) ----"
cat "$report"
finish
