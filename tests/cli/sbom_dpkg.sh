# sbom_dpkg.sh - `customs sbom` on the Debian fixture images: the dpkg
# packages equal dpkg-query's list (expected/<img>.dpkg.tsv), each from the
# layer that installed it, the purged wget only in --scope all-layers, owned
# files equal to info/*.list, DEP-5 licenses, purls; and every source kind
# gives the same list.
. "$(dirname "$0")/../lib/common.sh"
need_fixtures
EXP=$FIXTURES/expected
# the dpkg cataloger and the distro it needs; one run below has them all
AN=(--analyzers os-release,dpkg)

# name version arch source source-version of the dpkg packages, sorted
pkgs_tsv() { # pkgs_tsv JSON [all]
	jq -r --arg all "${2:-}" '.packages[] | select(.type == "deb") | select($all != "" or .visible)
		| [.name, .version, .arch, .source_name, .source_version] | @tsv' "$1" | LC_ALL=C sort
}
same_list() { # same_list DESCRIPTION GOT_TSV WANT_TSV
	if diff -q <(LC_ALL=C sort "$2") <(LC_ALL=C sort "$3") >/dev/null; then
		ok "$1 ($(wc -l <"$3") packages)"
	else
		not_ok "$1"
		diff <(LC_ALL=C sort "$2") <(LC_ALL=C sort "$3") | head -10
	fi
}

for img in debian-min debian-rich; do
	J=$TMP/$img.json
	if ! "$CUSTOMS" sbom -o json "${AN[@]}" "oci:$FIXTURES/oci/$img" >"$J" 2>"$TMP/err"; then
		not_ok "$img: sbom failed: $(head -3 "$TMP/err")"
		continue
	fi
	pkgs_tsv "$J" >"$TMP/$img.tsv"
	same_list "$img: dpkg packages equal dpkg-query's" "$TMP/$img.tsv" "$EXP/$img.dpkg.tsv"
	check_eq "$img: no warnings" "$(jq '.warnings | length' "$J")" 0
	check_eq "$img: every package found by dpkg in var/lib/dpkg/status" \
		"$(jq -r '[.packages[] | "\(.found_by) \(.db_path)"] | unique | join(",")' "$J")" "dpkg var/lib/dpkg/status"
	check_eq "$img: every package has a deb purl with distro=debian-12" \
		"$(jq '[.packages[] | select(.purl | test("^pkg:deb/debian/[^@]+@[^?]+\\?arch=(amd64|all)&distro=debian-12(&upstream=.+)?$") | not)] | length' "$J")" 0
	check_eq "$img: distro_namespace debian:12" \
		"$(jq -r '[.packages[].metadata.distro_namespace] | unique | join(",")' "$J")" "debian:12"

	# owned files: exactly the lines of info/<pkg>[:<arch>].list in the rootfs
	python3 - "$J" "$FIXTURES/rootfs/$img/rootfs" >"$TMP/files.out" <<'EOF' || true
import json, os, sys
doc = json.load(open(sys.argv[1]))
info = os.path.join(sys.argv[2], "var/lib/dpkg/info")
bad, n, union_got, union_want = [], 0, set(), set()
for f in os.listdir(info):
    if f.endswith(".list"):
        with open(os.path.join(info, f), encoding="utf-8", errors="surrogateescape") as fh:
            union_want.update(l.rstrip("\n") for l in fh if l.strip())
for p in doc["packages"]:
    if not p["visible"]:
        continue
    n += 1
    cands = [f"{p['name']}:{p['arch']}.list", f"{p['name']}.list"]
    path = next((os.path.join(info, c) for c in cands if os.path.exists(os.path.join(info, c))), None)
    want = []
    if path:
        with open(path, encoding="utf-8", errors="surrogateescape") as fh:
            want = [l.rstrip("\n") for l in fh if l.strip()]
    if p["files"] != want:
        bad.append(p["name"])
    union_got.update(p["files"])
print(n, len(bad), union_got == union_want, len(union_want), ",".join(bad[:5]) or "-")
EOF
	read -r n nbad union nunion first <"$TMP/files.out" || true
	check_eq "$img: files of all $n packages equal their info/*.list (differing: $first)" "${nbad:-?}" 0
	check_eq "$img: the union of owned files is the union of the .list files ($nunion paths)" "${union:-?}" True

	# md5sums: the digest of bin/bash as info/bash.md5sums has it
	check_eq "$img: bash md5sums in metadata" \
		"$(jq -r '.packages[] | select(.name=="bash") | .metadata.md5sums["/bin/bash"]' "$J")" \
		"$(awk '$2=="bin/bash" {print $1}' "$FIXTURES/rootfs/$img/rootfs/var/lib/dpkg/info/bash.md5sums")"
done

# ---- identifiers and licenses (debian-rich) ----
J=$TMP/debian-rich.json
q() { jq -r "$1" "$J"; }
check_eq "libssl3: purl with upstream" \
	"$(q '.packages[] | select(.name=="libssl3") | .purl')" \
	"pkg:deb/debian/libssl3@$(q '.packages[] | select(.name=="libssl3") | .version' | sed 's/+/%2B/g')?arch=amd64&distro=debian-12&upstream=openssl"
check_eq "bash: '+' percent-encoded, no upstream when the source name is the same" \
	"$(q '.packages[] | select(.name=="bash") | .purl')" "pkg:deb/debian/bash@5.2.15-2%2Bb13?arch=amd64&distro=debian-12"
check_eq "bsdutils: epoch kept as ':' in the purl, source version from Source:" \
	"$(q '.packages[] | select(.name=="bsdutils") | "\(.purl) \(.source_name) \(.source_version)"')" \
	"pkg:deb/debian/bsdutils@1:2.38.1-5%2Bdeb12u3?arch=amd64&distro=debian-12&upstream=util-linux util-linux 2.38.1-5+deb12u3"
check_eq "bash: CPE" "$(q '.packages[] | select(.name=="bash") | .cpes[0]')" 'cpe:2.3:a:bash:bash:5.2.15-2\+b13:*:*:*:*:*:*:*'
check_eq "bash: DEP-5 licenses mapped to SPDX" \
	"$(q '.packages[] | select(.name=="bash") | .licenses[0:2] | join(" ")')" "GPL-3.0-or-later GPL-2.0-or-later"
check_eq "libc6: free-form copyright: its notices (LGPL-2.1+, GPL-2+) first" \
	"$(q '.packages[] | select(.name=="libc6") | .licenses[0:2] | join(" ")')" "LGPL-2.1-or-later GPL-2.0-or-later"
check_eq "libncursesw6: licenses through the doc dir symlink to libtinfo6" \
	"$(q '.packages[] | select(.name=="libncursesw6") | .licenses | join(" ")')" \
	"$(q '.packages[] | select(.name=="libtinfo6") | .licenses | join(" ")')"
check "libtinfo6: licenses include X11 and BSD-3-Clause" \
	test "$(q '.packages[] | select(.name=="libtinfo6") | [.licenses[] | select(. == "X11" or . == "BSD-3-Clause")] | length')" = 2
check_eq "share of packages with licenses (DEP-5)" \
	"$(q '[.packages[] | select(.licenses | length > 0)] | length > 400')" true

# ---- layers: where each package came from, what was removed ----
check_eq "wget is not in the squashed view" "$(q '[.packages[] | select(.name=="wget")] | length')" 0
LC_ALL=C comm -23 <(LC_ALL=C sort "$EXP/debian-rich.dpkg-L2.tsv") <(LC_ALL=C sort "$EXP/debian-min.dpkg.tsv") |
	cut -f1,3 | LC_ALL=C sort >"$TMP/l1.want"
q '.packages[] | select(.layer == 1) | [.name, .arch] | @tsv' | grep -v '^wget	' | LC_ALL=C sort >"$TMP/l1.got" || true
grep -v '^wget	' "$TMP/l1.want" >"$TMP/l1.want2" || true
same_list "packages introduced by the apt layer have layer 1" "$TMP/l1.got" "$TMP/l1.want2"
cut -f1,3 "$EXP/debian-min.dpkg.tsv" | LC_ALL=C sort >"$TMP/l0.want"
q '.packages[] | select(.layer == 0) | [.name, .arch] | @tsv' | LC_ALL=C sort >"$TMP/l0.got"
same_list "base packages have layer 0" "$TMP/l0.got" "$TMP/l0.want"

A=$TMP/all.json
"$CUSTOMS" sbom -o json "${AN[@]}" --scope all-layers "oci:$FIXTURES/oci/debian-rich" >"$A"
pkgs_tsv "$A" all >"$TMP/all.tsv"
same_list "all-layers: the union over the layers" "$TMP/all.tsv" "$EXP/debian-rich.dpkg-all-layers.tsv"
check_eq "all-layers: wget visible=false, layer 1, removed in layer 3" \
	"$(jq -r '.packages[] | select(.name=="wget") | "\(.visible) \(.layer) \(.removed_in_layer)"' "$A")" "false 1 3"
check_eq "all-layers: wget keeps the files its last .list had" \
	"$(jq -r '.packages[] | select(.name=="wget") | .files | index("/usr/bin/wget") != null' "$A")" true
check_eq "all-layers: every other package visible" "$(jq '[.packages[] | select(.visible | not)] | length' "$A")" 1

# ---- the table ----
"$CUSTOMS" sbom --quiet "${AN[@]}" --scope all-layers "oci:$FIXTURES/oci/debian-rich" >"$TMP/table"
check_eq "table header" "$(head -1 "$TMP/table" | tr -s ' ')" "NAME VERSION TYPE ARCH SOURCE LAYER REMOVED"
check_eq "table: wget row" "$(awk '$1=="wget"' "$TMP/table" | tr -s ' ')" "wget 1.21.3-1+deb12u1 deb amd64 wget 1 3"
check_eq "table: one row per package" "$(($(wc -l <"$TMP/table") - 1))" "$(wc -l <"$EXP/debian-rich.dpkg-all-layers.tsv")"

# ---- every source kind gives the same packages ----
for img in debian-min debian-rich; do
	for src in oci:$FIXTURES/oci-zstd/$img oci:$FIXTURES/oci-plain/$img docker-archive:$FIXTURES/docker-archive/$img.tar \
		oci-archive:$FIXTURES/oci-archive/$img.tar dir:$FIXTURES/rootfs/$img/rootfs; do
		if ! "$CUSTOMS" sbom -o json --no-files "${AN[@]}" "$src" >"$TMP/src.json" 2>"$TMP/err"; then
			not_ok "$src: sbom failed: $(head -3 "$TMP/err")"
			continue
		fi
		pkgs_tsv "$TMP/src.json" >"$TMP/src.tsv"
		same_list "$src: same dpkg packages" "$TMP/src.tsv" "$EXP/$img.dpkg.tsv"
		check_eq "$src: --no-files drops files" "$(jq '[.packages[] | select(has("files"))] | length' "$TMP/src.json")" 0
	done
done

# ---- with every analyzer: other types sort in, dpkg's list is the same ----
F=$TMP/full.json
if ! "$CUSTOMS" sbom -o json --no-files "oci:$FIXTURES/oci/debian-rich" >"$F" 2>"$TMP/err"; then
	not_ok "all analyzers: sbom failed: $(grep -v '^customs sbom: warning' "$TMP/err" | head -3)"
	echo '{"packages": [], "warnings": []}' >"$F"
fi
pkgs_tsv "$F" >"$TMP/full.tsv"
same_list "all analyzers: same dpkg packages" "$TMP/full.tsv" "$EXP/debian-rich.dpkg.tsv"
check_eq "all analyzers: packages sorted by type, name, version" \
	"$(jq -c '[.packages[] | [.type, .name, .version]]' "$F")" "$(jq -c '[.packages[] | [.type, .name, .version]] | sort' "$F")"
check "all analyzers: more than one package type" test "$(jq '[.packages[].type] | unique | length' "$F")" -gt 1
check_eq "all analyzers: no warning about a dpkg file" \
	"$(jq '[.warnings[] | select(.path // "" | test("^(var/lib/dpkg|usr/share/doc)/"))] | length' "$F")" 0

# ---- usage errors ----
set +e
"$CUSTOMS" sbom --scope everything "oci:$FIXTURES/oci/debian-min" >/dev/null 2>"$TMP/err"
check_eq "--scope everything: usage error" "$?" 2
"$CUSTOMS" sbom -o xml "oci:$FIXTURES/oci/debian-min" >/dev/null 2>"$TMP/err"
check_eq "-o xml: usage error" "$?" 2
"$CUSTOMS" sbom >/dev/null 2>"$TMP/err"
check_eq "no IMAGE: usage error" "$?" 2
set -e
finish
