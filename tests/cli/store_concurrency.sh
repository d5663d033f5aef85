#!/bin/bash
# store_concurrency.sh - several `customs analyze` processes at once on one
# store, with queries running beside them: on one SQLite file (one writer
# at a time, the others wait) and on PostgreSQL (any number of processes).
# Every process succeeds, every tag is recorded, each image is stored once
# and whole, and the SQLite file passes its integrity check.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/store.sh"
set +e +o pipefail

need_fixtures
command -v jq >/dev/null || skip "jq is needed"
export SOURCE_DATE_EPOCH=1700000000
O=$FIXTURES/oci
IMAGES=("oci:$O/debian-min" "oci:$O/debian-rich" "docker-archive:$FIXTURES/docker-archive/debian-rich.tar"
	"oci:$O/debian-rich" "oci:$O/debian-min" "oci:$FIXTURES/oci-zstd/debian-rich")
"$CUSTOMS" sbom --quiet -o json "oci:$O/debian-rich" >"$TMP/rich.fresh.json"

race() { # race URL LABEL
	local S=$1 L=$2 pids=() i
	for i in "${!IMAGES[@]}"; do
		"$CUSTOMS" analyze --store "$S" --no-match --quiet --tag "t$i" "${IMAGES[$i]}" >"$TMP/$L.$i.out" 2>"$TMP/$L.$i.err" &
		pids+=($!)
	done
	# readers beside the writers
	(for _ in $(seq 10); do "$CUSTOMS" images --store "$S" -o json >/dev/null || echo fail; sleep 0.2; done) >"$TMP/$L.readers" 2>&1 &
	local readers=$!
	local failed=0
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || { failed=$((failed + 1)); cat "$TMP/$L.$i.err"; }
	done
	wait $readers
	check_eq "$L: ${#IMAGES[@]} analyze processes at once all succeed" "$failed" 0
	check_eq "$L: the readers beside them all succeed" "$(grep -c fail "$TMP/$L.readers")" 0
	"$CUSTOMS" images --store "$S" -o json >"$TMP/$L.images.json"
	check_eq "$L: each image stored once" "$(jq -r '[.[].digest] | length == (unique | length)' "$TMP/$L.images.json")" true
	check_eq "$L: every tag recorded" "$(jq -r '[.[].tags[]] | sort | join(" ")' "$TMP/$L.images.json")" "t0 t1 t2 t3 t4 t5"
	"$CUSTOMS" sbom --quiet --store "$S" -o json store:t1 >"$TMP/$L.rich.json"
	check "$L: the stored rich image is whole (its SBOM is the fresh one's)" cmp -s "$TMP/rich.fresh.json" "$TMP/$L.rich.json"
}

on_both race race
finish
