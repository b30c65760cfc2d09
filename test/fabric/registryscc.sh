#!/usr/bin/env bash
# registryscc (a typed contract with private data) on the real peer, deployed with a
# collections config: the scc-peer demo's registry steps, private details that arrive as
# transient data and never reach the block, pagination with bookmarks, history newest first,
# and ownership by the real Org1/Org2 certificates.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_network
plugin_must_exist REGISTRYSCC_PLUGIN
require network deploy registryscc "$REGISTRYSCC_PLUGIN" --collections-config "$COLLECTIONS_CONFIG"

details='{"purchase_price":900,"serial_number":"SN-42"}'
details_b64="$(printf '%s' "$details" | base64 -w0)"
# The contract writes JSON with its keys sorted.
asset1='{"appraised_value":1200,"description":"laptop","id":"asset1","owner":"Org1MSP"}'

invoke registryscc '{"Args":["create_asset","asset1","laptop","1200"]}' --transient "{\"details\":\"$details_b64\"}"
expect_eq "create_asset with private details: status" 200 "$status"
expect_eq "create_asset answers the asset" "$asset1" "$payload"
create_tx="$tx_id"
expect_eq "create_asset raises AssetCreated" "AssetCreated $asset1" "$(event_of "$create_tx")"
block="$(network fetch-block newest)"
expect_eq "the block holds the transaction" 1 \
  "$(jq --arg tx "$create_tx" '[.data.data[] | select(.payload.header.channel_header.tx_id == $tx)] | length' <<<"$block")"
expect_no_match "the private details are not in the block" "SN-42|$details_b64|$(printf 'SN-42' | base64)" "$block"
expect_eq "the block carries the collection's hashed writes" registryDetails \
  "$(jq -r --arg tx "$create_tx" '.data.data[] | select(.payload.header.channel_header.tx_id == $tx)
      | .payload.data.actions[0].payload.action.proposal_response_payload.extension.results.ns_rwset[]
      | select(.namespace == "registryscc") | .collection_hashed_rwset[0].collection_name' <<<"$block")"

query registryscc '{"Args":["read_asset","Org1MSP","asset1"]}'
expect_eq "read_asset" "$asset1" "$payload"
query registryscc '{"Args":["read_asset","Org1MSP","asset1"]}' --org 2
expect_eq "anyone on the channel may read the asset" "$asset1" "$payload"
query registryscc '{"Args":["read_private_details","asset1"]}'
expect_eq "the owner reads the private details" "$details" "$payload"
query registryscc '{"Args":["read_private_details","asset1"]}' --peer 2
expect_eq "the private details reached Org2's peer too" "$details" "$payload"
query registryscc '{"Args":["read_private_details","asset1"]}' --org 2
expect_eq "Org2 has no private details of its own for asset1: status" 404 "$status"
expect_eq "Org2 has no private details of its own for asset1: message" \
  "read_private_details: no private details for asset Org2MSP/asset1" "$message"

invoke registryscc '{"Args":["update_asset","asset1","laptop","1100"]}'
expect_eq "update_asset: status" 200 "$status"
update_tx="$tx_id"
invoke registryscc '{"Args":["update_asset","asset1","stolen","1"]}' --org 2
expect_eq "Org2 cannot update Org1's asset: status" 404 "$status"
expect_eq "Org2 cannot update Org1's asset: message" \
  "update_asset: asset Org2MSP/asset1 does not exist; only the owning organisation may change an asset" "$message"

query registryscc '{"Args":["asset_history","Org1MSP","asset1"]}'
expect_eq "history: two versions" 2 "$(jq length <<<"$payload")"
expect_eq "history is newest first" "$update_tx $create_tx" "$(jq -r '[.[].tx_id] | join(" ")' <<<"$payload")"
expect_eq "history: the values" "1100 1200" "$(jq -r '[.[].value.appraised_value] | join(" ")' <<<"$payload")"
expect_eq "history: no deletes" "false false" "$(jq -r '[.[].is_delete] | join(" ")' <<<"$payload")"
now="$(date +%s)"
expect_eq "history: timestamps are the clients' clocks, within a minute of now" true \
  "$(jq --argjson now "$now" 'all(.[]; .timestamp <= $now and .timestamp > $now - 60)' <<<"$payload")"

# Pagination: three assets, pages of two.
invoke registryscc '{"Args":["create_asset","asset2","phone","300"]}'
expect_eq "create asset2" 200 "$status"
invoke registryscc '{"Args":["create_asset","asset3","tablet","500"]}'
expect_eq "create asset3" 200 "$status"
invoke registryscc '{"Args":["create_asset","asset3","tablet","500"]}'
expect_eq "creating an asset twice: status" 409 "$status"
expect_eq "creating an asset twice: message" "create_asset: asset Org1MSP/asset3 already exists" "$message"
query registryscc '{"Args":["assets_by_owner","Org1MSP","2"]}'
expect_eq "page 1: two assets" "asset1 asset2" "$(jq -r '[.assets[].id] | join(" ")' <<<"$payload")"
expect_eq "page 1: the bookmark is the next key" "$(printf '\x00asset\x00Org1MSP\x00asset3\x00' | od -An -tx1)" \
  "$(jq -j .bookmark <<<"$payload" | od -An -tx1)"
# The bookmark holds U+0000 bytes, which a shell variable cannot: jq carries it as \u0000.
query registryscc "$(jq -c '{Args: ["assets_by_owner", "Org1MSP", "2", .bookmark]}' <<<"$payload")"
expect_eq "page 2: the last asset" "asset3" "$(jq -r '[.assets[].id] | join(" ")' <<<"$payload")"
expect_eq "page 2: Fabric's bookmark on the last page" "" "$(jq -j .bookmark <<<"$payload" | od -An -tx1)"
query registryscc '{"Args":["assets_by_owner","Org2MSP","2"]}'
expect_eq "Org2 owns no assets" '{"assets":[],"bookmark":""}' "$payload"

invoke registryscc '{"Args":["delete_asset","asset3"]}'
expect_eq "delete_asset: status" 200 "$status"
delete_tx="$tx_id"
query registryscc '{"Args":["read_asset","Org1MSP","asset3"]}'
expect_eq "a deleted asset is gone" 404 "$status"
query registryscc '{"Args":["asset_history","Org1MSP","asset3"]}'
expect_eq "history after a delete: the delete first" "$delete_tx true" "$(jq -r '.[0] | "\(.tx_id) \(.is_delete)"' <<<"$payload")"
expect_eq "history after a delete: the delete has no value" null "$(jq -c '.[0].value' <<<"$payload")"
expect_eq "history after a delete: then the creation" "false 500" "$(jq -r '.[1] | "\(.is_delete) \(.value.appraised_value)"' <<<"$payload")"

invoke registryscc '{"Args":["set_private_details","asset2"]}' --transient "{\"details\":\"$details_b64\"}"
expect_eq "set_private_details: status" 200 "$status"
query registryscc '{"Args":["read_private_details","asset2"]}'
expect_eq "set_private_details stored them" "$details" "$payload"
invoke registryscc '{"Args":["set_private_details","asset2"]}'
expect_eq "set_private_details without transient data: status" 400 "$status"
query registryscc '{"Args":["org.hyperledger.fabric:GetMetadata"]}'
expect_eq "GetMetadata names registryscc" registryscc "$(jq -r '.contracts.registryscc.name' <<<"$payload")"
finish
