"""distro_oracle.py - what the Alpine secdb and AlmaLinux OSV feeds say about
an installed package set, worked out without customs' code: its own apk and
rpm version comparisons, written from the reference rules (apk-tools 3
src/version.c, rpm's rpmvercmp), checked against the reference vectors
before they are trusted.

  distro_oracle.py vectors SHARED       check both comparisons against the vectors
  distro_oracle.py alpine INSTALLED SECDB.zip BRANCH   expected (package, id) pairs
  distro_oracle.py alma RPMLIST OSV.zip MAJOR          expected (package, id) pairs

INSTALLED is an apk lib/apk/db/installed; RPMLIST a TSV with a header line
and the columns epoch, name, version, release, arch, sourcerpm (what the
shared rpmdb/*.expected.tsv hold).  An rpm package is looked up under its
own name and under its source rpm's name: the AlmaLinux records list binary
package names, and a record for the source's namesake binary fixes every
binary built from that source.  Output: one
"package<TAB>id" a line, sorted; for alpine a second section after a line
"#not-affected" lists the (package, id) pairs the secdb marks "0".
"""
import json
import re
import sys
import zipfile

# ---- apk (apk-tools 3 src/version.c rules; v2's letter-then-digits too) -----

INITIAL, DIGIT, LETTER, SUFFIX, SUFFIX_NO, HASH, REVISION, END, INVALID = range(9)
PRE = ["alpha", "beta", "pre", "rc"]
POST = ["cvs", "svn", "git", "hg", "p"]


def apk_tokens(s):
    """(kind, value) pairs; value an int, or a string where strings compare."""
    i, n = 0, len(s)

    def digits(j):
        k = j
        while k < n and s[k].isdigit():
            k += 1
        return k

    j = digits(0)
    if j == 0:
        return [(INVALID, "")]
    out = [(INITIAL, int(s[:j]))]
    i, kind = j, INITIAL
    while True:
        if i >= n:
            out.append((END, 0))
            return out
        c = s[i]
        if "a" <= c <= "z" and kind <= DIGIT:
            kind = LETTER
            out.append((kind, ord(c)))
            i += 1
        elif (c == "." and kind <= DIGIT) or (c.isdigit() and kind in (INITIAL, DIGIT, SUFFIX, LETTER)):
            if c == ".":
                i += 1
            j = digits(i)
            if j == i:
                break
            if kind == SUFFIX:
                kind = SUFFIX_NO
                out.append((kind, int(s[i:j])))
            else:
                kind = DIGIT
                out.append((kind, s[i:j]))  # compared as a number unless a leading zero
            i = j
        elif c == "_" and kind <= SUFFIX_NO:
            j = i + 1
            while j < n and "a" <= s[j] <= "z":
                j += 1
            name = s[i + 1:j]
            if name in PRE:
                rank = PRE.index(name) - len(PRE)
            elif name in POST:
                rank = POST.index(name) + 1
            else:
                break
            kind = SUFFIX
            out.append((kind, rank))
            i = j
        elif c == "~" and kind < HASH:
            j = i + 1
            while j < n and s[j] in "0123456789abcdef":
                j += 1
            if j == i + 1:
                break
            kind = HASH
            out.append((kind, s[i + 1:j]))
            i = j
        elif c == "-" and kind < REVISION and s[i + 1:i + 2] == "r":
            j = digits(i + 2)
            if j == i + 2:
                break
            kind = REVISION
            out.append((kind, int(s[i + 2:j])))
            i = j
        else:
            break
    out.append((INVALID, ""))
    return out


def apk_cmp(x, y):
    ta, tb = apk_tokens(x), apk_tokens(y)
    k = 0
    while ta[k][0] == tb[k][0] and ta[k][0] < END:
        kind, va, vb = ta[k][0], ta[k][1], tb[k][1]
        if kind == DIGIT:
            if va.startswith("0") or vb.startswith("0"):
                pass  # a leading zero on either side: the digits compare as strings
            else:
                va, vb = int(va), int(vb)
        if va != vb:
            return -1 if va < vb else 1
        k += 1
    ka, kb = ta[k][0], tb[k][0]
    if ka == kb:
        return 0
    if ka == SUFFIX and ta[k][1] < 0:
        return -1
    if kb == SUFFIX and tb[k][1] < 0:
        return 1
    return -1 if ka > kb else 1


# ---- rpm (rpmvercmp.c) --------------------------------------------------------

def rpmvercmp(a, b):
    if a == b:
        return 0
    i = j = 0

    def alnum(c):
        return c.isascii() and c.isalnum()

    while i < len(a) or j < len(b):
        while i < len(a) and not alnum(a[i]) and a[i] not in "~^":
            i += 1
        while j < len(b) and not alnum(b[j]) and b[j] not in "~^":
            j += 1
        ca, cb = a[i:i + 1], b[j:j + 1]
        if ca == "~" or cb == "~":
            if ca != "~":
                return 1
            if cb != "~":
                return -1
            i, j = i + 1, j + 1
            continue
        if ca == "^" or cb == "^":
            if i == len(a):
                return -1
            if j == len(b):
                return 1
            if ca != "^":
                return 1
            if cb != "^":
                return -1
            i, j = i + 1, j + 1
            continue
        if not (i < len(a) and j < len(b)):
            break
        si, sj = i, j
        if a[i].isdigit():
            while i < len(a) and a[i].isdigit():
                i += 1
            while j < len(b) and b[j].isdigit():
                j += 1
            isnum = True
        else:
            while i < len(a) and a[i].isascii() and a[i].isalpha():
                i += 1
            while j < len(b) and b[j].isascii() and b[j].isalpha():
                j += 1
            isnum = False
        sa, sb = a[si:i], b[sj:j]
        if sb == "":
            return 1 if isnum else -1
        if isnum:
            sa, sb = sa.lstrip("0"), sb.lstrip("0")
            if len(sa) != len(sb):
                return 1 if len(sa) > len(sb) else -1
        if sa != sb:
            return 1 if sa > sb else -1
    if i >= len(a) and j >= len(b):
        return 0
    return -1 if i >= len(a) else 1


def evr_split(s):
    e, _, rest = s.rpartition(":") if ":" in s else ("0", "", s)
    v, _, r = rest.rpartition("-") if "-" in rest else (rest, "", "")
    return int(e or 0), v, r


def rpm_evr_cmp(x, y):
    ex, vx, rx = evr_split(x)
    ey, vy, ry = evr_split(y)
    if ex != ey:
        return -1 if ex < ey else 1
    c = rpmvercmp(vx, vy)
    if c or not rx or not ry:
        return c
    return rpmvercmp(rx, ry)


# ---- the checks against the reference vectors ---------------------------------

def check_vectors(shared):
    bad = 0
    n = 0
    for line in open(shared + "/vectors/apk-version-v3.data"):
        f = line.split("#")[0].split()
        if len(f) != 3 or f[1] not in "<=>" or "invalid" in line:
            continue
        want = {"<": -1, "=": 0, ">": 1}[f[1]]
        n += 1
        if apk_cmp(f[0], f[2]) != want:
            bad += 1
            print("apk vector: %s %s %s: got %d" % (f[0], f[1], f[2], apk_cmp(f[0], f[2])))
    m = 0
    for line in open(shared + "/vectors/rpmvercmp.txt"):
        f = line.split()
        if len(f) != 3 or line.startswith("#"):
            continue
        m += 1
        if rpmvercmp(f[0], f[1]) != int(f[2]):
            bad += 1
            print("rpm vector: %s %s %s: got %d" % (f[0], f[1], f[2], rpmvercmp(f[0], f[1])))
    print("%d apk and %d rpm vectors, %d wrong" % (n, m, bad))
    return bad == 0 and n > 500 and m > 50


# ---- the feeds ------------------------------------------------------------------

def alpine(installed, secdb_zip, branch):
    pkgs = []  # (name, version, origin)
    cur = {}
    for line in open(installed, encoding="utf-8", errors="replace"):
        line = line.rstrip("\n")
        if not line:
            if "P" in cur:
                pkgs.append((cur["P"], cur["V"], cur.get("o", cur["P"])))
            cur = {}
        elif len(line) > 2 and line[1] == ":":
            cur[line[0]] = line[2:]
    if "P" in cur:
        pkgs.append((cur["P"], cur["V"], cur.get("o", cur["P"])))
    fixes = {}  # origin -> [(fixed version, [ids])]
    with zipfile.ZipFile(secdb_zip) as z:
        for name in z.namelist():
            if not name.startswith(branch + "/") or not name.endswith(".json"):
                continue
            for p in json.loads(z.read(name))["packages"]:
                p = p["pkg"]
                for ver, ids in (p.get("secfixes") or {}).items():
                    fixes.setdefault(p["name"], []).append((ver, [i.split()[0] for i in ids if i]))
    out, zero = set(), set()
    for name, ver, origin in pkgs:
        for fixed, ids in fixes.get(origin, []):
            for i in ids:
                if fixed == "0":
                    zero.add((name, i))
                elif apk_cmp(ver, fixed) < 0:
                    out.add((name, i))
    return sorted(out - zero), sorted(zero)


def alma(rpmlist, osv_zip, major):
    pkgs = []
    for line in open(rpmlist):
        f = line.rstrip("\n").split("\t")
        if f[0] == "epoch":
            continue
        epoch, name, version, release, srpm = f[0], f[1], f[2], f[3], f[5]
        evr = ("" if epoch in ("(none)", "0", "") else epoch + ":") + version + "-" + release
        src = srpm[:-len(".src.rpm")].rsplit("-", 2)[0] if srpm.endswith(".src.rpm") else name
        pkgs.append((name, src, evr))
    eco = "AlmaLinux:%s" % major
    out = set()
    with zipfile.ZipFile(osv_zip) as z:
        for n in z.namelist():
            if not n.startswith("almalinux%s/" % major) or not n.endswith(".json"):
                continue
            rec = json.loads(z.read(n))
            for aff in rec.get("affected", []):
                pk = aff.get("package", {})
                if pk.get("ecosystem") != eco:
                    continue
                for name, src, evr in pkgs:
                    if pk.get("name") not in (name, src):
                        continue
                    for r in aff.get("ranges", []):
                        intro, fixed = None, None
                        for ev in r.get("events", []):
                            intro = ev.get("introduced", intro)
                            fixed = ev.get("fixed", fixed)
                        if intro not in (None, "0") and rpm_evr_cmp(evr, intro) < 0:
                            continue
                        if fixed is None or rpm_evr_cmp(evr, fixed) < 0:
                            out.add((name, rec["id"]))
    return sorted(out)


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "vectors":
        sys.exit(0 if check_vectors(sys.argv[2]) else 1)
    if what == "alpine":
        pairs, zero = alpine(sys.argv[2], sys.argv[3], sys.argv[4])
        for p in pairs:
            print("%s\t%s" % p)
        print("#not-affected")
        for p in zero:
            print("%s\t%s" % p)
    elif what == "alma":
        for p in alma(sys.argv[2], sys.argv[3], sys.argv[4]):
            print("%s\t%s" % p)
