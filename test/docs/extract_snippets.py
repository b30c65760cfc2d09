#!/usr/bin/env python3
"""Extracts the code blocks of Markdown docs into files, so that ctest compiles and runs them.

A fenced block is extracted when the line before it (blank lines aside) is a marker:

    <!-- snippet: PATH -->              the block is (the next part of) file PATH
    <!-- snippet: PATH wrap=NAME -->    the block is placed in wrapper test/docs/wrappers/NAME
                                        at its @SNIPPET@ line, and the result is file PATH;
                                        files in wrappers/NAME.files/ are copied next to it
    <!-- snippet: grammar -->           the block is a syntax outline, not code: not extracted

PATH is relative to <out>/<doc name without .md>/. Several blocks may name the same PATH: they
are joined in the order of the doc. Files are only rewritten when their content changes.

--check fails (exit 1) when a cpp or cmake block has no marker, so that no C++ or CMake block
of a doc can escape the build.
"""
import argparse
import os
import re
import shutil
import sys

MARKER = re.compile(r"^<!--\s*snippet:\s*(\S+)(?:\s+wrap=(\S+))?\s*-->\s*$")
FENCE = re.compile(r"^(```+|~~~+)\s*([\w+-]*)")
CODE_LANGUAGES = {"cpp", "c++", "cxx", "cmake"}


def blocks(path):
    """Yields (line number, language, marker match or None, text) for each fenced block."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    last_nonblank = None
    while i < len(lines):
        fence = FENCE.match(lines[i])
        if not fence:
            if lines[i].strip():
                last_nonblank = lines[i]
            i += 1
            continue
        start = i
        closing = fence.group(1)
        body = []
        i += 1
        while i < len(lines) and not lines[i].startswith(closing):
            body.append(lines[i])
            i += 1
        marker = MARKER.match(last_nonblank.strip()) if last_nonblank else None
        yield start + 1, fence.group(2).lower(), marker, "\n".join(body) + "\n"
        last_nonblank = None
        i += 1


def write_if_changed(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", help="where to write the files")
    parser.add_argument("--wrappers", required=True)
    parser.add_argument("--check", action="store_true", help="fail on unmarked code blocks")
    parser.add_argument("docs", nargs="+")
    args = parser.parse_args()

    problems = []
    files = {}  # output path -> list of texts
    companions = {}  # output dir -> wrapper companion dir
    for doc in args.docs:
        name = os.path.splitext(os.path.basename(doc))[0]
        for line, language, marker, text in blocks(doc):
            if marker is None:
                if language in CODE_LANGUAGES:
                    problems.append(f"{doc}:{line}: a {language} block without a "
                                    "<!-- snippet: ... --> marker (see test/docs/extract_snippets.py)")
                continue
            target, wrapper = marker.group(1), marker.group(2)
            if target == "grammar":
                continue
            if language not in CODE_LANGUAGES:
                problems.append(f"{doc}:{line}: snippet marker on a '{language}' block")
            out = os.path.join(name, target)
            if wrapper:
                wrapper_path = os.path.join(args.wrappers, wrapper)
                if not os.path.isfile(wrapper_path):
                    problems.append(f"{doc}:{line}: no wrapper {wrapper_path}")
                    continue
                with open(wrapper_path, encoding="utf-8") as f:
                    template = f.read()
                if "@SNIPPET@" not in template:
                    problems.append(f"{wrapper_path}: has no @SNIPPET@ line")
                    continue
                text = template.replace("@SNIPPET@", text.rstrip("\n"))
                if os.path.isdir(wrapper_path + ".files"):
                    companions[os.path.dirname(out)] = wrapper_path + ".files"
            files.setdefault(out, []).append(text)

    for problem in problems:
        print(problem, file=sys.stderr)
    if args.out:
        written = set()
        for out, texts in files.items():
            written.add(os.path.join(args.out, out))
            write_if_changed(os.path.join(args.out, out), "\n".join(texts))
        for out_dir, source in companions.items():
            for entry in os.listdir(source):
                written.add(os.path.join(args.out, out_dir, entry))
                with open(os.path.join(source, entry), encoding="utf-8") as f:
                    write_if_changed(os.path.join(args.out, out_dir, entry), f.read())
        # A block that moved or went away must not leave its old file to be compiled.
        for root, _, names in os.walk(args.out):
            for entry in names:
                if os.path.join(root, entry) not in written:
                    os.remove(os.path.join(root, entry))
    if args.check:
        print(f"{len(files)} files from {len(args.docs)} docs", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
