#!/bin/bash
# policy_gates.sh - `customs evaluate` on the fixture images and on small
# images made here: every trigger of every gate fires where it must, with
# the exact messages, and stays quiet where it must not
# (tests/data/policy/cases.json, run by tests/lib/policy_cases.py); Anchore
# Engine's own default bundle evaluated unchanged; allowlists (expired and
# stale items); the verdict's exit codes; the table split into base and own
# layers; JSON and SARIF (against the SARIF 2.1.0 schema); `scan --policy`;
# allowlisted findings exported as OpenVEX and honoured by `scan --vex`.
#
# The vulnerability database is the shared feeds plus test-only enrichment
# records written here: a KEV entry, EPSS scores and an NVD record for the
# minimist advisory the rich image's /app has.
. "$(dirname "$0")/../lib/common.sh"
set +e +o pipefail

need_fixtures
need_shared feeds/debian-osv.zip
need_shared feeds/ghsa
RICH=oci:$FIXTURES/oci/debian-rich
MIN=oci:$FIXTURES/oci/debian-min
PY=/usr/bin/python3

# ---- the database ----
cat >"$TMP/kev.json" <<'EOF'
{"title": "CISA Catalog of Known Exploited Vulnerabilities (test records for customs)", "catalogVersion": "2025.01.01",
 "dateReleased": "2025-01-01T00:00:00Z", "count": 1,
 "vulnerabilities": [{"cveID": "CVE-2021-44906", "vendorProject": "minimist", "product": "minimist",
   "vulnerabilityName": "test record", "dateAdded": "2023-01-01", "shortDescription": "test record",
   "requiredAction": "none", "dueDate": "2023-01-22", "knownRansomwareCampaignUse": "Unknown", "notes": "", "cwes": []}]}
EOF
printf '#model_version:v2025.03.14,score_date:2025-01-01T00:00:00Z\ncve,epss,percentile\nCVE-2021-44906,0.50000,0.97000\nCVE-2020-28168,0.00100,0.30000\n' >"$TMP/epss.csv"
cat >"$TMP/nvd.json" <<'EOF'
{"resultsPerPage": 1, "startIndex": 0, "totalResults": 1, "format": "NVD_CVE", "version": "2.0",
 "timestamp": "2025-01-01T00:00:00.000", "vulnerabilities": [{"cve": {"id": "CVE-2021-44906",
  "sourceIdentifier": "cve@mitre.org", "published": "2022-03-17T16:15:07.370", "lastModified": "2024-11-21T06:31:00.000",
  "vulnStatus": "Analyzed", "descriptions": [{"lang": "en", "value": "test record"}],
  "metrics": {"cvssMetricV31": [{"source": "nvd@nist.gov", "type": "Primary", "cvssData": {"version": "3.1",
   "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "baseScore": 9.8, "baseSeverity": "CRITICAL"},
   "exploitabilityScore": 3.9, "impactScore": 5.9}]}, "weaknesses": [], "references": []}}]}
EOF
DB=$TMP/vulndb.sqlite
"$CUSTOMS" db import --quiet --db "$DB" "$SHARED"/feeds/*.zip "$SHARED/feeds/ghsa" "$TMP/kev.json" "$TMP/epss.csv" \
	"$TMP/nvd.json" >/dev/null 2>"$TMP/import.err"
check_eq "import the shared feeds and the test enrichment" "$?" 0

# ---- every trigger ----
mkdir -p "$TMP/cases"
DB=$DB FIXTURES=$FIXTURES SRCDIR=$SRCDIR $PY "$SRCDIR/tests/lib/policy_cases.py" "$CUSTOMS" \
	"$SRCDIR/tests/data/policy/cases.json" "$TMP/cases" >"$TMP/cases.out" 2>&1
check_eq "every case of tests/data/policy/cases.json" "$?" 0
grep -v '^ok' "$TMP/cases.out" | head -40
check_eq "cases run" "$(grep -c '^ok' "$TMP/cases.out")" "$(jq '.cases | length' "$SRCDIR/tests/data/policy/cases.json")"

# each trigger has a case that fires and one that does not, but those no
# data of customs can make fire (feeds customs has no copy of, a scanner it
# lacks) and those that always fire
"$CUSTOMS" policy describe -o json >"$TMP/gates.json"
missing=$($PY - "$TMP/gates.json" "$SRCDIR/tests/data/policy/cases.json" <<'PY'
import json, sys
gates, cases = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))["cases"]
never = {("npms", "newer_version_in_feed"), ("npms", "unknown_in_feeds"), ("npms", "version_not_in_feeds"),
         ("ruby_gems", "newer_version_found_in_feed"), ("ruby_gems", "not_found_in_feed"),
         ("ruby_gems", "version_not_found_in_feed"), ("malware", "scans")}
always = {("malware", "scan_not_run"), ("always", "always")}
def canon(g, t):
    for gate in gates:
        if gate["name"] == g:
            for tr in gate["triggers"]:
                if t == tr["name"] or t in tr["aliases"]:
                    return (g, tr["name"])
    return (g, t)
seen = {}
for c in cases:
    seen.setdefault(canon(c["gate"], c["trigger"]), set()).add(c["fires"])
for gate in gates:
    for tr in gate["triggers"]:
        k = (gate["name"], tr["name"])
        want = {False} if k in never else {True} if k in always else {True, False}
        if not want <= seen.get(k, set()):
            print("%s/%s" % k)
PY
)
check_eq "every trigger has a case that fires and one that does not" "$missing" ""

# ---- Anchore Engine's default bundle, unchanged ----
for img in rich min; do
	ref=$RICH
	[ $img = min ] && ref=$MIN
	"$CUSTOMS" evaluate --quiet --db "$DB" --policy "$SRCDIR/tests/data/policy/anchore_default_bundle.json" -o json \
		"$ref" >"$TMP/default-$img.json"
	check_eq "default bundle on $img: exit 1 (STOP)" "$?" 1
	check_eq "default bundle on $img: STOP by the default mapping" \
		"$(jq -r '[.final_action, .reason, .mapping.name, .bundle.id] | join(" ")' "$TMP/default-$img.json")" \
		"STOP policy_evaluation default 2c53a13c-1765-11e8-82ef-23527761d060"
	# HEALTHCHECK missing, the feed data older than 2 days, medium (WARN) and higher (STOP)
	# vulnerabilities; port 22 is not exposed and the distro's feed is there
	check_eq "default bundle on $img: the rules that fired" \
		"$(jq -r '[.findings[].rule_id] | unique | join(" ")' "$TMP/default-$img.json")" \
		"312d9e41-1c05-4e2f-ad89-b7d34b0855bb 6063fdde-b1c5-46af-973a-915739451ac4 6b5c14e7-a6f7-48cc-99d2-959273a2c6fa b30e8abc-444f-45b1-8a37-55be1b8c8bb5"
done
check_eq "default bundle: every medium finding WARN, every high or critical one STOP" \
	"$(jq -r '[.findings[] | select(.gate == "vulnerabilities" and .trigger == "package") | "\(.vulnerability.severity) \(.action)"] | unique | join(",")' "$TMP/default-rich.json")" \
	"critical STOP,high STOP,medium WARN"
check_eq "default bundle: a vulnerability finding's trigger id is Anchore's ID+package" \
	"$(jq -r '.findings[] | select(.vulnerability.id == "CVE-2021-44906") | .trigger_id' "$TMP/default-rich.json")" \
	"CVE-2021-44906+minimist"

# ---- allowlists: silenced, expired, stale ----
cat >"$TMP/allow.json" <<'EOF'
{"version": "1_0", "id": "allow", "name": "allowlists",
 "policies": [{"id": "p", "name": "vulns", "rules": [
   {"id": "crit", "gate": "vulnerabilities", "trigger": "package", "action": "STOP",
    "params": [{"name": "package_type", "value": "non-os"}, {"name": "severity_comparison", "value": ">="}, {"name": "severity", "value": "high"}]}]}],
 "allowlists": [{"id": "wl", "name": "exceptions", "items": [
   {"id": "i1", "gate": "vulnerabilities", "trigger_id": "CVE-2021-44906+*", "reason": "dev tool only", "owner": "team-a", "expires": "2030-01-01"},
   {"id": "i2", "gate": "vulnerabilities", "trigger_id": "CVE-2021-3749+axios", "reason": "old exception", "expires": "2024-06-30"},
   {"id": "i3", "gate": "vulnerabilities", "trigger_id": "CVE-2019-10744+lodash", "reason": "fixed since?"}]}],
 "mappings": [{"id": "m", "name": "any", "registry": "*", "repository": "*", "image": {"type": "tag", "value": "*"},
   "policy_id": "p", "whitelist_ids": ["wl"]}]}
EOF
"$CUSTOMS" evaluate --quiet --db "$DB" --policy "$TMP/allow.json" --as-of 2025-01-15 -o json "$RICH" >"$TMP/allow.out.json"
check_eq "allowlists: exit 1 (STOP: other findings)" "$?" 1
check_eq "allowlists: i1 silences minimist's CVE-2021-44906, with its reason and owner" \
	"$(jq -r '.findings[] | select(.allowlisted_by) | "\(.trigger_id) \(.effective_action) \(.allowlisted_by.item_id) \(.allowlisted_by.reason) \(.allowlisted_by.owner)"' "$TMP/allow.out.json")" \
	"CVE-2021-44906+minimist GO i1 dev tool only team-a"
check_eq "allowlists: i2 expired on 2024-06-30 and no longer silences axios" \
	"$(jq -r '.findings[] | select(.trigger_id == "CVE-2021-3749+axios") | "\(.effective_action) \(.expired_allowlist_item.item_id)"' "$TMP/allow.out.json")" \
	"STOP i2"
check_eq "allowlists: the items the evaluation says something about" \
	"$(jq -r '.allowlist_items[] | "\(.state): \(.message)"' "$TMP/allow.out.json")" \
	"expired: allowlist wl item i2 (vulnerabilities CVE-2021-3749+axios) expired on 2024-06-30: it no longer applies
stale: allowlist wl item i3 (CVE-2019-10744+lodash) is stale: CVE-2019-10744 is fixed in lodash 4.17.15 (fixed in 4.17.12)"
"$CUSTOMS" evaluate --quiet --db "$DB" --policy "$TMP/allow.json" --as-of 2024-06-30T23:59:59Z -o json "$RICH" >"$TMP/allow2.json"
check_eq "allowlists: on its last day i2 still applies" \
	"$(jq -r '.findings[] | select(.trigger_id == "CVE-2021-3749+axios") | .allowlisted_by.item_id' "$TMP/allow2.json")" i2

# ---- OpenVEX: the allowlisted findings, honoured by scan --vex ----
"$CUSTOMS" policy export-vex --quiet --db "$DB" --as-of 2025-01-15 -o "$TMP/out.vex.json" "$TMP/allow.json" "$RICH"
check_eq "export-vex exits 0" "$?" 0
check_eq "export-vex: one not_affected statement, by purl" \
	"$(jq -r '.statements[] | "\(.vulnerability.name) \(.products[0]["@id"]) \(.status)"' "$TMP/out.vex.json")" \
	"CVE-2021-44906 pkg:npm/minimist@1.2.0 not_affected"
"$CUSTOMS" scan --quiet --db "$DB" --max-db-age 0 --vex "$TMP/out.vex.json" -o json "$RICH" >"$TMP/vexscan.json"
check_eq "scan --vex suppresses exactly the allowlisted finding" \
	"$(jq -r '[.suppressed[] | select(.suppressed_by.kind == "vex") | "\(.id) \(.package.name)"] | join(",")' "$TMP/vexscan.json")" \
	"CVE-2021-44906 minimist"
"$CUSTOMS" policy export-vex "$TMP/allow.json" >"$TMP/items.vex.json"
check_eq "export-vex without an image: the items for every package, about the whole image" \
	"$(jq -r '.statements[] | "\(.vulnerability.name) \(.products[0]["@id"])"' "$TMP/items.vex.json")" \
	"CVE-2021-44906 pkg:oci/image"

# ---- exit codes ----
bundle() { # bundle FILE ACTION: one always rule with that action
	printf '{"version":"1_0","id":"x","policies":[{"id":"p","rules":[{"gate":"always","trigger":"always","action":"%s","params":[]}]}],"mappings":[{"registry":"*","repository":"*","image":{"type":"tag","value":"*"},"policy_id":"p","whitelist_ids":[]}]}' "$2" >"$1"
}
bundle "$TMP/go.json" GO
bundle "$TMP/warn.json" WARN
bundle "$TMP/stop.json" STOP
"$CUSTOMS" evaluate --quiet --policy "$TMP/go.json" "$MIN" >/dev/null
check_eq "GO exits 0" "$?" 0
"$CUSTOMS" evaluate --quiet --policy "$TMP/warn.json" "$MIN" >/dev/null
check_eq "WARN exits 0" "$?" 0
"$CUSTOMS" evaluate --quiet --policy "$TMP/warn.json" --fail-on-warn "$MIN" >/dev/null
check_eq "WARN with --fail-on-warn exits 1" "$?" 1
"$CUSTOMS" evaluate --quiet --policy "$TMP/stop.json" "$MIN" >/dev/null
check_eq "STOP exits 1" "$?" 1
"$CUSTOMS" evaluate --quiet "$MIN" >/dev/null 2>"$TMP/err"
check_eq "no --policy: usage error" "$?:$(cat "$TMP/err")" "2:customs evaluate: missing --policy BUNDLE (see \`customs help evaluate\`)"
echo '{"version":"1_0","policies":[{"id":"p","rules":[{"gate":"always","trigger":"always","action":"GOO","params":[]}]}]}' >"$TMP/bad.json"
"$CUSTOMS" evaluate --quiet --policy "$TMP/bad.json" "$MIN" >"$TMP/out" 2>"$TMP/err"
check_eq "an invalid bundle is never GO: exit 3, each problem said, nothing written" "$?:$(cat "$TMP/out")" "3:"
check_eq "an invalid bundle: the messages" "$(cat "$TMP/err")" \
	"customs evaluate: $TMP/bad.json: policies[0].rules[0].action: \"GOO\" is not GO, WARN or STOP
customs evaluate: $TMP/bad.json is not a valid policy bundle: nothing was evaluated (\`customs policy validate $TMP/bad.json\`)"
"$CUSTOMS" evaluate --quiet --policy "$SRCDIR/tests/data/policy/anchore_default_bundle.json" --db "$TMP/nope.sqlite" "$MIN" >/dev/null 2>"$TMP/err"
check_eq "vulnerability rules without a database: exit 3" "$?" 3
grep -q 'need a vulnerability database' "$TMP/err"
check "... and it says what to do" test $? -eq 0
"$CUSTOMS" evaluate --quiet --policy "$TMP/go.json" "oci:/nonexistent/customs" >/dev/null 2>&1
check_eq "an unreadable image: exit 3" "$?" 3

# ---- the table: base image and own layers ----
"$CUSTOMS" evaluate --quiet --db "$DB" --base-layers 2 --policy "$SRCDIR/tests/data/policy/anchore_default_bundle.json" \
	"$RICH" >"$TMP/split.txt"
check_eq "--base-layers 2: the table's sections" "$(grep -E '^(Base image|This image|Not about)' "$TMP/split.txt")" \
	"Base image (layers 0-1)
This image (layers 2-4)
Not about one layer"
check_eq "--base-layers 2: minimist's finding is the image's own" \
	"$(awk '/^This image/{s=1} /^Not about/{s=0} s && /minimist/' "$TMP/split.txt" | grep -c CVE-2021-44906)" 1
check_eq "the verdict line" "$(grep '^Result' "$TMP/split.txt" | cut -d: -f1)" "Result      STOP (policy_evaluation)"

# ---- SARIF, against the schema ----
SCHEMA=$SRCDIR/build/cache/sarif-schema-2.1.0.json
if bash "$SRCDIR/tests/tools/fetch-sarif-schema.sh" "$SCHEMA" 2>"$TMP/fetch.err" && $PY -c 'import jsonschema' 2>/dev/null; then
	"$CUSTOMS" evaluate --quiet --db "$DB" --as-of 2025-01-15 --policy "$TMP/allow.json" -o sarif="$TMP/r.sarif" "$RICH"
	$PY "$SRCDIR/tests/tools/validate-json-schema.py" "$SCHEMA" "$TMP/r.sarif" >"$TMP/valid.out" 2>&1
	check_eq "the evaluation's SARIF is valid against the SARIF 2.1.0 schema" "$?" 0
	check_eq "SARIF: the allowlisted finding is an accepted suppression" \
		"$(jq -r '.runs[0].results[] | select(.suppressions) | "\(.properties.triggerId) \(.suppressions[0].status)"' "$TMP/r.sarif")" \
		"CVE-2021-44906+minimist accepted"
	check_eq "SARIF: STOP findings are errors" \
		"$(jq -r '[.runs[0].results[].level] | unique | join(",")' "$TMP/r.sarif")" "error"
else
	partial "the SARIF schema could not be had: $(cat "$TMP/fetch.err")"
fi

# ---- scan --policy ----
"$CUSTOMS" scan --quiet --db "$DB" --max-db-age 0 --policy "$TMP/stop.json" "$MIN" >"$TMP/scan.txt"
check_eq "scan --policy: a STOP exits 1" "$?" 1
check_eq "scan --policy: the table ends with the evaluation" "$(grep -c '^Policy evaluation$' "$TMP/scan.txt")" 1
"$CUSTOMS" scan --quiet --db "$DB" --max-db-age 0 --policy "$TMP/go.json" -o json "$MIN" >"$TMP/scan.json"
check_eq "scan --policy -o json: the evaluation as .policy" \
	"$(jq -r '[.schema, .policy.schema, .policy.final_action] | join(" ")' "$TMP/scan.json")" "customs-scan customs-evaluation GO"

# ---- an SBOM evaluated as the image it describes ----
"$CUSTOMS" sbom --quiet -o json="$TMP/rich.sbom.json" "$RICH"
"$CUSTOMS" evaluate --quiet --db "$DB" --policy "$SRCDIR/tests/data/policy/anchore_default_bundle.json" -o json \
	"sbom:$TMP/rich.sbom.json" >"$TMP/sbom-eval.json"
check_eq "sbom: the same vulnerability findings as the image's" \
	"$(jq -r '[.findings[] | select(.gate == "vulnerabilities" and .trigger == "package") | .trigger_id] | sort | join(",")' "$TMP/sbom-eval.json")" \
	"$(jq -r '[.findings[] | select(.gate == "vulnerabilities" and .trigger == "package") | .trigger_id] | sort | join(",")' "$TMP/default-rich.json")"
finish
