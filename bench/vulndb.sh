#!/bin/bash
# vulndb.sh - time `customs db import` of every shared feed (about 60,000 OSV
# records plus Alpine secdb) into a fresh database and print the import time
# (wall and CPU) and the database size.  Targets: <= 15 s, <= 150 MB.
#   CUSTOMS=build/customs SHARED=../shared bash bench/vulndb.sh [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
CUSTOMS=${CUSTOMS:-$here/build/customs}
SHARED=${SHARED:-$here/../shared}
RUNS=${1:-1}
F=$SHARED/feeds
[ -d "$F" ] || { echo "vulndb.sh: $F is absent" >&2; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq 1 "$RUNS"); do
	rm -f "$tmp"/db.sqlite*
	/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$CUSTOMS" db import -q --db "$tmp/db.sqlite" \
		"$F/debian-osv.zip" "$F/go-osv.zip" "$F/crates-osv.zip" "$F/pypi-osv.zip" \
		"$F/almalinux-osv.zip" "$F/alpine-secdb.zip" "$F/ghsa" >"$tmp/out"
	read -r wall user sys rss <"$tmp/time"
	size=$(stat -c %s "$tmp/db.sqlite")
	printf 'run %d: import %.1f s wall, %.1f s CPU (user %.1f + sys %.1f), max RSS %d MB, database %.1f MB\n' \
		"$run" "$wall" "$(echo "$user + $sys" | bc)" "$user" "$sys" $((rss / 1024)) "$(echo "$size / 1048576" | bc -l)"
done
tail -n +2 "$tmp/out" | head -n -1 | awk '{printf "  %-15s %8s records %8s affected\n", $1, $3, $4}'
# a lookup as the matcher does it, for the record
/usr/bin/time -f "query: %e s" "$CUSTOMS" db affected --db "$tmp/db.sqlite" debian:12 linux 2>&1 >/dev/null | tail -1
