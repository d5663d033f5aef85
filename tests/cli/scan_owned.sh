#!/bin/bash
# scan_owned.sh - language packages that distro packages installed are
# decided by the distro's records, failing closed: `customs scan` of
# debian-rich against the real Debian, Go, PyPA and GitHub feeds, every such
# match checked against an independent reading of the Debian records
# (tests/lib/debian_oracle.py: dpkg status with Built-Using, Debian:12 OSV
# entries, dpkg's own comparisons).  A match is covered (suppressed) only
# when Debian fixed it at or below the owner's version, or lists it as
# affected for the owner's own source (whose match counts it); with no
# record it counts.  umoci's Go stdlib is decided by the records of the
# golang-1.19 its Built-Using names, at that version.  Without any Debian
# data nothing is covered, and --fail-on trips on those matches.
. "$(dirname "$0")/../lib/common.sh"
set +e +o pipefail

F=$SHARED/feeds
for f in debian-osv.zip go-osv.zip pypi-osv.zip ghsa; do
	need_shared "feeds/$f"
done
need_fixtures
IMG=$FIXTURES/oci/debian-rich
STATUS=$FIXTURES/rootfs/debian-rich/rootfs/var/lib/dpkg/status
[ -d "$IMG" ] && [ -f "$STATUS" ] || skip "the debian-rich fixture is absent"
command -v python3 >/dev/null || skip "python3 is needed for the oracle"
command -v dpkg >/dev/null || skip "dpkg is needed for the oracle's version comparisons"
PY=python3
/usr/bin/python3 -c 'import apt_pkg' 2>/dev/null && PY=/usr/bin/python3
ORACLE=$SRCDIR/tests/lib/debian_oracle.py

DB=$TMP/all.sqlite
"$CUSTOMS" db import --db "$DB" --quiet "$F/debian-osv.zip" "$F/go-osv.zip" "$F/pypi-osv.zip" "$F/ghsa" >/dev/null
check_eq "import debian-osv, go-osv, pypi-osv, ghsa" "$?" 0
"$CUSTOMS" scan --quiet --db "$DB" --max-db-age 0 -o json "$IMG" >"$TMP/scan.json" 2>"$TMP/scan.err"
check_eq "scan debian-rich: exit 0" "$?" 0

# ---- every owned match as Debian's records say ------------------------------
$PY "$ORACLE" owned "$F/debian-osv.zip" "$STATUS" "$TMP/scan.json" >"$TMP/owned.out"
check_eq "the oracle ran" "$?" 0
summary=$(tail -1 "$TMP/owned.out")
echo "# $summary"
check_eq "every owned match has the state, source, version and verdict Debian's records give" \
	"$(sed '$d' "$TMP/owned.out" | head -5)" ""
check "  ... covering some (fixed, or affected and counted on the owner)" \
	grep -Eq "fixed/source-package/covered=[1-9]" <<<"$summary"
check "  ... counting those Debian has no record of" grep -Eq "no-record/source-package/counts=[1-9]" <<<"$summary"
check "  ... and umoci's stdlib affected in golang-1.19 1.19.8-2 counts" \
	grep -Eq "affected/built-using/counts=[1-9]" <<<"$summary"
check "  ... nothing covered without a distro verdict" bash -c "! grep -Eq 'no-record/[a-z-]*/covered' <<<'$summary'"

check_eq "umoci's stdlib: decided via Built-Using golang-1.19 (= 1.19.8-2), read from the dpkg status" \
	"$(jq -r '[(.matches + .suppressed)[] | select(.package.name == "stdlib" and (.package.location | test("umoci"))) | .covered_by | "\(.via) \(.source_package) \(.source_version)"] | unique | join(";")' "$TMP/scan.json")" \
	"built-using golang-1.19 1.19.8-2"
check "the table says, for a match that counts, that the distro has no record" \
	bash -c "'$CUSTOMS' scan --quiet --db '$DB' --max-db-age 0 '$IMG' | grep -Eq 'installed by python3-[a-z0-9]+: debian:12 has no record$'"

# ---- no Debian data at all: nothing is covered -------------------------------
NODEB=$TMP/nodebian.sqlite
"$CUSTOMS" db import --db "$NODEB" --quiet "$F/go-osv.zip" "$F/pypi-osv.zip" "$F/ghsa" >/dev/null
"$CUSTOMS" scan --quiet --db "$NODEB" --max-db-age 0 -o json "$IMG" >"$TMP/nodeb.json" 2>/dev/null
python3 - "$TMP/scan.json" "$TMP/nodeb.json" >"$TMP/nodeb.out" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
owned = lambda d, part: [m for m in d[part] if m["covered_by"]]
# the same owned matches as with Debian data, all counting, all saying no-data
key = lambda m: (m["id"], m["package"]["index"])
both = {key(m) for m in owned(a, "matches") + owned(a, "suppressed")}
print("same", both == {key(m) for m in owned(b, "matches")}, len(both))
print("none-suppressed", not owned(b, "suppressed"), all(m["covered_by"]["state"] == "no-data" for m in owned(b, "matches")))
rank = ["unknown", "negligible", "low", "medium", "high", "critical"]
print("worst", max((m["severity"]["bucket"] for m in owned(b, "matches")), key=rank.index))
PY
check "without Debian data: the same owned matches, every one counting (was: suppressed as covered)" grep -Eq "^same True [1-9][0-9]+$" "$TMP/nodeb.out"
check "  ... none suppressed, each saying there is no debian:12 data" grep -qx "none-suppressed True True" "$TMP/nodeb.out"
worst=$(sed -n 's/^worst //p' "$TMP/nodeb.out")
echo '[{"package": {"location": "app/*"}}, {"package": {"type": "deb"}}]' >"$TMP/not-owned.json"
"$CUSTOMS" scan --quiet --db "$NODEB" --max-db-age 0 --ignore "$TMP/not-owned.json" --fail-on "$worst" "$IMG" >/dev/null 2>&1
check_eq "  ... and --fail-on $worst trips on them alone (the app's packages ignored)" "$?" 1

finish
