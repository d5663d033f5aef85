#!/bin/bash
# plugins_examples.sh - the example plugins of plugins/examples end to end on
# the fixture images: analyzers (motd, binver) -> stored -> queried and in
# sbom/inspect; the query plugin (largest-files) against find(1) over the
# fixture's root filesystem; the gate plugin (labels) in a bundle ->
# evaluate -> exit code; a gate plugin that fails makes the evaluation fail
# closed.
. "$(dirname "$0")/../lib/common.sh"
set +e +o pipefail

need_fixtures
command -v jq >/dev/null || skip "jq is not installed"
RICH=oci:$FIXTURES/oci/debian-rich
MIN=oci:$FIXTURES/oci/debian-min
ROOT=$FIXTURES/rootfs/debian-rich/rootfs
export XDG_DATA_HOME=$TMP/xdg HOME=$TMP/home
export CUSTOMS_PLUGIN_PATH=$SRCDIR/plugins/examples
S=sqlite:$TMP/store.sqlite

# ---- analyzers: analyze -> stored -> queried ----
"$CUSTOMS" analyze --quiet --store "$S" "$RICH" >"$TMP/analyze.out" 2>"$TMP/analyze.err"
check_eq "analyze with the example analyzers exits 0" "$?" 0
DIGEST=$(jq -r '.manifest_digest' <<<"$("$CUSTOMS" inspect --quiet -o json "$RICH" | jq '.image')")
q() { "$CUSTOMS" query --store "$S" -o json "$DIGEST" "$@"; }
check_eq "the motd fact is the sha256 of the fixture's /etc/motd" \
	"$(q plugin-results | jq -r '.[] | select(.kind == "fact" and .key == "motd_sha256") | .value')" \
	"$(sha256sum <"$ROOT/etc/motd" | cut -d' ' -f1)"
check_eq "one finding per *.pem the container sees (find(1) over the root filesystem)" \
	"$(q plugin-results | jq -r '.[] | select(.kind == "finding") | .path' | sort)" \
	"$(cd "$ROOT" && find . -name '*.pem' | sed 's|^\.||' | sort)"
check_eq "a symlinked certificate is named with its target" \
	"$(q plugin-results | jq -r '.[] | select(.path == "/etc/ssl/certs/ISRG_Root_X1.pem") | .value')" \
	"a PEM file (symlink to $(readlink "$ROOT/etc/ssl/certs/ISRG_Root_X1.pem"))"
bash_dpkg=$(awk -F'\t' '$1 == "bash" {print $2}' "$FIXTURES/expected/debian-rich.dpkg.tsv")
check_eq "binver finds bash's version in the binary: dpkg's upstream version ($bash_dpkg)" \
	"$(q packages --type binary | jq -r '.[] | [.name, .version, .layer, .purl] | @tsv')" \
	"$(printf 'bash\t%s\t0\tpkg:generic/bash@%s' "${bash_dpkg%%-*}" "${bash_dpkg%%-*}")"
"$CUSTOMS" sbom --quiet -o json "$RICH" >"$TMP/sbom.json"
check_eq "sbom: the plugin's package with found_by plugin:binver and where it was found" \
	"$(jq -r '.packages[] | select(.found_by | startswith("plugin:")) | [.name, .found_by, .db_path] | @tsv' "$TMP/sbom.json")" \
	"$(printf 'bash\tplugin:binver\tusr/bin/bash')"
"$CUSTOMS" sbom --quiet -o cyclonedx-json "$RICH" >"$TMP/sbom.cdx.json"
check_eq "CycloneDX: the plugin's package is a component" \
	"$(jq -r '.components[] | select(.purl == "pkg:generic/bash@'"${bash_dpkg%%-*}"'") | .name' "$TMP/sbom.cdx.json")" "bash"
"$CUSTOMS" inspect --quiet -o json "$RICH" >"$TMP/inspect.json"
check_eq "inspect: what the plugins reported" \
	"$(jq -r '.plugins | keys | join(",")' "$TMP/inspect.json")" "motd"
check_eq "the analysis key of the store names the plugins with their versions" \
	"$(sqlite3 "$TMP/store.sqlite" "SELECT analyzers FROM images" | tr ',' '\n' | grep '^plugin:')" \
	"$(printf 'plugin:binver@1.0\nplugin:motd@1.0')"

# the layer cache keeps what the plugins take from a layer: debian-min's
# one layer is the rich image's first, so it is not read again, and the
# plugins still get its files
CUSTOMS_TIMINGS=1 "$CUSTOMS" analyze --store "$S" "$MIN" >/dev/null 2>"$TMP/min.err"
check_eq "the second image's layer comes from the store's layer cache" \
	"$(sed -n 's/.*timings: store: stored, \(.*\)/\1/p' "$TMP/min.err")" "0 layers read, 1 from the store"
MIN_DIGEST=$("$CUSTOMS" inspect --quiet -o json "$MIN" | jq -r '.image.manifest_digest')
check_eq "... and the plugins found what the layer holds: the motd fact, bash's version" \
	"$("$CUSTOMS" query --store "$S" -o json "$MIN_DIGEST" plugin-results | jq -r '.[] | .value'); $("$CUSTOMS" query --store "$S" -o json "$MIN_DIGEST" packages --type binary | jq -r '.[] | .name + " " + .version')" \
	"$(sha256sum <"$FIXTURES/rootfs/debian-min/rootfs/etc/motd" | cut -d' ' -f1); bash ${bash_dpkg%%-*}"

# busybox: a real binary, in an image of one directory
if command -v busybox >/dev/null; then
	mkdir -p "$TMP/bb/bin"
	cp "$(command -v busybox)" "$TMP/bb/bin/busybox"
	want=$(busybox 2>&1 | head -n1 | sed -n 's/^BusyBox v\([0-9.]*\).*/\1/p')
	check_eq "binver finds busybox's version ($want, as busybox itself says)" \
		"$("$CUSTOMS" sbom --quiet -o json "dir:$TMP/bb" | jq -r '.packages[] | select(.name == "busybox") | .version')" "$want"
else
	partial "busybox is not installed: the busybox check"
fi

# ---- the query plugin ----
check_eq "largest-files 5: path and size, as find(1) over the root filesystem says" \
	"$(q plugin:largest-files 5 | jq -r '.[] | [.path, .size] | @tsv')" \
	"$(cd "$ROOT" && find . -type f -printf '%s\t/%P\n' | LC_ALL=C sort -t$'\t' -k1,1nr -k2,2 | head -n5 | awk -F'\t' '{print $2 "\t" $1}')"
check_eq "largest-files: the default is 10 rows" "$(q plugin:largest-files | jq length)" 10
"$CUSTOMS" query --store "$S" "$DIGEST" plugin:largest-files many >/dev/null 2>"$TMP/q.err"
check_eq "a failing query plugin: exit 3" "$?" 3
check "... with its stderr" grep -q "plugin largest-files exited with status 2; stderr: largest-files: N must be a number, not 'many'" "$TMP/q.err"
"$CUSTOMS" query --store "$S" "$DIGEST" plugin:nosuch >/dev/null 2>"$TMP/q2.err"
check_eq "an unknown query plugin: exit 2" "$?" 2
check "... saying where it was looked for" grep -q "no query plugin nosuch: no executable customs-query-nosuch on CUSTOMS_PLUGIN_PATH" "$TMP/q2.err"
check_eq "query list lists the query plugin" \
	"$("$CUSTOMS" query list -o json | jq -r '.[] | select(.query | startswith("plugin:")) | [.query, .arguments] | @tsv')" \
	"$(printf 'plugin:largest-files\t[N]')"

# ---- the gate plugin: bundle -> evaluate -> exit code ----
bundle() { # bundle GATE TRIGGER ACTION [LABEL]
	jq -n --arg g "$1" --arg t "$2" --arg a "$3" --arg l "${4:-}" '{id: "b", version: "1_0", name: "plugins",
		mappings: [{id: "m", name: "all", registry: "*", repository: "*", image: {type: "tag", value: "*"}, policy_ids: ["p"]}],
		policies: [{id: "p", name: "p", version: "1_0", rules: [{id: "r1", gate: $g, trigger: $t, action: $a,
			params: (if $l == "" then [] else [{name: "label", value: $l}] end)}]}]}'
}
bundle plugin:labels missing STOP >"$TMP/stop.json"
"$CUSTOMS" evaluate --quiet --policy "$TMP/stop.json" -o json "$MIN" >"$TMP/e1.json" 2>"$TMP/e1.err"
check_eq "no maintainer label: STOP, exit 1" "$?" 1
check_eq "... the plugin's finding" "$(jq -r '.final_action + " " + (.findings[] | .gate + " " + .trigger + " " + .message)' "$TMP/e1.json")" \
	"STOP plugin:labels missing the image has no label maintainer"
bundle plugin:labels missing STOP org.opencontainers.image.title >"$TMP/go.json"
"$CUSTOMS" evaluate --quiet --policy "$TMP/go.json" -o json "$MIN" >"$TMP/e2.json" 2>"$TMP/e2.err"
check_eq "a label the image has: GO, exit 0" "$?:$(jq -r .final_action "$TMP/e2.json")" "0:GO"
jq '.mappings[0].whitelist_ids = ["w"] | .whitelists = [{id: "w", name: "w", version: "1_0",
	items: [{id: "i1", gate: "plugin:labels", trigger_id: "label-maintainer"}]}]' "$TMP/stop.json" >"$TMP/allow.json"
"$CUSTOMS" evaluate --quiet --policy "$TMP/allow.json" -o json "$MIN" >"$TMP/e4.json" 2>/dev/null
check_eq "an allowlist item for the plugin gate's trigger id silences it, as for a built-in gate: GO" \
	"$?:$(jq -r '.final_action + " " + (.findings[0].allowlisted_by.item_id // "-")' "$TMP/e4.json")" "0:GO i1"
check "policy describe shows the plugin's gate, trigger and typed parameter" \
	grep -q '^    label (string) e.g. "maintainer": the label that must be there (default maintainer)' \
	<("$CUSTOMS" policy describe)

# a gate plugin that fails: STOP whatever the rule's action
mkdir -p "$TMP/bad"
cat >"$TMP/bad/customs-gate-flaky" <<'EOF'
#!/bin/bash
if [ "$1" = describe ]; then
	echo '{"protocol":1,"kind":"gate","name":"flaky","description":"fails","version":"1","triggers":[{"name":"check"}]}'
	exit 0
fi
echo "the license server is down" >&2
exit 1
EOF
chmod +x "$TMP/bad/customs-gate-flaky"
bundle plugin:flaky check GO >"$TMP/flaky.json"
CUSTOMS_PLUGIN_PATH=$TMP/bad "$CUSTOMS" evaluate --policy "$TMP/flaky.json" -o json "$MIN" >"$TMP/e3.json" 2>"$TMP/e3.err"
check_eq "a failing gate plugin fails closed: STOP, exit 1, though the rule says GO" "$?:$(jq -r .final_action "$TMP/e3.json")" "1:STOP"
check_eq "... its finding says why" "$(jq -r '.findings[] | .action + " " + .message' "$TMP/e3.json")" \
	"STOP gate plugin:flaky failed: plugin flaky exited with status 1; stderr: the license server is down; the evaluation fails closed"
# its parameters are typed as the built-in gates' are
cat >"$TMP/bad/customs-gate-typed" <<'EOF'
#!/bin/bash
if [ "$1" = describe ]; then
	echo '{"protocol":1,"kind":"gate","description":"typed","version":"1","triggers":[{"name":"older_than","params":[{"name":"days","type":"integer","required":true}]}]}'
	exit 0
fi
cat >/dev/null; echo '{"fired":[]}'
EOF
chmod +x "$TMP/bad/customs-gate-typed"
jq -n '{id: "b", version: "1_0", name: "typed", mappings: [], policies: [{id: "p", name: "p", version: "1_0", rules: [
	{id: "r1", gate: "plugin:typed", trigger: "older_than", action: "WARN", params: [{name: "days", value: "many"}]},
	{id: "r2", gate: "plugin:typed", trigger: "older_than", action: "WARN", params: []}]}]}' >"$TMP/typed.json"
CUSTOMS_PLUGIN_PATH=$TMP/bad "$CUSTOMS" policy validate "$TMP/typed.json" >"$TMP/t.out" 2>&1
check_eq "a gate plugin's integer parameter given a word: the bundle is invalid" "$?" 1
check "... naming the rule's parameter" grep -qF 'policies[0].rules[0].params.days: "many" is not a non-negative integer' "$TMP/t.out"
check "... and its required parameter left out" grep -qF "policies[0].rules[1].params: plugin:typed/older_than needs days" "$TMP/t.out"
bundle plugin:gone check STOP >"$TMP/gone.json"
"$CUSTOMS" policy validate "$TMP/gone.json" >"$TMP/v.out" 2>"$TMP/v.err"
check_eq "a bundle naming a gate plugin that is not there is invalid" "$?" 1
check "... naming the plugin and where it was looked for" grep -qF "policies[0].rules[0].gate: no gate plugin gone: no executable customs-gate-gone" "$TMP/v.out"

finish
