#!/bin/bash
# scan_sarif.sh - `customs scan -o sarif=FILE` of the Debian 12 fixture image
# against the real Debian feed (and the PyPI and Go feeds when present, for
# covered matches), checked against the OASIS SARIF 2.1.0 JSON schema
# (fetched from npm by tests/tools/fetch-sarif-schema.sh, cached under
# build/cache/) and against the customs-scan JSON of the same run: one
# rule per distinct id, one result per match (active and suppressed), every
# ruleId a rule, levels and security-severity from the severity, locations
# the packages' paths, suppressions on exactly the suppressed and covered
# matches, the same bytes on a second run.
. "$(dirname "$0")/../lib/common.sh"
set +e +o pipefail

need_fixtures
need_shared feeds/debian-osv.zip
[ -d "$FIXTURES/oci/debian-rich" ] || skip "$FIXTURES/oci/debian-rich is absent"
# Debian's python3 has python3-jsonschema (the default python3 may be another one)
PY=/usr/bin/python3
$PY -c 'import jsonschema' 2>/dev/null || skip "$PY has no jsonschema module (apt-get install python3-jsonschema)"

SCHEMA=$SRCDIR/build/cache/sarif-schema-2.1.0.json
bash "$SRCDIR/tests/tools/fetch-sarif-schema.sh" "$SCHEMA" 2>"$TMP/fetch.err"
case $? in
0) ;;
2) skip "the SARIF schema is not cached at $SCHEMA and npm could not fetch it: $(cat "$TMP/fetch.err")" ;;
*)
	not_ok "fetch the SARIF 2.1.0 schema: $(cat "$TMP/fetch.err")"
	finish
	exit 1
	;;
esac

DB=$TMP/vuln.sqlite
feeds=("$SHARED/feeds/debian-osv.zip")
for f in pypi-osv.zip go-osv.zip; do
	[ -f "$SHARED/feeds/$f" ] && feeds+=("$SHARED/feeds/$f")
done
"$CUSTOMS" db import --db "$DB" --quiet "${feeds[@]}" >/dev/null 2>"$TMP/import.err"
check_eq "import ${#feeds[@]} feed(s)" "$?" 0

# one id ignored and the unimportant ones hidden: suppressions of each kind
echo '[{"id": "CVE-2019-1010022", "reason": "glibc: disputed upstream"}]' >"$TMP/ignore.json"
export SOURCE_DATE_EPOCH=1700000000
scan() { # scan OUTPUT...
	"$CUSTOMS" scan --quiet --db "$DB" --max-db-age 0 --hide-status unimportant --ignore "$TMP/ignore.json" "$@" \
		"oci:$FIXTURES/oci/debian-rich" 2>>"$TMP/scan.err"
}
scan -o json="$TMP/r.json" -o sarif="$TMP/r.sarif"
check_eq "scan -o json=FILE -o sarif=FILE exits 0" "$?" 0
scan -o sarif="$TMP/again.sarif"
check_eq "second scan exits 0" "$?" 0
check "two runs write the same SARIF bytes" cmp -s "$TMP/r.sarif" "$TMP/again.sarif"

$PY "$SRCDIR/tests/tools/validate-json-schema.py" "$SCHEMA" "$TMP/r.sarif" >"$TMP/valid.out" 2>&1
rc=$?
[ $rc -eq 0 ] || head -n 20 "$TMP/valid.out" | sed 's/^/#   /'
check_eq "the SARIF log is valid against the OASIS SARIF 2.1.0 schema" "$rc" 0

# the checks, one line each: "name True|False [detail]"
$PY - "$TMP/r.json" "$TMP/r.sarif" >"$TMP/facts" 2>"$TMP/facts.err" <<'PY'
import json, re, sys
from urllib.parse import unquote

scan = json.load(open(sys.argv[1]))
log = json.load(open(sys.argv[2]))
run = log["runs"][0]
rules = run["tool"]["driver"]["rules"]
results = run["results"]
ms = scan["matches"] + scan["suppressed"]

def say(name, ok, detail=""):
    print(name, bool(ok), detail)

def info(name, value):
    print(name, value)

say("header", log["version"] == "2.1.0" and len(log["runs"]) == 1 and run["tool"]["driver"]["name"] == "customs")
ids = sorted({m["id"] for m in ms})
say("rules", [r["id"] for r in rules] == ids, "%d rules, %d ids" % (len(rules), len(ids)))
say("results", len(results) == len(ms), "%d results, %d matches" % (len(results), len(ms)))
say("rule-refs", all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results))
say("github-required", all(r.get("shortDescription", {}).get("text") and r.get("fullDescription", {}).get("text")
                           and r.get("help", {}).get("text") and r.get("help", {}).get("markdown") for r in rules)
    and all(x["message"]["text"] and x["locations"] and x["partialFingerprints"] for x in results))

# pair results with matches: (id, name, version, purl, path), in order
def path_of(m):
    return (m["package"]["location"] or "").lstrip("/")
def key_m(m):
    p = m["package"]
    return (m["id"], p["name"], p["version"], p["purl"] or "", path_of(m))
def key_r(x):
    pr = x["properties"]
    uri = x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    return (x["ruleId"], pr["packageName"], pr["installedVersion"], pr.get("purl", ""), unquote(uri))
say("same-matches", sorted(map(key_m, ms)) == sorted(map(key_r, results)))
say("locations", all(path_of(m) for m in ms) and all(not x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("/")
                                                      and x["locations"][0]["physicalLocation"]["region"]["startLine"] == 1 for x in results))
info("some-paths", sorted({path_of(m) for m in ms})[:3])

level = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "negligible": "note", "unknown": "note"}
by_key = {}
for m in ms:
    by_key.setdefault(key_m(m), []).append(m)
bad = [key_r(x) for x in results
       if not any(x["level"] == level[m["severity"]["bucket"]] and x["properties"]["severity"] == m["severity"]["bucket"]
                  for m in by_key.get(key_r(x), []))]
say("levels", not bad, bad[:3])
info("levels-seen", sorted({x["level"] for x in results}))

# security-severity: "N.N"; its GitHub bucket is the match's, or none for negligible/unknown
def gh(s):
    v = float(s)
    return "critical" if v >= 9 else "high" if v >= 7 else "medium" if v >= 4 else "low" if v > 0 else "none"
ok = all(re.fullmatch(r"\d{1,2}\.\d", x["properties"]["security-severity"]) and
         gh(x["properties"]["security-severity"]) == {"negligible": "none", "unknown": "none"}.get(
             x["properties"]["severity"], x["properties"]["severity"]) for x in results)
rank = ["unknown", "negligible", "low", "medium", "high", "critical"]
top = {}
for x in results:
    s = x["properties"]["severity"]
    if rank.index(s) >= rank.index(top.get(x["ruleId"], "unknown")):
        top[x["ruleId"]] = s
ok_rules = all(r["defaultConfiguration"]["level"] == level[top[r["id"]]] and top[r["id"]] in r["properties"]["tags"]
               and "security" in r["properties"]["tags"] for r in rules)
say("security-severity", ok and ok_rules)

# suppressions on exactly the matches that do not count
want = sorted(map(key_m, scan["suppressed"]))
got = sorted(key_r(x) for x in results if x.get("suppressions"))
say("suppressed", want == got and len(want) > 0, "%d suppressed" % len(want))
say("suppression-form", all(s["kind"] == "external" and s["justification"] for x in results for s in x.get("suppressions", [])))
kinds = {(m["suppressed_by"] or {}).get("kind") or ("covered" if m["covered_by"] else None) for m in scan["suppressed"]}
info("suppression-kinds", sorted(k for k in kinds if k))
say("fingerprints", all(re.fullmatch(r"[0-9a-f]{64}", x["partialFingerprints"]["customs/v1"]) for x in results))
say("image", run["properties"]["imageName"] == "debian-rich:latest" and
    run["properties"]["imageDigest"] == scan["image"]["manifest_digest"])
PY
check_eq "the checks ran" "$?" 0
sed 's/^/# /' "$TMP/facts.err" | head -n 20
for name in header rules results rule-refs github-required same-matches locations levels security-severity suppressed \
	suppression-form fingerprints image; do
	line=$(grep "^$name " "$TMP/facts")
	check "$name: ${line#"$name "}" grep -q "^$name True" "$TMP/facts"
done
grep -E "^(some-paths|levels-seen|suppression-kinds) " "$TMP/facts" | sed 's/^/# /'
if [ -f "$SHARED/feeds/pypi-osv.zip" ]; then
	check "suppressed by an ignore rule, a hidden status, and covered by distro packages" \
		grep -q "^suppression-kinds .*'covered'.*'ignore'.*'status'" "$TMP/facts"
else
	check "suppressed by an ignore rule and a hidden status" grep -q "^suppression-kinds .*'ignore'.*'status'" "$TMP/facts"
fi

# SARIF needs scan results: `customs sbom -o sarif` is refused
"$CUSTOMS" sbom -o sarif "oci:$FIXTURES/oci/debian-rich" >/dev/null 2>"$TMP/sbom.err"
rc=$?
check "customs sbom -o sarif is refused (exit $rc): $(head -n 1 "$TMP/sbom.err")" [ "$rc" -ne 0 ]

finish
