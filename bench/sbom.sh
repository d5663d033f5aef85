#!/usr/bin/env bash
# sbom.sh - what writing the SBOM formats costs next to the analysis they
# describe (target, issue "Reports and SBOM exchange": every format for the
# rich image together <= 10 % of the analysis time).
#
# One `customs sbom --timings` run writes all of them from one analysis:
# customs JSON (with owned files), SPDX 2.3 JSON and tag-value, CycloneDX
# 1.6 and 1.5, purls and the table.  Each run prints the analysis time and
# each format's writing time (to files in a temp dir); RUNS runs, medians,
# and the ratio in every run (ratios within one run are what a shared,
# noisy machine can compare).  Also one --with-files run (SPDX and
# CycloneDX with every owned file and its SHA-256, which turns on
# --file-digests and so costs analysis time too), and the sizes.
# Usage: bench/sbom.sh [RUNS]   (env FIXTURES, B)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
FIXTURES=${FIXTURES:-build/fixtures}
IMG=$FIXTURES/oci/debian-rich
[ -d "$IMG" ] || { echo "build the fixtures first: sudo bash tests/fixtures/make-fixtures.sh $FIXTURES" >&2; exit 2; }

B=${B:-build-release}
if [ ! -x "$B/customs" ]; then
	cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
fi
cmake --build "$B" -j"$(nproc)" >/dev/null
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export SOURCE_DATE_EPOCH=1700000000
FORMATS=(json spdx-json spdx-tag-value cyclonedx-json cyclonedx-json@1.5 purls table)
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "image: $IMG"

for r in $(seq "$RUNS"); do
	args=()
	for f in "${FORMATS[@]}"; do args+=(-o "$f=$W/out.$f"); done
	"$B/customs" sbom "oci:$IMG" --quiet --timings "${args[@]}" 2>"$W/t.$r"
	awk '/timings: analysis/ {a = $5} /timings: / && !/analysis/ {w += $5} END {printf "run: analysis %.0f ms, all formats %.0f ms = %.1f %%\n", a, w, 100 * w / a}' "$W/t.$r"
done
echo
echo "medians over $RUNS runs:"
cat "$W"/t.* | awk '/timings: / {k = $4; v[k] = v[k] " " $5} END {for (k in v) print k, v[k]}' | sort | while read -r k vals; do
	med=$(tr ' ' '\n' <<<"$vals" | grep . | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
	printf "  %-20s %8.1f ms\n" "$k" "$med"
done
a=$(cat "$W"/t.* | awk '/timings: analysis/ {print $5}' | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
w=$(for r in $(seq "$RUNS"); do awk '/timings: / && !/analysis/ {w += $5} END {print w}' "$W/t.$r"; done | sort -n |
	awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
printf "  %-20s %8.1f ms  = %.1f %% of the analysis (target <= 10 %%)\n" "all formats" "$w" "$(awk -v w="$w" -v a="$a" 'BEGIN {print 100 * w / a}')"
echo
echo "sizes:"
for f in "${FORMATS[@]}"; do printf "  %-20s %10d bytes\n" "$f" "$(stat -c %s "$W/out.$f")"; done
echo
echo "with --with-files (file digests on; SPDX files and CycloneDX file components):"
"$B/customs" sbom "oci:$IMG" --quiet --timings --with-files -o spdx-json="$W/f.spdx.json" -o cyclonedx-json="$W/f.cdx.json" 2>&1 |
	sed 's/^customs sbom: timings: /  /'
printf "  sizes: spdx-json %d bytes, cyclonedx-json %d bytes\n" "$(stat -c %s "$W/f.spdx.json")" "$(stat -c %s "$W/f.cdx.json")"
