#!/bin/bash
# fetch-sarif-schema.sh DEST - put the SARIF 2.1.0 JSON schema at DEST.
#
# The schema is not kept in this repository: it comes from an npm package
# that ships it, pinned by version and checked by its sha256.  The package
# is @microsoft/jest-sarif (Microsoft's SARIF SDK for JavaScript, MIT), whose
# lib/schemas/sarif-2.1.0-rtm.5.json is SchemaStore's copy of the OASIS
# SARIF 2.1.0 schema (draft-04; "suppression.status", as in the standard).
# DEST is left alone when it already holds that file, so a copy under
# build/ works as a cache.
#
# Exit status: 0 DEST holds the schema; 1 the download is not the pinned
# file (checksum mismatch, or the file is missing from the package);
# 2 it could not be downloaded (no npm, no registry) and DEST holds no copy.
set -euo pipefail

PKG=@microsoft/jest-sarif
VERSION=1.0.0-beta.0
FILE=package/lib/schemas/sarif-2.1.0-rtm.5.json
SHA256=2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8

[ $# -eq 1 ] || { echo "usage: $0 DEST" >&2; exit 2; }
dest=$1

sha() { sha256sum "$1" | cut -d' ' -f1; }

if [ -f "$dest" ] && [ "$(sha "$dest")" = "$SHA256" ]; then
	exit 0
fi
command -v npm >/dev/null || { echo "$0: npm is not installed: cannot fetch $PKG@$VERSION" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# npm pack fetches the package's tarball (from npm's cache when it is
# there) without installing or running anything; an unreachable registry
# fails in seconds, not after npm's default minute of retries
if ! tgz=$(cd "$tmp" && timeout 180 npm pack --loglevel=error --fetch-retries=1 --fetch-retry-mintimeout=2000 \
	--fetch-retry-maxtimeout=5000 "$PKG@$VERSION" 2>"$tmp/npm.err" | tail -n 1) ||
	[ -z "$tgz" ] || [ ! -f "$tmp/$tgz" ]; then
	why=$(grep -v -e '^npm error A complete log' -e '^npm error *$' "$tmp/npm.err" | head -n 2 | tr '\n' ' ')
	echo "$0: npm pack $PKG@$VERSION failed: ${why:-no output}" >&2
	exit 2
fi
if ! tar -xzf "$tmp/$tgz" -C "$tmp" "$FILE" 2>"$tmp/tar.err"; then
	echo "$0: $PKG@$VERSION holds no $FILE: $(head -n 1 "$tmp/tar.err")" >&2
	exit 1
fi
got=$(sha "$tmp/$FILE")
if [ "$got" != "$SHA256" ]; then
	echo "$0: $FILE of $PKG@$VERSION has sha256 $got, want $SHA256" >&2
	exit 1
fi
mkdir -p "$(dirname "$dest")"
cp "$tmp/$FILE" "$dest.tmp.$$"
mv -f "$dest.tmp.$$" "$dest"
