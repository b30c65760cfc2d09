# shellcheck shell=bash disable=SC2034
# Sourced by the real-Fabric test scenarios (test/fabric/*.sh): checks, and calls through
# scripts/fabric-network.sh to the real peer CLI with their answers taken apart.
#
# Environment (set by test/fabric/CMakeLists.txt):
#   SCC_SOURCE_DIR, FABRIC_NET_DIR, FABRIC_BASE_PORT, SCC_CCAAS, and the plugins' paths.

NETWORK_SCRIPT="$SCC_SOURCE_DIR/scripts/fabric-network.sh"
readonly SKIP=77
checks=0
failures=0

# ---- checks ----

pass() {
  checks=$((checks + 1))
  echo "ok   $1"
}

fail_check() {
  checks=$((checks + 1))
  failures=$((failures + 1))
  echo "FAIL $1"
}

# expect_eq DESCRIPTION EXPECTED ACTUAL
expect_eq() {
  if [[ "$2" == "$3" ]]; then
    pass "$1"
  else
    fail_check "$1"
    printf '       expected: %q\n       actual:   %q\n' "$2" "$3"
  fi
}

# expect_match DESCRIPTION EXTENDED-REGEX ACTUAL
expect_match() {
  if [[ "$3" =~ $2 ]]; then
    pass "$1"
  else
    fail_check "$1"
    printf '       expected to match: %s\n       actual: %q\n' "$2" "$3"
  fi
}

expect_no_match() {
  if [[ "$3" =~ $2 ]]; then
    fail_check "$1"
    printf '       expected not to match: %s\n       actual: %q\n' "$2" "$3"
  else
    pass "$1"
  fi
}

# finish: the scenario's exit status. No scenario passes without checking something.
finish() {
  if [[ $checks -eq 0 ]]; then
    echo "FAIL no checks ran"
    exit 1
  fi
  echo "$((checks - failures)) of $checks checks passed"
  [[ $failures -eq 0 ]]
}

# Stops the scenario when a step it depends on failed.
require() {
  if ! "$@"; then
    echo "FAIL a required step failed: $*"
    failures=$((failures + 1))
    finish
    exit 1
  fi
}

# ---- prerequisites ----

skip() {
  echo "SKIPPED: $*"
  exit "$SKIP"
}

# Skips (exit 77) when Fabric cannot be built here (no Go or no source) or scc-ccaas was not
# built. Where it can, a missing tool the tests need is a failure, not a skip: scripts/install-deps.sh
# installs them, and a silently skipped acceptance test would prove nothing.
require_fabric() {
  if [[ -z "${FABRIC_BIN:-}" ]]; then
    command -v go >/dev/null || skip "Go is not installed, so Fabric cannot be built (apt-get install golang-go)"
    local src="${FABRIC_SRC:-$SCC_SOURCE_DIR/../shared/fabric/fabric-2.5.4-src.tar.gz}"
    [[ -e "$src" ]] || skip "the Fabric 2.5.4 source is not here ($src); set FABRIC_SRC to a tarball or folder"
  fi
  [[ -x "${SCC_CCAAS:-}" ]] || skip "scc-ccaas was not built (${SCC_CCAAS:-SCC_CCAAS unset})"
  local tool missing=()
  for tool in jq openssl setsid flock; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  if [[ ${#missing[@]} -gt 0 ]]; then
    echo "FAIL the real-Fabric tests need ${missing[*]} (scripts/install-deps.sh; Debian: jq, openssl, util-linux)"
    exit 1
  fi
}

require_network() {
  require_fabric
  [[ -f "$FABRIC_NET_DIR/ports.env" && -f "$FABRIC_NET_DIR/pids/orderer.pid" ]] ||
    skip "the test network is not up (the fabric_network_up fixture did not run or failed)"
}

network() {
  "$NETWORK_SCRIPT" --dir "$FABRIC_NET_DIR" "$@"
}

# ---- calls ----

# go_unquote TEXT: the bytes a Go-quoted string (between the quotes) stands for, into $unquoted.
go_unquote() {
  local text="$1" out="" i=0 c next
  while [[ $i -lt ${#text} ]]; do
    c="${text:i:1}"
    if [[ "$c" != '\' ]]; then
      out+="$c"
      i=$((i + 1))
      continue
    fi
    next="${text:i+1:1}"
    case "$next" in
      n) out+=$'\n'; i=$((i + 2)) ;;
      t) out+=$'\t'; i=$((i + 2)) ;;
      r) out+=$'\r'; i=$((i + 2)) ;;
      '"' | "'" | '\') out+="$next"; i=$((i + 2)) ;;
      x)
        printf -v c "\\x${text:i+2:2}"
        out+="$c"
        i=$((i + 4))
        ;;
      [0-7])
        printf -v c "\\${text:i+1:3}"
        out+="$c"
        i=$((i + 4))
        ;;
      *) out+="\\$next"; i=$((i + 2)) ;;
    esac
  done
  unquoted="$out"
}

# A response field from the CLI's text form of a peer.Response: status:500 message:"..." payload:"...".
response_field() {
  local field="$1" text="$2"
  if [[ "$field" == status ]]; then
    [[ "$text" =~ status:([0-9]+) ]] && echo "${BASH_REMATCH[1]}"
    return 0
  fi
  # A quoted Go string: anything but a quote or backslash, or a backslash and the next character.
  local pattern="$field:\"(([^\"\\\\]|\\\\.)*)\""
  if [[ "$text" =~ $pattern ]]; then
    go_unquote "${BASH_REMATCH[1]}"
    printf '%s' "$unquoted"
  fi
}

# invoke NAME ARGS [network-script options]: runs it and sets
#   rc        the CLI's exit status
#   output    everything it printed
#   status    the response status (200 on success, the chaincode's on an endorsement failure)
#   payload   the response payload (success), message the response message (failure)
#   tx_id     the transaction id, validation the validation code (VALID, MVCC_READ_CONFLICT, ...)
invoke() {
  rc=0
  output="$(network invoke "$@" 2>&1)" || rc=$?
  parse_answer
  tx_id=""
  validation=""
  local pattern='txid \[([0-9a-f]+)\] committed with status \(([A-Z_]+)\)'
  if [[ "$output" =~ $pattern ]]; then
    tx_id="${BASH_REMATCH[1]}"
    validation="${BASH_REMATCH[2]}"
  fi
  pattern='transaction invalidated with status \(([A-Z_]+)\)'
  if [[ "$output" =~ $pattern ]]; then
    validation="${BASH_REMATCH[1]}"
  fi
}

# query NAME ARGS [options]: sets rc, output, status, payload (stdout without the newline the CLI
# adds), message.
query() {
  rc=0
  local stdout_file
  stdout_file="$(mktemp)"
  output="$(network query "$@" 2>&1 >"$stdout_file")" || rc=$?
  if [[ $rc -eq 0 ]]; then
    payload="$(cat "$stdout_file"; echo x)"
    payload="${payload%x}"
    payload="${payload%$'\n'}"
    status=200
    message=""
  else
    parse_answer
  fi
  rm -f "$stdout_file"
}

parse_answer() {
  local line
  line="$(grep -E 'Chaincode invoke successful|endorsement failure|Error:' <<<"$output" | tail -n 1)"
  status="$(response_field status "$line")"
  payload="$(response_field payload "$line")"
  message="$(response_field message "$line")"
}

# The chaincode event of transaction TX_ID as "name payload", from the newest block (the tests
# run one transaction at a time, and --waitForEvent returns once it is committed).
event_of() {
  local block
  block="$(network fetch-block newest 2>/dev/null)" || return 1
  jq -r --arg tx "$1" '.data.data[]
      | select(.payload.header.channel_header.tx_id == $tx)
      | .payload.data.actions[0].payload.action.proposal_response_payload.extension.events
      | "\(.event_name) \(.payload // "" | @base64d)"' <<<"$block"
}

# The chaincode id the event of TX_ID was raised under.
event_chaincode_of() {
  network fetch-block newest 2>/dev/null | jq -r --arg tx "$1" '.data.data[]
      | select(.payload.header.channel_header.tx_id == $tx)
      | .payload.data.actions[0].payload.action.proposal_response_payload.extension.events.chaincode_id'
}

# Whether process PID runs (a zombie, killed but not yet reaped by its new parent, does not).
is_running() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ "${stat:0:1}" != Z && "${stat:0:1}" != X ]]
}

# plugin_must_exist VARIABLE: skips unless the plugin the variable names was built.
plugin_must_exist() {
  local path="${!1:-}"
  [[ -n "$path" ]] || skip "$1 is not set (its plugin is not part of this build)"
  [[ -f "$path" ]] || skip "plugin $path was not built"
}
