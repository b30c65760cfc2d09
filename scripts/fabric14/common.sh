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

# fabric14_use_source DIR|TARBALL: sets FABRIC14_GOPATH, FABRIC14_TREE and FABRIC14_BIN. A tarball
# is unpacked once into the cache (again only if its content changes); a directory must sit at
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
    FABRIC14_SOURCE_DIGEST=""  # a tree of the user's: its binaries are rebuilt by removing them
    return
  fi
  [[ -f "$source" ]] || fabric14_die "no Fabric source at '$source' (a directory or a .tar.gz)"
  FABRIC14_GOPATH="$fabric14_cache/gopath"
  FABRIC14_TREE="$FABRIC14_GOPATH/$fabric14_import_path"
  FABRIC14_BIN="$fabric14_cache/bin"
  # The tarball's content, not its path or mtime: a CI that provides the same tarball afresh for
  # each job (a new copy, a new mtime) must not cost a new tree, let alone new binaries.
  FABRIC14_SOURCE_DIGEST="$(sha256sum <"$source" | cut -c1-64)"
  if [[ ! -f "$FABRIC14_TREE/.scc-source" || "$(cat "$FABRIC14_TREE/.scc-source")" != "$FABRIC14_SOURCE_DIGEST" ]]; then
    echo "Unpacking $source into $FABRIC14_TREE" >&2
    # Only the tree: the binaries are rebuilt when their own key (fabric14_binaries_key) says
    # their source changed, not because the tree was unpacked again.
    rm -rf "$FABRIC14_TREE"
    mkdir -p "$FABRIC14_TREE"
    tar -xzf "$source" -C "$FABRIC14_TREE"
    echo "$FABRIC14_SOURCE_DIGEST" >"$FABRIC14_TREE/.scc-source"
  fi
}

# What the binaries in $FABRIC14_BIN were built from: the source tarball's digest and the Go
# toolchain (a peer only loads plugins built with its own Go).
fabric14_binaries_key() {
  printf '%s %s\n' "$FABRIC14_SOURCE_DIGEST" "$(go env GOVERSION)"
}

fabric14_go() {
  (cd "$FABRIC14_TREE" && GOPATH="$FABRIC14_GOPATH" GO111MODULE=off GOFLAGS='' CGO_ENABLED=1 go "$@")
}

# Builds peer (with plugins enabled), orderer, configtxgen and cryptogen into $FABRIC14_BIN
# unless they are there already, built from the same tarball with the same Go. About 90 s on two cores with a cold Go cache.
fabric14_build_binaries() {
  local missing=0 tool key
  key="$(fabric14_binaries_key)"
  for tool in peer orderer configtxgen cryptogen; do
    [[ -x "$FABRIC14_BIN/$tool" ]] || missing=1
  done
  if [[ -n "$FABRIC14_SOURCE_DIGEST" ]]; then
    [[ -f "$FABRIC14_BIN/.scc-key" && "$(cat "$FABRIC14_BIN/.scc-key")" == "$key" ]] || missing=1
  fi
  [[ $missing -eq 0 ]] && return
  echo "Building the Fabric 1.4 peer (-tags pluginsenabled), orderer, configtxgen, cryptogen into $FABRIC14_BIN" >&2
  mkdir -p "$FABRIC14_BIN"
  rm -f "$FABRIC14_BIN/.scc-key"
  fabric14_go build -tags pluginsenabled -o "$FABRIC14_BIN/" ./peer ./orderer \
    ./common/tools/configtxgen ./common/tools/cryptogen
  echo "$key" >"$FABRIC14_BIN/.scc-key"
}
