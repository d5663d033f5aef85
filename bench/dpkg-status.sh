#!/usr/bin/env bash
# dpkg-status.sh - how long the dpkg status parser takes for 10,000 packages.
#
# Writes a status file of N (default 10000) stanzas by repeating the real
# stanzas of the debian-rich fixture under new package names, then times
#   1. customs__dpkg_parse_status() alone (bench/dpkg_status_bench.c), and
#   2. `customs sbom dir:ROOT` of a root holding only that status file
#      (walk, dispatch, parse, merge, purls, JSON output).
#   Target (issue "OS package catalogers"): parse <= 50 ms for 10k packages.
# Usage: bench/dpkg-status.sh [N] [RUNS]   (env FIXTURES)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
RUNS=${2:-20}
FIXTURES=${FIXTURES:-build/fixtures}
STATUS=$FIXTURES/rootfs/debian-rich/rootfs/var/lib/dpkg/status
[ -f "$STATUS" ] || { echo "build the fixtures first: sudo bash tests/fixtures/make-fixtures.sh $FIXTURES" >&2; exit 2; }

B=build-release
if [ ! -f "$B/libcustoms.a" ] || [ ! -x "$B/customs" ]; then
	cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
fi
cmake --build "$B" -j"$(nproc)" >/dev/null

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
# the bench program: the library's internal parser, linked like the customs
# binary (its link line, after "-o customs", names the library's dependencies)
LIBS=$(sed -n 's/.* -o customs //p' "$B/CMakeFiles/customs.dir/link.txt")
(cd "$B" && cc -std=c11 -O2 -D_GNU_SOURCE -I../include -I../src/lib ../bench/dpkg_status_bench.c $LIBS -lpthread \
	-o "$W/bench")

mkdir -p "$W/root/var/lib/dpkg"
python3 - "$STATUS" "$N" >"$W/root/var/lib/dpkg/status" <<'PY'
import re, sys
stanzas = [s for s in open(sys.argv[1], encoding="utf-8").read().split("\n\n") if s.strip()]
for i in range(int(sys.argv[2])):
    s = stanzas[i % len(stanzas)]
    sys.stdout.write(re.sub(r"^Package: (\S+)", lambda m: "Package: %s-b%d" % (m.group(1), i), s, count=1, flags=re.M))
    sys.stdout.write("\n\n")
PY
echo "status: $(grep -c '^Package:' "$W/root/var/lib/dpkg/status") stanzas from $(grep -c '^Package:' "$STATUS") real ones"
"$W/bench" "$W/root/var/lib/dpkg/status" "$RUNS"

best=
for i in $(seq 5); do
	s=$( { /usr/bin/time -f '%e' "$B/customs" sbom -o json --quiet --analyzers dpkg "dir:$W/root" >"$W/out.json"; } 2>&1 )
	best=$(printf '%s\n%s\n' "$s" "${best:-$s}" | sort -g | head -1)
done
echo "customs sbom dir: (10k packages, JSON out): best ${best}s of 5; $(jq '.packages | length' "$W/out.json") packages"
