/* version.h - version schemes: each ecosystem's version ordering and the
 * syntax of its version constraints, behind one table of schemes.
 *
 * Versions and constraints come from images and feeds: every function here
 * takes them as untrusted input.  A string that does not parse under the
 * scheme gives CUSTOMS_EFORMAT with customs_error_last() naming the string
 * and what is wrong with it; a NULL argument gives CUSTOMS_EINVAL.  Limits
 * (CUSTOMS_ELIMIT): versions of 1024 bytes (node-semver and Maven themselves
 * stop at 256), constraints of 4096 bytes and 256 comparators.  Numeric
 * components of any length are compared exactly (as digit strings), except
 * where the ecosystem bounds them (node-semver 2^53-1, cargo 2^64-1, dpkg
 * epochs and NuGet parts 2^31-1, Composer's major: five digits or a date).
 * Functions are thread-safe.
 *
 * Schemes and their names (lookups ignore case and an OSV-style release
 * suffix, so "Debian:12" and "Alpine:v3.21" find dpkg and apk):
 *
 *   dpkg      deb, debian, ubuntu         deb-version(7)
 *   rpm       redhat, red hat, almalinux, rocky, rocky linux, suse,
 *             opensuse, mariner           rpmvercmp + [epoch:]version[-release]
 *   apk       alpine, wolfi, chainguard   apk-tools version.c (v3 grammar, and
 *                                         apk-tools 2's "6.6.2p1", "4.8.0.-r1")
 *   semver    npm                         SemVer 2.0, node-semver ranges
 *   pep440    pypi, python                PEP 440 versions and specifiers, and
 *                                         pip's legacy versions (packaging < 22)
 *   maven     -                           ComparableVersion (3.9), [a,b) ranges
 *   go        golang                      SemVer with v, pseudo-versions
 *   gem       rubygems                    Gem::Version, Gem::Requirement
 *   cargo     crates.io                   SemVer, cargo requirements
 *   composer  packagist                   Composer's VersionParser
 *   nuget     -                           NuGetVersion, VersionRange
 *
 * Constraint syntax per scheme, where a constraint is what satisfies() tests:
 *
 *   dpkg, rpm, apk, go: comparators "OP VERSION" with OP one of = == != < <=
 *     > >= (and dpkg's << >>), separated by commas or spaces (all must hold),
 *     alternatives separated by "||".  A bare VERSION means "=".  apk also
 *     has "~V" (fuzzy: V is a prefix of the version), "<~V" and ">~V".
 *   semver: node-semver ranges (^ ~ x-ranges, hyphen ranges, ||), with the
 *     node-semver rule that a prerelease version only satisfies a comparator
 *     set that names a prerelease of the same major.minor.patch.
 *   cargo: cargo requirements: comma-separated, bare "1.2" means "^1.2",
 *     wildcards "1.*", and the same prerelease rule as semver.
 *   pep440: PEP 440 specifiers (== != <= >= < > ~= ===, "==1.2.*"), comma
 *     separated; a bare version means "==".  Pre-releases are not excluded
 *     (a version being checked is installed, which PEP 440 allows).  As in
 *     packaging before 22.0, a legacy version meets no PEP 440 specifier,
 *     and a specifier whose version is not PEP 440 ("<0.7.1.fix1") compares
 *     both sides as legacy versions.
 *   gem: Gem::Requirement operators (= != > < >= <= ~>), comma separated.
 *   composer: Composer constraints (^ ~ * wildcards, hyphen ranges, "," and
 *     spaces for AND, "||" for OR); stability flags ("@dev") are ignored;
 *     a dev branch meets only "=" itself.
 *   maven: interval notation "[1.0,2.0)", "(,1.0]", "[1.2]", unions
 *     "[1,2),[3,4)"; a bare version means exactly that version.
 *   nuget: the same interval notation (no unions); a bare version means
 *     "at least" (NuGet's own rule).
 *   maven and nuget also accept the comparator syntax of dpkg above when the
 *   constraint does not start with "[" or "(".
 */
#ifndef CUSTOMS_VERSION_H
#define CUSTOMS_VERSION_H

#include "customs/common.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CUSTOMS_VERSION_SCHEME_VERSION 2

/* A scheme: its name and what it knows of its ecosystem's versions.  Call
 * it through customs_version_compare(), _valid() and _satisfies() below:
 * they check the arguments once for every scheme (NULL, the limits above)
 * and hand the scheme strings that are NUL-terminated at their length. */
typedef struct customs_version_scheme customs_version_scheme;
struct customs_version_scheme {
	unsigned int version; /* CUSTOMS_VERSION_SCHEME_VERSION */
	const char *name;     /* "dpkg", "rpm", ... */

	int (*compare)(const char *a, size_t an, const char *b, size_t bn, int *out);
	int (*valid)(const char *v, size_t n);
	/* NULL: the constraints are comparator lists (dpkg's syntax below)
	 * evaluated with compare. */
	int (*satisfies)(const char *version, size_t vn, const char *constraint, size_t cn, int *out);
};

/* *out = -1, 0 or 1 as a sorts before, equal to or after b under scheme. */
CUSTOMS_EXTERN int customs_version_compare(const customs_version_scheme *scheme, const char *a, const char *b,
					   int *out);

/* 0 when v is a well-formed version of scheme, else CUSTOMS_EFORMAT (or
 * CUSTOMS_ELIMIT, CUSTOMS_EINVAL as above).  Comparing accepts every
 * version valid() accepts; for dpkg, apk and rpm it also orders strings
 * their tools order (rpmvercmp orders any string), as long as the answer
 * does not hang on a part the tool cannot read: apk-tools answers "="
 * for two strings that break its grammar at the same place, customs gives
 * CUSTOMS_EFORMAT.  A comparison is never a silent "equal". */
CUSTOMS_EXTERN int customs_version_valid(const customs_version_scheme *scheme, const char *v);

/* *out = 1 when version satisfies constraint under scheme, else 0. */
CUSTOMS_EXTERN int customs_version_satisfies(const customs_version_scheme *scheme, const char *version,
					     const char *constraint, int *out);

/* The scheme for name or one of its aliases, or NULL. Borrowed, static. */
CUSTOMS_EXTERN const customs_version_scheme *customs_version_scheme_find(const char *name);

/* All schemes, NULL-terminated, in a stable order. Borrowed, static. */
CUSTOMS_EXTERN const customs_version_scheme *const *customs_version_scheme_list(void);

/* Aliases of the scheme named name (NULL-terminated, possibly empty), or
 * NULL for an unknown name. Borrowed, static. */
CUSTOMS_EXTERN const char *const *customs_version_scheme_aliases(const char *name);

#ifdef __cplusplus
}
#endif
#endif
