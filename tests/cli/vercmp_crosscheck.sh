#!/bin/bash
# vercmp_crosscheck.sh - `customs vercmp dpkg|rpm|pep440` against the reference
# implementations on a few thousand generated pairs of real-looking versions
# (epochs, tildes, carets, letters, Debian and Fedora/EL revisions, and
# for rpm UTF-8 bytes, which rpmvercmp takes as separators):
# dpkg --compare-versions, and rpm's own rpm.vercmp() in one `rpm --eval`
# per batch; PEP 440 and legacy Python versions against pip's vendored
# packaging 21.3 (python3-pip).  customs answers all pairs through `vercmp --stdin` and a
# sample through `vercmp SCHEME A B` (process start-up, not comparison,
# is what costs time here).  Needs CUSTOMS (the built binary); installs
# rpm with apt-get when it is missing and exits 77 (skip) when that is
# impossible.
set -u

: "${CUSTOMS:?set CUSTOMS to the customs binary}"
PAIRS=${VERCMP_PAIRS:-1500}      # per scheme
SEED=${VERCMP_SEED:-20250101}
JOBS=${VERCMP_JOBS:-$(($(nproc 2>/dev/null || echo 2) * 2))}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# gen KIND N SEED: N lines "A B" of versions in KIND's syntax.  Most pairs
# share parts, so that the interesting (near-equal) cases are common.
gen() {
	awk -v kind="$1" -v n="$2" -v seed="$3" '
	function pick(s,   a, k) { k = split(s, a, " "); return a[int(rand() * k) + 1] }
	function upstream(   u, d) {
		u = pick("0 1 1 1 2 3 9 10 12 2024")
		d = int(rand() * 4)
		while (d-- > 0)
			u = u "." pick("0 0 1 2 3 9 10 01 00 11 20240101")
		if (rand() < 0.45)
			u = u pick(suffixes)
		return u
	}
	function version(   v) {
		v = ""
		if (rand() < 0.2)
			v = pick("0 1 1 2 10 01") ":"
		v = v upstream()
		if (rand() < 0.7)
			v = v "-" pick(revisions)
		return v
	}
	function mutate(v,   r) {
		r = rand()
		if (r < 0.25) return v pick(suffixes)
		if (r < 0.45) { sub(/-[^-]*$/, "", v); return v "-" pick(revisions) }
		if (r < 0.60) { sub(/^[0-9]+:/, "", v); return (rand() < 0.5 ? v : pick("0 1 2") ":" v) }
		if (r < 0.75) { sub(/[0-9]+/, pick("0 1 2 10 01"), v); return v }
		return version()
	}
	BEGIN {
		srand(seed)
		if (kind == "dpkg") {
			suffixes = "a b c1 ~rc1 ~rc2 ~beta1 ~ ~~ ~~a +dfsg +dfsg1 +dfsg~1 +git20200101 +really1.0 .1 a1 +b1 ~0 +ds1 .dfsg .0 z"
			revisions = "0 1 2 10 1ubuntu1 1ubuntu0.1 1+deb12u1 1+deb11u2 1~bpo11+1 1.1 0.1 2build1 1~exp1 1+b1 5+deb10u3"
		} else {
			suffixes = "a b ~rc1 ~rc2 ~beta ~ ^git1 ^20200101 ^ ^1~a .1 _1 p1 +a git1 ~~ .0 rc1 ^post1 .α α1 é ~é .ü2 ∞"
			revisions = "1 2 10 1.el8 1.el8_2 2.el9 1.el9_1.1 0.1.rc1 1.fc38 1~beta 3.module+el8.4.0+123+abc 1.1 11.el7 1.el8.1"
		}
		for (i = 0; i < n; i++) {
			a = version()
			b = rand() < 0.7 ? mutate(a) : version()
			print a, b
		}
	}'
}

sym() { case "$1" in -1) echo "<" ;; 0) echo "=" ;; 1) echo ">" ;; *) echo "?$1" ;; esac; }

# par FUNC IN OUT: FUNC reads "A B" lines and writes one line each; the
# lines of IN go through JOBS copies of FUNC at once, OUT keeps their order.
par() {
	local f=$1 in=$2 out=$3 part
	split -n "l/$JOBS" -d -a 3 "$in" "$in.part."
	for part in "$in".part.[0-9][0-9][0-9]; do
		"$f" <"$part" >"$part.out" &
	done
	wait
	cat "$in".part.[0-9][0-9][0-9].out >"$out"
}

dpkg_reference() {
	local a b
	while read -r a b; do
		if dpkg --compare-versions "$a" lt "$b" 2>/dev/null; then
			echo "<"
		elif dpkg --compare-versions "$a" eq "$b" 2>/dev/null; then
			echo "="
		else
			echo ">"
		fi
	done
}

SAMPLE=${VERCMP_ARGV_SAMPLE:-200}
argv_scheme=
customs_argv() {
	local a b
	while read -r a b; do
		"$CUSTOMS" vercmp "$argv_scheme" "$a" "$b" 2>&1 | tr '\n' ' '
		echo
	done
}

# compare SCHEME PAIRS WANT GOT HOW: report and count disagreements.
compare() {
	local scheme=$1 pairs=$2 want=$3 got=$4 how=$5 n bad
	sed -i 's/ $//' "$got"
	paste -d '|' "$pairs" "$want" "$got" >"$got.all"
	n=$(wc -l <"$pairs")
	bad=$(awk -F'|' '$2 != $3' "$got.all" | wc -l)
	awk -F'|' '$2 != $3 { split($1, v, " "); printf "MISMATCH %s: \047%s\047 vs \047%s\047: reference %s, customs %s\n", s, v[1], v[2], $2, $3 }' \
		s="$scheme" "$got.all" | head -20
	echo "$scheme ($how): $((n - bad))/$n pairs agree with the reference"
	[ "$n" -gt 0 ] && [ "$bad" -eq 0 ]
}

# check SCHEME PAIRS WANT: every pair through --stdin, a sample through argv.
check() {
	local scheme=$1 pairs=$2 want=$3 ok=0
	"$CUSTOMS" vercmp "$scheme" --stdin <"$pairs" >"$tmp/$scheme.got" 2>"$tmp/$scheme.err"
	compare "$scheme" "$pairs" "$want" "$tmp/$scheme.got" "vercmp --stdin" || ok=1
	head -n "$SAMPLE" "$pairs" >"$tmp/$scheme.sample"
	head -n "$SAMPLE" "$want" >"$tmp/$scheme.sample.want"
	argv_scheme=$scheme
	par customs_argv "$tmp/$scheme.sample" "$tmp/$scheme.sample.got"
	compare "$scheme" "$tmp/$scheme.sample" "$tmp/$scheme.sample.want" "$tmp/$scheme.sample.got" "vercmp $scheme A B" || ok=1
	return $ok
}

status=0

# ---- dpkg ----
if ! command -v dpkg >/dev/null; then
	echo "dpkg is not installed: cannot cross-check the dpkg scheme; skipping"
	[ "${CI:-}" = true ] && exit 1
	exit 77
fi
gen dpkg "$PAIRS" "$SEED" >"$tmp/dpkg.pairs"
par dpkg_reference "$tmp/dpkg.pairs" "$tmp/dpkg.want"
check dpkg "$tmp/dpkg.pairs" "$tmp/dpkg.want" || status=1

# ---- rpm ----
if ! command -v rpm >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	echo "rpm is not installed: trying apt-get install -y rpm"
	DEBIAN_FRONTEND=noninteractive apt-get install -y rpm >"$tmp/apt.log" 2>&1 ||
		{ apt-get update >>"$tmp/apt.log" 2>&1 &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y rpm >>"$tmp/apt.log" 2>&1; }
fi
if ! command -v rpm >/dev/null || ! rpm --eval '%{lua: print(rpm.vercmp("1","2"))}' >/dev/null 2>&1; then
	echo "rpm (with rpm.vercmp in its Lua) is not available and could not be installed: skipping the rpm half"
	[ "${CI:-}" = true ] && exit 1
	[ $status -eq 0 ] && exit 77
	exit $status
fi
gen rpm "$PAIRS" "$((SEED + 1))" >"$tmp/rpm.pairs"
# One rpm --eval per 400 pairs (an argument is capped at 128 KiB).
split -l 400 "$tmp/rpm.pairs" "$tmp/rpm.batch."
for batch in "$tmp"/rpm.batch.*; do
	lua=$(awk '{ printf "print(rpm.vercmp([[%s]], [[%s]]) .. \"\\n\") ", $1, $2 }' "$batch")
	rpm --eval "%{lua: $lua}" | grep -v '^$'
done >"$tmp/rpm.raw"
while read -r r; do sym "$r"; done <"$tmp/rpm.raw" >"$tmp/rpm.want"
if [ "$(wc -l <"$tmp/rpm.want")" != "$(wc -l <"$tmp/rpm.pairs")" ]; then
	echo "rpm --eval returned $(wc -l <"$tmp/rpm.want") results for $(wc -l <"$tmp/rpm.pairs") pairs"
	exit 1
fi
check rpm "$tmp/rpm.pairs" "$tmp/rpm.want" || status=1

# ---- pep440: legacy versions against pip's vendored packaging 21.3 ----
# Debian 12's python3-pip vendors packaging 21.3, the last with
# LegacyVersion: the reference for versions that are not PEP 440.
PY=/usr/bin/python3
if ! "$PY" -c 'import pip._vendor.packaging.version as v; v.LegacyVersion' 2>/dev/null; then
	echo "python3-pip with packaging's LegacyVersion is not installed: skipping the pep440 half"
	[ "${CI:-}" = true ] && exit 1
	[ $status -eq 0 ] && exit 77
	exit $status
fi
# pairs of legacy and PEP 440 versions built from the pieces pip met in
# PyPI (the non-PEP 440 versions of the PyPA feed), then one answer each
"$PY" -W ignore - "$PAIRS" "$((SEED + 2))" >"$tmp/pep440.pairs" <<'PYEOF'
import random, sys
n, seed = int(sys.argv[1]), int(sys.argv[2])
random.seed(seed)
nums = ["0", "1", "2", "7", "10", "01", "00", "123456", "2013"]
tails = ["", "a1", "b2", "rc1", "c1", ".post1", "-1", ".dev0", "+local.1", "p1", "p2", ".fix1", "-final",
         ".final", "-beta", "beta6.1", "-git", "m1", "d", ".svn.r2010", "-p1", "_x", "x", "-", ".x", "@", "-dev", "pre1"]
def version():
    v = ".".join(random.choice(nums) for _ in range(random.randint(1, 4)))
    if random.random() < 0.1:
        v = random.choice(["1!", "v", ""]) + v
    v += random.choice(tails)
    if random.random() < 0.25:
        v += random.choice(tails)
    if random.random() < 0.03:
        v = random.choice(["trunk", "a3", "2019-09-12", "2013-01-21T20:33:09+0100", "-x"])
    return v
for _ in range(n):
    a = version()
    b = a + random.choice(tails) if random.random() < 0.4 else version()
    print(a, b)
PYEOF
"$PY" -W ignore -c '
import sys
from pip._vendor.packaging.version import parse
for line in sys.stdin:
    a, b = line.split()
    x, y = parse(a), parse(b)
    print("<" if x < y else ">" if x > y else "=")' <"$tmp/pep440.pairs" >"$tmp/pep440.want"
check pep440 "$tmp/pep440.pairs" "$tmp/pep440.want" || status=1

exit $status
