#!/usr/bin/env bash
# scan.sh - how long vulnerability matching takes on the debian-rich fixture
# (~2,200 packages: 495 debs, ~1,650 npm modules, Python, Go binaries).
#
#   1. bench/match_bench.c: analyse once, then open the database and run
#      customs_match_analysis() RUNS times: wall and CPU time of the matching
#      alone (target, issue "Vulnerability database and matching": <= 100 ms).
#   2. `customs scan` against `customs sbom` of the same image, RUNS times
#      each, interleaved, same output format: median wall times and their
#      ratio (target: scan <= 1.2 x sbom), plus one `scan --timings` line.
#
# The database is imported from $SHARED/feeds (all feeds) unless DB names
# one.  Wall times on a busy machine mostly measure the neighbours: the CPU
# times and the load average are printed with them.
# Usage: bench/scan.sh [RUNS]   (env FIXTURES, SHARED, DB, B)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-11}
FIXTURES=${FIXTURES:-build/fixtures}
SHARED=${SHARED:-../shared}
IMG=$FIXTURES/oci/debian-rich
[ -d "$IMG" ] || { echo "build the fixtures first: sudo bash tests/fixtures/make-fixtures.sh $FIXTURES" >&2; exit 2; }

B=${B:-build-release}
if [ ! -f "$B/libcustoms.a" ] || [ ! -x "$B/customs" ]; then
	cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
fi
cmake --build "$B" -j"$(nproc)" >/dev/null

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
LIBS=$(sed -n 's/.* -o customs //p' "$B/CMakeFiles/customs.dir/link.txt")
(cd "$B" && cc -std=c11 -O2 -D_GNU_SOURCE -I../include -I../src/lib ../bench/match_bench.c $LIBS -lpthread -o "$W/bench")

if [ -z "${DB:-}" ]; then
	DB=$W/vulndb.sqlite
	echo "importing $SHARED/feeds into $DB ..."
	"$B/customs" db import --db "$DB" --quiet "$SHARED"/feeds/*.zip "$SHARED/feeds/ghsa" >/dev/null
fi
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== matching alone (customs_match_analysis, database opened each run) =="
"$W/bench" "$IMG" "$DB" "$((RUNS * 2))"

echo "== customs scan vs customs sbom ($RUNS runs each, interleaved) =="
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
t() { # t CMD... : wall seconds
	local s e
	s=$(date +%s.%N)
	"$@" >/dev/null 2>&1 || true
	e=$(date +%s.%N)
	echo "$e - $s" | bc
}
for fmt in table json; do
	: >"$W/sbom.$fmt"
	: >"$W/scan.$fmt"
	for _ in $(seq "$RUNS"); do
		t "$B/customs" sbom -o "$fmt" --quiet "$IMG" >>"$W/sbom.$fmt"
		t "$B/customs" scan -o "$fmt" --quiet --max-db-age 0 --db "$DB" "$IMG" >>"$W/scan.$fmt"
	done
	sb=$(median <"$W/sbom.$fmt")
	sc=$(median <"$W/scan.$fmt")
	printf -- "-o %-5s  sbom median %.3f s   scan median %.3f s   scan/sbom %.2f (target <= 1.20)\n" "$fmt" "$sb" "$sc" \
		"$(echo "$sc / $sb" | bc -l)"
done
echo "== one scan with --timings =="
"$B/customs" scan --quiet --timings --max-db-age 0 --db "$DB" "$IMG" 2>&1 >/dev/null | grep timings
