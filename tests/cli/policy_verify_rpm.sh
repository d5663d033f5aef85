#!/bin/bash
# policy_verify_rpm.sh - the packages gate's verify trigger on an rpm
# system, against `rpm --verify` as the oracle: a package built here with
# rpmbuild and installed by rpm into a root directory (a real rpm database,
# real FILEDIGESTS), then one file changed, one removed and its %config file
# edited.  Whatever rpm -V reports changed (digest, column 3 '5') or
# missing, leaving out %config files, is what customs must report, and
# nothing else; the SHA-256 digests and the MD5 ones (an rpm built with
# MD5 file digests) both.
. "$(dirname "$0")/../lib/common.sh"
set +e +o pipefail

command -v rpmbuild >/dev/null && command -v rpm >/dev/null || skip "rpmbuild and rpm are needed (apt-get install rpm)"

cat >"$TMP/bundle.json" <<'EOF'
{"id": "verify", "version": "1_0", "name": "verify",
 "policies": [{"id": "p", "version": "1_0", "name": "p",
   "rules": [{"id": "r1", "gate": "packages", "trigger": "verify", "action": "STOP", "params": []}]}],
 "mappings": [{"id": "m", "name": "all", "registry": "*", "repository": "*", "image": {"type": "tag", "value": "*"},
   "policy_ids": ["p"], "whitelist_ids": []}],
 "whitelists": [], "whitelisted_images": [], "blacklisted_images": []}
EOF

# build_root ALGO DIR [clean]: the package built with file digests of ALGO
# (rpm's PGP hash id: 8 SHA-256, 1 MD5), installed into DIR, then tampered
# with unless clean
build_root() {
	local algo=$1 root=$2 top=$TMP/rpmbuild-$1
	mkdir -p "$top/SPECS" "$root"
	cat >"$top/SPECS/cvt.spec" <<'EOF'
Name: customs-verify-test
Version: 1.0
Release: 1
Summary: files for customs' verify test
License: MIT
BuildArch: noarch
%description
Files for customs' package-verify test.
%install
mkdir -p %{buildroot}/usr/bin %{buildroot}/usr/share/cvt %{buildroot}/etc
printf '#!/bin/sh\necho cvt\n' > %{buildroot}/usr/bin/cvt
chmod 755 %{buildroot}/usr/bin/cvt
printf 'data one\n' > %{buildroot}/usr/share/cvt/one
printf 'data two\n' > %{buildroot}/usr/share/cvt/two
printf 'data three\n' > %{buildroot}/usr/share/cvt/three
printf 'setting=1\n' > %{buildroot}/etc/cvt.conf
ln -s cvt %{buildroot}/usr/bin/cvt-link
%files
/usr/bin/cvt
/usr/bin/cvt-link
/usr/share/cvt
%config /etc/cvt.conf
EOF
	rpmbuild --quiet -bb --define "_topdir $top" --define "_binary_filedigest_algorithm $algo" \
		--define "_build_id_links none" "$top/SPECS/cvt.spec" >"$TMP/rpmbuild-$algo.log" 2>&1 || {
		cat "$TMP/rpmbuild-$algo.log"
		return 1
	}
	rpm --root "$root" --dbpath /var/lib/rpm --initdb &&
		rpm --root "$root" --dbpath /var/lib/rpm -i --nodeps --noscripts "$top"/RPMS/noarch/*.rpm >"$TMP/rpm-i-$algo.log" 2>&1 || {
		cat "$TMP/rpm-i-$algo.log"
		return 1
	}
	[ "${3:-}" = clean ] && return 0
	printf '#!/bin/sh\necho tampered\n' >"$root/usr/bin/cvt"
	rm -f "$root/usr/share/cvt/two"
	printf 'setting=2\n' >"$root/etc/cvt.conf"
}

for algo in 8 1; do
	root=$TMP/root-$algo
	name=$([ $algo = 8 ] && echo sha256 || echo md5)
	build_root $algo "$root"
	check "$name: rpmbuild and rpm -i into a root" test -d "$root/usr/share/cvt"
	# the oracle: rpm's own verify, digest column and missing files, no %config
	rpm --root "$root" --dbpath /var/lib/rpm -V --nodeps customs-verify-test >"$TMP/rpmv-$algo" 2>&1
	awk '$1 == "missing" && $2 != "c" { print "/" substr($NF, 2) " missing" }
	     $1 ~ /^..5/ && $2 != "c" { print $NF " changed" }' "$TMP/rpmv-$algo" | sort >"$TMP/want-$algo"
	check "$name: rpm -V reports a change and a missing file" test "$(wc -l <"$TMP/want-$algo")" -eq 2
	"$CUSTOMS" evaluate --quiet --policy "$TMP/bundle.json" -o json "dir:$root" >"$TMP/eval-$algo.json" 2>"$TMP/eval-$algo.err"
	check_eq "$name: evaluate: STOP (exit 1)" "$?" 1
	jq -r '.findings[] | select(.trigger == "verify") | .message' "$TMP/eval-$algo.json" |
		sed -n "s/.*failed on entry '\(.*\)' with status: '\(.*\)'/\1 \2/p" | sort >"$TMP/got-$algo"
	if cmp -s "$TMP/got-$algo" "$TMP/want-$algo"; then
		ok "$name: the verify trigger reports exactly what rpm -V does"
	else
		not_ok "$name: the verify trigger differs from rpm -V"
		diff "$TMP/want-$algo" "$TMP/got-$algo"
		cat "$TMP/rpmv-$algo" "$TMP/eval-$algo.err"
	fi
	check_eq "$name: the package is named in the findings" \
		"$(jq -r '[.findings[] | select(.trigger == "verify") | .message | test("package .customs-verify-test.")] | all' "$TMP/eval-$algo.json")" true
done

# a root as rpm installed it: rpm -V is silent, and verify does not fire
root=$TMP/root-clean
build_root 8 "$root" clean
check_eq "untouched: rpm -V is silent" "$(rpm --root "$root" --dbpath /var/lib/rpm -V --nodeps customs-verify-test | wc -l)" 0
"$CUSTOMS" evaluate --quiet --policy "$TMP/bundle.json" -o json "dir:$root" >"$TMP/eval-clean.json" 2>/dev/null
check_eq "untouched: evaluate: GO (exit 0)" "$?" 0
check_eq "untouched: verify does not fire" "$(jq '[.findings[] | select(.trigger == "verify")] | length' "$TMP/eval-clean.json")" 0

finish
