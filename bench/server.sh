#!/usr/bin/env bash
# server.sh - customs serve under load (issue 14, "Load"), loopback only,
# bounded: a store of N (default 1,000) analyses (bench/store_bench.c:
# variants of the two fixtures, as bench/store.sh makes them) matched
# against the Debian feed, then wrk against
#
#   GET /v1/images/{digest}/vulns   (a rich image)   target >= 2,000 req/s, p99 <= 50 ms, no errors
#   GET /healthz                                      the baseline: the HTTP floor of the same server
#   GET .../vulns over all N images in turn            (the answer cache cold for each at first)
#   GET .../vulns of one image with --cache-mb 0       (every answer made anew: the store's floor)
#
# with the same connections and threads, and 20 concurrent POST /v1/images
# of one image: how many jobs and analyses they made (target: one).
# Usage: bench/server.sh [N] [SECONDS] [CONNECTIONS]   (env FIXTURES, SHARED, B, STORE=sqlite|postgres)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
SECS=${2:-10}
CONNS=${3:-32}
FIXTURES=${FIXTURES:-build/fixtures}
SHARED=${SHARED:-../shared}
STORE=${STORE:-sqlite}
MIN=oci:$FIXTURES/oci/debian-min RICH=oci:$FIXTURES/oci/debian-rich
[ -d "$FIXTURES/oci/debian-rich" ] || { echo "build the fixtures first: sudo bash tests/fixtures/make-fixtures.sh $FIXTURES" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 2; }

B=${B:-build-release}
if [ ! -f "$B/libcustoms.a" ] || [ ! -x "$B/customs" ]; then
	cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
fi
cmake --build "$B" -j2 >/dev/null
C=$(realpath "$B/customs")

W=$(mktemp -d /tmp/customs-bench.XXXXXX)
chmod 755 "$W"
PG= SPID=
cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null
	[ -n "$PG" ] && bash tests/tools/pg-cluster.sh stop "$W/pg" >/dev/null 2>&1
	rm -rf "$W"
}
trap cleanup EXIT
LIBS=$(sed -n 's/.* -o customs //p' "$B/CMakeFiles/customs.dir/link.txt")
(cd "$B" && cc -std=c11 -O2 -D_GNU_SOURCE -I../include -I../src/lib ../bench/store_bench.c $LIBS -lpthread -o "$W/store_bench")

DB=$W/db.sqlite
"$C" db import --quiet --db "$DB" "$SHARED/feeds/debian-osv.zip" >/dev/null
if [ "$STORE" = postgres ]; then
	PG=$(bash tests/tools/pg-cluster.sh start "$W/pg")
	U=$PG
else
	U=sqlite:$W/store.sqlite
fi
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); store: $STORE" >&2
echo "filling the store: $N analyses ..." >&2
"$C" analyze --quiet --store "$U" --tag fixtures/min:1 "$MIN" >/dev/null
"$C" analyze --quiet --store "$U" --tag fixtures/rich:1 "$RICH" >/dev/null
"$W/store_bench" "$U" "$MIN" "$RICH" "$N" >/dev/null 2>"$W/fill.err" || { cat "$W/fill.err"; exit 1; }
"$C" rematch --store "$U" --db "$DB" -o json >/dev/null
TOKEN=$("$C" token create bench --store "$U" -o json | jq -r .token)
D=$("$C" images --store "$U" -o json | jq -r '[.[] | select(.tags | index("fixtures/rich:1"))][0].digest')

"$C" serve --listen 127.0.0.1:0 --store "$U" --db "$DB" --workers 2 --allow-local-images 2>"$W/serve.log" &
SPID=$!
for _ in $(seq 100); do grep -q listening "$W/serve.log" && break; sleep 0.1; done
PORT=$(grep -o '127.0.0.1:[0-9]*' "$W/serve.log" | cut -d: -f2)
BASE=http://127.0.0.1:$PORT
n=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/v1/images" | jq length)
v=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/v1/images/$D/vulns" | jq length)
echo "$n images stored; $D has $v vulnerabilities" >&2

# load LABEL PATH [WRK ARGS]: requests/s, p99, errors (non-2xx or socket errors)
load() {
	wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -H "Authorization: Bearer $TOKEN" "${@:3}" "$BASE$2" >"$W/wrk.txt" 2>&1
	local rps p99 non2xx sock
	rps=$(awk '/Requests\/sec/ {print $2}' "$W/wrk.txt")
	p99=$(awk '$1 == "99%" {print $2}' "$W/wrk.txt")
	non2xx=$(awk '/Non-2xx/ {print $NF}' "$W/wrk.txt")
	sock=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$W/wrk.txt")
	printf '%-40s %10s req/s   p99 %8s   errors %s\n' "$1" "$rps" "$p99" "$((${non2xx:-0} + ${sock:-0}))"
}
echo
echo "wrk: 2 threads, $CONNS connections, ${SECS} s each"
load "GET /healthz (baseline)" /healthz
load "GET /v1/images/{digest}/vulns" "/v1/images/$D/vulns"
echo "target: GET vulns >= 2000 req/s, p99 <= 50 ms, 0 errors"
# every stored image in turn
curl -s -H "Authorization: Bearer $TOKEN" "$BASE/v1/images" | jq -r '.[].digest' >"$W/digests"
{
	echo 'local d = {}'
	sed 's/.*/d[#d + 1] = "&"/' "$W/digests"
	echo 'local i = 0'
	echo 'request = function() i = i + 1; return wrk.format("GET", "/v1/images/" .. d[i % #d + 1] .. "/vulns") end'
} >"$W/all.lua"
load "GET vulns of all $(wc -l <"$W/digests") images in turn" / -s "$W/all.lua"
kill "$SPID"
wait "$SPID" 2>/dev/null || true
"$C" serve --listen 127.0.0.1:0 --store "$U" --db "$DB" --workers 0 --cache-mb 0 2>"$W/serve0.log" &
SPID=$!
for _ in $(seq 100); do grep -q listening "$W/serve0.log" && break; sleep 0.1; done
BASE=http://127.0.0.1:$(grep -o '127.0.0.1:[0-9]*' "$W/serve0.log" | cut -d: -f2)
load "GET vulns, --cache-mb 0 (no cache)" "/v1/images/$D/vulns"
kill "$SPID"
wait "$SPID" 2>/dev/null || true
"$C" serve --listen 127.0.0.1:0 --store "$U" --db "$DB" --workers 2 --allow-local-images 2>"$W/serve.log" &
SPID=$!
for _ in $(seq 100); do grep -q listening "$W/serve.log" && break; sleep 0.1; done
BASE=http://127.0.0.1:$(grep -o '127.0.0.1:[0-9]*' "$W/serve.log" | cut -d: -f2)

# 20 POSTs of one image at once
posts=
for i in $(seq 20); do
	curl -s -H "Authorization: Bearer $TOKEN" -d "{\"ref\": \"docker-archive:$FIXTURES/docker-archive/debian-rich.tar\"}" \
		"$BASE/v1/images" >"$W/post.$i" &
	posts="$posts $!"
done
wait $posts
J=$(cat "$W"/post.* | jq -r .id | sort -u)
for _ in $(seq 600); do
	st=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/v1/jobs/$J" | jq -r .state)
	[ "$st" = done ] || [ "$st" = failed ] && break
	sleep 0.1
done
a=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/v1/jobs/$J" | jq -r .analyses)
echo "20 concurrent POSTs of one image: $(echo "$J" | wc -l) job(s), $a analysis ($st)   (target: 1)"
