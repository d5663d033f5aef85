#!/usr/bin/env bash
# store.sh - the store's figures (issue 12, "Speed"), on SQLite and on
# PostgreSQL side by side, over a store of N (default 1,000) analyses made
# by varying real analyses of the two fixtures (bench/store_bench.c: new
# digests and tags over the same layers, every 25th with package versions
# bumped down), plus the two fixtures analysed by `customs analyze`:
#
#   query --all has-package openssl --version '<3.0.14'   target <= 100 ms
#   customs images                                       target <= 50 ms
#   customs diff of the two fixtures                     target <= 200 ms
#   storing one rich analysis                            target <= 300 ms
#   customs scan of a known image (re-scan)              target <= 0.1 s
#   customs rematch of every image after a feed import   target <= 30 s
#   the store's size per rich analysis
#
# Each command runs RUNS times: the median wall time, and the median CPU
# time (user + system) beside it: on a busy machine the wall time mostly
# measures the neighbours (the load average is printed).  PostgreSQL is a
# throw-away cluster (tests/tools/pg-cluster.sh, fsync off as in the tests).
# Usage: bench/store.sh [N] [RUNS]   (env FIXTURES, SHARED, B)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
RUNS=${2:-7}
FIXTURES=${FIXTURES:-build/fixtures}
SHARED=${SHARED:-../shared}
MIN=oci:$FIXTURES/oci/debian-min RICH=oci:$FIXTURES/oci/debian-rich
[ -d "$FIXTURES/oci/debian-rich" ] || { echo "build the fixtures first: sudo bash tests/fixtures/make-fixtures.sh $FIXTURES" >&2; exit 2; }

B=${B:-build-release}
if [ ! -f "$B/libcustoms.a" ] || [ ! -x "$B/customs" ]; then
	cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
fi
cmake --build "$B" -j2 >/dev/null
C=$(realpath "$B/customs")

W=$(mktemp -d /tmp/customs-bench.XXXXXX)
chmod 755 "$W"
PG=
cleanup() {
	[ -n "$PG" ] && bash tests/tools/pg-cluster.sh stop "$W/pg" >/dev/null 2>&1
	rm -rf "$W"
}
trap cleanup EXIT
LIBS=$(sed -n 's/.* -o customs //p' "$B/CMakeFiles/customs.dir/link.txt")
(cd "$B" && cc -std=c11 -O2 -D_GNU_SOURCE -I../include -I../src/lib ../bench/store_bench.c $LIBS -lpthread -o "$W/store_bench")

echo "importing the Debian feed, then the same with GitHub's advisories (the import rematch follows) ..."
DB=$W/db1.sqlite DB2=$W/db2.sqlite
"$C" db import --quiet --db "$DB" "$SHARED/feeds/debian-osv.zip" >/dev/null
cp "$DB" "$DB2"
"$C" db import --quiet --db "$DB2" "$SHARED/feeds/ghsa" >/dev/null
export CUSTOMS_DB=$DB

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# measure LABEL CMD...: median wall and CPU milliseconds over RUNS runs
measure() {
	local label=$1 wall=() cpu=() i out
	shift
	for i in $(seq "$RUNS"); do
		/usr/bin/time -o "$W/time" -f '%e %U %S' "$@" >/dev/null 2>&1 || true
		out=$(tail -1 "$W/time")
		wall+=("$(echo "$out" | awk '{print $1 * 1000}')")
		cpu+=("$(echo "$out" | awk '{print ($2 + $3) * 1000}')")
	done
	printf '%s\t%s\t%s\n' "$label" "$(printf '%s\n' "${wall[@]}" | median)" "$(printf '%s\n' "${cpu[@]}" | median)"
}

run_backend() { # run_backend NAME URL
	local name=$1 url=$2 out
	out=$W/$name
	mkdir -p "$out"
	echo "== $name: filling the store ($N analyses) ==" >&2
	"$C" analyze --quiet --store "$url" --tag fixtures/min:1 "$MIN" >/dev/null
	"$C" analyze --quiet --store "$url" --tag fixtures/rich:1 "$RICH" >/dev/null
	"$W/store_bench" "$url" "$MIN" "$RICH" "$N" >"$out/fill.txt" 2>"$out/fill.err" || { cat "$out/fill.err"; exit 1; }
	CUSTOMS_DB=$DB "$C" rematch --store "$url" -o json >/dev/null # every image matched against db1
	{
		measure "query --all has-package openssl --version '<3.0.14'" \
			"$C" query --store "$url" --all has-package openssl --version '<3.0.14'
		measure "customs images" "$C" images --store "$url"
		measure "customs diff fixtures/min:1 fixtures/rich:1" "$C" diff --store "$url" fixtures/min:1 fixtures/rich:1
		measure "customs scan of a known image (rich)" "$C" scan --store "$url" --quiet --max-db-age 0 "$RICH"
	} >"$out/figures.tsv"
	local t0 t1
	t0=$(date +%s%N)
	CUSTOMS_DB=$DB2 "$C" rematch --store "$url" -o json >"$out/rematch.json"
	t1=$(date +%s%N)
	printf 'customs rematch of %s images after a feed import\t%s\t-\n' "$(jq '.images | length' "$out/rematch.json")" \
		$(((t1 - t0) / 1000000)) >>"$out/figures.tsv"
	grep -o 'median [0-9.]* ms.*' "$out/fill.txt" | sed 's/^/put of one rich analysis: /' >"$out/put.txt"
	echo "$out/figures.tsv"
}

size_sqlite() { # the file's bytes after a checkpoint
	sqlite3 "$1" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
	stat -c %s "$1"
}
size_pg() {
	psql -At "$1" -c 'SELECT pg_database_size(current_database())'
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
S=$W/store.sqlite
run_backend sqlite "sqlite:$S" >/dev/null
PG=$(bash tests/tools/pg-cluster.sh start "$W/pg")
P=${PG%/*}/bench
psql -q "$PG" -c "CREATE DATABASE bench" >/dev/null
run_backend postgres "$P" >/dev/null

# store size per rich analysis: a store of the minimal fixture, then the
# rich one (its own layers' files and results the first time), then a
# variant of it over the same layers
sizes() { # sizes NAME URL SIZE-FN
	local url=$2 a b c
	"$C" analyze --quiet --no-match --store "$url" "$MIN" >/dev/null
	a=$($3 "${url#sqlite:}")
	"$C" analyze --quiet --no-match --store "$url" "$RICH" >/dev/null
	b=$($3 "${url#sqlite:}")
	"$W/store_bench" "$url" "$MIN" "$RICH" 20 >/dev/null 2>&1
	c=$($3 "${url#sqlite:}")
	printf '%s: the first rich analysis %.1f MB (its layers included), each more over the same layers %.2f MB\n' \
		"$1" "$(echo "($b - $a) / 1000000" | bc -l)" "$(echo "($c - $b) / 10 / 1000000" | bc -l)"
}
psql -q "$PG" -c "CREATE DATABASE sizes" >/dev/null
SZ_S=$(sizes sqlite "sqlite:$W/sizes.sqlite" size_sqlite)
SZ_P=$(sizes postgres "${PG%/*}/sizes" size_pg)

echo
printf '%-58s %14s %14s %8s\n' "$N analyses + the 2 fixtures" "SQLite wall/cpu" "PostgreSQL" "target"
targets=("100 ms" "50 ms" "200 ms" "100 ms" "30 s")
i=0
paste "$W/sqlite/figures.tsv" "$W/postgres/figures.tsv" | while IFS=$'\t' read -r label sw sc _ pw pc; do
	printf '%-58s %7s/%-6s %7s/%-6s %8s\n' "$label" "${sw}ms" "$sc" "${pw}ms" "$pc" "${targets[$i]}"
	i=$((i + 1))
done
echo "sqlite   $(cat "$W/sqlite/put.txt")   (target 300 ms)"
echo "postgres $(cat "$W/postgres/put.txt")   (target 300 ms)"
echo "$SZ_S"
echo "$SZ_P"
echo "sqlite: $(head -1 "$W/sqlite/fill.txt"); postgres: $(head -1 "$W/postgres/fill.txt")"
echo "store size with $N analyses: SQLite $(($(size_sqlite "$S") / 1000000)) MB, PostgreSQL $(($(size_pg "$P") / 1000000)) MB"
