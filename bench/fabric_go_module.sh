# shellcheck shell=bash
# Sourced by the benches that build Go code against Fabric's own vendored modules (its Go
# chaincode shim, shimtest), offline: the Fabric 2.5 source's go.mod, go.sum and vendor/ become
# a Go module in a cache folder, once, and the bench adds its package inside it.

# fabric_go_module MODULE_DIR FABRIC_SRC: MODULE_DIR holds Fabric's go.mod, go.sum and vendor/,
# taken from FABRIC_SRC (a source tarball or folder) unless it does already.
fabric_go_module() {
  local module="$1" src="$2"
  [ -f "$module/go.mod" ] && return 0
  echo "bench: extracting go.mod and vendor/ from $src into $module" >&2
  mkdir -p "$module"
  if [ -d "$src" ]; then
    cp -r "$src/go.mod" "$src/go.sum" "$src/vendor" "$module/"
  else
    tar -xzf "$src" -C "$module" ./go.mod ./go.sum ./vendor
  fi
}
