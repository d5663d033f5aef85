#!/usr/bin/env bash
# record-outputs.sh CUSTOMS OUTDIR DB - run one customs binary over a fixed
# matrix of commands on the fixture images (inspect, sbom and scan in every
# format, --explain, convert, vercmp, db show, help texts, usage errors) and
# keep each command's stdout, stderr and exit code in OUTDIR/NAME.{out,err,rc}.
# Two binaries recorded into two directories can be compared with diff -r:
# tests/cli/outputs_unchanged.sh does that against a pinned earlier build.
#   env FIXTURES (build/fixtures), SOURCE_DATE_EPOCH (fixed here), EXPLAIN_IDS
#   (vulnerability ids for --explain, space-separated)
set -uo pipefail
CUSTOMS=$(realpath "$1")
OUT=$2
DB=$(realpath "$3")
FIXTURES=$(realpath "${FIXTURES:-build/fixtures}")
export SOURCE_DATE_EPOCH=1700000000 LC_ALL=C.UTF-8
unset CUSTOMS_TIMINGS CUSTOMS_DB
mkdir -p "$OUT"

# run NAME ARGS...: one command, in OUT, so that relative output files land there
run() {
	local name=$1; shift
	(cd "$OUT" && "$CUSTOMS" "$@" >"$name.out" 2>"$name.err" </dev/null; echo $? >"$name.rc")
}

for img in debian-min debian-rich; do
	O=$FIXTURES/oci/$img
	run "$img.inspect" inspect "oci:$O"
	run "$img.inspect.json" inspect "oci:$O" -o json
	run "$img.inspect.all" inspect "oci:$O" --scope all-layers
	run "$img.inspect.all.json" inspect "oci:$O" --scope all-layers -o json
	run "$img.inspect.docker-archive" inspect "docker-archive:$FIXTURES/docker-archive/$img.tar" -o json
	run "$img.inspect.oci-archive" inspect "oci-archive:$FIXTURES/oci-archive/$img.tar"
	run "$img.inspect.zstd" inspect "oci:$FIXTURES/oci-zstd/$img" -o json
	run "$img.inspect.dir" inspect "dir:$FIXTURES/rootfs/$img/rootfs"
	run "$img.sbom" sbom "oci:$O" -o table -o json="$img.sbom.json" -o spdx-json="$img.sbom.spdx.json" \
		-o spdx-tag-value="$img.sbom.spdx" -o cyclonedx-json="$img.sbom.cdx.json" \
		-o cyclonedx-json@1.5="$img.sbom.cdx15.json" -o purls="$img.sbom.purls"
	run "$img.sbom.all" sbom "oci:$O" --scope all-layers -o json="$img.sbom.all.json" -o table
	run "$img.sbom.nofiles" sbom "oci:$O" --no-files -o json
	run "$img.sbom.docker-archive" sbom "docker-archive:$FIXTURES/docker-archive/$img.tar" -o cyclonedx-json
	run "$img.sbom.dir" sbom "dir:$FIXTURES/rootfs/$img/rootfs" -o json --no-files
	run "$img.scan" scan --db "$DB" --max-db-age 0 "oci:$O" -o table -o json="$img.scan.json" \
		-o sarif="$img.scan.sarif" -o cyclonedx-json="$img.scan.cdx.json" -o cyclonedx-json@1.5="$img.scan.cdx15.json"
	run "$img.scan.suppressed" scan --db "$DB" --max-db-age 0 "oci:$O" --show-suppressed
	run "$img.scan.onlyfixed" scan --db "$DB" --max-db-age 0 "oci:$O" --only-fixed -o json
	run "$img.scan.failon" scan --db "$DB" --max-db-age 0 "oci:$O" --fail-on high -o sarif
	run "$img.scan.hide" scan --db "$DB" --max-db-age 0 "oci:$O" --hide-status unimportant,no-dsa
	for id in ${EXPLAIN_IDS:-}; do
		run "$img.explain.$id" scan --db "$DB" --max-db-age 0 "oci:$O" --explain "$id"
	done
	# SBOMs back in: convert and scan
	for f in json spdx.json spdx cdx.json cdx15.json; do
		run "$img.convert.$f" convert "$img.sbom.$f" -o json -o spdx-json="$img.convert.$f.spdx.json" \
			-o cyclonedx-json="$img.convert.$f.cdx.json" -o purls="$img.convert.$f.purls" -o table="$img.convert.$f.table"
		run "$img.scan.sbom.$f" scan --db "$DB" --max-db-age 0 "sbom:$img.sbom.$f" -o json
	done
done
run min.inspect.digests inspect "oci:$FIXTURES/oci/debian-min" --file-digests -o json
run min.sbom.withfiles sbom "oci:$FIXTURES/oci/debian-min" --with-files -o spdx-json -o spdx-tag-value=min.withfiles.spdx \
	-o cyclonedx-json=min.withfiles.cdx.json
run rich.sbom.analyzers sbom "oci:$FIXTURES/oci/debian-rich" --analyzers os-release,dpkg,npm -o json --no-files

# the vulnerability database
for id in CVE-2019-1010022 CVE-2023-4911 GHSA-29mw-wpgm-hmr9 DSA-5514-1 NOT-AN-ID; do
	run "db.show.$id" db show --db "$DB" "$id"
	run "db.show.json.$id" db show --db "$DB" -o json "$id"
done
run db.affected db affected --db "$DB" debian:12 openssl
run db.affected.json db affected --db "$DB" -o json npm lodash

# versions
printf '%s\n' "1.0-1 1.0-2" "1:1.0 2.0" "1.0~rc1 1.0" "2.30-5 2.30-5+b1" "x y" | run vercmp.dpkg vercmp dpkg --stdin
printf '%s\n' "1.0.0 1.0.0-rc.1" "1.2.3 1.10.0" "bad 1.0" | run vercmp.semver vercmp semver --stdin
printf '%s\n' "1.0 1.0.post1" "1.0a1 1.0b1" "1!0.1 2.0" | run vercmp.pep440 vercmp pep440 --stdin
printf '%s\n' "1.4.17 >=1.4 <1.5" | run vercmp.sat vercmp semver 1.4.17 --satisfies '>=1.4 <1.5'
for s in rpm apk maven go gem cargo composer nuget; do
	run "vercmp.$s" vercmp "$s" 1.0.0 1.0.1
done
run vercmp.list vercmp --list

# help texts and user mistakes
run help.main --help
for c in inspect sbom scan convert vercmp db help; do run "help.$c" help "$c"; done
run err.nocmd frobnicate
run err.inspect.flag inspect --frob x
run err.inspect.missing inspect
run err.inspect.noimage inspect "oci:/nonexistent/customs-test"
run err.sbom.format sbom "oci:$FIXTURES/oci/debian-min" -o yaml
run err.scan.failon scan --fail-on severe "oci:$FIXTURES/oci/debian-min"
# --offline: without it a scan fetches the feeds into a missing database
run err.scan.nodb scan --offline --db /nonexistent/customs-test.sqlite "oci:$FIXTURES/oci/debian-min"
run err.vercmp vercmp dpkg
run err.convert convert
exit 0
