#!/bin/bash
# scan_lang.sh - `customs scan` of debian-rich's language packages against
# the real GitHub advisories (ghsa/), Go vulndb and PyPA feeds: the advisory
# ids of lodash 4.17.15, minimist 1.2.0, axios 0.21.0, express 4.17.1 (npm),
# requests 2.28.1 (Debian's python3-requests) and the Go binaries' stdlib and
# modules (versions from `go version -m`) must be exactly those an
# independent Python evaluation of the same records gives.  The database has
# no Debian data: language packages that debs installed count (fail closed),
# saying so.  Then the CLI: --fail-on exit codes, --only-fixed, ignore rules
# (YAML and JSON, an expired one reported), a VEX statement, --explain, one
# table row per package identity (esbuild's binary at two paths).
. "$(dirname "$0")/../lib/common.sh"
set +e +o pipefail

F=$SHARED/feeds
for f in ghsa go-osv.zip pypi-osv.zip; do
	[ -e "$F/$f" ] || skip "$F/$f is absent (the shared data set is present in CI)"
done
need_fixtures
IMG=$FIXTURES/oci/debian-rich
ROOT=$FIXTURES/rootfs/debian-rich/rootfs
[ -d "$IMG" ] && [ -d "$ROOT" ] || skip "the debian-rich fixture is absent"
command -v python3 >/dev/null || skip "python3 is needed for the expected ids"

DB=$TMP/lang.sqlite
"$CUSTOMS" db import --db "$DB" --quiet "$F/ghsa" "$F/go-osv.zip" "$F/pypi-osv.zip" >/dev/null 2>"$TMP/import.err"
check_eq "import ghsa/, go-osv.zip, pypi-osv.zip" "$?" 0

scan() { "$CUSTOMS" scan --quiet --db "$DB" --max-db-age 0 "$@" "$IMG"; }
scan -o json >"$TMP/scan.json" 2>"$TMP/scan.err"
check_eq "scan -o json exits 0 (no --fail-on)" "$?" 0

# ---- the expected advisories, evaluated in Python ------------------------------
cat >"$TMP/expect.py" <<'PY'
import json, os, re, sys, zipfile

feeds, root = sys.argv[1], sys.argv[2]

def semver_key(v):
    """SemVer 2.0 precedence (§11); a leading 'v' is dropped."""
    v = v.lstrip("v").split("+", 1)[0]
    core, _, pre = v.partition("-")
    nums = [int(x) for x in (core.split(".") + ["0", "0"])[:3]]
    if not pre:
        return (nums, 1, [])
    ids = []
    for p in pre.split("."):
        ids.append((0, int(p), "") if p.isdigit() else (1, 0, p))
    return (nums, 0, ids)

def cmp(a, b):
    ka, kb = semver_key(a), semver_key(b)
    return (ka > kb) - (ka < kb)

def pep_key(v):
    """enough of PEP 440 for release versions and a/b/rc pre-releases"""
    m = re.match(r"^(\d+(?:\.\d+)*)(?:(a|b|rc)(\d+))?", v)
    if not m:
        return ((0,), 0, 0)
    rel = tuple(int(x) for x in m.group(1).split("."))
    rel = rel + (0,) * (6 - len(rel))
    pre = {"a": 0, "b": 1, "rc": 2}.get(m.group(2), 3)
    return (rel, pre, int(m.group(3) or 0))

def pcmp(a, b):
    ka, kb = pep_key(a), pep_key(b)
    return (ka > kb) - (ka < kb)

def affected(version, a, c):
    if version in a.get("versions", []):
        return True
    for r in a.get("ranges", []):
        if r["type"] not in ("ECOSYSTEM", "SEMVER"):
            continue
        evs = [next(iter(e.items())) for e in r["events"]]
        order = {"introduced": 0, "last_affected": 1, "fixed": 2, "limit": 3}
        key = lambda e: (0, e) if e[1] == "0" else (1, e)
        import functools
        def ec(x, y):
            if x[1] == "0" or y[1] == "0":
                return (y[1] == "0") - (x[1] == "0")
            return c(x[1], y[1]) or order[x[0]] - order[y[0]]
        evs.sort(key=functools.cmp_to_key(ec))
        vuln = False
        for kind, v in evs:
            if kind == "introduced" and (v == "0" or c(version, v) >= 0):
                vuln = True
            elif kind == "fixed" and c(version, v) >= 0:
                vuln = False
            elif kind == "last_affected" and c(version, v) > 0:
                vuln = False
        if vuln:
            return True
    return False

def records():
    for f in sorted(os.listdir(os.path.join(feeds, "ghsa"))):
        if f.endswith(".json"):
            yield json.load(open(os.path.join(feeds, "ghsa", f)))
    for z in ("go-osv.zip", "pypi-osv.zip"):
        with zipfile.ZipFile(os.path.join(feeds, z)) as zf:
            for n in zf.namelist():
                if n.endswith(".json"):
                    yield json.loads(zf.read(n))

want = {
    ("npm", "lodash", "4.17.15"), ("npm", "minimist", "1.2.0"), ("npm", "axios", "0.21.0"), ("npm", "express", "4.17.1"),
    ("PyPI", "requests", "2.28.1"),
}
# Go binaries: `go version -m` (toolchain and dependencies)
import subprocess
gobins = ["app/node_modules/esbuild/bin/esbuild", "usr/bin/umoci"]
have_go = subprocess.run(["sh", "-c", "command -v go"], capture_output=True).returncode == 0
go_versions = {}
if have_go:
    for b in gobins:
        out = subprocess.run(["go", "version", "-m", os.path.join(root, b)], capture_output=True, text=True).stdout
        lines = out.splitlines()
        go_versions[(b, "stdlib")] = lines[0].split(": ", 1)[1].strip()  # "go1.20.7"
        for l in lines[1:]:
            f = l.split("\t")
            if len(f) >= 4 and f[1] == "dep":
                go_versions[(b, f[2])] = f[3]
        for (bb, name), v in list(go_versions.items()):
            if bb == b:
                # the Go vulndb spells toolchain releases without "go"
                want.add(("Go", name, v[2:] if name == "stdlib" else v))

expected = {}
for rec in records():
    if rec.get("withdrawn"):
        continue
    for a in rec.get("affected", []):
        pkg = a.get("package") or {}
        for eco, name, ver in want:
            if pkg.get("ecosystem") != eco or pkg.get("name", "").lower() != name.lower():
                continue
            c = pcmp if eco == "PyPI" else cmp
            if affected(ver, a, c):
                expected.setdefault("%s %s %s" % (eco, name, ver), set()).add(rec["id"])
print(json.dumps({k: sorted(v) for k, v in sorted(expected.items())}, indent=1))
json.dump({"have_go": have_go, "go": {"%s|%s" % k: v for k, v in go_versions.items()}}, open(sys.argv[3], "w"))
PY
python3 "$TMP/expect.py" "$F" "$ROOT" "$TMP/go.json" >"$TMP/expected.json"
check_eq "expected ids computed" "$?" 0

# customs' record ids per (ecosystem, package, version[, file])
got() { # got ECO NAME VERSION [LOCATION-SUBSTRING]
	python3 - "$TMP/scan.json" "$@" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
eco, name, ver = sys.argv[2:5]
loc = sys.argv[5] if len(sys.argv) > 5 else ""
ids = set()
for m in d["matches"] + d["suppressed"]:
    p = m["package"]
    if p["name"] == name and p["version"] == ver and loc in (p["location"] or ""):
        for r in m["records"]:
            if r["ecosystem"] == eco:
                ids.add(r["id"])
print(" ".join(sorted(ids)))
PY
}
want() { python3 -c "import json,sys; print(' '.join(json.load(open('$TMP/expected.json')).get(sys.argv[1], [])))" "$*"; }

for pv in "lodash 4.17.15" "minimist 1.2.0" "axios 0.21.0" "express 4.17.1"; do
	set -- $pv
	w=$(want npm "$1" "$2")
	echo "# npm $1 $2: $w"
	check "npm $1 $2 has advisories at all" [ -n "$w" ]
	check_eq "npm $1 $2: advisory ids = the GHSA records whose ranges hold $2" "$(got npm "$1" "$2" app/node_modules)" "$w"
done
check "npm matches are active, found directly, with a fixed version" python3 -c "
import json,sys
d=json.load(open('$TMP/scan.json'))
ms=[m for m in d['matches'] if m['package']['name'] in ('lodash','minimist','axios','express') and 'app/' in m['package']['location']]
sys.exit(not ms or not all(m['match_type']=='direct' and m['fix']['state']=='fixed' and m['fix']['versions'] and m['id'].startswith('CVE-') for m in ms))"

# requests 2.28.1 from Debian's python3-requests: no Debian data, so its
# advisories count, each saying who installed it
w=$(want PyPI requests 2.28.1)
echo "# PyPI requests 2.28.1: $w"
check "requests 2.28.1 has PyPI advisories at all" [ -n "$w" ]
check_eq "requests 2.28.1: advisory ids = the PyPA/GHSA records whose ranges or versions hold it" \
	"$(got PyPI requests 2.28.1 dist-packages)" "$w"
check "requests' advisories count (no Debian data: fail closed), covered_by python3-requests with state no-data" python3 -c "
import json,sys
d=json.load(open('$TMP/scan.json'))
sup=[m for m in d['suppressed'] if m['package']['name']=='requests']
act=[m for m in d['matches'] if m['package']['name']=='requests']
sys.exit(sup or not act or not all(m['covered_by'] and m['covered_by']['package']=='python3-requests' and m['match_type']=='direct'
    and m['covered_by']['state']=='no-data' and m['covered_by']['namespace']=='debian:12' and m['suppressed_by'] is None for m in act))"

# Go: stdlib by the toolchain version, modules by their (pseudo-)versions
if python3 -c "import json,sys; sys.exit(not json.load(open('$TMP/go.json'))['have_go'])"; then
	while IFS='|' read -r bin name ver; do
		gv=$ver
		[ "$name" = stdlib ] && gv=${ver#go} # OSV spells Go releases without "go"
		w=$(python3 -c "import json,sys; print(' '.join(json.load(open('$TMP/expected.json')).get(sys.argv[1], [])))" "Go $name $gv")
		echo "# Go $name $ver ($bin): $(echo $w | wc -w) advisories"
		check "Go $name $ver in $bin has advisories at all" [ -n "$w" ]
		check_eq "Go $name $ver in $bin: ids = the Go vulndb records whose ranges hold $gv" "$(got Go "$name" "$ver" "$bin")" "$w"
	done < <(python3 -c "
import json
for k, v in json.load(open('$TMP/go.json'))['go'].items(): print(k + '|' + v)")
	check "stdlib of esbuild (go1.20.7) has advisories, active; umoci's (go1.19.8, a deb's built with golang-1.19) too: no Debian data" python3 -c "
import json,sys
d=json.load(open('$TMP/scan.json'))
e=[m for m in d['matches'] if m['package']['name']=='stdlib' and 'esbuild' in m['package']['location']]
u=[m for m in d['matches'] if m['package']['name']=='stdlib' and 'umoci' in m['package']['location']]
sys.exit(not e or not u or not all(m['covered_by']['package']=='umoci' and m['covered_by']['via']=='built-using'
    and m['covered_by']['source_package']=='golang-1.19' and m['covered_by']['source_version']=='1.19.8-2'
    and m['covered_by']['state']=='no-data' for m in u)
    or any(m['package']['name']=='stdlib' for m in d['suppressed']))"
else
	partial "go is not installed: the Go binaries' versions cannot be read independently (the Go checks)"
fi

# Maven: commons-lang3 3.12.0 inside the app's war (WEB-INF/lib) is in
# GHSA-j288-q9x7-2f5v (CVE-2025-48924: introduced 3.0, fixed 3.18.0)
# GHSA-j288-q9x7-2f5v (CVE-2025-48924: introduced 3.0, fixed 3.18.0); the copy in
# /usr/share/java that libcommons-lang3-java installed counts too: no Debian data
check_eq "Maven: commons-lang3 3.12.0 in the war and in /usr/share/java have CVE-2025-48924 (GHSA-j288-q9x7-2f5v), fixed in 3.18.0" \
	"$(jq -r '[.matches[] | select(.package.type == "java-archive") | "\(.package.name) \(.package.version) \(.package.location) \(.ids | join(",")) \(.fix.state) \(.fix.versions | join(",")) \(.covered_by.package) \(.covered_by.state)"] | join(";")' "$TMP/scan.json")" \
	"commons-lang3 3.12.0 app/lib/fixture-webapp.war!/WEB-INF/lib/commons-lang3-3.12.0.jar CVE-2025-48924,GHSA-j288-q9x7-2f5v fixed 3.18.0 null null;commons-lang3 3.12.0 usr/share/java/commons-lang3.jar CVE-2025-48924,GHSA-j288-q9x7-2f5v fixed 3.18.0 libcommons-lang3-java no-data"
check_eq "Maven: the match is by the purl's group:artifact in the Maven ecosystem" \
	"$(jq -r '[.matches[] | select(.package.type == "java-archive") | "\(.ecosystem) \(.lookup_name)"] | unique | join(";")' "$TMP/scan.json")" \
	"Maven org.apache.commons:commons-lang3"

# ---- --fail-on ---------------------------------------------------------------------
scan --fail-on critical >/dev/null 2>&1
check_eq "--fail-on critical: exit 1 (minimist CVE-2021-44906 is critical)" "$?" 1
cat >"$TMP/all.json" <<'EOF'
{"ignore": [{"package": {"name": "*"}, "reason": "everything"}]}
EOF
scan --fail-on negligible --ignore "$TMP/all.json" -o json >"$TMP/allign.json" 2>/dev/null
check_eq "--fail-on with every match ignored: exit 0" "$?" 0
check "  ... and the requests advisories are still reported, ignored, saying who installed it" python3 -c "
import json,sys
d=json.load(open('$TMP/allign.json'))
r=[m for m in d['suppressed'] if m['package']['name']=='requests']
sys.exit(d['matches'] or not r or not all(m['covered_by'] and m['suppressed_by']['kind']=='ignore' for m in r))"
cat >"$TMP/crit.yaml" <<'EOF'
# every deb, and the critical npm advisory
ignore:
  - package:
      type: deb
  - id: CVE-2021-44906
    reason: minimist is only used at build time
EOF
scan --fail-on critical --ignore "$TMP/crit.yaml" >/dev/null 2>&1
check_eq "--fail-on critical with the critical ones ignored (YAML rules): exit 0" "$?" 0
scan --fail-on high --ignore "$TMP/crit.yaml" >/dev/null 2>&1
check_eq "--fail-on high with the same rules: exit 1 (high npm advisories remain)" "$?" 1
scan --fail-on bogus >/dev/null 2>&1
check_eq "--fail-on bogus: usage error" "$?" 2

# ---- --only-fixed --------------------------------------------------------------
scan --only-fixed -o json >"$TMP/fixed.json" 2>/dev/null
check "--only-fixed: no active not-fixed/wont-fix match, hidden ones listed as only-fixed, none dropped" python3 -c "
import json,sys
a=json.load(open('$TMP/scan.json')); b=json.load(open('$TMP/fixed.json'))
n=lambda d: len(d['matches'])+len(d['suppressed'])
hid=[m for m in b['suppressed'] if m['suppressed_by']['kind']=='only-fixed']
want=[m for m in a['matches'] if m['fix']['state'] in ('not-fixed','wont-fix')]
sys.exit(n(a)!=n(b) or len(hid)!=len(want) or any(m['fix']['state'] in ('not-fixed','wont-fix') for m in b['matches']))"

# ---- ignore rules: applied, expired, reported -----------------------------------
cat >"$TMP/ignore.yaml" <<'EOF'
ignore:
  - id: CVE-2020-8203
    package:
      name: lodash
      version: 4.17.15
    reason: prototype pollution not reachable here
    expires: 2999-12-31
  - id: GHSA-35jh-r3h4-6jhm
    reason: expired exception
    expires: 2020-01-01
EOF
"$CUSTOMS" scan --db "$DB" --max-db-age 0 -o json --ignore "$TMP/ignore.yaml" "$IMG" >"$TMP/ign.json" 2>"$TMP/ign.err"
check "an ignore rule suppresses CVE-2020-8203 of lodash, with its reason" python3 -c "
import json,sys
d=json.load(open('$TMP/ign.json'))
s=[m for m in d['suppressed'] if m['id']=='CVE-2020-8203' and m['package']['name']=='lodash']
sys.exit(not s or s[0]['suppressed_by']['kind']!='ignore' or 'not reachable' not in s[0]['suppressed_by']['reason']
    or any(m['id']=='CVE-2020-8203' and m['package']['name']=='lodash' for m in d['matches']))"
check "an expired rule no longer applies (CVE-2021-23337 / GHSA-35jh-r3h4-6jhm stays active)" python3 -c "
import json,sys
d=json.load(open('$TMP/ign.json'))
sys.exit(not any(m['id']=='CVE-2021-23337' for m in d['matches']))"
check "the expired rule is reported on stderr" grep -q "ignore.yaml rule 2 for GHSA-35jh-r3h4-6jhm expired on 2020-01-01" "$TMP/ign.err"
echo '[{"id": "CVE-2020-8203"}]' >"$TMP/ignore.json"
scan -o json --ignore "$TMP/ignore.json" >"$TMP/ign2.json" 2>/dev/null
check "JSON ignore rules (a bare list) work the same" python3 -c "
import json,sys
d=json.load(open('$TMP/ign2.json'))
sys.exit(any(m['id']=='CVE-2020-8203' for m in d['matches']) or not any(m['id']=='CVE-2020-8203' for m in d['suppressed']))"
echo '{"ignore": [{"reason": "names nothing"}]}' >"$TMP/bad.json"
scan --ignore "$TMP/bad.json" >/dev/null 2>"$TMP/bad.err"
check_eq "an ignore rule that names nothing is an error (exit 3)" "$?" 3
check "  ... naming the file and the rule" grep -q "bad.json: rule 1 names nothing to match" "$TMP/bad.err"

# ---- VEX ----------------------------------------------------------------------
cat >"$TMP/vex.json" <<'EOF'
{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://example.com/vex/fixture-1",
  "author": "customs test",
  "timestamp": "2024-01-01T00:00:00Z",
  "version": 1,
  "statements": [
    {"vulnerability": {"name": "GHSA-cph5-m8f7-6c5x"},
     "products": [{"@id": "pkg:npm/axios@0.21.0"}],
     "status": "not_affected",
     "justification": "vulnerable_code_not_in_execute_path"},
    {"vulnerability": {"name": "CVE-2020-28168"},
     "products": [{"@id": "pkg:npm/axios@0.21.0"}],
     "status": "under_investigation"}
  ]
}
EOF
scan -o json --vex "$TMP/vex.json" >"$TMP/vex.out.json" 2>/dev/null
check "VEX not_affected suppresses axios CVE-2021-3749 (by its GHSA alias), justification shown" python3 -c "
import json,sys
d=json.load(open('$TMP/vex.out.json'))
s=[m for m in d['suppressed'] if m['id']=='CVE-2021-3749']
sys.exit(not s or s[0]['suppressed_by']['kind']!='vex' or s[0]['vex']['justification']!='vulnerable_code_not_in_execute_path'
    or 'vulnerable_code_not_in_execute_path' not in s[0]['suppressed_by']['reason'] or any(m['id']=='CVE-2021-3749' for m in d['matches']))"
check "VEX under_investigation keeps axios CVE-2020-28168 active, status shown" python3 -c "
import json,sys
d=json.load(open('$TMP/vex.out.json'))
a=[m for m in d['matches'] if m['id']=='CVE-2020-28168']
sys.exit(not a or a[0]['vex']['status']!='under_investigation')"

# ---- --explain -------------------------------------------------------------------
scan --explain CVE-2021-44906 >"$TMP/explain.txt" 2>&1
check_eq "--explain exits 0" "$?" 0
check "--explain names the package, its file and layer" grep -q "where: *app/node_modules/minimist/package.json, layer [0-9]" "$TMP/explain.txt"
check "--explain names the namespace and the feed record" grep -Eq "record: +GHSA-xvch-5gv4-984h from feed ghsa" "$TMP/explain.txt"
check "--explain shows the range and the comparison" grep -q "comparison:  semver: 1.2.0 < 1.2.6 (fixed) -> affected" "$TMP/explain.txt"
check "--explain says it is not suppressed" grep -q "suppressed:  no" "$TMP/explain.txt"
scan --explain CVE-2023-32681 >"$TMP/explain2.txt" 2>&1
check "--explain of an advisory of a deb's package names the owner and that the distro has no data" \
	grep -q "installed by: python3-requests 2.28.1+dfsg-1 (source requests 2.28.1+dfsg-1, debian:12): no-data (the distro has no record: the upstream advisory counts)" "$TMP/explain2.txt"
check "  ... suppressed: no" grep -q "suppressed:  no" "$TMP/explain2.txt"
scan --explain GHSA-35jh-r3h4-6jhm --ignore "$TMP/ignore.yaml" >"$TMP/explain3.txt" 2>&1
check "--explain finds a match by an alias id" grep -q "^CVE-2021-23337 in lodash 4.17.15" "$TMP/explain3.txt"
scan --explain CVE-1999-0001 >"$TMP/explain4.txt" 2>&1
check "--explain of an unknown id says so" grep -q "CVE-1999-0001: not in the vulnerability database" "$TMP/explain4.txt"

# ---- the table ----------------------------------------------------------------------
scan >"$TMP/table.txt" 2>/dev/null
check "table header" grep -Eq "^ID +SEVERITY +PACKAGE +INSTALLED +FIXED-IN +STATE +LAYER" "$TMP/table.txt"
check "table summary line with counts per severity" grep -Eq "^[0-9]+ vulnerabilit(y|ies): [0-9]+ critical, [0-9]+ high, [0-9]+ medium" "$TMP/table.txt"
check "the NOTE column says who installed requests and that there is no Debian data" \
	grep -Eq "requests +2\.28\.1 .*installed by python3-requests: no debian:12 data$" "$TMP/table.txt"
check "a footnote counts the matches in packages distro packages installed that count without a distro record" \
	grep -Eq "^\([0-9]+ of them in language packages that distro packages installed" "$TMP/table.txt"
# one row per (vulnerability, package identity); the JSON keeps each path
python3 - "$TMP/scan.json" "$TMP/table.txt" >"$TMP/rows" <<'PY'
import collections, json, sys
d = json.load(open(sys.argv[1]))
sev = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "NEGLIGIBLE", "UNKNOWN")
rows = [l.split() for l in open(sys.argv[2]) if len(l.split()) > 2 and l.split()[1] in sev]
key = lambda m: (m["id"], m["package"]["type"], m["package"]["name"], m["package"]["version"], m["package"]["purl"])
by = collections.defaultdict(set)
for m in d["matches"]:
    by[key(m)].add(m["package"]["location"])
multi = {k: v for k, v in by.items() if len(v) > 1}
# the INSTALLED column may cut a long version
rows_of = lambda k: sum(1 for r in rows if r[0] == k[0] and r[2] == k[2] and k[3].startswith(r[3]))
print("multi", len(multi), all(rows_of(k) == 1 for k in multi))
print("esbuild", sorted({p for v in multi.values() for p in v if "esbuild" in p}))
print("counts", d["summary"]["matches"] == len(by) == len(rows), d["summary"]["locations"] == len(d["matches"]))
PY
check "esbuild's binary at two paths: its matches appear once in the table each" grep -qx "multi [1-9][0-9]* True" "$TMP/rows"
check "  ... and twice in the JSON, one per path" grep -qx "esbuild \['app/node_modules/@esbuild/linux-x64/bin/esbuild', 'app/node_modules/esbuild/bin/esbuild'\]" "$TMP/rows"
check "summary.matches counts table rows, summary.locations the JSON's matches" grep -qx "counts True True" "$TMP/rows"
scan --show-suppressed --ignore "$TMP/ignore.yaml" >"$TMP/table2.txt" 2>/dev/null
check "--show-suppressed lists the ignored ones with why" grep -Eq "^CVE-2020-8203 +[A-Z]+ +lodash +4\.17\.15 .* ignore$" "$TMP/table2.txt"
check "the first row is the most severe" bash -c "sed -n 2p '$TMP/table.txt' | grep -q CRITICAL"

# the database age warning
"$CUSTOMS" scan --db "$DB" --max-db-age 1 --quiet "$IMG" >/dev/null 2>"$TMP/age.err"
check "--max-db-age with --quiet prints nothing" [ ! -s "$TMP/age.err" ]
"$CUSTOMS" scan --db "$DB" --max-db-age 1 --analyzers dpkg "$IMG" >/dev/null 2>"$TMP/age.err"
check "--max-db-age 1 warns that the data is old" grep -q "newest data is from .* over --max-db-age 1" "$TMP/age.err"
"$CUSTOMS" scan --offline --db "$TMP/none.sqlite" "$IMG" >/dev/null 2>"$TMP/nodb.err"
check_eq "a missing database with --offline: exit 3" "$?" 3
check "  ... telling how to build one" grep -q "customs db import" "$TMP/nodb.err"

finish
