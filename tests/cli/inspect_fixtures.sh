# inspect_fixtures.sh - the squashed view of the fixture images equals the
# unpacked rootfs (umoci unpack) for every file, from every source kind, and
# layer attribution, whiteouts, opaque directories and digests are right.
. "$(dirname "$0")/../lib/common.sh"
need_fixtures
TSV="python3 $SRCDIR/tests/lib/files-tsv.py"

for img in debian-min debian-rich; do
	want=$FIXTURES/expected/$img.files.tsv
	for src in oci:$FIXTURES/oci/$img oci:$FIXTURES/oci-zstd/$img oci:$FIXTURES/oci-plain/$img \
		docker-archive:$FIXTURES/docker-archive/$img.tar oci-archive:$FIXTURES/oci-archive/$img.tar \
		dir:$FIXTURES/rootfs/$img/rootfs; do
		if ! "$CUSTOMS" inspect -o json "$src" >"$TMP/out.json" 2>"$TMP/err"; then
			not_ok "$src: exit $? $(head -3 "$TMP/err")"
			continue
		fi
		$TSV <"$TMP/out.json" >"$TMP/got.tsv"
		if diff -q "$TMP/got.tsv" "$want" >/dev/null; then
			ok "$src: squashed view equals the rootfs ($(wc -l <"$want") paths)"
		else
			not_ok "$src: squashed view differs from the rootfs"
			diff "$TMP/got.tsv" "$want" | head -20
		fi
		check_eq "$src: complete" "$(jq -r .complete "$TMP/out.json")" true
		check_eq "$src: distro" "$(jq -r '.distro.id + " " + .distro.version_id' "$TMP/out.json")" "debian 12"
		check_eq "$src: no warnings" "$(jq -r '.warnings | length' "$TMP/out.json")" 0
		# each source kind reads the same layer contents
		jq -c '[.files[] | [.path, .layer]]' "$TMP/out.json" | md5sum | cut -c1-32 >>"$TMP/$img.layersums"
	done
	# every archive/layout kind (not dir:, which is one layer) attributes files to the same layers
	check_eq "$img: five source kinds agree on layer attribution" "$(head -5 "$TMP/$img.layersums" | sort -u | wc -l)" 1
done

# ---- the rich image, layer by layer ----
R=oci:$FIXTURES/oci/debian-rich
"$CUSTOMS" inspect -o json --scope all-layers --verify-diff-ids "$R" >"$TMP/all.json"
q() { jq -r "$1" "$TMP/all.json"; }
check_eq "five layers" "$(q '.layers | length')" 5
check_eq "every blob digest verified, every layer complete" "$(q '[.layers[] | .complete] | all')" true
check_eq "--verify-diff-ids checks every diff_id" "$(q '[.layers[] | .diff_id_verified] | all')" true
check_eq "layer digests match the manifest" \
	"$(q '[.layers[].digest] | join(" ")')" \
	"$(cut -f2 "$FIXTURES/expected/debian-rich.layers.tsv" | paste -sd' ')"
check_eq "diff_ids match the config" \
	"$(q '[.layers[].diff_id] | join(" ")')" \
	"$(cut -f3 "$FIXTURES/expected/debian-rich.layers.tsv" | paste -sd' ')"
check_eq "history created_by mapped over empty layers" "$(q '.layers[0].created_by')" "debootstrap --variant=minbase bookworm"
# a file rewritten by later layers is attributed to the last writer
check_eq "dpkg status: visible copy from layer 3 (purge)" \
	"$(q '[.files[] | select(.path=="var/lib/dpkg/status") | "\(.layer):\(.visible)"] | join(" ")')" "0:false 1:false 3:true"
# whiteouts: deleted in layer 3, still known from the layers that wrote them
check_eq "usr/bin/wget: written in layer 1, whited out in layer 3" \
	"$(q '[.files[] | select(.path=="usr/bin/wget") | "\(.layer):\(.visible)"] | join(" ")')" "1:false"
check_eq "root/.aws/credentials: hidden by a directory whiteout" \
	"$(q '[.files[] | select(.path=="root/.aws/credentials") | .visible] | join(" ")')" "false"
check_eq "whiteout markers never surface as files" "$(q '[.files[] | select(.path | test("(^|/)\\.wh\\."))] | length')" 0
# opaque directory: layer 4 replaces /app/config
check_eq "app/config/database.yml hidden by the opaque marker" \
	"$(q '[.files[] | select(.path=="app/config/database.yml") | "\(.layer):\(.visible)"] | join(" ")')" "2:false"
check_eq "app/config/app.yaml from layer 4 wins" \
	"$(q '[.files[] | select(.path=="app/config/app.yaml") | "\(.layer):\(.visible)"] | join(" ")')" "2:false 4:true"
# hard links carry their target's size
check_eq "hard link usr/bin/perl5.36.0 has perl's size" \
	"$(q '[.files[] | select(.path=="usr/bin/perl5.36.0" or .path=="usr/bin/perl") | .size] | unique | length')" 1
# config
check_eq "config cmd" "$(q '.image.config.cmd | join(" ")')" "node server.js"
check_eq "config working dir" "$(q '.image.config.working_dir')" "/app"
check_eq "config exposed ports" "$(q '.image.config.exposed_ports | join(" ")')" "3000/tcp"
check_eq "tag from index.json" "$(q '.image.tags | join(" ")')" "latest"

# --file-digests: sha256 of file contents, same as sha256sum of the rootfs
"$CUSTOMS" inspect -o json --file-digests "oci:$FIXTURES/oci/debian-min" >"$TMP/d.json"
want=$(cd "$FIXTURES/rootfs/debian-min/rootfs" && sha256sum etc/passwd usr/bin/dpkg | awk '{print $1}' | paste -sd' ')
got=$(jq -r '[.files[] | select(.path=="etc/passwd" or .path=="usr/bin/dpkg") | .sha256] | join(" ")' "$TMP/d.json")
check_eq "--file-digests equal sha256sum" "$got" "$want"
check_eq "--file-digests: every regular file has one" \
	"$(jq '[.files[] | select(.type=="file" and .sha256==null)] | length' "$TMP/d.json")" 0

# table output names the distro and the layers
"$CUSTOMS" inspect "$R" >"$TMP/table.txt"
check "table shows the distro" grep -q "^Distro .*Debian GNU/Linux 12" "$TMP/table.txt"
check "table lists layer 4" grep -q "^4 " "$TMP/table.txt"
finish
