#!/usr/bin/env bash
# self-image.sh OUT [BUILDDIR] - a container image of customs itself, as an
# OCI layout OUT (image OUT:latest), built the way the test fixtures are:
# no Docker, Debian's packages only.  Layer 1: debootstrap --variant=minbase
# bookworm with the libraries customs runs on (libmicrohttpd12, libpq5,
# libcurl4, ...); layer 2: `cmake --install BUILDDIR` (default build) into
# /usr/local.  The entrypoint is customs: `serve --listen 0.0.0.0:8080` by
# default, or `worker --store postgres://...` (docs/deploy.md).  Run as
# root (debootstrap, chroot).  Cached: OUT/.stamp holds the sha256 of this
# script and of the customs binary.  Environment: MIRROR (default: the
# host's bookworm URI, else deb.debian.org), SOURCE_DATE_EPOCH (the image's
# dates; default: the build's commit time).
set -euo pipefail
OUT=${1:?usage: self-image.sh OUT [BUILDDIR]}
B=${2:-build}
SRC=$(cd "$(dirname "$0")/.." && pwd)
SUITE=bookworm
[ "$(id -u)" -eq 0 ] || { echo "self-image.sh: run as root (debootstrap, chroot)" >&2; exit 2; }
for t in debootstrap umoci cmake sha256sum; do
	command -v "$t" >/dev/null || { echo "self-image.sh: $t is needed (apt-get install debootstrap umoci)" >&2; exit 2; }
done
[ -x "$B/customs" ] || { echo "self-image.sh: build customs first ($B/customs)" >&2; exit 2; }
stamp=$(cat "$0" "$B/customs" | sha256sum | cut -d' ' -f1)
if [ -f "$OUT/.stamp" ] && [ "$(cat "$OUT/.stamp")" = "$stamp" ]; then
	echo "self-image.sh: $OUT is up to date" >&2
	exit 0
fi
MIRROR=${MIRROR:-$(apt-get indextargets --format '$(REPO_URI)' "Release: $SUITE" 'Identifier: Packages' 2>/dev/null | head -1)}
MIRROR=${MIRROR:-http://deb.debian.org/debian/}
EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$SRC" log -1 --format=%ct 2>/dev/null || date +%s)}
CREATED=$(date -u -d "@$EPOCH" +%Y-%m-%dT%H:%M:%SZ)
# what customs links against at run time, by Debian package
LIBS=libarchive13,libisal2,libzstd1,libssl3,libjansson4,libsqlite3-0,libcurl4,libyaml-0-2,libpq5,libpcre2-8-0,libhyperscan5,libmicrohttpd12,ca-certificates

W=$(mktemp -d /tmp/customs-self.XXXXXX)
MNT=
trap '[ -n "$MNT" ] && umount "$MNT"; rm -rf "$W"' EXIT
rm -rf "$OUT"
mkdir -p "$(dirname "$OUT")"
umoci init --layout "$OUT"
umoci new --image "$OUT:latest"
umoci unpack --image "$OUT:latest" "$W/b"
echo "self-image.sh: debootstrap $SUITE from $MIRROR" >&2
debootstrap --variant=minbase --arch=amd64 --include="$LIBS" "$SUITE" "$W/b/rootfs" "$MIRROR" >"$W/debootstrap.log" 2>&1 ||
	{ tail -20 "$W/debootstrap.log" >&2; exit 1; }
chroot "$W/b/rootfs" apt-get clean
rm -rf "$W/b/rootfs"/var/lib/apt/lists/* "$W/b/rootfs"/var/cache/apt/*.bin
: >"$W/b/rootfs/etc/resolv.conf"
echo customs >"$W/b/rootfs/etc/hostname"
umoci repack --refresh-bundle --image "$OUT:latest" --history.created "$CREATED" --history.author self-image.sh \
	--history.created_by "debootstrap --variant=minbase --include=$LIBS $SUITE" "$W/b"
DESTDIR="$W/b/rootfs" cmake --install "$B" --prefix /usr/local >"$W/install.log"
# the library's static archive and headers are for building, not for running
rm -rf "$W/b/rootfs/usr/local/include" "$W/b/rootfs/usr/local/lib/libcustoms.a" "$W/b/rootfs/usr/local/lib/pkgconfig"
chroot "$W/b/rootfs" ldconfig
# a sanitizer build reads /proc as it runs
mount -t proc proc "$W/b/rootfs/proc" && MNT=$W/b/rootfs/proc
chroot "$W/b/rootfs" /usr/local/bin/customs --version >/dev/null ||
	{ echo "self-image.sh: customs does not run in the image" >&2; exit 1; }
umount "$MNT" && MNT=
mkdir -p "$W/b/rootfs/var/lib/customs"
umoci repack --refresh-bundle --image "$OUT:latest" --history.created "$CREATED" --history.author self-image.sh \
	--history.created_by "cmake --install (customs $("$B/customs" --version | cut -d' ' -f2))" "$W/b"
umoci config --image "$OUT:latest" --created "$CREATED" --author self-image.sh --os linux --architecture amd64 \
	--config.entrypoint /usr/local/bin/customs --config.cmd serve --config.cmd --listen --config.cmd 0.0.0.0:8080 \
	--config.env PATH=/usr/local/bin:/usr/bin:/bin --config.env CUSTOMS_STORE=sqlite:/var/lib/customs/store.sqlite \
	--config.exposedports 8080/tcp --config.volume /var/lib/customs --config.workingdir /var/lib/customs \
	--config.label org.opencontainers.image.title=customs \
	--config.label org.opencontainers.image.source=https://example.invalid/customs \
	--history.created "$CREATED" --history.created_by 'ENTRYPOINT ["/usr/local/bin/customs"] CMD ["serve", "--listen", "0.0.0.0:8080"]'
umoci gc --layout "$OUT"
echo "$stamp" >"$OUT/.stamp"
echo "self-image.sh: $OUT:latest" >&2
