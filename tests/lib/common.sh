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
# Sanitizer reports (ASan, LSan, UBSan builds) go to files that finish()
# checks, so that no run's report is lost in a stderr a test discards.
SANLOG=$TMP/sanitizer
mkdir -p "$SANLOG"
export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}log_path=$SANLOG/asan"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-}${UBSAN_OPTIONS:+:}log_path=$SANLOG/ubsan"

# skip REASON: the test cannot run here (exit 77); under CI=true that is a
# failure, since CI installs every tool and has every data file.
skip() {
	if [ "${CI:-}" = true ]; then
		echo "FAIL: CI=true and this test would skip: $*"
		exit 1
	fi
	echo "SKIP: $*"
	exit 77
}
# partial REASON: one part of a test cannot run here: a note, or a failure
# under CI=true.
partial() {
	if [ "${CI:-}" = true ]; then
		not_ok "CI=true and this part would be skipped: $*"
	else
		echo "# skipped: $*"
	fi
}
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
	if compgen -G "$SANLOG/*" >/dev/null; then
		not_ok "sanitizer reports:"
		cat "$SANLOG"/*
	fi
	echo "$PASSES passed, $FAILS failed"
	[ "$FAILS" -eq 0 ]
}
# serve_files DIR: tests/lib/http_server.py on 127.0.0.1 serving DIR, every
# request logged to $TMP/http.log; sets $port, and $SERVER_PID (killed on exit).
serve_files() {
	python3 "$SRCDIR/tests/lib/http_server.py" "$1" "$TMP/port" "$TMP/http.log" &
	SERVER_PID=$!
	trap 'kill $SERVER_PID 2>/dev/null; rm -rf "$TMP"' EXIT
	for _ in $(seq 1 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
	port=$(cat "$TMP/port")
}
