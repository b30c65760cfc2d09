#!/usr/bin/env bash
# scripts/fabric-network.sh: a real Hyperledger Fabric 2.5 network on 127.0.0.1, no Docker, for
# serving scc plugins as chaincode (chaincode as a service, through tools/scc-ccaas).
#
# Usage: scripts/fabric-network.sh [--dir NET] COMMAND [ARGS]
#   build     build the Fabric binaries once (cached) and print their folder
#   up        a fresh network: 1 etcdraft orderer (channel participation, no system channel) and
#             2 orgs with 1 peer each, TLS on, channel mychannel, the peers using the ccaas
#             builder in scripts/fabric/ccaas-builder. Writes NET/env.sh (the peer CLI as Org1's
#             admin) and NET/env-org2.sh (Org2's). A network already running in NET is stopped first.
#   deploy NAME PLUGIN.so [--collections-config F] [--tls] [--version V] [--signature-policy P]
#             scc-ccaas package, scc-ccaas serve, install on both peers, approve for both orgs,
#             commit. Idempotent: again with the same arguments it changes nothing; with another
#             plugin file it restarts the server; with another definition it commits the next
#             sequence. --tls: mutual TLS between peers and chaincode server (a CA made here).
#   deploy NAME PLUGIN.so --peer-launched [--collections-config F] [--version V]
#             the package carries the plugin; each peer builds it with scripts/fabric/scc-launcher
#             and starts scc-ccaas itself, which dials the peer (the classic chaincode mode, TLS
#             set up by the peer). NET/pids records those processes too.
#   deploy NAME --server-command CMD [...]
#             the same with another chaincode server, e.g. a fabric-shim one: CMD runs under bash
#             with CHAINCODE_ID, CHAINCODE_SERVER_ADDRESS (and CHAINCODE_TLS_KEY, _CERT,
#             CHAINCODE_CLIENT_CA_CERT with --tls); the package is written by this script.
#   invoke NAME '{"Args":[...]}' [--transient JSON] [--org 1|2] [--user Admin|User1] [--peer 1|2] [-- FLAGS]
#   query  NAME '{"Args":[...]}' [--transient JSON] [--org 1|2] [--user Admin|User1] [--peer 1|2] [-- FLAGS]
#             the real `peer chaincode invoke --waitForEvent` (endorsed by both peers, or --peer)
#             and `peer chaincode query`, with the orderer and TLS flags filled in; the CLI's own
#             output and exit status, unchanged. FLAGS after -- go to the CLI as they are.
#   fetch-block [newest|oldest|N]
#             a block as peer0.org1 committed it, decoded to JSON (events, validation codes)
#   down      stop every process this network started, by its recorded pid; none is left
#   status    the recorded processes and whether they run
#
# Every process listens on 127.0.0.1 only; NET/pids holds their pids, NET/logs their output.
# Ports, from FABRIC_BASE_PORT (B, default 7050): orderer B, its admin B+3, operations B+1393;
# peer0.org1 B+1 (chaincode B+2, operations B+2394); peer0.org2 B+2001 (B+2002, B+2395);
# chaincode servers from B+2949 up. With the default: 7050, 7053, 8443; 7051; 9051; 9999.
#
# Environment:
#   FABRIC_NET_DIR  network folder (default: build/fabric-net in this checkout; --dir wins)
#   FABRIC_SRC      Fabric source, a tarball or a folder (default: ../shared/fabric/fabric-2.5.4-src.tar.gz
#                   beside the checkout when present, else a clone of tag v2.5.4)
#   FABRIC_BIN      use these prebuilt binaries (peer, orderer, configtxgen, cryptogen, osnadmin,
#                   configtxlator) and FABRIC_BIN/../config/{core,orderer}.yaml instead of building
#   FABRIC_CACHE    binary cache (default: ~/.cache/scc/fabric)
#   FABRIC_GIT_URL  where FABRIC_SRC=git:TAG clones from (default: https://github.com/hyperledger/fabric.git)
#   SCC_CCAAS       the scc-ccaas binary (default: build/tools/scc-ccaas/scc-ccaas in this checkout)
#   FABRIC_BASE_PORT        see Ports
#   FABRIC_EXECUTE_TIMEOUT  the peers' chaincode.executetimeout (default 30s)
#   FABRIC_BATCH_TIMEOUT    the orderer's batch timeout (default 250ms)
#   FABRIC_LOGGING_SPEC     the nodes' log levels (default info)
set -euo pipefail

readonly FABRIC_VERSION=2.5.4
readonly CHANNEL=mychannel
# configtxlator decodes blocks (chaincode events, validation codes) for tests and users.
readonly FABRIC_TOOLS=(peer orderer configtxgen cryptogen osnadmin configtxlator)
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
TEMPLATES="$SCRIPT_DIR/fabric"
CACHE_ROOT="${FABRIC_CACHE:-$HOME/.cache/scc/fabric}"

die() {
  echo "fabric-network: $*" >&2
  exit 1
}
note() {
  echo "fabric-network: $*" >&2
}

# ---------------------------------------------------------------------------------------------
# Binaries: built once from FABRIC_SRC, cached by Fabric version, source digest and Go version.
# ---------------------------------------------------------------------------------------------

default_fabric_src() {
  local shared="$REPO_ROOT/../shared/fabric/fabric-$FABRIC_VERSION-src.tar.gz"
  if [[ -f "$shared" ]]; then
    (cd "$(dirname "$shared")" && echo "$(pwd)/$(basename "$shared")")
  else
    echo "git:v$FABRIC_VERSION"
  fi
}

# A short digest that changes whenever the source does.
source_digest() {
  local src="$1"
  if [[ -f "$src" ]]; then
    sha256sum "$src" | cut -c1-16
  elif [[ -d "$src/.git" ]] && git -C "$src" diff --quiet HEAD 2>/dev/null; then
    git -C "$src" rev-parse HEAD | cut -c1-16
  else
    # A folder without a clean git tree: every Go file's path, size and mtime.
    (cd "$src" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum -o -name '*.yaml' \) \
      -printf '%p %s %T@\n' | LC_ALL=C sort | sha256sum | cut -c1-16)
  fi
}

cache_complete() {
  local tool
  for tool in "${FABRIC_TOOLS[@]}"; do
    [[ -x "$1/bin/$tool" ]] || return 1
  done
  [[ -f "$1/config/core.yaml" && -f "$1/config/orderer.yaml" ]]
}

build_fabric() {
  local src="${FABRIC_SRC:-$(default_fabric_src)}"
  command -v go >/dev/null || die "Go is needed to build Fabric (Debian: apt-get install golang-go)"
  mkdir -p "$CACHE_ROOT"
  if [[ "$src" == git:* ]]; then
    local tag="${src#git:}" clone="$CACHE_ROOT/src-${src#git:}"
    if [[ ! -d "$clone/.git" ]]; then
      note "cloning hyperledger/fabric $tag into $clone"
      rm -rf "$clone.tmp"
      git clone --quiet --depth 1 --branch "$tag" "${FABRIC_GIT_URL:-https://github.com/hyperledger/fabric.git}" \
        "$clone.tmp" || die "could not clone Fabric $tag; set FABRIC_SRC to a source tarball or folder"
      mv "$clone.tmp" "$clone"
    fi
    src="$clone"
  fi
  [[ -e "$src" ]] || die "FABRIC_SRC=$src does not exist"
  src="$(cd "$(dirname "$src")" && echo "$(pwd)/$(basename "$src")")"
  local go_version key dest
  go_version="$(go env GOVERSION)"
  key="$FABRIC_VERSION-$(source_digest "$src")-$go_version"
  dest="$CACHE_ROOT/$key"
  if cache_complete "$dest"; then
    echo "$dest"
    return
  fi
  # One build at a time per cache; a second caller waits and then finds the result.
  exec 9>"$CACHE_ROOT/.build.lock"
  flock 9
  if cache_complete "$dest"; then
    exec 9>&-
    echo "$dest"
    return
  fi
  local work="$CACHE_ROOT/.build-$key.$$"
  rm -rf "$work"
  mkdir -p "$work/bin" "$work/config"
  local tree="$src"
  if [[ -f "$src" ]]; then
    note "extracting $src"
    mkdir -p "$work/src"
    tar -xzf "$src" -C "$work/src"
    tree="$work/src"
  fi
  [[ -f "$tree/go.mod" && -d "$tree/cmd/peer" ]] || die "$src is not a Fabric source tree (no go.mod, cmd/peer)"
  note "building Fabric $FABRIC_VERSION ($go_version) into $dest; this takes about 3 minutes once"
  local started=$SECONDS pkg=github.com/hyperledger/fabric packages=() tool
  for tool in "${FABRIC_TOOLS[@]}"; do
    packages+=("./cmd/$tool")
  done
  (
    cd "$tree"
    GOFLAGS=-mod=vendor GOPROXY=off CGO_ENABLED="${CGO_ENABLED:-1}" go build -buildvcs=false \
      -ldflags "-X $pkg/common/metadata.Version=$FABRIC_VERSION -X $pkg/common/metadata.CommitSHA=$key" \
      -o "$work/bin/" "${packages[@]}"
  ) >"$work/build.log" 2>&1 || {
    cat "$work/build.log" >&2
    rm -rf "$work"
    die "the Fabric build failed (log above)"
  }
  cp "$tree/sampleconfig/core.yaml" "$tree/sampleconfig/orderer.yaml" "$tree/sampleconfig/configtx.yaml" \
    "$work/config/"
  echo "$src" >"$work/source"
  rm -rf "$work/src"
  rm -rf "$dest"
  mv "$work" "$dest"
  exec 9>&-
  note "built in $((SECONDS - started)) s"
  echo "$dest"
}

# Sets BIN and SAMPLECONFIG.
resolve_binaries() {
  if [[ -n "${FABRIC_BIN:-}" ]]; then
    BIN="$(cd "$FABRIC_BIN" && pwd)"
    SAMPLECONFIG="${FABRIC_CONFIG:-$BIN/../config}"
  else
    local dest
    dest="$(build_fabric)"
    BIN="$dest/bin"
    SAMPLECONFIG="$dest/config"
  fi
  local tool
  for tool in "${FABRIC_TOOLS[@]}"; do
    [[ -x "$BIN/$tool" ]] || die "$BIN/$tool is missing"
  done
  [[ -f "$SAMPLECONFIG/core.yaml" && -f "$SAMPLECONFIG/orderer.yaml" ]] ||
    die "$SAMPLECONFIG has no core.yaml and orderer.yaml (Fabric's sampleconfig)"
}

# ---------------------------------------------------------------------------------------------
# Network layout. Every port is an offset from FABRIC_BASE_PORT; the default base, 7050, gives
# the ports Fabric's samples use (orderer 7050, peers 7051 and 9051).
# ---------------------------------------------------------------------------------------------

# Sets NET and the port variables; writes nothing.
network_layout() {
  local base
  if [[ -f "$NET/ports.env" ]]; then
    # A network that exists keeps the ports it was created with.
    base="$(sed -n 's/^BASE_PORT=//p' "$NET/ports.env")"
  else
    base="${FABRIC_BASE_PORT:-7050}"
  fi
  [[ "$base" =~ ^[0-9]+$ && "$base" -ge 1024 && "$base" -le 62000 ]] ||
    die "FABRIC_BASE_PORT must be a number from 1024 to 62000, not '$base'"
  BASE_PORT=$base
  ORDERER_PORT=$base
  PEER1_PORT=$((base + 1))
  PEER1_CC_PORT=$((base + 2))
  ORDERER_ADMIN_PORT=$((base + 3))
  ORDERER_OPS_PORT=$((base + 1393))
  PEER2_PORT=$((base + 2001))
  PEER2_CC_PORT=$((base + 2002))
  PEER1_OPS_PORT=$((base + 2394))
  PEER2_OPS_PORT=$((base + 2395))
  FIRST_CHAINCODE_PORT=$((base + 2949))
  ORGS_DIR="$NET/organizations"
  ORDERER_ORG="$ORGS_DIR/ordererOrganizations/example.com"
  ORDERER_CA="$ORDERER_ORG/tlsca/tlsca.example.com-cert.pem"
  # Both orgs' peers: the default endorsement policy (MAJORITY of two orgs) needs both.
  peer_flags=(--peerAddresses "127.0.0.1:$PEER1_PORT" --tlsRootCertFiles "$ORGS_DIR/peerOrganizations/org1.example.com/tlsca/tlsca.org1.example.com-cert.pem"
    --peerAddresses "127.0.0.1:$PEER2_PORT" --tlsRootCertFiles "$ORGS_DIR/peerOrganizations/org2.example.com/tlsca/tlsca.org2.example.com-cert.pem")
}

peer_port() {
  if [[ "$1" == 1 ]]; then echo "$PEER1_PORT"; else echo "$PEER2_PORT"; fi
}
org_dir() {
  echo "$ORGS_DIR/peerOrganizations/org$1.example.com"
}
tls_ca_of_org() {
  echo "$(org_dir "$1")/tlsca/tlsca.org$1.example.com-cert.pem"
}

# ---------------------------------------------------------------------------------------------
# Processes: each started detached, with its pid in $NET/pids/NAME.pid and its output in
# $NET/logs/NAME.log; stopped only through that pid.
# ---------------------------------------------------------------------------------------------

# start_process NAME ENVFILE PROGRAM ARGS...
start_process() {
  local name="$1" envfile="$2"
  shift 2
  mkdir -p "$NET/pids" "$NET/logs"
  # setsid: the network outlives the shell (or ctest) that started it, and a Ctrl-C there does
  # not reach it. The child is not a group leader, so setsid execs in place and $! is the pid.
  setsid bash -c 'set -a; . "$1"; set +a; shift; exec "$@"' start_process "$envfile" "$@" \
    >>"$NET/logs/$name.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$NET/pids/$name.pid"
  process_start_time "$pid" >"$NET/pids/$name.started" || true
}

# The start time of process PID in clock ticks since boot (field 22 of /proc/PID/stat), which
# tells a process from a later one that reuses its pid.
process_start_time() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  # Fields after the command name, which is in parentheses and may hold spaces.
  stat="${stat##*) }"
  awk '{ print $20 }' <<<"$stat"
}

# Whether process PID runs: a killed process whose new parent has not reaped it yet is a
# zombie that kill -0 still finds.
alive() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ "${stat:0:1}" != Z && "${stat:0:1}" != X ]]
}

# The pid recorded for NAME if that very process still runs.
running_pid() {
  local file="$NET/pids/$1.pid" pid
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file")"
  [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  [[ "$(process_start_time "$pid")" == "$(cat "$NET/pids/$1.started" 2>/dev/null)" ]] || return 1
  echo "$pid"
}

# stop_processes NAME...: SIGTERM to each, then SIGKILL to any still running 5 s later.
stop_processes() {
  local name pid pids=() names=()
  for name in "$@"; do
    if pid="$(running_pid "$name")"; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
      names+=("$name")
    fi
  done
  local waited=0 i any_alive=0
  while [[ $waited -lt 100 ]]; do
    any_alive=0
    for pid in "${pids[@]}"; do
      alive "$pid" && any_alive=1
    done
    [[ $any_alive -eq 1 ]] || break
    sleep 0.05
    waited=$((waited + 1))
  done
  for i in "${!pids[@]}"; do
    if alive "${pids[$i]}"; then
      note "${names[$i]} (pid ${pids[$i]}) did not stop on SIGTERM within 5 s; sending SIGKILL"
      kill -KILL "${pids[$i]}" 2>/dev/null || true
    fi
    note "stopped ${names[$i]} (pid ${pids[$i]})"
  done
  for name in "$@"; do
    rm -f "$NET/pids/$name.pid" "$NET/pids/$name.started"
  done
}

stop_process() {
  stop_processes "$1"
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

port_in_use_or_die() {
  local port
  for port in "$@"; do
    if port_open "$port"; then
      die "127.0.0.1:$port is already in use (another network? set FABRIC_BASE_PORT or run down)"
    fi
  done
}

# wait_for NAME SECONDS COMMAND...: polls COMMAND every 50 ms while process NAME runs.
wait_for() {
  local name="$1" seconds="$2"
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    if ! running_pid "$name" >/dev/null; then
      tail -n 30 "$NET/logs/$name.log" >&2 || true
      die "$name exited while starting (log: $NET/logs/$name.log)"
    fi
    if [[ $SECONDS -ge $deadline ]]; then
      tail -n 30 "$NET/logs/$name.log" >&2 || true
      die "$name did not get ready within $seconds s (log: $NET/logs/$name.log)"
    fi
    sleep 0.05
  done
}

# retry SECONDS COMMAND...: runs COMMAND until it succeeds, for at most SECONDS; its last
# output goes to stderr when it never succeeds.
retry() {
  local seconds="$1"
  shift
  local deadline=$((SECONDS + seconds)) output
  while true; do
    if output="$("$@" 2>&1)"; then
      [[ -z "$output" ]] || printf '%s\n' "$output" >>"$NET/logs/cli.log"
      return 0
    fi
    if [[ $SECONDS -ge $deadline ]]; then
      printf '%s\n' "$output" >&2
      return 1
    fi
    sleep 0.2
  done
}

# ---------------------------------------------------------------------------------------------
# Environment files
# ---------------------------------------------------------------------------------------------

write_node_env_files() {
  local od="$ORDERER_ORG/orderers/orderer.example.com"
  mkdir -p "$NET/env"
  cat >"$NET/env/orderer.env" <<ENV
FABRIC_CFG_PATH=$NET/config
FABRIC_LOGGING_SPEC=${FABRIC_LOGGING_SPEC:-info}
ORDERER_GENERAL_LISTENADDRESS=127.0.0.1
ORDERER_GENERAL_LISTENPORT=$ORDERER_PORT
ORDERER_GENERAL_LOCALMSPID=OrdererMSP
ORDERER_GENERAL_LOCALMSPDIR=$od/msp
ORDERER_GENERAL_TLS_ENABLED=true
ORDERER_GENERAL_TLS_PRIVATEKEY=$od/tls/server.key
ORDERER_GENERAL_TLS_CERTIFICATE=$od/tls/server.crt
ORDERER_GENERAL_TLS_ROOTCAS=[$od/tls/ca.crt]
ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE=$od/tls/server.crt
ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY=$od/tls/server.key
ORDERER_GENERAL_CLUSTER_ROOTCAS=[$od/tls/ca.crt]
ORDERER_GENERAL_BOOTSTRAPMETHOD=none
ORDERER_CHANNELPARTICIPATION_ENABLED=true
ORDERER_FILELEDGER_LOCATION=$NET/data/orderer
ORDERER_CONSENSUS_WALDIR=$NET/data/orderer/etcdraft/wal
ORDERER_CONSENSUS_SNAPDIR=$NET/data/orderer/etcdraft/snapshot
ORDERER_OPERATIONS_LISTENADDRESS=127.0.0.1:$ORDERER_OPS_PORT
ORDERER_ADMIN_LISTENADDRESS=127.0.0.1:$ORDERER_ADMIN_PORT
ORDERER_ADMIN_TLS_ENABLED=true
ORDERER_ADMIN_TLS_PRIVATEKEY=$od/tls/server.key
ORDERER_ADMIN_TLS_CERTIFICATE=$od/tls/server.crt
ORDERER_ADMIN_TLS_ROOTCAS=[$od/tls/ca.crt]
ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED=true
ORDERER_ADMIN_TLS_CLIENTROOTCAS=[$od/tls/ca.crt]
ENV
  local n port cc_port ops_port pd
  for n in 1 2; do
    port="$(peer_port "$n")"
    if [[ $n == 1 ]]; then cc_port=$PEER1_CC_PORT ops_port=$PEER1_OPS_PORT; else cc_port=$PEER2_CC_PORT ops_port=$PEER2_OPS_PORT; fi
    pd="$(org_dir "$n")/peers/peer0.org$n.example.com"
    cat >"$NET/env/peer$n.env" <<ENV
FABRIC_CFG_PATH=$NET/config
FABRIC_LOGGING_SPEC=${FABRIC_LOGGING_SPEC:-info}
CORE_PEER_ID=peer0.org$n.example.com
CORE_PEER_LOCALMSPID=Org${n}MSP
CORE_PEER_MSPCONFIGPATH=$pd/msp
CORE_PEER_LISTENADDRESS=127.0.0.1:$port
CORE_PEER_ADDRESS=127.0.0.1:$port
CORE_PEER_CHAINCODELISTENADDRESS=127.0.0.1:$cc_port
CORE_PEER_CHAINCODEADDRESS=127.0.0.1:$cc_port
CORE_PEER_GOSSIP_BOOTSTRAP=127.0.0.1:$port
CORE_PEER_GOSSIP_ENDPOINT=127.0.0.1:$port
CORE_PEER_GOSSIP_EXTERNALENDPOINT=127.0.0.1:$port
CORE_PEER_TLS_ENABLED=true
CORE_PEER_TLS_CERT_FILE=$pd/tls/server.crt
CORE_PEER_TLS_KEY_FILE=$pd/tls/server.key
CORE_PEER_TLS_ROOTCERT_FILE=$pd/tls/ca.crt
CORE_PEER_FILESYSTEMPATH=$NET/data/peer$n
CORE_LEDGER_SNAPSHOTS_ROOTDIR=$NET/data/peer$n/snapshots
CORE_OPERATIONS_LISTENADDRESS=127.0.0.1:$ops_port
CORE_CHAINCODE_EXECUTETIMEOUT=$EXECUTE_TIMEOUT
SCC_CCAAS=${SCC_CCAAS:-$REPO_ROOT/build/tools/scc-ccaas/scc-ccaas}
SCC_LAUNCHER_PIDS=$NET/pids
ENV
  done
  for n in 1 2; do
    write_cli_env "$n" Admin >"$NET/env/org$n-admin.env"
  done
  # For users: `. env.sh` sets up the peer CLI as Org1's admin, `. env-org2.sh` as Org2's.
  {
    echo "# Generated by scripts/fabric-network.sh up: the peer CLI as Org1's admin."
    write_cli_env 1 Admin | sed 's/^/export /'
    echo "export PATH=\"$BIN:\$PATH\""
  } >"$NET/env.sh"
  {
    echo "# Generated by scripts/fabric-network.sh up: the peer CLI as Org2's admin."
    write_cli_env 2 Admin | sed 's/^/export /'
    echo "export PATH=\"$BIN:\$PATH\""
  } >"$NET/env-org2.sh"
}

# write_cli_env ORG USER: the peer CLI's settings for USER (Admin, User1) of Org ORG.
write_cli_env() {
  local n="$1" user="$2" od
  od="$(org_dir "$n")"
  cat <<ENV
FABRIC_CFG_PATH=$NET/config
CORE_PEER_LOCALMSPID=Org${n}MSP
CORE_PEER_MSPCONFIGPATH=$od/users/$user@org$n.example.com/msp
CORE_PEER_ADDRESS=127.0.0.1:$(peer_port "$n")
CORE_PEER_TLS_ENABLED=true
CORE_PEER_TLS_ROOTCERT_FILE=$(tls_ca_of_org "$n")
CHANNEL_NAME=$CHANNEL
ORDERER_ADDRESS=127.0.0.1:$ORDERER_PORT
ORDERER_CA=$ORDERER_CA
ORG1_TLS_CA=$(tls_ca_of_org 1)
ORG2_TLS_CA=$(tls_ca_of_org 2)
ENV
}

# Runs the peer CLI as USER of ORG: as_cli ORG USER peer-args...
as_cli() {
  local n="$1" user="$2"
  shift 2
  [[ -d "$(org_dir "$n")/users/$user@org$n.example.com/msp" ]] ||
    die "Org$n has no user '$user' (there are Admin and User1)"
  (
    set -a
    # shellcheck disable=SC1090
    . <(write_cli_env "$n" "$user")
    set +a
    "$BIN/peer" "$@"
  )
}

write_config_files() {
  mkdir -p "$NET/config"
  cp "$SAMPLECONFIG/orderer.yaml" "$NET/config/orderer.yaml"
  # core.yaml: Fabric's sample with the two edits a Docker-less CCaaS peer needs. Both are edited
  # in the file because an empty string and a list cannot come from the environment.
  # The second builder, scc-launcher, takes packages that carry the plugin itself and has the
  # peer start scc-ccaas for them (deploy --peer-launched).
  sed -e 's|^\(    endpoint:\) unix:///var/run/docker.sock$|\1 ""|' \
    -e 's|^\( *- name:\) ccaas_builder$|\1 scc_ccaas_builder|' \
    -e "s|^\\( *path:\\) /opt/hyperledger/ccaas_builder\$|\\1 $TEMPLATES/ccaas-builder|" \
    -e "/^ *- CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG\$/a\\
       - name: scc_launcher\\
         path: $TEMPLATES/scc-launcher\\
         propagateEnvironment:\\
           - SCC_CCAAS\\
           - SCC_LAUNCHER_PIDS" \
    "$SAMPLECONFIG/core.yaml" >"$NET/config/core.yaml"
  grep -q '^    endpoint: ""$' "$NET/config/core.yaml" &&
    grep -q "path: $TEMPLATES/ccaas-builder\$" "$NET/config/core.yaml" &&
    grep -q "path: $TEMPLATES/scc-launcher\$" "$NET/config/core.yaml" ||
    die "could not edit $SAMPLECONFIG/core.yaml (vm.endpoint, chaincode.externalBuilders): not Fabric $FABRIC_VERSION's sampleconfig?"
  sed -e "s|@NET@|$NET|g" -e "s|@ORDERER_PORT@|$ORDERER_PORT|g" -e "s|@PEER1_PORT@|$PEER1_PORT|g" \
    -e "s|@PEER2_PORT@|$PEER2_PORT|g" -e "s|@BATCH_TIMEOUT@|$BATCH_TIMEOUT|g" \
    "$TEMPLATES/configtx.yaml.in" >"$NET/config/configtx.yaml"
}

# ---------------------------------------------------------------------------------------------
# up / down
# ---------------------------------------------------------------------------------------------

check_host() {
  # The peer insists on a non-loopback IPv4 address somewhere, even when it listens on 127.0.0.1
  # only ("no non-loopback, IPv4 interface detected").
  if command -v ip >/dev/null && ! ip -4 -o addr show 2>/dev/null | grep -v ' 127\.' | grep -q 'inet '; then
    die "this host has no non-loopback IPv4 address, and Fabric's peer refuses to start without one; add one, e.g. 'ip addr add 192.0.2.10/32 dev lo'"
  fi
  command -v jq >/dev/null || die "jq is needed (the ccaas builder and deploy read JSON with it): apt-get install jq"
  command -v openssl >/dev/null || die "openssl is needed"
}

cmd_up() {
  [[ $# -eq 0 ]] || die "up takes no arguments"
  resolve_binaries
  check_host
  local started_at
  started_at="$(date +%s.%N)"
  if [[ -d "$NET/pids" ]]; then
    note "stopping the network that ran in $NET first"
    cmd_down
  fi
  rm -rf "$NET/ports.env"
  network_layout
  port_in_use_or_die "$ORDERER_PORT" "$ORDERER_ADMIN_PORT" "$ORDERER_OPS_PORT" "$PEER1_PORT" "$PEER1_CC_PORT" \
    "$PEER1_OPS_PORT" "$PEER2_PORT" "$PEER2_CC_PORT" "$PEER2_OPS_PORT"
  # A fresh network every time: the folder holds nothing else of value.
  rm -rf "$NET/organizations" "$NET/data" "$NET/logs" "$NET/chaincodes" "$NET/channel-artifacts" \
    "$NET/config" "$NET/env" "$NET/chaincode-tls"
  mkdir -p "$NET/data" "$NET/logs" "$NET/channel-artifacts" "$NET/chaincodes"
  {
    echo "BASE_PORT=$BASE_PORT"
    echo "FABRIC_BIN=$BIN"
  } >"$NET/ports.env"

  write_config_files
  "$BIN/cryptogen" generate --config="$TEMPLATES/crypto-config.yaml" --output="$ORGS_DIR" >"$NET/logs/cryptogen.log" 2>&1 ||
    { cat "$NET/logs/cryptogen.log" >&2; die "cryptogen failed"; }
  "$BIN/configtxgen" -configPath "$NET/config" -profile TwoOrgsRaftChannel -channelID "$CHANNEL" \
    -outputBlock "$NET/channel-artifacts/$CHANNEL.block" >"$NET/logs/configtxgen.log" 2>&1 ||
    { cat "$NET/logs/configtxgen.log" >&2; die "configtxgen failed"; }
  write_node_env_files

  start_process orderer "$NET/env/orderer.env" "$BIN/orderer"
  wait_for orderer 30 port_open "$ORDERER_ADMIN_PORT"
  retry 20 "$BIN/osnadmin" channel join --channelID "$CHANNEL" --config-block "$NET/channel-artifacts/$CHANNEL.block" \
    -o "127.0.0.1:$ORDERER_ADMIN_PORT" --ca-file "$ORDERER_CA" \
    --client-cert "$ORDERER_ORG/users/Admin@example.com/tls/client.crt" \
    --client-key "$ORDERER_ORG/users/Admin@example.com/tls/client.key" ||
    die "the orderer did not join $CHANNEL"
  local n
  for n in 1 2; do
    start_process "peer$n" "$NET/env/peer$n.env" "$BIN/peer" node start
  done
  # Right after the join the single-node Raft has no leader yet, and the orderer answers
  # "no Raft leader" to every transaction until it elects itself (about 1 s).
  wait_for orderer 30 grep -Eq "Raft leader changed: [0-9]+ -> 1 channel=$CHANNEL" "$NET/logs/orderer.log"
  for n in 1 2; do
    wait_for "peer$n" 30 port_open "$(peer_port "$n")"
    retry 20 as_cli "$n" Admin channel join -b "$NET/channel-artifacts/$CHANNEL.block" ||
      die "peer0.org$n did not join $CHANNEL"
  done
  local elapsed
  elapsed="$(awk -v a="$started_at" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
  note "up in $elapsed s: orderer 127.0.0.1:$ORDERER_PORT, peer0.org1 127.0.0.1:$PEER1_PORT, peer0.org2 127.0.0.1:$PEER2_PORT, channel $CHANNEL"
  note "peer CLI: . $NET/env.sh (Org1 admin) or . $NET/env-org2.sh (Org2 admin)"
}

cmd_down() {
  [[ -d "$NET/pids" ]] || { note "nothing recorded as running in $NET"; return 0; }
  local file names=()
  for file in "$NET"/pids/*.pid; do
    [[ -f "$file" ]] || continue
    names+=("$(basename "$file" .pid)")
  done
  # All at once: each takes up to 2 s to shut down gracefully, and nothing here needs another
  # to stay up while it stops.
  [[ ${#names[@]} -eq 0 ]] || stop_processes "${names[@]}"
  rm -rf "$NET/pids"
}

cmd_status() {
  local file name pid any=1
  for file in "$NET"/pids/*.pid; do
    [[ -f "$file" ]] || continue
    any=0
    name="$(basename "$file" .pid)"
    if pid="$(running_pid "$name")"; then
      echo "$name: running (pid $pid)"
    else
      echo "$name: not running"
    fi
  done
  [[ $any -eq 0 ]] || echo "no processes recorded in $NET"
}

# ---------------------------------------------------------------------------------------------
# deploy
# ---------------------------------------------------------------------------------------------

scc_ccaas_binary() {
  local binary="${SCC_CCAAS:-$REPO_ROOT/build/tools/scc-ccaas/scc-ccaas}"
  [[ -x "$binary" ]] || die "scc-ccaas not found at $binary (build target scc-ccaas, or set SCC_CCAAS)"
  echo "$binary"
}

# The chaincode server's port: kept across deploys of NAME, else the first one no other
# chaincode of this network has.
chaincode_port() {
  local name="$1" port file taken
  if [[ -f "$NET/chaincodes/$name/port" ]]; then
    cat "$NET/chaincodes/$name/port"
    return
  fi
  port=$FIRST_CHAINCODE_PORT
  while true; do
    taken=0
    for file in "$NET"/chaincodes/*/port; do
      [[ -f "$file" && "$(cat "$file")" == "$port" ]] && taken=1
    done
    if [[ $taken -eq 0 ]] && ! port_open "$port"; then
      break
    fi
    port=$((port + 1))
  done
  echo "$port" >"$NET/chaincodes/$name/port"
  echo "$port"
}

# Mutual TLS between the peers and chaincode servers: one CA per network signs every chaincode
# server's certificate and the client certificate the peers present to them.
ensure_chaincode_tls() {
  local name="$1"
  local ca="$NET/chaincode-tls" dir="$NET/chaincodes/$name/tls"
  mkdir -p "$ca" "$dir"
  if [[ ! -f "$ca/ca.crt" ]]; then
    openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -keyout "$ca/ca.key" \
      -out "$ca/ca.crt" -days 3650 -subj "/O=scc dev network/CN=chaincode TLS CA" 2>/dev/null
    issue_certificate "$ca" "$ca/peer-client" "/O=scc dev network/CN=peer chaincode client" clientAuth
  fi
  if [[ ! -f "$dir/server.crt" ]]; then
    issue_certificate "$ca" "$dir/server" "/O=scc dev network/CN=$name" serverAuth
  fi
}

# issue_certificate CA_DIR OUT_PREFIX SUBJECT serverAuth|clientAuth
issue_certificate() {
  local ca="$1" out="$2" subject="$3" usage="$4" ext
  ext="$(mktemp)"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$usage"
    [[ "$usage" == serverAuth ]] && echo "subjectAltName=IP:127.0.0.1,DNS:localhost"
  } >"$ext"
  openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -keyout "$out.key" \
    -out "$out.csr" -subj "$subject" 2>/dev/null
  openssl x509 -req -in "$out.csr" -CA "$ca/ca.crt" -CAkey "$ca/ca.key" -CAcreateserial -days 3650 \
    -extfile "$ext" -out "$out.crt" 2>/dev/null
  rm -f "$ext" "$out.csr"
}

# The lifecycle package Fabric's ccaas builder takes, written by this script; used when the
# server is not scc-ccaas (which writes its own). Reproducible, so the package id is stable.
write_ccaas_package() {
  local name="$1" address="$2" tls="$3" out="$4" work
  work="$(mktemp -d)"
  if [[ "$tls" == 1 ]]; then
    local ca="$NET/chaincode-tls"
    jq -n --arg address "$address" --rawfile root "$ca/ca.crt" --rawfile key "$ca/peer-client.key" \
      --rawfile cert "$ca/peer-client.crt" \
      '{address: $address, dial_timeout: "10s", tls_required: true, client_auth_required: true,
        root_cert: $root, client_key: $key, client_cert: $cert}' >"$work/connection.json"
  else
    jq -n --arg address "$address" '{address: $address, dial_timeout: "10s", tls_required: false}' \
      >"$work/connection.json"
  fi
  jq -n --arg package_label "$name" '{"type": "ccaas", "label": $package_label}' >"$work/metadata.json"
  local tar_flags=(--sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner)
  tar -C "$work" "${tar_flags[@]}" -cf - connection.json | gzip -n >"$work/code.tar.gz"
  tar -C "$work" "${tar_flags[@]}" -cf - metadata.json code.tar.gz | gzip -n >"$out"
  rm -rf "$work"
}

# A package of type "scc" for the scc-launcher builder: the plugin itself, which each peer
# serves by starting scc-ccaas in the classic mode (it dials the peer).
write_scc_package() {
  local name="$1" plugin="$2" out="$3" work
  work="$(mktemp -d)"
  cp "$plugin" "$work/plugin.so"
  jq -n --arg package_label "$name" '{"type": "scc", "label": $package_label}' >"$work/metadata.json"
  local tar_flags=(--sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner)
  tar -C "$work" "${tar_flags[@]}" -cf - plugin.so | gzip -n >"$work/code.tar.gz"
  tar -C "$work" "${tar_flags[@]}" -cf - metadata.json code.tar.gz | gzip -n >"$out"
  rm -rf "$work"
}

# start_chaincode_server NAME PACKAGE_ID ADDRESS TLS PLUGIN SERVER_COMMAND: (re)starts the
# server unless the same one already runs. Dies with the server's own words if it does not come up.
start_chaincode_server() {
  local name="$1" package_id="$2" address="$3" tls="$4" plugin="$5" server_command="$6"
  local dir="$NET/chaincodes/$name" process="cc-$name" envfile="$NET/chaincodes/$name/server.env"
  local command=() identity
  if [[ -n "$server_command" ]]; then
    command=(bash -c "$server_command")
  else
    command=("$(scc_ccaas_binary)" serve "$plugin" --address "$address" --id "$package_id")
    if [[ "$tls" == 1 ]]; then
      command+=(--tls-key "$dir/tls/server.key" --tls-cert "$dir/tls/server.crt"
        --tls-client-ca "$NET/chaincode-tls/ca.crt")
    fi
  fi
  # What the running server must match to be kept: its command and the plugin file's identity.
  identity="$(printf '%q ' "${command[@]}")"
  [[ -z "$plugin" ]] || identity+=" $(stat -c '%s %Y %i' "$plugin")"
  if running_pid "$process" >/dev/null && [[ "$(cat "$dir/server.identity" 2>/dev/null)" == "$identity" ]]; then
    return 0
  fi
  stop_process "$process"
  (
    echo "# The chaincode server's environment, written by fabric-network.sh deploy."
    # scc-ccaas gets everything as flags; another server command gets the variables Fabric's
    # samples and fabric-chaincode-node read.
    [[ -n "$server_command" ]] || exit 0
    echo "CHAINCODE_ID=$package_id"
    echo "CHAINCODE_SERVER_ADDRESS=$address"
    echo "CORE_CHAINCODE_ID=$package_id"
    echo "CORE_CHAINCODE_ADDRESS=$address"
    if [[ "$tls" == 1 ]]; then
      echo "CHAINCODE_TLS_KEY=$dir/tls/server.key"
      echo "CHAINCODE_TLS_CERT=$dir/tls/server.crt"
      echo "CHAINCODE_CLIENT_CA_CERT=$NET/chaincode-tls/ca.crt"
    fi
  ) >"$envfile"
  local log="$NET/logs/$process.log" offset=0
  [[ -f "$log" ]] && offset="$(stat -c %s "$log")"
  start_process "$process" "$envfile" "${command[@]}"
  echo "$identity" >"$dir/server.identity"
  local deadline=$((SECONDS + 30)) port="${address##*:}"
  while true; do
    if [[ -z "$server_command" ]]; then
      tail -c +"$((offset + 1))" "$log" | grep -q "listening on $address" && break
    else
      port_open "$port" && break
    fi
    if ! running_pid "$process" >/dev/null; then
      tail -c +"$((offset + 1))" "$log" >&2
      rm -f "$NET/pids/$process.pid" "$NET/pids/$process.started" "$dir/server.identity"
      die "the chaincode server for $name exited at start (log above, $log)"
    fi
    if [[ $SECONDS -ge $deadline ]]; then
      tail -c +"$((offset + 1))" "$log" >&2
      die "the chaincode server for $name did not start serving within 30 s (log above, $log)"
    fi
    sleep 0.05
  done
}

# Runs a lifecycle transaction; one the ledger already holds counts as done.
lifecycle_tx() {
  local output
  if output="$("$@" 2>&1)"; then
    printf '%s\n' "$output" >>"$NET/logs/cli.log"
    return 0
  fi
  if grep -q 'with unchanged content' <<<"$output"; then
    return 0
  fi
  printf '%s\n' "$output" >&2
  return 1
}

cmd_deploy() {
  local name="" plugin="" collections="" tls=0 version=1.0 server_command="" policy="" launched=0
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --collections-config)
        [[ $# -ge 2 ]] || die "--collections-config needs a file"
        collections="$2"
        shift 2
        ;;
      --tls)
        tls=1
        shift
        ;;
      --version)
        [[ $# -ge 2 ]] || die "--version needs a value"
        version="$2"
        shift 2
        ;;
      --signature-policy)
        [[ $# -ge 2 ]] || die "--signature-policy needs a policy"
        policy="$2"
        shift 2
        ;;
      --peer-launched)
        launched=1
        shift
        ;;
      --server-command)
        [[ $# -ge 2 ]] || die "--server-command needs a command"
        server_command="$2"
        shift 2
        ;;
      -*) die "deploy: unknown option $1" ;;
      *)
        if [[ -z "$name" ]]; then
          name="$1"
        elif [[ -z "$plugin" ]]; then
          plugin="$1"
        else
          die "deploy: unexpected argument $1"
        fi
        shift
        ;;
    esac
  done
  [[ -n "$name" ]] || die "usage: deploy NAME PLUGIN.so [--collections-config F] [--tls] [--version V]"
  # Fabric's rule for chaincode names.
  [[ "$name" =~ ^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$ ]] ||
    die "'$name' is not a valid chaincode name (letters and digits, with single - or _ between them)"
  if [[ $launched -eq 1 ]]; then
    [[ $tls -eq 0 && -z "$server_command" ]] ||
      die "deploy $name: --peer-launched goes with neither --tls (the peer sets up TLS itself) nor --server-command"
  fi
  if [[ -z "$server_command" ]]; then
    [[ -n "$plugin" ]] || die "deploy $name: which plugin .so?"
    [[ -f "$plugin" ]] || die "deploy $name: $plugin does not exist"
    plugin="$(cd "$(dirname "$plugin")" && pwd)/$(basename "$plugin")"
  fi
  if [[ -n "$collections" ]]; then
    [[ -f "$collections" ]] || die "deploy $name: collections config $collections does not exist"
    jq -e 'type == "array"' "$collections" >/dev/null 2>&1 ||
      die "deploy $name: $collections is not a JSON array of collections"
    collections="$(cd "$(dirname "$collections")" && pwd)/$(basename "$collections")"
  fi

  local dir="$NET/chaincodes/$name"
  mkdir -p "$dir"
  local port address package="$dir/$name.tar.gz"
  port="$(chaincode_port "$name")"
  address="127.0.0.1:$port"
  [[ "$tls" == 0 ]] || ensure_chaincode_tls "$name"

  if [[ $launched -eq 1 ]]; then
    write_scc_package "$name" "$plugin" "$package"
  elif [[ -n "$server_command" ]]; then
    write_ccaas_package "$name" "$address" "$tls" "$package"
  else
    local package_flags=(--label "$name" --address "$address")
    if [[ "$tls" == 1 ]]; then
      package_flags+=(--tls-required --client-auth-required --root-cert "$NET/chaincode-tls/ca.crt"
        --client-key "$NET/chaincode-tls/peer-client.key" --client-cert "$NET/chaincode-tls/peer-client.crt")
    fi
    "$(scc_ccaas_binary)" package "${package_flags[@]}" -o "$package" >>"$NET/logs/cli.log" ||
      die "scc-ccaas package failed for $name"
  fi
  local package_id
  package_id="$(as_cli 1 Admin lifecycle chaincode calculatepackageid "$package")" ||
    die "the peer refused the package $package"

  local n
  for n in 1 2; do
    if ! as_cli "$n" Admin lifecycle chaincode queryinstalled --output json 2>/dev/null |
      jq -e --arg id "$package_id" '.installed_chaincodes // [] | any(.package_id == $id)' >/dev/null; then
      lifecycle_tx as_cli "$n" Admin lifecycle chaincode install "$package" ||
        die "installing $name on peer0.org$n failed"
    fi
  done

  if [[ $launched -eq 1 ]]; then
    # The peers start scc-ccaas themselves, on the first transaction.
    stop_process "cc-$name"
    rm -f "$dir/server.identity"
  else
    start_chaincode_server "$name" "$package_id" "$address" "$tls" "$plugin" "$server_command"
  fi

  # The definition: what must be approved and committed for this deploy.
  local definition committed_sequence record
  definition="package=$package_id version=$version policy=$policy collections=$(
    [[ -z "$collections" ]] || sha256sum "$collections" | cut -c1-64
  )"
  committed_sequence="$(as_cli 1 Admin lifecycle chaincode querycommitted -C "$CHANNEL" -n "$name" --output json 2>/dev/null |
    jq -r '.sequence // 0')" || committed_sequence=0
  [[ -n "$committed_sequence" ]] || committed_sequence=0
  record="$(cat "$dir/definition" 2>/dev/null || true)"
  if [[ "$committed_sequence" -gt 0 && "$record" == "sequence=$committed_sequence $definition" ]]; then
    note "$name is deployed (sequence $committed_sequence, package $package_id)"
    return 0
  fi
  local sequence=$((committed_sequence + 1))
  local definition_flags=(--channelID "$CHANNEL" --name "$name" --version "$version" --sequence "$sequence")
  [[ -z "$collections" ]] || definition_flags+=(--collections-config "$collections")
  [[ -z "$policy" ]] || definition_flags+=(--signature-policy "$policy")
  local orderer_flags=(-o "127.0.0.1:$ORDERER_PORT" --tls --cafile "$ORDERER_CA")
  for n in 1 2; do
    # Retried: right after up the orderer may still be electing its Raft leader.
    retry 30 lifecycle_tx as_cli "$n" Admin lifecycle chaincode approveformyorg "${orderer_flags[@]}" \
      "${definition_flags[@]}" --package-id "$package_id" --waitForEvent ||
      die "Org$n could not approve $name (sequence $sequence)"
  done
  retry 30 lifecycle_tx as_cli 1 Admin lifecycle chaincode commit "${orderer_flags[@]}" "${definition_flags[@]}" \
    "${peer_flags[@]}" ||
    die "committing $name (sequence $sequence) failed"
  echo "sequence=$sequence $definition" >"$dir/definition"
  echo "$package_id" >"$dir/package_id"
  if [[ $launched -eq 1 ]]; then
    note "deployed $name (sequence $sequence, package $package_id), launched by each peer"
  else
    note "deployed $name (sequence $sequence, package $package_id), serving on $address"
  fi
}

# ---------------------------------------------------------------------------------------------
# invoke / query / fetch-block: the real peer CLI, its output and exit status unchanged
# ---------------------------------------------------------------------------------------------

# Parses NAME ARGS [--transient JSON] [--org N] [--user U] [--peer N] [-- CLI-FLAGS...] into
# call_name, call_args, call_transient, call_org, call_user, call_peer, call_extra.
parse_call() {
  local verb="$1"
  shift
  call_name="" call_args="" call_transient="" call_org=1 call_user=Admin call_peer="" call_extra=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --transient)
        [[ $# -ge 2 ]] || die "--transient needs a JSON object"
        call_transient="$2"
        shift 2
        ;;
      --org)
        [[ $# -ge 2 && ("$2" == 1 || "$2" == 2) ]] || die "--org takes 1 or 2"
        call_org="$2"
        shift 2
        ;;
      --user)
        [[ $# -ge 2 ]] || die "--user needs a name (Admin, User1)"
        call_user="$2"
        shift 2
        ;;
      --peer)
        [[ $# -ge 2 && ("$2" == 1 || "$2" == 2) ]] || die "--peer takes 1 or 2"
        call_peer="$2"
        shift 2
        ;;
      --)
        shift
        call_extra=("$@")
        break
        ;;
      *)
        if [[ -z "$call_name" ]]; then
          call_name="$1"
        elif [[ -z "$call_args" ]]; then
          call_args="$1"
        else
          die "$verb: unexpected argument '$1' (peer CLI flags go after --)"
        fi
        shift
        ;;
    esac
  done
  [[ -n "$call_name" && -n "$call_args" ]] || die "usage: $verb NAME '{\"Args\":[...]}' [--transient JSON] [--org 1|2] [--user Admin|User1]"
}

cmd_invoke() {
  parse_call invoke "$@"
  local flags=(-o "127.0.0.1:$ORDERER_PORT" --tls --cafile "$ORDERER_CA" -C "$CHANNEL" -n "$call_name")
  if [[ -n "$call_peer" ]]; then
    flags+=(--peerAddresses "127.0.0.1:$(peer_port "$call_peer")" --tlsRootCertFiles "$(tls_ca_of_org "$call_peer")")
  else
    flags+=("${peer_flags[@]}")
  fi
  flags+=(-c "$call_args" --waitForEvent)
  [[ -z "$call_transient" ]] || flags+=(--transient "$call_transient")
  as_cli "$call_org" "$call_user" chaincode invoke "${flags[@]}" "${call_extra[@]}"
}

cmd_query() {
  parse_call query "$@"
  local flags=(-C "$CHANNEL" -n "$call_name" -c "$call_args")
  if [[ -n "$call_peer" ]]; then
    flags+=(--peerAddresses "127.0.0.1:$(peer_port "$call_peer")" --tlsRootCertFiles "$(tls_ca_of_org "$call_peer")")
  fi
  [[ -z "$call_transient" ]] || flags+=(--transient "$call_transient")
  as_cli "$call_org" "$call_user" chaincode query "${flags[@]}" "${call_extra[@]}"
}

# fetch-block [newest|oldest|NUMBER]: the block as peer0.org1 committed it, as JSON
# (configtxlator's decoding): chaincode events, and in .metadata.metadata[2] the validation code
# of each transaction (a block from the orderer has none yet).
cmd_fetch_block() {
  local which="${1:-newest}" file
  [[ "$which" =~ ^(newest|oldest|[0-9]+)$ ]] || die "fetch-block takes newest, oldest or a block number"
  file="$(mktemp)"
  if ! as_cli 1 Admin channel fetch "$which" "$file" -c "$CHANNEL" 2>"$file.log"; then
    cat "$file.log" >&2
    rm -f "$file" "$file.log"
    return 1
  fi
  "$BIN/configtxlator" proto_decode --type common.Block --input "$file"
  rm -f "$file" "$file.log"
}

# ---------------------------------------------------------------------------------------------

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'
}

main() {
  NET="${FABRIC_NET_DIR:-$REPO_ROOT/build/fabric-net}"
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --dir)
        [[ $# -ge 2 ]] || die "--dir needs a folder"
        NET="$2"
        shift 2
        ;;
      --dir=*)
        NET="${1#--dir=}"
        shift
        ;;
      -h | --help | help)
        usage
        return 0
        ;;
      *) break ;;
    esac
  done
  local cmd="${1:-}"
  [[ -n "$cmd" ]] || { usage >&2; exit 2; }
  shift
  if [[ "$cmd" == up ]]; then
    mkdir -p "$NET"
  elif [[ ! -d "$NET" ]]; then
    [[ "$cmd" == down || "$cmd" == status || "$cmd" == build ]] || die "no network in $NET; run up first"
    [[ "$cmd" == build ]] || { note "no network in $NET"; return 0; }
  fi
  [[ ! -d "$NET" ]] || NET="$(cd "$NET" && pwd)"
  # Tests shorten the execute timeout so that a plugin that overruns it costs seconds, not 30.
  EXECUTE_TIMEOUT="${FABRIC_EXECUTE_TIMEOUT:-30s}"
  BATCH_TIMEOUT="${FABRIC_BATCH_TIMEOUT:-250ms}"
  case "$cmd" in
    build)
      [[ $# -eq 0 ]] || die "build takes no arguments"
      resolve_binaries
      echo "$BIN"
      ;;
    up) cmd_up "$@" ;;
    down)
      [[ $# -eq 0 ]] || die "down takes no arguments"
      network_layout
      cmd_down
      ;;
    status)
      network_layout
      cmd_status
      ;;
    deploy | invoke | query | fetch-block)
      [[ -f "$NET/ports.env" ]] || die "no network in $NET; run up first"
      BIN="$(sed -n 's/^FABRIC_BIN=//p' "$NET/ports.env")"
      network_layout
      "cmd_${cmd//-/_}" "$@"
      ;;
    *) die "unknown command '$cmd' (build, up, deploy, invoke, query, fetch-block, down, status)" ;;
  esac
}

main "$@"
