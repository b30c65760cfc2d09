#!/usr/bin/env bash
# scripts/fabric14-network.sh: a Fabric 1.4.12 development network running scc plugins on the
# real peer, through bridges (scripts/fabric14-bridge.sh).
#
#   up [--plugin NAME=PATH[,invokableExternal=B][,invokableCC2CC=B]]... [--fabric-src DIR|TARBALL]
#      [--base-port N]
#       Builds (once, cached) peer/orderer/configtxgen/cryptogen from the Fabric 1.4.12 source
#       (default: ../shared/fabric/ beside this checkout), bridges every plugin, creates the MSPs
#       and blocks, starts a solo orderer and one peer (TLS on, 127.0.0.1 only), creates and
#       joins mychannel. Each plugin is whitelisted in chaincode.system and has one
#       chaincode.systemPlugins entry (both flags default to true). Ports: N (orderer, default
#       7150), N+1 (peer), N+2 (chaincode), N+3 and N+4 (operations of orderer and peer).
#       If the peer does not start (a refused plugin panics it), prints its log's end and fails.
#   invoke NAME JSON [--transient JSON]   peer chaincode invoke ... --waitForEvent
#   query NAME JSON [--transient JSON]    peer chaincode query
#       Run the real 1.4 CLI as Org1's admin (MSP ID SampleOrg); its output and exit status are passed on unchanged.
#   down
#       Stops the orderer and peer that up started (by their pids), nothing else.
#
# Everything lives in the network folder: --dir DIR before the command, or $SCC_FABRIC14_NET, or
# ${SCC_FABRIC14_CACHE:-~/.cache/scc/fabric-1.4.12}/network. It holds env.sh (source it to use
# the 1.4 peer CLI as Org1's admin), logs/peer.log and logs/orderer.log.
set -euo pipefail
# shellcheck source=scripts/fabric14/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/fabric14/common.sh"
templates="$fabric14_repo_root/scripts/fabric14"

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

net="${SCC_FABRIC14_NET:-$fabric14_cache/network}"
if [[ "${1:-}" == "--dir" ]]; then
  [[ $# -ge 2 ]] || usage
  net="$2"
  shift 2
fi
[[ $# -ge 1 ]] || usage
command="$1"
shift
mkdir -p "$net"
net="$(cd "$net" && pwd)"

running() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# stop PIDFILE: TERM, then KILL after 10 s, for a process this script started.
stop() {
  local pidfile="$1" pid
  [[ -f "$pidfile" ]] || return 0
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

# wait_for_log FILE TEXT PIDFILE SECONDS: until TEXT is in FILE; fails if the process exits.
wait_for_log() {
  local file="$1" text="$2" pidfile="$3" seconds="$4"
  for _ in $(seq 1 $((seconds * 10))); do
    grep -qF -- "$text" "$file" 2>/dev/null && return 0
    running "$pidfile" || return 1
    sleep 0.1
  done
  return 1
}

cli() {
  [[ -f "$net/env.sh" ]] || fabric14_die "no network in $net (run up first)"
  # shellcheck disable=SC1091
  source "$net/env.sh"
  local verb="$1" name="$2" json="$3"
  shift 3
  local transient=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --transient) [[ $# -ge 2 ]] || usage; transient=(--transient "$2"); shift 2 ;;
      *) echo "$0: unknown argument '$1'" >&2; usage ;;
    esac
  done
  if [[ "$verb" == invoke ]]; then
    exec "$FABRIC14_BIN/peer" chaincode invoke -o "$ORDERER_ADDRESS" --tls --cafile "$ORDERER_CA" \
      -C mychannel -n "$name" -c "$json" "${transient[@]}" --peerAddresses "$CORE_PEER_ADDRESS" \
      --tlsRootCertFiles "$CORE_PEER_TLS_ROOTCERT_FILE" --waitForEvent
  fi
  exec "$FABRIC14_BIN/peer" chaincode query -C mychannel -n "$name" -c "$json" "${transient[@]}"
}

down() {
  stop "$net/peer.pid"
  stop "$net/orderer.pid"
}

up() {
  local source="" base_port=7150 specs=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --plugin) [[ $# -ge 2 ]] || usage; specs+=("$2"); shift 2 ;;
      --fabric-src) [[ $# -ge 2 ]] || usage; source="$2"; shift 2 ;;
      --base-port) [[ $# -ge 2 ]] || usage; base_port="$2"; shift 2 ;;
      *) echo "$0: unknown argument '$1'" >&2; usage ;;
    esac
  done
  if running "$net/peer.pid" || running "$net/orderer.pid"; then
    fabric14_die "a network is already running in $net (run down first)"
  fi
  if [[ -z "$source" ]]; then
    source="$(fabric14_default_source)" ||
      fabric14_die "no --fabric-src given and no ../shared/fabric/fabric-1.4.12-src.tar.gz beside the checkout"
  fi
  fabric14_use_source "$source"
  fabric14_build_binaries

  local orderer_port=$base_port peer_port=$((base_port + 1)) chaincode_port=$((base_port + 2))
  local orderer_ops=$((base_port + 3)) peer_ops=$((base_port + 4))

  # ---- the plugins: NAME=PATH[,invokableExternal=B][,invokableCC2CC=B] ----
  rm -rf "$net/crypto" "$net/artifacts" "$net/data" "$net/logs" "$net/peercfg" "$net/ordcfg"
  mkdir -p "$net/bridges" "$net/logs" "$net/artifacts" "$net/peercfg" "$net/ordcfg"
  local whitelist="" entries="" spec
  for spec in "${specs[@]}"; do
    local name="${spec%%=*}" rest="${spec#*=}"
    [[ "$spec" == *=* && -n "$name" && -n "$rest" ]] || fabric14_die "--plugin wants NAME=PATH[,...], got '$spec'"
    local path="${rest%%,*}" external=true cc2cc=true option
    local options="${rest#"$path"}"
    IFS=',' read -r -a option_list <<<"${options#,}"
    for option in "${option_list[@]}"; do
      case "$option" in
        invokableExternal=true | invokableExternal=false) external="${option#*=}" ;;
        invokableCC2CC=true | invokableCC2CC=false) cc2cc="${option#*=}" ;;
        "") ;;
        *) fabric14_die "unknown plugin option '$option' in '$spec' (invokableExternal=true|false, invokableCC2CC=true|false)" ;;
      esac
    done
    "$fabric14_repo_root/scripts/fabric14-bridge.sh" --fabric-src "$FABRIC14_TREE" --name "$name" \
      --plugin "$path" -o "$net/bridges/$name-bridge.so"
    whitelist+="        $name: enable"$'\n'
    entries+="      - enabled: true"$'\n'"        name: $name"$'\n'"        path: $net/bridges/$name-bridge.so"$'\n'
    entries+="        invokableExternal: $external"$'\n'"        invokableCC2CC: $cc2cc"$'\n'
  done

  # ---- configuration ----
  cp "$FABRIC14_TREE/sampleconfig/orderer.yaml" "$net/ordcfg/orderer.yaml"
  # core.yaml: Fabric's sample, with the plugins whitelisted and listed.
  WHITELIST="$whitelist" ENTRIES="$entries" awk '
    { print }
    /^        qscc: enable/ { printf "%s", ENVIRON["WHITELIST"] }
    /^    systemPlugins:/ { printf "%s", ENVIRON["ENTRIES"] }
  ' "$FABRIC14_TREE/sampleconfig/core.yaml" >"$net/peercfg/core.yaml"
  for file in crypto-config.yaml configtx.yaml; do
    sed -e "s|@NET@|$net|g" -e "s|@ORDERER_PORT@|$orderer_port|g" -e "s|@PEER_PORT@|$peer_port|g" \
      "$templates/$file" >"$net/$file"
  done
  local crypto="$net/crypto" peer_dir admin_dir orderer_dir
  orderer_dir="$crypto/ordererOrganizations/example.com/orderers/orderer.example.com"
  peer_dir="$crypto/peerOrganizations/org1.example.com/peers/peer0.org1.example.com"
  admin_dir="$crypto/peerOrganizations/org1.example.com/users/Admin@org1.example.com"
  cat >"$net/env_orderer.sh" <<EOF
export FABRIC_CFG_PATH=$net/ordcfg
export FABRIC_LOGGING_SPEC=INFO
export ORDERER_GENERAL_LISTENADDRESS=127.0.0.1
export ORDERER_GENERAL_LISTENPORT=$orderer_port
export ORDERER_GENERAL_GENESISMETHOD=file
export ORDERER_GENERAL_GENESISFILE=$net/artifacts/genesis.block
export ORDERER_GENERAL_LOCALMSPID=OrdererMSP
export ORDERER_GENERAL_LOCALMSPDIR=$orderer_dir/msp
export ORDERER_GENERAL_TLS_ENABLED=true
export ORDERER_GENERAL_TLS_PRIVATEKEY=$orderer_dir/tls/server.key
export ORDERER_GENERAL_TLS_CERTIFICATE=$orderer_dir/tls/server.crt
export ORDERER_GENERAL_TLS_ROOTCAS=[$orderer_dir/tls/ca.crt]
export ORDERER_FILELEDGER_LOCATION=$net/data/orderer
export ORDERER_OPERATIONS_LISTENADDRESS=127.0.0.1:$orderer_ops
export ORDERER_METRICS_PROVIDER=disabled
EOF
  cat >"$net/env_peer.sh" <<EOF
export FABRIC_CFG_PATH=$net/peercfg
export FABRIC_LOGGING_SPEC=INFO
export CORE_PEER_ID=peer0.org1.example.com
export CORE_PEER_ADDRESS=127.0.0.1:$peer_port
export CORE_PEER_LISTENADDRESS=127.0.0.1:$peer_port
export CORE_PEER_CHAINCODEADDRESS=127.0.0.1:$chaincode_port
export CORE_PEER_CHAINCODELISTENADDRESS=127.0.0.1:$chaincode_port
export CORE_PEER_GOSSIP_BOOTSTRAP=127.0.0.1:$peer_port
export CORE_PEER_GOSSIP_EXTERNALENDPOINT=127.0.0.1:$peer_port
export CORE_PEER_LOCALMSPID=SampleOrg
export CORE_PEER_MSPCONFIGPATH=$peer_dir/msp
export CORE_PEER_TLS_ENABLED=true
export CORE_PEER_TLS_CERT_FILE=$peer_dir/tls/server.crt
export CORE_PEER_TLS_KEY_FILE=$peer_dir/tls/server.key
export CORE_PEER_TLS_ROOTCERT_FILE=$peer_dir/tls/ca.crt
export CORE_PEER_FILESYSTEMPATH=$net/data/peer
export CORE_OPERATIONS_LISTENADDRESS=127.0.0.1:$peer_ops
export CORE_METRICS_PROVIDER=disabled
EOF
  cat >"$net/env.sh" <<EOF
# The Fabric 1.4 peer CLI as Org1's admin on this network: source it, then run \$FABRIC14_BIN/peer.
export FABRIC14_BIN=$FABRIC14_BIN
export PATH=$FABRIC14_BIN:\$PATH
export FABRIC_CFG_PATH=$net/peercfg
export FABRIC_LOGGING_SPEC=INFO
export CORE_PEER_ADDRESS=127.0.0.1:$peer_port
export CORE_PEER_LOCALMSPID=SampleOrg
export CORE_PEER_MSPCONFIGPATH=$admin_dir/msp
export CORE_PEER_TLS_ENABLED=true
export CORE_PEER_TLS_ROOTCERT_FILE=$peer_dir/tls/ca.crt
export ORDERER_ADDRESS=127.0.0.1:$orderer_port
export ORDERER_CA=$orderer_dir/msp/tlscacerts/tlsca.example.com-cert.pem
EOF

  # ---- crypto material and blocks ----
  "$FABRIC14_BIN/cryptogen" generate --config="$net/crypto-config.yaml" --output="$crypto" >/dev/null
  FABRIC_CFG_PATH="$net" "$FABRIC14_BIN/configtxgen" -profile OrdererGenesis -channelID syschannel \
    -outputBlock "$net/artifacts/genesis.block" 2>"$net/logs/configtxgen.log"
  FABRIC_CFG_PATH="$net" "$FABRIC14_BIN/configtxgen" -profile OneOrgChannel -channelID mychannel \
    -outputCreateChannelTx "$net/artifacts/mychannel.tx" 2>>"$net/logs/configtxgen.log"

  # ---- processes ----
  (
    # shellcheck disable=SC1091
    source "$net/env_orderer.sh"
    setsid "$FABRIC14_BIN/orderer" >"$net/logs/orderer.log" 2>&1 </dev/null &
    echo $! >"$net/orderer.pid"
  )
  if ! wait_for_log "$net/logs/orderer.log" "Beginning to serve requests" "$net/orderer.pid" 60; then
    tail -n 30 "$net/logs/orderer.log" >&2
    down
    fabric14_die "the orderer did not start (log: $net/logs/orderer.log)"
  fi
  (
    # shellcheck disable=SC1091
    source "$net/env_peer.sh"
    setsid "$FABRIC14_BIN/peer" node start >"$net/logs/peer.log" 2>&1 </dev/null &
    echo $! >"$net/peer.pid"
  )
  if ! wait_for_log "$net/logs/peer.log" "Started peer with ID" "$net/peer.pid" 60; then
    tail -n 40 "$net/logs/peer.log" >&2
    down
    fabric14_die "the peer did not start (log: $net/logs/peer.log)"
  fi

  # ---- the channel ----
  (
    # shellcheck disable=SC1091
    source "$net/env.sh"
    peer channel create -o "$ORDERER_ADDRESS" -c mychannel -f "$net/artifacts/mychannel.tx" \
      --outputBlock "$net/artifacts/mychannel.block" --tls --cafile "$ORDERER_CA" \
      >>"$net/logs/channel.log" 2>&1
    peer channel join -b "$net/artifacts/mychannel.block" >>"$net/logs/channel.log" 2>&1
  ) || {
    tail -n 20 "$net/logs/channel.log" >&2
    down
    fabric14_die "creating or joining mychannel failed (log: $net/logs/channel.log)"
  }
  echo "Fabric 1.4 network up in $net: orderer 127.0.0.1:$orderer_port, peer 127.0.0.1:$peer_port, channel mychannel"
}

case "$command" in
  up) up "$@" ;;
  down) down ;;
  invoke | query)
    [[ $# -ge 2 ]] || usage
    cli "$command" "$@"
    ;;
  *) usage ;;
esac
