#!/bin/bash
# self_image.sh - customs' own container image (scripts/self-image.sh:
# debootstrap + cmake --install, an OCI layout, no Docker): customs
# inspects it (two layers, customs as the entrypoint, serve as the
# command), its SBOM holds exactly the packages dpkg says the image has
# (the libraries customs links among them); the customs inside it, run in
# a chroot of the unpacked image, links, serves /healthz, and inspects its
# own image.
. "$(dirname "$0")/../lib/common.sh"
set +e +o pipefail
: "${BUILDDIR:?BUILDDIR must name the build directory (run through ctest)}"
[ "$(id -u)" -eq 0 ] || skip "building the image needs root (debootstrap, chroot)"
for t in debootstrap umoci jq curl dpkg-query; do command -v "$t" >/dev/null || skip "$t is needed"; done
L=$BUILDDIR/self-image/customs
MNT=
trap '[ -n "$MNT" ] && umount "$MNT" 2>/dev/null; [ -n "${SPID:-}" ] && kill "$SPID" 2>/dev/null; rm -rf "$TMP"' EXIT

bash "$SRCDIR/scripts/self-image.sh" "$L" "$BUILDDIR" >"$TMP/build.log" 2>&1
rc=$?
check_eq "scripts/self-image.sh builds the image" "$rc" 0
[ "$rc" -eq 0 ] || { tail -20 "$TMP/build.log"; finish; exit 1; }

"$CUSTOMS" inspect --quiet -o json "oci:$L" >"$TMP/inspect.json"
check_eq "customs inspects its own image: 2 layers" "$(jq '.layers | length' "$TMP/inspect.json")" 2
check "... the first debootstrap's" jq -e '.layers[0].created_by | startswith("debootstrap --variant=minbase")' "$TMP/inspect.json"
check "... the second customs' install" jq -e '.layers[1].created_by | startswith("cmake --install")' "$TMP/inspect.json"
check_eq "... entrypoint customs" "$(jq -c .image.config.entrypoint "$TMP/inspect.json")" '["/usr/local/bin/customs"]'
check_eq "... command serve" "$(jq -c .image.config.cmd "$TMP/inspect.json")" '["serve","--listen","0.0.0.0:8080"]'
check "... /usr/local/bin/customs in the second layer" \
	jq -e '.files[] | select(.path == "usr/local/bin/customs" and .layer == 1)' "$TMP/inspect.json"

umoci unpack --image "$L:latest" "$TMP/b" >/dev/null 2>&1
R=$TMP/b/rootfs
check "the image unpacks" test -x "$R/usr/local/bin/customs"
"$CUSTOMS" sbom --quiet -o json "oci:$L" | jq -r '.packages[] | select(.type == "deb") | "\(.name) \(.version)"' |
	sort >"$TMP/sbom.debs"
dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${db:Status-Status} ${Package} ${Version}\n' |
	sed -n 's/^installed //p' | sort >"$TMP/dpkg.debs"
check "its SBOM: exactly the packages dpkg lists in it ($(wc -l <"$TMP/dpkg.debs"))" cmp -s "$TMP/sbom.debs" "$TMP/dpkg.debs"
for p in libmicrohttpd12 libpq5 libarchive13 libhyperscan5; do
	check "... $p among them" grep -q "^$p " "$TMP/sbom.debs"
done

# the customs inside, in a chroot of the image
mount -t proc proc "$R/proc" && MNT=$R/proc
chroot "$R" /usr/bin/ldd /usr/local/bin/customs >"$TMP/ldd" 2>&1
check "every library customs links is in the image" bash -c "! grep -q 'not found' '$TMP/ldd'"
check_eq "customs runs in it" "$(chroot "$R" /usr/local/bin/customs --version | cut -d' ' -f1)" customs
chroot "$R" /usr/local/bin/customs token create t --store sqlite:/tmp/s.sqlite -o json >"$TMP/tok.json" 2>/dev/null
check "... makes a token" jq -e '.token | startswith("cst_")' "$TMP/tok.json"
chroot "$R" /usr/local/bin/customs serve --listen 127.0.0.1:0 --store sqlite:/tmp/s.sqlite --workers 1 2>"$TMP/serve.log" &
SPID=$!
for _ in $(seq 100); do grep -q listening "$TMP/serve.log" && break; sleep 0.1; done
port=$(grep -o '127.0.0.1:[0-9]*' "$TMP/serve.log" | cut -d: -f2)
check_eq "... serves /healthz" "$(curl -s "http://127.0.0.1:$port/healthz" | jq -r .status)" ok
kill "$SPID"
wait "$SPID"
check_eq "... and stops on SIGTERM" "$?" 0
SPID=
cp -a "$L" "$R/tmp/self"
chroot "$R" /usr/local/bin/customs inspect --quiet -o json oci:/tmp/self >"$TMP/inner.json" 2>"$TMP/inner.err"
check_eq "the customs in the image inspects its own image" "$(jq -c '[.layers[].created_by[0:13]]' "$TMP/inner.json")" \
	'["debootstrap -","cmake --insta"]'
finish
