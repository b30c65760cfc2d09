# Sourced by run.sh and test.sh. Not meant to be run on its own.
#
# Environment:
#   BUILD_DIR    main build tree (default: build), relative to the repository root or absolute
#   BUILD_TYPE   CMAKE_BUILD_TYPE of the main build (default: RelWithDebInfo)
#   JOBS         parallel build jobs (default: nproc)
#   SCC_SKIP_DEPS=1  do not check/install Debian packages

SCC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$SCC_ROOT"

BUILD_DIR="${BUILD_DIR:-build}"
BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}"
JOBS="${JOBS:-$(nproc 2>/dev/null || echo 2)}"

banner() {
  printf '\n==== %s ====\n' "$*"
}

# configure_and_build <build-dir> <cmake args>...
configure_and_build() {
  local dir="$1"
  shift
  cmake -S "$SCC_ROOT" -B "$dir" "$@" && cmake --build "$dir" --parallel "$JOBS"
}
