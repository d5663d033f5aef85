#!/bin/bash
# plugins_limits.sh - plugins that misbehave (docs/plugins.md "Limits and
# failure"): one test plugin per way to fail (hang, stdout flood, output over
# the cap, non-zero exit, invalid JSON, wrong protocol version in describe
# and in the response, globs that try to climb out of the image, not
# executable), each with the warning asserted; the analysis goes on without
# it, marked incomplete (exit 4); the environment a plugin gets holds only
# the documented variables.
. "$(dirname "$0")/../lib/common.sh"
set +e +o pipefail

need_fixtures
MIN=oci:$FIXTURES/oci/debian-min
P=$TMP/plugins
mkdir -p "$P"
# no plugins of the user running the tests
export XDG_DATA_HOME=$TMP/xdg HOME=$TMP/home

# plugin NAME KIND DESCRIBE_JSON RUN_BODY: an executable bash plugin
plugin() {
	cat >"$P/customs-$2-$1" <<EOF
#!/bin/bash
if [ "\$1" = describe ]; then
	cat <<'JSON'
$3
JSON
	exit 0
fi
$4
EOF
	chmod +x "$P/customs-$2-$1"
}
describe() { # describe NAME [FILES_JSON]
	printf '{"protocol":1,"kind":"analyzer","name":"%s","description":"test plugin %s","version":"1"%s}' "$1" "$1" "${2:+,\"files\":$2}"
}

plugin hang analyzer "$(describe hang)" "cat >/dev/null; sleep 60 & echo \$! >'$TMP/hang.pid'; wait; echo '{}'"
plugin flood analyzer "$(describe flood)" 'cat >/dev/null; yes'
plugin big analyzer "$(describe big)" 'cat >/dev/null; printf "{\"packages\":[],\"pad\":\"%070000d\"}" 0'
plugin exits analyzer "$(describe exits)" 'cat >/dev/null; echo "starting" >&2; echo "cannot read the motd" >&2; exit 3'
plugin badjson analyzer "$(describe badjson)" 'cat >/dev/null; echo "{\"packages\": ["'
plugin oldproto analyzer '{"protocol":2,"kind":"analyzer","name":"oldproto","description":"x","version":"1"}' 'echo "{}"'
plugin answer2 analyzer "$(describe answer2)" 'cat >/dev/null; echo "{\"protocol\":2,\"packages\":[]}"'
plugin climb analyzer "$(describe climb '{"globs":["../../etc/shadow"]}')" 'echo "{}"'
plugin absolute analyzer "$(describe absolute '{"globs":["/etc/shadow"]}')" 'echo "{}"'
plugin wrongkind analyzer '{"protocol":1,"kind":"gate","name":"wrongkind","description":"x","version":"1","triggers":[{"name":"t"}]}' 'echo "{}"'
plugin nodescribe analyzer 'not json' 'echo "{}"'
plugin good analyzer "$(describe good '{"globs":["etc/debian_version"]}')" \
	'cat >/dev/null; printf "{\"packages\":[{\"name\":\"debian-version\",\"version\":\"%s\",\"path\":\"/etc/debian_version\"}]}" "$(cat "$CUSTOMS_ROOT/etc/debian_version")"'
# answers with one good and one bad record of each kind; wants more files than its max_count
plugin partial analyzer "$(describe partial '{"globs":["etc/debian_version","etc/hostname","etc/os-release"],"max_count":1}')" \
	'cat >/dev/null; n=$(cd "$CUSTOMS_ROOT" && find . -type f | wc -l); echo "{\"packages\":[{\"name\":\"ok\",\"version\":\"1\"},{\"name\":\"no-version\"}],\"facts\":{\"files\":\"$n\",\"n\":3},\"findings\":[{\"message\":\"fine\"},{\"message\":\"x\",\"severity\":\"urgent\"}]}"'
printf '#!/bin/bash\necho {}\n' >"$P/customs-analyzer-noexec"
# which variables it sees (python: bash would add PWD, SHLVL and _)
cat >"$P/customs-analyzer-env" <<'EOF'
#!/usr/bin/python3
import json, os, sys
if sys.argv[1:] == ["describe"]:
    print(json.dumps({"protocol": 1, "kind": "analyzer", "name": "env", "description": "its environment", "version": "1"}))
    sys.exit(0)
json.load(sys.stdin)
print(json.dumps({"packages": [{"name": "env", "version": "+".join(sorted(os.environ))}]}))
EOF
chmod +x "$P/customs-analyzer-env"
export CUSTOMS_PLUGIN_PATH=$P

# ---- customs plugin list: every plugin, the broken ones with why ----
CUSTOMS_PLUGIN_PATH=$TMP/empty "$CUSTOMS" plugin list >"$TMP/none.out" 2>"$TMP/none.err"
check_eq "no plugins: an empty table, exit 0" "$?:$(cat "$TMP/none.out")" "0:KIND  NAME  VERSION  STATUS  DESCRIPTION  WANTS  PATH"
check "... and where they would be looked for" grep -qF "customs plugin: no plugins on CUSTOMS_PLUGIN_PATH, in \$XDG_DATA_HOME/customs/plugins" "$TMP/none.err"
"$CUSTOMS" plugin frobnicate >/dev/null 2>"$TMP/usage.err"
check_eq "an unknown subcommand is a usage error" "$?:$(cat "$TMP/usage.err")" \
	"2:customs plugin: unknown subcommand 'frobnicate'; the one there is: list (see \`customs help plugin\`)"
"$CUSTOMS" plugin list -o json >"$TMP/list.json" 2>"$TMP/list.err"
check_eq "plugin list exits 0" "$?" 0
status() { jq -r --arg n "$1" '.[] | select(.name == $n) | .status + ": " + .description' "$TMP/list.json"; }
check_eq "a working plugin is ok, with its description" "$(status good)" "ok: test plugin good"
check_eq "a plugin of another protocol is broken, both versions named" "$(status oldproto)" \
	"broken: speaks protocol 2; this customs speaks protocol 1"
check_eq "a glob climbing out of the image is refused" "$(status climb)" \
	'broken: describe: glob "../../etc/shadow" is refused: globs are relative to the image root, without ".." or empty components'
check_eq "an absolute glob is refused" "$(status absolute)" \
	'broken: describe: glob "/etc/shadow" is refused: globs are relative to the image root, without ".." or empty components'
check_eq "describe of another kind than the file name says" "$(status wrongkind)" \
	'broken: describe says kind "gate", its file name says "analyzer"'
check_eq "describe that prints no JSON" "$(status nodescribe)" \
	"broken: describe printed invalid JSON: '[' or '{' expected near 'not' (line 1)"
check_eq "a file that is not executable" "$(status noexec)" "broken: not an executable file"
check_eq "what a plugin asks for is listed" \
	"$(jq -r '.[] | select(.name == "good") | .wants' "$TMP/list.json")" \
	"files etc/debian_version (max 1048576 bytes, 1000 files); packages"

# ---- one analysis with all of them: each failure warned, the rest kept ----
t0=$(date +%s)
CUSTOMS_PLUGIN_TIMEOUT=2 CUSTOMS_PLUGIN_MAX_OUTPUT=65536 AWS_SECRET_ACCESS_KEY=hunter2 \
	"$CUSTOMS" sbom -o json "$MIN" >"$TMP/sbom.json" 2>"$TMP/sbom.err"
rc=$?
t1=$(date +%s)
check_eq "the analysis finishes, incomplete (exit 4)" "$rc" 4
check "the hanging plugin was killed at its timeout (the run took $((t1 - t0)) s)" [ $((t1 - t0)) -lt 20 ]
warned() { grep -F "customs sbom: error: $MIN: $1" "$TMP/sbom.err" >/dev/null; }
check "timeout warned" warned "plugin hang timed out after 2 s (CUSTOMS_PLUGIN_TIMEOUT); the analysis goes on without it"
check "stdout flood warned" warned "plugin flood printed more than 65536 bytes (CUSTOMS_PLUGIN_MAX_OUTPUT); the analysis goes on without it"
check "output over the cap warned" warned "plugin big printed more than 65536 bytes (CUSTOMS_PLUGIN_MAX_OUTPUT); the analysis goes on without it"
check "non-zero exit warned with the last line of its stderr" warned \
	"plugin exits exited with status 3; stderr: cannot read the motd; the analysis goes on without it"
check "invalid JSON warned" warned "plugin badjson printed invalid JSON: "
check "a response in another protocol warned" warned \
	"plugin answer2 answered in protocol 2; this customs speaks protocol 1; the analysis goes on without it"
check "a broken plugin is warned about in the analysis" warned \
	"plugin oldproto ($P/customs-analyzer-oldproto) is broken: speaks protocol 2; this customs speaks protocol 1; the analysis goes on without it"
check_eq "the warnings are kept in the analysis, as errors" \
	"$(jq '[.warnings[] | select(.level == "error" and (.message | test("plugin ")))] | length' "$TMP/sbom.json")" 12
check "a package without a version is left out, warned" grep -qF \
	"customs sbom: warning: $MIN: plugin partial: package 1 of its response is left out: it needs a name and a version" "$TMP/sbom.err"
check "a finding of an unknown severity is left out, warned" grep -qF \
	"customs sbom: warning: $MIN: plugin partial: finding 1 of its response is left out" "$TMP/sbom.err"
check "a fact that is not a string is left out, warned" grep -qF \
	"customs sbom: warning: $MIN: plugin partial: \"facts\" of its response is an object of strings" "$TMP/sbom.err"
check "more wanted files than max_count: the rest not given, warned" grep -qF \
	"customs sbom: warning: $MIN: plugin partial: more than 1 wanted files (its max_count); the rest are not given to it" "$TMP/sbom.err"
check_eq "... what is good is kept: the package, the fact (1 file given), the finding" \
	"$(jq -c '[[.packages[] | select(.found_by == "plugin:partial") | .name], .plugins.partial]' "$TMP/sbom.json")" \
	'[["ok"],{"facts":{"files":"1"},"findings":[{"id":null,"severity":"info","message":"fine","path":null}]}]'
check_eq "the built-in analyzers' packages are all there" \
	"$(jq '[.packages[] | select(.found_by == "dpkg")] | length' "$TMP/sbom.json")" \
	"$(grep -c . "$FIXTURES/expected/debian-min.dpkg.tsv")"
check_eq "the working plugin's package, from the file it asked for" \
	"$(jq -r '.packages[] | select(.found_by == "plugin:good") | [.name, .version, .db_path, .layer] | @tsv' "$TMP/sbom.json")" \
	"$(printf 'debian-version\t%s\tetc/debian_version\t0' "$(cat "$FIXTURES/rootfs/debian-min/rootfs/etc/debian_version")")"
check_eq "a plugin sees only the documented variables (no inherited secret, no HOME)" \
	"$(jq -r '.packages[] | select(.found_by == "plugin:env") | .version' "$TMP/sbom.json")" \
	"CUSTOMS_PLUGIN_KIND+CUSTOMS_PLUGIN_NAME+CUSTOMS_PLUGIN_PROTOCOL+CUSTOMS_ROOT+LC_ALL+PATH"
# gone, or a zombie its killed parent left for init to reap
dead() {
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 0
	case $st in Z*) return 0 ;; *) return 1 ;; esac
}
hang_child=$(cat "$TMP/hang.pid" 2>/dev/null)
check "the hanging plugin started its child ($hang_child)" [ -n "$hang_child" ]
check "... which was killed with it" dead "${hang_child:-0}"
check "no private directory is left behind" bash -c "! ls '${TMPDIR:-/tmp}' | grep -q '^customs-plugin-'"

# no room for the private directory: that plugin fails, the analysis goes on
TMPDIR=$TMP/nonexistent "$CUSTOMS" sbom -o json "$MIN" >"$TMP/notmp.json" 2>"$TMP/notmp.err"
check_eq "without a usable \$TMPDIR the analysis still ends, incomplete" "$?" 4
check "... each analyzer plugin warned" grep -qF "customs sbom: error: $MIN: plugin good: cannot make a directory for plugin files ($TMP/nonexistent/customs-plugin-" "$TMP/notmp.err"
check_eq "... and the built-in analyzers' packages are there" \
	"$(jq '[.packages[] | select(.found_by == "dpkg")] | length' "$TMP/notmp.json")" "$(grep -c . "$FIXTURES/expected/debian-min.dpkg.tsv")"

finish
