/* version_int.h - internals shared by the version schemes (version_*.c): the
 * scheme objects, limits, digit-string arithmetic, error messages and
 * argument checks (version_common.c), and the comparator-list and interval
 * constraint syntaxes (version_constraints.c). */
#ifndef CUSTOMS_VULN_VERSION_INT_H
#define CUSTOMS_VULN_VERSION_INT_H

#include <stddef.h>

#include "customs/errors.h"
#include "customs/version.h"

/* Limits on hostile input.  node-semver and Maven (4) cap versions at 256
 * characters themselves; everything else gets the generous general cap. */
#define VERSION__MAX_LEN 1024
#define VERSION__CONSTRAINT_MAX_LEN 4096
#define VERSION__MAX_TERMS 256 /* comparators in one constraint */

extern const customs_version_scheme version__dpkg;
extern const customs_version_scheme version__rpm;
extern const customs_version_scheme version__apk;
extern const customs_version_scheme version__semver;
extern const customs_version_scheme version__go;
extern const customs_version_scheme version__cargo;
extern const customs_version_scheme version__pep440;
extern const customs_version_scheme version__maven;
extern const customs_version_scheme version__gem;
extern const customs_version_scheme version__composer;
extern const customs_version_scheme version__nuget;

/* ---- characters and digit strings ---- */

static inline int version__isdigit(int c) { return c >= '0' && c <= '9'; }
static inline int version__isalpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static inline int version__isalnum(int c) { return version__isdigit(c) || version__isalpha(c); }
static inline int version__isspace(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
static inline int version__tolower(int c) { return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c; }

/* -1, 0, 1 of two numbers given as digit strings of any length (leading
 * zeros ignored). */
int version__numcmp(const char *a, size_t an, const char *b, size_t bn);
/* -1, 0, 1 of two byte strings (a proper prefix sorts first). */
int version__bytecmp(const char *a, size_t an, const char *b, size_t bn);
/* Same, ASCII case folded. */
int version__casecmp(const char *a, size_t an, const char *b, size_t bn);
/* 1 if s[0..n) equals the NUL-terminated word, ASCII case folded. */
int version__eqword(const char *s, size_t n, const char *word);
/* Strip leading zeros (keeping one digit). */
void version__skipzeros(const char **s, size_t *n);
/* 1 if the digit string is all zeros (or empty). */
int version__iszero(const char *s, size_t n);
/* SemVer 2.0 §11 pre-release precedence of a[0..an) and b[0..bn), both
 * dot-separated identifiers: numeric ones compare as numbers and sort
 * before the others, which compare as bytes (fold: ASCII case folded); the
 * shorter list sorts first when all before are equal.  A version without a
 * pre-release (has 0) sorts after one with. */
int version__precmp(const char *a, size_t an, int ahas, const char *b, size_t bn, int bhas, int fold);
/* out = digits + 1, NUL-terminated, leading zeros dropped; CUSTOMS_ELIMIT
 * when it does not fit in cap bytes. */
int version__incr(char *out, size_t cap, const char *digits, size_t n);

/* ---- messages ---- */

/* Render s[0..n) for a message: printable ASCII kept, the rest escaped,
 * long strings cut with "...". Returns buf. */
const char *version__quote(char *buf, size_t cap, const char *s, size_t n);
/* customs__error(CUSTOMS_EFORMAT, "<scheme> <what> \"<s>\": <reason>"). */
int version__bad(const char *scheme, const char *what, const char *s, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* The argument checks of the public entry points, written once for every
 * scheme: CUSTOMS_EINVAL for a NULL argument, CUSTOMS_ELIMIT past the
 * limits; on success *an, *bn (*vn, *cn) are the strings' lengths.  scheme
 * names the scheme in the messages. */
int version__compare_args(const char *scheme, const char *a, const char *b, int *out, size_t *an, size_t *bn);
int version__valid_args(const char *scheme, const char *v, size_t *n);
int version__satisfies_args(const char *scheme, const char *version, const char *constraint, int *out,
			    size_t *vn, size_t *cn);

/* "empty version", or the first byte of s[0..n) that is not printable
 * ASCII (blanks included, named "embedded space" when spaces is set), as
 * CUSTOMS_EFORMAT naming ws[0..wn), the version as given. */
int version__printable(const char *scheme, const char *ws, size_t wn, const char *s, size_t n, int spaces);

/* Trim ASCII whitespace from both ends of s[0..*n). */
void version__trim(const char **s, size_t *n);

/* ---- SemVer 2.0 pre-release and build parts (semver, go, cargo, nuget) ---- */

typedef struct version__tail_rules {
	const char *scheme, *what; /* for messages: "nuget", "version" */
	const char *build;         /* the build part's name: "build metadata", NuGet's "metadata" */
	const char *unit;          /* an identifier's name: "identifier", NuGet's "label" */
	int strict;                /* numeric pre-release identifiers have no leading zero */
	int loose;                 /* node-semver's loose mode: a pre-release without its '-' */
} version__tail_rules;

/* SemVer 2.0 §9-10: "-PRE" (up to '+') and "+BUILD" (to the end) from
 * s[*i] on, each dot-separated identifiers of [0-9A-Za-z-]; ws[0..wn) is
 * the string as given, for messages.  A pre-release sets *pre, *pren and
 * *has_pre; *i ends past what was read. */
int version__tail(const version__tail_rules *r, const char *ws, size_t wn, const char *s, size_t n, size_t *i,
		  const char **pre, size_t *pren, int *has_pre);

/* ---- the generic comparator-list constraint syntax ---- */

/* Compare two version slices of a scheme (both checked by the scheme). */
typedef int (*version__cmpn_fn)(const char *a, size_t an, const char *b, size_t bn, int *out);

typedef struct version__generic {
	const char *scheme;
	version__cmpn_fn cmp;
	const char *opchars; /* characters an operator is made of; NULL: "<>=!" */
	/* Optional: operators outside the standard set (apk's "~"). Sets *out
	 * and returns 0, or returns CUSTOMS_EUNSUPPORTED for an unknown op. */
	int (*extra)(const char *op, size_t opn, const char *v, size_t vn, const char *c, size_t cn, int *out);
} version__generic;

/* Evaluate "A, B || C" style constraints for version[0..vn): the syntax of
 * every scheme whose satisfies is NULL, with its compare and no extras. */
int version__satisfies_generic(const version__generic *g, const char *version, size_t vn, const char *constraint,
			       size_t cn, int *out);

/* ---- interval notation shared by maven and nuget ---- */

typedef struct version__intervals {
	const char *scheme;
	version__cmpn_fn cmp;
	int unions;       /* "[1,2),[3,4)": Maven has them, NuGet not */
	int bare_minimum; /* a bare version means "at least" (NuGet), else "exactly" */
	int bounded;      /* a range needs a bound: "(,)" is none (NuGet), else everything */
} version__intervals;

/* Evaluate "[1.0,2.0)" / "(,1.0]" / "[1.2]" (and, with unions, "[1,2),[3,4)")
 * for version; a constraint that does not start with '[' or '(' is a
 * comparator list, or with bare_minimum a bare version. */
int version__satisfies_intervals(const version__intervals *iv, const char *version, size_t vn,
				 const char *constraint, size_t cn, int *out);

/* ---- semver family (version_semver.c), for the tests ---- */

enum {
	VERSION__SEMVER_LOOSE = 1,  /* node-semver {loose: true} */
	VERSION__SEMVER_INCPRE = 2, /* node-semver {includePrerelease: true} */
};
int version__semver_compare_opts(const char *a, const char *b, unsigned opts, int *out);
int version__semver_valid_opts(const char *v, unsigned opts);
int version__semver_satisfies_opts(const char *version, const char *range, unsigned opts, int *out);

/* apk-tools' version matching (version_apk.c): op is a mix of < > = ~ and a
 * leading "!" negating the result; "~" is the fuzzy (prefix) match. */
int version__apk_match(const char *a, const char *op, const char *b, int *out);

#endif
