#!/bin/bash
# users_data.sh - users' own data without any plugin: a hints file in the
# image (/customs-hints.json, or Anchore Engine's /anchore_hints.json, in
# Anchore's format) adds the packages the catalogers cannot see, with
# introduced-in and removed-in like any other; `customs db import` of the
# user's own OSV files gives private advisories that match a package of a
# fixture image and a hinted package.
. "$(dirname "$0")/../lib/common.sh"
set +e +o pipefail

need_fixtures
command -v jq >/dev/null || skip "jq is not installed"
MIN=oci:$FIXTURES/oci/debian-min
export XDG_DATA_HOME=$TMP/xdg HOME=$TMP/home CUSTOMS_PLUGIN_PATH=

# ---- a hints file ----
R=$TMP/root
mkdir -p "$R/etc" "$R/opt/acme"
printf 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' >"$R/etc/os-release"
cat >"$R/customs-hints.json" <<'EOF'
{"packages": [
 {"name": "acme-agent", "version": "1.2.0", "type": "npm", "license": "LicenseRef-ACME", "origin": "ACME Corp",
  "location": "/opt/acme/agent"},
 {"name": "wicked", "versions": ["0.6.1"], "type": "gem", "licenses": ["MIT"]},
 {"name": "vim-common", "version": "2:8.2.2637", "release": "20.el9_1", "type": "rpm"},
 {"name": "openssl", "version": "3.0.11-1~deb12u2", "type": "dpkg", "source": "openssl"},
 {"name": "Friendly_Bard", "version": "1.0", "type": "python"},
 {"name": "log4j-core", "version": "2.14.1", "type": "java"},
 {"name": "acme-tool", "version": "3.1", "type": "binary", "files": ["/opt/acme/tool"]},
 {"name": "no-version", "type": "npm"}
]}
EOF
"$CUSTOMS" sbom -o json "dir:$R" >"$TMP/hints.json" 2>"$TMP/hints.err"
check_eq "sbom of an image with a hints file exits 0" "$?" 0
check_eq "every hinted package with its type and purl, found by hints" \
	"$(jq -r '.packages[] | [.name, .version, .type, .purl, .found_by, .db_path] | @tsv' "$TMP/hints.json" | sort)" \
	"$(printf '%s\n' \
		"Friendly_Bard	1.0	python	pkg:pypi/friendly-bard@1.0	hints	customs-hints.json" \
		"acme-agent	1.2.0	npm	pkg:npm/acme-agent@1.2.0	hints	customs-hints.json" \
		"acme-tool	3.1	binary	pkg:generic/acme-tool@3.1	hints	customs-hints.json" \
		"log4j-core	2.14.1	java-archive	pkg:maven/log4j-core@2.14.1	hints	customs-hints.json" \
		"openssl	3.0.11-1~deb12u2	deb	pkg:deb/debian/openssl@3.0.11-1~deb12u2?distro=debian-12	hints	customs-hints.json" \
		"vim-common	2:8.2.2637-20.el9_1	rpm	pkg:rpm/debian/vim-common@2:8.2.2637-20.el9_1?distro=debian-12	hints	customs-hints.json" \
		"wicked	0.6.1	gem	pkg:gem/wicked@0.6.1	hints	customs-hints.json")"
check_eq "license, origin and location kept" \
	"$(jq -c '.packages[] | select(.name == "acme-agent") | [.licenses, .metadata.origin, .metadata.location]' "$TMP/hints.json")" \
	'[["LicenseRef-ACME"],"ACME Corp","/opt/acme/agent"]'
check_eq "a hinted package's files are its own" \
	"$(jq -c '.packages[] | select(.name == "acme-tool") | .files' "$TMP/hints.json")" '["/opt/acme/tool"]'
check "a record without a version is skipped with a warning naming it" grep -q \
	"customs-hints.json: hints file: packages\[7\]: a hint needs at least a name, a version and a type" "$TMP/hints.err"
# Anchore Engine's own file name
mkdir -p "$TMP/anchore"
printf '{"packages": [{"name": "wicked", "version": "0.6.1", "type": "gem"}]}' >"$TMP/anchore/anchore_hints.json"
check_eq "/anchore_hints.json is read too" \
	"$("$CUSTOMS" sbom -o json "dir:$TMP/anchore" | jq -r '.packages[] | .name + " " + .db_path')" "wicked anchore_hints.json"
printf '{"packages": {}}' >"$TMP/anchore/anchore_hints.json"
"$CUSTOMS" sbom -o json "dir:$TMP/anchore" >/dev/null 2>"$TMP/bad.err"
check "a hints file of another shape is warned about" grep -q 'anchore_hints.json: hints file: not a hints file: no "packages" array' "$TMP/bad.err"

# across layers (tests/lib/mkimage.py): layer 0 hints two packages, layer 1
# rewrites the file without one of them
cat >"$TMP/spec.json" <<'EOF'
[[["customs-hints.json", "{\"packages\": [{\"name\": \"a\", \"version\": \"1\", \"type\": \"binary\"}, {\"name\": \"b\", \"version\": \"2\", \"type\": \"binary\"}]}"]],
 [["customs-hints.json", "{\"packages\": [{\"name\": \"a\", \"version\": \"1\", \"type\": \"binary\"}]}"]]]
EOF
python3 "$SRCDIR/tests/lib/mkimage.py" "$TMP/layers.tar" "$TMP/spec.json"
check_eq "a hinted package keeps the layer that first listed it; one the next layer drops is removed there" \
	"$("$CUSTOMS" sbom --scope all-layers -o json "docker-archive:$TMP/layers.tar" | jq -r '.packages[] | [.name, .layer, .visible, (.removed_in_layer // "-")] | @tsv')" \
	"$(printf 'a\t0\ttrue\t-\nb\t0\tfalse\t1')"

# ---- private advisories: the user's own OSV files ----
mkdir -p "$TMP/osv"
cat >"$TMP/osv/ACME-2026-0001.json" <<'EOF'
{"schema_version": "1.6.0", "id": "ACME-2026-0001", "modified": "2026-01-05T00:00:00Z",
 "summary": "internal: our bash build for Debian 12 must be replaced",
 "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N"}],
 "affected": [{"package": {"ecosystem": "Debian:12", "name": "bash"},
   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "5.2.15-2+b99"}]}]}]}
EOF
cat >"$TMP/osv/ACME-2026-0002.json" <<'EOF'
{"schema_version": "1.6.0", "id": "ACME-2026-0002", "modified": "2026-01-06T00:00:00Z",
 "summary": "internal: acme-agent before 1.3.0 sends tokens in the clear",
 "database_specific": {"severity": "HIGH"},
 "affected": [{"package": {"ecosystem": "npm", "name": "acme-agent"},
   "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.3.0"}]}]}]}
EOF
DB=$TMP/vulndb.sqlite
"$CUSTOMS" db import --quiet --db "$DB" --name acme "$TMP/osv" >"$TMP/import.out" 2>&1
check_eq "db import of the private OSV files exits 0" "$?" 0
check_eq "... as one feed of two records" "$("$CUSTOMS" db status --db "$DB" -o json | jq -r '.sources[] | .name + " " + (.records | tostring)')" "acme 2"
bash_v=$(awk -F'\t' '$1 == "bash" {print $2}' "$FIXTURES/expected/debian-min.dpkg.tsv")
"$CUSTOMS" scan --quiet --db "$DB" --max-db-age 100000 -o json "$MIN" >"$TMP/scan.json"
check_eq "the private advisory matches the fixture's bash ($bash_v)" \
	"$(jq -r '.matches[] | [.id, .package.name, .package.version, .fix.versions[0], .severity.bucket] | @tsv' "$TMP/scan.json")" \
	"$(printf 'ACME-2026-0001\tbash\t%s\t5.2.15-2+b99\tmedium' "$bash_v")"
"$CUSTOMS" scan --quiet --db "$DB" --max-db-age 100000 -o json "dir:$R" >"$TMP/scan2.json"
check_eq "... and the other one the hinted package" \
	"$(jq -r '.matches[] | [.id, .package.name, .package.version, .severity.bucket] | @tsv' "$TMP/scan2.json")" \
	"$(printf 'ACME-2026-0002\tacme-agent\t1.2.0\thigh')"
check_eq "db show tells the private advisory" \
	"$("$CUSTOMS" db show --db "$DB" -o json ACME-2026-0002 | jq -r .summary)" "internal: acme-agent before 1.3.0 sends tokens in the clear"

finish
