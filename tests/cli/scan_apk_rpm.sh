#!/bin/bash
# scan_apk_rpm.sh - end-to-end matching of apk and rpm packages against the
# real Alpine secdb and AlmaLinux OSV feeds ($SHARED/feeds), on images whose
# package databases are the real ones in $SHARED/fixtures, checked against an
# oracle that shares none of customs' code (tests/lib/distro_oracle.py: its
# own apk and rpm version comparisons, first checked against the reference
# vectors, and its own reading of the feeds).
#
# Images (docker-archives written here, tests/lib/mkimage.py):
#  - alpine: the Alpine 3.21 lib/apk/db/installed as it is (the secdb to
#    2025-01 has nothing open for it), then a layer where every package whose
#    origin has fixes gets the oldest fixed version of its origin (the exact
#    boundary: fixed in V, installed V is not affected; every later fix is);
#  - alma8: the RHEL 8 libuuid Berkeley DB rpmdb under AlmaLinux 8's os-release;
#  - alma9: the CBL-Mariner 2.0 SQLite rpmdb (129 packages) under AlmaLinux 9's
#    os-release: names and versions cross distributions, what is checked is
#    the lookup by binary name and the rpm comparisons over many packages.
. "$(dirname "$0")/../lib/common.sh"
set +e +o pipefail

need_shared feeds/alpine-secdb.zip
need_shared feeds/almalinux-osv.zip
need_shared fixtures/apk/alpine-3.21.installed
need_shared fixtures/rpmdb/libuuid.Packages.bdb
need_shared vectors/apk-version-v3.data
command -v python3 >/dev/null || skip "python3 is needed for the oracle"
ORACLE=$SRCDIR/tests/lib/distro_oracle.py
MKIMAGE=$SRCDIR/tests/lib/mkimage.py
APKDB=$SHARED/fixtures/apk/alpine-3.21.installed
RPMDB=$SHARED/fixtures/rpmdb

python3 "$ORACLE" vectors "$SHARED" >"$TMP/vectors.out"
check "the oracle's apk and rpm comparisons agree with every reference vector ($(cat "$TMP/vectors.out"))" test $? -eq 0

DB=$TMP/db.sqlite
"$CUSTOMS" db import --quiet --db "$DB" "$SHARED/feeds/alpine-secdb.zip" "$SHARED/feeds/almalinux-osv.zip" >/dev/null
check_eq "import the Alpine secdb and AlmaLinux OSV feeds" "$?" 0

# ---- the images ----
python3 - "$TMP" "$APKDB" "$SHARED/feeds/alpine-secdb.zip" "$RPMDB" "$ORACLE" <<'EOF'
import json, sys, zipfile
sys.path.insert(0, sys.argv[5].rsplit("/", 1)[0])
from distro_oracle import apk_cmp
tmp, apkdb, secdb, rpmdb = sys.argv[1:5]
fixes = {}
with zipfile.ZipFile(secdb) as z:
    for n in z.namelist():
        if n.startswith("3.21/"):
            for p in json.loads(z.read(n))["packages"]:
                for v in (p["pkg"].get("secfixes") or {}):
                    if v != "0":
                        fixes.setdefault(p["pkg"]["name"], []).append(v)
# the aged database: V = the oldest fixed version of the package's origin
out, cur = [], []
for block in open(apkdb, encoding="utf-8").read().split("\n\n"):
    lines = block.split("\n")
    f = {l[0]: l[2:] for l in lines if len(l) > 2 and l[1] == ":"}
    origin = f.get("o", f.get("P"))
    if origin in fixes:
        oldest = fixes[origin][0]
        for v in fixes[origin][1:]:
            if apk_cmp(v, oldest) < 0:
                oldest = v
        lines = [("V:" + oldest) if l.startswith("V:") else l for l in lines]
    out.append("\n".join(lines))
open(tmp + "/installed.aged", "w", encoding="utf-8").write("\n\n".join(out))
alpine = 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.21.3\nPRETTY_NAME="Alpine Linux v3.21"\n'
apkdirs = [["lib/", ""], ["lib/apk/", ""], ["lib/apk/db/", ""]]
json.dump([[["etc/", ""], ["etc/os-release", alpine]] + apkdirs + [["lib/apk/db/installed", {"file": apkdb}]]],
          open(tmp + "/alpine.json", "w"))
json.dump([[["etc/", ""], ["etc/os-release", alpine]] + apkdirs + [["lib/apk/db/installed", {"file": apkdb}]],
           apkdirs + [["lib/apk/db/installed", {"file": tmp + "/installed.aged"}]]],
          open(tmp + "/alpine-aged.json", "w"))
rpmdirs = [["var/", ""], ["var/lib/", ""], ["var/lib/rpm/", ""]]
alma = lambda v: 'NAME="AlmaLinux"\nID="almalinux"\nVERSION_ID="%s"\nPRETTY_NAME="AlmaLinux %s"\n' % (v, v)
json.dump([[["etc/", ""], ["etc/os-release", alma("8.8")]] + rpmdirs +
           [["var/lib/rpm/Packages", {"file": rpmdb + "/libuuid.Packages.bdb"}]]], open(tmp + "/alma8.json", "w"))
json.dump([[["etc/", ""], ["etc/os-release", alma("9.5")]] + rpmdirs +
           [["var/lib/rpm/rpmdb.sqlite", {"file": rpmdb + "/cbl-mariner-2.0.rpmdb.sqlite"}]]], open(tmp + "/alma9.json", "w"))
EOF
for i in alpine alpine-aged alma8 alma9; do
	python3 "$MKIMAGE" "$TMP/$i.tar" "$TMP/$i.json"
	check "image $i written" test -s "$TMP/$i.tar"
done

# scan NAME: customs' active and suppressed (package, id) pairs
scan() {
	"$CUSTOMS" scan --db "$DB" --max-db-age 0 -o json "docker-archive:$TMP/$1.tar" >"$TMP/$1.scan.json" 2>"$TMP/$1.err"
	check_eq "$1: scan exits 0" "$?" 0
	check_eq "$1: no warnings" "$(cat "$TMP/$1.err")" ""
}
# pairs NAME SECTION PREFIX: (package, id) for every id of the matches starting with PREFIX
pairs() {
	jq -r --arg s "$2" --arg p "$3" '.[$s][] | .package.name as $n | .ids[] | select(startswith($p)) | "\($n)\t\(.)"' \
		"$TMP/$1.scan.json" | sort -u
}

# ---- Alpine ----
for i in alpine alpine-aged; do
	scan "$i"
	db=$APKDB
	[ "$i" = alpine-aged ] && db=$TMP/installed.aged
	python3 "$ORACLE" alpine "$db" "$SHARED/feeds/alpine-secdb.zip" 3.21 >"$TMP/$i.oracle"
	sed '/^#not-affected/,$d' "$TMP/$i.oracle" >"$TMP/$i.want"
	sed '1,/^#not-affected/d' "$TMP/$i.oracle" >"$TMP/$i.zero"
	pairs "$i" matches "" >"$TMP/$i.got"
	check_eq "$i: the namespace is alpine:3.21" "$(jq -r .namespace "$TMP/$i.scan.json")" alpine:3.21
	check_eq "$i: customs' (package, id) pairs = the oracle's ($(wc -l <"$TMP/$i.want") pairs)" \
		"$(diff "$TMP/$i.want" "$TMP/$i.got")" ""
	check_eq "$i: nothing the secdb marks not affected (\"0\") is reported ($(wc -l <"$TMP/$i.zero") pairs)" \
		"$(comm -12 "$TMP/$i.zero" "$TMP/$i.got")" ""
done
check "alpine: the real 3.21 database has no open secdb fix" test ! -s "$TMP/alpine.want"
check "alpine-aged: the aged database has many ($(wc -l <"$TMP/alpine-aged.want"))" test "$(wc -l <"$TMP/alpine-aged.want")" -gt 20
check_eq "alpine-aged: every match is fixed, found by origin (direct when the package is its own origin)" \
	"$(jq -r '[.matches[] | "\(.match_type == (if .lookup_name == .package.name then "direct" else "source-package" end)) \(.fix.state)"] | unique | join(",")' "$TMP/alpine-aged.scan.json")" \
	"true fixed"
# the boundary: a package at exactly its origin's oldest fix is not affected by that fix's CVEs
python3 - "$TMP/installed.aged" "$SHARED/feeds/alpine-secdb.zip" "$TMP/alpine-aged.got" >"$TMP/boundary" <<'EOF'
import json, sys, zipfile
inst, secdb, got = sys.argv[1:]
ver = {}
for b in open(inst, encoding="utf-8").read().split("\n\n"):
    f = {l[0]: l[2:] for l in b.split("\n") if len(l) > 2 and l[1] == ":"}
    if "P" in f:
        ver[f["P"]] = (f["V"], f.get("o", f["P"]))
pairs = set(tuple(l.rstrip("\n").split("\t")) for l in open(got))
with zipfile.ZipFile(secdb) as z:
    for n in z.namelist():
        if n.startswith("3.21/"):
            for p in json.loads(z.read(n))["packages"]:
                for v, ids in (p["pkg"].get("secfixes") or {}).items():
                    for name, (iv, origin) in ver.items():
                        if origin == p["pkg"]["name"] and iv == v:
                            for i in ids:
                                if (name, i.split()[0]) in pairs:
                                    print("%s %s: fixed in %s, reported at %s" % (name, i, v, iv))
EOF
check_eq "alpine-aged: installed = fixed version is never reported" "$(cat "$TMP/boundary")" ""

# ---- AlmaLinux ----
for i in alma8 alma9; do
	scan "$i"
	case $i in
	alma8) list=$RPMDB/libuuid.expected.tsv major=8 ;;
	alma9) list=$RPMDB/cbl-mariner-2.0.expected.tsv major=9 ;;
	esac
	python3 "$ORACLE" alma "$list" "$SHARED/feeds/almalinux-osv.zip" "$major" >"$TMP/$i.want"
	{ pairs "$i" matches AL; pairs "$i" suppressed AL; } | sort -u >"$TMP/$i.got"
	check_eq "$i: the namespace is almalinux:$major" "$(jq -r .namespace "$TMP/$i.scan.json")" "almalinux:$major"
	check_eq "$i: customs' (package, advisory) pairs = the oracle's ($(wc -l <"$TMP/$i.want") pairs)" \
		"$(diff "$TMP/$i.want" "$TMP/$i.got")" ""
done
check_eq "alma8: libuuid 2.32.1-42.el8_8 has ALSA-2026:1852, fixed in 2.32.1-48.el8_10 (not ALBA-2022:2100, fixed in -35.el8)" \
	"$(jq -r '[.matches[] | "\(.package.name) \(.id) \(.fix.state) \(.fix.versions | join(","))"] | join(";")' "$TMP/alma8.scan.json")" \
	"libuuid ALSA-2026:1852 fixed 2.32.1-48.el8_10"
check "alma9: Mariner's packages hit many AlmaLinux 9 advisories ($(wc -l <"$TMP/alma9.want"))" test "$(wc -l <"$TMP/alma9.want")" -gt 20
# the severity of an AlmaLinux match is AlmaLinux's own: the word its
# advisory's summary starts with ("Moderate: util-linux security update")
python3 - "$SHARED/feeds/almalinux-osv.zip" "$TMP/alma9.scan.json" "$TMP/alma8.scan.json" >"$TMP/alma.sev" <<'EOF'
import json, sys, zipfile
words = {"Low": "low", "Moderate": "medium", "Important": "high", "Critical": "critical"}
said = {}
with zipfile.ZipFile(sys.argv[1]) as z:
    for n in z.namelist():
        if n.endswith(".json"):
            r = json.loads(z.read(n))
            said[r["id"]] = r.get("summary", "").split(":")[0]
bad, n = [], 0
for f in sys.argv[2:]:
    for m in json.load(open(f))["matches"]:
        w = said.get(m["id"])
        want = (words[w], "distro", w) if w in words else (m["severity"]["bucket"], m["severity"]["source"], None)
        got = (m["severity"]["bucket"], m["severity"]["source"], m["severity"]["distro_severity"])
        n += w in words
        if got != want:
            bad.append((m["id"], got, want))
print(n, len(bad), bad[:3])
EOF
read -r nsev nbad rest <"$TMP/alma.sev"
check "alma: every match AlmaLinux rates has that severity ($nsev matches; $nbad differ: $rest)" test "$nsev" -gt 20 -a "$nbad" -eq 0
check_eq "alma8: ALSA-2026:1852 (\"Moderate: util-linux security update\") is medium by AlmaLinux's rating" \
	"$(jq -c '[.matches[] | select(.id == "ALSA-2026:1852") | .severity | [.bucket, .source, .distro_severity]]' "$TMP/alma8.scan.json")" \
	'[["medium","distro","Moderate"]]'
finish
