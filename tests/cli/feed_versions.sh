#!/bin/bash
# feed_versions.sh - every version in the shared feeds through its scheme:
# each feed imported on its own, the versions its scheme rejects counted
# (the import's "bad versions") and named (its warnings).  What is still
# rejected is listed below with the reason; any other rejection, or a
# count that moves, fails.  Alpine's secdb comes from apk-tools 2 era
# packages (6.6.2p1-r0, 4.8.0.-r1 parse as apk-tools 2 reads them); PyPI's
# versions that are not PEP 440 are legacy versions, kept.
. "$(dirname "$0")/../lib/common.sh"
set +e +o pipefail # exit codes are checked one by one

need_shared feeds
F=$SHARED/feeds

# feed  scheme(s)  bad versions  (the versions, one warning each, as far as
# the import shows them: 10 of a kind, then a count)
#
# alpine-secdb (apk): 13, five strings that both apk-tools 2 and 3 refuse:
# a '-' that is not "-r", so no version apk could have built; they read
# like typos of the real fixes (quickjs 2021.03.27-r5, croc 10.0.11-r0,
# py-django 1.11.20-r0, xen 4.10.1-r1, icu 57.1-r2):
#   2021-03-27-r5 (4: quickjs, 3.19-edge), 10.0.11-0 (3: croc, 3.20-edge),
#   1.11-20-r0 (3: py-django, 3.6-3.8), 4.10-1-r1 (2: xen, 3.8 and 3.11),
#   57-1-r2 (1: icu, 3.4)
# debian-osv (dpkg; and apk for its Alpine records: 0): 1, DSA-423, whose
# "fixed" is a package name, not a version: kernel-image-2.4.17-ia64
# pypi-osv (pep440): 0 (all 77 strings that are not PEP 440 are legacy)
# almalinux-osv (rpm), go-osv (go), crates-osv (cargo/semver), ghsa (npm,
# PyPI, Maven): 0
expect() { # expect FEED PATH BAD ALLOWED-VERSION...
	local name=$1 path=$2 want=$3 bad got
	shift 3
	rm -f "$TMP/db.sqlite"
	"$CUSTOMS" db import --db "$TMP/db.sqlite" "$path" >"$TMP/$name.out" 2>"$TMP/$name.stderr"
	check_eq "$name: import exits 0" "$?" 0
	# every warning is in the import log beside the database (none when there are none)
	cat "$TMP/db.sqlite.import.log" >"$TMP/$name.err" 2>/dev/null
	got=$(grep "^$name " "$TMP/$name.out" | grep -o "[0-9]* bad versions" | cut -d' ' -f1)
	check_eq "$name: versions the scheme rejects" "${got:-0}" "$want"
	# every rejection the import names is one of those listed above
	grep -o 'fixed version "[^"]*"\|: fixed "[^"]*"\|: introduced "[^"]*"\|: last_affected "[^"]*"\|versions dropped, first "[^"]*"' \
		"$TMP/$name.err" | sed 's/.*"\(.*\)"$/\1/' | sort -u >"$TMP/$name.bad"
	for bad in $(cat "$TMP/$name.bad"); do
		case " $* " in
		*" $bad "*) ok "$name: rejects $bad, as listed" ;;
		*) not_ok "$name: rejects $bad, which is not listed" ;;
		esac
	done
	check "$name: no record dropped for want of a usable version" \
		sh -c "! grep -q 'no usable ranges or versions' '$TMP/$name.err' || [ $want -gt 0 ]"
}

expect alpine-secdb "$F/alpine-secdb.zip" 13 2021-03-27-r5 10.0.11-0 1.11-20-r0 4.10-1-r1 57-1-r2
check_eq "alpine-secdb: the import log names all 13" "$(grep -c ': fixed version "' "$TMP/alpine-secdb.err")" 13
check "alpine-secdb: apk-tools 2's letter+digits imported (sudo 1.9.5p2-r0)" \
	sh -c "! grep -q '1.9.5p2-r0' '$TMP/alpine-secdb.err'"
expect debian-osv "$F/debian-osv.zip" 1 kernel-image-2.4.17-ia64
expect pypi-osv "$F/pypi-osv.zip" 0
expect almalinux-osv "$F/almalinux-osv.zip" 0
expect go-osv "$F/go-osv.zip" 0
expect crates-osv "$F/crates-osv.zip" 0
expect ghsa "$F/ghsa" 0

# what the kept versions mean: apk-tools 2's order, pip's legacy order
check_eq "apk: 6.6.1p1-r1 < 6.6.1p1-r2 (apk-tools 2), not '='" "$("$CUSTOMS" vercmp apk 6.6.1p1-r1 6.6.1p1-r2)" "<"
check_eq "pep440: a legacy version sorts before every PEP 440 one" "$("$CUSTOMS" vercmp pypi 0.7.1.fix1 0.0.1)" "<"
# a pair the scheme cannot order: exit 3 and the reason, never "="
out=$("$CUSTOMS" vercmp apk 1.0bc 1.0bd 2>"$TMP/vercmp.err")
check_eq "vercmp apk 1.0bc 1.0bd exits 3" "$?" 3
check_eq "... and prints no answer" "$out" ""
check "... naming the string and the offset" grep -q 'apk version "1.0bc": breaks the apk version grammar at offset 4' "$TMP/vercmp.err"
printf '1.0bc 1.0bd\n6.6.1p1-r1 6.6.1p1-r2\n' | "$CUSTOMS" vercmp apk --stdin >"$TMP/batch.out" 2>/dev/null
check_eq "vercmp --stdin: invalid for the pair, then the next answer" "$(tr '\n' ' ' <"$TMP/batch.out")" "invalid < "
"$CUSTOMS" vercmp composer dev-foo dev-bar >/dev/null 2>&1
check_eq "vercmp composer dev-foo dev-bar exits 3" "$?" 3

finish
