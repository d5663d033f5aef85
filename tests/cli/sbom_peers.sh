#!/bin/bash
# sbom_peers.sh - SBOMs other tools wrote of the fixture images scan like
# the images: Trivy's CycloneDX and SPDX JSON of debian-min and debian-rich,
# cdxgen's CycloneDX 1.7 of debian-min (tests/fixtures/make-sboms.sh makes
# them, in build/sboms or $SBOMS), and Syft-shaped documents of every
# package of debian-min (written here from dpkg's own list, in the shape of
# tests/data/sbom-peers).  `customs scan sbom:X` must give the same
# (source package, vulnerability) set as `customs scan IMAGE` for Debian,
# and the same (package, vulnerability) set for npm on the packages both
# list; the layer of a package maps back to the image's layer index where
# the SBOM names diff_ids; debs that name no source package are counted in
# one warning, and found through a Packages index imported into the
# database (`apt-cache dumpavail` of this Debian 12 host).
. "$(dirname "$0")/../lib/common.sh"
set +e +o pipefail

need_fixtures
need_shared feeds/debian-osv.zip
need_shared feeds/ghsa
SBOMS=${SBOMS:-$SRCDIR/build/sboms}
[ -f "$SBOMS/.stamp" ] || skip "no SBOMs of the fixtures in $SBOMS: run tests/fixtures/make-sboms.sh (needs npm)"
command -v jq >/dev/null || skip "jq is needed"
command -v python3 >/dev/null || skip "python3 is needed"

DB=$TMP/db.sqlite
MAPDB=$TMP/map.sqlite
"$CUSTOMS" db import --db "$DB" --quiet "$SHARED/feeds/debian-osv.zip" "$SHARED/feeds/ghsa" >/dev/null
check_eq "import the Debian OSV feed and the GitHub advisories" "$?" 0
cp "$DB" "$MAPDB"
"$CUSTOMS" db import --db "$MAPDB" --quiet --name debian-12-packages "$SBOMS/debian-12.Packages" >"$TMP/map.out"
check_eq "import the Packages index (its release told by its versions)" "$?" 0
check "  ... db status lists the map of debian:12" \
	grep -qE '^debian:12 +[0-9]{5,} +[0-9]+ +[0-9]+ +debian-12-packages$' <("$CUSTOMS" db status --db "$MAPDB")

# keys FILE: what a scan found, one line each: "deb SOURCE ID" (the name a
# deb was looked up by) and "npm NAME@VERSION ID"
keys() {
	jq -r '(.matches + .suppressed)[] | select(.package.type == "deb" or .package.type == "npm") |
		if .package.type == "deb" then "deb \(.lookup_name) \(.id)"
		else "npm \(.package.name)@\(.package.version) \(.id)" end' "$1" | sort -u
}
# npm packages FILE (an analysis): NAME@VERSION, once each
npm_packages() { jq -r '.packages[] | select(.type == "npm") | "\(.name)@\(.version)"' "$1" | sort -u; }

# same_keys WHAT IMAGE-SCAN SBOM-SCAN IMAGE-ANALYSIS SBOM-ANALYSIS
same_keys() {
	local what=$1 img=$2 got=$3
	keys "$img" >"$TMP/k.img"
	keys "$got" >"$TMP/k.got"
	local nd
	nd=$(grep -c '^deb ' "$TMP/k.img")
	check "$what: Debian matches as in the image ($nd (source, id) pairs)" \
		cmp -s <(grep '^deb ' "$TMP/k.img") <(grep '^deb ' "$TMP/k.got")
	diff <(grep '^deb ' "$TMP/k.img") <(grep '^deb ' "$TMP/k.got") | head -5 | sed 's/^/#   /'
	# npm: on the packages both list (a tool may leave some out)
	npm_packages "$4" >"$TMP/n.img"
	npm_packages "$5" >"$TMP/n.got"
	comm -12 "$TMP/n.img" "$TMP/n.got" | sed 's/^/npm /' >"$TMP/n.both"
	local both
	both=$(wc -l <"$TMP/n.both")
	[ "$(wc -l <"$TMP/n.img")" -eq 0 ] && return
	echo "# $what: lists $(wc -l <"$TMP/n.got") npm packages, the image $(wc -l <"$TMP/n.img"), $both in both"
	grep '^npm ' "$TMP/k.img" | awk 'NR == FNR { w[$1 " " $2]; next } ($1 " " $2) in w' "$TMP/n.both" - >"$TMP/k.img.npm"
	grep '^npm ' "$TMP/k.got" | awk 'NR == FNR { w[$1 " " $2]; next } ($1 " " $2) in w' "$TMP/n.both" - >"$TMP/k.got.npm"
	check "$what: npm matches as in the image on the $both packages both list ($(wc -l <"$TMP/k.img.npm") pairs)" \
		cmp -s "$TMP/k.img.npm" "$TMP/k.got.npm"
}

# same_layers WHAT IMAGE-ANALYSIS SBOM-ANALYSIS: every package of the
# image that the SBOM places in a layer is in the image's layer of that index
same_layers() {
	local what=$1
	jq -r '.packages[] | select(.layer != null) | "\(.type) \(.name) \(.version) \(.layer)"' "$2" | sort -u >"$TMP/l.img"
	jq -r '.packages[] | select(.layer != null) | "\(.type) \(.name) \(.version) \(.layer)"' "$3" | sort -u >"$TMP/l.got"
	awk 'NR == FNR { k[$1 " " $2 " " $3]; next } ($1 " " $2 " " $3) in k' "$TMP/l.img" "$TMP/l.got" >"$TMP/l.both"
	local n bad
	n=$(wc -l <"$TMP/l.both")
	bad=$(comm -13 "$TMP/l.img" "$TMP/l.both" | head -3)
	check "$what: layers named by diff_id map to the image's layer indexes ($n of its packages)" test "$n" -gt 0 -a -z "$bad"
	[ -z "$bad" ] || echo "#   not in the image at that layer: $bad"
}

for img in debian-min debian-rich; do
	D=$TMP/$img
	mkdir -p "$D"
	"$CUSTOMS" scan "oci:$FIXTURES/oci/$img" --db "$DB" --quiet --max-db-age 0 -o json="$D/image.scan.json"
	check_eq "$img: scan the image" "$?" 0
	"$CUSTOMS" sbom "oci:$FIXTURES/oci/$img" --quiet -o json="$D/image.json"
	for tool in trivy.cdx trivy.spdx; do
		f=$SBOMS/$img.$tool.json
		"$CUSTOMS" scan "sbom:$f" --db "$DB" --max-db-age 0 -o json="$D/$tool.scan.json" 2>"$D/$tool.err"
		check_eq "$img: scan Trivy's $tool" "$?" 0
		check_eq "$img $tool: no warnings" "$(cat "$D/$tool.err")" ""
		"$CUSTOMS" convert "$f" --quiet -o json="$D/$tool.json"
		same_keys "$img $tool" "$D/image.scan.json" "$D/$tool.scan.json" "$D/image.json" "$D/$tool.json"
		same_layers "$img $tool" "$D/image.json" "$D/$tool.json"
		# every deb with the source and version dpkg has
		jq -r '.packages[] | select(.type == "deb") | "\(.name) \(.version) \(.source_name) \(.source_version)"' \
			"$D/image.json" | sort -u >"$D/src.want"
		jq -r '.packages[] | select(.type == "deb") | "\(.name) \(.version) \(.source_name) \(.source_version)"' \
			"$D/$tool.json" | sort -u >"$D/src.got"
		check "$img $tool: every deb's source package and version as dpkg's ($(wc -l <"$D/src.want"))" \
			cmp -s "$D/src.want" "$D/src.got"
		diff "$D/src.want" "$D/src.got" | head -4 | sed 's/^/#   /'
	done
done

# cdxgen: CycloneDX 1.7.  It names the source of a deb whose source has
# another name (a component tagged "source"), not of one whose source
# version alone differs: those are counted, and the Packages index finds
# them.
D=$TMP/debian-min
f=$SBOMS/debian-min.cdxgen.json
if [ -f "$f" ]; then
	check_eq "cdxgen writes CycloneDX 1.7" "$(jq -r .specVersion "$f")" 1.7
	"$CUSTOMS" convert "$f" --quiet -o json="$D/cdxgen.json"
	check_eq "cdxgen: its debs are the image's" \
		"$(jq -r '.packages[] | select(.type == "deb") | "\(.name) \(.version)"' "$D/cdxgen.json" | sort -u)" \
		"$(jq -r '.packages[] | select(.type == "deb") | "\(.name) \(.version)"' "$D/image.json" | sort -u)"
	unknown=$(jq '[.packages[] | select(.type == "deb" and .source_name == null)] | length' "$D/cdxgen.json")
	ndeb=$(jq '[.packages[] | select(.type == "deb")] | length' "$D/cdxgen.json")
	"$CUSTOMS" scan "sbom:$f" --db "$DB" --max-db-age 0 -o json="$D/cdxgen.scan.json" 2>"$D/cdxgen.err"
	check_eq "cdxgen: scan" "$?" 0
	check "cdxgen, no map: one warning counting the $unknown of $ndeb debs without a source" grep -qF \
		"warning: debian:12: $unknown of $ndeb deb packages do not name their source package, so they are looked up under their own name, which misses the advisories filed under the source package: import a Packages index of that release to map them (\`customs db import --release debian:12 FILE\`, FILE from \`apt-cache dumpavail\` or /var/lib/apt/lists)" \
		"$D/cdxgen.err"
	check_eq "cdxgen, no map: the warning is in the JSON too" \
		"$(jq '[.warnings[] | select(.message | test("do not name their source package"))] | length' "$D/cdxgen.scan.json")" 1
	"$CUSTOMS" scan "sbom:$f" --db "$MAPDB" --max-db-age 0 -o json="$D/cdxgen.map.json" 2>"$D/cdxgen.map.err"
	check "cdxgen, with the map: all $unknown found" grep -qE \
		"warning: debian:12: $unknown of $ndeb deb packages do not name their source package: $unknown found in the Packages indexes imported for debian:12 \([0-9]+ at their very version\), 0 not listed there" \
		"$D/cdxgen.map.err"
	same_keys "cdxgen (with the map)" "$D/image.scan.json" "$D/cdxgen.map.json" "$D/image.json" "$D/cdxgen.json"

	# the same document without its source components, as cdxgen wrote it
	# before it had them (and as tools that leave sources out write debs)
	jq '.components |= map(select(((.tags // []) | index("source") | not) or
		([.properties[]?.name] | index("aquasecurity:trivy:PkgID")))) |
	    .components |= map(if .properties then .properties |= map(select(.name != "aquasecurity:trivy:PackageSource")) else . end)' \
		"$f" >"$D/nosrc.json"
	"$CUSTOMS" scan "sbom:$D/nosrc.json" --db "$DB" --max-db-age 0 -o json="$D/nosrc.scan.json" 2>"$D/nosrc.err"
	n=$(grep -oE 'debian:12: [0-9]+ of' "$D/nosrc.err" | grep -oE '[0-9]+ of' | cut -d' ' -f1)
	check "cdxgen without source components, no map: most debs counted ($n of $ndeb)" test "${n:-0}" -gt $((ndeb / 2))
	keys "$D/nosrc.scan.json" | grep -c '^deb ' >"$D/nosrc.n"
	check "  ... and most Debian matches missed ($(cat "$D/nosrc.n") of $(keys "$D/image.scan.json" | grep -c '^deb '))" \
		test "$(cat "$D/nosrc.n")" -lt "$(keys "$D/image.scan.json" | grep -c '^deb ')"
	"$CUSTOMS" scan "sbom:$D/nosrc.json" --db "$MAPDB" --max-db-age 0 -o json="$D/nosrc.map.json" 2>"$D/nosrc.map.err"
	check "  ... with the map: all $n found" grep -qE "debian:12: $n of $ndeb deb packages do not name their source package: $n found" \
		"$D/nosrc.map.err"
	"$CUSTOMS" convert "$D/nosrc.json" --quiet -o json="$D/nosrc.conv.json"
	same_keys "cdxgen without source components (with the map)" "$D/image.scan.json" "$D/nosrc.map.json" \
		"$D/image.json" "$D/nosrc.conv.json"
	# customs keeps "unknown" through its own documents
	"$CUSTOMS" convert "$D/nosrc.json" --quiet -o cyclonedx-json="$D/nosrc.cdx.json"
	"$CUSTOMS" scan "sbom:$D/nosrc.cdx.json" --db "$DB" --max-db-age 0 -o json=/dev/null 2>"$D/nosrc.cdx.err"
	check "  ... converted by customs, still counted ($n)" grep -qF "debian:12: $n of $ndeb deb packages do not name" \
		"$D/nosrc.cdx.err"
else
	partial "$f is absent (make-sboms.sh writes it): cdxgen"
fi

# Packages indexes as apt keeps them: compressed, the release in the name
cp "$DB" "$TMP/lz4.sqlite"
lz4 -q -c "$SBOMS/debian-12.Packages" >"$TMP/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4"
xz -c "$SBOMS/debian-12.Packages" | head -c 3000000 >"$TMP/trunc_Packages.xz"
"$CUSTOMS" db import --db "$TMP/lz4.sqlite" "$TMP/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4" \
	>"$TMP/lz4.out" 2>"$TMP/lz4.err"
check_eq "an lz4 Packages file of apt's lists imports" "$?" 0
check "  ... as many packages as the plain one" test \
	"$(awk '$2 == "packages-index" {print $3}' "$TMP/lz4.out")" = "$(awk '$2 == "packages-index" {print $3}' "$TMP/map.out")"
"$CUSTOMS" db import --db "$TMP/lz4.sqlite" --release debian:12 "$TMP/trunc_Packages.xz" >"$TMP/xz.out" 2>"$TMP/xz.err"
check_eq "a truncated xz Packages file imports what it has" "$?" 0
check "  ... and says it was cut (in the import log)" grep -q "trunc_Packages.xz: compressed data: .*; using the [0-9]* bytes before it" "$TMP/lz4.sqlite.import.log"

# Syft: every deb of debian-min as Syft writes it (CycloneDX and SPDX)
python3 - "$FIXTURES/expected/debian-min.dpkg.tsv" "$TMP/syft.cdx.json" "$TMP/syft.spdx.json" <<'PY'
import json, sys, urllib.parse
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
def purl(name, ver, arch, src, sver):
    q = "arch=" + arch
    # packageURL(): upstream=SOURCE, or SOURCE@VERSION, when dpkg has a Source field
    if src != name or sver != ver:
        up = src if sver == ver else src + "@" + sver
        q += "&upstream=" + urllib.parse.quote(up, safe="")
    return "pkg:deb/debian/%s@%s?%s&distro=debian-12" % (name, urllib.parse.quote(ver, safe=":"), q)
comps, pkgs, rels = [], [], []
for i, (name, ver, arch, src, sver) in enumerate(rows):
    props = [{"name": "syft:package:foundBy", "value": "dpkg-db-cataloger"},
             {"name": "syft:package:type", "value": "deb"},
             {"name": "syft:package:metadataType", "value": "dpkg-db-entry"},
             {"name": "syft:location:0:path", "value": "/var/lib/dpkg/status"}]
    if src != name or sver != ver:
        props.append({"name": "syft:metadata:source", "value": src})
        if sver != ver:
            props.append({"name": "syft:metadata:sourceVersion", "value": sver})
    p = purl(name, ver, arch, src, sver)
    comps.append({"bom-ref": p + "&package-id=%016x" % i, "type": "library", "name": name, "version": ver,
                  "purl": p, "properties": props})
    pkgs.append({"name": name, "SPDXID": "SPDXRef-Package-deb-%s-%016x" % (name.replace("+", "-"), i),
                 "versionInfo": ver, "supplier": "NOASSERTION", "downloadLocation": "NOASSERTION",
                 "filesAnalyzed": False, "sourceInfo": "acquired package info from DPKG DB: /var/lib/dpkg/status",
                 "licenseConcluded": "NOASSERTION", "licenseDeclared": "NOASSERTION", "copyrightText": "NOASSERTION",
                 "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                                   "referenceLocator": p}]})
    rels.append({"spdxElementId": "SPDXRef-DocumentRoot-Image-debian-min",
                 "relatedSpdxElement": pkgs[-1]["SPDXID"], "relationshipType": "CONTAINS"})
comps.append({"bom-ref": "os:debian@12", "type": "operating-system", "name": "debian", "version": "12",
              "description": "Debian GNU/Linux 12 (bookworm)",
              "properties": [{"name": "syft:distro:id", "value": "debian"},
                             {"name": "syft:distro:versionCodename", "value": "bookworm"},
                             {"name": "syft:distro:versionID", "value": "12"}]})
json.dump({"$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json", "bomFormat": "CycloneDX",
           "specVersion": "1.6", "version": 1,
           "metadata": {"tools": {"components": [{"type": "application", "author": "anchore", "name": "syft",
                                                  "version": "1.26.1"}]},
                        "component": {"type": "container", "name": "debian-min"}},
           "components": comps}, open(sys.argv[2], "w"), indent=1)
pkgs.append({"name": "debian-min", "SPDXID": "SPDXRef-DocumentRoot-Image-debian-min", "downloadLocation": "NOASSERTION",
             "primaryPackagePurpose": "CONTAINER"})
rels.append({"spdxElementId": "SPDXRef-DOCUMENT", "relatedSpdxElement": "SPDXRef-DocumentRoot-Image-debian-min",
             "relationshipType": "DESCRIBES"})
json.dump({"spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT", "name": "debian-min",
           "documentNamespace": "https://anchore.com/syft/image/debian-min",
           "creationInfo": {"creators": ["Organization: Anchore, Inc", "Tool: syft-1.26.1"],
                            "created": "2025-06-02T10:00:00Z"},
           "packages": pkgs, "relationships": rels}, open(sys.argv[3], "w"), indent=1)
PY
D=$TMP/debian-min
for f in syft.cdx syft.spdx; do
	"$CUSTOMS" scan "sbom:$TMP/$f.json" --db "$DB" --max-db-age 0 -o json="$D/$f.scan.json" 2>"$D/$f.err"
	check_eq "Syft's $f: scan, no warnings" "$?:$(cat "$D/$f.err")" "0:"
	"$CUSTOMS" convert "$TMP/$f.json" --quiet -o json="$D/$f.json"
	same_keys "Syft's $f" "$D/image.scan.json" "$D/$f.scan.json" "$D/image.json" "$D/$f.json"
	check_eq "Syft's $f: every deb found in var/lib/dpkg/status" \
		"$(jq '[.packages[] | select(.type == "deb" and .db_path != "var/lib/dpkg/status")] | length' "$D/$f.json")" 0
done

# the hand-made Syft documents (tests/data/sbom-peers): each fact read
P=$SRCDIR/tests/data/sbom-peers
"$CUSTOMS" convert "$P/syft-debian.cdx.json" --quiet -o json="$TMP/s.json"
check_eq "Syft CycloneDX: sources (upstream, syft:metadata:source)" \
	"$(jq -r '[.packages[] | select(.type == "deb") | "\(.name)=\(.source_name)@\(.source_version)"] | join(" ")' "$TMP/s.json")" \
	"base-files=base-files@12.4+deb12u15 bsdutils=util-linux@2.38.1-5+deb12u3 libc6=glibc@2.36-9+deb12u14 libcap2=libcap2@1:2.66-4+deb12u3"
check_eq "Syft CycloneDX: the dpkg database, not the copyright file Syft < 1.0 listed first" \
	"$(jq -r '.packages[] | select(.name == "libc6") | .db_path' "$TMP/s.json")" var/lib/dpkg/status
check_eq "Syft CycloneDX: found by, npm location, cpe23" \
	"$(jq -r '[.packages[] | select(.name == "base-files" or .name == "lodash") | "\(.found_by) \(.db_path) \(.cpes | length)"] | join(", ")' "$TMP/s.json")" \
	"dpkg-db-cataloger var/lib/dpkg/status 2, javascript-package-cataloger app/node_modules/lodash/package.json 1"
check_eq "Syft CycloneDX: the distro from syft:distro:*" "$(jq -r '.distro | "\(.id) \(.version_id) \(.version_codename)"' "$TMP/s.json")" \
	"debian 12 bookworm"
"$CUSTOMS" convert "$P/syft-debian.spdx.json" --quiet -o json="$TMP/s2.json"
check_eq "Syft SPDX: the same packages, sources and paths as its CycloneDX" \
	"$(jq -c '[.packages[] | [.name, .version, .source_name, .source_version, .db_path]]' "$TMP/s2.json")" \
	"$(jq -c '[.packages[] | [.name, .version, .source_name, .source_version, .db_path]]' "$TMP/s.json")"
"$CUSTOMS" convert "$P/syft-alpine.cdx.json" --quiet -o json="$TMP/s3.json"
check_eq "Syft apk: origin as source" "$(jq -r '[.packages[] | "\(.name)=\(.source_name)"] | join(" ")' "$TMP/s3.json")" \
	"busybox-binsh=busybox libcrypto3=openssl"
"$CUSTOMS" convert "$P/syft-rhel.cdx.json" --quiet -o json="$TMP/s4.json"
check_eq "Syft rpm: the source rpm's name, the epoch" \
	"$(jq -r '[.packages[] | "\(.name)@\(.version)=\(.source_name)"] | join(" ")' "$TMP/s4.json")" \
	"openssl-libs@1:3.0.7-24.el9=openssl zlib@1.2.11-40.el9=zlib"
finish
