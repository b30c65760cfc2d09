#!/usr/bin/env bash
# bridges/fabric-1.4/test/fabric14_test.sh MODE ...: the bridge's tests (ctest label fabric14).
#
#   mockstub PROBESCC.so      go test over the 1.4 shim's MockStub (bridge_test.go)
#   benchmark PROBESCC.so     bridge vs pure Go SCC, one get and one put per invoke
#   scenario --work DIR --base-port N --probescc SO --hiddenscc SO [--kvscc SO] [--tokenscc SO] [--registryscc SO] [--cc2cc SO]
#                             the real 1.4.12 peer, through scripts/fabric14-network.sh
#   refusals --work DIR --base-port N [--entry_v2 SO] [--ctor_throws_std SO]
#                             plugins the loader refuses: the peer's log carries its message
#   differential --work DIR --base-port N --scc-peer BIN --probescc SO --hiddenscc SO [--kvscc SO] ...
#                             one session on scc-peer and on the real peer, answers compared
#                             field by field; differences.txt lists the expected ones
#
# Exits 77 (ctest: skipped) without Go or the Fabric 1.4.12 source (../shared/fabric/ beside the
# checkout, or $SCC_FABRIC14_SRC). Every check compares a real answer; the run fails if any
# check fails or if none ran.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
source_tarball="${SCC_FABRIC14_SRC:-$root/../shared/fabric/fabric-1.4.12-src.tar.gz}"
if ! command -v go >/dev/null; then
  echo "SKIPPED: go is not installed (Debian: apt-get install golang-go)"
  exit 77
fi
if [[ ! -e "$source_tarball" ]]; then
  echo "SKIPPED: no Fabric 1.4.12 source at $source_tarball"
  exit 77
fi

checks=0
failures=0
pass() {
  checks=$((checks + 1))
  echo "ok    $1"
}
fail() {
  checks=$((checks + 1))
  failures=$((failures + 1))
  echo "FAIL  $1"
  shift
  local line
  for line in "$@"; do echo "      $line"; done
}
finish() {
  echo "$checks checks, $failures failed"
  [[ $checks -gt 0 && $failures -eq 0 ]]
  exit $?
}

mode="${1:-}"
shift || true

# ---------------------------------------------------------------------------- MockStub, bench
if [[ "$mode" == mockstub || "$mode" == benchmark ]]; then
  probe="$1"
  bridge=("$root/scripts/fabric14-bridge.sh" --fabric-src "$source_tarball" --plugin "$probe"
    --name probescc_gotest --go-test "$here/bridge_test.go" --)
  if [[ "$mode" == mockstub ]]; then
    output="$("${bridge[@]}" -count=1 -v -short -run 'Test' 2>&1)"
    status=$?
    echo "$output"
    for test in TestStateThroughTheBridge TestLargeValuesAndAnswers TestStatusesPassUnchanged \
      TestInvokeChaincodeResponsePassesUnchanged TestPanicInTheStubDoesNotEscape \
      TestConcurrentCallsOnANonThreadSafePlugin TestBufferedWritesReachTheStubInOrder \
      TestRefusedBufferedWriteFailsTheInvoke TestProposalDetailsOnlyWhenAsked; do
      if grep -q -- "--- PASS: $test " <<<"$output"; then pass "$test"; else fail "$test"; fi
    done
    [[ $status -eq 0 ]] && pass "go test exits 0" || fail "go test exits 0" "exit status $status"
  else
    output="$("${bridge[@]}" -count=1 -v -run 'TestBridgeCostPerInvoke' 2>&1)"
    status=$?
    echo "$output"
    ratio="$(sed -n 's/^RATIO //p' <<<"$output")"
    if [[ $status -eq 0 && -n "$ratio" ]]; then
      pass "both benchmarks ran and answered alike (bridge / pure Go = $ratio; goal <= 1.3)"
    else
      fail "benchmark" "exit status $status, ratio '$ratio'"
    fi
  fi
  finish
fi

# ---------------------------------------------------------------------------- networks
work="" base_port=""
declare -A plugin
while [[ $# -gt 0 ]]; do
  case "$1" in
    --work) work="$2"; shift 2 ;;
    --base-port) base_port="$2"; shift 2 ;;
    --*) plugin[${1#--}]="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$work"
network=("$root/scripts/fabric14-network.sh" --dir "$work/net")

# The first base port from --base-port on (in steps of 10) whose five ports nothing listens on:
# other tests on the machine may hold fixed ports too.
port_in_use() { (: >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for _ in $(seq 1 50); do
  busy=0
  for offset in 0 1 2 3 4; do
    if port_in_use $((base_port + offset)); then busy=1; break; fi
  done
  [[ $busy -eq 0 ]] && break
  base_port=$((base_port + 10))
done
trap '"${network[@]}" down >/dev/null 2>&1' EXIT

# run NAME ARGS...: runs the real CLI through the network script; sets out (stdout and stderr)
# and rc.
run() {
  out="$("${network[@]}" "$@" 2>&1)"
  rc=$?
}
# query_is NAME JSON EXPECTED [--transient JSON]: exit 0 and exactly EXPECTED on output.
query_is() {
  local name="$1" json="$2" expected="$3"
  shift 3
  run query "$name" "$json" "$@"
  if [[ $rc -eq 0 && "$out" == "$expected" ]]; then
    pass "query $name $json"
  else
    fail "query $name $json" "want exit 0 and: $expected" "got exit $rc and: $out"
  fi
}
# fails VERB NAME JSON TEXT [--transient JSON]: a non-zero exit and TEXT in the output.
fails() {
  local verb="$1" name="$2" json="$3" text="$4"
  shift 4
  run "$verb" "$name" "$json" "$@"
  if [[ $rc -ne 0 && "$out" == *"$text"* ]]; then
    pass "$verb $name $json refused: $text"
  else
    fail "$verb $name $json is refused" "want a failure with: $text" "got exit $rc and: $out"
  fi
}
# invoke_ok NAME JSON [PAYLOAD] [--transient JSON]: committed (--waitForEvent), status 200.
invoke_ok() {
  local name="$1" json="$2" payload="${3:-}"
  shift 2
  [[ $# -gt 0 ]] && shift
  run invoke "$name" "$json" "$@"
  local want="Chaincode invoke successful. result: status:200"
  [[ -n "$payload" ]] && want+=" payload:\"$payload\""
  if [[ $rc -eq 0 && "$out" == *"committed with status (VALID)"* && "$out" == *"$want"* ]]; then
    pass "invoke $name $json"
  else
    fail "invoke $name $json" "want a VALID commit and: $want" "got exit $rc and: $out"
  fi
}
log_has() {
  if grep -qF -- "$2" "$work/net/logs/peer.log"; then
    pass "$1"
  else
    fail "$1" "the peer log lacks: $2"
  fi
}

# ---------------------------------------------------------------------------- refusals
if [[ "$mode" == refusals ]]; then
  printf 'this is not a shared library but a text file, named like one\n' >"$work/not_a_plugin.so"
  # name=path|what the peer log must say (the loader's words)
  missing="$work/no-such-plugin.so" notelf="$work/not_a_plugin.so"
  cases=("missing=$missing|panic: incompatible SCC plugin '$missing': no such file. Expected a plugin shared library at this path"
    "notelf=$notelf|panic: incompatible SCC plugin '$notelf': not a shared library. Expected an ELF shared object, found a")
  if [[ -n "${plugin[entry_v2]:-}" ]]; then
    cases+=("abi2=${plugin[entry_v2]}|panic: incompatible SCC plugin '${plugin[entry_v2]}': ABI major mismatch. Host supports SCC ABI 1, plugin is built for ABI 2")
  fi
  if [[ -n "${plugin[ctor_throws_std]:-}" ]]; then
    cases+=("throws=${plugin[ctor_throws_std]}|(${plugin[ctor_throws_std]}) failed to create an instance: constructor of plugin")
  fi
  for case in "${cases[@]}"; do
    spec="${case%%|*}" text="${case#*|}"
    name="${spec%%=*}"
    out="$("${network[@]}" up --base-port "$base_port" --plugin "$spec" 2>&1)"
    rc=$?
    if [[ $rc -ne 0 && "$out" == *"the peer did not start"* ]]; then
      pass "$name: the peer refuses to start"
    else
      fail "$name: the peer refuses to start" "got exit $rc: $(tail -n 3 <<<"$out")"
    fi
    log_has "$name: the loader's refusal is in the peer log" "$text"
    if [[ -f "$work/net/peer.pid" || -f "$work/net/orderer.pid" ]]; then
      fail "$name: nothing left running" "pid files remain"
    else
      pass "$name: nothing left running"
    fi
  done
  finish
fi

if [[ "$mode" == differential ]]; then
  source "$here/differential.sh"
  finish
fi

[[ "$mode" == scenario ]] || { echo "unknown mode '$mode'" >&2; exit 2; }

# ---------------------------------------------------------------------------- scenario
specs=(--plugin "probescc=${plugin[probescc]}" --plugin "hiddenscc=${plugin[hiddenscc]},invokableExternal=false")
for example in kvscc tokenscc cc2cc; do
  [[ -n "${plugin[$example]:-}" ]] && specs+=(--plugin "$example=${plugin[$example]}")
done
[[ -n "${plugin[registryscc]:-}" ]] &&
  specs+=(--plugin "registryscc=${plugin[registryscc]},invokableCC2CC=false")
started=$(date +%s)
if ! "${network[@]}" up --base-port "$base_port" "${specs[@]}"; then
  fail "the network starts with every plugin bridged"
  finish
fi
pass "the network starts with every plugin bridged ($(($(date +%s) - started)) s)"
for name in probescc hiddenscc kvscc tokenscc cc2cc registryscc; do
  [[ -n "${plugin[$name]:-}" ]] || continue
  log_has "$name: loaded by the real peer" "Successfully loaded SCC $name from path $work/net/bridges/$name-bridge.so"
  log_has "$name: deployed on mychannel" "system chaincode $name/mychannel("
done

# ---- the scc-peer demo's scenario ----
if [[ -n "${plugin[kvscc]:-}" ]]; then
  invoke_ok kvscc '{"Args":["put","color","blue"]}'
  invoke_ok kvscc '{"Args":["put","size","XL"]}'
  query_is kvscc '{"Args":["get","color"]}' "blue"
  query_is kvscc '{"Args":["range","",""]}' $'color=blue\nsize=XL'
  fails query kvscc '{"Args":["get","missing"]}' 'status:404 message:"key not found: missing"'
  invoke_ok kvscc '{"Args":["put_asset","org1","a1","100"]}'
  invoke_ok kvscc '{"Args":["put_asset","org2","a2","200"]}'
  query_is kvscc '{"Args":["assets_of","org1"]}' "a1=100"
  query_is kvscc '{"Args":["range","",""]}' $'color=blue\nsize=XL'
fi
if [[ -n "${plugin[tokenscc]:-}" ]]; then
  invoke_ok tokenscc '{"Args":["mint","1000"]}' 1000
  invoke_ok tokenscc '{"Args":["transfer","Org2MSP","250"]}'
  query_is tokenscc '{"Args":["balance_of","SampleOrg"]}' "750"
  query_is tokenscc '{"Args":["balance_of","Org2MSP"]}' "250"
  query_is tokenscc '{"Args":["total_supply"]}' "1000"
fi
if [[ -n "${plugin[registryscc]:-}" ]]; then
  # A 1.4 system chaincode has no collection configuration (that comes with a chaincode
  # definition), so the real peer refuses its private data.
  details="$(printf '%s' '{"serial_number":"SN-42","purchase_price":900}' | base64 -w0)"
  fails invoke registryscc '{"Args":["create_asset","asset1","laptop","1200"]}' \
    'collection config not defined for chaincode [registryscc]' --transient "{\"details\":\"$details\"}"
  fails query registryscc '{"Args":["read_asset","SampleOrg","asset1"]}' \
    'status:404 message:"read_asset: asset SampleOrg/asset1 does not exist"'
fi
if [[ -n "${plugin[cc2cc]:-}" && -n "${plugin[tokenscc]:-}" ]]; then
  invoke_ok cc2cc '{"Args":["pay_with_memo","Org3MSP","50","lunch"]}'
  query_is cc2cc '{"Args":["balance_of","Org3MSP"]}' "50"
  query_is tokenscc '{"Args":["balance_of","SampleOrg"]}' "700"
  query_is cc2cc '{"Args":["call","tokenscc","balance_of","[\"Org3MSP\"]"]}' "50"
  if [[ -n "${plugin[registryscc]:-}" ]]; then
    # The 1.4 shim reports the refusal as status 500 with the text in the payload.
    fails query cc2cc '{"Args":["call","registryscc","read_asset","[\"SampleOrg\",\"asset1\"]"]}' \
      'system chaincode registryscc cannot be invoked with a cc2cc invocation'
    log_has "invokableCC2CC: false is enforced by the peer" \
      "failed check ACL"
  fi
fi

# ---- Fabric semantics through probescc ----
invoke_ok probescc '{"Args":["ryw","r1","new"]}' "<absent>"
query_is probescc '{"Args":["get","r1"]}' "new"
fails invoke probescc '{"Args":["put_then_fail","f1","x"]}' 'status:500 message:"failing on purpose after writing f1"'
fails query probescc '{"Args":["get","f1"]}' 'status:404 message:"absent: f1"'
for i in 1 2 3 4 5; do invoke_ok probescc "{\"Args\":[\"put\",\"p$i\",\"$i\"]}"; done
query_is probescc '{"Args":["range","p","q"]}' $'p1=1\np2=2\np3=3\np4=4\np5=5'
query_is probescc '{"Args":["page","p","q","2"]}' $'fetched=2 bookmark=p3\np1=1\np2=2'
query_is probescc '{"Args":["page","p","q","2","p3"]}' $'fetched=2 bookmark=p5\np3=3\np4=4'
query_is probescc '{"Args":["page","p","q","2","p5"]}' $'fetched=1 bookmark=\np5=5'
invoke_ok probescc '{"Args":["put_composite","asset","org1","x","10"]}'
invoke_ok probescc '{"Args":["put_composite","asset","org2","y","20"]}'
query_is probescc '{"Args":["partial","asset","org1"]}' "asset/org1/x=10"
invoke_ok probescc '{"Args":["put","h","v1"]}'
invoke_ok probescc '{"Args":["put","h","v2"]}'
invoke_ok probescc '{"Args":["del","h"]}'
invoke_ok probescc '{"Args":["put","h","v3"]}'
# Fabric 1.4 walks history oldest first (newest first came with 2.0).
query_is probescc '{"Args":["history","h"]}' $'v1\nv2\n<deleted>\nv3'
query_is probescc '{"Args":["transient","secret"]}' "secret-value" --transient '{"secret":"c2VjcmV0LXZhbHVl"}'
query_is probescc '{"Args":["whoami"]}' "msp=SampleOrg channel=mychannel txid=64 binding=32 proposal=set timestamp=plausible"
query_is probescc '{"Args":["empty_key"]}' "refused: key must not be an empty string"
fails query probescc '{"Args":["throw"]}' 'status:500 message:"probescc threw on purpose"'
fails query probescc '{"Args":["status","404"]}' 'status:404 message:"status on request"'
big="$("${network[@]}" query probescc '{"Args":["big","bigkey","100000"]}' 2>&1)"
[[ ${#big} -eq 100000 && "$big" == xxxxxxxxxx* ]] && pass "a 100000-byte answer arrives whole" ||
  fail "a 100000-byte answer arrives whole" "got ${#big} bytes"

# The event is in the block of the committed transaction.
invoke_ok probescc '{"Args":["emit","evx1"]}'
(source "$work/net/env.sh" && peer channel fetch newest "$work/newest.block" -c mychannel \
  -o "$ORDERER_ADDRESS" --tls --cafile "$ORDERER_CA" >/dev/null 2>&1)
if grep -aq "probe_event" "$work/newest.block" && grep -aq "event:evx1" "$work/newest.block"; then
  pass "the committed block carries the event probe_event with its payload"
else
  fail "the committed block carries the event probe_event with its payload"
fi

# MVCC: two read-modify-write invokes of one key in one block; the second is invalidated.
invoke_ok probescc '{"Args":["put","ctr","0"]}'
"${network[@]}" invoke probescc '{"Args":["incr","ctr"]}' >"$work/incr1.out" 2>&1 &
first=$!
"${network[@]}" invoke probescc '{"Args":["incr","ctr"]}' >"$work/incr2.out" 2>&1 &
second=$!
wait $first; rc1=$?
wait $second; rc2=$?
# The 1.4 CLI reports the invalidation but still exits 0 ("Chaincode invoke successful").
both="$(cat "$work/incr1.out" "$work/incr2.out")"
if [[ $rc1 -eq 0 && $rc2 -eq 0 && "$(grep -c "committed with status (VALID)" <<<"$both")" -eq 1 &&
  "$(grep -c "committed with status (MVCC_READ_CONFLICT)" <<<"$both")" -eq 1 ]]; then
  pass "two concurrent read-modify-writes: one commits, one is invalidated with MVCC_READ_CONFLICT"
else
  fail "an MVCC conflict" "exit statuses $rc1 $rc2" "$both"
fi
query_is probescc '{"Args":["get","ctr"]}' "1"

# ---- both invokable flags, enforced by the real peer ----
fails query hiddenscc '{"Args":["get","x"]}' "chaincode hiddenscc cannot be invoked through a proposal"
fails invoke hiddenscc '{"Args":["put","x","1"]}' "chaincode hiddenscc cannot be invoked through a proposal"
log_has "invokableExternal: false is enforced by the peer" "an attempt was made by"
# ... while chaincode-to-chaincode calls to it, between two bridged plugins, go through.
query_is probescc '{"Args":["call","hiddenscc","get","x"]}' "status=404 message=absent: x payload="
invoke_ok probescc '{"Args":["call","hiddenscc","put","viaprobe","1"]}' "status=200 message= payload="
query_is probescc '{"Args":["call","hiddenscc","get","viaprobe"]}' "status=200 message= payload=1"

# ---- the peer survived everything ----
if kill -0 "$(cat "$work/net/peer.pid")" 2>/dev/null; then pass "the peer is still running"; else fail "the peer is still running"; fi
# Init runs at the peer's start-up with no proposal; nothing may have failed in a bridge.
if grep -q "the bridge failed\|stub panicked" "$work/net/logs/peer.log"; then
  fail "no bridge failure in the peer log" "$(grep "the bridge failed\|stub panicked" "$work/net/logs/peer.log" | head -n 3)"
else
  pass "no bridge failure in the peer log"
fi
"${network[@]}" down
if [[ -f "$work/net/peer.pid" || -f "$work/net/orderer.pid" ]]; then fail "down stops everything"; else pass "down stops everything"; fi
finish
