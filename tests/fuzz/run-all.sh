#!/usr/bin/env bash
# run-all.sh SECONDS - build the libFuzzer targets (CC=clang, -DCUSTOMS_FUZZ=ON,
# into build-fuzz/) and run each tests/fuzz/fuzz_*.c for SECONDS against its
# seeds in tests/fuzz/corpus/<target>/.  New inputs go to
# build-fuzz/fuzz-corpus/<target>/ (the seeds are never written to), a
# crashing input to build-fuzz/fuzz-artifacts/.  Exits non-zero when any
# target crashes, leaks, trips a sanitizer (UBSan included) or times out.
# Environment: BUILD (default REPO/build-fuzz), JOBS (build parallelism).
set -euo pipefail
SECS=${1:?usage: run-all.sh SECONDS}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
B=${BUILD:-$REPO/build-fuzz}

targets=$(cd "$HERE" && ls fuzz_*.c | sed 's/\.c$//')
CC=clang cmake -S "$REPO" -B "$B" -DCUSTOMS_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
# shellcheck disable=SC2086 # one word per target
cmake --build "$B" -j"${JOBS:-$(nproc)}" --target $targets >/dev/null

export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
mkdir -p "$B/fuzz-artifacts"
failed=()
for t in $targets; do
	mkdir -p "$B/fuzz-corpus/$t"
	log=$B/fuzz-$t.log
	seeds=()
	[ -d "$HERE/corpus/$t" ] && seeds=("$HERE/corpus/$t") # a target without seeds starts empty
	if "$B/tests/fuzz/$t" -max_total_time="$SECS" -timeout=30 -rss_limit_mb=2048 \
		-artifact_prefix="$B/fuzz-artifacts/$t-" "$B/fuzz-corpus/$t" "${seeds[@]}" >"$log" 2>&1; then
		echo "ok - $t: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$log" | tail -1)"
	else
		echo "not ok - $t crashed; input in $B/fuzz-artifacts/, log $log:"
		grep -E -A25 '^==[0-9]+==ERROR|runtime error|^SUMMARY|deadly signal|timeout after' "$log" | head -60 || tail -20 "$log"
		failed+=("$t")
	fi
done
[ ${#failed[@]} -eq 0 ] || { echo "crashed: ${failed[*]}"; exit 1; }
