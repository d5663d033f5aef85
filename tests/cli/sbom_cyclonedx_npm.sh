# sbom_cyclonedx_npm.sh - reading another tool's CycloneDX: the SBOM that
# @cyclonedx/cyclonedx-npm wrote of the debian-rich fixture's /app
# (make-fixtures.sh, expected/debian-rich.app.cdx.json) read as an image
# (`sbom:FILE`) gives the same npm packages, by name and version and by
# where they are installed, as customs finds under app/ in the image itself;
# the project it describes (metadata.component) is not one of them.
. "$(dirname "$0")/../lib/common.sh"
need_fixtures
CDX=$FIXTURES/expected/debian-rich.app.cdx.json
[ -f "$CDX" ] || skip "no expected/debian-rich.app.cdx.json in $FIXTURES (fixtures built before make-fixtures.sh ran cyclonedx-npm)"
[ -d "$FIXTURES/oci/debian-rich" ] || skip "$FIXTURES/oci/debian-rich is absent"
command -v jq >/dev/null || skip "jq is needed"

"$CUSTOMS" sbom "sbom:$CDX" -o json >"$TMP/cdx.json" 2>"$TMP/cdx.err"
check_eq "customs sbom sbom:debian-rich.app.cdx.json exits 0" "$?" 0
check_eq "no warnings reading it" "$(jq '.warnings | length' "$TMP/cdx.json")" 0
cat "$TMP/cdx.err"
"$CUSTOMS" sbom "oci:$FIXTURES/oci/debian-rich" -o json --quiet >"$TMP/image.json" 2>"$TMP/image.err" ||
	{ cat "$TMP/image.err"; not_ok "customs sbom oci:debian-rich failed"; finish; }

# NAME VERSION [LOCATION] per line, sorted; cyclonedx-npm's locations are
# relative to the project (node_modules/x), customs' to the image root
jq -r '.packages[] | select(.type == "npm") | "\(.name) \(.version)"' "$TMP/cdx.json" | sort >"$TMP/cdx.nv"
jq -r '.packages[] | select(.type == "npm" and ((.db_path // "") | startswith("app/"))) | "\(.name) \(.version)"' \
	"$TMP/image.json" | sort >"$TMP/image.nv"
jq -r '.packages[] | select(.type == "npm") | "\(.name) \(.version) app/\(.metadata.location)"' "$TMP/cdx.json" |
	sort >"$TMP/cdx.nvl"
jq -r '.packages[] | select(.type == "npm" and ((.db_path // "") | startswith("app/")))
	| "\(.name) \(.version) \(.metadata.location)"' "$TMP/image.json" | sort >"$TMP/image.nvl"

n=$(wc -l <"$TMP/image.nv")
check "customs finds npm packages under app/ ($n)" [ "$n" -gt 10 ]
check_eq "every component of the document is an npm package" \
	"$(jq '[.packages[] | select(.type != "npm")] | length' "$TMP/cdx.json")" 0
check_eq "the project itself (fixture-app) is not a package" \
	"$(jq '[.packages[] | select(.name == "fixture-app")] | length' "$TMP/cdx.json")" 0
if cmp -s "$TMP/cdx.nv" "$TMP/image.nv"; then
	ok "the same $n npm packages (name, version) as in the image"
else
	not_ok "npm packages (name, version) differ: < cyclonedx-npm's document, > customs in the image"
	diff "$TMP/cdx.nv" "$TMP/image.nv" | grep '^[<>]' | head -40
fi
if cmp -s "$TMP/cdx.nvl" "$TMP/image.nvl"; then
	ok "each installed where the image has it (nested node_modules included)"
else
	not_ok "npm package locations differ: < cyclonedx-npm's document, > customs in the image"
	diff "$TMP/cdx.nvl" "$TMP/image.nvl" | grep '^[<>]' | head -40
fi
# purls come through as cyclonedx-npm wrote them, canonical
check_eq "purls are canonical npm purls" \
	"$(jq '[.packages[] | select((.purl // "") | startswith("pkg:npm/") | not)] | length' "$TMP/cdx.json")" 0
finish
