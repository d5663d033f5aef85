#!/usr/bin/env bash
# registry.sh - pull + analyse the rich fixture image from a loopback
# registry (Debian's docker-registry on 127.0.0.1, plain HTTP) against the
# same analysis from the OCI layout on disk, in one run.
#
# Prints, for each: median wall time and CPU time over RUNS runs, peak RSS, the ratio
# registry/layout, and, as the network floor, `curl` fetching the same layer
# blobs one after the other.  Layers stream from the socket into the
# decompress → tar → analyzers pipeline (no temp files), so RSS should stay
# where the layout run is.
#   Target (issue "Registry client"): registry <= 1.2 x layout.
# Usage: bench/registry.sh [RUNS]   (env FIXTURES, CUSTOMS)
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
for t in docker-registry skopeo jq curl python3; do
	command -v "$t" >/dev/null || { echo "needs $t (apt-get install docker-registry skopeo jq curl python3)" >&2; exit 2; }
done

IMG=$FIXTURES/oci/debian-rich
W=$(mktemp -d)
REG_PID=
trap '[ -n "$REG_PID" ] && kill "$REG_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$W"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ADDR=127.0.0.1:$PORT
cat >"$W/config.yml" <<EOF
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $W/data
http:
  addr: $ADDR
EOF
docker-registry serve "$W/config.yml" >"$W/registry.log" 2>&1 &
REG_PID=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "http://$ADDR/v2/" && break; sleep 0.1; done
skopeo --insecure-policy copy -q --dest-tls-verify=false "oci:$IMG:latest" "docker://$ADDR/bench/debian-rich:latest"
REF="registry:$ADDR/bench/debian-rich:latest"

man=$(jq -r '.manifests[0].digest' "$IMG/index.json")
mapfile -t DIGESTS < <(jq -r '.layers[].digest' "$IMG/blobs/sha256/${man#sha256:}")
GZ=$(jq '[.layers[].size] | add' "$IMG/blobs/sha256/${man#sha256:}")
printf 'image: %s  (%d layers, %.1f MB gzip) served by docker-registry on %s\n' "$IMG" "${#DIGESTS[@]}" \
	"$(echo "$GZ/1000000" | bc -l)" "$ADDR"
cat "$IMG"/blobs/sha256/* >/dev/null # warm the page cache (the registry reads the same files)

# measure NAME CMD...: median wall seconds and max RSS (KB) over RUNS runs
TMPF=$W/time RES=$W/res
med() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() {
	local name=$1; shift
	local t=() c=() r=0 i s kb u sy
	for i in $(seq "$RUNS"); do
		/usr/bin/time -f '%e %M %U %S' -o "$TMPF" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
		read -r s kb u sy <"$TMPF"
		t+=("$s")
		c+=("$(echo "$u + $sy" | bc -l)")
		[ "$kb" -gt "$r" ] && r=$kb
	done
	printf '%s\t%s\t%s\t%s\n' "$name" "$(printf '%s\n' "${t[@]}" | med)" "$r" "$(printf '%s\n' "${c[@]}" | med)" >>"$RES"
}
pull_blobs() {
	local d
	for d in "${DIGESTS[@]}"; do curl -sf -o /dev/null "http://$ADDR/v2/bench/debian-rich/blobs/$d"; done
}
export -f pull_blobs 2>/dev/null || true

NORM='del(.source) | (.warnings[]?.message) |= sub("^[^ ]*: "; "IMAGE: ")'
"$CUSTOMS" inspect --quiet -o json "$REF" --insecure-registry "$ADDR" | jq "$NORM" >"$W/reg.json"
"$CUSTOMS" inspect --quiet -o json "oci:$IMG" | jq "$NORM" >"$W/oci.json"
cmp -s "$W/reg.json" "$W/oci.json" && echo "check: registry and layout analyses are identical (minus .source)" ||
	{ echo "check FAILED: the analyses differ" >&2; exit 1; }

measure "customs inspect oci:LAYOUT" "$CUSTOMS" inspect --quiet "oci:$IMG"
measure "customs inspect registry:LOOPBACK" "$CUSTOMS" inspect --quiet "$REF" --insecure-registry "$ADDR"
measure "customs inspect registry:, --threads 1" "$CUSTOMS" inspect --quiet --threads 1 "$REF" --insecure-registry "$ADDR"
measure "curl: the layer blobs, one by one" bash -c "$(declare -p DIGESTS ADDR); $(declare -f pull_blobs); pull_blobs"

base=$(awk -F'\t' 'NR==1 {print $2}' "$RES")
printf '\n%-42s %9s %9s %10s %10s\n' "what" "wall s" "x layout" "peak RSS" "CPU s"
awk -F'\t' -v f="$base" '{printf "%-42s %9.2f %9.2f %7.1f MB %10.2f\n", $1, $2, $2/f, $3/1024, $4}' "$RES"
echo "(CPU s: user+sys of the client alone; the registry server's CPU is not counted. On a loaded"
echo " machine compare CPU s: wall time then mostly measures the other processes.)"
ratio=$(awk -F'\t' 'NR==2 {print $2}' "$RES")
awk -v r="$ratio" -v b="$base" 'BEGIN { x = r / b; printf "\nregistry / layout = %.2f (target <= 1.20): %s\n", x, x <= 1.2 ? "ok" : "OVER" }'
