#!/usr/bin/env bash
# quickstart.sh - install what is missing, build customs, build a real Debian
# image from Debian's and npm's packages (tests/fixtures), catalog it (with
# SPDX and CycloneDX SBOMs), and scan it (with a SARIF report) against a vulnerability database built from the shared feeds
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
./build/customs sbom "$IMG" -o table -o spdx-json=build/debian-rich.spdx.json -o cyclonedx-json=build/debian-rich.cdx.json |
	awk 'NR == 1 || NR % 100 == 2'
echo "(one package in a hundred shown; customs sbom $IMG lists them all;"
echo " SPDX 2.3 and CycloneDX 1.6 written to build/debian-rich.spdx.json and build/debian-rich.cdx.json)"
echo
DB=build/vulndb.sqlite
if [ -d ../shared/feeds ]; then
	./build/customs db import --db "$DB" ../shared/feeds/*.zip ../shared/feeds/ghsa
else
	./build/customs db update --db "$DB"
fi
./build/customs scan --db "$DB" --max-db-age 0 "$IMG" -o table -o sarif=build/debian-rich.sarif | tail -40
echo "(SARIF 2.1.0 for GitHub code scanning written to build/debian-rich.sarif; the SBOM scans the same:"
echo " customs scan --db $DB sbom:build/debian-rich.cdx.json)"
