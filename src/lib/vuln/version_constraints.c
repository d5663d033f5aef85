/* version_constraints.c - the two constraint syntaxes that are not an
 * ecosystem's own: comparator lists (dpkg, rpm, apk, go, and maven and
 * nuget outside their brackets) and the interval notation of Maven
 * (VersionRange) and NuGet (VersionRange). */
#include <string.h>

#include "util/util.h"
#include "vuln/version_int.h"

/* ---- operators ---- */

enum op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };

/* The standard operators ("" is "="; "<<" and ">>" are dpkg's); 0 or
 * CUSTOMS_EUNSUPPORTED. */
static int op_parse(enum op *out, const char *op, size_t n)
{
	static const struct {
		const char *text;
		enum op op;
	} ops[] = {
		{"", OP_EQ},  {"=", OP_EQ},  {"==", OP_EQ}, {"!=", OP_NE}, {"<", OP_LT},
		{"<<", OP_LT}, {"<=", OP_LE}, {">", OP_GT}, {">>", OP_GT}, {">=", OP_GE},
	};
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strlen(ops[i].text) == n && memcmp(ops[i].text, op, n) == 0) {
			*out = ops[i].op;
			return 0;
		}
	return CUSTOMS_EUNSUPPORTED;
}

/* 1 if cmp (a -1/0/1 result) satisfies op. */
static int op_holds(enum op op, int cmp)
{
	switch (op) {
	case OP_EQ: return cmp == 0;
	case OP_NE: return cmp != 0;
	case OP_LT: return cmp < 0;
	case OP_LE: return cmp <= 0;
	case OP_GT: return cmp > 0;
	case OP_GE: return cmp >= 0;
	}
	return 0;
}

/* ---- comparator lists: ">= 1.0, < 2.0 || = 3.0" ---- */

int version__satisfies_generic(const version__generic *g, const char *version, size_t vn, const char *constraint,
			       size_t cn, int *out)
{
	const char *opchars = g->opchars ? g->opchars : "<>=!";
	const char *v = version, *c = constraint;
	size_t i = 0, terms = 0, group_terms = 0;
	int err, r, any = 0, group = 1;

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

		enum op op;
		if (op_parse(&op, c + op0, opn) == 0) {
			if ((err = g->cmp(v, vn, c + cv0, cvn, &r)) < 0)
				return err;
			res = op_holds(op, r);
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

static int intervals(const version__intervals *iv, const char *version, size_t vn, const char *c, size_t cn,
		     int *out)
{
	const char *scheme = iv->scheme;
	version__cmpn_fn cmp = iv->cmp;
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
				/* Maven: "Range defies version ordering"; NuGet likewise */
				if (r > 0 || (r == 0 && (!lower_incl || !upper_incl)))
					return version__bad(scheme, "constraint", c, cn,
							    "the range at offset %zu holds no version: its lower bound is %s its upper",
							    open, r > 0 ? "above" : "an open end at");
			}
			if (!lon && !hin && iv->bounded)
				return version__bad(scheme, "constraint", c, cn, "the range at offset %zu has no bound", open);
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
		if (!iv->unions)
			return version__bad(scheme, "constraint", c, cn, "%s ranges have no unions", scheme);
		i++;
	}
	*out = any;
	return 0;
}

int version__satisfies_intervals(const version__intervals *iv, const char *version, size_t vn0,
				 const char *constraint, size_t cn0, int *out)
{
	const char *v = version, *c = constraint;
	size_t vn = vn0, cn = cn0;
	int err, r;

	version__trim(&v, &vn);
	version__trim(&c, &cn);
	/* The version itself must be one, whatever the constraint says. */
	if ((err = iv->cmp(v, vn, v, vn, &r)) < 0)
		return err;
	if (cn && (c[0] == '[' || c[0] == '('))
		return intervals(iv, v, vn, c, cn, out);
	if (!iv->bare_minimum || (cn && strchr("<>=!", c[0]))) {
		version__generic g = {iv->scheme, iv->cmp, NULL, NULL};
		return version__satisfies_generic(&g, version, vn0, constraint, cn0, out);
	}
	/* A bare version is NuGet's minimum version, inclusive. */
	if (cn == 0)
		return version__bad(iv->scheme, "constraint", c, cn, "empty constraint");
	if ((err = iv->cmp(v, vn, c, cn, &r)) < 0)
		return err;
	*out = r >= 0;
	return 0;
}
