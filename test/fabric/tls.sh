#!/usr/bin/env bash
# Chaincode as a service over mutual TLS: the package tells the peer to require TLS and present
# a client certificate; scc-ccaas serves with its own key and certificate and demands the client
# certificate from the network's chaincode CA.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_network
plugin_must_exist KVSCC_PLUGIN
require network deploy kvscctls "$KVSCC_PLUGIN" --tls
dir="$FABRIC_NET_DIR/chaincodes/kvscctls"
ca="$FABRIC_NET_DIR/chaincode-tls"
port="$(cat "$dir/port")"

connection="$(tar -xzOf "$dir/kvscctls.tar.gz" code.tar.gz | tar -xzO connection.json)"
expect_eq "the package requires TLS and a client certificate" "true true" \
  "$(jq -r '"\(.tls_required) \(.client_auth_required)"' <<<"$connection")"
root_cert="$(jq -j .root_cert <<<"$connection"; echo .)"
expect_eq "the package carries the chaincode CA as the root" "$(cat "$ca/ca.crt"; echo .)" "$root_cert"
expect_eq "the package's metadata" '{"label":"kvscctls","type":"ccaas"}' \
  "$(tar -xzOf "$dir/kvscctls.tar.gz" metadata.json | jq -cS .)"
expect_match "scc-ccaas was started with TLS and a client CA" "--tls-client-ca" "$(tr '\0' ' ' <"/proc/$(cat "$FABRIC_NET_DIR/pids/cc-kvscctls.pid")/cmdline")"

invoke kvscctls '{"Args":["put","secret","tls"]}'
expect_eq "put over mutual TLS: status" 200 "$status"
expect_eq "put over mutual TLS: event" "put secret" "$(event_of "$tx_id")"
query kvscctls '{"Args":["get","secret"]}'
expect_eq "get over mutual TLS on Org1's peer" tls "$payload"
query kvscctls '{"Args":["get","secret"]}' --org 2
expect_eq "get over mutual TLS on Org2's peer" tls "$payload"

# handshake [openssl s_client flags]: what a TLS 1.2 client sees (in 1.2 the server decides
# about the client certificate inside the handshake, so a refusal shows there).
handshake() {
  timeout 10 openssl s_client -tls1_2 -connect "127.0.0.1:$port" -CAfile "$ca/ca.crt" -alpn h2 "$@" </dev/null 2>&1 |
    tr -d '\0' || true
}
accepted="$(handshake -cert "$ca/peer-client.crt" -key "$ca/peer-client.key")"
expect_match "the server's certificate verifies against the chaincode CA" "Verify return code: 0 \(ok\)" "$accepted"
expect_match "the server asks for a client certificate from that CA" \
  $'Acceptable client certificate CA names\n[^\n]*CN ?= ?chaincode TLS CA' "$accepted"
expect_no_match "a client with the peers' certificate is let in" "error:" "$accepted"
refused="$(handshake)"
expect_match "a client without a certificate is cut off" "error:.*(unexpected eof|alert)" "$refused"
org_user="$FABRIC_NET_DIR/organizations/peerOrganizations/org1.example.com/users/User1@org1.example.com/tls"
refused="$(handshake -cert "$org_user/client.crt" -key "$org_user/client.key")"
expect_match "a client whose certificate another CA issued is cut off" "error:.*(unexpected eof|alert)" "$refused"
finish
