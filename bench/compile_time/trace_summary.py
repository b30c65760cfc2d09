#!/usr/bin/env python3
"""Summarises clang -ftime-trace files: where a TU's compile time goes.

    trace_summary.py NAME TRACE.json [NAME TRACE.json ...]

Per TU, one JSON line with clang's totals (frontend, backend, parsing sources, template
instantiation, code generation) in seconds, and the headers the TU includes directly with
the time spent parsing each (nested includes counted in their parent), largest first.
"""
import json
import os
import sys


def summarise(name, path):
    with open(path) as f:
        events = json.load(f)["traceEvents"]
    totals = {}
    for event in events:
        if event.get("name", "").startswith("Total "):
            totals[event["name"][6:]] = event.get("dur", 0) / 1e6
    sources = sorted((e for e in events if e.get("name") == "Source" and e.get("ph") == "X"),
                     key=lambda e: e["ts"])
    # A top-level include is a Source event that no earlier one encloses.
    top, end = [], -1
    for event in sources:
        if event["ts"] >= end:
            top.append(event)
            end = event["ts"] + event["dur"]
    headers = {}
    for event in top:
        detail = event.get("args", {}).get("detail", "?")
        key = detail.split("/include/", 1)[-1] if "/include/" in detail else os.path.basename(detail)
        headers[key] = headers.get(key, 0) + event["dur"] / 1e6
    wanted = ["ExecuteCompiler", "Frontend", "Backend", "Source", "ParseClass",
              "InstantiateClass", "InstantiateFunction", "PerformPendingInstantiations",
              "CodeGen Function"]
    out = {"bench": "compile_trace", "tu": name,
           "totals_s": {k: round(totals[k], 3) for k in wanted if k in totals},
           "includes_s": {k: round(v, 3) for k, v in
                          sorted(headers.items(), key=lambda kv: -kv[1])[:8]}}
    print(json.dumps(out))


def main(argv):
    if len(argv) < 3 or len(argv) % 2 == 0:
        sys.exit(__doc__)
    for i in range(1, len(argv), 2):
        summarise(argv[i], argv[i + 1])


if __name__ == "__main__":
    main(sys.argv)
