#!/bin/bash
# scan_debian.sh - `customs scan` of the Debian 12 fixture images against the
# real Debian OSV feed, checked against an independent oracle
# (tests/lib/debian_oracle.py): a Python reading of the same OSV records
# (zipfile + json, ecosystem "Debian:12"), the installed packages of each
# image's dpkg status (Source field, the source version from "Source: x
# (ver)" else Version), and OSV evaluation (versions list, or ranges with
# events ordered and compared by dpkg itself: python3-apt's apt_pkg, or
# `dpkg --compare-versions` in one shell batch).  Then the severity: Debian's
# urgency decides the bucket, --severity-source cvss the CVSS score.
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

ORACLE=$SRCDIR/tests/lib/debian_oracle.py

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
	$PY "$ORACLE" pairs "$SHARED/feeds/debian-osv.zip" "$FIXTURES/rootfs/$img/rootfs/var/lib/dpkg/status" \
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
# severity: Debian's urgency decides where it rates the issue, else the CVSS v3 score
def bucket(s):
    return "critical" if s >= 9 else "high" if s >= 7 else "medium" if s >= 4 else "low" if s >= 0.1 else "negligible"
urgency = {"unimportant": "negligible", "low": "low", "medium": "medium", "high": "high"}
def want(m):
    u = (m["distro_urgency"] or "").rstrip("*")
    if u in urgency:
        return (urgency[u], "distro")
    s = m["severity"]["cvss_score"]
    return (bucket(s), m["severity"]["source"] if m["severity"]["source"] in ("cvss", "nvd") else "?") if s is not None else ("unknown", "none")
print("buckets", all(want(m) == (m["severity"]["bucket"], m["severity"]["source"]) for m in deb),
      sum(m["severity"]["source"] == "distro" for m in deb) > 0, sum(m["severity"]["source"] == "cvss" for m in deb) > 0)
# CVE-2019-1010022: Debian says unimportant (never fixed in a release), NVD 9.8
g = [m for m in deb if m["id"] == "CVE-2019-1010022" and m["package"]["name"] == "libc6"]
print("glibc", [(m["severity"]["bucket"], m["severity"]["source"], m["severity"]["distro_severity"], m["severity"]["cvss_score"]) for m in g])
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
check "severity: Debian's urgency decides the bucket where it has one, else the CVSS v3 score" grep -qx "buckets True True True" "$TMP/facts"
check "CVE-2019-1010022 in glibc is negligible (Debian: unimportant), its CVSS 9.8 still shown" \
	grep -qx "glibc \[('negligible', 'distro', 'unimportant', 9.8)\]" "$TMP/facts"
check "matches are sorted critical first" grep -qx "sorted True" "$TMP/facts"
check "dpkg packages are compared by their source version (some differ from the binary's)" grep -qx "srcver True True" "$TMP/facts"

# --fail-on uses the decided bucket: with zlib's CVE-2023-45853 (not yet
# rated by Debian, CVSS 9.8) ignored, glibc's CVE-2019-1010022 fails the
# build only with --severity-source cvss
echo '[{"id": "CVE-2023-45853", "reason": "zlib minizip is not used"}]' >"$TMP/zlib.json"
"$CUSTOMS" scan --quiet --db "$DB" --max-db-age 0 --ignore "$TMP/zlib.json" --fail-on critical "$FIXTURES/oci/debian-min" \
	>/dev/null 2>&1
check_eq "debian-min --fail-on critical: exit 0 (CVE-2019-1010022 is negligible by Debian's rating)" "$?" 0
"$CUSTOMS" scan --quiet --db "$DB" --max-db-age 0 --ignore "$TMP/zlib.json" --fail-on critical --severity-source cvss \
	-o json "$FIXTURES/oci/debian-min" >"$TMP/cvss.json" 2>/dev/null
check_eq "... with --severity-source cvss: exit 1" "$?" 1
check_eq "  ... CVE-2019-1010022 is critical by its CVSS score, Debian's rating kept beside it" \
	"$(jq -c '[.matches[] | select(.id == "CVE-2019-1010022") | [.package.name, .severity.bucket, .severity.source, .severity.distro_severity]]' "$TMP/cvss.json")" \
	'[["libc-bin","critical","cvss","unimportant"],["libc6","critical","cvss","unimportant"]]'
check "  ... every bucket follows the CVSS v3 score there" python3 -c "
import json,sys
d=json.load(open('$TMP/cvss.json'))
b=lambda s: 'critical' if s >= 9 else 'high' if s >= 7 else 'medium' if s >= 4 else 'low' if s >= 0.1 else 'negligible'
sys.exit(not all(b(m['severity']['cvss_score']) == m['severity']['bucket'] for m in d['matches'] if m['severity']['cvss_score'] is not None))"
"$CUSTOMS" scan --db "$DB" --severity-source nvd "$FIXTURES/oci/debian-min" >/dev/null 2>&1
check_eq "--severity-source nvd: usage error" "$?" 2

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
