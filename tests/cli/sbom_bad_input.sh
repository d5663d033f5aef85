#!/bin/bash
# sbom_bad_input.sh - SBOM documents that are wrong: not JSON, not an SBOM,
# unknown spec versions, no packages, broken purls, broken CycloneDX 1.7
# fields (cdxgen's source components), over the size cap, a missing file.  Each gets an error (exit 3) or a warning naming the
# element, never a crash; the rest of a document is still read.
. "$(dirname "$0")/../lib/common.sh"
set +e +o pipefail

D=$TMP
run() { # run NAME FILE: convert FILE to purls; sets rc, out, err
	"$CUSTOMS" convert "$2" -o purls >"$D/$1.out" 2>"$D/$1.err"
	rc=$?
}
expect_error() { # expect_error NAME FILE MESSAGE
	run "$1" "$2"
	check_eq "$1: exit 3" "$rc" 3
	if grep -qF -- "$3" "$D/$1.err"; then ok "$1: says \"$3\""; else not_ok "$1: stderr is '$(cat "$D/$1.err")', want '$3'"; fi
	check_eq "$1: one line" "$(wc -l <"$D/$1.err")" 1
}

printf 'hello world\n' >"$D/text"
expect_error "plain text" "$D/text" "neither JSON (SPDX, CycloneDX, customs) nor SPDX tag-value"
printf '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [' >"$D/trunc.json"
expect_error "truncated JSON" "$D/trunc.json" "not valid JSON: line 1"
printf '[1, 2]' >"$D/array.json"
expect_error "a JSON array" "$D/array.json" "the JSON document is not an object"
printf '{"hello": "world"}' >"$D/other.json"
expect_error "JSON that is no SBOM" "$D/other.json" "not an SBOM customs reads"
: >"$D/empty"
expect_error "empty file" "$D/empty" "the document is empty"
expect_error "missing file" "$D/does-not-exist.json" "does-not-exist.json"
printf '{"bomFormat": "CycloneDX", "specVersion": "2.0", "components": []}' >"$D/cdx20.json"
expect_error "CycloneDX 2.0" "$D/cdx20.json" 'unknown specVersion "2.0"'
printf '{"bomFormat": "SWID", "specVersion": "1.6"}' >"$D/swid.json"
expect_error "bomFormat not CycloneDX" "$D/swid.json" "bomFormat"
printf '{"spdxVersion": "SPDX-3.0", "packages": []}' >"$D/spdx3.json"
expect_error "SPDX 3.0" "$D/spdx3.json" 'unknown spdxVersion "SPDX-3.0"'
printf '{"schema": "customs-scan", "schema_version": "1.0", "matches": []}' >"$D/scan.json"
expect_error "a customs-scan document" "$D/scan.json" "holds matches, not packages"
printf '{"schema": "customs-analysis", "schema_version": "2.0", "packages": []}' >"$D/c2.json"
expect_error "customs JSON 2.0" "$D/c2.json" 'unknown customs-analysis schema_version "2.0"'

# over the cap
printf '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": []}' >"$D/small.json"
CUSTOMS_SBOM_MAX_BYTES=20 "$CUSTOMS" convert "$D/small.json" -o purls >/dev/null 2>"$D/cap.err"
check_eq "over CUSTOMS_SBOM_MAX_BYTES: exit 3" "$?" 3
check "  ... names the limit" grep -q "over the 20-byte limit (set CUSTOMS_SBOM_MAX_BYTES" "$D/cap.err"

# no packages: a warning, an empty result
run "no components" "$D/small.json"
check_eq "no components: exit 0" "$rc" 0
check "  ... warns that the document lists no packages" grep -q "sbom:$D/small.json: the document lists no packages" "$D/no components.err"
printf '{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "name": "x", "packages": []}' >"$D/spdx-empty.json"
run "SPDX without packages" "$D/spdx-empty.json"
check_eq "SPDX without packages: exit 0" "$rc" 0
check "  ... warns" grep -q "the document lists no packages" "$D/SPDX without packages.err"

# broken purls: warned with the string, the other components still read
cat >"$D/purls.json" <<'EOF'
{"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": [
 {"type": "library", "name": "lodash", "version": "4.17.20", "purl": "pkg:npm/lodash@4.17.20"},
 {"type": "library", "name": "bad-escape", "version": "1", "purl": "pkg:npm/bad%zzescape@1"},
 {"type": "library", "name": "no-scheme", "version": "1", "purl": "npm/no-scheme@1"},
 {"type": "library", "name": "minimist", "version": "1.2.5", "purl": "pkg:npm/minimist@1.2.5"}
]}
EOF
run "broken purls" "$D/purls.json"
check_eq "broken purls: exit 0" "$rc" 0
check "  ... warns with the offending string (bad escape)" grep -q 'components\[1\] ("bad-escape").*pkg:npm/bad%zzescape@1' "$D/broken purls.err"
check "  ... warns with the offending string (no scheme)" grep -q 'components\[2\] ("no-scheme").*npm/no-scheme@1' "$D/broken purls.err"
check_eq "  ... the good ones are read" "$(cat "$D/broken purls.out")" "$(printf 'pkg:npm/lodash@4.17.20\npkg:npm/minimist@1.2.5')"

# CycloneDX 1.7 (cdxgen's shape) with broken fields: each warned, naming the
# component; the rest read
printf '{"bomFormat": "CycloneDX", "specVersion": "1.7", "components": {"name": "x"}}' >"$D/cdx17-obj.json"
expect_error "CycloneDX 1.7, components an object" "$D/cdx17-obj.json" '"components" is not an array'
printf '{"bomFormat": "CycloneDX", "specVersion": "1.8", "components": []}' >"$D/cdx18.json"
expect_error "CycloneDX 1.8" "$D/cdx18.json" 'unknown specVersion "1.8" (customs reads CycloneDX 1.2-1.7)'
cat >"$D/cdx17.json" <<'EOF'
{"bomFormat": "CycloneDX", "specVersion": "1.7", "version": 1,
 "metadata": {"tools": {"components": [{"type": "application", "name": "cdxgen", "version": "12.8.4"}]},
              "component": {"type": "container", "name": "x", "properties": {"name": "not a list"}}},
 "components": [
 {"type": "library", "name": "libc6", "version": "2.36-9+deb12u14", "purl": "pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64&distro=debian-12",
  "properties": "aquasecurity:trivy:SrcName=glibc"},
 {"type": "library", "name": "glibc", "version": "2.36-9+deb12u14", "purl": "pkg:deb/debian/glibc@2.36-9%2Bdeb12u14?distro=debian-12",
  "tags": ["source"], "evidence": {"identity": "libc6"}},
 {"type": "library", "name": "zlib", "version": "1:1.2.13.dfsg-1", "purl": "pkg:deb/debian/zlib@1:1.2.13.dfsg-1?distro=debian-12",
  "tags": "source", "evidence": {"identity": [{"field": "purl", "methods": {"technique": "filename"}}]}},
 {"type": "library", "name": "gcc-12", "version": "12.2.0-14", "purl": "pkg:deb/debian/gcc-12@12.2.0-14?distro=debian-12",
  "tags": ["source"], "evidence": {"identity": [{"field": "purl", "confidence": 0, "methods": [{"technique": "filename", "confidence": 0, "value": "libgcc-s1"}]}]}},
 {"type": "library", "name": "libgcc-s1", "version": "12.2.0-14", "purl": "pkg:deb/debian/libgcc-s1@12.2.0-14?arch=amd64&distro=debian-12"},
 {"type": "cryptographic-asset", "name": "RSA-2048", "cryptoProperties": "broken"},
 {"type": "library", "name": "bad", "version": "1", "purl": "pkg:deb/debian/bad@1?arch=amd64&epoch=x%zz"}
]}
EOF
"$CUSTOMS" convert "$D/cdx17.json" -o json="$D/cdx17.out.json" 2>"$D/cdx17.err"
check_eq "CycloneDX 1.7 with broken fields: exit 0" "$?" 0
w17() { grep -qF -- "$1" "$D/cdx17.err"; }
check "  ... properties not an array: the component named" w17 'components[0]: "properties" is not an array: ignored'
check "  ... properties not an array: metadata.component named" w17 'metadata.component: "properties" is not an array: ignored'
check "  ... a source component naming no binary: named, skipped" \
	w17 'components[1] ("glibc"): a source package whose evidence.identity names no binary package: skipped'
check "  ... a broken purl: named" w17 'components[6] ("bad"): invalid purl'
check_eq "  ... the rest read: libc6 (source unknown), zlib (tags not a list: a package), libgcc-s1 from gcc-12, bad" \
	"$(jq -r '[.packages[] | "\(.name)=\(.source_name)"] | join(" ")' "$D/cdx17.out.json")" \
	"bad=null libc6=null libgcc-s1=gcc-12 zlib=null"

# SPDX tag-value with garbage lines: warned by line number, the rest read
cat >"$D/tv.spdx" <<'EOF'
SPDXVersion: SPDX-2.3
DataLicense: CC0-1.0
SPDXID: SPDXRef-DOCUMENT
DocumentName: test
this line has no colon
PackageName: lodash
SPDXID: SPDXRef-Package-lodash
PackageVersion: 4.17.20
PackageDownloadLocation: NOASSERTION
ExternalRef: PACKAGE-MANAGER purl pkg:npm/lodash@4.17.20
EOF
run "tag-value garbage" "$D/tv.spdx"
check_eq "tag-value garbage: exit 0" "$rc" 0
check "  ... warns with the line number" grep -q "line 5" "$D/tag-value garbage.err"
check_eq "  ... the package is read" "$(cat "$D/tag-value garbage.out")" "pkg:npm/lodash@4.17.20"

# a deep nest and a huge component count stay bounded
python3 - "$D" <<'PY'
import json, sys
d = sys.argv[1]
c = {"type": "library", "name": "leaf", "version": "1", "purl": "pkg:npm/leaf@1"}
for i in range(200):
    c = {"type": "library", "name": "n%d" % i, "version": "1", "components": [c]}
json.dump({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [c]}, open(d + "/deep.json", "w"))
comps = [{"type": "library", "name": "p%d" % i, "version": "1.0.%d" % i, "purl": "pkg:npm/p%d@1.0.%d" % (i, i)} for i in range(100000)]
json.dump({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": comps}, open(d + "/many.json", "w"))
PY
run "200-deep nesting" "$D/deep.json"
check "200-deep nesting: no crash (exit $rc)" test "$rc" -eq 0 -o "$rc" -eq 3
check "  ... says the nesting is too deep" grep -qi "deep\|nest" "$D/200-deep nesting.err"
run "100,000 components" "$D/many.json"
check_eq "100,000 components: exit 0" "$rc" 0
check_eq "  ... all read" "$(wc -l <"$D/100,000 components.out")" 100000

# scan: a user mistake gets one line
"$CUSTOMS" scan sbom:"$D/does-not-exist.json" --db "$D/none.sqlite" >/dev/null 2>"$D/scan.err"
check "scan of a missing SBOM: exit 3 with one line" test "$?" -eq 3 -a "$(wc -l <"$D/scan.err")" -eq 1

finish
