/* version_gem.c - RubyGems versions and requirements (rubygems
 * Gem::Version, Gem::Requirement): digits and letter runs are segments, a
 * '-' reads as ".pre.", a letter segment makes a prerelease that sorts
 * before numbers, trailing zeros are dropped from the release and the
 * prerelease parts separately; operators = != > < >= <= and "~>"
 * (pessimistic: >= V and below V's bump), comma separated. */
#include <stdint.h>
#include <string.h>

#include "util/util.h"
#include "vuln/version_int.h"

#define SCHEME "gem"
#define MAX_SEGS (VERSION__MAX_LEN / 2 + 2)

struct gseg {
	const char *p;
	uint16_t n;
	uint8_t num; /* 1: digits, 0: letters */
};

struct gver {
	struct gseg seg[MAX_SEGS];
	size_t nseg;
	char bump[VERSION__MAX_LEN + 2]; /* the incremented segment of bump() */
};

/* Gem::Version's pattern: [0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?
 * with whitespace around; segments as scan(/[0-9]+|[a-z]+/i) of the string
 * with '-' replaced by ".pre.". */
static int g_parse(struct gver *v, const char *s, size_t n, const char *what, const char *ws, size_t wn)
{
	size_t i = 0, j;
	int in_pre = 0;

	v->nseg = 0;
	version__trim(&s, &n);
	if (n == 0)
		return version__bad(SCHEME, what, ws, wn, "empty version");
	if (!version__isdigit((unsigned char)s[0]))
		return version__bad(SCHEME, what, ws, wn, "does not start with a digit");
	/* Check the pattern first. */
	while (i < n && version__isdigit((unsigned char)s[i]))
		i++;
	while (i < n) {
		char c = s[i];
		if (c == '.' && !in_pre) {
			for (j = i + 1; j < n && version__isalnum((unsigned char)s[j]); j++)
				;
		} else if (c == '-' || (c == '.' && in_pre)) {
			in_pre = 1;
			for (j = i + 1; j < n && (version__isalnum((unsigned char)s[j]) || s[j] == '-'); j++)
				;
		} else {
			return version__bad(SCHEME, what, ws, wn, "unexpected '%c' at offset %zu", c, (size_t)(s + i - ws));
		}
		if (j == i + 1)
			return version__bad(SCHEME, what, ws, wn, "empty segment at offset %zu", (size_t)(s + i - ws));
		i = j;
		/* within the pre-release part a '-' continues the segment text
		 * (and becomes ".pre."), so the loop above already took it */
	}
	/* Segments. */
	for (i = 0; i < n;) {
		if (s[i] == '-') {
			if (v->nseg >= MAX_SEGS)
				return customs__error(CUSTOMS_ELIMIT, SCHEME " version: too many segments");
			v->seg[v->nseg++] = (struct gseg){"pre", 3, 0};
			i++;
			continue;
		}
		if (!version__isalnum((unsigned char)s[i])) {
			i++;
			continue;
		}
		int num = version__isdigit((unsigned char)s[i]);
		for (j = i; j < n && (num ? version__isdigit((unsigned char)s[j]) : version__isalpha((unsigned char)s[j])); j++)
			;
		if (v->nseg >= MAX_SEGS)
			return customs__error(CUSTOMS_ELIMIT, SCHEME " version: too many segments");
		v->seg[v->nseg++] = (struct gseg){s + i, (uint16_t)(j - i), (uint8_t)num};
		i = j;
	}
	return 0;
}

static int g_is_zero(const struct gseg *g)
{
	return g->num && version__iszero(g->p, g->n);
}

/* canonical_segments: the numeric prefix and the rest, each without
 * trailing zeros. */
static void g_canon(const struct gseg *seg, size_t n, size_t *rel_end, size_t *pre_start, size_t *pre_end)
{
	size_t fs = n, e;
	for (size_t i = 0; i < n; i++)
		if (!seg[i].num) {
			fs = i;
			break;
		}
	for (e = fs; e > 0 && g_is_zero(&seg[e - 1]); e--)
		;
	*rel_end = e;
	*pre_start = fs;
	for (e = n; e > fs && g_is_zero(&seg[e - 1]); e--)
		;
	*pre_end = e;
}

static const struct gseg *g_at(const struct gseg *seg, size_t re, size_t ps, size_t pe, size_t k)
{
	if (k < re)
		return &seg[k];
	k = k - re + ps;
	return k < pe ? &seg[k] : NULL;
}

static int g_cmp_segs(const struct gseg *a, size_t an, const struct gseg *b, size_t bn)
{
	size_t are, aps, ape, bre, bps, bpe, alen, blen;
	static const struct gseg zero = {"0", 1, 1};

	g_canon(a, an, &are, &aps, &ape);
	g_canon(b, bn, &bre, &bps, &bpe);
	alen = are + (ape - aps);
	blen = bre + (bpe - bps);
	for (size_t k = 0; k < alen || k < blen; k++) {
		const struct gseg *x = g_at(a, are, aps, ape, k), *y = g_at(b, bre, bps, bpe, k);
		int r;
		if (!x)
			x = &zero;
		if (!y)
			y = &zero;
		if (x->num && y->num)
			r = version__numcmp(x->p, x->n, y->p, y->n);
		else if (x->num != y->num)
			r = x->num ? 1 : -1;
		else
			r = version__bytecmp(x->p, x->n, y->p, y->n);
		if (r)
			return r;
	}
	return 0;
}

static int gem_cmpn(const char *a, size_t an, const char *b, size_t bn, int *out)
{
	static _Thread_local struct gver x, y;
	int err;

	if ((err = g_parse(&x, a, an, "version", a, an)) < 0 || (err = g_parse(&y, b, bn, "version", b, bn)) < 0)
		return err;
	*out = g_cmp_segs(x.seg, x.nseg, y.seg, y.nseg);
	return 0;
}

static int gem_valid(const char *s, size_t n)
{
	static _Thread_local struct gver v;
	return g_parse(&v, s, n, "version", s, n);
}

/* Segments up to the first letter segment (Gem::Version#release). */
static size_t g_release_len(const struct gver *v)
{
	for (size_t i = 0; i < v->nseg; i++)
		if (!v->seg[i].num)
			return i;
	return v->nseg;
}

/* Gem::Version#bump: release segments, the last dropped (if more than one),
 * the new last one incremented. */
static int g_bump(struct gver *r, size_t *len)
{
	size_t n = g_release_len(r);
	struct gseg *last;
	int err;

	if (n > 1)
		n--;
	last = &r->seg[n - 1];
	if ((err = version__incr(r->bump, sizeof(r->bump), last->p, last->n)) < 0)
		return err;
	last->p = r->bump;
	last->n = (uint16_t)strlen(r->bump);
	*len = n;
	return 0;
}

static int gem_satisfies(const char *version, size_t vn, const char *constraint, size_t cn, int *out)
{
	static _Thread_local struct gver v, r;
	size_t i = 0, terms = 0;
	int err, all = 1;

	if ((err = g_parse(&v, version, vn, "version", version, vn)) < 0)
		return err;
	for (;;) {
		static const char *const ops[] = {"~>", ">=", "<=", "!=", "=", ">", "<"};
		const char *item = constraint + i, *op = "=";
		size_t j = i, itemn, k, bl;
		int c, ok;

		while (j < cn && constraint[j] != ',')
			j++;
		itemn = j - i;
		version__trim(&item, &itemn);
		if (itemn == 0)
			return version__bad(SCHEME, "constraint", constraint, cn, "empty requirement");
		if (++terms > VERSION__MAX_TERMS)
			return customs__error(CUSTOMS_ELIMIT, SCHEME " constraint: more than %d requirements",
					      VERSION__MAX_TERMS);
		for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
			if (itemn >= strlen(ops[k]) && memcmp(item, ops[k], strlen(ops[k])) == 0) {
				op = ops[k];
				item += strlen(op);
				itemn -= strlen(op);
				break;
			}
		if ((err = g_parse(&r, item, itemn, "constraint", constraint, cn)) < 0)
			return err;
		c = g_cmp_segs(v.seg, v.nseg, r.seg, r.nseg);
		if (!strcmp(op, "~>")) {
			/* v >= r and v.release < r.bump */
			if ((err = g_bump(&r, &bl)) < 0)
				return err;
			ok = c >= 0 && g_cmp_segs(v.seg, g_release_len(&v), r.seg, bl) < 0;
		} else if (!strcmp(op, "=")) {
			ok = c == 0;
		} else if (!strcmp(op, "!=")) {
			ok = c != 0;
		} else if (!strcmp(op, ">=")) {
			ok = c >= 0;
		} else if (!strcmp(op, "<=")) {
			ok = c <= 0;
		} else if (!strcmp(op, ">")) {
			ok = c > 0;
		} else {
			ok = c < 0;
		}
		all = all && ok;
		if (j == cn)
			break;
		i = j + 1;
	}
	*out = all;
	return 0;
}

const customs_version_scheme version__gem = {
	CUSTOMS_VERSION_SCHEME_VERSION, SCHEME, gem_cmpn, gem_valid, gem_satisfies,
};
