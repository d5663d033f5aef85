# lang_npm.sh - the npm cataloger on the debian-rich fixture: the packages
# under /app equal `npm ls --all --json` (one per installed directory, found
# the way node resolves them), every installed package.json in the image
# equals a reference walk of the unpacked rootfs applying npm's layout rule
# (a folder whose package.json names another package is an alias: see
# lang_npm_alias.sh),
# Debian's modules are linked to the deb that owns them, the pruned dev
# dependency is gone, and lockfiles count only where nothing is installed.
. "$(dirname "$0")/../lib/common.sh"
need_fixtures
ROOTFS=$FIXTURES/rootfs/debian-rich/rootfs
[ -f "$FIXTURES/expected/debian-rich.npm-ls.json" ] || skip "no expected/debian-rich.npm-ls.json in $FIXTURES"
"$CUSTOMS" sbom --help >/dev/null 2>&1 || skip "this customs has no sbom command"
# the catalogers under test and what they depend on (dpkg: the owners)
ANALYZERS=os-release,dpkg,python,npm

"$CUSTOMS" sbom -o json --scope all-layers --quiet --analyzers "$ANALYZERS" oci:$FIXTURES/oci/debian-rich >"$TMP/all.json" 2>"$TMP/err" ||
	{ cat "$TMP/err"; not_ok "customs sbom failed"; finish; }
jq '{packages: [.packages[] | select(.visible)], warnings}' "$TMP/all.json" >"$TMP/sq.json"
check_eq "no warnings" "$(jq '.warnings | length' "$TMP/all.json")" 0

# Reference: walk the rootfs (symlinks not followed, as each physical
# directory is one installed copy) and apply the rule, then npm ls for /app.
cat >"$TMP/ref.py" <<'EOF'
import json, os, sys
root, npmls, customs = sys.argv[1:4]
ROOTS = (["usr", "share", "nodejs"], ["usr", "lib", "nodejs"])

def position(dirs):
    """The package name a directory's place implies, or None."""
    if "node_modules" in dirs:
        base = len(dirs) - dirs[::-1].index("node_modules")
    elif dirs[:3] in ROOTS:
        base = 3
    elif len(dirs) >= 4 and dirs[:2] == ["usr", "lib"] and dirs[3] == "nodejs":
        base = 4
    else:
        return None
    rest = dirs[base:]
    if len(rest) == 1 and rest[0][:1] not in ("@", "."):
        return rest[0]
    if len(rest) == 2 and rest[0].startswith("@") and len(rest[0]) > 1 and rest[1][:1] not in ("@", "."):
        return "/".join(rest)
    return None

ref = {}
for dp, dns, fns in os.walk(root):
    if "package.json" not in fns or os.path.islink(os.path.join(dp, "package.json")):
        continue
    rel = os.path.relpath(dp, root)
    name = position(rel.split("/"))
    if not name:
        continue
    try:
        j = json.load(open(os.path.join(dp, "package.json"), encoding="utf-8-sig"))
    except ValueError:
        continue
    if not (isinstance(j, dict) and isinstance(j.get("name"), str) and isinstance(j.get("version"), str)
            and j["name"] and j["version"]):
        continue
    # another name is an alias ("x-cjs": "npm:x@^4") where npm nests
    # packages; a nested node_modules elsewhere is a test fixture's
    dirs = rel.split("/")
    nested = [i for i, d in enumerate(dirs) if d == "node_modules"][1:]
    if j["name"] == name or all(position(dirs[:i]) for i in nested):
        ref[rel] = (j["name"], j["version"])

owner = {}
info = os.path.join(root, "var/lib/dpkg/info")
for f in os.listdir(info):
    if f.endswith(".list"):
        for line in open(os.path.join(info, f), encoding="utf-8", errors="replace"):
            owner[line.rstrip("\n")] = f[:-5].split(":")[0]

# npm ls: each dependency lives where node's resolution finds it from its parent
def resolve(d, name):
    while True:
        if os.path.basename(d) != "node_modules":
            c = os.path.join(d, "node_modules", name)
            if os.path.isfile(os.path.join(root, c, "package.json")):
                return c
        if d == "app":
            return None
        d = os.path.dirname(d)

ls = {}
stack = [("app", json.load(open(npmls)))]
while stack:
    d, node = stack.pop()
    for name, dep in sorted((node.get("dependencies") or {}).items()):
        if "version" not in dep or dep.get("missing"):
            continue
        loc = resolve(d, name)
        if loc is None:
            print("npm ls entry %s@%s under %s not found on disk" % (name, dep["version"], d)); continue
        if loc in ls and ls[loc] != (name, dep["version"]):
            print("npm ls disagrees with itself at %s" % loc)
        ls[loc] = (name, dep["version"])
        stack.append((loc, dep))

pk = [p for p in json.load(open(customs))["packages"] if p["type"] == "npm"]
got = {}
dups = 0
for p in pk:
    loc = p["metadata"]["location"]
    dups += loc in got
    got[loc] = (p["name"], p["version"])
def dump(name, d):
    with open(name, "w") as f:
        for k in sorted(d):
            f.write("%s\t%s\t%s\n" % (k, d[k][0], d[k][1]))
dump("got-all.tsv", got)
dump("ref-all.tsv", ref)
dump("got-app.tsv", {k: v for k, v in got.items() if k.startswith("app/")})
dump("ls-app.tsv", ls)
with open("owners.tsv", "w") as f:
    for p in sorted(pk, key=lambda p: p["metadata"]["location"]):
        f.write("%s\t%s\t%s\n" % (p["metadata"]["location"], p["metadata"].get("installed_by", "-"),
                                  owner.get("/" + p["metadata"]["location"] + "/package.json", "-")))
print("duplicates", dups)
EOF
(cd "$TMP" && python3 ref.py "$ROOTFS" "$FIXTURES/expected/debian-rich.npm-ls.json" sq.json) >"$TMP/ref.out"
check_eq "no location reported twice" "$(sed -n 's/^duplicates //p' "$TMP/ref.out")" 0
check_eq "npm ls resolved on disk" "$(grep -v '^duplicates' "$TMP/ref.out" | head -3)" ""
if diff "$TMP/ls-app.tsv" "$TMP/got-app.tsv" >"$TMP/d"; then
	ok "/app packages equal npm ls --all ($(wc -l <"$TMP/ls-app.tsv") installed directories)"
else
	not_ok "/app packages differ from npm ls (< npm ls, > customs)"; head -20 "$TMP/d"
fi
if diff "$TMP/ref-all.tsv" "$TMP/got-all.tsv" >"$TMP/d"; then
	ok "installed packages equal the rootfs walk ($(wc -l <"$TMP/ref-all.tsv"))"
else
	not_ok "installed packages differ from the rootfs walk (< rootfs, > customs)"; head -20 "$TMP/d"
fi
n_deb=$(grep -c '^usr/share/nodejs/' "$TMP/ref-all.tsv" || true)
check "Debian's usr/share/nodejs holds ~1,600 modules (got $n_deb)" [ "$n_deb" -gt 1500 ]
check_eq "usr/share/nodejs count" "$(grep -c '^usr/share/nodejs/' "$TMP/got-all.tsv" || true)" "$n_deb"
check_eq "usr/lib/node_modules count (npm's own, when installed there)" \
	"$(grep -c '^usr/lib/node_modules/' "$TMP/got-all.tsv" || true)" \
	"$(grep -c '^usr/lib/node_modules/' "$TMP/ref-all.tsv" || true)"
check_eq "installed_by is the deb whose .list holds the package.json, for every package" \
	"$(awk -F'\t' '$2 != $3' "$TMP/owners.tsv" | head -3)" ""
check_eq "every usr/share/nodejs module has installed_by" \
	"$(awk -F'\t' '$1 ~ /^usr\/share\/nodejs\// && $2 == "-"' "$TMP/owners.tsv" | wc -l)" 0
check_eq "nothing under /app is a deb's" "$(awk -F'\t' '$1 ~ /^app\// && $2 != "-"' "$TMP/owners.tsv" | wc -l)" 0

q() { jq -r "$1" "$TMP/sq.json"; }
for nv in lodash@4.17.15 minimist@1.2.0 axios@0.21.0 express@4.17.1 esbuild@0.18.20; do
	n=${nv%@*} v=${nv#*@}
	check_eq "$nv: purl, layer, location" \
		"$(q ".packages[] | select(.type==\"npm\" and .metadata.location==\"app/node_modules/$n\") | [.name, .version, .purl, .layer, .db_path, .found_by] | @tsv")" \
		"$(printf '%s\t%s\tpkg:npm/%s@%s\t2\tapp/node_modules/%s/package.json\tnpm' "$n" "$v" "$n" "$v" "$n")"
done
check_eq "scoped purl percent-encodes the @" \
	"$(q '.packages[] | select(.name=="@esbuild/linux-x64") | .purl')" "pkg:npm/%40esbuild/linux-x64@0.18.20"
check_eq "every /app package comes from layer 2" \
	"$(q '[.packages[] | select(.type=="npm" and (.metadata.location | startswith("app/"))) | .layer] | unique | join(",")')" 2
check_eq "every Debian module comes from layer 1" \
	"$(q '[.packages[] | select(.type=="npm" and (.metadata.location | startswith("usr/share/nodejs/"))) | .layer] | unique | join(",")')" 1
check_eq "left-pad (pruned dev dependency) is not in the squashed view" \
	"$(q '[.packages[] | select(.name=="left-pad")] | length')" 0
check_eq "no /app package is marked dev after the prune" \
	"$(q '[.packages[] | select(.type=="npm" and .metadata.dev)] | length')" 0
check_eq "all layers: left-pad from layer 2, hidden, dev (from package-lock.json)" \
	"$(jq -r '.packages[] | select(.name=="left-pad") | [.version, .layer, .visible, .metadata.dev, .metadata.location] | @tsv' "$TMP/all.json")" \
	"$(printf '1.3.0\t2\tfalse\ttrue\tapp/node_modules/left-pad')"
# /app's lockfiles (an installed tree is there) and the lockfiles
# Debian ships inside packages (nanoid's pnpm-lock.yaml, ...) add nothing
check_eq "lockfiles next to an installed tree or inside packages add no packages" \
	"$(q '[.packages[] | select(.type=="npm" and (.db_path | endswith("/package.json") | not))] | length')" 0

# ---- lockfiles without an installed tree (a dir: image made here) ----
D=$TMP/img
mkdir -p "$D/srv/src" "$D/srv/inst/node_modules/lodash"
cp "$ROOTFS/app/package-lock.json" "$D/srv/src/package-lock.json"
cp "$ROOTFS/app/package-lock.json" "$D/srv/inst/package-lock.json"
cp "$ROOTFS/app/node_modules/lodash/package.json" "$D/srv/inst/node_modules/lodash/"
"$CUSTOMS" sbom -o json --quiet --analyzers "$ANALYZERS" "dir:$D" >"$TMP/dir.json"
want=$(jq -r '.packages | to_entries[] | select(.key | contains("node_modules/")) |
	"srv/src/\(.key)\t\(.value.name // (.key | sub(".*node_modules/"; "")))\t\(.value.version)\t\(.value.dev // false)"' \
	"$ROOTFS/app/package-lock.json" | sort)
got=$(jq -r '.packages[] | select(.db_path == "srv/src/package-lock.json") |
	"\(.metadata.location)\t\(.name)\t\(.version)\t\(.metadata.dev // false)"' "$TMP/dir.json" | sort)
check_eq "a lockfile-only project: every package-lock.json entry, with dev flags ($(echo "$want" | wc -l))" "$got" "$want"
check_eq "an installed project: only what is installed" \
	"$(jq -r '[.packages[] | select(.metadata.location // "" | startswith("srv/inst")) | .name] | join(",")' "$TMP/dir.json")" lodash

# ---- layers: an upgrade in place, a whiteout, a rewrite, a broken copy ----
# (a two-layer OCI layout made here, uncompressed layers)
cat >"$TMP/mkoci.py" <<'PY'
import hashlib, io, json, os, sys, tarfile
out, layers = sys.argv[1], json.loads(sys.argv[2])
os.makedirs(out + "/blobs/sha256")
def blob(data):
    d = hashlib.sha256(data).hexdigest()
    open("%s/blobs/sha256/%s" % (out, d), "wb").write(data)
    return "sha256:" + d, len(data)
descs, diffs = [], []
for files in layers:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for path, text in sorted(files.items()):
            ti = tarfile.TarInfo(path)
            ti.size, ti.mode, ti.mtime = len(text.encode()), 0o644, 1704067200
            t.addfile(ti, io.BytesIO(text.encode()))
    d, n = blob(buf.getvalue())
    descs.append({"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": d, "size": n})
    diffs.append(d)
cfg = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": diffs},
                  "history": [{"created_by": "layer %d" % i} for i in range(len(layers))]}).encode()
cd, cn = blob(cfg)
man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                  "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cn},
                  "layers": descs}).encode()
md, mn = blob(man)
json.dump({"imageLayoutVersion": "1.0.0"}, open(out + "/oci-layout", "w"))
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
           "digest": md, "size": mn, "annotations": {"org.opencontainers.image.ref.name": "latest"}}]},
          open(out + "/index.json", "w"))
PY
M=app/node_modules
pj() { printf '{"name": "%s", "version": "%s"}' "$1" "$2"; }
layers=$(jq -n --arg M $M --arg a1 "$(pj a 1.0.0)" --arg a2 "$(pj a 2.0.0)" --arg b "$(pj b 1.0.0)" \
	--arg c "$(pj c 1.0.0)" --arg d "$(pj d 1.0.0)" '[
	{"\($M)/a/package.json": $a1, "\($M)/b/package.json": $b, "\($M)/c/package.json": $c, "\($M)/d/package.json": $d},
	{"\($M)/a/package.json": $a2, "\($M)/.wh.b": "", "\($M)/c/package.json": $c, "\($M)/d/package.json": "{not json"}]')
python3 "$TMP/mkoci.py" "$TMP/layers" "$layers"
"$CUSTOMS" sbom -o json --scope all-layers --quiet --analyzers "$ANALYZERS" "oci:$TMP/layers" >"$TMP/layers.json"
# introduced-in as for OS packages: c, rewritten the same in layer 1, is c from layer 0
check_eq "layers: a@2.0.0 from layer 1, c (rewritten: once) from layer 0; a@1.0.0 and d replaced in 1; b whited out" \
	"$(jq -r '[.packages[] | select(.type=="npm") | "\(.name)@\(.version):\(.layer):\(.visible):\(.removed_in_layer)"] | sort | join(" ")' "$TMP/layers.json")" \
	"a@1.0.0:0:false:1 a@2.0.0:1:true:null b@1.0.0:0:false:null c@1.0.0:0:true:null d@1.0.0:0:false:1"
check_eq "layers: the broken package.json is a warning naming layer 1 and the path" \
	"$(jq -r '.warnings[].message | sub("^.*: layer 1 \\(sha256:[0-9a-f]+\\): "; "layer 1: ")' "$TMP/layers.json")" \
	"layer 1: $M/d/package.json: line 1: package.json is not valid JSON (string or '}' expected near 'not' at column 4): skipped"
finish
