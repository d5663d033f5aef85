#!/bin/bash
# policy_bundles.sh - `customs policy validate` and `describe`: a bundle
# with every kind of mistake gives exactly the expected messages, each
# with its place in the document (tests/data/policy/bad_bundle.expected);
# Anchore Engine's own bundles: the default one is valid, the all-rules
# test bundle has the two regexes Python would refuse too; malformed and
# hostile documents get one clear message; YAML reads as JSON does; the
# gate reference in docs/policy.md is what `describe -o markdown` prints.
. "$(dirname "$0")/../lib/common.sh"
set +e +o pipefail

D=$SRCDIR/tests/data/policy
cd "$D" || exit 1

# ---- what is wrong, where ----
"$CUSTOMS" policy validate bad_bundle.json >"$TMP/bad.out" 2>"$TMP/bad.err"
check_eq "an invalid bundle: exit 1" "$?" 1
if cmp -s "$TMP/bad.out" bad_bundle.expected; then
	ok "bad_bundle.json: exactly the expected problems ($(wc -l <bad_bundle.expected))"
else
	not_ok "bad_bundle.json: the problems differ (- expected, + got):"
	diff -u bad_bundle.expected "$TMP/bad.out" | head -40
fi
check_eq "... and nothing on stderr" "$(cat "$TMP/bad.err")" ""
"$CUSTOMS" policy validate -o json bad_bundle.json >"$TMP/bad.json"
check_eq "-o json: the same problems" \
	"$(jq -r '.problems[] | "bad_bundle.json: \(.path): \(.message)"' "$TMP/bad.json")" "$(cat bad_bundle.expected)"
check_eq "-o json: valid false" "$(jq -r .valid "$TMP/bad.json")" false

"$CUSTOMS" policy validate anchore_default_bundle.json >"$TMP/default.out"
check_eq "Anchore Engine's default bundle is valid" "$?" 0
grep -q '^anchore_default_bundle.json: valid: bundle 2c53a13c-1765-11e8-82ef-23527761d060 (sha256:[0-9a-f]\{64\}), 0 allowlist items$' "$TMP/default.out"
check "... and the line says so, with its digest" test $? -eq 0
"$CUSTOMS" policy validate anchore_all_rules_bundle.json >"$TMP/all.out"
check_eq "Anchore's all-rules test bundle: exit 1" "$?" 1
check_eq "... its two regexes that do not compile, as Python's re says too" "$(cat "$TMP/all.out")" \
	"$(cat anchore_all_rules_bundle.expected)"

# ---- YAML ----
python3 - anchore_default_bundle.json "$TMP/default.yaml" <<'PY'
import json, sys
def emit(v, ind, out):
    pad = "  " * ind
    scalar = lambda x: not isinstance(x, (dict, list)) or not x
    show = lambda x: json.dumps(x) if not isinstance(x, (dict, list)) else ("{}" if isinstance(x, dict) else "[]")
    if isinstance(v, dict):
        for k, x in v.items():
            out.append("%s%s: %s" % (pad, k, show(x)) if scalar(x) else "%s%s:" % (pad, k))
            if not scalar(x):
                emit(x, ind + 1, out)
    else:
        for x in v:
            if scalar(x):
                out.append("%s- %s" % (pad, show(x)))
                continue
            start = len(out)
            emit(x, ind + 1, out)
            out[start] = pad + "- " + out[start][len(pad) + 2:]
out = []
emit(json.load(open(sys.argv[1])), 0, out)
open(sys.argv[2], "w").write("\n".join(out) + "\n")
PY
"$CUSTOMS" policy validate "$TMP/default.yaml" >"$TMP/yaml.out"
check_eq "the default bundle as YAML is valid" "$?" 0
check_eq "... with the JSON's digest" "$(grep -o 'sha256:[0-9a-f]*' "$TMP/yaml.out")" "$(grep -o 'sha256:[0-9a-f]*' "$TMP/default.out")"

# ---- malformed and hostile documents ----
validate_says() { # validate_says DESCRIPTION RC MESSAGE FILE
	"$CUSTOMS" policy validate "$4" >"$TMP/v.out" 2>&1
	check_eq "$1" "$?:$(cat "$TMP/v.out")" "$2:$3"
}
: >"$TMP/empty.json"
validate_says "an empty file" 1 "$TMP/empty.json: the document is null; a policy bundle is an object" "$TMP/empty.json"
printf '{"version": "1_0", "policies": [' >"$TMP/cut.json"
validate_says "JSON cut short" 1 "$TMP/cut.json: line 1 column 32: ']' expected near end of file" "$TMP/cut.json"
printf 'version: "1_0"\npolicies: [\n' >"$TMP/cut.yaml"
validate_says "YAML cut short" 1 \
	"$TMP/cut.yaml: line 3 column 1: did not find expected node content" "$TMP/cut.yaml"
printf '{"version": "1_0", "version": "1_0"}' >"$TMP/dup.json"
validate_says "a key twice" 1 "$TMP/dup.json: line 1 column 28: duplicate object key near '\"version\"'" "$TMP/dup.json"
head -c 4096 /dev/urandom | tr -d '{[' >"$TMP/garbage"
"$CUSTOMS" policy validate "$TMP/garbage" >/dev/null 2>&1
check_eq "random bytes: refused, no crash" "$?" 1
python3 -c 'import sys; sys.stdout.write("{\"version\": \"1_0\", \"x\": \"" + "a" * (17 << 20) + "\"}")' >"$TMP/huge.json"
validate_says "a bundle over 16 MiB" 1 "$TMP/huge.json: over the limit of 16777216 bytes for a policy bundle" "$TMP/huge.json"
python3 - "$TMP/bomb.yaml" <<'PY'
import sys
lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
for i in range(1, 9):
    lines.append("a%d: &a%d [%s]" % (i, i, ", ".join(["*a%d" % (i - 1)] * 10)))
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
validate_says "a YAML alias bomb" 1 "$TMP/bomb.yaml: the YAML expands to more than 1000000 nodes (aliases)" "$TMP/bomb.yaml"
python3 -c '
import json
rules = [{"gate": "always", "trigger": "always", "action": "GO", "params": []}] * 100001
print(json.dumps({"version": "1_0", "policies": [{"id": "p", "rules": rules}]}))' >"$TMP/many.json"
validate_says "more than 100000 rules" 1 "$TMP/many.json: policies[0].rules: more than 100000 rules in the bundle" "$TMP/many.json"
"$CUSTOMS" policy validate "$TMP/nope.json" >/dev/null 2>"$TMP/err"
check_eq "a file that is not there: exit 3" "$?:$(cat "$TMP/err")" "3:customs policy validate: $TMP/nope.json: No such file or directory"
"$CUSTOMS" policy frobnicate >/dev/null 2>"$TMP/err"
check_eq "an unknown subcommand: a usage error" "$?:$(cat "$TMP/err")" \
	"2:customs policy: unknown subcommand 'frobnicate': validate, describe or export-vex (see \`customs help policy\`)"

# ---- describe: the table itself, and docs/policy.md is its Markdown ----
"$CUSTOMS" policy describe -o json >"$TMP/gates.json"
check_eq "describe -o json: the gates" "$(jq -r '[.[].name] | join(" ")' "$TMP/gates.json")" \
	"vulnerabilities packages licenses files secret_scans config dockerfile passwd_file retrieved_files distro metadata npms ruby_gems image_source_drift malware always"
check_eq "describe -o json: every parameter has a type and a meaning" \
	"$(jq '[.[].triggers[].params[] | select(.type == "" or .description == "")] | length' "$TMP/gates.json")" 0
"$CUSTOMS" policy describe -o markdown >"$TMP/ref.md"
sed -n '/^<!-- generated by `customs policy describe -o markdown`/,$p' "$SRCDIR/docs/policy.md" >"$TMP/doc.md"
if cmp -s "$TMP/ref.md" "$TMP/doc.md"; then
	ok "docs/policy.md's reference is \`customs policy describe -o markdown\`"
else
	not_ok "docs/policy.md's reference differs from \`customs policy describe -o markdown\` (regenerate it):"
	diff -u "$TMP/doc.md" "$TMP/ref.md" | head -20
fi
"$CUSTOMS" policy describe -o yaml >/dev/null 2>"$TMP/err"
check_eq "describe -o yaml: a usage error naming the formats" "$?:$(cat "$TMP/err")" \
	"2:customs policy describe: unknown output format 'yaml'; use table, json, markdown (see \`customs help policy describe\`)"
finish
