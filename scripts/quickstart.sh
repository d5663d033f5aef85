#!/usr/bin/env bash
# quickstart.sh - install what is missing, build customs, build a real Debian
# image from Debian's and npm's packages (tests/fixtures), catalog it, and
# scan it against a vulnerability database built from the shared feeds
# (../shared/feeds; without them, `customs db update` fetches the feeds).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build -j"$(nproc)"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO bash tests/fixtures/make-fixtures.sh build/fixtures
IMG=oci:build/fixtures/oci/debian-rich
./build/customs inspect "$IMG"
echo
./build/customs sbom "$IMG" | awk 'NR == 1 || NR % 100 == 2'
echo "(one package in a hundred shown; customs sbom $IMG lists them all)"
echo
DB=build/vulndb.sqlite
if [ -d ../shared/feeds ]; then
	./build/customs db import --db "$DB" ../shared/feeds/*.zip ../shared/feeds/ghsa
else
	./build/customs db update --db "$DB"
fi
./build/customs scan --db "$DB" --max-db-age 0 "$IMG" | tail -40
