#!/usr/bin/env python3
"""Writes the seed corpora of fuzz/corpus/ (committed; re-run after changing an input format).

    python3 fuzz/make_seeds.py

Each seed is one readable scenario in the byte format its target decodes; the encoders below
mirror the decoders in fuzz_composite_key.cpp and fuzz_stub_ledger.cpp.
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


def main():
    for name, data in COMPOSITE.items():
        write("fuzz_composite_key", name, data)
    for name, data in LEDGER.items():
        write("fuzz_stub_ledger", name, data)


if __name__ == "__main__":
    main()
