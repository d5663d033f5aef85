#!/bin/bash
# policy_secrets.sh - the secrets analyzer: what it finds in the rich
# fixture image (every planted secret, in every layer, the config's Env),
# and that no output or log of inspect, evaluate or scan --policy holds any
# planted secret in full; on images made here: a secret deleted by a later
# layer, binaries skipped by their magic bytes, a secret 200,000 lines down
# and one deep in a line of 100 KB, a bundle's own pattern Hyperscan cannot
# take (a backreference) matched line by line with PCRE2.
. "$(dirname "$0")/../lib/common.sh"
set +e +o pipefail

need_fixtures
RICH=oci:$FIXTURES/oci/debian-rich
ROOT=$FIXTURES/rootfs/debian-rich/rootfs

# ---- what the rich image holds ----
"$CUSTOMS" inspect --quiet --secrets -o json "$RICH" >"$TMP/inspect.json" 2>"$TMP/inspect.err"
check_eq "inspect --secrets exits 0" "$?" 0
check_eq "the secrets of the rich image: rule, path, layer, visible, line, redacted match" \
	"$(jq -r '.secrets[] | [.rule, .path, (.layer // "-"), .visible, .line, .match] | @tsv' "$TMP/inspect.json")" \
	"$(printf '%s\n' \
		"AWS_ACCESS_KEY	app/.env	2	true	2	AKIAFI********" \
		"AWS_SECRET_KEY	app/.env	2	true	3	AWS_SECRET_ACCESS_KEY=FA********" \
		"GITHUB_TOKEN	app/.env	2	true	4	ghp_FA********" \
		"GITLAB_TOKEN	app/.env	2	true	5	glpat-FA********" \
		"SLACK_TOKEN	app/.env	2	true	6	xoxb-********" \
		"NPM_TOKEN	app/.npmrc	2	true	1	npm_FA********" \
		"PASSWORD_ASSIGNMENT	app/config/database.yml	2	false	6	password: FA********" \
		"GCP_SERVICE_ACCOUNT	app/keys/gcp-service-account.json	2	true	2	\"type\": \"service_account\"" \
		"PRIV_KEY	app/keys/server.key	2	true	1	-----BEGIN PRIVATE KEY-----" \
		"PASSWORD_ASSIGNMENT	app/node_modules/axios/README.md	2	true	365	password: '********" \
		"AWS_ACCESS_KEY	config:Env	-	true	3	AKIAFI********" \
		"AWS_ACCESS_KEY	root/.aws/credentials	2	false	2	AKIAFI********" \
		"AWS_SECRET_KEY	root/.aws/credentials	2	false	3	aws_secret_access_key = FA********" \
		"DOCKER_AUTH	root/.docker/config.json	2	true	4	\"auth\": \"Zm********" \
		"PASSWORD_ASSIGNMENT	root/.pypirc	2	true	3	password = py********" \
		"PRIV_KEY	root/.ssh/id_ed25519	2	true	1	-----BEGIN OPENSSH PRIVATE KEY-----" \
		"PRIV_KEY	usr/share/nodejs/npm/lib/utils/config/definitions.js	1	true	1127	-----BEGIN PRIVATE KEY-----")"
check_eq "the config's Env entry that holds the key is redacted in the analysis" \
	"$(jq -r '.image.config.env[] | select(startswith("AWS_"))' "$TMP/inspect.json")" "AWS_ACCESS_KEY_ID=AKIAFI********"
"$CUSTOMS" inspect --quiet -o json "$RICH" >"$TMP/plain.json"
check_eq "without --secrets no secrets member: the analysis JSON is as before" "$(jq 'has("secrets")' "$TMP/plain.json")" false

# ---- no output holds a planted secret ----
cat >"$TMP/secrets.json" <<'EOF'
{"version": "1_0", "id": "s", "name": "secrets and config",
 "policies": [{"id": "p", "rules": [
   {"gate": "secret_scans", "trigger": "content_regex_checks", "action": "STOP", "params": []},
   {"gate": "config", "trigger": "private_keys", "action": "STOP", "params": []},
   {"gate": "config", "trigger": "credentials", "action": "STOP", "params": []},
   {"gate": "dockerfile", "trigger": "instruction", "action": "WARN",
    "params": [{"name": "instruction", "value": "ENV"}, {"name": "check", "value": "exists"}]},
   {"gate": "files", "trigger": "content_regex_match", "action": "WARN",
    "params": [{"name": "regex_name", "value": "TOKENS=(ghp|glpat|npm)_?-?[A-Za-z0-9]+"}]}]}],
 "mappings": [{"registry": "*", "repository": "*", "image": {"type": "tag", "value": "*"}, "policy_id": "p", "whitelist_ids": []}]}
EOF
"$CUSTOMS" db import --quiet --db "$TMP/db.sqlite" "$SRCDIR/tests/data/feeds/osv" >/dev/null 2>&1
for fmt in table json sarif; do
	"$CUSTOMS" evaluate --policy "$TMP/secrets.json" -o "$fmt" "$RICH" >"$TMP/out.evaluate.$fmt" 2>"$TMP/out.evaluate.$fmt.err"
	check_eq "evaluate -o $fmt: STOP" "$?" 1
done
"$CUSTOMS" scan --db "$TMP/db.sqlite" --max-db-age 0 --policy "$TMP/secrets.json" -o json "$RICH" \
	>"$TMP/out.scan.json" 2>"$TMP/out.scan.err"
"$CUSTOMS" scan --db "$TMP/db.sqlite" --max-db-age 0 --policy "$TMP/secrets.json" "$RICH" \
	>"$TMP/out.scan.table" 2>"$TMP/out.scan.table.err"
cp "$TMP/inspect.json" "$TMP/out.inspect.json"
cp "$TMP/inspect.err" "$TMP/out.inspect.err"
check "the outputs mention the secrets (redacted)" grep -q 'AKIAFI\*\*\*\*\*\*\*\*' "$TMP/out.evaluate.table"
planted=(AKIAFIXTUREFAKEKEY01 FIXTUREFAKEKEY FAKEfixtureSECRETkeyDoNotUse0123456789ab SECRETkeyDoNotUse
	ghp_FAKEfixtureTOKEN00000000000000000000 glpat-FAKEfixtureTOKEN0000 FAKEfixtureTOKEN
	xoxb-000000000000-0000000000000-FAKEfixtureTOKEN0000000 npm_FAKEfixtureTOKEN00000000000000000000
	pypi-FAKEfixtureTOKEN0000000000 FAKE-fixture-db-password FAKE-registry-password
	"$(printf 'fixture:FAKE-registry-password' | base64)"
	"$(sed -n 2p "$ROOT/app/keys/server.key")" "$(sed -n 2p "$ROOT/root/.ssh/id_ed25519")")
leaks=""
for s in "${planted[@]}"; do
	[ -n "$s" ] || continue
	hit=$(grep -lF -- "$s" "$TMP"/out.* 2>/dev/null | xargs -r -n1 basename | paste -sd,)
	[ -n "$hit" ] && leaks+="$s in $hit; "
done
check_eq "no output or log holds a planted secret in full (${#planted[@]} strings, $(ls "$TMP"/out.* | wc -l) files)" "$leaks" ""

# ---- images made here ----
printf 'AWS_ACCESS_KEY_ID=AKIATESTDELETEDKEY01\n' >"$TMP/env"
printf '\177ELF\002\001\001\000AKIATESTBINARYKEY001\n' >"$TMP/elf"
printf 'text\000with a NUL AKIATESTNULBYTEKEY01\n' >"$TMP/nul"
python3 - "$TMP/big" "$TMP/wide" <<'PY'
import sys
open(sys.argv[1], "w").write("filler line\n" * 200000 + "token = AKIATESTFARDOWNKEY01\n")
open(sys.argv[2], "w").write("x" * 100000 + " AKIATESTWIDELINEKEY1 " + "y" * 1000 + "\n")
PY
printf 'before\nsession tok_abcdef-tok_abcdef after\n' >"$TMP/doubled"
cat >"$TMP/spec.json" <<EOF
[[["app/.env", {"file": "$TMP/env"}], ["app/tool", {"file": "$TMP/elf"}], ["app/blob", {"file": "$TMP/nul"}],
  ["app/big.log", {"file": "$TMP/big"}], ["app/wide.txt", {"file": "$TMP/wide"}], ["app/doubled.txt", {"file": "$TMP/doubled"}]],
 [["app/.env", null]]]
EOF
python3 "$SRCDIR/tests/lib/mkimage.py" "$TMP/img.tar" "$TMP/spec.json"
"$CUSTOMS" inspect --quiet --secrets -o json "docker-archive:$TMP/img.tar" >"$TMP/img.json"
check_eq "made image: what is found, and where" \
	"$(jq -r '.secrets[] | [.rule, .path, .layer, .visible, .line, .match] | @tsv' "$TMP/img.json")" \
	"$(printf '%s\n' \
		"AWS_ACCESS_KEY	app/.env	0	false	1	AKIATE********" \
		"AWS_ACCESS_KEY	app/big.log	0	true	200001	AKIATE********" \
		"AWS_ACCESS_KEY	app/wide.txt	0	true	1	AKIATE********")"
check_eq "made image: the ELF and the file with a NUL are skipped" \
	"$(jq -r '[.secrets[].path] | map(select(. == "app/tool" or . == "app/blob")) | length' "$TMP/img.json")" 0
cat >"$TMP/own.json" <<'EOF'
{"version": "1_0", "policies": [{"id": "p", "rules": [
   {"id": "doubled", "gate": "secret_scans", "trigger": "content_regex_checks", "action": "STOP",
    "params": [{"name": "content_regex_name", "value": "DOUBLED=(tok_[a-z]+)-\\1"}]}]}],
 "mappings": [{"registry": "*", "repository": "*", "image": {"type": "tag", "value": "*"}, "policy_id": "p", "whitelist_ids": []}]}
EOF
"$CUSTOMS" evaluate --quiet --policy "$TMP/own.json" -o json "docker-archive:$TMP/img.tar" >"$TMP/own.out.json"
check_eq "a backreference (PCRE2, line by line): found at its line, redacted" \
	"$(jq -r '.findings[] | .message' "$TMP/own.out.json")" \
	"Secret content search analyzer found regexp match in container: file=/app/doubled.txt regexp=DOUBLED line=2 match=to********"
grep -q tok_abcdef "$TMP/own.out.json"
check "... and the match is not in the output" test $? -ne 0
finish
