#!/bin/bash
# cli_options.sh - each command takes the options of its own table and of
# the shared groups it names, nothing else: `tags` no longer accepts the
# image options, `scan` and `convert` no --scope.  Bad values and unknown
# -o formats are usage errors (exit 2) on one line, and the formats a
# command lists come from the library's one format table.  Needs no image:
# every case fails before one would be read.
. "$(dirname "$0")/../lib/common.sh"
set +e +o pipefail

usage() { # usage NAME MESSAGE ARGS...: exit 2 with MESSAGE on one line, nothing on stdout
	local name=$1 msg=$2
	shift 2
	"$CUSTOMS" "$@" >"$TMP/out" 2>"$TMP/err"
	check_eq "$name: exit 2" "$?" 2
	if grep -qF -- "$msg" "$TMP/err"; then ok "$name: says \"$msg\""; else not_ok "$name: stderr is '$(cat "$TMP/err")', want '$msg'"; fi
	check_eq "$name: one line" "$(wc -l <"$TMP/err")" 1
	check_eq "$name: nothing on stdout" "$(wc -c <"$TMP/out")" 0
}

for o in --platform=linux/arm64 --scope=all-layers --threads=2 --analyzers=dpkg --file-digests --quiet; do
	usage "tags $o" "customs tags: unknown option '$o' (see \`customs help tags\`)" tags "$o" debian
done
usage "tags --page-size 0" "--page-size wants a number from 1 to 100000, not '0'" tags --page-size 0 debian
usage "tags -o yaml" "unknown output format 'yaml'; use text or json" tags -o yaml debian
check "tags help: registry options" grep -q -- "--insecure-registry" <("$CUSTOMS" help tags)
check "tags help: no image options" bash -c "! \"$CUSTOMS\" help tags | grep -q -- --platform"

usage "scan --scope" "customs scan: unknown option '--scope=all-layers'" scan --scope=all-layers x
usage "convert --platform" "customs convert: unknown option '--platform=x'" convert --platform=x f.json
usage "inspect --scope bad" "--scope is squashed or all-layers, not 'bad'" inspect --scope bad x
usage "sbom --threads 0" "--threads wants a number from 1 to 64, not '0'" sbom --threads 0 x
usage "inspect: missing value" "customs inspect: unknown option '--platform'" inspect x --platform
usage "db status --scope" "customs db: unknown option '--scope'" db status --scope all-layers
usage "db show --max-age" "customs db: unknown option '--max-age'" db show --max-age 3 CVE-1

# the "use ..." lists, from the format table
usage "inspect -o" "unknown output format 'spdx-json'; use table or json" inspect -o spdx-json x
usage "sbom -o" "use table, json, spdx-json, spdx-tag-value, cyclonedx-json, cyclonedx-json@1.7, cyclonedx-json@1.6, cyclonedx-json@1.5, purls" \
	sbom -o sarif x
usage "scan -o" "use table, json, sarif, cyclonedx-json, cyclonedx-json@1.7, cyclonedx-json@1.6, cyclonedx-json@1.5" scan -o purls x
usage "db status -o" "unknown output format 'csv'; use table or json" db status -o csv
usage "db affected -o" "use table or json" db affected -o sarif debian:12 openssl
usage "-o name too long" "unknown output format '$(printf 'x%.0s' $(seq 40))'" sbom -o "$(printf 'x%.0s' $(seq 60))=f" x
# an analyzer name that does not exist is a usage error, not an analysis with nothing in it
if [ -f "$FIXTURES/.stamp" ]; then
	usage "sbom --analyzers typo" "customs sbom: unknown analyzer 'pyhton' in --analyzers; known: os-release, rpm, dpkg, apk, python, npm, go-binary, rust, ruby, php, dotnet, java" \
		sbom --analyzers dpkg,pyhton "oci:$FIXTURES/oci/debian-min"
else
	partial "fixture images not built: the --analyzers check"
fi
finish
