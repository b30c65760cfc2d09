#!/usr/bin/env bash
# THE main command: installs missing Debian packages, builds everything into $BUILD_DIR
# (default build/), then runs the example plugin:
#   1. scc-inspect on examples/kvscc's kvscc.so (what the plugin says about itself),
#   2. kvscc-demo, which loads kvscc.so and runs a scripted sequence of invokes,
#   3. tools/scc-peer/demo.sh: scc-peer started on the examples' core.yaml, a scripted run of
#      invokes and queries against every example, then the peer stopped.
# See scripts/common.sh for BUILD_DIR, BUILD_TYPE, JOBS, SCC_SKIP_DEPS.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

banner "install dependencies"
"$SCC_ROOT/scripts/install-deps.sh"

banner "build ($BUILD_TYPE, $BUILD_DIR)"
configure_and_build "$BUILD_DIR" -DCMAKE_BUILD_TYPE="$BUILD_TYPE"

plugin="$BUILD_DIR/examples/kvscc/kvscc.so"
inspect=""
for candidate in "$BUILD_DIR/tools/scc-inspect/scc-inspect" "$BUILD_DIR/tools/scc-inspect"; do
  if [[ -f "$candidate" && -x "$candidate" ]]; then
    inspect="$candidate"
    break
  fi
done
demo="$BUILD_DIR/examples/kvscc/kvscc-demo"

if [[ ! -f "$plugin" ]]; then
  echo "run.sh: $plugin was not built (configured with -DSCC_BUILD_EXAMPLES=OFF?)" >&2
  exit 1
fi

if [[ -n "$inspect" ]]; then
  banner "scc-inspect $plugin"
  "$inspect" "$plugin"
else
  echo "run.sh: scc-inspect not built (SCC_BUILD_TOOLS=OFF?); skipping inspection"
fi

if [[ -f "$demo" && -x "$demo" ]]; then
  banner "kvscc-demo"
  "$demo"
else
  echo "run.sh: $demo not built; nothing more to run"
fi

peer="$BUILD_DIR/tools/scc-peer/scc-peer"
if [[ -x "$peer" ]]; then
  banner "scc-peer with the examples (tools/scc-peer/demo.sh)"
  "$SCC_ROOT/tools/scc-peer/demo.sh" "$BUILD_DIR"
else
  echo "run.sh: $peer not built (SCC_BUILD_TOOLS=OFF?); skipping the scc-peer demo"
fi

banner "done"
