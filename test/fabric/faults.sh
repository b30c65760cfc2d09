#!/usr/bin/env bash
# Faults against the real peer: a plugin that throws, a .so that scc-ccaas refuses at start, an
# scc-ccaas killed in the middle of a transaction and started again, and a plugin slower than
# the peer's chaincode.executetimeout (6 s in the test network).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_network
plugin_must_exist PROBESCC_PLUGIN
plugin_must_exist NOT_A_PLUGIN
require network deploy probescc "$PROBESCC_PLUGIN"
server_pid() {
  cat "$FABRIC_NET_DIR/pids/cc-probescc.pid"
}

# ---- the plugin throws ----
pid_before="$(server_pid)"
invoke probescc '{"Args":["throw","boom"]}'
expect_eq "a throwing plugin: exit status" 1 "$rc"
expect_eq "a throwing plugin: status 500" 500 "$status"
expect_eq "a throwing plugin: the exception's text" boom "$message"
expect_eq "scc-ccaas survives the exception" "$pid_before" "$(is_running "$pid_before" && server_pid)"
invoke probescc '{"Args":["put","after-throw","ok"]}'
expect_eq "the next transaction commits" VALID "$validation"

# ---- a bad .so ----
bad_text="$(mktemp --suffix=.so)"
echo "not a shared library" >"$bad_text"
free_port=$(($(sed -n 's/^BASE_PORT=//p' "$FABRIC_NET_DIR/ports.env") + 2900))
for bad in "$NOT_A_PLUGIN" "$bad_text" "$FABRIC_NET_DIR/no-such-plugin.so"; do
  rc=0
  output="$(timeout 20 "$SCC_CCAAS" serve "$bad" --address "127.0.0.1:$free_port" --id "bad:0" 2>&1)" || rc=$?
  expect_match "scc-ccaas refuses $(basename "$bad"): non-zero exit" "^[1-9]" "$rc"
  expect_eq "scc-ccaas refuses $(basename "$bad") in one line" 1 "$(grep -c . <<<"$output")"
  expect_match "scc-ccaas names the refused file" "$(basename "$bad")" "$output"
  expect_no_match "scc-ccaas refusing $(basename "$bad") never served" "listening on" "$output"
done
rm -f "$bad_text"
rc=0
output="$(network deploy badcc "$NOT_A_PLUGIN" 2>&1)" || rc=$?
expect_eq "deploy of a bad .so fails" 1 "$rc"
expect_match "deploy says the server exited at start" "the chaincode server for badcc exited at start" "$output"
expect_match "deploy shows scc-ccaas's own line" "$(basename "$NOT_A_PLUGIN")" "$output"
expect_no_match "nothing is left running for badcc" "cc-badcc: running" "$(network status)"

# ---- scc-ccaas killed in the middle of a transaction ----
started=$SECONDS
invoke_output="$(mktemp)"
network invoke probescc '{"Args":["sleep","3000","killed-key","v"]}' >"$invoke_output" 2>&1 &
invoker=$!
sleep 1
kill -KILL "$(server_pid)"
invoke_rc=0
wait "$invoker" || invoke_rc=$?
killed_output="$(cat "$invoke_output")"
rm -f "$invoke_output"
expect_eq "the transaction in flight fails" 1 "$invoke_rc"
expect_match "the peer reports an endorsement failure" "endorsement failure during invoke" "$killed_output"
expect_match "the failure comes at once, not after the execute timeout" "^[0-5]$" "$((SECONDS - started))"
echo "  (the CLI said: $(grep -m1 'Error' <<<"$killed_output"))"
query probescc '{"Args":["get","after-throw"]}'
expect_eq "with the server gone, a query fails" 1 "$rc"
require network deploy probescc "$PROBESCC_PLUGIN"
expect_match "deploy starts the server again" "cc-probescc: running" "$(network status)"
query probescc '{"Args":["get","killed-key"]}'
expect_eq "the killed transaction wrote nothing" 404 "$status"
invoke probescc '{"Args":["put","after-restart","ok"]}'
expect_eq "a transaction after the restart commits" VALID "$validation"
query probescc '{"Args":["get","after-restart"]}'
expect_eq "and its write is there" ok "$payload"

# ---- a plugin slower than chaincode.executetimeout ----
# Sent to one peer only: probescc is not thread-safe, so scc-ccaas runs its calls one at a time,
# and a second peer's 9 s call would hold up the transactions after it just as long.
started=$SECONDS
invoke probescc '{"Args":["sleep","9000","slow-key","v"]}' --peer 1
elapsed=$((SECONDS - started))
expect_eq "a slow plugin: the invoke fails" 1 "$rc"
expect_match "a slow plugin: the peer's timeout" "timeout expired while executing transaction" "$output"
expect_match "a slow plugin: the peer gives up after executetimeout (6 s), before the plugin's 9 s" "^[678]$" "$elapsed"
invoke probescc '{"Args":["put","after-timeout","ok"]}'
expect_eq "a transaction after the timeout commits" VALID "$validation"
query probescc '{"Args":["get","slow-key"]}'
expect_eq "the timed-out transaction wrote nothing" 404 "$status"
server="$(server_pid)"
expect_eq "scc-ccaas still runs the same process" "$server" "$(is_running "$server" && echo "$server")"
finish
