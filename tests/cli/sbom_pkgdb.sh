# sbom_pkgdb.sh - the layer-by-layer package-database merge (core/copies.c) on
# small docker-archives written here: upgrades, removals, a reinstall, a
# deleted distroless status.d file, and an Alpine database from
# $SHARED/fixtures/apk with a package removed in a later layer.
. "$(dirname "$0")/../lib/common.sh"
command -v python3 >/dev/null || skip "python3 is needed to write the test images"
AN=(--analyzers os-release,dpkg,apk) # what this test is about

MKIMAGE=$SRCDIR/tests/lib/mkimage.py

st() { # st NAME VERSION [ARCH]: one installed stanza
	printf 'Package: %s\nStatus: install ok installed\nArchitecture: %s\nVersion: %s\nMaintainer: T <t@example.org>\nDescription: test\n\n' "$1" "${3:-amd64}" "$2"
}
OSREL='ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n'
python3 - "$TMP/deb.json" "$(st pa 1.0; st pb 1.0; st pc 1.0)" "$(st pa 1.0; st pb 2.0)" "$(st pa 1.0; st pb 2.0; st pc 1.0)" "$OSREL" <<'EOF'
import json, sys
out, s0, s1, s2, osrel = sys.argv[1:]
spec = [
    [["etc/", ""], ["etc/os-release", osrel.replace("\\n", "\n")], ["var/lib/dpkg/", ""], ["var/lib/dpkg/status", s0],
     ["var/lib/dpkg/info/pa.list", "/.\n/usr\n/usr/bin/pa\n"], ["var/lib/dpkg/info/pb.list", "/.\n/usr/bin/pb1\n"],
     ["var/lib/dpkg/status.d/", ""],
     ["var/lib/dpkg/status.d/gone", "Package: gone\nVersion: 3\nArchitecture: all\nSource: gonesrc\n"],
     ["var/lib/dpkg/status.d/gone.md5sums", "0123456789abcdef0123456789abcdef  usr/share/gone/data\n"],
     ["var/lib/dpkg/status.d/kept", "Package: kept\nVersion: 4\nArchitecture: all\n"]],
    [["var/lib/dpkg/", ""], ["var/lib/dpkg/status", s1], ["var/lib/dpkg/info/pb.list", "/.\n/usr/bin/pb2\n"]],
    [["var/lib/dpkg/", ""], ["var/lib/dpkg/status", s2], ["var/lib/dpkg/info/pc.list", "/.\n/usr/bin/pc\n"],
     ["var/lib/dpkg/status.d/", ""], ["var/lib/dpkg/status.d/gone", None]],
    [["srv/", ""], ["srv/unrelated", "x\n"]],
]
json.dump(spec, open(out, "w"))
EOF
python3 "$MKIMAGE" "$TMP/deb.tar" "$TMP/deb.json"

J=$TMP/deb-all.json
"$CUSTOMS" sbom -o json "${AN[@]}" --scope all-layers "docker-archive:$TMP/deb.tar" >"$J" 2>"$TMP/err" || not_ok "sbom failed: $(head -3 "$TMP/err")"
row() { jq -r --arg n "$1" --arg v "$2" '.packages[] | select(.name==$n and .version==$v) | "\(.visible) \(.layer) \(.removed_in_layer)"' "$J"; }
check_eq "no warnings" "$(jq '.warnings | length' "$J")" 0
check_eq "pa 1.0: installed in layer 0, still there" "$(row pa 1.0)" "true 0 null"
check_eq "pb 1.0: upgraded away in layer 1" "$(row pb 1.0)" "false 0 1"
check_eq "pb 2.0: the upgrade, from layer 1" "$(row pb 2.0)" "true 1 null"
check_eq "pc 1.0: removed in layer 1 and installed again in layer 2" "$(row pc 1.0)" "true 2 null"
check_eq "gone: status.d file whited out in layer 2" "$(row gone 3)" "false 0 2"
check_eq "kept: distroless stanza without Status is installed" "$(row kept 4)" "true 0 null"
check_eq "pb 2.0 files from the layer-1 list" "$(jq -c '.packages[] | select(.name=="pb" and .visible) | .files' "$J")" '["/.","/usr/bin/pb2"]'
check_eq "pb 1.0 files from the list its last listing layer had" \
	"$(jq -c '.packages[] | select(.name=="pb" and (.visible|not)) | .files' "$J")" '["/.","/usr/bin/pb1"]'
check_eq "gone: files and digests from status.d/gone.md5sums" \
	"$(jq -c '.packages[] | select(.name=="gone") | [.files, .metadata.md5sums]' "$J")" \
	'[["/usr/share/gone/data"],{"/usr/share/gone/data":"0123456789abcdef0123456789abcdef"}]'
check_eq "gone: db_path is its status.d file" "$(jq -r '.packages[] | select(.name=="gone") | .db_path' "$J")" "var/lib/dpkg/status.d/gone"
check_eq "gone: purl with upstream" "$(jq -r '.packages[] | select(.name=="gone") | .purl' "$J")" \
	"pkg:deb/debian/gone@3?arch=all&distro=debian-12&upstream=gonesrc"
S=$TMP/deb-sq.json
"$CUSTOMS" sbom -o json "${AN[@]}" "docker-archive:$TMP/deb.tar" >"$S"
check_eq "squashed: only what a container has" \
	"$(jq -r '[.packages[] | "\(.name)@\(.version)"] | join(" ")' "$S")" "kept@4 pa@1.0 pb@2.0 pc@1.0"

# ---- os-release through a symlink (the last component of a lookup) ----
python3 - "$TMP/osrel.json" <<'EOF'
import json, sys
json.dump([[["etc/", ""], ["etc/os-release", {"symlink": "../usr/lib/os-release"}], ["usr/", ""], ["usr/lib/", ""],
            ["usr/lib/os-release", 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n']]],
          open(sys.argv[1], "w"))
EOF
python3 "$MKIMAGE" "$TMP/osrel.tar" "$TMP/osrel.json"
check_eq "etc/os-release -> ../usr/lib/os-release: the distro from the file it names, path = the file read" \
	"$("$CUSTOMS" inspect -o json --analyzers os-release "docker-archive:$TMP/osrel.tar" | jq -r '"\(.distro.id) \(.distro.version_id) \(.distro.path)"')" \
	"debian 12 usr/lib/os-release"
check_eq "... and no warning" "$("$CUSTOMS" inspect -o json --analyzers os-release "docker-archive:$TMP/osrel.tar" | jq '.warnings | length')" 0

# ---- apk ----
APKDB=$SHARED/fixtures/apk/alpine-3.21.installed
if [ -f "$APKDB" ]; then
	python3 - "$TMP/apk.json" "$APKDB" <<'EOF'
import json, sys
out, db = sys.argv[1:]
osrel = 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.21.3\nPRETTY_NAME="Alpine Linux v3.21"\n'
json.dump([
    [["etc/", ""], ["etc/os-release", osrel], ["lib/", ""], ["lib/apk/", ""], ["lib/apk/db/", ""],
     ["lib/apk/db/installed", {"file": db}]],
    [["lib/apk/db/", ""], ["lib/apk/db/installed", {"file": db, "drop_block": "zlib"}]],
], open(out, "w"))
EOF
	python3 "$MKIMAGE" "$TMP/apk.tar" "$TMP/apk.json"
	A=$TMP/apk-all.json
	"$CUSTOMS" sbom -o json "${AN[@]}" --scope all-layers "docker-archive:$TMP/apk.tar" >"$A" 2>"$TMP/err" || not_ok "apk sbom failed: $(head -3 "$TMP/err")"
	check_eq "apk: no warnings" "$(jq '.warnings | length' "$A")" 0
	check_eq "apk: 39 packages over the layers, 38 visible" \
		"$(jq -r '"\(.packages | length) \([.packages[] | select(.visible)] | length)"' "$A")" "39 38"
	check_eq "apk: zlib removed in layer 1" \
		"$(jq -r '.packages[] | select(.name=="zlib") | "\(.visible) \(.layer) \(.removed_in_layer)"' "$A")" "false 0 1"
	check_eq "apk: busybox-binsh purl with origin as upstream" \
		"$(jq -r '.packages[] | select(.name=="busybox-binsh") | .purl' "$A")" \
		"pkg:apk/alpine/busybox-binsh@1.37.0-r12?arch=x86_64&distro=alpine-3.21.3&upstream=busybox"
	check_eq "apk: source_name is the origin" \
		"$(jq -r '.packages[] | select(.name=="busybox-binsh") | "\(.source_name) \(.source_version)"' "$A")" "busybox 1.37.0-r12"
	check_eq "apk: distro_namespace alpine:3.21" \
		"$(jq -r '[.packages[].metadata.distro_namespace] | unique | join(",")' "$A")" "alpine:3.21"
	check_eq "apk: 3,536 owned files (zlib's included)" "$(jq '[.packages[].files | length] | add' "$A")" 3536
	check_eq "apk: found_by and db_path" "$(jq -r '[.packages[] | "\(.found_by) \(.db_path)"] | unique | join(",")' "$A")" \
		"apk lib/apk/db/installed"
	"$CUSTOMS" sbom --quiet "${AN[@]}" "docker-archive:$TMP/apk.tar" >"$TMP/apk.table"
	check_eq "apk table: musl row" "$(awk '$1=="musl"' "$TMP/apk.table" | tr -s ' ')" "musl 1.2.5-r9 apk x86_64 musl 0"
else
	partial "$APKDB is absent: the apk part"
fi
finish
