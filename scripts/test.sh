#!/usr/bin/env bash
# test.sh - install what is missing, build, and pass every test: the suite
# once normally (gcc, -Werror), once under ASan+UBSan (clang), then a short
# run of every libFuzzer target.  Needs root (or sudo) for the fixture images.
#   FUZZ_SECONDS (default 10): seconds per fuzz target, 0 to skip
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$(date +%s)
step() { echo "== $* ($(($(date +%s) - t0)) s)"; }

step "dependencies"
scripts/deps.sh test
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

step "fixture images (cached in build/fixtures)"
$SUDO bash tests/fixtures/make-fixtures.sh build/fixtures
step "SBOMs of the fixtures by other tools (cached in build/sboms)"
bash tests/fixtures/make-sboms.sh build/fixtures build/sboms

step "a throw-away PostgreSQL cluster on 127.0.0.1 for the store's tests"
PGDIR=$(mktemp -d /tmp/customs-pg.XXXXXX)
chmod 755 "$PGDIR"
trap 'bash tests/tools/pg-cluster.sh stop "$PGDIR/c"; rm -rf "$PGDIR"' EXIT
CUSTOMS_TEST_POSTGRES=$(bash tests/tools/pg-cluster.sh start "$PGDIR/c")
export CUSTOMS_TEST_POSTGRES

step "build + test (gcc, -Werror)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCUSTOMS_WERROR=ON >/dev/null
cmake --build build -j"$(nproc)"
(cd build && ctest -j2 --output-on-failure)

step "build + test (clang, ASan+UBSan)"
CC=clang cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCUSTOMS_WERROR=ON -DCUSTOMS_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$(nproc)"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ctest -j2 --output-on-failure)

if [ "${FUZZ_SECONDS:-10}" != 0 ] && [ -x tests/fuzz/run-all.sh ]; then
	step "fuzz targets, ${FUZZ_SECONDS:-10} s each"
	tests/fuzz/run-all.sh "${FUZZ_SECONDS:-10}"
fi
step "all tests passed"
