# shellcheck shell=bash
# scripts/fabric14/common.sh - sourced by fabric14-bridge.sh and fabric14-network.sh: where the
# Fabric 1.4.12 tree and its binaries live, and how both are built.
#
# Go plugins load only into a peer built from the same tree, with the same Go and the same
# tags, so the peer and every bridge are built from one GOPATH tree, kept in
#   ${SCC_FABRIC14_CACHE:-~/.cache/scc/fabric-1.4.12}/gopath/src/github.com/hyperledger/fabric
# when it comes from a tarball, with the binaries in .../bin.

fabric14_repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
fabric14_cache="${SCC_FABRIC14_CACHE:-$HOME/.cache/scc/fabric-1.4.12}"
fabric14_import_path="src/github.com/hyperledger/fabric"

fabric14_die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

# The Fabric 1.4.12 source the repository's CI provides beside the checkout, if present.
fabric14_default_source() {
  local candidate="$fabric14_repo_root/../shared/fabric/fabric-1.4.12-src.tar.gz"
  [[ -f "$candidate" ]] && echo "$candidate"
}

# fabric14_use_source DIR|TARBALL: sets FABRIC14_GOPATH and FABRIC14_TREE. A tarball is unpacked
# once into the cache (again only if the tarball changes); a directory must already sit at
# $GOPATH/src/github.com/hyperledger/fabric, as GOPATH mode requires.
fabric14_use_source() {
  local source="$1"
  command -v go >/dev/null || fabric14_die "go is not installed (Debian: apt-get install golang-go)"
  if [[ -d "$source" ]]; then
    local tree
    tree="$(cd "$source" && pwd)"
    [[ "$tree" == */"$fabric14_import_path" ]] ||
      fabric14_die "$source must be a GOPATH tree: \$GOPATH/$fabric14_import_path (Fabric 1.4 builds in GOPATH mode only)"
    [[ -d "$tree/core/chaincode/shim" ]] || fabric14_die "$source is not a Fabric source tree"
    FABRIC14_TREE="$tree"
    FABRIC14_GOPATH="${tree%/"$fabric14_import_path"}"
    FABRIC14_BIN="$FABRIC14_GOPATH/bin"
    return
  fi
  [[ -f "$source" ]] || fabric14_die "no Fabric source at '$source' (a directory or a .tar.gz)"
  FABRIC14_GOPATH="$fabric14_cache/gopath"
  FABRIC14_TREE="$FABRIC14_GOPATH/$fabric14_import_path"
  FABRIC14_BIN="$fabric14_cache/bin"
  local stamp
  stamp="$(cd "$(dirname "$source")" && pwd)/$(basename "$source") $(stat -c '%s %Y' "$source")"
  if [[ ! -f "$FABRIC14_TREE/.scc-source" || "$(cat "$FABRIC14_TREE/.scc-source")" != "$stamp" ]]; then
    echo "Unpacking $source into $FABRIC14_TREE" >&2
    rm -rf "$FABRIC14_TREE" "$FABRIC14_BIN"
    mkdir -p "$FABRIC14_TREE"
    tar -xzf "$source" -C "$FABRIC14_TREE"
    echo "$stamp" >"$FABRIC14_TREE/.scc-source"
  fi
}

fabric14_go() {
  (cd "$FABRIC14_TREE" && GOPATH="$FABRIC14_GOPATH" GO111MODULE=off GOFLAGS='' CGO_ENABLED=1 go "$@")
}

# Builds peer (with plugins enabled), orderer, configtxgen and cryptogen into $FABRIC14_BIN
# unless they are there already. About 90 s on two cores with a cold Go cache.
fabric14_build_binaries() {
  local missing=0 tool
  for tool in peer orderer configtxgen cryptogen; do
    [[ -x "$FABRIC14_BIN/$tool" ]] || missing=1
  done
  [[ $missing -eq 0 ]] && return
  echo "Building the Fabric 1.4 peer (-tags pluginsenabled), orderer, configtxgen, cryptogen into $FABRIC14_BIN" >&2
  mkdir -p "$FABRIC14_BIN"
  fabric14_go build -tags pluginsenabled -o "$FABRIC14_BIN/" ./peer ./orderer \
    ./common/tools/configtxgen ./common/tools/cryptogen
}
