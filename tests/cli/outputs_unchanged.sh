#!/bin/bash
# outputs_unchanged.sh - every output of every command, byte for byte, equal
# to what a pinned earlier build prints on the same fixtures and database.
#
# Refactors must not change what customs prints.  tests/data/outputs-baseline
# names the commit whose outputs are the reference: the last one that changed
# an output on purpose (its commit message says what and why).  The test
# builds that commit from this clone's history into build/outputs-baseline/
# (cached), records the command matrix of tests/tools/record-outputs.sh with
# it and with the binary under test (SOURCE_DATE_EPOCH fixed), and compares
# stdout, stderr and exit code of each command.  Needs the fixture images, the
# shared feeds (for scan) and git history.
. "$(dirname "$0")/../lib/common.sh"
set +e +o pipefail

need_fixtures
need_shared feeds
BASE=$(tr -d ' \n' <"$SRCDIR/tests/data/outputs-baseline")
git -C "$SRCDIR" cat-file -e "$BASE^{commit}" 2>/dev/null ||
	skip "commit $BASE (tests/data/outputs-baseline) is not in this clone's history (a shallow clone or a source tarball)"

CACHE=$SRCDIR/build/outputs-baseline/$BASE
if [ ! -x "$CACHE/build/customs" ]; then
	echo "# building the reference $BASE into $CACHE"
	rm -rf "$CACHE"
	mkdir -p "$CACHE/src"
	git -C "$SRCDIR" archive "$BASE" | tar -x -C "$CACHE/src" || { not_ok "git archive $BASE"; finish; exit; }
	(cmake -S "$CACHE/src" -B "$CACHE/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF &&
		cmake --build "$CACHE/build" -j"$(nproc)" --target customs) >"$TMP/build.log" 2>&1 ||
		{ tail -20 "$TMP/build.log"; not_ok "building the reference $BASE"; finish; exit; }
fi
REF=$CACHE/build/customs

# one database for both, built by the reference binary
DB=$TMP/vulndb.sqlite
"$REF" db import --quiet --db "$DB" "$SHARED"/feeds/*.zip "$SHARED/feeds/ghsa" >/dev/null 2>&1
check "the reference imports the shared feeds" test -s "$DB"

export EXPLAIN_IDS="CVE-2019-1010022 CVE-2023-37920 CVE-2023-39318 CVE-2025-48924 CVE-2021-44906 GHSA-0000-0000-0000 NOT-AN-ID"
export FIXTURES
bash "$SRCDIR/tests/tools/record-outputs.sh" "$REF" "$TMP/ref" "$DB"
bash "$SRCDIR/tests/tools/record-outputs.sh" "$CUSTOMS" "$TMP/new" "$DB"

n=$(find "$TMP/ref" -type f | wc -l)
check "the reference wrote outputs ($n files)" test "$n" -gt 300
for f in $(cd "$TMP/ref" && find . -type f | sort); do
	if [ ! -f "$TMP/new/$f" ]; then
		not_ok "$f: not written by the build under test"
	elif ! cmp -s "$TMP/ref/$f" "$TMP/new/$f"; then
		not_ok "$f differs from $BASE's:"
		diff -u "$TMP/ref/$f" "$TMP/new/$f" | head -20
	fi
done
extra=$(cd "$TMP/new" && find . -type f | sort | while read -r f; do [ -f "$TMP/ref/$f" ] || echo "$f"; done)
check_eq "no output the reference does not write" "$extra" ""
check_eq "every output equals $BASE's ($n files)" "$FAILS" 0
finish
