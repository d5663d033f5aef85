# common.sh - sourced by tests/cli/*.sh: environment checks and assertions.
set -euo pipefail
: "${CUSTOMS:?CUSTOMS must name the built customs binary (run through ctest)}"
: "${SRCDIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${FIXTURES:=$SRCDIR/build/fixtures}"
: "${SHARED:=$SRCDIR/../shared}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
FAILS=0
PASSES=0

skip() { echo "SKIP: $*"; exit 77; }
need_fixtures() {
	[ -f "$FIXTURES/.stamp" ] || skip "fixture images not built: run tests/fixtures/make-fixtures.sh $FIXTURES (needs root and the Debian mirror)"
}
need_shared() {
	[ -e "$SHARED/$1" ] || skip "$SHARED/$1 is absent (the shared data set is present in CI)"
}
ok() { PASSES=$((PASSES + 1)); echo "ok - $*"; }
not_ok() { FAILS=$((FAILS + 1)); echo "not ok - $*"; }
check() { # check DESCRIPTION CMD...
	local d=$1; shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}
check_eq() { # check_eq DESCRIPTION GOT WANT
	if [ "$2" == "$3" ]; then ok "$1"; else not_ok "$1: got '$2', want '$3'"; fi
}
finish() {
	echo "$PASSES passed, $FAILS failed"
	[ "$FAILS" -eq 0 ]
}
