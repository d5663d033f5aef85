#!/bin/bash
# store_kill.sh - `customs analyze` killed with SIGKILL at random points,
# again and again, on SQLite and on PostgreSQL: after each kill the store
# opens, the interrupted analysis is wholly there (its SBOM is the fresh
# one's) or absent, and the image stored before it is untouched.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/store.sh"
set +e +o pipefail

need_fixtures
command -v jq >/dev/null || skip "jq is needed"
export SOURCE_DATE_EPOCH=1700000000
MIN=oci:$FIXTURES/oci/debian-min RICH=oci:$FIXTURES/oci/debian-rich
"$CUSTOMS" sbom --quiet -o json "$MIN" >"$TMP/min.fresh.json"
"$CUSTOMS" sbom --quiet -o json "$RICH" >"$TMP/rich.fresh.json"
ROUNDS=${STORE_KILL_ROUNDS:-8}

kills() { # kills URL LABEL
	local S=$1 L=$2 t0 t1 ms r there=0 absent=0 bad=0
	"$CUSTOMS" analyze --store "$S" --no-match --quiet --tag min "$MIN" >/dev/null
	# how long one analysis takes: the kills fall anywhere in it (a first
	# one reads every layer; later ones read from the store)
	t0=$(date +%s%N)
	"$CUSTOMS" analyze --store "$S" --no-match --quiet --tag rich "$RICH" >/dev/null
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000 + 50))
	for r in $(seq "$ROUNDS"); do
		"$CUSTOMS" image rm --store "$S" rich 2>/dev/null
		[ $((r % 3)) -eq 0 ] && "$CUSTOMS" image rm --store "$S" min 2>/dev/null &&
			"$CUSTOMS" analyze --store "$S" --no-match --quiet --tag min "$MIN" >/dev/null
		"$CUSTOMS" analyze --store "$S" --no-match --quiet --tag rich "$RICH" >/dev/null 2>&1 &
		local pid=$!
		sleep "$(awk -v m="$ms" -v s="$RANDOM" 'BEGIN { srand(s); printf "%.3f", rand() * m / 1000 }')"
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		if ! "$CUSTOMS" images --store "$S" -o json >"$TMP/$L.images.json" 2>"$TMP/$L.err"; then
			bad=$((bad + 1))
			echo "# round $r: the store does not open: $(cat "$TMP/$L.err")"
			continue
		fi
		"$CUSTOMS" sbom --quiet --store "$S" -o json store:min >"$TMP/$L.min.json" 2>&1
		cmp -s "$TMP/min.fresh.json" "$TMP/$L.min.json" || { bad=$((bad + 1)); echo "# round $r: min damaged"; }
		if jq -e '.[] | select(.tags | index("rich"))' "$TMP/$L.images.json" >/dev/null; then
			"$CUSTOMS" sbom --quiet --store "$S" -o json store:rich >"$TMP/$L.rich.json" 2>&1
			if cmp -s "$TMP/rich.fresh.json" "$TMP/$L.rich.json"; then there=$((there + 1)); else
				bad=$((bad + 1))
				echo "# round $r: rich is there but not whole"
			fi
		else
			absent=$((absent + 1))
		fi
	done
	echo "# $L: $ROUNDS kills within ${ms} ms: rich wholly there $there times, absent $absent times"
	check_eq "$L: after each of $ROUNDS kills the store opens, min is untouched, rich is whole or absent" "$bad" 0
	"$CUSTOMS" analyze --store "$S" --no-match --quiet --tag rich "$RICH" >/dev/null
	"$CUSTOMS" sbom --quiet --store "$S" -o json store:rich >"$TMP/$L.rich.json"
	check "$L: and the next analysis stores it whole" cmp -s "$TMP/rich.fresh.json" "$TMP/$L.rich.json"
}

on_both kills kill
finish
