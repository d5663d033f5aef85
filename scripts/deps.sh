#!/usr/bin/env bash
# deps.sh [build|test] - install the Debian 12 packages customs needs that are
# missing (build: compile and run; test: also the test suite's tools).
set -euo pipefail
BUILD=(cmake make gcc pkg-config libarchive-dev libisal-dev libzstd-dev libssl-dev libjansson-dev
       libsqlite3-dev libcmocka-dev libcurl4-openssl-dev libyaml-dev ca-certificates)
# tests: fixture images from real packages (debootstrap, umoci, skopeo), rpm
# databases (rpm, db5.3-util), the reference tools the tests compare against
# (python3-jsonschema validates SPDX, CycloneDX and SARIF documents),
# clang for the libFuzzer targets, and a local registry (docker-registry,
# htpasswd from apache2-utils, openssl for the token server's key)
TEST=(clang libclang-rt-14-dev jq python3 python3-apt python3-jsonschema debootstrap umoci skopeo zstd isal rpm db5.3-util
      docker-registry apache2-utils openssl)

want=("${BUILD[@]}")
[ "${1:-build}" = test ] && want+=("${TEST[@]}")
missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps.sh: installing ${missing[*]}" >&2
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
