# lang_npm_alias.sh - npm packages installed under an alias
# ("string-width-cjs": "npm:string-width@^4.2.0"): a real tree that `npm ci`
# installs from tests/data/lang/npm/alias-tree (cached under build/cache/),
# compared with `npm ls --all --json --long` of that tree, which names each
# installed folder's real package (the reference does not read package.json
# names); its package-lock.json read as a lockfile-only project; the alias
# in every SBOM format.
. "$(dirname "$0")/../lib/common.sh"
command -v npm >/dev/null || skip "npm is not installed (scripts/deps.sh installs it)"
command -v jq >/dev/null || skip "jq is not installed"

SRC=$SRCDIR/tests/data/lang/npm/alias-tree
key=$(cat "$SRC/package.json" "$SRC/package-lock.json" | sha256sum | cut -c1-16)
TREE=$SRCDIR/build/cache/npm-alias-tree-$key
if [ ! -f "$TREE/npm-ls.json" ]; then
	rm -rf "$TREE.tmp"
	mkdir -p "$TREE.tmp"
	cp "$SRC/package.json" "$SRC/package-lock.json" "$TREE.tmp/"
	if ! (cd "$TREE.tmp" && timeout 300 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error \
		--fetch-retries=1 --fetch-retry-mintimeout=2000 --fetch-retry-maxtimeout=5000) >"$TMP/npm.log" 2>&1; then
		skip "npm ci of $SRC failed (no registry?): $(tail -n 2 "$TMP/npm.log" | tr '\n' ' ')"
	fi
	rm -rf "$TREE"
	mv "$TREE.tmp" "$TREE"
	# the paths npm ls prints are where the tree is now; npm-ls.json marks it done
	(cd "$TREE" && npm ls --all --json --long) >"$TREE/npm-ls.tmp"
	mv "$TREE/npm-ls.tmp" "$TREE/npm-ls.json"
fi

# ---- the installed tree ----
D=$TMP/img
mkdir -p "$D/srv"
cp -a "$TREE" "$D/srv/app"
rm "$D/srv/app/npm-ls.json" "$D/srv/app/node_modules/.package-lock.json"
"$CUSTOMS" sbom -o json --quiet --analyzers npm "dir:$D" >"$TMP/tree.json" 2>"$TMP/err" ||
	{ cat "$TMP/err"; not_ok "customs sbom of the installed tree"; finish; }
check_eq "no warnings" "$(jq '.warnings | length' "$TMP/tree.json")" 0

# npm ls --long: every node has the real name, version and the folder it
# is installed in; its key in the parent's dependencies is the alias
jq -r --arg root "$TREE" '
	def walk_deps: .dependencies // {} | to_entries[] | (.value + {key: .key}), (.value | walk_deps);
	[walk_deps | select(.path and .version and (.missing | not))
	 | "srv/app\(.path | ltrimstr($root))\t\(.name)\t\(.version)\t\(if .key != .name then .key else "-" end)"]
	| unique[]' "$TREE/npm-ls.json" >"$TMP/ls.tsv"
jq -r '.packages[] | select(.type == "npm") |
	"\(.metadata.location)\t\(.name)\t\(.version)\t\(.metadata.alias // "-")"' "$TMP/tree.json" | sort -u >"$TMP/got.tsv"
if diff "$TMP/ls.tsv" "$TMP/got.tsv" >"$TMP/d"; then
	ok "installed packages equal npm ls --all --long ($(wc -l <"$TMP/ls.tsv") folders, $(grep -vc -- '-$' "$TMP/ls.tsv") aliases)"
else
	not_ok "installed packages differ from npm ls (< npm ls, > customs)"
	head -20 "$TMP/d"
fi
check "npm ls holds the aliases the test is about" grep -q $'srv/app/node_modules/string-width-cjs\tstring-width\t4' "$TMP/ls.tsv"
check "@isaacs/cliui pulls strip-ansi-cjs and wrap-ansi-cjs" \
	bash -c "grep -q \$'/strip-ansi-cjs\tstrip-ansi\t' '$TMP/ls.tsv' && grep -q \$'/wrap-ansi-cjs\twrap-ansi\t' '$TMP/ls.tsv'"
q() { jq -r "$1" "$TMP/tree.json"; }
check_eq "an alias has the real package's purl" \
	"$(q '.packages[] | select(.metadata.location == "srv/app/node_modules/string-width-cjs") | .purl')" \
	"pkg:npm/string-width@$(jq -r '.packages["node_modules/string-width-cjs"].version' "$SRC/package-lock.json")"
check_eq "a scoped alias of an unscoped package" \
	"$(q '.packages[] | select(.metadata.alias == "@fixture/old-ms") | [.name, .version, .purl] | @tsv')" \
	"$(printf 'ms\t2.0.0\tpkg:npm/ms@2.0.0')"

# ---- the same project from its lockfile alone ----
L=$TMP/lock
mkdir -p "$L/srv/app"
cp "$SRC/package.json" "$SRC/package-lock.json" "$L/srv/app/"
"$CUSTOMS" sbom -o json --quiet --analyzers npm "dir:$L" >"$TMP/lock.json"
jq -r '.packages[] | "\(.metadata.location)\t\(.name)\t\(.version)\t\(.metadata.alias // "-")"' "$TMP/lock.json" |
	sort -u >"$TMP/lock.tsv"
if diff "$TMP/ls.tsv" "$TMP/lock.tsv" >"$TMP/d"; then
	ok "package-lock.json alone gives npm ls's packages, aliases included"
else
	not_ok "package-lock.json differs from npm ls (< npm ls, > customs)"
	head -20 "$TMP/d"
fi

# ---- the alias in the SBOMs, and back ----
"$CUSTOMS" sbom --quiet --analyzers npm -o "cyclonedx-json=$TMP/cdx.json" -o "spdx-json=$TMP/spdx.json" "dir:$D"
check_eq "CycloneDX: customs:npm:alias on the aliased components" \
	"$(jq -r '[.components[] | select(any(.properties[]?; .name == "customs:npm:alias")) | "\(.name)=\(.properties[] | select(.name == "customs:npm:alias") | .value)"] | sort | unique | join(" ")' "$TMP/cdx.json")" \
	"$(cut -f2,4 "$TMP/ls.tsv" | awk -F'\t' '$2 != "-" { print $1 "=" $2 }' | sort -u | tr '\n' ' ' | sed 's/ $//')"
check_eq "SPDX: one customs:npm:alias annotation per aliased folder" \
	"$(jq '[.packages[].annotations[]? | select(.comment | startswith("customs:npm:alias="))] | length' "$TMP/spdx.json")" \
	"$(awk -F'\t' '$4 != "-"' "$TMP/ls.tsv" | wc -l)"
for f in cdx spdx; do
	"$CUSTOMS" sbom -o json --quiet "sbom:$TMP/$f.json" >"$TMP/back-$f.json"
	check_eq "$f: the aliases read back" \
		"$(jq -r '[.packages[] | select(.metadata.alias) | "\(.name)@\(.version)=\(.metadata.alias)"] | sort | join(" ")' "$TMP/back-$f.json")" \
		"$(q '[.packages[] | select(.metadata.alias) | "\(.name)@\(.version)=\(.metadata.alias)"] | sort | join(" ")')"
done
finish
