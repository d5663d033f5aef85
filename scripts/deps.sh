#!/usr/bin/env bash
# deps.sh [build|test] - install the Debian 12 packages customs needs that are
# missing (build: compile and run; test: also the test suite's tools).
set -euo pipefail
BUILD=(cmake make gcc pkg-config libarchive-dev libisal-dev libzstd-dev libssl-dev libjansson-dev
       libsqlite3-dev libpq-dev libcmocka-dev libcurl4-openssl-dev libyaml-dev libpcre2-dev libhyperscan-dev
       libmicrohttpd-dev ca-certificates)
# tests: fixture images from real packages (debootstrap, umoci, skopeo), rpm
# databases (rpm, db5.3-util), the reference tools the tests compare against
# (python3-jsonschema validates SPDX, CycloneDX and SARIF documents;
# python3-pip vendors packaging 21.3, the legacy Python version order),
# clang for the libFuzzer targets, a local registry (docker-registry,
# htpasswd from apache2-utils, openssl for the token server's key), npm
# (cyclonedx-npm, the SARIF schema, Trivy and cdxgen for make-sboms.sh),
# unzip (the Java ground truth), the Go toolchain (go version -m), curl,
# sqlite3, GNU time, busybox (a real binary for the binver example plugin),
# script (bsdutils: a terminal for the progress-line
# checks), lz4 and xz (Packages indexes as apt keeps them), PostgreSQL
# (the store's and the server's tests run against a throw-away cluster),
# wrk (bench/server.sh's load against customs serve), and chromium (the
# server's web page in a real headless browser).  Under
# CI=true a test whose tool is missing fails, so everything a test uses is
# listed here.
TEST=(clang libclang-rt-14-dev jq python3 python3-apt python3-pip python3-jsonschema debootstrap umoci skopeo zstd isal rpm db5.3-util
      docker-registry apache2-utils openssl npm unzip golang-go curl sqlite3 time bsdutils lz4 xz-utils busybox
      postgresql wrk chromium)

want=("${BUILD[@]}")
[ "${1:-build}" = test ] && want+=("${TEST[@]}")
missing=()
for p in "${want[@]}"; do
	# npm: a Node.js from another source (NodeSource's nodejs conflicts with
	# Debian's npm package) brings its own npm, which is all the tests need.
	[ "$p" = npm ] && command -v npm >/dev/null && continue
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps.sh: installing ${missing[*]}" >&2
SUDO=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "deps.sh: run as root, or install sudo, to install: ${missing[*]}" >&2; exit 1; }
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
