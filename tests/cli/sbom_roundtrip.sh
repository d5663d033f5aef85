#!/bin/bash
# sbom_roundtrip.sh - SBOM in = image in: for each format customs writes
# (customs JSON, SPDX 2.3 JSON and tag-value, CycloneDX 1.6 and 1.5),
# `customs scan sbom:DOC` against the real feeds gives exactly the matches
# (and suppressed/covered matches) of `customs scan IMAGE`: the same ids,
# packages, paths, layers, fix states, severities and owners.  Also the
# scan report formats: CycloneDX with vulnerabilities[] (schema-valid) and
# several -o outputs of one scan.
. "$(dirname "$0")/../lib/common.sh"
set +e +o pipefail

need_fixtures
F="$SHARED/feeds"
[ -f "$F/debian-osv.zip" ] && [ -d "$F/ghsa" ] || skip "$F is absent (the shared data set is present in CI)"
command -v python3 >/dev/null || skip "python3 is needed"
export SOURCE_DATE_EPOCH=1700000000

DB=$TMP/vuln.sqlite
"$CUSTOMS" db import --db "$DB" --quiet "$F/debian-osv.zip" "$F/ghsa" "$F/go-osv.zip" "$F/pypi-osv.zip" >/dev/null 2>"$TMP/import.err"
check_eq "import the feeds" "$?" 0

# what must be equal: every field of a match but the image's own source
cat >"$TMP/project.jq" <<'JQ'
def m: {id, ids, package: (.package | del(.layer_digest)), installed_version, compared_version, fix, severity,
        match_type, lookup_name, namespace, source, ecosystem, range, comparison, distro_status,
        records: [.records[] | .id], covered_by, suppressed_by};
{namespace, distro: (.distro | {id, version_id}), matches: [.matches[] | m], suppressed: [.suppressed[] | m],
 summary}
JQ

for img in debian-min debian-rich; do
	IMG="oci:$FIXTURES/oci/$img"
	D=$TMP/$img
	mkdir -p "$D"
	"$CUSTOMS" scan "$IMG" --db "$DB" --quiet --max-db-age 0 -o json="$D/scan.json" \
		-o cyclonedx-json="$D/vex.cdx.json" -o cyclonedx-json@1.7="$D/vex17.cdx.json" -o table="$D/scan.txt"
	check_eq "$img: scan with three outputs exits 0" "$?" 0
	jq -S -f "$TMP/project.jq" "$D/scan.json" >"$D/want.json"
	nm=$(jq '.matches | length' "$D/scan.json")
	ns=$(jq '.suppressed | length' "$D/scan.json")
	check "$img: the image has matches ($nm, $ns suppressed)" test "$nm" -gt 0
	"$CUSTOMS" sbom "$IMG" --quiet -o json="$D/c.json" -o spdx-json="$D/s.json" -o spdx-tag-value="$D/s.spdx" \
		-o cyclonedx-json="$D/x16.json" -o cyclonedx-json@1.5="$D/x15.json" -o cyclonedx-json@1.7="$D/x17.json"
	for f in c.json s.json s.spdx x16.json x15.json x17.json; do
		"$CUSTOMS" scan "sbom:$D/$f" --db "$DB" --quiet --max-db-age 0 -o json="$D/got.$f.json"
		check_eq "$img: scan sbom:$f exits 0" "$?" 0
		jq -S -f "$TMP/project.jq" "$D/got.$f.json" >"$D/got.$f"
		if cmp -s "$D/want.json" "$D/got.$f"; then
			ok "$img: scan sbom:$f == scan image ($nm matches, $ns suppressed)"
		else
			not_ok "$img: scan sbom:$f differs from scanning the image"
			diff "$D/want.json" "$D/got.$f" | head -20 | sed 's/^/#   /'
		fi
	done
	# the layer digests come along too (customs' own documents carry the layers)
	check_eq "$img: layer digests kept through CycloneDX" \
		"$(jq -c '[.matches[].package.layer_digest]' "$D/got.x16.json.json")" "$(jq -c '[.matches[].package.layer_digest]' "$D/scan.json")"

	# the scan as CycloneDX: vulnerabilities that affect components of the document
	check_eq "$img: CycloneDX scan: one vulnerability per match" "$(jq '.vulnerabilities | length' "$D/vex.cdx.json")" "$((nm + ns))"
	dangling=$(jq -r '[.components[]."bom-ref"] as $refs | .vulnerabilities[].affects[].ref | select(. as $r | $refs | index($r) | not)' "$D/vex.cdx.json" | head -3)
	check_eq "$img: CycloneDX scan: every affects[].ref is a component" "$dangling" ""
	if [ -f "$SHARED/schemas/bom-1.6.schema.json" ] && /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
		check "$img: CycloneDX scan is schema-valid" /usr/bin/python3 "$SRCDIR/tests/tools/validate-json-schema.py" \
			"$SHARED/schemas/bom-1.6.schema.json" "$D/vex.cdx.json"
		check "$img: CycloneDX 1.7 scan is schema-valid" /usr/bin/python3 "$SRCDIR/tests/tools/validate-json-schema.py" \
			"$SHARED/schemas/cyclonedx-1.7/bom-1.7.SNAPSHOT.schema.json" "$D/vex17.cdx.json"
	fi
	check_eq "$img: CycloneDX 1.7 scan: the 1.6 document but for its version" \
		"$(diff <(jq -S 'del(.specVersion, ."$schema")' "$D/vex.cdx.json") <(jq -S 'del(.specVersion, ."$schema")' "$D/vex17.cdx.json"))" ""
	check_eq "$img: the table was written too" "$(grep -c . "$D/scan.txt" | awk '{print ($1 > 1)}')" 1
done

# an SBOM written by another tool: cyclonedx-npm's, when the fixtures have it
if [ -f "$FIXTURES/expected/debian-rich.app.cdx.json" ]; then
	"$CUSTOMS" scan "sbom:$FIXTURES/expected/debian-rich.app.cdx.json" --db "$DB" --quiet --max-db-age 0 -o json="$TMP/npm.json"
	check_eq "cyclonedx-npm's SBOM scans" "$?" 0
	# its npm matches are the image's npm matches under /app
	jq -r '[.matches[], .suppressed[]] | map(select(.package.type == "npm")) | map(.id + " " + .package.name + "@" + .package.version) | unique | .[]' "$TMP/npm.json" >"$TMP/npm.got"
	jq -r '[.matches[], .suppressed[]] | map(select(.package.type == "npm" and (.package.location | startswith("app/")))) | map(.id + " " + .package.name + "@" + .package.version) | unique | .[]' \
		"$TMP/debian-rich/scan.json" >"$TMP/npm.want"
	check "cyclonedx-npm: the same npm matches as the image's /app ($(wc -l <"$TMP/npm.want"))" cmp -s "$TMP/npm.want" "$TMP/npm.got"
	diff "$TMP/npm.want" "$TMP/npm.got" | head -5 | sed 's/^/#   /'
else
	partial "$FIXTURES/expected/debian-rich.app.cdx.json is absent: rebuild the fixtures for the cyclonedx-npm check"
fi

finish
