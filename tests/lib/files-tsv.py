#!/usr/bin/env python3
"""files-tsv.py [--all-layers] < customs-inspect.json

Print the file catalog of `customs inspect -o json` in the format of
tests/fixtures/list-rootfs.py (path, type letter, mode, uid, gid, size,
symlink target), sorted bytewise, so the squashed view can be diffed
against a real unpacked rootfs. Hard links are regular files there.
With --all-layers a leading column gives the layer and one for visibility.
"""
import json
import sys

LETTER = {"file": "f", "hardlink": "f", "dir": "d", "symlink": "l", "char": "c",
          "block": "b", "fifo": "p", "socket": "s"}

doc = json.load(sys.stdin)
all_layers = "--all-layers" in sys.argv
rows = []
for f in doc["files"]:
    t = LETTER[f["type"]]
    size = f["size"] if t == "f" else 0
    target = f["link"] if t == "l" else ""
    row = [f["path"], t, f["mode"], str(f["uid"]), str(f["gid"]), str(size), target or ""]
    if all_layers:
        row = [str(f["layer"]), "1" if f["visible"] else "0"] + row
    rows.append(row)
rows.sort(key=lambda r: [x.encode("utf-8", "surrogateescape") for x in r])
out = sys.stdout.buffer
for r in rows:
    out.write("\t".join(r).encode("utf-8", "surrogateescape") + b"\n")
