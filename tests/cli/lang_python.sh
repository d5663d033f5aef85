# lang_python.sh - the Python cataloger on the debian-rich fixture equals
# what CPython's importlib.metadata finds in the unpacked rootfs's
# site-packages and dist-packages directories (name, version, requirements),
# with PEP 503 purls, the introducing layer, and the link to the Debian
# package that installed each distribution.
. "$(dirname "$0")/../lib/common.sh"
need_fixtures
ROOTFS=$FIXTURES/rootfs/debian-rich/rootfs
"$CUSTOMS" sbom --help >/dev/null 2>&1 || skip "this customs has no sbom command"
# the catalogers under test and what they depend on (dpkg: the owners)
ANALYZERS=os-release,dpkg,python,npm
python3 -c 'import importlib.metadata' 2>/dev/null || skip "host python3 has no importlib.metadata"

"$CUSTOMS" sbom -o json --quiet --analyzers "$ANALYZERS" oci:$FIXTURES/oci/debian-rich >"$TMP/sbom.json" 2>"$TMP/err" ||
	{ cat "$TMP/err"; not_ok "customs sbom failed"; finish; }
check_eq "no warnings" "$(jq '.warnings | length' "$TMP/sbom.json")" 0

# Reference: importlib.metadata over every site-/dist-packages directory of
# the rootfs, and the owners from dpkg's .list files.
cat >"$TMP/ref.py" <<'EOF'
import importlib.metadata as md, json, os, re, sys
root = sys.argv[1]
sites = []
for dp, dns, fns in os.walk(root):
    if os.path.basename(dp) in ("site-packages", "dist-packages"):
        sites.append(dp)
owner = {}
info = os.path.join(root, "var/lib/dpkg/info")
for f in os.listdir(info):
    if f.endswith(".list"):
        for line in open(os.path.join(info, f), encoding="utf-8", errors="replace"):
            owner[line.rstrip("\n")] = f[:-5].split(":")[0]
for d in md.distributions(path=sites):
    path = os.path.relpath(str(d._path), root)
    meta = path if os.path.isfile(str(d._path)) else \
        path + ("/METADATA" if path.endswith(".dist-info") else "/PKG-INFO")
    name = d.metadata["Name"]
    print("\t".join([name, d.version, "pkg:pypi/%s@%s" % (re.sub(r"[-_.]+", "-", name).lower(), d.version),
                     os.path.dirname(path), meta, owner.get("/" + meta, "-"), json.dumps(d.requires or [], separators=(",", ":"))]))
EOF
python3 "$TMP/ref.py" "$ROOTFS" | sort >"$TMP/want.tsv"
jq -r '.packages[] | select(.type == "python") |
	[.name, .version, .purl, .metadata.site_packages, .db_path, (.metadata.installed_by // "-"),
	 (.metadata.requires_dist | tojson)] | join("\t")' "$TMP/sbom.json" | sort >"$TMP/got.tsv"
n=$(wc -l <"$TMP/want.tsv")
check "importlib.metadata finds the fixture's distributions ($n)" [ "$n" -ge 9 ]
if diff "$TMP/want.tsv" "$TMP/got.tsv" >"$TMP/d"; then
	ok "python packages equal importlib.metadata: name, version, purl, site dir, metadata file, owner, requires"
else
	not_ok "python packages differ from importlib.metadata (< importlib, > customs)"; head -20 "$TMP/d"
fi
check_eq "names and versions, exactly" "$(cut -f1,2 "$TMP/got.tsv")" "$(cut -f1,2 "$TMP/want.tsv")"
q() { jq -r "$1" "$TMP/sbom.json"; }
check_eq "requests is python3-requests'" \
	"$(q '.packages[] | select(.type=="python" and .name=="requests") | [.version, .metadata.installed_by, .purl] | @tsv')" \
	"$(printf '2.28.1\tpython3-requests\tpkg:pypi/requests@2.28.1')"
check_eq "PyYAML is python3-yaml's, purl normalised" \
	"$(q '.packages[] | select(.type=="python" and .name=="PyYAML") | [.version, .metadata.installed_by, .purl] | @tsv')" \
	"$(printf '6.0\tpython3-yaml\tpkg:pypi/pyyaml@6.0')"
check_eq "every distribution from layer 1 (apt-get install)" \
	"$(q '[.packages[] | select(.type=="python") | .layer] | unique | join(",")')" 1
check_eq "found_by python" "$(q '[.packages[] | select(.type=="python") | .found_by] | unique | join(",")')" python
# (tests/cli/licenses.sh checks every rule against importlib.metadata)
check_eq "licenses as the metadata states them (gyp: License: UNKNOWN, no classifier)" \
	"$(q '[.packages[] | select(.type=="python") | "\(.name)=\(.licenses | join("|"))"] | sort | join(" ")')" \
	"PyYAML=MIT certifi=MPL-2.0 chardet=LGPL-2.0-or-later charset-normalizer=MIT gyp= idna=BSD-3-Clause requests=Apache-2.0 six=MIT urllib3=MIT"
check_eq "RECORD gives PyYAML's files" \
	"$(q '.packages[] | select(.name=="PyYAML") | .files | index("/usr/lib/python3/dist-packages/yaml/__init__.py") != null')" true

# ---- layers: pip upgrade (old dist-info whited out), metadata without a
# Version, a vendored dist-info (a two-layer OCI layout made here) ----
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
cd, cn = blob(json.dumps({"architecture": "amd64", "os": "linux",
                          "rootfs": {"type": "layers", "diff_ids": diffs}}).encode())
md, mn = blob(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                          "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd,
                                     "size": cn}, "layers": descs}).encode())
json.dump({"imageLayoutVersion": "1.0.0"}, open(out + "/oci-layout", "w"))
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
           "digest": md, "size": mn, "annotations": {"org.opencontainers.image.ref.name": "latest"}}]},
          open(out + "/index.json", "w"))
PY
S=opt/venv/lib/python3.11/site-packages
layers=$(jq -n --arg S $S '[
	{"\($S)/Foo_Bar-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: Foo_Bar\nVersion: 1.0\n",
	 "\($S)/pip/_vendor/six-1.0.dist-info/METADATA": "Name: six\nVersion: 1.0\n"},
	{"\($S)/.wh.Foo_Bar-1.0.dist-info": "",
	 "\($S)/foo_bar-2.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: foo_bar\nVersion: 2.0\nLicense: MIT\n",
	 "\($S)/foo_bar-2.0.dist-info/RECORD": "foo_bar/__init__.py,sha256=x,1\n../../../bin/foo,,\n",
	 "\($S)/broken-1.dist-info/METADATA": "Metadata-Version: 2.1\nName: broken\n"}]')
python3 "$TMP/mkoci.py" "$TMP/layers" "$layers"
"$CUSTOMS" sbom -o json --scope all-layers --quiet --analyzers "$ANALYZERS" "oci:$TMP/layers" >"$TMP/layers.json"
check_eq "layers: foo_bar 2.0 from layer 1, 1.0 gone with its directory; vendored copies are not distributions" \
	"$(jq -r '[.packages[] | select(.type=="python") | "\(.name)@\(.version):\(.layer):\(.visible):\(.purl)"] | sort | join(" ")' "$TMP/layers.json")" \
	"Foo_Bar@1.0:0:false:pkg:pypi/foo-bar@1.0 foo_bar@2.0:1:true:pkg:pypi/foo-bar@2.0"
check_eq "layers: RECORD paths are absolute, resolved from site-packages" \
	"$(jq -r '.packages[] | select(.visible and .type=="python") | .files | join(" ")' "$TMP/layers.json")" \
	"/$S/foo_bar/__init__.py /opt/venv/bin/foo"
check_eq "layers: METADATA without Version is a warning naming layer 1 and the path" \
	"$(jq -r '.warnings[].message | sub("^.*: layer 1 \\(sha256:[0-9a-f]+\\): "; "layer 1: ")' "$TMP/layers.json")" \
	"layer 1: $S/broken-1.dist-info/METADATA: line 1: no Version field: skipped"
finish
