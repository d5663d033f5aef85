#!/usr/bin/env bash
# inspect.sh - customs inspect against the decompression floor, in one run.
#
# Prints, for the rich fixture image (gzip OCI layout): wall time and peak RSS
# of `customs inspect` (default: blob digests verified), of the same with
# --verify-diff-ids, and of `igzip -dc` / `gzip -dc` of the same layer blobs
# (single core), with ratios to igzip.  Then a synthetic image with one 2 GiB
# file, to show that RSS does not grow with layer bytes.
#   Targets (issue "Core"): inspect <= igzip -dc time; peak RSS <= 64 MB.
# Usage: bench/inspect.sh [RUNS]   (env FIXTURES, CUSTOMS)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
FIXTURES=${FIXTURES:-build/fixtures}
CUSTOMS=${CUSTOMS:-build-release/customs}
if [ ! -x "$CUSTOMS" ]; then
	cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
	cmake --build build-release -j"$(nproc)" >/dev/null
fi
[ -f "$FIXTURES/.stamp" ] || { echo "build the fixtures first: sudo bash tests/fixtures/make-fixtures.sh $FIXTURES" >&2; exit 2; }
command -v igzip >/dev/null || { echo "needs igzip (apt-get install isal)" >&2; exit 2; }

IMG=$FIXTURES/oci/debian-rich
man=$(jq -r '.manifests[0].digest' "$IMG/index.json")
mapfile -t BLOBS < <(jq -r '.layers[].digest | sub("sha256:"; "")' "$IMG/blobs/sha256/${man#sha256:}" |
	sed "s|^|$IMG/blobs/sha256/|")
GZ=$(cat "${BLOBS[@]}" | wc -c)
TAR=$(cat "${BLOBS[@]}" | igzip -dc | wc -c)
FILES=$("$CUSTOMS" inspect -o json "oci:$IMG" | jq '.summary.files_all_layers')
printf 'image: %s  (%d layers, %.1f MB gzip, %.1f MB tar, %d files)\n' "$IMG" "${#BLOBS[@]}" \
	"$(echo "$GZ/1000000" | bc -l)" "$(echo "$TAR/1000000" | bc -l)" "$FILES"
cat "${BLOBS[@]}" >/dev/null # warm the page cache

# measure NAME CMD...: median wall seconds and max RSS (KB) over RUNS runs
measure() {
	local name=$1; shift
	local t=() r=0 i
	for i in $(seq "$RUNS"); do
		/usr/bin/time -f '%e %M' -o "$TMPF" "$@" >/dev/null 2>&1 || true
		read -r s kb <"$TMPF"
		t+=("$s")
		[ "$kb" -gt "$r" ] && r=$kb
	done
	local med
	med=$(printf '%s\n' "${t[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	printf '%s\t%s\t%s\n' "$name" "$med" "$r" >>"$RES"
}
TMPF=$(mktemp); RES=$(mktemp)
trap 'rm -f "$TMPF" "$RES"; rm -rf "$BIG"' EXIT
BIG=

measure "igzip -dc (1 core, floor)" sh -c "cat ${BLOBS[*]} | igzip -dc >/dev/null"
measure "gzip -dc (1 core)" sh -c "cat ${BLOBS[*]} | gzip -dc >/dev/null"
measure "customs inspect" "$CUSTOMS" inspect --quiet "oci:$IMG"
measure "customs inspect -o json" "$CUSTOMS" inspect --quiet -o json "oci:$IMG"
measure "customs inspect --verify-diff-ids" "$CUSTOMS" inspect --quiet --verify-diff-ids "oci:$IMG"
measure "customs inspect (zstd layout)" "$CUSTOMS" inspect --quiet "oci:$FIXTURES/oci-zstd/debian-rich"
measure "customs inspect (docker-archive)" "$CUSTOMS" inspect --quiet "docker-archive:$FIXTURES/docker-archive/debian-rich.tar"

floor=$(awk -F'\t' 'NR==1 {print $2}' "$RES")
printf '\n%-40s %9s %9s %10s\n' "what" "wall s" "x igzip" "peak RSS"
awk -F'\t' -v f="$floor" '{printf "%-40s %9.2f %9.2f %7.1f MB\n", $1, $2, $2/f, $3/1024}' "$RES"

# one 2 GiB file in one layer: RSS must stay where it was
BIG=$(mktemp -d)
python3 - "$BIG" <<'PY'
import hashlib, json, os, subprocess, sys, tarfile, io
d = sys.argv[1]
os.makedirs(f"{d}/blobs/sha256")
size = 2 << 30
hdr = tarfile.TarInfo("big.bin"); hdr.size = size; hdr.mode = 0o644
raw = hashlib.sha256(); p = subprocess.Popen(["igzip", "-1", "-c"], stdin=subprocess.PIPE, stdout=open(f"{d}/layer.gz", "wb"))
def put(b):
    raw.update(b); p.stdin.write(b)
put(hdr.tobuf(format=tarfile.USTAR_FORMAT))
chunk = bytes(range(256)) * 4096  # 1 MiB, compresses like text
for _ in range(size // len(chunk)): put(chunk)
put(b"\0" * 1024)
p.stdin.close(); p.wait()
def blob(b):
    h = hashlib.sha256(b).hexdigest(); open(f"{d}/blobs/sha256/{h}", "wb").write(b); return h, len(b)
lh = hashlib.sha256(open(f"{d}/layer.gz", "rb").read()).hexdigest()
os.rename(f"{d}/layer.gz", f"{d}/blobs/sha256/{lh}")
cfg = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": ["sha256:" + raw.hexdigest()]}}).encode()
ch, cl = blob(cfg)
man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + ch, "size": cl},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:" + lh,
                "size": os.path.getsize(f"{d}/blobs/sha256/{lh}")}]}).encode()
mh, ml = blob(man)
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
    "digest": "sha256:" + mh, "size": ml, "annotations": {"org.opencontainers.image.ref.name": "latest"}}]}, open(f"{d}/index.json", "w"))
open(f"{d}/oci-layout", "w").write('{"imageLayoutVersion": "1.0.0"}')
PY
: >"$RES"
measure "customs inspect, one 2 GiB file" "$CUSTOMS" inspect --quiet --verify-diff-ids "oci:$BIG"
measure "customs inspect --file-digests, 2 GiB" "$CUSTOMS" inspect --quiet --file-digests "oci:$BIG"
echo
awk -F'\t' '{printf "%-40s %9.2f %9s %7.1f MB\n", $1, $2, "", $3/1024}' "$RES"
