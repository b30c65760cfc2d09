# bridges/fabric-1.4/test/differential.sh - sourced by fabric14_test.sh (mode differential): one
# session of invokes and queries, run on scc-peer and on the real Fabric 1.4 peer (through the
# bridges), every answer reduced to exit status, response status, message and payload and
# compared field by field. A difference passes only if differences.txt lists it with its reason;
# a listed difference that no longer occurs fails too, so the list stays true.

scc_peer="${plugin[scc-peer]:?--scc-peer BIN is required}"
known="$here/differences.txt"

# canonical EXIT OUTPUT: "exit=E status=S message=M payload=P" from either CLI's output.
canonical() {
  local rc="$1" text line status message payload
  text="$(sed -e 's/\x1b\[[0-9;]*m//g' -e 's/[0-9a-f]\{64\}/<txid>/g' <<<"$2")"
  line="$(grep -m1 -o 'result: status:.*\|response: status:.*' <<<"$text")"
  if [[ -z "$line" ]]; then
    if [[ $rc -eq 0 ]]; then
      echo "exit=0 status=200 message= payload=$text" # a query prints the payload alone
    else
      echo "exit=$rc error=$(grep -m1 '^Error' <<<"$text")"
    fi
    return
  fi
  status="$(sed -n 's/^[a-z]*: status:\(-\{0,1\}[0-9]*\).*/\1/p' <<<"$line")"
  message="$(sed -n 's/.* message:"\(\([^"\\]\|\\.\)*\)".*/\1/p' <<<"$line")"
  payload="$(sed -n 's/.* payload:"\(\([^"\\]\|\\.\)*\)".*/\1/p' <<<"$line")"
  echo "exit=$rc status=$status message=$message payload=$payload"
}

# ---- scc-peer with the same plugins, names and flags ----
mkdir -p "$work/scc-peer"
rm -rf "$work/scc-peer/ledger"
names=(probescc hiddenscc)
for name in kvscc tokenscc cc2cc registryscc; do [[ -n "${plugin[$name]:-}" ]] && names+=("$name"); done
{
  echo "peer:"
  echo "  listenAddress: 127.0.0.1:0"
  echo "  fileSystemPath: $work/scc-peer/ledger"
  echo "chaincode:"
  echo "  system:"
  for name in "${names[@]}"; do echo "    $name: enable"; done
  echo "  systemPlugins:"
  for name in "${names[@]}"; do
    path="${plugin[$name]}" external=true cc2cc=true
    [[ "$name" == hiddenscc ]] && external=false
    [[ "$name" == registryscc ]] && cc2cc=false
    printf '    - {enabled: true, name: %s, path: %s, invokableExternal: %s, invokableCC2CC: %s}\n' \
      "$name" "$path" "$external" "$cc2cc"
  done
  echo "sccPeer:"
  echo "  blockCutter: {maxMessageCount: 10, batchTimeout: 5ms}"
} >"$work/scc-peer/core.yaml"
"$scc_peer" node start --config "$work/scc-peer/core.yaml" 2>"$work/scc-peer/peer.log" &
scc_peer_pid=$!
trap 'kill -TERM $scc_peer_pid 2>/dev/null; wait $scc_peer_pid 2>/dev/null; "${network[@]}" down >/dev/null 2>&1' EXIT
address=""
for _ in $(seq 1 300); do
  address="$(sed -n 's/.*listening on \([^ ]*\).*/\1/p' "$work/scc-peer/peer.log" | head -n1)"
  [[ -n "$address" ]] && break
  kill -0 $scc_peer_pid 2>/dev/null || break
  sleep 0.1
done
if [[ -z "$address" ]]; then
  fail "scc-peer starts" "$(tail -n 5 "$work/scc-peer/peer.log")"
  return
fi
pass "scc-peer starts on $address"

# ---- the real peer ----
specs=()
for name in "${names[@]}"; do
  path="${plugin[$name]}" options=""
  [[ "$name" == hiddenscc ]] && options=",invokableExternal=false"
  [[ "$name" == registryscc ]] && options=",invokableCC2CC=false"
  specs+=(--plugin "$name=$path$options")
done
if ! "${network[@]}" up --base-port "$base_port" "${specs[@]}" >"$work/up.log" 2>&1; then
  fail "the 1.4 network starts" "$(tail -n 5 "$work/up.log")"
  return
fi
pass "the 1.4 network starts"

# step VERB NAME JSON [--transient JSON]: the same command on both peers, compared.
step() {
  local verb="$1" name="$2" json="$3"
  shift 3
  local id="$verb $name $json" on_scc on_fabric rc
  on_scc="$(CORE_PEER_ADDRESS="$address" "$scc_peer" chaincode "$verb" -C mychannel -n "$name" -c "$json" "$@" 2>&1)"
  rc=$?
  on_scc="$(canonical $rc "$on_scc")"
  on_fabric="$("${network[@]}" "$verb" "$name" "$json" "$@" 2>&1)"
  rc=$?
  on_fabric="$(canonical $rc "$on_fabric")"
  local reason
  reason="$(grep -F -- "$id|" "$known" | head -n1 | cut -d'|' -f2-)"
  if [[ "$on_scc" == "$on_fabric" ]]; then
    if [[ -n "$reason" ]]; then
      fail "$id: listed in differences.txt but answered alike" "both: $on_fabric"
    else
      pass "$id: alike ($on_fabric)"
    fi
  elif [[ -n "$reason" ]]; then
    pass "$id: known difference: $reason"
    echo "      scc-peer:   $on_scc"
    echo "      Fabric 1.4: $on_fabric"
  else
    fail "$id: answers differ" "scc-peer:   $on_scc" "Fabric 1.4: $on_fabric"
  fi
}

if [[ -n "${plugin[kvscc]:-}" ]]; then
  step invoke kvscc '{"Args":["put","color","blue"]}'
  step invoke kvscc '{"Args":["put","size","XL"]}'
  step query kvscc '{"Args":["get","color"]}'
  step query kvscc '{"Args":["range","",""]}'
  step query kvscc '{"Args":["get","missing"]}'
  step invoke kvscc '{"Args":["put_asset","org1","a1","100"]}'
  step query kvscc '{"Args":["assets_of","org1"]}'
fi
if [[ -n "${plugin[tokenscc]:-}" ]]; then
  step invoke tokenscc '{"Args":["mint","1000"]}'
  step invoke tokenscc '{"Args":["transfer","Org2MSP","250"]}'
  step query tokenscc '{"Args":["balance_of","SampleOrg"]}'
  step query tokenscc '{"Args":["total_supply"]}'
fi
if [[ -n "${plugin[registryscc]:-}" ]]; then
  details="$(printf '%s' '{"serial_number":"SN-42","purchase_price":900}' | base64 -w0)"
  step invoke registryscc '{"Args":["create_asset","asset1","laptop","1200"]}' --transient "{\"details\":\"$details\"}"
  step query registryscc '{"Args":["read_asset","SampleOrg","asset1"]}'
  step query registryscc '{"Args":["read_private_details","asset1"]}'
fi
if [[ -n "${plugin[cc2cc]:-}" && -n "${plugin[tokenscc]:-}" ]]; then
  step invoke cc2cc '{"Args":["pay_with_memo","Org3MSP","50","lunch"]}'
  step query cc2cc '{"Args":["balance_of","Org3MSP"]}'
  [[ -n "${plugin[registryscc]:-}" ]] &&
    step query cc2cc '{"Args":["call","registryscc","read_asset","[\"SampleOrg\",\"asset1\"]"]}'
fi
step invoke probescc '{"Args":["ryw","r1","new"]}'
step query probescc '{"Args":["get","r1"]}'
step invoke probescc '{"Args":["put_then_fail","f1","x"]}'
step query probescc '{"Args":["get","f1"]}'
for i in 1 2 3; do step invoke probescc "{\"Args\":[\"put\",\"p$i\",\"$i\"]}"; done
step query probescc '{"Args":["page","p","q","2"]}'
step query probescc '{"Args":["page","p","q","2","p3"]}'
step invoke probescc '{"Args":["put_composite","asset","org1","x","10"]}'
step query probescc '{"Args":["partial","asset","org1"]}'
step invoke probescc '{"Args":["put","h","v1"]}'
step invoke probescc '{"Args":["put","h","v2"]}'
step invoke probescc '{"Args":["del","h"]}'
step invoke probescc '{"Args":["put","h","v3"]}'
step query probescc '{"Args":["history","h"]}'
step query probescc '{"Args":["transient","secret"]}' --transient '{"secret":"c2VjcmV0LXZhbHVl"}'
step query probescc '{"Args":["whoami"]}'
step query probescc '{"Args":["empty_key"]}'
step query probescc '{"Args":["throw"]}'
step query probescc '{"Args":["status","404"]}'
step query probescc '{"Args":["call","hiddenscc","get","x"]}'
step query hiddenscc '{"Args":["get","x"]}'

kill -TERM $scc_peer_pid 2>/dev/null
wait $scc_peer_pid 2>/dev/null
"${network[@]}" down
