"""debian_oracle.py - what Debian's OSV records say about an installed dpkg
package set, worked out without customs' code: the dpkg status file read
here (Source field, the source version from "Source: x (ver)" else Version,
Built-Using), the Debian:12 records of the OSV zip read with zipfile + json,
OSV evaluation (versions list, or ranges with events ordered and compared by
dpkg itself: python3-apt's apt_pkg, or `dpkg --compare-versions` in one
shell batch).

  debian_oracle.py pairs ZIP STATUS OUT
      the (vulnerability id, source package) pairs whose records hold the
      installed source versions, into OUT as JSON
  debian_oracle.py owned ZIP STATUS SCAN.json
      for every match of SCAN.json (customs-scan) in a language package a
      deb installed: what the owner's Debian records say (its source
      package, or for a Go stdlib the golang-X.Y its Built-Using names) and
      whether the match must count; one line per disagreement, then a
      summary line "owned N states S" (S: counts per state and via)
"""
import functools
import json
import re
import subprocess
import sys
import zipfile

try:
    import apt_pkg

    apt_pkg.init_system()

    def cmp_batch(pairs):
        return {p: (apt_pkg.version_compare(p[0], p[1]) > 0) - (apt_pkg.version_compare(p[0], p[1]) < 0) for p in pairs}
except ImportError:

    def cmp_batch(pairs):
        # one shell, one dpkg call per pair: no Python subprocess per pair
        pairs = sorted(pairs)
        script = 'while read -r a b; do if dpkg --compare-versions "$a" lt "$b"; then echo -1; ' \
                 'elif dpkg --compare-versions "$a" eq "$b"; then echo 0; else echo 1; fi; done'
        inp = "".join("%s %s\n" % p for p in pairs)
        out = subprocess.run(["sh", "-c", script], input=inp, capture_output=True, text=True, check=True).stdout.split()
        return {p: int(r) for p, r in zip(pairs, out)}


def status(path):
    """The installed packages: name, version, source, source version, Built-Using [(name, version)]."""
    pkgs = []
    for stanza in open(path, encoding="utf-8").read().split("\n\n"):
        f, key = {}, None
        for line in stanza.split("\n"):
            if line[:1] in (" ", "\t") and key:
                f[key] += " " + line.strip()  # a folded field goes on
                continue
            if ":" in line:
                key, _, val = line.partition(":")
                f[key] = val.strip()
        if "Package" not in f or f.get("Status", "").split()[-1:] != ["installed"]:
            continue
        src, ver = f["Package"], f["Version"]
        if "Source" in f:
            parts = f["Source"].split()
            src = parts[0]
            if len(parts) > 1 and parts[1].startswith("("):
                ver = parts[1].strip("()")
        bu = re.findall(r"([a-z0-9][a-z0-9+.-]+)\s*\(\s*=\s*([^)\s]+)\s*\)", f.get("Built-Using", ""))
        pkgs.append({"name": f["Package"], "version": f["Version"], "source": src, "source_version": ver,
                     "built_using": bu})
    return pkgs


def entries(zip_path, names):
    """The Debian:12 affected entries of source packages `names`: (id, name, entry)."""
    out = []
    with zipfile.ZipFile(zip_path) as z:
        for n in z.namelist():
            if not n.endswith(".json"):
                continue
            rec = json.loads(z.read(n))
            if rec.get("withdrawn"):
                continue
            for a in rec.get("affected", []):
                pkg = a.get("package") or {}
                if pkg.get("ecosystem") == "Debian:12" and pkg.get("name") in names:
                    out.append((rec["id"], pkg["name"], a))
    return out


class Evaluator:
    """OSV evaluation of (version, entry) questions, every comparison asked of dpkg in one batch."""

    def __init__(self, questions):
        pairs = set()
        for ver, a in questions:
            for r in a.get("ranges", []):
                if r.get("type") != "ECOSYSTEM":
                    continue
                evs = [v for e in r.get("events", []) for v in e.values() if v not in ("0", "*")]
                for v in evs:
                    pairs.add((ver, v))
                for i in range(len(evs)):
                    for j in range(len(evs)):
                        pairs.add((evs[i], evs[j]))
        self.cmp = cmp_batch(pairs)

    def c(self, a, b):
        if a == b:
            return 0
        if a == "0":
            return -1
        if b == "0":
            return 1
        return self.cmp[(a, b)]

    def affected(self, ver, a):
        if ver in a.get("versions", []):
            return True
        for r in a.get("ranges", []):
            if r.get("type") != "ECOSYSTEM":
                continue
            evs = []
            for e in r.get("events", []):
                (kind, v), = e.items()
                evs.append((kind, v))
            limits = [v for k, v in evs if k == "limit"]
            if limits and not any(v == "*" or self.c(ver, v) < 0 for v in limits):
                continue
            order = {"introduced": 0, "last_affected": 1, "fixed": 2, "limit": 3}
            evs.sort(key=functools.cmp_to_key(lambda x, y: self.c(x[1], y[1]) or order[x[0]] - order[y[0]]))
            vuln = False
            for k, v in evs:
                if k == "introduced" and self.c(ver, v) >= 0:
                    vuln = True
                elif k == "fixed" and self.c(ver, v) >= 0:
                    vuln = False
                elif k == "last_affected" and self.c(ver, v) > 0:
                    vuln = False
            if vuln:
                return True
        return False


def pairs(zip_path, status_path, out_path):
    sources = {}
    for p in status(status_path):
        sources.setdefault(p["source"], set()).add(p["source_version"])
    ents = entries(zip_path, set(sources))
    ev = Evaluator([(ver, a) for vid, src, a in ents for ver in sources[src]])
    result = sorted({(vid, src) for vid, src, a in ents for ver in sources[src] if ev.affected(ver, a)})
    json.dump({"sources": len(sources), "entries": len(ents), "pairs": [list(p) for p in result]}, open(out_path, "w"))


def where(pkg, owner):
    """The Debian records that decide a package `owner` installed: (source, version, via)."""
    if pkg["name"] == "stdlib" and pkg["type"] == "go-module":
        xy = ".".join(pkg["version"].lstrip("go").split(".")[:2])
        tools = [(n, v) for n, v in owner["built_using"] if re.fullmatch(r"golang-\d+\.\d+", n)]
        tools.sort(key=lambda t: t[0] != "golang-" + xy)  # the stdlib's own X.Y first
        if tools:
            return tools[0][0], tools[0][1], "built-using"
    return owner["source"], owner["source_version"], "source-package"


def owned(zip_path, status_path, scan_path):
    d = json.load(open(scan_path))
    debs = {p["name"]: p for p in status(status_path)}
    ms = [(m, True) for m in d["matches"]] + [(m, False) for m in d["suppressed"]]
    ms = [(m, act) for m, act in ms if m["covered_by"]]
    plan = []
    for m, act in ms:
        owner = debs[m["covered_by"]["package"]]
        src, ver, via = where(m["package"], owner)
        plan.append((m, act, src, ver, via))
    ents = entries(zip_path, {p[2] for p in plan})
    by_src = {}
    for vid, src, a in ents:
        by_src.setdefault(src, []).append((vid, a))
    ev = Evaluator([(ver, a) for m, act, src, ver, via in plan for vid, a in by_src.get(src, [])])
    counts = {}
    for m, act, src, ver, via in plan:
        recs = [(vid, a) for vid, a in by_src.get(src, []) if vid in m["ids"]]
        hit = [ev.affected(ver, a) for vid, a in recs]
        state = "affected" if any(hit) else "fixed" if recs else "no-record"
        # fail closed: covered only when Debian says fixed, or affected and
        # the owner's own match counts it
        counts_here = state == "no-record" or (state == "affected" and via == "built-using")
        cv = m["covered_by"]
        want = (state, via, src, ver, counts_here)
        got = (cv["state"], cv["via"], cv["source_package"], cv["source_version"], act)
        if want != got:
            print("%s %s %s: want %s, got %s" % (m["id"], m["package"]["name"], m["package"]["location"], want, got))
        if state == "affected" and via == "built-using":
            # Debian's record decides the fix too: not-fixed when no fix is listed
            fixes = [e.get("fixed") for vid, a in recs for r in a.get("ranges", []) for e in r.get("events", [])]
            if not any(fixes) and m["fix"]["state"] != "not-fixed":
                print("%s %s: Debian lists no fix, the match says %s" % (m["id"], m["package"]["name"], m["fix"]["state"]))
        key = "%s/%s/%s" % (state, via, "counts" if act else "covered")
        counts[key] = counts.get(key, 0) + 1
    print("owned %d states %s" % (len(plan), ",".join("%s=%d" % kv for kv in sorted(counts.items()))))


if __name__ == "__main__":
    {"pairs": pairs, "owned": owned}[sys.argv[1]](*sys.argv[2:])
