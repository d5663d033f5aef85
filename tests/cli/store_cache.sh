#!/bin/bash
# store_cache.sh - the layer cache and the whole-image shortcut give the
# analysis a fresh read gives, byte for byte, in every format of inspect,
# sbom and scan, on both fixtures: (1) every layer fed from the store (a
# store that holds the same image as a docker-archive: same diff_ids, not
# the same digest), (2) the image itself known, (3) the rich image after
# the minimal one, which reads only its own 4 layers (counted).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/store.sh"
set +e +o pipefail

need_fixtures
need_shared feeds/debian-osv.zip
export SOURCE_DATE_EPOCH=1700000000 CUSTOMS_TIMINGS=
DB=$TMP/db.sqlite
"$CUSTOMS" db import --quiet --db "$DB" "$SHARED/feeds/debian-osv.zip" "$SHARED/feeds/ghsa" >/dev/null 2>&1
check "db import" test -s "$DB"
export CUSTOMS_DB=$DB

# run DIR STORE-OR-EMPTY IMAGE GROUP: one command's outputs into DIR
COMMANDS="sbom sbom.all inspect inspect.all scan"
run() {
	local dir=$1 store=$2 img=$3 s=()
	[ -n "$store" ] && s=(--store "$store")
	mkdir -p "$dir"
	(cd "$dir" && case $4 in
	sbom) "$CUSTOMS" sbom --quiet "${s[@]}" "$img" -o table=sbom.table -o json=sbom.json -o spdx-json=sbom.spdx.json \
		-o spdx-tag-value=sbom.spdx -o cyclonedx-json=sbom.cdx.json -o cyclonedx-json@1.5=sbom.cdx15.json \
		-o purls=sbom.purls 2>sbom.err ;;
	sbom.all) "$CUSTOMS" sbom --quiet "${s[@]}" "$img" --scope all-layers -o table=sbom.all.table \
		-o json=sbom.all.json 2>sbom.all.err ;;
	inspect) "$CUSTOMS" inspect --quiet "${s[@]}" "$img" >inspect.table 2>inspect.err ;;
	inspect.all) "$CUSTOMS" inspect --quiet "${s[@]}" "$img" --scope all-layers -o json >inspect.all.json \
		2>inspect.all.err ;;
	scan) "$CUSTOMS" scan --quiet --max-db-age 0 "${s[@]}" "$img" -o table=scan.table -o json=scan.json \
		-o sarif=scan.sarif -o cyclonedx-json=scan.cdx.json 2>scan.err ;;
	esac)
}

same() { # same LABEL DIR-A DIR-B
	local f bad=
	check_eq "$1: all 20 outputs written" "$(ls "$2" | wc -l) $(ls "$3" | wc -l)" "20 20"
	for f in $(cd "$2" && ls); do
		cmp -s "$2/$f" "$3/$f" || bad="$bad $f"
	done
	check_eq "$1" "${bad:-none differ}" "none differ"
	[ -n "$bad" ] && for f in $bad; do diff "$2/$f" "$3/$f" | head -5; done
}

layers_read() { # layers_read STORE IMAGE: "read/from-store" of a sbom through the store
	CUSTOMS_TIMINGS=1 "$CUSTOMS" sbom --store "$1" "$2" -o purls 2>&1 >/dev/null |
		sed -n 's/.*timings: store: [a-z ]*, \([0-9]*\) layers read, \([0-9]*\) from the store/\1\/\2/p'
}

for img in debian-min debian-rich; do
	OCI=oci:$FIXTURES/oci/$img
	for g in $COMMANDS; do run "$TMP/$img/fresh" "" "$OCI" "$g"; done
	# a store holding the same layers under another image (the docker-archive)
	S0=$TMP/$img.seed.sqlite
	"$CUSTOMS" analyze --quiet --store "$S0" "docker-archive:$FIXTURES/docker-archive/$img.tar" >/dev/null
	n=$(jq '.layers | length' "$TMP/$img/fresh/inspect.all.json")
	cp "$S0" "$TMP/$img.probe.sqlite"
	check_eq "$img: with the layers in the store, none is read" "$(layers_read "$TMP/$img.probe.sqlite" "$OCI")" "0/$n"
	# each command on a copy of its own: every one goes through the layers
	for g in $COMMANDS; do
		cp "$S0" "$TMP/$img.$g.sqlite"
		run "$TMP/$img/cached" "$TMP/$img.$g.sqlite" "$OCI" "$g"
	done
	same "$img: every output with every layer from the store is the fresh one" "$TMP/$img/fresh" "$TMP/$img/cached"
	# the image known (each copy stored it): loaded whole
	for g in $COMMANDS; do run "$TMP/$img/known" "$TMP/$img.$g.sqlite" "$OCI" "$g"; done
	same "$img: every output of the known image is the fresh one" "$TMP/$img/fresh" "$TMP/$img/known"
done

# an image on a stored base reads only its own layers
S=$TMP/base.sqlite
"$CUSTOMS" analyze --quiet --store "$S" "oci:$FIXTURES/oci/debian-min" >/dev/null
check_eq "rich after min: its 4 own layers read, the base's 1 from the store" \
	"$(layers_read "$S" "oci:$FIXTURES/oci/debian-rich")" "4/1"
check_eq "rich again: known, nothing read" "$(layers_read "$S" "oci:$FIXTURES/oci/debian-rich")" "0/0"
# file digests: layers stored without them are read again once, then kept with them
"$CUSTOMS" inspect --quiet --file-digests -o json "oci:$FIXTURES/oci/debian-min" >"$TMP/digests.fresh.json"
"$CUSTOMS" inspect --quiet --file-digests --store "$TMP/base.sqlite" -o json "oci:$FIXTURES/oci/debian-min" >"$TMP/digests.1.json"
check "--file-digests through a store without digests: the fresh output" cmp -s "$TMP/digests.fresh.json" "$TMP/digests.1.json"
"$CUSTOMS" analyze --quiet --store "$TMP/fd2.sqlite" --file-digests "docker-archive:$FIXTURES/docker-archive/debian-min.tar" >/dev/null
check_eq "--file-digests with the layer stored with digests: not read" \
	"$(CUSTOMS_TIMINGS=1 "$CUSTOMS" inspect --file-digests --store "$TMP/fd2.sqlite" "oci:$FIXTURES/oci/debian-min" 2>&1 >/dev/null |
		sed -n 's/.*store: [a-z ]*, \([0-9]*\) layers read.*/\1/p')" 0
"$CUSTOMS" inspect --quiet --file-digests --store "$TMP/fd2.sqlite" -o json "oci:$FIXTURES/oci/debian-min" >"$TMP/digests.2.json"
check "... and its output is the fresh one" cmp -s "$TMP/digests.fresh.json" "$TMP/digests.2.json"
"$CUSTOMS" inspect --quiet -o json "oci:$FIXTURES/oci/debian-min" >"$TMP/nodigests.fresh.json"
"$CUSTOMS" inspect --quiet --store "$TMP/fd2.sqlite" -o json "oci:$FIXTURES/oci/debian-min" >"$TMP/nodigests.json"
check "without --file-digests from layers stored with them: no digests, as fresh" cmp -s "$TMP/nodigests.fresh.json" "$TMP/nodigests.json"
finish
