#!/usr/bin/env bash
# kvscc on the real peer, served by scc-ccaas: the scc-peer demo's kvscc steps plus the ledger
# rules a chaincode sees on Fabric (probescc): no read-your-writes, a failed invoke leaves no
# write, simple-key ranges skip composite keys, the last event wins.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_network
plugin_must_exist KVSCC_PLUGIN
plugin_must_exist PROBESCC_PLUGIN

require network deploy kvscc "$KVSCC_PLUGIN"
require network deploy probescc "$PROBESCC_PLUGIN"
# A second deploy of the same plugin changes nothing and succeeds.
deploy_again="$(network deploy kvscc "$KVSCC_PLUGIN" 2>&1)" && pass "deploy is idempotent" || fail_check "a second deploy failed: $deploy_again"
expect_match "the second deploy says it is deployed already" 'kvscc is deployed \(sequence 1' "$deploy_again"

invoke kvscc '{"Args":["put","color","blue"]}'
expect_eq "put color: exit status" 0 "$rc"
expect_eq "put color: status" 200 "$status"
expect_eq "put color: committed VALID" VALID "$validation"
expect_eq "put color: event put with the key" "put color" "$(event_of "$tx_id")"
expect_eq "put color: event raised by kvscc" kvscc "$(event_chaincode_of "$tx_id")"

invoke kvscc '{"Args":["put","size","XL"]}'
expect_eq "put size: status" 200 "$status"

query kvscc '{"Args":["get","color"]}'
expect_eq "get color answers blue" blue "$payload"
query kvscc '{"Args":["get","color"]}' --org 2
expect_eq "get color on Org2's peer answers blue" blue "$payload"
query kvscc '{"Args":["get","missing"]}'
expect_eq "get missing: exit status" 1 "$rc"
expect_eq "get missing: status 404" 404 "$status"
expect_eq "get missing: message" "key not found: missing" "$message"

query kvscc '{"Args":["range","",""]}'
expect_eq "range over everything" $'color=blue\nsize=XL\n' "$payload"
query kvscc '{"Args":["range","c","s"]}'
expect_eq "range [c, s) excludes its end" $'color=blue\n' "$payload"

# Composite keys: partial-key queries find them, simple-key ranges do not.
invoke kvscc '{"Args":["put_asset","alice","a1","v1"]}'
expect_eq "put_asset alice a1" 200 "$status"
invoke kvscc '{"Args":["put_asset","alice","a2","v2"]}'
invoke kvscc '{"Args":["put_asset","bob","b1","v3"]}'
expect_eq "put_asset bob b1" 200 "$status"
query kvscc '{"Args":["assets_of","alice"]}'
expect_eq "assets_of alice" $'a1=v1\na2=v2\n' "$payload"
query kvscc '{"Args":["assets_of","bob"]}'
expect_eq "assets_of bob" $'b1=v3\n' "$payload"
query kvscc '{"Args":["range","",""]}'
expect_eq "an open range skips composite keys" $'color=blue\nsize=XL\n' "$payload"

invoke kvscc '{"Args":["del","size"]}'
expect_eq "del size" 200 "$status"
query kvscc '{"Args":["get","size"]}'
expect_eq "size is gone" 404 "$status"

invoke kvscc '{"Args":["nope"]}'
expect_eq "unknown function: exit status" 1 "$rc"
expect_eq "unknown function: status 500" 500 "$status"
expect_match "unknown function: the plugin's message" "^kvscc: unknown function or wrong argument count: 'nope' with 0 arguments" "$message"

# ---- ledger rules, with probescc ----
invoke probescc '{"Args":["put","seen","old"]}'
expect_eq "probescc put" OK "$payload"
invoke probescc '{"Args":["put_and_read","seen","new"]}'
expect_eq "no read-your-writes: the read sees the committed value" old "$payload"
query probescc '{"Args":["get","seen"]}'
expect_eq "the write committed afterwards" new "$payload"
invoke probescc '{"Args":["put_and_read","fresh","x"]}'
expect_eq "no read-your-writes on a new key" "<absent>" "$payload"

invoke probescc '{"Args":["put_then_fail","doomed","x"]}'
expect_eq "a failing invoke exits 1" 1 "$rc"
expect_eq "a failing invoke: status 500" 500 "$status"
expect_eq "a failing invoke: message" "refused after writing doomed" "$message"
expect_eq "a failing invoke is not ordered" "" "$tx_id"
query probescc '{"Args":["get","doomed"]}'
expect_eq "a failed invoke leaves no write" 404 "$status"

invoke probescc '{"Args":["events","3"]}'
expect_eq "three events set" 200 "$status"
expect_eq "only the last event is kept" "e3 3" "$(event_of "$tx_id")"

invoke probescc '{"Args":["tx_id"]}'
expect_eq "the plugin sees the transaction id the CLI reports" "$tx_id" "$payload"

invoke probescc '{"Args":["transient","secret"]}' --transient "{\"secret\":\"$(printf 'hush' | base64)\"}"
expect_eq "transient data reaches the plugin" hush "$payload"
finish
