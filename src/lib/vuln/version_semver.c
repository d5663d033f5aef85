/* version_semver.c - SemVer 2.0 precedence (semver.org §11) and the three
 * ecosystems built on it:
 *   semver/npm  node-semver: versions (256 characters, numbers up to
 *               2^53-1, optional "v"), ranges (^ ~ x-ranges, hyphen ranges,
 *               ||) and its prerelease rule; "loose" and "includePrerelease"
 *               exist for node-semver's own test fixtures;
 *   go          golang.org/x/mod/semver: "v" (optional here, OSV omits it),
 *               shorthands v1 and v1.2, pseudo-versions, +incompatible;
 *   cargo       the semver crate: strict versions, requirements where a bare
 *               "1.2" means "^1.2", its prerelease rule.
 * Build metadata never takes part in ordering. */
#include <string.h>

#include "util/util.h"
#include "vuln/version_int.h"

enum sv_mode { SV_NPM, SV_GO, SV_CARGO };

#define NPM_MAX_LEN 256
#define MAX_SAFE_INTEGER "9007199254740991"
#define U64_MAX "18446744073709551615"
#define NUM_CAP 24 /* digits of an incremented bound, NUL included */

struct sv {
	const char *num[3];
	size_t numn[3];
	const char *pre; /* without '-'; has_pre tells "" from none */
	size_t pren;
	int has_pre;
};

static const char *const part_names[3] = {"major", "minor", "patch"};

static const char *mode_scheme(enum sv_mode m)
{
	return m == SV_GO ? "go" : m == SV_CARGO ? "cargo" : "semver";
}

static int sv_number_limit(enum sv_mode mode, const char *what, const char *ws, size_t wn, const char *d, size_t dn,
			   const char *part)
{
	if (mode == SV_NPM && version__numcmp(d, dn, MAX_SAFE_INTEGER, 16) > 0)
		return version__bad(mode_scheme(mode), what, ws, wn, "%s number is larger than " MAX_SAFE_INTEGER, part);
	if (mode == SV_CARGO && version__numcmp(d, dn, U64_MAX, 20) > 0)
		return version__bad(mode_scheme(mode), what, ws, wn, "%s number does not fit in 64 bits", part);
	return 0;
}

/* Pre-release (after the '-', or loose without it) and build parts starting
 * at s[*i]; *i ends at the end of what was read. */
static int sv_tail(struct sv *v, enum sv_mode mode, unsigned opts, const char *what, const char *ws, size_t wn,
		   const char *s, size_t n, size_t *pi)
{
	int loose = mode == SV_NPM && (opts & VERSION__SEMVER_LOOSE);
	version__tail_rules r = {mode_scheme(mode), what, "build metadata", "identifier", !loose, loose};

	return version__tail(&r, ws, wn, s, n, pi, &v->pre, &v->pren, &v->has_pre);
}

/* A complete version. */
static int sv_parse(struct sv *v, enum sv_mode mode, unsigned opts, const char *s, size_t n)
{
	const char *ws = s, *scheme = mode_scheme(mode);
	size_t wn = n, i = 0;
	int loose = mode == SV_NPM && (opts & VERSION__SEMVER_LOOSE);
	int err;

	memset(v, 0, sizeof(*v));
	if (mode == SV_NPM) {
		if (n > NPM_MAX_LEN)
			return version__bad(scheme, "version", ws, wn, "longer than %d characters", NPM_MAX_LEN);
		version__trim(&s, &n);
		if (loose)
			while (i < n && (s[i] == 'v' || s[i] == '=' || version__isspace((unsigned char)s[i])))
				i++;
		else if (i < n && s[i] == 'v')
			i++;
	} else if (mode == SV_GO && i < n && s[i] == 'v') {
		i++;
	}
	if (i == n)
		return version__bad(scheme, "version", ws, wn, "empty version");

	for (int k = 0; k < 3; k++) {
		size_t j;
		if (k > 0) {
			if (i == n && mode == SV_GO) {
				/* x/mod shorthands: v1 = v1.0.0, v1.2 = v1.2.0 */
				v->num[k] = "0";
				v->numn[k] = 1;
				continue;
			}
			if (i == n || s[i] != '.')
				return version__bad(scheme, "version", ws, wn, "expected '.' and a %s number at offset %zu",
						    part_names[k], (size_t)(s + i - ws));
			i++;
		}
		for (j = i; j < n && version__isdigit((unsigned char)s[j]); j++)
			;
		if (j == i)
			return version__bad(scheme, "version", ws, wn, "%s version is not a number", part_names[k]);
		if (!loose && j - i > 1 && s[i] == '0')
			return version__bad(scheme, "version", ws, wn, "%s number has a leading zero", part_names[k]);
		v->num[k] = s + i;
		v->numn[k] = j - i;
		version__skipzeros(&v->num[k], &v->numn[k]);
		if ((err = sv_number_limit(mode, "version", ws, wn, v->num[k], v->numn[k], part_names[k])) < 0)
			return err;
		i = j;
	}
	if ((err = sv_tail(v, mode, opts, "version", ws, wn, s, n, &i)) < 0)
		return err;
	if (i != n)
		return version__bad(scheme, "version", ws, wn, "unexpected '%c' at offset %zu", s[i], (size_t)(s + i - ws));
	return 0;
}

static int sv_cmp(const struct sv *a, const struct sv *b)
{
	for (int k = 0; k < 3; k++) {
		int r = version__numcmp(a->num[k], a->numn[k], b->num[k], b->numn[k]);
		if (r)
			return r;
	}
	return version__precmp(a->pre, a->pren, a->has_pre, b->pre, b->pren, b->has_pre, 0);
}

static int sv_cmpn(enum sv_mode mode, unsigned opts, const char *a, size_t an, const char *b, size_t bn, int *out)
{
	struct sv x, y;
	int err;

	if ((err = sv_parse(&x, mode, opts, a, an)) < 0 || (err = sv_parse(&y, mode, opts, b, bn)) < 0)
		return err;
	*out = sv_cmp(&x, &y);
	return 0;
}

static int sv_valid(enum sv_mode mode, unsigned opts, const char *s, size_t n)
{
	struct sv v;
	return sv_parse(&v, mode, opts, s, n);
}

/* ====================================================================== */
/* node-semver ranges                                                      */
/* ====================================================================== */

/* A partial version of a range: components may be x, X, * or absent. */
struct part {
	const char *num[3];
	size_t numn[3];
	int x[3];
	const char *pre;
	size_t pren;
	int has_pre;
};

/* A primitive comparator after desugaring. */
enum { P_ANY, P_EQ, P_LT, P_LE, P_GT, P_GE };
struct prim {
	int op;
	char num[3][NUM_CAP];
	const char *pre;
	size_t pren;
	int has_pre;
};

struct npm_ctx {
	unsigned opts;
	const char *c; /* the whole constraint, for messages */
	size_t cn;
};

static int part_parse(struct part *p, const struct npm_ctx *ctx, const char *s, size_t n)
{
	struct sv tail;
	size_t i = 0;
	int loose = (ctx->opts & VERSION__SEMVER_LOOSE) != 0, err, k;

	memset(p, 0, sizeof(*p));
	if (loose)
		while (i < n && (s[i] == 'v' || s[i] == '='))
			i++;
	else if (i < n && s[i] == 'v')
		i++;
	for (k = 0; k < 3; k++) {
		size_t j;
		if (k > 0) {
			if (i == n || s[i] != '.')
				break;
			i++;
		}
		if (i < n && (s[i] == 'x' || s[i] == 'X' || s[i] == '*')) {
			p->x[k] = 1;
			i++;
			continue;
		}
		for (j = i; j < n && version__isdigit((unsigned char)s[j]); j++)
			;
		if (j == i)
			return version__bad("semver", "constraint", ctx->c, ctx->cn, "\"%.*s\": %s is not a number or x",
					    (int)n, s, part_names[k]);
		if (k > 0 && p->x[k - 1]) /* node-semver: "1.x.5" is no range */
			return version__bad("semver", "constraint", ctx->c, ctx->cn, "\"%.*s\": a number after an x",
					    (int)n, s);
		if (!loose && j - i > 1 && s[i] == '0')
			return version__bad("semver", "constraint", ctx->c, ctx->cn, "\"%.*s\": %s has a leading zero",
					    (int)n, s, part_names[k]);
		p->num[k] = s + i;
		p->numn[k] = j - i;
		version__skipzeros(&p->num[k], &p->numn[k]);
		if ((err = sv_number_limit(SV_NPM, "constraint", ctx->c, ctx->cn, p->num[k], p->numn[k],
					   part_names[k])) < 0)
			return err;
		i = j;
	}
	/* Only a full major.minor.patch takes a pre-release (ignored beside an
	 * x); build metadata may follow any (node-semver: "1.x+build"). */
	memset(&tail, 0, sizeof(tail));
	if (k == 3 || (i < n && s[i] == '+')) {
		if ((err = sv_tail(&tail, SV_NPM, ctx->opts & ~(unsigned)(k < 3 ? VERSION__SEMVER_LOOSE : 0), "constraint",
				   ctx->c, ctx->cn, s, n, &i)) < 0)
			return err;
		p->pre = tail.pre;
		p->pren = tail.pren;
		p->has_pre = tail.has_pre;
	}
	for (; k < 3; k++)
		p->x[k] = 1;
	if (i != n)
		return version__bad("semver", "constraint", ctx->c, ctx->cn, "\"%.*s\" is not a version or x-range", (int)n,
				    s);
	return 0;
}

static int prim_num(char *dst, const char *d, size_t n)
{
	if (n + 1 > NUM_CAP)
		return customs__error(CUSTOMS_ELIMIT, "semver: number of %zu digits in a range", n);
	memcpy(dst, d, n);
	dst[n] = '\0';
	return 0;
}

/* Set prim to op M.m.p[-pre]; each component is a digit slice, "0" or, for
 * incremented bounds, already in the buffer when the pointer is NULL. */
static int prim_set(struct prim *pr, int op, const char *M, size_t Mn, const char *m, size_t mn, const char *p,
		    size_t pn, const char *pre, size_t pren, int has_pre)
{
	int err;
	pr->op = op;
	if ((M && (err = prim_num(pr->num[0], M, Mn)) < 0) || (m && (err = prim_num(pr->num[1], m, mn)) < 0) ||
	    (p && (err = prim_num(pr->num[2], p, pn)) < 0))
		return err;
	pr->pre = pre;
	pr->pren = pren;
	pr->has_pre = has_pre;
	return 0;
}

#define Z0 "0", 1     /* a component of 0 */
#define PRE0 "0", 1, 1 /* the lowest pre-release, "-0" */
#define NOPRE NULL, 0, 0

/* The lower bound of "~", "^" and x-ranges: p as written, x parts as 0
 * (and -0 when including prereleases: node-semver's "${z}"). */
static int floor_of(struct prim *pr, const struct part *p, unsigned opts)
{
	int incpre = (opts & VERSION__SEMVER_INCPRE) != 0;
	const char *zp = incpre ? "0" : NULL;
	size_t zn = incpre ? 1 : 0;

	if (p->x[1])
		return prim_set(pr, P_GE, p->num[0], p->numn[0], Z0, Z0, zp, zn, incpre);
	if (p->x[2])
		return prim_set(pr, P_GE, p->num[0], p->numn[0], p->num[1], p->numn[1], Z0, zp, zn, incpre);
	return prim_set(pr, P_GE, p->num[0], p->numn[0], p->num[1], p->numn[1], p->num[2], p->numn[2], p->pre,
			p->pren, p->has_pre);
}

/* dst = d + 1, the number of component k of a bound; node-semver cannot
 * write a bound past 2^53-1 ("^9007199254740991.0.0" is no range). */
static int incr_bound(char *dst, const char *d, size_t n, int k)
{
	int err;

	if ((err = version__incr(dst, NUM_CAP, d, n)) < 0)
		return err;
	if (version__numcmp(dst, strlen(dst), MAX_SAFE_INTEGER, 16) > 0)
		return customs__error(CUSTOMS_EFORMAT, "semver constraint: the bound above %s number %.*s is larger than "
				      MAX_SAFE_INTEGER, part_names[k], (int)n, d);
	return 0;
}

/* The upper bound "<B-0", B being p with component k incremented and the
 * components after it 0. */
static int below_next(struct prim *pr, const struct part *p, int k)
{
	const char *c[3];
	size_t cn[3];
	int err;

	for (int i = 0; i < 3; i++) {
		c[i] = i < k ? p->num[i] : i == k ? NULL : "0"; /* NULL: incremented in the buffer */
		cn[i] = i < k ? p->numn[i] : 1;
	}
	if ((err = incr_bound(pr->num[k], p->num[k], p->numn[k], k)) < 0)
		return err;
	return prim_set(pr, P_LT, c[0], cn[0], c[1], cn[1], c[2], cn[2], PRE0);
}

/* Desugar one comparator (op is "", "=", "<", "<=", ">", ">=", "~", "~>" or
 * "^") into at most two primitives; returns how many. */
static int desugar(struct prim out[2], int *count, const char *op, size_t opn, const struct part *p, unsigned opts)
{
	int incpre = (opts & VERSION__SEMVER_INCPRE) != 0;
	int xM = p->x[0], xm = xM || p->x[1], xp = xm || p->x[2];
	const char *M = p->num[0], *m = p->num[1], *pt = p->num[2];
	size_t Mn = p->numn[0], mn = p->numn[1], pn = p->numn[2];
	const char *zp = incpre ? "0" : NULL; /* "${z}": -0 when including prereleases */
	size_t zn = incpre ? 1 : 0;
	int err = 0, eq = opn == 0 || (opn == 1 && op[0] == '=');

	*count = 0;
	if (xM && !(opn == 1 && (op[0] == '<' || op[0] == '>'))) {
		out[0].op = P_ANY;
		*count = 1;
		return 0;
	}
	if (xM) { /* "<*" and ">*": nothing */
		*count = 1;
		return prim_set(&out[0], P_LT, Z0, Z0, Z0, PRE0);
	}
	if (eq && !xp) {
		*count = 1;
		return prim_set(&out[0], P_EQ, M, Mn, m, mn, pt, pn, p->pre, p->pren, p->has_pre);
	}
	/* "~1.2.3", "~1.2", "~1" and the x-ranges "1.2.x", "1.x": up to the
	 * next minor, or the next major when the minor is x */
	if (eq || op[0] == '~') {
		*count = 2;
		if ((err = floor_of(&out[0], p, opts)) < 0)
			return err;
		return below_next(&out[1], p, xm ? 0 : 1);
	}
	/* "^": up to the next change of the first component that is not 0 */
	if (opn == 1 && op[0] == '^') {
		*count = 2;
		if ((err = floor_of(&out[0], p, opts)) < 0)
			return err;
		if (xm || !version__iszero(M, Mn))
			return below_next(&out[1], p, 0);
		return below_next(&out[1], p, xp || !version__iszero(m, mn) ? 1 : 2);
	}

	/* < <= > >= */
	int gop = op[0] == '<' ? (opn == 2 ? P_LE : P_LT) : (opn == 2 ? P_GE : P_GT);
	*count = 1;
	if (!xp)
		return prim_set(&out[0], gop, M, Mn, m, mn, pt, pn, p->pre, p->pren, p->has_pre);
	/* An x-range under an operator. */
	if (gop == P_GT || gop == P_LE) {
		/* >1 is >=2.0.0, >1.2 is >=1.3.0; <=1 is <2.0.0, <=1.2 is <1.3.0 */
		gop = gop == P_GT ? P_GE : P_LT;
		if (xm) {
			if ((err = incr_bound(out[0].num[0], M, Mn, 0)) < 0)
				return err;
			M = NULL;
			m = "0";
			mn = 1;
		} else {
			if ((err = incr_bound(out[0].num[1], m, mn, 1)) < 0)
				return err;
			m = NULL;
		}
	} else if (xm) {
		m = "0";
		mn = 1;
	}
	if (gop == P_LT)
		return prim_set(&out[0], gop, M, Mn, m, mn, Z0, PRE0);
	return prim_set(&out[0], gop, M, Mn, m, mn, Z0, zp, zn, incpre);
}

/* Hyphen range "A - B" into at most two primitives. */
static int desugar_hyphen(struct prim out[2], int *count, const struct part *f, const struct part *t, unsigned opts)
{
	int incpre = (opts & VERSION__SEMVER_INCPRE) != 0;
	const char *zp = incpre ? "0" : NULL;
	size_t zn = incpre ? 1 : 0;
	int err, n = 0;

	if (!f->x[0]) {
		struct prim *pr = &out[n++];
		if (f->x[1] || f->x[2] || f->has_pre)
			err = floor_of(pr, f, opts);
		else /* unlike "~": from the -0 prerelease on when including prereleases */
			err = prim_set(pr, P_GE, f->num[0], f->numn[0], f->num[1], f->numn[1], f->num[2], f->numn[2], zp, zn,
				       incpre);
		if (err < 0)
			return err;
	}
	if (!t->x[0]) {
		struct prim *pr = &out[n++];
		if (t->x[1] || t->x[2] || (incpre && !t->has_pre)) {
			err = below_next(pr, t, t->x[1] ? 0 : t->x[2] ? 1 : 2);
		} else if (t->has_pre) {
			err = prim_set(pr, P_LE, t->num[0], t->numn[0], t->num[1], t->numn[1], t->num[2], t->numn[2], t->pre,
				       t->pren, 1);
		} else {
			err = prim_set(pr, P_LE, t->num[0], t->numn[0], t->num[1], t->numn[1], t->num[2], t->numn[2], NOPRE);
		}
		if (err < 0)
			return err;
	}
	if (n == 0)
		out[n++].op = P_ANY;
	*count = n;
	return 0;
}

static void prim_view(struct sv *v, const struct prim *p)
{
	for (int k = 0; k < 3; k++) {
		v->num[k] = p->num[k];
		v->numn[k] = strlen(p->num[k]);
	}
	v->pre = p->pre;
	v->pren = p->pren;
	v->has_pre = p->has_pre;
}

/* One comparator set (the text between "||"), evaluated as it is read. */
struct set_state {
	int pass;     /* every comparator holds so far */
	int pre_ok;   /* some comparator names a pre-release of the version's tuple */
	int nonany;   /* comparators other than "*" */
	int count;    /* comparators kept */
};

static int c_same_tuple(const struct sv *a, const struct sv *b)
{
	for (int k = 0; k < 3; k++)
		if (version__numcmp(a->num[k], a->numn[k], b->num[k], b->numn[k]) != 0)
			return 0;
	return 1;
}

static void prim_eval(struct set_state *st, const struct prim *p, const struct sv *v)
{
	struct sv pv;
	int r;

	st->count++;
	if (p->op == P_ANY)
		return;
	prim_view(&pv, p);
	/* >=0.0.0 (>=0.0.0-0 when including prereleases) is "*" */
	if (p->op == P_GE && !strcmp(p->num[0], "0") && !strcmp(p->num[1], "0") && !strcmp(p->num[2], "0") &&
	    (!p->has_pre || (p->pren == 1 && p->pre[0] == '0')))
		return;
	st->nonany++;
	r = sv_cmp(v, &pv);
	switch (p->op) {
	case P_EQ: st->pass = st->pass && r == 0; break;
	case P_LT: st->pass = st->pass && r < 0; break;
	case P_LE: st->pass = st->pass && r <= 0; break;
	case P_GT: st->pass = st->pass && r > 0; break;
	case P_GE: st->pass = st->pass && r >= 0; break;
	}
	if (p->has_pre && v->has_pre && c_same_tuple(&pv, v))
		st->pre_ok = 1;
}

struct tok {
	const char *op, *v;
	size_t opn, vn;
};

/* Evaluate one set s[0..n); *result is -1 when loose mode dropped it. */
static int npm_set(const struct npm_ctx *ctx, const struct sv *v, const char *s, size_t n, int *result, int *only_any)
{
	struct set_state st = {1, 0, 0, 0};
	struct prim prims[2];
	size_t i = 0, ntok = 0;
	int loose = (ctx->opts & VERSION__SEMVER_LOOSE) != 0, err, cnt, hyphen_done = 0;

	/* A hyphen range is the whole set: "A - B". */
	{
		size_t a0, a1, b0;
		for (a0 = 0; a0 < n && version__isspace((unsigned char)s[a0]); a0++)
			;
		for (a1 = a0; a1 < n && !version__isspace((unsigned char)s[a1]); a1++)
			;
		for (b0 = a1; b0 < n && version__isspace((unsigned char)s[b0]); b0++)
			;
		if (a1 > a0 && b0 > a1 && b0 + 1 < n && s[b0] == '-' && version__isspace((unsigned char)s[b0 + 1]) &&
		    !strchr("<>=~^", s[a0])) {
			size_t c0, c1, e;
			for (c0 = b0 + 1; c0 < n && version__isspace((unsigned char)s[c0]); c0++)
				;
			for (c1 = c0; c1 < n && !version__isspace((unsigned char)s[c1]); c1++)
				;
			for (e = c1; e < n && version__isspace((unsigned char)s[e]); e++)
				;
			if (c1 > c0 && e == n && !strchr("<>=~^", s[c0])) {
				struct part f, t;
				if ((err = part_parse(&f, ctx, s + a0, a1 - a0)) < 0 ||
				    (err = part_parse(&t, ctx, s + c0, c1 - c0)) < 0) {
					if (!loose || err != CUSTOMS_EFORMAT)
						return err;
				} else {
					if ((err = desugar_hyphen(prims, &cnt, &f, &t, ctx->opts)) < 0)
						return err;
					for (int k = 0; k < cnt; k++)
						prim_eval(&st, &prims[k], v);
					hyphen_done = 1;
				}
			}
		}
	}

	while (!hyphen_done) {
		struct tok tk;
		struct part p;

		while (i < n && version__isspace((unsigned char)s[i]))
			i++;
		if (i == n)
			break;
		tk.op = s + i;
		if (s[i] == '~') {
			i++;
			if (i < n && s[i] == '>')
				i++;
		} else if (s[i] == '^') {
			i++;
		} else if (s[i] == '<' || s[i] == '>') {
			i++;
			if (i < n && s[i] == '=')
				i++;
		} else if (s[i] == '=') {
			i++;
		}
		tk.opn = (size_t)(s + i - tk.op);
		while (i < n && version__isspace((unsigned char)s[i]))
			i++;
		tk.v = s + i;
		while (i < n && !version__isspace((unsigned char)s[i]))
			i++;
		tk.vn = (size_t)(s + i - tk.v);
		if (++ntok > VERSION__MAX_TERMS)
			return customs__error(CUSTOMS_ELIMIT, "semver constraint: more than %d comparators",
					      VERSION__MAX_TERMS);
		if (tk.vn == 0) {
			if (loose)
				continue;
			return version__bad("semver", "constraint", ctx->c, ctx->cn, "operator \"%.*s\" has no version",
					    (int)tk.opn, tk.op);
		}
		if ((err = part_parse(&p, ctx, tk.v, tk.vn)) < 0) {
			if (loose && err == CUSTOMS_EFORMAT)
				continue;
			return err;
		}
		if ((err = desugar(prims, &cnt, tk.op, tk.opn, &p, ctx->opts)) < 0)
			return err;
		for (int k = 0; k < cnt; k++)
			prim_eval(&st, &prims[k], v);
	}

	if (st.count == 0 && n > 0) {
		/* Every comparator was dropped (loose) or the set is blank. */
		size_t k;
		for (k = 0; k < n && version__isspace((unsigned char)s[k]); k++)
			;
		if (k < n) {
			*result = -1;
			return 0;
		}
	}
	*only_any = st.nonany == 0;
	if (!st.pass)
		*result = 0;
	else if (v->has_pre && !(ctx->opts & VERSION__SEMVER_INCPRE))
		*result = st.pre_ok;
	else
		*result = 1;
	return 0;
}

static int npm_satisfies_opts(const char *version, size_t vn, const char *range, size_t rn, unsigned opts, int *out)
{
	struct npm_ctx ctx = {opts, range, rn};
	struct sv v;
	size_t i = 0;
	int err, any = 0, sets = 0, any_set = -1;

	if ((err = sv_parse(&v, SV_NPM, opts, version, vn)) < 0)
		return err;

	for (;;) {
		size_t j = i;
		int r = -1, only_any = 0;
		while (j < ctx.cn && !(range[j] == '|' && j + 1 < ctx.cn && range[j + 1] == '|'))
			j++;
		if ((err = npm_set(&ctx, &v, range + i, j - i, &r, &only_any)) < 0)
			return err;
		if (r >= 0) {
			sets++;
			any |= r;
			/* A set that is just "*" makes the whole range "*". */
			if (only_any && any_set < 0)
				any_set = r;
		}
		if (j == ctx.cn)
			break;
		i = j + 2;
	}
	if (sets == 0)
		return version__bad("semver", "constraint", range, ctx.cn, "no valid comparator set");
	*out = (sets > 1 && any_set >= 0) ? any_set : any;
	return 0;
}

/* The options of node-semver's own fixtures, behind the same argument
 * checks as the public front. */
int version__semver_compare_opts(const char *a, const char *b, unsigned opts, int *out)
{
	size_t an, bn;
	int err;

	if ((err = version__compare_args("semver", a, b, out, &an, &bn)) < 0)
		return err;
	return sv_cmpn(SV_NPM, opts, a, an, b, bn, out);
}

int version__semver_valid_opts(const char *v, unsigned opts)
{
	size_t n;
	int err;

	if ((err = version__valid_args("semver", v, &n)) < 0)
		return err;
	return sv_valid(SV_NPM, opts, v, n);
}

int version__semver_satisfies_opts(const char *version, const char *range, unsigned opts, int *out)
{
	size_t vn, rn;
	int err;

	if ((err = version__satisfies_args("semver", version, range, out, &vn, &rn)) < 0)
		return err;
	return npm_satisfies_opts(version, vn, range, rn, opts, out);
}

static int npm_compare(const char *a, size_t an, const char *b, size_t bn, int *out)
{
	return sv_cmpn(SV_NPM, 0, a, an, b, bn, out);
}
static int npm_valid(const char *v, size_t n) { return sv_valid(SV_NPM, 0, v, n); }
static int npm_satisfies(const char *version, size_t vn, const char *range, size_t rn, int *out)
{
	return npm_satisfies_opts(version, vn, range, rn, 0, out);
}

const customs_version_scheme version__semver = {
	CUSTOMS_VERSION_SCHEME_VERSION, "semver", npm_compare, npm_valid, npm_satisfies,
};

/* ====================================================================== */
/* Go                                                                     */
/* ====================================================================== */

static int go_cmpn(const char *a, size_t an, const char *b, size_t bn, int *out)
{
	return sv_cmpn(SV_GO, 0, a, an, b, bn, out);
}
static int go_valid(const char *v, size_t n) { return sv_valid(SV_GO, 0, v, n); }

const customs_version_scheme version__go = {
	CUSTOMS_VERSION_SCHEME_VERSION, "go", go_cmpn, go_valid, NULL, /* comparator lists */
};

/* ====================================================================== */
/* cargo                                                                   */
/* ====================================================================== */

enum { C_EQ, C_GT, C_GE, C_LT, C_LE, C_TILDE, C_CARET, C_WILD, C_ANY };

struct creq {
	int op;
	struct sv v;  /* components present per has[] */
	int has[3];
};

static int c_num(const struct sv *a, const struct sv *b, int k)
{
	return version__numcmp(a->num[k], a->numn[k], b->num[k], b->numn[k]);
}

static int c_pre(const struct sv *v, const struct sv *c)
{
	return version__precmp(v->pre, v->pren, v->has_pre, c->pre, c->pren, c->has_pre, 0);
}

static int c_exact(const struct creq *c, const struct sv *v)
{
	for (int k = 0; k < 3; k++)
		if (c->has[k] && c_num(v, &c->v, k) != 0)
			return 0;
	return c_pre(v, &c->v) == 0;
}

/* dir 1: ver > req, dir -1: ver < req (the semver crate's matches_greater / matches_less). */
static int c_order(const struct creq *c, const struct sv *v, int dir)
{
	for (int k = 0; k < 3; k++) {
		int r;
		if (!c->has[k])
			return 0;
		if ((r = c_num(v, &c->v, k)) != 0)
			return r == dir;
	}
	return c_pre(v, &c->v) == dir;
}

static int c_match(const struct creq *c, const struct sv *v)
{
	int r;

	switch (c->op) {
	case C_ANY: return 1;
	case C_EQ:
	case C_WILD: return c_exact(c, v);
	case C_GT: return c_order(c, v, 1);
	case C_LT: return c_order(c, v, -1);
	case C_GE: return c_exact(c, v) || c_order(c, v, 1);
	case C_LE: return c_exact(c, v) || c_order(c, v, -1);
	case C_TILDE:
		if (c_num(v, &c->v, 0) != 0 || (c->has[1] && c_num(v, &c->v, 1) != 0))
			return 0;
		if (c->has[2] && (r = c_num(v, &c->v, 2)) != 0)
			return r > 0;
		return c_pre(v, &c->v) >= 0;
	case C_CARET: {
		int M0 = version__iszero(c->v.num[0], c->v.numn[0]);
		if (c_num(v, &c->v, 0) != 0)
			return 0;
		if (!c->has[1])
			return 1;
		if (!c->has[2])
			return M0 ? c_num(v, &c->v, 1) == 0 : c_num(v, &c->v, 1) >= 0;
		if (!M0) {
			if ((r = c_num(v, &c->v, 1)) != 0)
				return r > 0;
			if ((r = c_num(v, &c->v, 2)) != 0)
				return r > 0;
		} else if (!version__iszero(c->v.num[1], c->v.numn[1])) {
			if (c_num(v, &c->v, 1) != 0)
				return 0;
			if ((r = c_num(v, &c->v, 2)) != 0)
				return r > 0;
		} else if (c_num(v, &c->v, 1) != 0 || c_num(v, &c->v, 2) != 0) {
			return 0;
		}
		return c_pre(v, &c->v) >= 0;
	}
	}
	return 0;
}

static int cargo_comparator(struct creq *c, const char *s, size_t n, const char *cs, size_t cn)
{
	size_t i = 0;
	int err, k, wild = 0;

	memset(c, 0, sizeof(*c));
	version__trim(&s, &n);
	if (n == 0)
		return version__bad("cargo", "constraint", cs, cn, "empty comparator");
	c->op = C_CARET;
	if (s[0] == '=') {
		c->op = C_EQ;
		i = 1;
	} else if (s[0] == '~') {
		c->op = C_TILDE;
		i = 1;
	} else if (s[0] == '^') {
		c->op = C_CARET;
		i = 1;
	} else if (s[0] == '>' || s[0] == '<') {
		int eq = n > 1 && s[1] == '=';
		c->op = s[0] == '>' ? (eq ? C_GE : C_GT) : (eq ? C_LE : C_LT);
		i = eq ? 2 : 1;
	}
	int explicit_op = i > 0;
	while (i < n && version__isspace((unsigned char)s[i]))
		i++;
	for (k = 0; k < 3; k++) {
		size_t j;
		if (k > 0) {
			if (i == n)
				break;
			if (s[i] != '.')
				return version__bad("cargo", "constraint", cs, cn, "expected '.' after the %s number",
						    part_names[k - 1]);
			i++;
		}
		if (i < n && (s[i] == '*' || s[i] == 'x' || s[i] == 'X')) {
			if (k == 0 && explicit_op && c->op != C_EQ)
				return version__bad("cargo", "constraint", cs, cn, "a wildcard major version takes no operator");
			wild = 1;
			i++;
			continue;
		}
		if (wild)
			return version__bad("cargo", "constraint", cs, cn, "a number after a wildcard");
		for (j = i; j < n && version__isdigit((unsigned char)s[j]); j++)
			;
		if (j == i)
			return version__bad("cargo", "constraint", cs, cn, "%s version is not a number", part_names[k]);
		if (j - i > 1 && s[i] == '0')
			return version__bad("cargo", "constraint", cs, cn, "%s number has a leading zero", part_names[k]);
		c->v.num[k] = s + i;
		c->v.numn[k] = j - i;
		if ((err = sv_number_limit(SV_CARGO, "constraint", cs, cn, s + i, j - i, part_names[k])) < 0)
			return err;
		c->has[k] = 1;
		i = j;
	}
	if (c->has[2] && i < n && (s[i] == '-' || s[i] == '+')) {
		if ((err = sv_tail(&c->v, SV_CARGO, 0, "constraint", cs, cn, s, n, &i)) < 0)
			return err;
	}
	if (i != n)
		return version__bad("cargo", "constraint", cs, cn, "unexpected '%c' in a comparator", s[i]);
	for (k = 0; k < 3; k++)
		if (!c->has[k]) {
			c->v.num[k] = "0";
			c->v.numn[k] = 1;
		}
	if (!c->has[0])
		c->op = C_ANY;
	else if (wild && !explicit_op)
		c->op = C_WILD;
	else if (wild && c->op == C_EQ)
		c->op = C_WILD;
	return 0;
}

static int cargo_satisfies(const char *version, size_t vn, const char *req, size_t cn, int *out)
{
	struct sv v;
	size_t i = 0, terms = 0;
	int err, pass = 1, pre_ok = 0, star = 0;

	if ((err = sv_parse(&v, SV_CARGO, 0, version, vn)) < 0)
		return err;
	for (;;) {
		struct creq c;
		size_t j = i;
		while (j < cn && req[j] != ',')
			j++;
		/* the semver crate's MAX_COMPARATORS */
		if (++terms > 32)
			return version__bad("cargo", "constraint", req, cn, "more than 32 comparators");
		if ((err = cargo_comparator(&c, req + i, j - i, req, cn)) < 0)
			return err;
		star += c.op == C_ANY;
		if (star && terms > 1)
			return version__bad("cargo", "constraint", req, cn, "a wildcard (*) must be the only comparator");
		pass = pass && c_match(&c, &v);
		if (c.has[0] && c.has[1] && c.has[2] && c.v.has_pre && c_same_tuple(&v, &c.v))
			pre_ok = 1;
		if (j == cn)
			break;
		i = j + 1;
	}
	/* A pre-release only matches a requirement naming a pre-release of
	 * the same major.minor.patch. */
	*out = pass && (!v.has_pre || pre_ok);
	return 0;
}

static int cargo_compare(const char *a, size_t an, const char *b, size_t bn, int *out)
{
	return sv_cmpn(SV_CARGO, 0, a, an, b, bn, out);
}
static int cargo_valid(const char *v, size_t n) { return sv_valid(SV_CARGO, 0, v, n); }

const customs_version_scheme version__cargo = {
	CUSTOMS_VERSION_SCHEME_VERSION, "cargo", cargo_compare, cargo_valid, cargo_satisfies,
};
