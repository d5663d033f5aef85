#!/bin/bash
# sbom_formats.sh - `customs sbom -o FORMAT[=FILE]...` on the fixture images:
# every format from one analysis; SPDX 2.3 and CycloneDX 1.5/1.6/1.7 documents
# valid against the official schemas ($SHARED/schemas, with python3's
# jsonschema); the same packages in every format (purls, names, versions);
# deterministic output under SOURCE_DATE_EPOCH; each format read back by
# `customs convert` gives the same packages; the usage errors of -o.
. "$(dirname "$0")/../lib/common.sh"
set +e +o pipefail

need_fixtures
command -v python3 >/dev/null || skip "python3 is needed"
VALIDATE="$SRCDIR/tests/tools/validate-json-schema.py"
SCHEMAS="$SHARED/schemas"
can_validate=1
CDX17="$SCHEMAS/cyclonedx-1.7/bom-1.7.SNAPSHOT.schema.json"
if [ ! -f "$SCHEMAS/spdx-schema-v2.3.json" ] || [ ! -f "$SCHEMAS/bom-1.6.schema.json" ] || [ ! -f "$CDX17" ]; then
	partial "$SCHEMAS is absent (the shared data set is present in CI): schema validation"
	can_validate=0
elif ! /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
	partial "python3-jsonschema is not installed (scripts/deps.sh test installs it): schema validation"
	can_validate=0
fi
export SOURCE_DATE_EPOCH=1700000000

for img in debian-min debian-rich; do
	IMG="oci:$FIXTURES/oci/$img"
	D=$TMP/$img
	mkdir -p "$D"
	"$CUSTOMS" sbom "$IMG" --quiet -o json="$D/c.json" -o spdx-json="$D/s.json" -o spdx-tag-value="$D/s.spdx" \
		-o cyclonedx-json="$D/x16.json" -o cyclonedx-json@1.5="$D/x15.json" -o cyclonedx-json@1.7="$D/x17.json" \
		-o purls="$D/p.txt" -o table >"$D/t.txt"
	check_eq "$img: every format from one run" "$?" 0
	n=$(jq '.packages | length' "$D/c.json")
	check "$img: packages found ($n)" test "$n" -gt 50

	if [ $can_validate = 1 ]; then
		check "$img: SPDX 2.3 JSON is schema-valid" /usr/bin/python3 "$VALIDATE" "$SCHEMAS/spdx-schema-v2.3.json" "$D/s.json"
		check "$img: CycloneDX 1.6 is schema-valid" /usr/bin/python3 "$VALIDATE" "$SCHEMAS/bom-1.6.schema.json" "$D/x16.json"
		check "$img: CycloneDX 1.5 is schema-valid" /usr/bin/python3 "$VALIDATE" "$SCHEMAS/bom-1.5.schema.json" "$D/x15.json"
		check "$img: CycloneDX 1.7 is schema-valid" /usr/bin/python3 "$VALIDATE" "$CDX17" "$D/x17.json"
	fi
	check_eq "$img: CycloneDX specVersion 1.7" "$(jq -r .specVersion "$D/x17.json")" 1.7
	check_eq "$img: CycloneDX 1.7 differs from 1.6 only in its version" \
		"$(diff <(jq -S 'del(.specVersion, ."$schema")' "$D/x16.json") <(jq -S 'del(.specVersion, ."$schema")' "$D/x17.json"))" ""
	check_eq "$img: CycloneDX specVersion 1.6" "$(jq -r .specVersion "$D/x16.json")" 1.6
	check_eq "$img: CycloneDX specVersion 1.5" "$(jq -r .specVersion "$D/x15.json")" 1.5
	check_eq "$img: SPDX version" "$(jq -r .spdxVersion "$D/s.json")" SPDX-2.3
	check_eq "$img: timestamp from SOURCE_DATE_EPOCH (CycloneDX)" "$(jq -r .metadata.timestamp "$D/x16.json")" 2023-11-14T22:13:20Z
	check_eq "$img: timestamp from SOURCE_DATE_EPOCH (SPDX)" "$(jq -r .creationInfo.created "$D/s.json")" 2023-11-14T22:13:20Z
	check_eq "$img: the image is CycloneDX's metadata.component" "$(jq -r .metadata.component.type "$D/x16.json")" container
	check_eq "$img: the image is SPDX's described root" \
		"$(jq -r '[.relationships[] | select(.relationshipType == "DESCRIBES")][0].relatedSpdxElement as $r | .packages[] | select(.SPDXID == $r) | .primaryPackagePurpose' "$D/s.json")" CONTAINER

	# the same purls everywhere
	jq -r '.packages[].purl // empty' "$D/c.json" | sort -u >"$D/p.json.txt"
	jq -r '.components[] | select(.type != "operating-system") | .purl // empty' "$D/x16.json" | sort -u >"$D/p.x16.txt"
	jq -r '.components[] | select(.type != "operating-system") | .purl // empty' "$D/x15.json" | sort -u >"$D/p.x15.txt"
	jq -r '.packages[] | select(.primaryPackagePurpose != "CONTAINER" and .primaryPackagePurpose != "OPERATING_SYSTEM") | .externalRefs[]? | select(.referenceType == "purl") | .referenceLocator' "$D/s.json" | sort -u >"$D/p.spdx.txt"
	grep '^ExternalRef: PACKAGE-MANAGER purl ' "$D/s.spdx" | sed 's/^ExternalRef: PACKAGE-MANAGER purl //' | grep -v '^pkg:oci/' | sort -u >"$D/p.tv.txt"
	check_eq "$img: purls == json purls" "$(cat "$D/p.txt")" "$(cat "$D/p.json.txt")"
	check_eq "$img: CycloneDX 1.6 purls == json purls" "$(cat "$D/p.x16.txt")" "$(cat "$D/p.json.txt")"
	check_eq "$img: CycloneDX 1.5 purls == json purls" "$(cat "$D/p.x15.txt")" "$(cat "$D/p.json.txt")"
	check_eq "$img: SPDX JSON purls == json purls" "$(cat "$D/p.spdx.txt")" "$(cat "$D/p.json.txt")"
	check_eq "$img: SPDX tag-value purls == json purls" "$(cat "$D/p.tv.txt")" "$(cat "$D/p.json.txt")"
	check_eq "$img: table has a row per package" "$(($(wc -l <"$D/t.txt") - 1))" "$n"
	check_eq "$img: CycloneDX components (packages + OS)" "$(jq '[.components[] | select(.type != "file")] | length' "$D/x16.json")" "$((n + 1))"

	# every package's license is a valid SPDX expression or NOASSERTION, and
	# every LicenseRef used is defined
	bad=$(jq -r '[.hasExtractedLicensingInfos[]?.licenseId] as $def | .packages[] | .licenseDeclared | select(. != null) | scan("LicenseRef-[A-Za-z0-9.-]+") | select(. as $r | $def | index($r) | not)' "$D/s.json" | head -3)
	check_eq "$img: every LicenseRef is defined" "$bad" ""

	# deterministic: a second run writes the same bytes
	"$CUSTOMS" sbom "$IMG" --quiet -o spdx-json="$D/s2.json" -o cyclonedx-json="$D/x2.json" -o spdx-tag-value="$D/s2.spdx" \
		-o json="$D/c2.json"
	check "$img: SPDX JSON is deterministic" cmp -s "$D/s.json" "$D/s2.json"
	check "$img: SPDX tag-value is deterministic" cmp -s "$D/s.spdx" "$D/s2.spdx"
	check "$img: CycloneDX is deterministic" cmp -s "$D/x16.json" "$D/x2.json"
	check "$img: customs JSON is deterministic" cmp -s "$D/c.json" "$D/c2.json"
	# the same image from another source kind names the same packages
	"$CUSTOMS" sbom "docker-archive:$FIXTURES/docker-archive/$img.tar" --quiet -o purls >"$D/p.da.txt"
	check "$img: docker-archive gives the same purls" cmp -s "$D/p.txt" "$D/p.da.txt"

	# read back: each format converts to the same packages
	jq -c '[.packages[] | {name, version, type, purl, layer, db_path, source_name, source_version}] | sort_by(.type, .name, .version, .purl, .db_path)' "$D/c.json" >"$D/pk.want"
	for f in c.json s.json s.spdx x16.json x15.json x17.json; do
		"$CUSTOMS" convert "$D/$f" -o json="$D/back.$f.json" --quiet
		check_eq "$img: convert $f exits 0" "$?" 0
		jq -c '[.packages[] | {name, version, type, purl, layer, db_path, source_name, source_version}] | sort_by(.type, .name, .version, .purl, .db_path)' "$D/back.$f.json" >"$D/pk.got"
		if cmp -s "$D/pk.want" "$D/pk.got"; then
			ok "$img: $f read back gives the same packages (name, version, type, purl, layer, path, source)"
		else
			not_ok "$img: $f read back differs"
			python3 - "$D/pk.want" "$D/pk.got" <<'PY' | head -10
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
sa = {json.dumps(x, sort_keys=True) for x in a}; sb = {json.dumps(x, sort_keys=True) for x in b}
for x in sorted(sa - sb)[:5]: print("#  missing:", x)
for x in sorted(sb - sa)[:5]: print("#  extra:  ", x)
PY
		fi
		check_eq "$img: $f read back keeps the distro" "$(jq -r '.distro.id + " " + .distro.version_id' "$D/back.$f.json")" "debian 12"
	done
	# converting customs' own SPDX to CycloneDX and back to SPDX is stable
	"$CUSTOMS" convert "$D/s.json" -o cyclonedx-json="$D/conv.cdx.json" -o spdx-json="$D/conv.spdx.json" --quiet
	check_eq "$img: convert to two formats at once" "$?" 0
	if [ $can_validate = 1 ]; then
		check "$img: converted CycloneDX is schema-valid" /usr/bin/python3 "$VALIDATE" "$SCHEMAS/bom-1.6.schema.json" "$D/conv.cdx.json"
		check "$img: converted SPDX is schema-valid" /usr/bin/python3 "$VALIDATE" "$SCHEMAS/spdx-schema-v2.3.json" "$D/conv.spdx.json"
	fi
	check_eq "$img: the image keeps its name through a conversion" "$(jq -r .name "$D/conv.spdx.json")" "$(jq -r .name "$D/s.json")"
done

# files when asked: SPDX File elements with checksums, CONTAINS from packages
D=$TMP/files
mkdir -p "$D"
"$CUSTOMS" sbom "oci:$FIXTURES/oci/debian-min" --quiet --with-files -o spdx-json="$D/s.json" -o cyclonedx-json="$D/x.json"
check_eq "--with-files: exit 0" "$?" 0
nf=$(jq '.files | length' "$D/s.json")
check "--with-files: SPDX lists files ($nf)" test "$nf" -gt 1000
check_eq "--with-files: every file has a SHA256" "$(jq '[.files[] | select([.checksums[].algorithm] | index("SHA256") | not)] | length' "$D/s.json")" 0
sha=$(jq -r '.files[] | select(.fileName == "./usr/bin/dpkg") | .checksums[] | select(.algorithm == "SHA256") | .checksumValue' "$D/s.json")
check_eq "--with-files: /usr/bin/dpkg's SHA256 is the file's" "$sha" "$(sha256sum "$FIXTURES/rootfs/debian-min/rootfs/usr/bin/dpkg" | cut -d' ' -f1)"
if [ $can_validate = 1 ]; then
	check "--with-files: SPDX is schema-valid" /usr/bin/python3 "$VALIDATE" "$SCHEMAS/spdx-schema-v2.3.json" "$D/s.json"
	check "--with-files: CycloneDX is schema-valid" /usr/bin/python3 "$VALIDATE" "$SCHEMAS/bom-1.6.schema.json" "$D/x.json"
fi

# usage errors: one line saying what to do, exit 2
"$CUSTOMS" sbom "oci:$FIXTURES/oci/debian-min" -o json -o purls >/dev/null 2>"$D/e1"
check_eq "two outputs on stdout: exit 2" "$?" 2
check "  ... says to give a file" grep -q "only one output can go to stdout" "$D/e1"
"$CUSTOMS" sbom "oci:$FIXTURES/oci/debian-min" -o spdx-yaml >/dev/null 2>"$D/e2"
check_eq "unknown format: exit 2" "$?" 2
check "  ... lists the formats" grep -q "unknown output format 'spdx-yaml'; use table, json, spdx-json" "$D/e2"
"$CUSTOMS" sbom "oci:$FIXTURES/oci/debian-min" -o json="$D/same" -o purls="$D/same" >/dev/null 2>"$D/e3"
check_eq "the same file twice: exit 2" "$?" 2
"$CUSTOMS" convert "$TMP/debian-min/s.json" >/dev/null 2>"$D/e4"
check_eq "convert without -o: exit 2" "$?" 2
check "  ... says to use -o" grep -q "say what to write: -o FORMAT" "$D/e4"
"$CUSTOMS" sbom "oci:$FIXTURES/oci/debian-min" -o sarif >/dev/null 2>"$D/e5"
check_eq "sarif is for scan: exit 2" "$?" 2

finish
