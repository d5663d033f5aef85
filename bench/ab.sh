#!/usr/bin/env bash
# ab.sh - two customs binaries on the same command, runs interleaved (A B A B
# ...) so that a busy, shared machine slows both alike; prints the median
# wall and CPU (user+sys) seconds of each and the ratio B/A.  For "this change
# costs nothing": a refactor's build against the build before it.
# Usage: bench/ab.sh [-n RUNS] A_CUSTOMS B_CUSTOMS ARGS...   (ARGS: the customs command line)
#   e.g. bench/ab.sh -n 9 /tmp/customs-before build-release/customs sbom -o json=/dev/null oci:build/fixtures/oci/debian-rich
set -euo pipefail
RUNS=9
if [ "${1:-}" = -n ]; then RUNS=$2; shift 2; fi
[ $# -ge 3 ] || { sed -n '2,9p' "$0" >&2; exit 2; }
A=$1 B=$2
shift 2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
for i in $(seq "$RUNS"); do
	for w in A B; do
		bin=$A
		[ $w = B ] && bin=$B
		/usr/bin/time -f '%e %U %S' -o "$T/t" "$bin" "$@" >/dev/null 2>&1 || true
		tail -n 1 "$T/t" | awk -v w=$w '{printf "%s %s %s\n", w, $1, $2 + $3}' >>"$T/all"
	done
done
med() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
for w in A B; do
	wall=$(awk -v w=$w '$1 == w {print $2}' "$T/all" | med)
	cpu=$(awk -v w=$w '$1 == w {print $3}' "$T/all" | med)
	echo "$w $wall $cpu"
done >"$T/med"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $RUNS runs each, interleaved"
echo "command: customs $*"
awk -v a="$A" -v b="$B" '
	$1 == "A" {aw = $2; ac = $3} $1 == "B" {bw = $2; bc = $3}
	END {
		printf "%-50s %8s %8s\n", "", "wall s", "cpu s"
		printf "%-50s %8.3f %8.3f\n", "A " a, aw, ac
		printf "%-50s %8.3f %8.3f\n", "B " b, bw, bc
		printf "%-50s %8.3f %8.3f\n", "B/A", bw / aw, bc / ac
	}' "$T/med"
