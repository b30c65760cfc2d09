#!/usr/bin/env bash
# Where fabric-network.sh gets its binaries, besides the shared source tarball the other
# scenarios use: prebuilt ones (FABRIC_BIN), and a clone of a tag (FABRIC_SRC=git:TAG, the
# default when no tarball is beside the checkout). The clone comes from a local repository
# standing in for GitHub, holding six trivial commands in Fabric's layout, so that the whole
# path (clone, build, cache, reuse) runs in seconds and offline.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_network

work="$(mktemp -d)"
second_net="$work/net"
cleanup() {
  "$NETWORK_SCRIPT" --dir "$second_net" down >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

bin="$(sed -n 's/^FABRIC_BIN=//p' "$FABRIC_NET_DIR/ports.env")"
base="$(sed -n 's/^BASE_PORT=//p' "$FABRIC_NET_DIR/ports.env")"

# ---- FABRIC_BIN: prebuilt binaries, nothing built ----
rc=0
output="$(FABRIC_BIN="$bin" FABRIC_CACHE="$work/empty-cache" FABRIC_BASE_PORT=$((base + 8000)) \
  "$NETWORK_SCRIPT" --dir "$second_net" up 2>&1)" || rc=$?
expect_eq "up with FABRIC_BIN succeeds" 0 "$rc"
[[ $rc -eq 0 ]] || printf '%s\n' "$output"
expect_eq "the network runs FABRIC_BIN's binaries" "$bin" \
  "$(sed -n 's/^FABRIC_BIN=//p' "$second_net/ports.env" 2>/dev/null)"
expect_eq "nothing was built or cached" "" "$(ls -A "$work/empty-cache" 2>/dev/null)"
channels="$(set -a; . "$second_net/env/org1-admin.env"; "$bin/peer" channel list 2>/dev/null || true)"
expect_match "its peer0.org1 joined mychannel" $'\nmychannel$' "$channels"
pids=()
for file in "$second_net"/pids/*.pid; do pids+=("$(cat "$file")"); done
"$NETWORK_SCRIPT" --dir "$second_net" down >/dev/null 2>&1
still=""
for pid in "${pids[@]}"; do
  # A zombie has stopped; only its parent (here possibly an init that does not reap) is late.
  state="$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -c1)" || true
  [[ -z "$state" || "$state" == Z || "$state" == X ]] || still+=" $pid"
done
expect_eq "down stops every process it started (${#pids[@]})" "" "$still"

mkdir -p "$work/partial/bin"
for tool in peer orderer configtxgen cryptogen configtxlator; do ln -s "$bin/$tool" "$work/partial/bin/$tool"; done
rc=0
output="$(FABRIC_BIN="$work/partial/bin" "$NETWORK_SCRIPT" --dir "$work/partial-net" build 2>&1)" || rc=$?
expect_eq "FABRIC_BIN without osnadmin is refused" 1 "$rc"
expect_eq "the refusal names the missing tool" "fabric-network: $work/partial/bin/osnadmin is missing" "$output"

# ---- FABRIC_SRC=git:TAG: clone, build, cache, reuse ----
command -v go >/dev/null || skip "Go is not installed"
repo="$work/fabric.git"
mkdir -p "$repo/sampleconfig"
printf 'module github.com/hyperledger/fabric\n\ngo 1.18\n' >"$repo/go.mod"
for tool in peer orderer configtxgen cryptogen osnadmin configtxlator; do
  mkdir -p "$repo/cmd/$tool"
  printf 'package main\n\nfunc main() { println("%s") }\n' "$tool" >"$repo/cmd/$tool/main.go"
done
mkdir -p "$repo/common/metadata"
printf 'package metadata\n\nvar Version, CommitSHA string\n' >"$repo/common/metadata/metadata.go"
for file in core.yaml orderer.yaml configtx.yaml; do echo "# $file" >"$repo/sampleconfig/$file"; done
git -C "$repo" init --quiet
git -C "$repo" add .
git -C "$repo" -c user.name=scc -c user.email=scc@localhost commit --quiet -m "a stand-in Fabric"
git -C "$repo" tag v2.5.4
cache="$work/cache"
clone_build() {
  FABRIC_BIN="" FABRIC_CACHE="$cache" FABRIC_SRC=git:v2.5.4 FABRIC_GIT_URL="$repo" \
    "$NETWORK_SCRIPT" --dir "$work/clone-net" build 2>&1
}
rc=0
output="$(clone_build)" || rc=$?
expect_eq "a build from git:v2.5.4 succeeds" 0 "$rc"
expect_match "it says it clones the tag" "cloning hyperledger/fabric v2.5.4 into $cache/src-v2.5.4" "$output"
expect_match "then builds" "building Fabric 2.5.4" "$output"
expect_eq "the clone is the tagged commit" "$(git -C "$repo" rev-parse v2.5.4)" \
  "$(git -C "$cache/src-v2.5.4" rev-parse HEAD 2>/dev/null)"
built="$(tail -n 1 <<<"$output")"
expect_eq "the cached peer is the one built from the clone" "peer" "$("$built/peer" 2>&1)"
expect_eq "sampleconfig is cached beside it" "# core.yaml" "$(cat "$built/../config/core.yaml" 2>/dev/null)"
rc=0
output="$(clone_build)" || rc=$?
expect_eq "a second build reuses the clone and the binaries" "0 $built" "$rc $output"

rc=0
output="$(FABRIC_BIN="" FABRIC_CACHE="$cache" FABRIC_SRC=git:v9.9.9 FABRIC_GIT_URL="$repo" \
  "$NETWORK_SCRIPT" --dir "$work/clone-net" build 2>&1)" || rc=$?
expect_eq "a tag that does not exist is refused" 1 "$rc"
expect_match "with what to do instead" "could not clone Fabric v9.9.9; set FABRIC_SRC to a source tarball or folder" "$output"
expect_eq "and no half clone is left" "" "$(ls -d "$cache"/src-v9.9.9* 2>/dev/null)"
finish
