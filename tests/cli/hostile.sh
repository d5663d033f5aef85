# hostile.sh - broken and crafted images (tests/fixtures/make-hostile.py): each
# gives exit 3 (nothing readable) or 4 (partial results) and an error line
# naming the image, the layer digest and the path at fault; none crashes or
# hangs, and nothing is written outside $TMP.  Valid edge cases (platform and
# tag selection, nested indexes, multi-member gzip, zstd, symlinks) read
# complete, and user mistakes give one clear line.
. "$(dirname "$0")/../lib/common.sh"

# ---- the corpus, cached in the build tree under the generator's hash ----
GEN=$SRCDIR/tests/fixtures/make-hostile.py
key=$(sha256sum "$GEN" | cut -c1-16)
if [ -n "${BUILDDIR:-}" ] && [ -d "$BUILDDIR" ] && [ -w "$BUILDDIR" ]; then
	H=$BUILDDIR/hostile-$key
else
	H=$TMP/hostile
fi
if [ ! -f "$H/CASES" ]; then
	python3 "$GEN" "$H.new.$$"
	mv -T "$H.new.$$" "$H" 2>/dev/null || rm -rf "$H.new.$$" # a parallel run won
	# corpora of older generator versions
	for old in "${H%-*}"-????????????????; do
		[ "$old" = "$H" ] || rm -rf "$old"
	done
fi
H=$(cd "$H" && pwd)

SCRATCH=$TMP/cwd   # customs runs here: it must stay empty
mkdir -p "$SCRATCH" "$TMP/tmpdir"
touch "$TMP/stamp"
# names the ".." and "/" entries would have if anything extracted them
escaped() { ls -d /customs-escaped-* /tmp/customs-escaped-* "$TMP"/../customs-escaped-* "$H"/../customs-escaped-* \
	"$H"/customs-escaped-* "$SCRATCH"/../customs-escaped-* 2>/dev/null || true; }
before_escaped=$(escaped)

# run NAME ARGS...: customs ARGS in the scratch cwd; sets RC, OUT (stdout), ERR (stderr)
run() {
	local name=$1
	shift
	OUT=$TMP/$name.out ERR=$TMP/$name.err
	set +e
	(cd "$SCRATCH" && TMPDIR=$TMP/tmpdir timeout 300 "$CUSTOMS" "$@" >"$OUT" 2>"$ERR")
	RC=$?
	set -e
	if [ $RC -ge 124 ]; then
		not_ok "$name: crashed or hung (exit $RC): $(tail -3 "$ERR")"
	elif grep -q -e "Sanitizer" -e "runtime error:" "$ERR"; then
		not_ok "$name: sanitizer report: $(grep -m1 -e Sanitizer -e "runtime error:" "$ERR")"
	fi
}
inspect() { # inspect NAME ARGS...: customs inspect -o json ARGS
	local name=$1
	shift
	run "$name" inspect -o json "$@"
}
q() { jq -r "$1" "$OUT" 2>/dev/null || echo "(no JSON)"; }
not() { ! "$@"; }

# has_line FILE SUBSTRING...: one line of FILE holds every SUBSTRING
has_line() {
	local f=$1 line s all
	shift
	while IFS= read -r line; do
		all=1
		for s in "$@"; do
			[[ $line == *"$s"* ]] || { all=0; break; }
		done
		[ $all = 1 ] && return 0
	done <"$f"
	return 1
}
# expect NAME RC SUBSTRING...: exit code RC and one stderr line with every SUBSTRING
expect() {
	local name=$1 rc=$2
	shift 2
	check_eq "$name: exit code" "$RC" "$rc"
	if [ $# -gt 0 ]; then
		if has_line "$ERR" "$@"; then
			ok "$name: error names $(printf "'%s' " "$@")"
		else
			not_ok "$name: no stderr line with $(printf "'%s' " "$@"); stderr: $(head -c 600 "$ERR")"
		fi
	fi
}
# for exit 4: results were written and say so
incomplete() {
	check_eq "$1: JSON says complete=false" "$(q .complete)" false
}

# digests straight from the layout, not from customs
man_digest() { jq -r ".manifests[${2:-0}].digest" "$H/$1/index.json"; }
blob() { echo "$H/$1/blobs/sha256/${2#sha256:}"; }
layer_digest() { jq -r ".layers[$2].digest" "$(blob "$1" "$(man_digest "$1")")"; }
config_digest() { jq -r ".config.digest" "$(blob "$1" "$(man_digest "$1")")"; }

# ================= valid images =================

inspect valid "$H/valid"
expect valid 0
check_eq "valid: complete, debian, no warnings" "$(q '"\(.complete) \(.distro.id) \(.warnings | length)"')" "true debian 0"

# platform selection: index.json -> image index -> amd64 / arm64 (+ attestations)
for ref in "$H/multiarch" "oci-archive:$H/oci-archive-multiarch/image.tar"; do
	inspect multiarch "$ref"
	expect "multiarch default ($ref)" 0
	check_eq "$ref: default platform is linux/amd64" \
		"$(q '"\(.image.architecture) \(.distro.id) \([.files[].path] | index("amd64-only") != null)"')" "amd64 debian true"
	inspect multiarch-arm64 --platform linux/arm64 "$ref"
	expect "multiarch --platform linux/arm64 ($ref)" 0
	check_eq "$ref: --platform linux/arm64 gives the arm64 image" \
		"$(q '"\(.image.architecture) \(.distro.id) \([.files[].path] | index("arm64-only") != null) \(.complete)"')" \
		"arm64 alpine true true"
done
inspect multiarch-aarch64 --platform linux/aarch64 "$H/multiarch"
check_eq "multiarch: aarch64 normalises to arm64" "$(q .distro.id)" alpine
inspect multiarch-s390x --platform linux/s390x "$H/multiarch"
expect "multiarch --platform linux/s390x" 3 "$H/multiarch" "no image for platform linux/s390x" "linux/amd64, linux/arm64"
inspect multiarch-badplat --platform amd64 "$H/multiarch"
expect "multiarch --platform amd64 (no OS)" 2 'bad platform "amd64"' "OS/ARCH"

inspect nested-index "$H/nested-index"
expect nested-index 0
check_eq "nested-index: index -> index -> manifest read complete" "$(q '"\(.complete) \(.distro.id)"')" "true alpine"
inspect index-too-deep "$H/index-too-deep"
expect index-too-deep 3 "$H/index-too-deep" "image indexes nested deeper than 4 levels"

# tags in index.json
inspect two-tags-v1 "oci:$H/two-tags:v1"
expect "oci:DIR:v1" 0
check_eq "oci:DIR:v1 picks v1" "$(q '"\(.distro.id) \(.image.tags | join(",")) \([.files[].path] | index("v1") != null)"')" "debian v1 true"
inspect two-tags-v2 "oci:$H/two-tags:v2"
check_eq "oci:DIR:v2 picks v2" "$(q '"\(.distro.id) \(.image.tags | join(","))"')" "alpine v2"
inspect two-tags "$H/two-tags"
expect "two tags, none chosen" 2 "$H/two-tags holds several images" "oci:$H/two-tags:TAG" "v1, v2"
inspect two-tags-v3 "oci:$H/two-tags:v3"
expect "oci:DIR:v3 (no such tag)" 3 "$H/two-tags" 'no image tagged "v3"' "tags: v1, v2"

# an attestation manifest first in index.json is skipped
inspect attestation "$H/attestation"
expect attestation 0
check_eq "attestation: the image is read, not the attestation" \
	"$(q '"\(.image.manifest_digest) \(.distro.id) \(.complete)"')" "$(man_digest attestation 1) debian true"
inspect artifact "$H/artifact"
expect artifact 3 "$H/artifact" "manifest $(man_digest artifact)" \
	"is an artifact (config type application/vnd.oci.empty.v1+json), not a container image"

# compression edge cases, read to the end with their diff_ids checked
split_sha=$(python3 -c 'import hashlib; print(hashlib.sha256(bytes(range(256)) * 64).hexdigest())')
inspect gzip-multimember --verify-diff-ids --file-digests "$H/gzip-multimember"
expect gzip-multimember 0
check_eq "gzip-multimember: complete, diff_id verified" "$(q '"\(.complete) \(.layers[0].diff_id_verified)"')" "true true"
check_eq "gzip-multimember: the file split across members has its content" \
	"$(q '.files[] | select(.path == "opt/split.bin") | "\(.size) \(.sha256)"')" "16384 $split_sha"
check_eq "gzip-multimember: the file after the split is there" "$(q '[.files[].path] | index("opt/after") != null')" true
for c in gzip-zero-padding plain-tar zstd zstd-multiframe; do
	if [ ! -d "$H/$c" ]; then
		partial "$c: not generated (no zstd command)"
		continue
	fi
	inspect "$c" --verify-diff-ids "$H/$c"
	expect "$c" 0
	check_eq "$c: complete, diff_id verified, debian" \
		"$(q '"\(.complete) \(.layers[0].diff_id_verified) \(.distro.id) \(.warnings | length)"')" "true true debian 0"
done

# symlinks, resolved inside the image by customs_analysis_lookup (via the distro)
inspect implicit-parents "$H/implicit-parents"
check_eq "implicit-parents: etc/os-release found without an etc/ entry" "$(q '"\(.complete) \(.distro.id)"')" "true alpine"
inspect symlink-absolute "$H/symlink-absolute"
check_eq "symlink-absolute: etc/os-release -> /usr/lib/os-release read in the image" "$(q '"\(.complete) \(.distro.id)"')" "true alpine"
inspect symlink-escape "$H/symlink-escape"
check_eq "symlink-escape: ../../../../ stops at the image root" "$(q '"\(.complete) \(.distro.id)"')" "true alpine"
inspect symlink-loop "$H/symlink-loop"
expect symlink-loop 0
# the host's /etc/os-release (debian) must not leak in through /etc/... links
check_eq "symlink-loop: loops give distro unknown, not the host's" "$(q '"\(.complete) \(.distro.id)"')" "true null"

# whiteouts of paths that never existed: a warning each, and the real one works
inspect whiteout-nonexistent --scope all-layers "$H/whiteout-nonexistent"
d1=$(layer_digest whiteout-nonexistent 1)
expect whiteout-nonexistent 0 "$H/whiteout-nonexistent" "layer 1 ($d1)" "etc/never-existed" \
	"whiteout of a path that no lower layer has"
check "whiteout-nonexistent: ghost/nothing warned too" \
	has_line "$ERR" "layer 1 ($d1)" "ghost/nothing" "whiteout of a path that no lower layer has"
check "whiteout-nonexistent: no warning for the whiteout that hit" not has_line "$ERR" "usr/bin/hi"
check_eq "whiteout-nonexistent: usr/bin/hi is whited out" \
	"$(q '[.files[] | select(.path == "usr/bin/hi") | .visible] | join(",")')" false

# docker-archives that read fine
inspect docker-valid "docker-archive:$H/docker-valid/image.tar"
expect docker-valid 0
check_eq "docker-valid: complete, both layers, diff_ids verified" \
	"$(q '"\(.complete) \(.distro.id) \([.layers[].diff_id_verified] | all) \([.files[].path] | index("opt/top") != null)"')" \
	"true alpine true true"
inspect docker-skopeo "docker-archive:$H/docker-skopeo-symlinks/image.tar"
expect "docker-archive with layer.tar symlinks (skopeo)" 0
check_eq "docker-skopeo: layers found through the symlinks" \
	"$(q '"\(.complete) \(.distro.id) \([.layers[].diff_id_verified] | all) \([.files[].path] | index("opt/top") != null)"')" \
	"true alpine true true"

# ================= hostile images =================

d0=$(layer_digest truncated-gzip 0)
inspect truncated-gzip "$H/truncated-gzip"
expect truncated-gzip 4 "$H/truncated-gzip" "layer 0 ($d0)" "truncated gzip stream"
incomplete truncated-gzip
check_eq "truncated-gzip: layer 0 marked incomplete" "$(q '.layers[0].complete')" false

inspect truncated-tar "$H/truncated-tar"
expect truncated-tar 4 "$H/truncated-tar" "layer 0 ($(layer_digest truncated-tar 0))" "etc/os-release" "Truncated tar archive"
incomplete truncated-tar
inspect truncated-tar-skipped "$H/truncated-tar-skipped"
expect truncated-tar-skipped 4 "$H/truncated-tar-skipped" "layer 0 ($(layer_digest truncated-tar-skipped 0))" \
	"opt/data.bin" "Truncated input file"
incomplete truncated-tar-skipped

inspect gzip-trailing-garbage "$H/gzip-trailing-garbage"
expect gzip-trailing-garbage 4 "$H/gzip-trailing-garbage" "layer 0 ($(layer_digest gzip-trailing-garbage 0))" \
	"unexpected data after the end of the gzip stream"
incomplete gzip-trailing-garbage
inspect not-a-tar "$H/not-a-tar"
expect not-a-tar 4 "$H/not-a-tar" "layer 0 ($(layer_digest not-a-tar 0))" "not a tar archive"

d0=$(layer_digest blob-digest-mismatch 0)
real=$(sha256sum "$(blob blob-digest-mismatch "$d0")" | cut -d' ' -f1)
inspect blob-digest-mismatch "$H/blob-digest-mismatch"
expect blob-digest-mismatch 4 "$H/blob-digest-mismatch" "layer 0 ($d0)" \
	"blob digest mismatch: the manifest says $d0, the blob hashes to sha256:$real"
incomplete blob-digest-mismatch

# diff_ids are checked on request (--verify-diff-ids), or when there is no other digest
inspect diff-id-mismatch-unchecked "$H/diff-id-mismatch"
expect "diff-id-mismatch without --verify-diff-ids" 0
inspect diff-id-mismatch --verify-diff-ids "$H/diff-id-mismatch"
cfg=$(blob diff-id-mismatch "$(config_digest diff-id-mismatch)")
expect diff-id-mismatch 4 "$H/diff-id-mismatch" "layer 0 ($(layer_digest diff-id-mismatch 0))" \
	"diff_id mismatch: the config says $(jq -r '.rootfs.diff_ids[0]' "$cfg")"
incomplete diff-id-mismatch

inspect missing-layer-blob "$H/missing-layer-blob"
d1=$(layer_digest missing-layer-blob 1)
expect missing-layer-blob 4 "$H/missing-layer-blob" "layer 1 ($d1)" "blob $d1 is referenced by the manifest but missing"
incomplete missing-layer-blob
check_eq "missing-layer-blob: layer 0 still read (partial results)" "$(q '"\(.layers[0].complete) \(.distro.id)"')" "true debian"

inspect missing-manifest-blob "oci:$H/missing-manifest-blob"
expect missing-manifest-blob 3 "$H/missing-manifest-blob" "manifest $(man_digest missing-manifest-blob) is missing"
inspect missing-config-blob "$H/missing-config-blob"
expect missing-config-blob 3 "$H/missing-config-blob" "config $(config_digest missing-config-blob) is missing"
inspect digest-path-traversal "$H/digest-path-traversal"
expect digest-path-traversal 3 "$H/digest-path-traversal" "layer 0" 'invalid or unsupported digest "sha256:../../'

inspect bad-index-json "$H/bad-index-json"
expect bad-index-json 3 "$H/bad-index-json" "index.json is not valid JSON"
inspect bad-manifest-json "$H/bad-manifest-json"
expect bad-manifest-json 3 "$H/bad-manifest-json" "manifest $(man_digest bad-manifest-json) is not valid JSON"
inspect bad-config-json "$H/bad-config-json"
expect bad-config-json 3 "$H/bad-config-json" "config $(config_digest bad-config-json) is not valid JSON"

# ".." entries are refused (and named), absolute ones read relative to the root
d0=$(layer_digest dotdot-paths 0)
inspect dotdot-paths "$H/dotdot-paths"
expect dotdot-paths 4 "$H/dotdot-paths" "layer 0 ($d0)" "../customs-escaped-1" 'escapes the root with ".."'
check "dotdot-paths: the deep ../ entry is named" has_line "$ERR" "layer 0 ($d0)" "../../../../../../../../tmp/customs-escaped-2" "escapes the root"
check "dotdot-paths: etc/../../ is named" has_line "$ERR" "layer 0 ($d0)" "etc/../../customs-escaped-3" "escapes the root"
check "dotdot-paths: the hard link out is named" has_line "$ERR" "layer 0 ($d0)" "etc/hardlink-out" "hard link to an invalid target"
incomplete dotdot-paths
check_eq "dotdot-paths: no catalog path has a .. component, the rest is read" \
	"$(q '"\([.files[].path | select(test("(^|/)\\.\\.(/|$)"))] | length) \(.distro.id)"')" "0 debian"
inspect absolute-paths "$H/absolute-paths"
expect absolute-paths 0 "$H/absolute-paths" "layer 0 ($(layer_digest absolute-paths 0))" "/tmp/customs-escaped-5" \
	"absolute entry name, read as relative to the image root"
check_eq "absolute-paths: /etc/os-release read as etc/os-release" \
	"$(q '"\(.distro.id) \([.files[].path] | index("tmp/customs-escaped-5") != null)"')" "alpine true"

inspect hardlink-missing-target "$H/hardlink-missing-target"
expect hardlink-missing-target 4 "$H/hardlink-missing-target" "layer 0 ($(layer_digest hardlink-missing-target 0))" \
	"usr/bin/linked" 'hard link to "usr/bin/not-there"'
incomplete hardlink-missing-target

# 10,000 nested directories over two layers: read whole, no deep recursion
run deep-directory inspect "$H/deep-directory"
expect deep-directory 0
check "deep-directory: all 10008 entries catalogued" \
	grep -q "^Files *10008 visible (4 files, 10003 directories, 1 symlinks)" "$OUT"

# decompression bombs stop at a documented limit, early
dg=$(layer_digest gzip-bomb 0)
inspect gzip-bomb "$H/gzip-bomb"
expect "gzip-bomb (default --max-ratio 1000)" 4 "$H/gzip-bomb" "layer 0 ($dg)" "zeros" \
	"decompression bomb: layer expands more than 1000 times" "--max-ratio"
check "gzip-bomb: no spurious blob size error" not grep -q "size mismatch" "$ERR"
check "gzip-bomb: stopped long before 2 GiB" test "$(q '.layers[0].tar_size')" -lt 1073741824
incomplete gzip-bomb
inspect gzip-bomb-ratio --max-ratio 100 "$H/gzip-bomb"
expect "gzip-bomb --max-ratio 100" 4 "layer 0 ($dg)" "decompression bomb: layer expands more than 100 times"
inspect gzip-bomb-bytes --max-layer-bytes 32M "$H/gzip-bomb"
expect "gzip-bomb --max-layer-bytes 32M" 4 "layer 0 ($dg)" \
	"uncompressed layer exceeds the limit of 33554432 bytes (--max-layer-bytes)"
if [ -d "$H/zstd-bomb" ]; then
	inspect zstd-bomb "$H/zstd-bomb"
	expect zstd-bomb 4 "$H/zstd-bomb" "layer 0 ($(layer_digest zstd-bomb 0))" "decompression bomb"
fi

# docker-archives
a=$H/docker-diffid-mismatch/image.tar
inspect docker-diffid-mismatch "docker-archive:$a"
want=$(tar -xOf "$a" manifest.json | jq -r '.[0].Config' | xargs tar -xOf "$a" | jq -r '.rootfs.diff_ids[0]')
expect docker-diffid-mismatch 4 "$a" "layer 0 ($want)" "diff_id mismatch: the config says $want"
incomplete docker-diffid-mismatch
a=$H/docker-escape/image.tar
inspect docker-escape "docker-archive:$a"
expect docker-escape 4 "$a" "layer 0" "../../../../../../etc/passwd" "not in the archive, or leads outside it"
check "docker-escape: the absolute name is refused" has_line "$ERR" "layer 1" "/etc/passwd" "not in the archive"
check "docker-escape: the symlink out is refused" has_line "$ERR" "layer 2" "evil/layer.tar" "not in the archive"
check_eq "docker-escape: nothing read from outside" "$(q '"\(.files | length) \(.distro.id)"')" "0 null"
a=$H/docker-size-wraps/image.tar
inspect docker-size-wraps "$a"
expect "tar header size near 2^64 (used to loop for ever)" 3 "$a" "truncated archive" "needs 18446744073709551104 bytes"
inspect docker-bad-manifest-json "$H/docker-bad-manifest-json/image.tar"
expect docker-bad-manifest-json 3 "$H/docker-bad-manifest-json/image.tar" "manifest.json is not valid JSON"

# ================= user mistakes =================

run not-found inspect "$TMP/no/such/image"
expect "unknown image path" 3 "image not found: $TMP/no/such/image"
check_eq "unknown image path: one line" "$(wc -l <"$ERR")" 1
run bad-flag inspect --bogus "$H/valid"
expect "unknown flag" 2 "--bogus"
check_eq "unknown flag: one line" "$(wc -l <"$ERR")" 1
run bad-command frobnicate
expect "unknown command" 2 "unknown command 'frobnicate'"
check_eq "unknown command: one line" "$(wc -l <"$ERR")" 1
run no-image inspect
expect "inspect without IMAGE" 2 "missing IMAGE"
run help-inspect help inspect
expect "customs help inspect" 0
check "customs help inspect: usage on stdout" grep -q "^usage: customs inspect" "$OUT"

# ================= nothing written =================

check_eq "the working directory stays empty" "$(ls -A "$SCRATCH")" ""
check_eq "TMPDIR stays empty" "$(ls -A "$TMP/tmpdir")" ""
check_eq "no escaped file appeared" "$(escaped)" "$before_escaped"
check_eq "the corpus was not modified" "$(find "$H" -newer "$TMP/stamp" | head -3)" ""
finish
