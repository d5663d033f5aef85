# lang_gobin.sh - the go-binary analyzer against `go version -m`: the Go
# binaries of the debian-rich fixture (Debian's umoci; npm's esbuild, at its
# path and at the hard link npm's install made to it, which the layer tar
# stores without data), and, when the go toolchain is here, a binary built
# from tests/data/lang/go/replaced-src (module and directory replacements,
# quoted -ldflags) plus the host's /usr/bin/skopeo, in a dir: image.  The
# module lines (path, mod, dep, =>, build) must be identical.
. "$(dirname "$0")/../lib/common.sh"
need_fixtures
ROOTFS=$FIXTURES/rootfs/debian-rich/rootfs
"$CUSTOMS" sbom --help >/dev/null 2>&1 || skip "this customs has no sbom command"
if ! command -v go >/dev/null; then
	[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go >/dev/null 2>&1 || true
fi
command -v go >/dev/null || skip "no go toolchain (Debian's golang-go) to compare with"

# customs' packages for one binary written back as go version -m lines
cat >"$TMP/render.py" <<'PY'
import json, sys

def q(s, key):
    bad = " \t\r\n\"`" + ("=" if key else "")
    return json.dumps(s, ensure_ascii=False) if any(c in bad for c in s) else s

doc = json.load(open(sys.argv[1]))
path = sys.argv[2]
pk = [p for p in doc["packages"] if p["type"] == "go-module" and p["db_path"] == path]
std = [p for p in pk if p["name"] == "stdlib"]
if len(std) != 1:
    print("no stdlib package for", path); sys.exit(0)
md = std[0]["metadata"]
out = [md["go_version"]]
if "main_path" in md:
    out.append("\tpath\t" + md["main_path"])
settings = md.get("build_settings", {})
mains = [p for p in pk if p["metadata"].get("main_module")]
deps = sorted((p for p in pk if p["name"] != "stdlib" and not p["metadata"].get("main_module")),
              key=lambda p: p["metadata"].get("replaces", {}).get("path", p["name"]))
for p in mains + deps:
    m = p["metadata"]
    word = "mod" if m.get("main_module") else "dep"
    if m.get("main_module"):
        settings = m.get("build_settings", {})
    r = m.get("replaces")
    if r:
        out.append("\t%s\t%s\t%s" % (word, r["path"], r["version"]))
        out.append("\t=>\t%s\t%s\t%s" % (m.get("replacement_dir", p["name"]), p["version"], m.get("sum", "")))
    else:
        out.append("\t%s\t%s\t%s\t%s" % (word, p["name"], p["version"], m.get("sum", "")))
for k, v in settings.items():
    out.append("\tbuild\t%s=%s" % (q(k, True), q(v, False)))
print("\n".join(out))
PY
# go version -m without the file name and the blank lines after replacements
govm() { go version -m "$1" | sed -e '1s/^[^:]*: //' -e '/^[[:space:]]*$/d'; }
# go version -m sorts nothing: dep lines come in go.sum order, which is
# sorted by module path; customs' order is the same, re-sorted above
compare() { # compare JSON IMAGE_PATH FILE
	python3 "$TMP/render.py" "$1" "$2" >"$TMP/got"
	govm "$3" >"$TMP/want"
	if diff -u "$TMP/want" "$TMP/got" >"$TMP/diff"; then
		ok "$2: identical to go version -m ($(grep -c . "$TMP/want") lines)"
	else
		not_ok "$2 differs from go version -m:"; cat "$TMP/diff"
	fi
}

"$CUSTOMS" sbom -o json --quiet oci:$FIXTURES/oci/debian-rich >"$TMP/rich.json" 2>"$TMP/err" ||
	{ cat "$TMP/err"; not_ok "customs sbom failed"; finish; }
for p in usr/bin/umoci app/node_modules/@esbuild/linux-x64/bin/esbuild app/node_modules/esbuild/bin/esbuild; do
	compare "$TMP/rich.json" "$p" "$ROOTFS/$p"
done
"$CUSTOMS" inspect -o json --quiet --analyzers os-release oci:$FIXTURES/oci/debian-rich >"$TMP/files.json"
check_eq "the second esbuild path is a data-less hard link in the tar" \
	"$(jq -r '.files[] | select(.path == "app/node_modules/esbuild/bin/esbuild") | "\(.type) \(.link)"' "$TMP/files.json")" \
	"hardlink app/node_modules/@esbuild/linux-x64/bin/esbuild"
check_eq "umoci's Go packages are linked to the deb" \
	"$(jq -r '[.packages[] | select(.type == "go-module" and .db_path == "usr/bin/umoci") | .metadata.installed_by] | unique | join(",")' "$TMP/rich.json")" umoci
check_eq "stdlib purl" \
	"$(jq -r '.packages[] | select(.type == "go-module" and .name == "stdlib" and .db_path == "usr/bin/umoci") | .purl' "$TMP/rich.json")" \
	"pkg:golang/stdlib@1.19.8"
check_eq "no go-binary warnings" "$(jq '[.warnings[] | select(.message | test("Go build info"))] | length' "$TMP/rich.json")" 0
check_eq "every Go package found by go-binary" \
	"$(jq -r '[.packages[] | select(.type == "go-module") | .found_by] | unique | join(",")' "$TMP/rich.json")" go-binary

# a build with replacements, and skopeo when the host has it
mkdir -p "$TMP/root/usr/local/bin" "$TMP/src"
cp -r "$SRCDIR/tests/data/lang/go/replaced-src/." "$TMP/src/"
if (cd "$TMP/src/hello" && GOFLAGS=-mod=vendor GOPROXY=off GOCACHE="$TMP/gocache" go build -buildvcs=false \
	-ldflags='-s -w -X main.version=v1.0.0' -tags 'netgo osusergo' -o "$TMP/root/usr/local/bin/hello" .) 2>"$TMP/goerr"; then
	extra=usr/local/bin/hello
	[ -x /usr/bin/skopeo ] && cp /usr/bin/skopeo "$TMP/root/usr/local/bin/" && extra="$extra usr/local/bin/skopeo"
	"$CUSTOMS" sbom -o json --quiet --analyzers go-binary "dir:$TMP/root" >"$TMP/dir.json"
	for p in $extra; do
		compare "$TMP/dir.json" "$p" "$TMP/root/$p"
	done
else
	cat "$TMP/goerr"; not_ok "go build of replaced-src failed"
fi
finish
