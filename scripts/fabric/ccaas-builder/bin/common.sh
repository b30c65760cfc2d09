# shellcheck shell=bash
# Sourced by detect, build and release: the JSON handling they share. Reading metadata.json and
# connection.json follows Go's encoding/json as Fabric's ccaas_builder uses it: keys match
# case-insensitively (the last duplicate wins), a field of the wrong JSON type is an error, and
# unknown fields are ignored.

log() {
  echo "$*" >&2
}

fail() {
  log "::Error: $*"
  exit 1
}

command -v jq >/dev/null 2>&1 || fail "this builder needs jq (Debian: apt-get install jq)"

# jq definitions: go_field(field; kind) is the value of the object's key that equals field ignoring
# case, or null; a present value of another JSON kind is an error naming the field.
readonly JQ_FIELDS='
  def go_field($field; $kind):
    if type == "null" then null
    elif type != "object" then error("cannot unmarshal \(type) into the expected object")
    else
      ([to_entries[] | select(.key | ascii_downcase == $field) | .value] | last) as $v
      | if $v == null or ($v | type) == $kind then $v
        else error("cannot unmarshal \($v | type) into field \($field) of type \($kind)") end
    end;'

# metadata_type FILE: the package type from metadata.json, lower-cased.
metadata_type() {
  jq -r "$JQ_FIELDS"' go_field("type"; "string") // "" | ascii_downcase' "$1" 2>&1
}
