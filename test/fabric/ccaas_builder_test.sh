#!/usr/bin/env bash
# scripts/fabric/ccaas-builder: detect, build and release accept and refuse the packages that
# Fabric's own ccaas_builder (ccaas_builder/cmd in Fabric 2.5) accepts and refuses, and write
# what it writes. Then scripts/fabric/scc-launcher, the builder for packages that carry the
# plugin: it takes exactly those, and the two never claim each other's packages.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
if ! command -v jq >/dev/null; then
  echo "FAIL the builders need jq (scripts/install-deps.sh; Debian: jq)"
  exit 1
fi

bin="$SCC_SOURCE_DIR/scripts/fabric/ccaas-builder/bin"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src" "$work/meta" "$work/out" "$work/release"

# run_step STEP ARGS...: sets rc and output (stderr, where the builder reports).
run_step() {
  rc=0
  output="$("$bin/$1" "${@:2}" 2>&1)" || rc=$?
}
reset_dirs() {
  rm -rf "$work/out" "$work/release"
  mkdir -p "$work/out" "$work/release"
}

# ---- detect ----
echo '{"type":"ccaas","label":"kv"}' >"$work/meta/metadata.json"
run_step detect "$work/src" "$work/meta"
expect_eq "detect accepts type ccaas" 0 "$rc"
echo '{"Type":"CCaaS"}' >"$work/meta/metadata.json"
run_step detect "$work/src" "$work/meta"
expect_eq "detect matches the key and the type ignoring case, as Go's encoding/json and strings.ToLower do" 0 "$rc"
echo '{"type":"golang","label":"kv"}' >"$work/meta/metadata.json"
run_step detect "$work/src" "$work/meta"
expect_eq "detect refuses type golang" 1 "$rc"
expect_match "detect says why" "chaincode type not supported: golang" "$output"
echo '{"label":"kv"}' >"$work/meta/metadata.json"
run_step detect "$work/src" "$work/meta"
expect_eq "detect refuses a package without a type" 1 "$rc"
echo '{"type":7}' >"$work/meta/metadata.json"
run_step detect "$work/src" "$work/meta"
expect_eq "detect refuses a type that is not a string" 1 "$rc"
echo 'not json' >"$work/meta/metadata.json"
run_step detect "$work/src" "$work/meta"
expect_eq "detect refuses metadata.json that is not JSON" 1 "$rc"
expect_match "detect names the parse failure" "Unable to parse the metadata.json file" "$output"
rm "$work/meta/metadata.json"
run_step detect "$work/src" "$work/meta"
expect_eq "detect refuses a missing metadata.json" 1 "$rc"
expect_match "detect names the missing file" "metadata.json not found" "$output"
run_step detect "$work/src"
expect_eq "detect refuses too few arguments" 1 "$rc"

# ---- build ----
echo '{"type":"ccaas","label":"kv"}' >"$work/meta/metadata.json"
printf '%s' '{"address":"127.0.0.1:9999","dial_timeout":"10s","tls_required":false,"root_cert":"ignored","extra":1}' \
  >"$work/src/connection.json"
chmod 0640 "$work/src/connection.json"
reset_dirs
run_step build "$work/src" "$work/meta" "$work/out"
expect_eq "build accepts a plain-text connection.json" 0 "$rc"
expect_eq "build writes the fields the peer reads, TLS material only with TLS" \
  '{"address":"127.0.0.1:9999","dial_timeout":"10s","tls_required":false,"client_auth_required":false,"root_cert":"","client_key":"","client_cert":""}' \
  "$(cat "$work/out/connection.json")"
expect_eq "build copies the metadata folder" '{"type":"ccaas","label":"kv"}' "$(cat "$work/out/metadata.json")"
expect_eq "build keeps connection.json's file mode" 640 "$(stat -c %a "$work/out/connection.json")"

jq -n '{address: "{{.peername}}-cc:7052", dial_timeout: "5s", tls_required: true, client_auth_required: true,
        root_cert: "-----BEGIN CERTIFICATE-----\nroot\n-----END CERTIFICATE-----\n", client_key: "key-{{ .peername }}",
        client_cert: "cert"}' >"$work/src/connection.json"
mkdir -p "$work/src/META-INF/statedb/couchdb/indexes"
echo '{"index":{"fields":["owner"]}}' >"$work/src/META-INF/statedb/couchdb/indexes/owner.json"
reset_dirs
run_step build "$work/src" "$work/meta" "$work/out"
expect_eq "build refuses a template whose key CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG lacks" 1 "$rc"
expect_match "build names the missing key" 'map has no entry for key "peername"' "$output"
reset_dirs
rc=0
output="$(CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG='{"peername":"peer0org1"}' "$bin/build" "$work/src" "$work/meta" "$work/out" 2>&1)" || rc=$?
expect_eq "build fills templates from CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG" 0 "$rc"
expect_eq "build: the address template" "peer0org1-cc:7052" "$(jq -r .address "$work/out/connection.json")"
expect_eq "build: the client key template" "key-peer0org1" "$(jq -r .client_key "$work/out/connection.json")"
root_cert="$(jq -j .root_cert "$work/out/connection.json"; echo .)"
expect_eq "build keeps the root certificate's bytes" $'-----BEGIN CERTIFICATE-----\nroot\n-----END CERTIFICATE-----\n.' \
  "$root_cert"
expect_eq "build keeps client_auth_required with TLS" true "$(jq -r .client_auth_required "$work/out/connection.json")"
expect_eq "build copies META-INF" '{"index":{"fields":["owner"]}}' \
  "$(cat "$work/out/META-INF/statedb/couchdb/indexes/owner.json")"

run_step release "$work/out" "$work/release"
expect_eq "release succeeds" 0 "$rc"
expect_eq "release puts connection.json where the peer looks" "$(cat "$work/out/connection.json")" \
  "$(cat "$work/release/chaincode/server/connection.json")"
expect_eq "release copies the CouchDB indexes to statedb/" '{"index":{"fields":["owner"]}}' \
  "$(cat "$work/release/statedb/couchdb/indexes/owner.json")"
rm -rf "$work/src/META-INF"

printf '%s' '{"address":"{{if .x}}a{{end}}"}' >"$work/src/connection.json"
reset_dirs
run_step build "$work/src" "$work/meta" "$work/out"
expect_eq "build refuses template actions it cannot evaluate like Go would" 1 "$rc"
printf '%s' '{"address":"127.0.0.1:1","tls_required":"yes"}' >"$work/src/connection.json"
reset_dirs
run_step build "$work/src" "$work/meta" "$work/out"
expect_eq "build refuses tls_required that is not a boolean" 1 "$rc"
expect_match "build names the field" "tls_required" "$output"
rm "$work/src/connection.json"
reset_dirs
run_step build "$work/src" "$work/meta" "$work/out"
expect_eq "build refuses a package without connection.json" 1 "$rc"
expect_match "build names the missing file" "connection.json not found" "$output"
echo '{"type":"golang"}' >"$work/meta/metadata.json"
reset_dirs
run_step build "$work/src" "$work/meta" "$work/out"
expect_eq "build refuses a package that is not ccaas" 1 "$rc"
expect_match "build says what type it got" "chaincode type should be ccaas, it is golang" "$output"

reset_dirs
run_step release "$work/out" "$work/release"
expect_eq "release refuses a build output without connection.json" 1 "$rc"
run_step release "$work/out"
expect_eq "release refuses too few arguments" 1 "$rc"

# ---- scc-launcher ----
launcher="$SCC_SOURCE_DIR/scripts/fabric/scc-launcher/bin"
launcher_step() {
  rc=0
  output="$("$launcher/$1" "${@:2}" 2>&1)" || rc=$?
}
echo '{"type":"scc","label":"kv"}' >"$work/meta/metadata.json"
launcher_step detect "$work/src" "$work/meta"
expect_eq "the launcher detects type scc" 0 "$rc"
run_step detect "$work/src" "$work/meta"
expect_eq "the ccaas builder leaves scc packages alone" 1 "$rc"
echo '{"type":"ccaas","label":"kv"}' >"$work/meta/metadata.json"
launcher_step detect "$work/src" "$work/meta"
expect_eq "the launcher leaves ccaas packages alone" 1 "$rc"
echo '{"type":"scc","label":"kv"}' >"$work/meta/metadata.json"
reset_dirs
launcher_step build "$work/src" "$work/meta" "$work/out"
expect_eq "the launcher refuses a package without plugin.so" 1 "$rc"
expect_match "the launcher says what is missing" "no plugin.so" "$output"
printf 'ELF?' >"$work/src/plugin.so"
launcher_step build "$work/src" "$work/meta" "$work/out"
expect_eq "the launcher builds a package with plugin.so" 0 "$rc"
expect_eq "build keeps the plugin's bytes" "ELF?" "$(cat "$work/out/plugin.so")"
launcher_step release "$work/out" "$work/release"
expect_eq "the launcher's release succeeds" 0 "$rc"
expect_eq "release writes no connection.json, so the peer runs the chaincode" "" \
  "$(find "$work/release" -name connection.json)"
mkdir -p "$work/run"
echo '{"chaincode_id":"kv:00","peer_address":"127.0.0.1:1","mspid":"Org1MSP"}' >"$work/run/chaincode.json"
rc=0
output="$(env -u SCC_CCAAS "$launcher/run" "$work/out" "$work/run" 2>&1)" || rc=$?
expect_eq "run refuses to start without SCC_CCAAS" 1 "$rc"
expect_match "run says why" "SCC_CCAAS does not name the scc-ccaas binary" "$output"
finish
