/* version.c - the table of version schemes and what they share: lookup by
 * name or alias, exact digit-string arithmetic, error messages, and the two
 * constraint syntaxes that are not an ecosystem's own (comparator lists for
 * dpkg/rpm/apk/go, and the interval notation of Maven and NuGet). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/util.h"
#include "vuln/version.h"

/* ---- the table ---- */

static const char *const dpkg_aliases[] = {"deb", "debian", "ubuntu", NULL};
static const char *const rpm_aliases[] = {"redhat",   "red hat", "almalinux", "rocky", "rocky linux",
					  "suse",     "opensuse", "mariner",  NULL};
static const char *const apk_aliases[] = {"alpine", "wolfi", "chainguard", NULL};
static const char *const semver_aliases[] = {"npm", NULL};
static const char *const pep440_aliases[] = {"pypi", "python", NULL};
static const char *const go_aliases[] = {"golang", NULL};
static const char *const gem_aliases[] = {"rubygems", NULL};
static const char *const cargo_aliases[] = {"crates.io", NULL};
static const char *const composer_aliases[] = {"packagist", NULL};
static const char *const no_aliases[] = {NULL};

static const customs_version_scheme *const schemes[] = {
	&version__dpkg,  &version__rpm,   &version__apk,   &version__semver,   &version__pep440, &version__maven,
	&version__go,    &version__gem,   &version__cargo, &version__composer, &version__nuget,  NULL,
};

/* Parallel to schemes[]. */
static const char *const *const aliases[] = {
	dpkg_aliases,  rpm_aliases,  apk_aliases,   semver_aliases,   pep440_aliases, no_aliases,
	go_aliases,    gem_aliases,  cargo_aliases, composer_aliases, no_aliases,
};

const customs_version_scheme *const *customs_version_scheme_list(void)
{
	return schemes;
}

static int name_matches(const char *name, size_t n, const char *word)
{
	return strlen(word) == n && version__casecmp(name, n, word, n) == 0;
}

const customs_version_scheme *customs_version_scheme_find(const char *name)
{
	size_t n;

	if (!name)
		return NULL;
	/* OSV ecosystems carry a release: "Debian:12", "Alpine:v3.21". */
	for (n = 0; name[n] && name[n] != ':' && n <= 64; n++)
		;
	if (n == 0 || n > 64)
		return NULL;
	for (size_t i = 0; schemes[i]; i++) {
		if (name_matches(name, n, schemes[i]->name))
			return schemes[i];
		for (const char *const *a = aliases[i]; *a; a++)
			if (name_matches(name, n, *a))
				return schemes[i];
	}
	return NULL;
}

const char *const *customs_version_scheme_aliases(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; schemes[i]; i++)
		if (strcmp(schemes[i]->name, name) == 0)
			return aliases[i];
	return NULL;
}

/* ---- digit strings ---- */

void version__skipzeros(const char **s, size_t *n)
{
	while (*n > 1 && **s == '0') {
		(*s)++;
		(*n)--;
	}
}

int version__iszero(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != '0')
			return 0;
	return 1;
}

int version__numcmp(const char *a, size_t an, const char *b, size_t bn)
{
	while (an > 0 && *a == '0') {
		a++;
		an--;
	}
	while (bn > 0 && *b == '0') {
		b++;
		bn--;
	}
	if (an != bn)
		return an < bn ? -1 : 1;
	for (size_t i = 0; i < an; i++)
		if (a[i] != b[i])
			return (unsigned char)a[i] < (unsigned char)b[i] ? -1 : 1;
	return 0;
}

int version__bytecmp(const char *a, size_t an, const char *b, size_t bn)
{
	size_t n = an < bn ? an : bn;
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return (unsigned char)a[i] < (unsigned char)b[i] ? -1 : 1;
	return an == bn ? 0 : (an < bn ? -1 : 1);
}

int version__casecmp(const char *a, size_t an, const char *b, size_t bn)
{
	size_t n = an < bn ? an : bn;
	for (size_t i = 0; i < n; i++) {
		int x = version__tolower((unsigned char)a[i]), y = version__tolower((unsigned char)b[i]);
		if (x != y)
			return x < y ? -1 : 1;
	}
	return an == bn ? 0 : (an < bn ? -1 : 1);
}

int version__eqword(const char *s, size_t n, const char *word)
{
	size_t wn = strlen(word);
	return n == wn && version__casecmp(s, n, word, wn) == 0;
}

int version__incr(char *out, size_t cap, const char *digits, size_t n)
{
	size_t len, i;
	int carry = 1;

	version__skipzeros(&digits, &n);
	if (n == 0) {
		digits = "0";
		n = 1;
	}
	len = n + 1; /* room for a carry out of the top digit */
	if (len + 1 > cap)
		return customs__error(CUSTOMS_ELIMIT, "number of %zu digits too long to increment", n);
	out[len] = '\0';
	for (i = n; i > 0; i--) {
		int d = digits[i - 1] - '0' + carry;
		carry = d / 10;
		out[i] = (char)('0' + d % 10);
	}
	if (carry) {
		out[0] = '1';
	} else {
		memmove(out, out + 1, n + 1);
	}
	return 0;
}

/* ---- messages ---- */

const char *version__quote(char *buf, size_t cap, const char *s, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	size_t o = 0, i;

	if (cap == 0)
		return buf;
	for (i = 0; i < n && o + 8 < cap && i < 80; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			buf[o++] = (char)c;
		} else {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hx[c >> 4];
			buf[o++] = hx[c & 15];
		}
	}
	if (i < n && o + 3 < cap) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

int version__bad(const char *scheme, const char *what, const char *s, size_t n, const char *fmt, ...)
{
	char reason[256], q[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	return customs__error(CUSTOMS_EFORMAT, "%s %s \"%s\": %s", scheme, what, version__quote(q, sizeof(q), s, n),
			      reason);
}

int version__arg(const char *scheme, const char *what, const char *s, size_t max, size_t *n)
{
	char q[400];

	if (!s)
		return customs__error(CUSTOMS_EINVAL, "%s: %s is NULL", scheme, what);
	*n = strnlen(s, max + 1);
	if (*n > max)
		return customs__error(CUSTOMS_ELIMIT, "%s %s \"%s\": longer than the limit of %zu bytes", scheme, what,
				      version__quote(q, sizeof(q), s, *n), max);
	return 0;
}

void version__trim(const char **s, size_t *n)
{
	while (*n > 0 && version__isspace((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && version__isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/* ---- operators ---- */

int version__op_parse(enum version__op *out, const char *op, size_t n)
{
	static const struct {
		const char *text;
		enum version__op op;
	} ops[] = {
		{"", VERSION__OP_EQ},  {"=", VERSION__OP_EQ},  {"==", VERSION__OP_EQ}, {"!=", VERSION__OP_NE},
		{"<", VERSION__OP_LT}, {"<<", VERSION__OP_LT}, {"<=", VERSION__OP_LE}, {">", VERSION__OP_GT},
		{">>", VERSION__OP_GT}, {">=", VERSION__OP_GE},
	};
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strlen(ops[i].text) == n && memcmp(ops[i].text, op, n) == 0) {
			*out = ops[i].op;
			return 0;
		}
	return CUSTOMS_EUNSUPPORTED;
}

int version__op_holds(enum version__op op, int cmp)
{
	switch (op) {
	case VERSION__OP_EQ: return cmp == 0;
	case VERSION__OP_NE: return cmp != 0;
	case VERSION__OP_LT: return cmp < 0;
	case VERSION__OP_LE: return cmp <= 0;
	case VERSION__OP_GT: return cmp > 0;
	case VERSION__OP_GE: return cmp >= 0;
	}
	return 0;
}

/* ---- comparator lists: ">= 1.0, < 2.0 || = 3.0" ---- */

int version__satisfies_generic(const version__generic *g, const char *version, const char *constraint, int *out)
{
	const char *opchars = g->opchars ? g->opchars : "<>=!";
	const char *v = version, *c = constraint;
	size_t vn, cn, i = 0, terms = 0, group_terms = 0;
	int err, r, any = 0, group = 1;

	if (!out)
		return customs__error(CUSTOMS_EINVAL, "%s: out is NULL", g->scheme);
	if ((err = version__arg(g->scheme, "version", version, VERSION__MAX_LEN, &vn)) < 0 ||
	    (err = version__arg(g->scheme, "constraint", constraint, VERSION__CONSTRAINT_MAX_LEN, &cn)) < 0)
		return err;
	version__trim(&v, &vn);
	/* The version itself must be one, whatever the constraint says. */
	if ((err = g->cmp(v, vn, v, vn, &r)) < 0)
		return err;

	for (;;) {
		size_t op0, opn, cv0, cvn;
		int res = 0;

		while (i < cn && (version__isspace((unsigned char)c[i]) || c[i] == ','))
			i++;
		if (i == cn || (c[i] == '|' && i + 1 < cn && c[i + 1] == '|')) {
			if (group_terms == 0)
				return version__bad(g->scheme, "constraint", c, cn,
						    terms || i < cn ? "an alternative of \"||\" is empty"
								    : "empty constraint");
			any |= group;
			group = 1;
			group_terms = 0;
			if (i == cn)
				break;
			i += 2;
			continue;
		}
		if (c[i] == '|')
			return version__bad(g->scheme, "constraint", c, cn, "a single '|' at offset %zu (alternatives are separated by \"||\")", i);
		op0 = i;
		while (i < cn && strchr(opchars, c[i]))
			i++;
		opn = i - op0;
		while (i < cn && version__isspace((unsigned char)c[i]))
			i++;
		cv0 = i;
		while (i < cn && !version__isspace((unsigned char)c[i]) && c[i] != ',' && c[i] != '|')
			i++;
		cvn = i - cv0;
		if (cvn == 0)
			return version__bad(g->scheme, "constraint", c, cn, "operator \"%.*s\" at offset %zu has no version",
					    (int)opn, c + op0, op0);
		if (++terms > VERSION__MAX_TERMS)
			return customs__error(CUSTOMS_ELIMIT, "%s constraint: more than %d comparators", g->scheme,
					      VERSION__MAX_TERMS);

		enum version__op op;
		if (version__op_parse(&op, c + op0, opn) == 0) {
			if ((err = g->cmp(v, vn, c + cv0, cvn, &r)) < 0)
				return err;
			res = version__op_holds(op, r);
		} else if (!g->extra ||
			   (err = g->extra(c + op0, opn, v, vn, c + cv0, cvn, &res)) == CUSTOMS_EUNSUPPORTED) {
			return version__bad(g->scheme, "constraint", c, cn,
					    "unknown operator \"%.*s\" (use = != < <= > >=%s)", (int)opn, c + op0,
					    g->extra ? " or the scheme's own" : "");
		} else if (err < 0) {
			return err;
		}
		group = group && res;
		group_terms++;
	}
	*out = any;
	return 0;
}

/* ---- interval notation: "[1.0,2.0)", "(,1.0]", "[1.2]", "[1,2),[3,4)" ---- */

int version__satisfies_interval(const char *scheme, version__cmpn_fn cmp, int unions, const char *version,
				size_t vn, const char *c, size_t cn, int *out)
{
	size_t i = 0, count = 0;
	int err, r, any = 0;

	for (;;) {
		size_t open, close, comma = 0, commas = 0, j;
		int lower_incl, upper_incl, ok = 1;

		while (i < cn && version__isspace((unsigned char)c[i]))
			i++;
		if (i == cn || (c[i] != '[' && c[i] != '('))
			return version__bad(scheme, "constraint", c, cn, "expected '[' or '(' at offset %zu", i);
		open = i;
		lower_incl = c[i] == '[';
		for (j = i + 1; j < cn && c[j] != ']' && c[j] != ')'; j++) {
			if (c[j] == '[' || c[j] == '(')
				return version__bad(scheme, "constraint", c, cn, "unexpected '%c' at offset %zu", c[j], j);
			if (c[j] == ',') {
				comma = j;
				commas++;
			}
		}
		if (j == cn)
			return version__bad(scheme, "constraint", c, cn, "range opened at offset %zu is not closed", open);
		close = j;
		upper_incl = c[close] == ']';
		if (++count > VERSION__MAX_TERMS)
			return customs__error(CUSTOMS_ELIMIT, "%s constraint: more than %d ranges", scheme,
					      VERSION__MAX_TERMS);

		if (commas > 1)
			return version__bad(scheme, "constraint", c, cn, "range at offset %zu has more than two bounds", open);
		if (commas == 0) {
			const char *e = c + open + 1;
			size_t en = close - open - 1;
			version__trim(&e, &en);
			if (!lower_incl || !upper_incl || en == 0)
				return version__bad(scheme, "constraint", c, cn,
						    "an exact version is written [VERSION] (offset %zu)", open);
			if ((err = cmp(version, vn, e, en, &r)) < 0)
				return err;
			ok = r == 0;
		} else {
			const char *lo = c + open + 1, *hi = c + comma + 1;
			size_t lon = comma - open - 1, hin = close - comma - 1;
			version__trim(&lo, &lon);
			version__trim(&hi, &hin);
			if (lon && hin) {
				if ((err = cmp(lo, lon, hi, hin, &r)) < 0)
					return err;
				if (r > 0)
					return version__bad(scheme, "constraint", c, cn,
							    "lower bound is above the upper bound in the range at offset %zu", open);
			}
			if (lon) {
				if ((err = cmp(version, vn, lo, lon, &r)) < 0)
					return err;
				ok = ok && (lower_incl ? r >= 0 : r > 0);
			}
			if (hin) {
				if ((err = cmp(version, vn, hi, hin, &r)) < 0)
					return err;
				ok = ok && (upper_incl ? r <= 0 : r < 0);
			}
		}
		any |= ok;

		i = close + 1;
		while (i < cn && version__isspace((unsigned char)c[i]))
			i++;
		if (i == cn)
			break;
		if (c[i] != ',')
			return version__bad(scheme, "constraint", c, cn, "unexpected '%c' after the range at offset %zu", c[i], i);
		if (!unions)
			return version__bad(scheme, "constraint", c, cn, "%s ranges have no unions", scheme);
		i++;
	}
	*out = any;
	return 0;
}
