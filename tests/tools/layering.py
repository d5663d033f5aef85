#!/usr/bin/env python3
"""layering.py SRCDIR OBJDIR - the library's structure as the code has it:
no two files of src/lib depend on each other in a loop, and no file depends
on a stage above its own.

A file depends on another when it includes it (#include "stage/x.h", the
header standing for its .c) or calls a function only the other defines (from
`nm` of the built objects under OBJDIR: undefined symbols matched to the
object that defines them).  Loops are the strongly connected components of
that graph with more than one file.  The stages, bottom up, are STAGES;
a dependency from a stage to a higher one is reported as running back up.
Also the sizes: no file of src/ over 1,500 lines, no function over 200.
Exit 1 with the list when there is a loop, an upward dependency or a size
over the limit."""
import os
import re
import subprocess
import sys

STAGES = ["util", "model", "license", "core", "sbom", "source", "layers", "analyzers", "plugin", "vuln", "policy", "store", "diff", "report", "engine"]


def main():
    src, objdir = sys.argv[1], sys.argv[2]
    lib = os.path.join(src, "src", "lib")
    files = []
    for stage in os.listdir(lib):
        for f in os.listdir(os.path.join(lib, stage)):
            if f.endswith((".c", ".h")):
                files.append(stage + "/" + f)
    unit = lambda f: f[:-2]  # "core/copies.c" and "core/copies.h" are one unit
    units = sorted(set(unit(f) for f in files))
    edges = {u: set() for u in units}
    why = {}
    inc = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
    for f in files:
        text = open(os.path.join(lib, f), encoding="utf-8", errors="replace").read()
        for h in inc.findall(text):
            h = os.path.normpath(os.path.join(os.path.dirname(f), h)) if not "/" in h or h.startswith(".") else h
            if h.startswith("customs/") or unit(h) not in edges or unit(h) == unit(f):
                continue
            edges[unit(f)].add(unit(h))
            why.setdefault((unit(f), unit(h)), "includes " + h)
    # calls, from the objects
    defined, undefined = {}, {}
    for root, _, names in os.walk(objdir):
        for n in names:
            if not n.endswith(".c.o"):
                continue
            path = os.path.join(root, n)
            rel = os.path.relpath(path, objdir)
            m = re.search(r"src/lib/(.+)\.c\.o$", rel.replace(os.sep, "/"))
            if not m:
                continue
            u = m.group(1)
            out = subprocess.run(["nm", path], capture_output=True, text=True).stdout
            for line in out.splitlines():
                p = line.split()
                if len(p) == 2 and p[0] == "U":
                    undefined.setdefault(u, set()).add(p[1])
                elif len(p) == 3 and p[1] in "TDBR":
                    defined[p[2]] = u
    if not defined:
        sys.exit("layering.py: no objects under %s (build the library first)" % objdir)
    for u, syms in undefined.items():
        for s in syms:
            d = defined.get(s)
            if d and d != u and u in edges and d in edges:
                edges[u].add(d)
                why.setdefault((u, d), "calls " + s)
    # strongly connected components (Tarjan, iterative)
    index, low, on, stack, sccs, counter = {}, {}, set(), [], [], [0]
    for start in units:
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on.add(start)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        x = stack.pop()
                        on.discard(x)
                        comp.append(x)
                        if x == v:
                            break
                    if len(comp) > 1:
                        sccs.append(sorted(comp))
            elif w not in index:
                index[w] = low[w] = counter[0]
                counter[0] += 1
                stack.append(w)
                on.add(w)
                work.append((w, iter(sorted(edges[w]))))
            elif w in on:
                low[v] = min(low[v], index[w])
    bad = 0
    for comp in sccs:
        bad += 1
        print("loop: " + " <-> ".join(comp))
        for a in comp:
            for b in comp:
                if b in edges[a]:
                    print("  %s -> %s: %s" % (a, b, why[(a, b)]))
    rank = {s: i for i, s in enumerate(STAGES)}
    for a in units:
        for b in sorted(edges[a]):
            sa, sb = a.split("/")[0], b.split("/")[0]
            if sa in rank and sb in rank and rank[sb] > rank[sa]:
                bad += 1
                print("runs back up: %s (%s) -> %s (%s): %s" % (a, sa, b, sb, why[(a, b)]))
    unknown = sorted(set(u.split("/")[0] for u in units) - set(STAGES))
    for s in unknown:
        bad += 1
        print("stage %s is not in layering.py's STAGES: place it" % s)
    for root, _, names in os.walk(os.path.join(src, "src")):
        for n in sorted(names):
            if not n.endswith((".c", ".h")):
                continue
            path = os.path.join(root, n)
            lines = open(path, encoding="utf-8", errors="replace").read().split("\n")
            rel = os.path.relpath(path, src)
            if len(lines) > 1500:
                bad += 1
                print("too long: %s has %d lines (at most 1,500)" % (rel, len(lines)))
            # a function: a line starting at column 0 that ends with ")", "{" on the next
            i = 0
            while i + 1 < len(lines):
                if re.match(r"^[A-Za-z_].*\)\s*$", lines[i]) and lines[i + 1] == "{":
                    j = i + 2
                    while j < len(lines) and lines[j] != "}":
                        j += 1
                    if j - i + 1 > 200:
                        bad += 1
                        print("too long: %s:%d %s is %d lines (at most 200)" % (rel, i + 1, lines[i][:60], j - i + 1))
                    i = j
                i += 1
    n = sum(len(e) for e in edges.values())
    print("%d files in %d stages, %d dependencies: %d loops, %d problems" % (len(units), len(STAGES), n, len(sccs), bad))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
