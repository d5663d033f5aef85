#!/usr/bin/env bash
# quickstart.sh - install what is missing, build customs, build a real Debian
# image from Debian's and npm's packages (tests/fixtures), catalog it (with
# SPDX and CycloneDX SBOMs), scan it (with a SARIF report) against a
# vulnerability database built from the shared feeds (../shared/feeds;
# without them, `customs db update` fetches the feeds), keep it in the store
# (the embedded SQLite default, ~/.local/share/customs/store.sqlite, or
# $CUSTOMS_STORE) and ask the store about it, and evaluate Anchore Engine's
# default policy bundle against it.
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
echo
# the store: the analysis kept by digest with its tag, matched once; the
# second scan reads nothing but the store
./build/customs analyze --db "$DB" --tag debian-rich:quickstart "$IMG"
./build/customs images
./build/customs query debian-rich:quickstart layers
./build/customs scan --store "${CUSTOMS_STORE:-$HOME/.local/share/customs/store.sqlite}" --db "$DB" --max-db-age 0 \
	--timings "$IMG" -o json=build/debian-rich.scan.json
echo
# policy: STOP exits 1, which a pipeline acts on; here it is shown
rc=0
./build/customs evaluate --db "$DB" --policy tests/data/policy/anchore_default_bundle.json "$IMG" >build/debian-rich.policy.txt || rc=$?
head -20 build/debian-rich.policy.txt
echo "(the first rows; customs evaluate exited $rc: 0 GO or WARN, 1 STOP; the whole table is in build/debian-rich.policy.txt)"
