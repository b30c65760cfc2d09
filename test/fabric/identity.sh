#!/usr/bin/env bash
# What a plugin sees of the client on the real peer: the creator is the real Org1/Org2
# certificate from cryptogen, byte for byte, with its MSP id.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_network
plugin_must_exist PROBESCC_PLUGIN
require network deploy probescc "$PROBESCC_PLUGIN"

for org in 1 2; do
  for user in Admin User1; do
    certificate="$FABRIC_NET_DIR/organizations/peerOrganizations/org$org.example.com/users/$user@org$org.example.com/msp/signcerts/$user@org$org.example.com-cert.pem"
    query probescc '{"Args":["whoami"]}' --org "$org" --user "$user"
    expected="Org${org}MSP"$'\n'"$(cat "$certificate"; echo .)"
    expect_eq "$user of Org$org: MSP id and certificate" "${expected%.}" "$payload"
  done
done
invoke probescc '{"Args":["whoami"]}' --org 2 --user User1
expect_eq "an invoke carries the same creator" "Org2MSP" "${payload%%$'\n'*}"
finish
