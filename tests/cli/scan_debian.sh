#!/bin/bash
# scan_debian.sh - `customs scan` of the Debian 12 fixture images against the
# real Debian OSV feed, checked against an independent oracle: a Python
# reading of the same OSV records (zipfile + json, ecosystem "Debian:12"),
# the installed packages of each image's dpkg status (Source field, the
# source version from "Source: x (ver)" else Version), and OSV evaluation
# (versions list, or ranges with events ordered and compared by dpkg itself:
# python3-apt's apt_pkg, or `dpkg --compare-versions` in one shell batch).
# The set of (vulnerability id, source package) customs reports (matches and
# suppressed, by the feed records each match lists) must equal the oracle's.
. "$(dirname "$0")/../lib/common.sh"
set +e +o pipefail

[ -f "$SHARED/feeds/debian-osv.zip" ] || skip "$SHARED/feeds/debian-osv.zip is absent (the shared data set is present in CI)"
need_fixtures
for img in debian-min debian-rich; do
	[ -f "$FIXTURES/rootfs/$img/rootfs/var/lib/dpkg/status" ] || skip "$FIXTURES/rootfs/$img is absent"
	[ -d "$FIXTURES/oci/$img" ] || skip "$FIXTURES/oci/$img is absent"
done
command -v python3 >/dev/null || skip "python3 is needed for the oracle"
command -v dpkg >/dev/null || skip "dpkg is needed for the oracle's version comparisons"

# the oracle compares with dpkg's own code: apt_pkg from Debian's python3
# (the default python3 may be another one), else dpkg in a shell batch
PY=python3
if /usr/bin/python3 -c 'import apt_pkg' 2>/dev/null; then
	PY=/usr/bin/python3
	echo "# oracle: apt_pkg (python3-apt) version comparisons"
else
	echo "# oracle: dpkg --compare-versions in one batch (python3-apt is not installed)"
fi

DB=$TMP/debian.sqlite
"$CUSTOMS" db import --db "$DB" --quiet "$SHARED/feeds/debian-osv.zip" >/dev/null 2>"$TMP/import.err"
check_eq "import debian-osv.zip" "$?" 0

cat >"$TMP/oracle.py" <<'PY'
import json, os, subprocess, sys, tempfile, zipfile

zip_path, status_path, out_path = sys.argv[1:4]

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

# installed packages: (source, source version)
sources = {}
for stanza in open(status_path, encoding="utf-8").read().split("\n\n"):
    f = {}
    key = None
    for line in stanza.split("\n"):
        if line[:1] in (" ", "\t") and key:
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
    sources.setdefault(src, set()).add(ver)

# the Debian:12 entries of those source packages
entries = []
with zipfile.ZipFile(zip_path) as z:
    for name in z.namelist():
        if not name.endswith(".json"):
            continue
        rec = json.loads(z.read(name))
        if rec.get("withdrawn"):
            continue
        for a in rec.get("affected", []):
            pkg = a.get("package") or {}
            if pkg.get("ecosystem") != "Debian:12" or pkg.get("name") not in sources:
                continue
            entries.append((rec["id"], pkg["name"], a))

# every comparison the evaluation needs, in one batch
pairs = set()
for vid, src, a in entries:
    for ver in sources[src]:
        for r in a.get("ranges", []):
            if r.get("type") != "ECOSYSTEM":
                continue
            evs = [v for e in r.get("events", []) for v in e.values() if v not in ("0", "*")]
            for v in evs:
                pairs.add((ver, v))
            for i in range(len(evs)):
                for j in range(len(evs)):
                    pairs.add((evs[i], evs[j]))
cmp = cmp_batch(pairs)

def c(a, b):
    if a == b:
        return 0
    if a == "0":
        return -1
    if b == "0":
        return 1
    return cmp[(a, b)]

import functools
def affected(ver, a):
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
        if limits and not any(v == "*" or c(ver, v) < 0 for v in limits):
            continue
        order = {"introduced": 0, "last_affected": 1, "fixed": 2, "limit": 3}
        evs.sort(key=functools.cmp_to_key(lambda x, y: c(x[1], y[1]) or order[x[0]] - order[y[0]]))
        vuln = False
        for k, v in evs:
            if k == "introduced" and c(ver, v) >= 0:
                vuln = True
            elif k == "fixed" and c(ver, v) >= 0:
                vuln = False
            elif k == "last_affected" and c(ver, v) > 0:
                vuln = False
        if vuln:
            return True
    return False

result = sorted({(vid, src) for vid, src, a in entries for ver in sources[src] if affected(ver, a)})
json.dump({"sources": len(sources), "entries": len(entries), "pairs": [list(p) for p in result]}, open(out_path, "w"))
PY

# customs' (record id, source package) pairs from the Debian feed; every
# record id must also be one of its match's ids
cat >"$TMP/customs.py" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
pairs, bad = set(), 0
for m in d["matches"] + d["suppressed"]:
    for r in m["records"]:
        if r["namespace"] == "debian:12":
            pairs.add((r["id"], r["package"]))
            bad += r["id"] not in m["ids"]
json.dump({"pairs": sorted(pairs), "ids_missing": bad, "matches": len(d["matches"]), "suppressed": len(d["suppressed"])},
          open(sys.argv[2], "w"))
PY

for img in debian-min debian-rich; do
	"$CUSTOMS" scan --quiet --db "$DB" --max-db-age 0 -o json "$FIXTURES/oci/$img" >"$TMP/$img.json" 2>"$TMP/$img.err"
	rc=$?
	check "scan $img -o json exits 0 (got $rc)" [ "$rc" -eq 0 ]
	check "scan $img writes a customs-scan document" python3 -c "
import json,sys; d=json.load(open('$TMP/$img.json')); sys.exit(d['schema']!='customs-scan' or d['schema_version']!='1.0')"
	$PY "$TMP/oracle.py" "$SHARED/feeds/debian-osv.zip" "$FIXTURES/rootfs/$img/rootfs/var/lib/dpkg/status" \
		"$TMP/$img.oracle.json"
	check_eq "oracle for $img ran" "$?" 0
	python3 "$TMP/customs.py" "$TMP/$img.json" "$TMP/$img.customs.json"
	read -r want got common only_oracle only_customs missing < <(python3 -c "
import json
o = {tuple(p) for p in json.load(open('$TMP/$img.oracle.json'))['pairs']}
c = json.load(open('$TMP/$img.customs.json'))
s = {tuple(p) for p in c['pairs']}
print(len(o), len(s), len(o & s), len(o - s), len(s - o), c['ids_missing'])
for x in sorted(o - s)[:10]: print('#   only the oracle:', *x, file=__import__('sys').stderr)
for x in sorted(s - o)[:10]: print('#   only customs:', *x, file=__import__('sys').stderr)
")
	echo "# $img: oracle $want (vulnerability, source package) pairs, customs $got, common $common," \
		"only oracle $only_oracle, only customs $only_customs"
	check "$img: the oracle finds matches at all" [ "${want:-0}" -gt 0 ]
	check_eq "$img: customs' Debian matches equal the oracle's exactly" "$only_oracle/$only_customs" "0/0"
	check_eq "$img: every matched record id is in its match's ids" "$missing" 0
done

# a few matches spelled out (values that are wrong if the code is)
python3 - "$TMP/debian-rich.json" >"$TMP/facts" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ms = d["matches"] + d["suppressed"]
deb = [m for m in ms if m["namespace"] == "debian:12"]
# binary packages of a source are each matched, through the source package
print("source-match", any(m["package"]["name"] == "libc6" and m["lookup_name"] == "glibc" and m["match_type"] == "source-package" for m in deb))
# unfixed entries (introduced 0, no fix) are not-fixed, and say so in the comparison
print("not-fixed", all(m["fix"]["state"] in ("not-fixed", "wont-fix", "unknown") and m["fix"]["versions"] == [] for m in deb if "no fix" in m["comparison"]))
# fixed ones name a fixed version above the compared (source) version
print("fixed", all(m["fix"]["versions"] and "(fixed)" in m["comparison"] for m in deb if m["fix"]["state"] == "fixed"))
# unimportant / end-of-life are statuses shown, not dropped
print("status", sorted({m["distro_status"] for m in deb if m["distro_status"]}))
# severity buckets follow the CVSS v3 score
def bucket(s):
    return "critical" if s >= 9 else "high" if s >= 7 else "medium" if s >= 4 else "low" if s >= 0.1 else "negligible"
print("buckets", all(bucket(m["severity"]["cvss_score"]) == m["severity"]["bucket"] for m in ms if m["severity"]["cvss_score"] is not None))
# severity order: critical first
rank = ["unknown", "negligible", "low", "medium", "high", "critical"]
r = [rank.index(m["severity"]["bucket"]) for m in d["matches"]]
print("sorted", r == sorted(r, reverse=True))
# dpkg packages are compared by their source version (a binNMU "+b1" is not
# in the feed), which differs from the binary's version for some
print("srcver", all(m["compared_version"] == (m["package"]["source_version"] or m["installed_version"]) for m in deb),
      any(m["compared_version"] != m["installed_version"] for m in deb))
PY
check "binary packages match through their source package (libc6 via glibc)" grep -qx "source-match True" "$TMP/facts"
check "unfixed entries are not-fixed with no fixed version" grep -qx "not-fixed True" "$TMP/facts"
check "fixed matches name the fixed version and the comparison says (fixed)" grep -qx "fixed True" "$TMP/facts"
check "distro statuses are shown (unimportant present)" grep -q "^status .*'unimportant'" "$TMP/facts"
check "severity buckets follow CVSS v3 ranges" grep -qx "buckets True" "$TMP/facts"
check "matches are sorted critical first" grep -qx "sorted True" "$TMP/facts"
check "dpkg packages are compared by their source version (some differ from the binary's)" grep -qx "srcver True True" "$TMP/facts"

# --hide-status moves unimportant ones to suppressed, never drops them
"$CUSTOMS" scan --quiet --db "$DB" --max-db-age 0 -o json --hide-status unimportant "$FIXTURES/oci/debian-min" \
	>"$TMP/hide.json" 2>/dev/null
check "--hide-status unimportant: same total, unimportant ones suppressed by status" python3 -c "
import json,sys
a=json.load(open('$TMP/debian-min.json')); b=json.load(open('$TMP/hide.json'))
n=lambda d: len(d['matches'])+len(d['suppressed'])
u=[m for m in a['matches'] if m['distro_status']=='unimportant']
s=[m for m in b['suppressed'] if (m['suppressed_by'] or {}).get('kind')=='status']
sys.exit(not (n(a)==n(b) and len(u)>0 and len(s)==len(u) and all(m['distro_status']!='unimportant' for m in b['matches'])))"

finish
