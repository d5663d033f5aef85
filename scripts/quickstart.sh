#!/usr/bin/env bash
# quickstart.sh - install what is missing, build customs, build a real Debian
# image from Debian's packages (tests/fixtures), and inspect it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build -j"$(nproc)"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO bash tests/fixtures/make-fixtures.sh build/fixtures
./build/customs inspect oci:build/fixtures/oci/debian-rich
./build/customs sbom oci:build/fixtures/oci/debian-rich | head -25
