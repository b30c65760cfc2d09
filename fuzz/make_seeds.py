#!/usr/bin/env python3
"""Writes the seed corpora of fuzz/corpus/ (committed; re-run after changing an input format).

    python3 fuzz/make_seeds.py

Each seed is one readable scenario in the byte format its target decodes; the encoders below
mirror the decoders in the fuzz_*.cpp sources.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(bytes(data))


# ---- fuzz_composite_key: the whole input is split as a key, then read as
# count, type, attributes (each a length byte and that many bytes).
def parts(type_, *attributes):
    out = bytes([len(attributes)])
    for part in (type_,) + attributes:
        out += bytes([len(part)]) + part
    return out


COMPOSITE = {
    "valid_key": b"\x00asset\x00car1\x00red\x00",
    "empty_parts_key": b"\x00\x00\x00\x00",
    "not_a_key": b"car1",
    "create_ascii": parts(b"asset", b"car1", b"red"),
    "create_multibyte": parts("é".encode(), "€".encode(), "😀".encode()),
    "create_empty_parts": parts(b"", b"", b""),
    "create_invalid_utf8": parts(b"t", b"\xff"),
    "create_nul": parts(b"t", b"a\x00b"),
    "create_max_rune": parts(b"t", b"x\xf4\x8f\xbf\xbf"),
    "create_surrogate": parts(b"\xed\xa0\x80"),
    "create_overlong": parts(b"t", b"\xc0\x80"),
    "create_truncated": parts(b"t", b"\xe2\x82"),
}

# ---- fuzz_stub_ledger
KEYS = ["", "a", "ab", "b", "k1", "k2", "z", "\x01", "\xff", "\x00", "a\x00b",
        "ck_t_x", "ck_t_y", "ck_t_x_1", "ck_t", "ck_u_x"]
VALUES = ["", "v", "w", "\x00x", "L" * 300]
OPS = ["get", "get_multiple", "put", "del", "range", "range_page", "partial", "partial_page",
       "get_private", "put_private", "del_private", "purge_private", "private_hash",
       "private_range", "private_partial", "set_policy", "get_policy", "set_private_policy",
       "get_private_policy", "event", "history", "rich", "call", "tx_info"]
COLLECTIONS = {"c1": 0, "c2": 1, "": 3}
TYPES = {"t": 0, "u": 2, "": 3, "\xff": 4}
ATTRIBUTES = {"x": 0, "y": 1, "1": 2, "": 3, "\xc3": 4}
PAGE_SIZES = {-1: 0, 0: 1, 1: 2, 2: 3, 3: 4, 1000: 5}
TARGETS = {"fz": 0, "fy": 1, "nx": 3, "": 4}
CALL_CHANNELS = {"": 0, "ch1": 2, "ch2": 3}
STATUSES = {200: 0, 201: 3, 399: 4, 400: 5, 404: 6, 500: 7}
ALL = 5  # max_rows: every row


def key(k):
    """A key from the decoder's table, or any other (up to 8 bytes) spelled out."""
    if k in KEYS:
        return [KEYS.index(k)]
    return [0xF0, len(k)] + list(k.encode("latin-1"))


def value(v):
    """A value from the decoder's table, or any other (up to 16 bytes) spelled out."""
    if v in VALUES:
        return [VALUES.index(v)]
    return [0xE0, len(v)] + list(v.encode("latin-1"))


def attrs(*a):
    return [len(a)] + [ATTRIBUTES[x] for x in a]


def op(name, *args):
    return [OPS.index(name)] + [b for arg in args for b in arg]


def program(ops, status=200, throws=False):
    out = [len(ops)]
    for o in ops:
        out += o
    out.append(0xF0 + STATUSES[status] if throws else STATUSES[status])
    return out


def get(k): return op("get", key(k))
def put(k, v): return op("put", key(k), value(v))
def delete(k): return op("del", key(k))
def rng(start, end, rows=ALL): return op("range", key(start), key(end), [rows])
def page(start, end, size, bookmark=None):
    mark = [0] if bookmark is None else [1] + key(bookmark)
    return op("range_page", key(start), key(end), [PAGE_SIZES[size]], mark)
def partial(t, *a, rows=ALL): return op("partial", [TYPES[t]], attrs(*a), [rows])
def partial_page(t, a, size, bookmark=None):
    mark = [0] if bookmark is None else [1] + key(bookmark)
    return op("partial_page", [TYPES[t]], attrs(*a), [PAGE_SIZES[size]], mark)
def get_private(c, k): return op("get_private", [COLLECTIONS[c]], key(k))
def put_private(c, k, v): return op("put_private", [COLLECTIONS[c]], key(k), value(v))
def purge(c, k): return op("purge_private", [COLLECTIONS[c]], key(k))
def private_hash(c, k): return op("private_hash", [COLLECTIONS[c]], key(k))
def private_range(c, start, end):
    return op("private_range", [COLLECTIONS[c]], key(start), key(end), [ALL])
def set_policy(k, v): return op("set_policy", key(k), [0], value(v))
def get_policy(k): return op("get_policy", key(k))
def set_private_policy(c, k, v):
    return op("set_private_policy", [COLLECTIONS[c]], key(k), [0], value(v))
def event(n, v): return op("event", [0, n], value(v))
def event_unnamed(v): return op("event", [1], value(v))
def history(k): return op("history", key(k))
def rich(): return op("rich", [0])
def call(target, channel, prog):
    return op("call", [TARGETS[target]], [CALL_CHANNELS[channel]], prog)
def tx_info(): return op("tx_info")

INVOKE, QUERY, INIT, ENDORSE, COMMIT = 0, 3, 4, 5, 7
CHAINCODES = {"fz": 0, "fy": 2, "nx": 3}
FRESH, REUSE_FIRST = 0, 0xE0


def tx(kind, prog, chaincode="fz", channel="ch1", tx_id=FRESH):
    return [kind, 3 if channel == "ch2" else 0, CHAINCODES[chaincode], tx_id] + prog


def commit(channel="ch1"):
    return [COMMIT, 3 if channel == "ch2" else 0]


def ledger(config, *steps):
    """config: bits 0-1 the query limit (3, 5, 100000, 0); 4: fy not invokable by proposals;
    8: fy not invokable cc2cc; 0x10: read-your-writes mode; 0x20: fy thread-safe."""
    out = [config]
    for s in steps:
        out += s
    return out


LEDGER = {
    "put_get_history": ledger(
        2,
        tx(INVOKE, program([put("a", "v"), put("b", "w"), get("a"), event(0, "v")])),
        tx(QUERY, program([get("a"), rng("", ""), history("a"), tx_info()])),
        tx(INVOKE, program([delete("a"), history("a")])),
        tx(QUERY, program([history("a"), get("a")]))),
    "mvcc_in_block": ledger(
        2,
        tx(INVOKE, program([put("a", "v")])),
        tx(ENDORSE, program([get("a"), put("a", "w")])),
        tx(ENDORSE, program([get("a"), put("a", "v")])),
        commit()),
    "phantom_in_block": ledger(
        2,
        tx(INVOKE, program([put("k1", "v")])),
        tx(ENDORSE, program([put("k2", "v")])),
        tx(ENDORSE, program([rng("a", "z"), put("b", "v")])),
        tx(ENDORSE, program([rng("a", "z", rows=1), put("ab", "w")])),
        commit()),
    "stale_read": ledger(
        2,
        tx(INVOKE, program([put("a", "v")])),
        tx(ENDORSE, program([get("a"), put("b", "v")])),
        tx(INVOKE, program([put("a", "w")])),
        commit()),
    "pagination": ledger(
        0,
        tx(INVOKE, program([put("a", "v"), put("ab", "v"), put("b", "v"),
                            put("k1", "v"), put("k2", "v"), put("z", "w")])),
        tx(QUERY, program([page("", "", 2), page("", "", 2, "b"), rng("", "")])),
        tx(INVOKE, program([page("a", "z", 1), put("a", "w")])),
        tx(INVOKE, program([put("a", "w"), page("a", "z", 1)])),
        tx(QUERY, program([page("a", "", -1), page("", "", 1000)]))),
    "composite_keys": ledger(
        2,
        tx(INVOKE, program([put("ck_t_x", "v"), put("ck_t_y", "v"), put("ck_t_x_1", "v"),
                            put("ck_u_x", "w"), put("\x00", "v")])),
        tx(QUERY, program([partial("t"), partial("t", "x"), partial_page("t", [], 1),
                           partial("\xff"), rng("", ""), page("", "", 0, "\x00")]))),
    "private_data": ledger(
        2,
        tx(INVOKE, program([put_private("c1", "k1", "v"), put_private("c2", "k1", "w"),
                            set_private_policy("c1", "k1", "w")])),
        tx(QUERY, program([private_hash("c1", "k1"), get_private("c1", "k1"),
                           private_range("c1", "", ""), put_private("c1", "a", "v")])),
        tx(INVOKE, program([put_private("c1", "k2", "v"), purge("c1", "k1"),
                            private_range("c1", "", "")])),
        tx(INIT, program([get_private("c1", "k1"), put("a", "v")])),
        tx(QUERY, program([get_private("", "a"), put_private("", "", "v")]))),
    "cc2cc": ledger(
        2,
        tx(INVOKE, program([
            call("fy", "", program([put("a", "v"), event(1, "w"), call("fz", "", program([]))])),
            call("fz", "", program([])),
            call("fz", "ch2", program([get("a"), put("a", "v")])),
            call("nx", "", program([])),
            call("fy", "ch1", program([], status=404)),
            event(0, "v")])),
        tx(INVOKE, program([get("a")]), chaincode="fy"),
        tx(INVOKE, program([call("fz", "", program([put("b", "w")], throws=True))]),
           chaincode="fy")),
    "failures": ledger(
        2,
        tx(INVOKE, program([put("a", "v"), event(0, "v")], status=404)),
        tx(INVOKE, program([put("a", "v")], throws=True)),
        tx(INVOKE, program([put("a", "v")], status=399)),
        tx(INVOKE, program([put("", "v"), rng("\x00", ""), rich(), event_unnamed("v")]),
           chaincode="nx"),
        tx(INVOKE, program([put("", "v"), rng("\x00", ""), rich(), event_unnamed("v")]))),
    "duplicate_txid": ledger(
        2,
        tx(INVOKE, program([put("a", "v")])),
        tx(INVOKE, program([put("b", "v")]), tx_id=REUSE_FIRST),
        tx(ENDORSE, program([put("k1", "v")])),
        tx(ENDORSE, program([put("k2", "v")]), tx_id=0xE1),
        commit()),
    "policies": ledger(
        2,
        tx(INVOKE, program([put("a", "v"), set_policy("a", "P"), set_policy("b", "Q")])),
        tx(INVOKE, program([set_policy("a", "R"), put("b", "v"), get_policy("a")])),
        tx(QUERY, program([get_policy("a"), get_policy("b")])),
        tx(INVOKE, program([delete("a")])),
        tx(QUERY, program([get_policy("a")]))),
    "read_your_writes": ledger(
        2 | 0x10,
        tx(INVOKE, program([put("a", "v"), put("k1", "v")])),
        tx(INVOKE, program([put("a", "w"), get("a"), rng("", ""), delete("k1"), get("k1"),
                            rng("a", "z", rows=1), put("b", "v"), partial("t")])),
        tx(ENDORSE, program([put("ab", "v"), rng("a", "z")])),
        tx(ENDORSE, program([put("ac", "v")])),
        commit(),
        tx(QUERY, program([page("", "", 1), page("", "", 0, "b")]))),
    "reentry_across_channels": ledger(
        2 | 0x20,
        tx(INVOKE, program([
            call("fz", "ch2", program([])),
            call("fy", "ch2", program([call("fz", "ch1", program([])),
                                       call("fy", "ch1", program([get("a")])),
                                       call("fy", "", program([]))])),
        ])),
        tx(INVOKE, program([call("fy", "ch2", program([call("fy", "ch1", program([]))]))]),
           chaincode="fy")),
    "other_channel_restricted_fy": ledger(
        2 | 4 | 8,
        tx(INVOKE, program([put("a", "v")]), channel="ch2"),
        tx(INVOKE, program([get("a")]), chaincode="fy"),
        tx(INVOKE, program([call("fy", "", program([]))])),
        tx(ENDORSE, program([put("z", "v")]), channel="ch2"),
        commit("ch2")),
}


# ---- fuzz_core_yaml: a count byte, that many overrides (variable byte, value as length byte
# and bytes), then the YAML text.
YAML_VARIABLES = ["CORE_PEER_LISTENADDRESS", "CORE_PEER_FILESYSTEMPATH",
                  "CORE_CHAINCODE_EXECUTETIMEOUT", "CORE_SCCPEER_BLOCKCUTTER_MAXMESSAGECOUNT",
                  "CORE_SCCPEER_BLOCKCUTTER_BATCHTIMEOUT", "CORE_SCCPEER_MAXFRAMEBYTES",
                  "CORE_SCCPEER_WORKERTHREADS", "CORE_CHAINCODE_SYSTEM_KVSCC"]


def core_yaml(text, **env):
    out = bytes([len(env)])
    for name, value in env.items():
        value = value.encode()
        out += bytes([YAML_VARIABLES.index(name), len(value)]) + value
    return out + text.encode()


SAMPLE_YAML = """peer:
  listenAddress: 127.0.0.1:9051
  fileSystemPath: data
chaincode:
  executetimeout: 30s
  system:
    kvscc: enable
    quiet: yes
    off: disable
  systemPlugins:
    - enabled: true
      name: kvscc
      path: plugins/kvscc.so
      invokableExternal: true
      invokableCC2CC: "true"
    - enabled: true
      name: off
      path: /nowhere/off.so
    - {enabled: false, name: quiet, path: q.so}
sccPeer:
  blockCutter:
    maxMessageCount: 50
    batchTimeout: 250us
  maxFrameBytes: 1 MB
  workerThreads: 3
"""

CORE_YAML = {
    "sample": core_yaml(SAMPLE_YAML),
    "sample_env": core_yaml(SAMPLE_YAML, CORE_PEER_LISTENADDRESS="[::1]:0",
                            CORE_SCCPEER_MAXFRAMEBYTES="2048",
                            CORE_SCCPEER_BLOCKCUTTER_BATCHTIMEOUT="1h2m3.5s"),
    "durations": core_yaml("sccPeer: {blockCutter: {batchTimeout: 1.5ms}}\n",
                           CORE_CHAINCODE_EXECUTETIMEOUT="10\u00b5s",
                           CORE_SCCPEER_BLOCKCUTTER_MAXMESSAGECOUNT="007"),
    "greek_mu": core_yaml("chaincode: {executetimeout: 2500\u03bcs}\n"),
    "bad_values": core_yaml("peer: {listenAddress: nowhere}\nsccPeer: {maxFrameBytes: 1 TB}\n",
                            CORE_SCCPEER_WORKERTHREADS="257"),
    "not_yaml": core_yaml("peer: [unclosed\n  - {a: b"),
    "not_a_map": core_yaml("- 1\n- 2\n"),
    "duplicate_plugins": core_yaml(
        "chaincode:\n  system: {a: enable, A: true}\n  systemPlugins:\n"
        "    - {enabled: true, name: a, path: a.so}\n    - {enabled: yes, name: a, path: b.so}\n"),
    "aliases": core_yaml("base: &b {enabled: true, name: x, path: x.so}\nchaincode:\n"
                         "  system: &s {x: enable, self: *s}\n  systemPlugins: [*b, *b]\n"),
    "deep_nesting": core_yaml("peer: " + "[" * 3000 + "]" * 3000 + "\n"),
    "deep_maps": core_yaml("peer:" + " {a:" * 1500 + " 1" + "}" * 1500 + "\n"),
    "empty": core_yaml(""),
}


# ---- fuzz_cli_args: the first byte % 4 picks the mode; mode 0 is raw text for both parsers.
def raw_cli(text):
    return b"\x00" + text.encode()


CLI_ARGS = {
    "args": raw_cli('{"Args":["put","a","b"]}'),
    "function_args": raw_cli('{"function":"put","Args":["a","b"]}'),
    "case_and_order": raw_cli('{"args":["x"],"ARGS":["y"],"Args":["z"],"FUNCTION":"f"}'),
    "long_s_key": raw_cli('{"Arg\u017f":["z"]}'),
    "nulls": raw_cli('{"Args":[null,"a"],"function":null}'),
    "null_top": raw_cli("null"),
    "type_error": raw_cli('{"Args":[1]}'),
    "transient": raw_cli('{"k":"AP8=","empty":"","nil":null}'),
    "transient_line_breaks": raw_cli('{"k":"QUJD\\nREVG\\r\\n"}'),
    "deep_args_element": raw_cli('{"Args":[' + "[" * 5000 + "]" * 5000 + "]}"),
    "number_overflow": raw_cli('{"x":1e400,"Args":[]}'),
    "generated_ctor": bytes([1, 4, 3, 0, 0, 0, 0, 7, 1, 2, 3]),
    "generated_transient": bytes([2, 4, 2, 0, 0, 0, 3, 0x41, 0x42, 0x43, 0, 2, 0]),
    "round_trip": bytes([3, 3, 3]) + b"put" + bytes([2, 0xc3, 0xa9]) + bytes([1, 0xff, 2, 1]),
}


# ---- fuzz_contract_args: per call a transaction byte, a count byte, then each argument;
# 0xC0 + length + bytes spells an argument out (up to 255 bytes), 0xF0.. + a depth byte is
# deep nesting (see pick_argument).
CONTRACT_TRANSACTIONS = ["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "flag", "real",
                         "real32", "text", "ints", "texts", "maybe", "object", "objects", "any",
                         "wrap", "mixed"]


def arg(text):
    data = text.encode() if isinstance(text, str) else text
    return bytes([0xC0, len(data)]) + data


def call(name, *args, count=0):
    return bytes([CONTRACT_TRANSACTIONS.index(name), count]) + b"".join(arg(a) for a in args)


CONTRACT = {
    "integers": call("i8", "-128") + call("u8", "256") + call("i64", "-9223372036854775809") +
    call("u64", "18446744073709551615") + call("u16", "-0") + call("i32", "007"),
    "not_integers": call("i16", "+1") + call("u32", " 1") + call("i64", "1.5") +
    call("u8", "0x10") + call("i8", ""),
    "floats": call("real", "1e308") + call("real", "1e309") + call("real32", "3.5e38") +
    call("real", "nan") + call("real", "-0.0") + call("real32", "0.1"),
    "bools_and_text": call("flag", "true") + call("flag", "True") + call("text", b"\xff\x00a") +
    call("wrap", b"\xff"),
    "vectors": call("ints", "[1,-2,9223372036854775807]") + call("ints", "[1.0]") +
    call("texts", '["a","\\u00e9"]') + call("texts", '["a",1]'),
    "optional": call("maybe") + call("maybe", "65535") + call("maybe", "65536") +
    call("mixed", "1", "true", count=0) + call("mixed", "1", "false", "c", "-5", count=2),
    "object": call("object", '{"x":1,"y":2,"tags":[1,255],"label":"l"}') +
    call("object", '{"x":1,"y":2,"tags":[],"label":null}') +
    call("object", '{"x":1,"y":2}') + call("object", '{"x":1,"y":2,"tags":[],"z":0}') +
    call("objects", '[{"x":1,"y":2,"tags":[]},{"x":-1,"y":-2,"tags":[0],"label":""}]'),
    "json": call("any", '{"a":[1,2.5,"x",null,true]}') + call("any", "1e400") +
    call("any", "[" * 100 + "]" * 100) + call("objects", "[" * 100 + "]" * 100),
    # 513 levels of arrays for any; 100,000 inside a point's label for objects (overflowed the
    # stack before the codec limited nesting); 120,000 levels of objects for any.
    "deep_nesting": bytes([CONTRACT_TRANSACTIONS.index("any"), 0, 0xF0, 64]) +
    bytes([CONTRACT_TRANSACTIONS.index("objects"), 0, 0xF2, 0xF8]) +
    bytes([CONTRACT_TRANSACTIONS.index("any"), 0, 0xF1, 0xF9]),
    "argument_count": bytes([CONTRACT_TRANSACTIONS.index("i8"), 0xF0]) +
    bytes([CONTRACT_TRANSACTIONS.index("mixed"), 0xF1]) + arg("1"),
}


# ---- fuzz_peer_stream: a segment count, then segments (see build_stream/fill_proposal).
PEER_CHANNELS = {"ch1": 0, "ch2": 1, "": 3, "Ch1": 4, "1ch": 5, "ch 1": 6, "c" * 250: 7,
                 "ch\xff": 8, "ch_1": 10}
PEER_CHAINCODES = {"fzkv": 0, "nope": 3, "": 4, "FZKV": 5}
INVOKE_KIND, QUERY_KIND, LIST_CHAINCODES, CHANNELS_OR_STATUS, NO_KIND = 0, 3, 5, 6, 7
TX_NONE, TX_RIGHT, TX_WRONG = 0, 1, 3


def blob(data):
    return bytes([len(data)]) + data


def proposal(function, *params, channel="ch1", chaincode="fzkv", tx=TX_RIGHT, nonce=b"n1",
             transient=None):
    keys = {b"a": 0, b"b": 1, b"c": 2, b"": 3}
    out = bytes([PEER_CHANNELS[channel], PEER_CHAINCODES[chaincode]])
    if function == "put":
        out += bytes([0, keys[params[0]]]) + blob(params[1])
    elif function == "get":
        out += bytes([2, keys[params[0]]])
    elif function == "del":
        out += bytes([3, keys[params[0]]])
    elif function == "big":
        out += bytes([4, params[0]])
    elif function == "fail":
        out += bytes([5])
    elif function == "range":
        out += bytes([6, keys[params[0]], keys[params[1]]])
    out += bytes([0, 0, 1])  # no decorations, is_init false, creator Org1MSP
    out += blob(nonce) + bytes([tx])
    if tx == TX_WRONG:
        out += blob(b"bad")
    transient = transient or {}
    out += bytes([len(transient)])
    for key, value in transient.items():
        out += blob(key) + blob(value)
    return out + bytes([0])  # no timestamp


def request(kind, request_id, body=b""):
    return bytes([kind, request_id]) + body


def stream(*segments):
    return bytes([len(segments) - 1]) + b"".join(segments)


def raw(data):
    return bytes([0xC0]) + blob(data)


def oversize(extra):
    return bytes([0xF0, extra])


def truncated(body, missing):
    return bytes([0xF8]) + blob(body) + bytes([missing])


PEER = {
    "put_get_list": stream(
        request(INVOKE_KIND, 1, proposal("put", b"a", b"v")),
        request(QUERY_KIND, 2, proposal("get", b"a", nonce=b"n2")),
        request(LIST_CHAINCODES, 3), request(CHANNELS_OR_STATUS, 4, b"\x01"),
        request(CHANNELS_OR_STATUS, 5, b"\x00")),
    "refusals": stream(
        request(INVOKE_KIND, 1, proposal("put", b"a", b"v", channel="Ch1")),
        request(INVOKE_KIND, 2, proposal("put", b"a", b"v", chaincode="nope")),
        request(QUERY_KIND, 3, proposal("get", b"a", chaincode="")),
        request(INVOKE_KIND, 4, proposal("put", b"b", b"w", tx=TX_WRONG)),
        request(QUERY_KIND, 5, proposal("get", b"a", channel="c" * 250)),
        request(NO_KIND, 6)),
    "big_reply": stream(request(QUERY_KIND, 1, proposal("big", 99)),
                        request(INVOKE_KIND, 2, proposal("big", 70, nonce=b"n3"))),
    "failing_invoke": stream(request(INVOKE_KIND, 1, proposal("fail")),
                             request(INVOKE_KIND, 1, proposal("del", b"a", channel="ch2")),
                             request(QUERY_KIND, 2, proposal("range", b"", b"", tx=TX_NONE))),
    "invoke_then_oversize": stream(request(INVOKE_KIND, 9, proposal("put", b"c", b"x")),
                                   oversize(1)),
    "invoke_then_undecodable": stream(request(INVOKE_KIND, 9, proposal("put", b"c", b"y")),
                                      bytes([0xE0]) + blob(b"\xff\xff\xff\xff")),
    "query_then_truncated": stream(request(QUERY_KIND, 3, proposal("get", b"c")),
                                   truncated(b"\x08\x01", 5)),
    "truncated_header": stream(request(LIST_CHAINCODES, 1), raw(b"\x00\x00")),
    "garbage": stream(raw(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")),
    "transient_and_empty_frame": stream(
        request(QUERY_KIND, 1, proposal("get", b"a", transient={b"k": b"secret"})),
        bytes([0xE0, 0])),
}


def main():
    for name, data in COMPOSITE.items():
        write("fuzz_composite_key", name, data)
    for name, data in LEDGER.items():
        write("fuzz_stub_ledger", name, data)
    for name, data in CORE_YAML.items():
        write("fuzz_core_yaml", name, data)
    for name, data in CLI_ARGS.items():
        write("fuzz_cli_args", name, data)
    for name, data in CONTRACT.items():
        write("fuzz_contract_args", name, data)
    for name, data in PEER.items():
        write("fuzz_peer_stream", name, data)


if __name__ == "__main__":
    main()
