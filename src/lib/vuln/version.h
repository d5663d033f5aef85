/* version.h - internals shared by the version schemes (version_*.c): the
 * scheme objects, limits, digit-string arithmetic, error messages and the
 * generic comparator-list constraint syntax of version.c. */
#ifndef CUSTOMS_VULN_VERSION_H
#define CUSTOMS_VULN_VERSION_H

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

/* Argument check for a public entry point: CUSTOMS_EINVAL for NULL,
 * CUSTOMS_EFORMAT past max bytes; sets *n to strlen(s).  what is
 * "version" or "constraint". */
int version__arg(const char *scheme, const char *what, const char *s, size_t max, size_t *n);

/* Trim ASCII whitespace from both ends of s[0..*n). */
void version__trim(const char **s, size_t *n);

/* ---- the generic comparator-list constraint syntax ---- */

enum version__op {
	VERSION__OP_EQ,
	VERSION__OP_NE,
	VERSION__OP_LT,
	VERSION__OP_LE,
	VERSION__OP_GT,
	VERSION__OP_GE,
};

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

/* 1 if `cmp` (a -1/0/1 result) satisfies op. */
int version__op_holds(enum version__op op, int cmp);
/* Parse a standard operator ("", "=", "==", "!=", "<", "<<", "<=", ">",
 * ">>", ">="); 0 or CUSTOMS_EUNSUPPORTED. */
int version__op_parse(enum version__op *out, const char *op, size_t n);

/* Evaluate "A, B || C" style constraints for version (both NUL-terminated). */
int version__satisfies_generic(const version__generic *g, const char *version, const char *constraint, int *out);

/* ---- interval notation shared by maven and nuget ---- */

/* Evaluate "[1.0,2.0)" / "(,1.0]" / "[1.2]" (and, with unions, "[1,2),[3,4)")
 * for version.  The constraint must start with '[' or '('. */
int version__satisfies_interval(const char *scheme, version__cmpn_fn cmp, int unions, const char *version,
				size_t vn, const char *constraint, size_t cn, int *out);

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
