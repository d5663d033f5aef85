#!/usr/bin/env bash
# policy.sh - what the policy engine costs (targets, issue "Policy engine"):
#   1. secret scanning of every regular file of the rich image adds <= 30 %
#      to the analysis: `customs inspect` with and without --secrets, RUNS
#      runs each, interleaved; medians of wall and CPU time and the ratio in
#      every run (neighbours on a shared machine move the wall times; the
#      CPU times and the load average are printed with them);
#   2. a 50-rule bundle evaluates in <= 20 ms: bench/policy_bundle.py makes
#      one rule for each of the first 50 triggers of the gate table, every
#      parameter set to its example; `customs evaluate --timings` prints the
#      evaluation alone (not the analysis or the matching), RUNS runs, median.
# The database is imported from $SHARED/feeds unless DB names one.
# Usage: bench/policy.sh [RUNS]   (env FIXTURES, SHARED, DB, B)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-7}
FIXTURES=${FIXTURES:-build/fixtures}
SHARED=${SHARED:-../shared}
IMG=$FIXTURES/oci/debian-rich
[ -d "$IMG" ] || { echo "build the fixtures first: sudo bash tests/fixtures/make-fixtures.sh $FIXTURES" >&2; exit 2; }

B=${B:-build-release}
if [ ! -x "$B/customs" ]; then
	cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
fi
cmake --build "$B" -j"$(nproc)" >/dev/null
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

if [ -z "${DB:-}" ]; then
	DB=$W/vulndb.sqlite
	echo "importing $SHARED/feeds into $DB ..."
	"$B/customs" db import --db "$DB" --quiet "$SHARED"/feeds/*.zip "$SHARED/feeds/ghsa" >/dev/null
fi
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "image: $IMG"
"$B/customs" inspect --quiet --secrets -o json "oci:$IMG" >"$W/s.json"
echo "secrets found: $(jq '.secrets | length' "$W/s.json") in $(jq '.summary.files_all_layers' "$W/s.json") files"

echo
echo "== customs inspect, without and with --secrets ($RUNS runs each, interleaved) =="
# run NAME ARGS...: appends "wall cpu" (seconds) to $W/NAME
run() {
	local name=$1; shift
	/usr/bin/time -f '%e %U %S' -o "$W/time" "$B/customs" inspect --quiet -o json "$@" "oci:$IMG" >/dev/null
	awk '{printf "%s %.2f\n", $1, $2 + $3}' "$W/time" >>"$W/$name"
}
for r in $(seq "$RUNS"); do
	run plain
	run secrets --secrets
	paste "$W/plain" "$W/secrets" | tail -1 |
		awk '{printf "run: wall %.2f s -> %.2f s (%+.1f %%), cpu %.2f s -> %.2f s (%+.1f %%)\n", $1, $3, 100 * ($3 / $1 - 1), $2, $4, 100 * ($4 / $2 - 1)}'
done
pw=$(cut -d' ' -f1 "$W/plain" | median); pc=$(cut -d' ' -f2 "$W/plain" | median)
sw=$(cut -d' ' -f1 "$W/secrets" | median); sc=$(cut -d' ' -f2 "$W/secrets" | median)
ratios=$(paste "$W/plain" "$W/secrets" | awk '{print 100 * ($4 / $2 - 1)}' | median)
printf "medians: wall %.2f s -> %.2f s, cpu %.2f s -> %.2f s: secret scanning adds %.1f %% cpu (median of the per-run ratios; target <= 30 %%)\n" \
	"$pw" "$sw" "$pc" "$sc" "$ratios"

echo
echo "== customs evaluate, a 50-rule bundle ($RUNS runs) =="
"$B/customs" policy describe -o json | python3 bench/policy_bundle.py 50 >"$W/bundle.json"
"$B/customs" policy validate "$W/bundle.json" >/dev/null
echo "bundle: $(jq '.policies[0].rules | length' "$W/bundle.json") rules over $(jq '[.policies[0].rules[].gate] | unique | length' "$W/bundle.json") gates"
for _ in $(seq "$RUNS"); do
	"$B/customs" evaluate --quiet --timings --db "$DB" --policy "$W/bundle.json" -o json=/dev/null "oci:$IMG" 2>&1 >/dev/null |
		grep 'timings:' | sed 's/^customs evaluate: timings: /run: /' | tee -a "$W/eval"
done
ev=$(sed 's/.*evaluate \([0-9.]*\) ms.*/\1/' "$W/eval" | median)
printf "median: evaluate %.2f ms (target <= 20 ms)\n" "$ev"
