#!/usr/bin/env bash
# Installs the Debian 12 packages scc needs to build and test. Idempotent: when every package
# is already installed it does nothing (no apt-get update), so repeated runs are fast.
# Runs apt-get as root, or through sudo when not root. Set SCC_SKIP_DEPS=1 to skip entirely.
set -euo pipefail

packages=(
  build-essential
  cmake
  libboost-dev
  libboost-context-dev
  libprotobuf-dev
  protobuf-compiler
  libfmt-dev
  doctest-dev
  nlohmann-json3-dev
  libbenchmark-dev
  libyaml-cpp-dev
  libleveldb-dev
  libcli11-dev
  libssl-dev
  libgrpc++-dev
  protobuf-compiler-grpc
  golang-go
  git
  jq
  openssl
  iproute2
  clang
  libclang-rt-14-dev
  binutils
)

if [[ "${SCC_SKIP_DEPS:-0}" == "1" ]]; then
  echo "install-deps: SCC_SKIP_DEPS=1, not checking packages"
  exit 0
fi

if ! command -v dpkg >/dev/null 2>&1; then
  echo "install-deps: no dpkg (not Debian?); install these or their equivalents yourself:" >&2
  echo "  ${packages[*]}" >&2
  exit 0
fi

# Node and npm for the fabric-shim interop tests. Debian's npm package conflicts with a
# nodejs that already bundles npm, so npm is asked for only when the command is missing.
packages+=(nodejs)
if ! command -v npm >/dev/null 2>&1; then
  packages+=(npm)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg -s "$package" 2>/dev/null | grep -q '^Status: install ok installed$'; then
    missing+=("$package")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
if [[ "$(id -u)" -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "install-deps: not root and no sudo; as root, run:" >&2
  echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends "${missing[@]}"
