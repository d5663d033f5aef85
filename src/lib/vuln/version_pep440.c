/* version_pep440.c - Python package versions and specifiers, PEP 440 (the
 * PyPA "Version specifiers" specification): [v][N!]N(.N)*[{a|b|rc}N]
 * [.postN][.devN][+local], with the specification's normalisation (case,
 * alpha/beta/c/pre/preview spellings, optional separators and numbers,
 * "-N" post-releases), and the specifiers == != <= >= < > ~= === with
 * "==1.2.*" prefix matching, comma-separated.
 *
 * A string that is not PEP 440 ("0.7.1.fix1", "2.0.0-final") is what pip
 * called a legacy version: packaging before 22.0 (LegacyVersion,
 * _legacy_cmpkey; pip vendored it up to 24.0, osv.dev orders PyPI that
 * way) sorts it before every PEP 440 version and among its peers by
 * setuptools' old key, and a legacy specifier ("< 0.7.1.fix1") compares
 * both sides that way; a PEP 440 specifier is never met by a legacy
 * version.  Numbers compare by value at any length, where packaging's
 * 8-digit padding let a 9-digit one compare as text. */
#include <stdlib.h>
#include <string.h>

#include "util/util.h"
#include "vuln/version_int.h"

#define SCHEME "pep440"

enum { PRE_A, PRE_B, PRE_RC };

struct pep {
	const char *epoch, *rel, *pre_n, *post_n, *dev_n, *local;
	size_t epochn, reln, pre_nn, post_nn, dev_nn, localn;
	int pre; /* -1 none, else PRE_* */
	int has_post, has_dev, has_local;
};

static int is_sep(int c) { return c == '-' || c == '_' || c == '.'; }

/* If s[i..] starts with one of words (case folded), the length matched. */
static size_t match_word(const char *s, size_t n, size_t i, const char *word)
{
	size_t wn = strlen(word);
	if (n - i < wn || version__casecmp(s + i, wn, word, wn) != 0)
		return 0;
	return wn;
}

static size_t digits_at(const char *s, size_t n, size_t i)
{
	size_t j = i;
	while (j < n && version__isdigit((unsigned char)s[j]))
		j++;
	return j - i;
}

/* "[sep][N]" after a keyword (packaging's VERSION_PATTERN: "1.0-dev-" is
 * 1.0.dev0): the number is 0 when absent. */
static void opt_number(const char *s, size_t n, size_t *i, const char **num, size_t *numn)
{
	size_t j = *i, d;
	if (j < n && is_sep((unsigned char)s[j]))
		j++;
	d = digits_at(s, n, j);
	*num = d ? s + j : "0";
	*numn = d ? d : 1;
	*i = j + d;
}

/* Parse s[0..n); what/ws/wn name the string in messages. */
static int pep_parse(struct pep *v, const char *s, size_t n, const char *what, const char *ws, size_t wn)
{
	static const struct {
		const char *word;
		int kind;
	} pre_words[] = {
		{"alpha", PRE_A}, {"beta", PRE_B}, {"preview", PRE_RC}, {"pre", PRE_RC},
		{"rc", PRE_RC},   {"a", PRE_A},    {"b", PRE_B},        {"c", PRE_RC},
	};
	static const char *const post_words[] = {"post", "rev", "r"};
	size_t i = 0, j, d;

	memset(v, 0, sizeof(*v));
	v->pre = -1;
	version__trim(&s, &n);
	if (n == 0)
		return version__bad(SCHEME, what, ws, wn, "empty version");
	if (s[0] == 'v' || s[0] == 'V')
		i++;

	/* epoch */
	d = digits_at(s, n, i);
	if (d && i + d < n && s[i + d] == '!') {
		v->epoch = s + i;
		v->epochn = d;
		i += d + 1;
	}
	/* release */
	d = digits_at(s, n, i);
	if (!d)
		return version__bad(SCHEME, what, ws, wn, "no release number at offset %zu", i);
	v->rel = s + i;
	i += d;
	while (i + 1 < n && s[i] == '.' && version__isdigit((unsigned char)s[i + 1]))
		i += 1 + digits_at(s, n, i + 1);
	v->reln = (size_t)(s + i - v->rel);

	/* pre-release */
	j = i < n && is_sep((unsigned char)s[i]) ? i + 1 : i;
	for (size_t k = 0; k < sizeof(pre_words) / sizeof(pre_words[0]); k++) {
		size_t m = match_word(s, n, j, pre_words[k].word);
		if (m) {
			v->pre = pre_words[k].kind;
			i = j + m;
			opt_number(s, n, &i, &v->pre_n, &v->pre_nn);
			break;
		}
	}
	/* post-release: "-N", or [sep](post|rev|r)[sep][N] */
	if (i + 1 < n && s[i] == '-' && version__isdigit((unsigned char)s[i + 1])) {
		v->has_post = 1;
		v->post_n = s + i + 1;
		v->post_nn = digits_at(s, n, i + 1);
		i += 1 + v->post_nn;
	} else {
		j = i < n && is_sep((unsigned char)s[i]) ? i + 1 : i;
		for (size_t k = 0; k < 3; k++) {
			size_t m = match_word(s, n, j, post_words[k]);
			if (m) {
				v->has_post = 1;
				i = j + m;
				opt_number(s, n, &i, &v->post_n, &v->post_nn);
				break;
			}
		}
	}
	/* dev release */
	j = i < n && is_sep((unsigned char)s[i]) ? i + 1 : i;
	if ((d = match_word(s, n, j, "dev")) != 0) {
		v->has_dev = 1;
		i = j + d;
		opt_number(s, n, &i, &v->dev_n, &v->dev_nn);
	}
	/* local version */
	if (i < n && s[i] == '+') {
		i++;
		v->local = s + i;
		for (;;) {
			j = i;
			while (j < n && version__isalnum((unsigned char)s[j]))
				j++;
			if (j == i)
				return version__bad(SCHEME, what, ws, wn, "empty local version segment at offset %zu", i);
			i = j;
			if (i < n && is_sep((unsigned char)s[i]) && i + 1 < n)
				i++;
			else
				break;
		}
		v->localn = (size_t)(s + i - v->local);
		v->has_local = 1;
	}
	if (i != n)
		return version__bad(SCHEME, what, ws, wn, "unexpected '%c' at offset %zu", s[i], (size_t)(s + i - ws));
	return 0;
}

/* Next dot-separated release component, or "0" past the end; 0 when both
 * this and the padding are exhausted is up to the caller. */
static int rel_next(const char *r, size_t rn, size_t *pos, const char **d, size_t *dn)
{
	size_t j;
	if (*pos > rn || rn == 0) {
		*d = "0";
		*dn = 1;
		return 0;
	}
	for (j = *pos; j < rn && r[j] != '.'; j++)
		;
	*d = r + *pos;
	*dn = j - *pos;
	*pos = j + 1;
	return 1;
}

static size_t rel_count(const char *r, size_t rn)
{
	size_t c = 1;
	for (size_t i = 0; i < rn; i++)
		c += r[i] == '.';
	return c;
}

/* Compare the first k components (k = 0: all, with zero padding). */
static int rel_cmp(const struct pep *a, const struct pep *b, size_t k)
{
	size_t pa = 0, pb = 0, done = 0;
	for (;;) {
		const char *x, *y;
		size_t xn, yn;
		int ma = rel_next(a->rel, a->reln, &pa, &x, &xn);
		int mb = rel_next(b->rel, b->reln, &pb, &y, &yn);
		int r;
		if ((!ma && !mb) || (k && done == k))
			return 0;
		if ((r = version__numcmp(x, xn, y, yn)) != 0)
			return r;
		done++;
	}
}

static int epoch_cmp(const struct pep *a, const struct pep *b)
{
	return version__numcmp(a->epoch ? a->epoch : "0", a->epoch ? a->epochn : 1, b->epoch ? b->epoch : "0",
			       b->epoch ? b->epochn : 1);
}

/* Keys of the pre/post/dev parts: -2 = -infinity, 2 = +infinity, else 0 and
 * the number decides. */
static int pre_key(const struct pep *v)
{
	if (v->pre < 0 && !v->has_post && v->has_dev)
		return -2;
	return v->pre < 0 ? 2 : 0;
}

static int cmp3(int a, int b) { return a == b ? 0 : (a < b ? -1 : 1); }

static int local_cmp(const struct pep *a, const struct pep *b)
{
	size_t i = 0, j = 0;

	if (!a->has_local || !b->has_local)
		return cmp3(a->has_local, b->has_local);
	for (;;) {
		size_t ie, je;
		int na, nb, r;
		if (i > a->localn || j > b->localn)
			return (i > a->localn && j > b->localn) ? 0 : (i > a->localn ? -1 : 1);
		for (ie = i; ie < a->localn && !is_sep((unsigned char)a->local[ie]); ie++)
			;
		for (je = j; je < b->localn && !is_sep((unsigned char)b->local[je]); je++)
			;
		na = digits_at(a->local, ie, i) == ie - i;
		nb = digits_at(b->local, je, j) == je - j;
		if (na && nb)
			r = version__numcmp(a->local + i, ie - i, b->local + j, je - j);
		else if (na || nb)
			r = na ? 1 : -1; /* numeric segments sort after alphanumeric ones */
		else
			r = version__casecmp(a->local + i, ie - i, b->local + j, je - j);
		if (r)
			return r;
		i = ie + 1;
		j = je + 1;
	}
}

static int pep_cmp(const struct pep *a, const struct pep *b, int with_local)
{
	int r;

	if ((r = epoch_cmp(a, b)) != 0 || (r = rel_cmp(a, b, 0)) != 0)
		return r;
	if ((r = cmp3(pre_key(a), pre_key(b))) != 0)
		return r;
	if (pre_key(a) == 0) {
		if ((r = cmp3(a->pre, b->pre)) != 0 || (r = version__numcmp(a->pre_n, a->pre_nn, b->pre_n, b->pre_nn)) != 0)
			return r;
	}
	if ((r = cmp3(a->has_post, b->has_post)) != 0)
		return r;
	if (a->has_post && (r = version__numcmp(a->post_n, a->post_nn, b->post_n, b->post_nn)) != 0)
		return r;
	if ((r = cmp3(!a->has_dev, !b->has_dev)) != 0)
		return r;
	if (a->has_dev && (r = version__numcmp(a->dev_n, a->dev_nn, b->dev_n, b->dev_nn)) != 0)
		return r;
	return with_local ? local_cmp(a, b) : 0;
}

/* ---- legacy versions (packaging < 22: LegacyVersion) ---- */

/* One part of the legacy key: digits (compared by value), or the text
 * packaging writes after a '*' (compared as bytes, and always before
 * digits, as '*' sorts before '0'). */
struct lpart {
	const char *p;
	size_t n;
	int num;
};

#define LEGACY_MAX (2 * VERSION__MAX_LEN + 64) /* room for a normalised PEP 440 version */

struct lkey {
	char *low;           /* the version, lower-cased */
	struct lpart *part;  /* room for a part a byte, and "final" */
	size_t n;
};

/* A legacy version is any string pip took: here printable ASCII without
 * blanks, which is all the feeds hold. */
static int legacy_check(const char *s, size_t n)
{
	return version__printable(SCHEME, s, n, s, n, 1);
}

static int lpart_is_zero(const struct lpart *x)
{
	return x->num && version__iszero(x->p, x->n);
}

/* The next part of s[*i..n) (lower-cased) as _parse_version_parts yields
 * it: a digit run, a letter run ("pre", "preview", "rc" read "c", "dev"
 * reads "@"), '-' as "final-", or a run of anything else; '.' is skipped.
 * 0 at the end. */
static int legacy_part(const char *s, size_t n, size_t *i, struct lpart *x)
{
	static const struct {
		const char *from, *to;
	} repl[] = {{"pre", "c"}, {"preview", "c"}, {"rc", "c"}, {"dev", "@"}};
	size_t j = *i;

	while (j < n && s[j] == '.')
		j++;
	if (j == n)
		return 0;
	x->p = s + j;
	x->num = version__isdigit((unsigned char)s[j]);
	if (x->num) {
		while (j < n && version__isdigit((unsigned char)s[j]))
			j++;
	} else if (version__isalpha((unsigned char)s[j])) {
		while (j < n && version__isalpha((unsigned char)s[j]))
			j++;
	} else if (s[j] == '-') {
		j++;
	} else {
		while (j < n && !version__isalnum((unsigned char)s[j]) && s[j] != '.' && s[j] != '-')
			j++;
	}
	x->n = (size_t)(s + j - x->p);
	*i = j;
	if (x->n == 1 && x->p[0] == '-') {
		x->p = "final-";
		x->n = 6;
	}
	for (size_t r = 0; !x->num && r < sizeof(repl) / sizeof(repl[0]); r++)
		if (version__eqword(x->p, x->n, repl[r].from)) {
			x->p = repl[r].to;
			x->n = strlen(repl[r].to);
		}
	return 1;
}

/* _legacy_cmpkey: the parts, then "final"; a text part drops the zeros
 * before it, and a pre-release tag (a text before "final") the "final-"
 * parts before it. */
static void legacy_key(struct lkey *k, const char *s, size_t n)
{
	struct lpart x;
	size_t i = 0;
	int more = 1;

	for (size_t j = 0; j < n; j++)
		k->low[j] = (char)version__tolower((unsigned char)s[j]);
	k->n = 0;
	while (more) {
		if (!(more = legacy_part(k->low, n, &i, &x))) {
			x.p = "final";
			x.n = 5;
			x.num = 0;
		}
		if (!x.num) {
			if (version__bytecmp(x.p, x.n, "final", 5) < 0)
				while (k->n && version__eqword(k->part[k->n - 1].p, k->part[k->n - 1].n, "final-") &&
				       !k->part[k->n - 1].num)
					k->n--;
			while (k->n && lpart_is_zero(&k->part[k->n - 1]))
				k->n--;
		}
		k->part[k->n++] = x;
	}
}

static int lpart_cmp(const struct lpart *a, const struct lpart *b)
{
	if (a->num && b->num)
		return version__numcmp(a->p, a->n, b->p, b->n);
	if (a->num != b->num)
		return a->num ? 1 : -1;
	return version__bytecmp(a->p, a->n, b->p, b->n);
}

/* a and b as legacy versions, into *out; one allocation for both keys. */
static int legacy_cmp(const char *a, size_t an, const char *b, size_t bn, int *out)
{
	struct lkey x, y;
	void *mem = malloc((an + bn + 4) * sizeof(struct lpart) + an + bn);

	if (!mem)
		return customs__error(CUSTOMS_ENOMEM, SCHEME ": out of memory");
	x.part = mem;
	y.part = x.part + an + 2;
	x.low = (char *)(y.part + bn + 2);
	y.low = x.low + an;
	legacy_key(&x, a, an);
	legacy_key(&y, b, bn);
	*out = 0;
	for (size_t i = 0; i < x.n && i < y.n && !*out; i++)
		*out = lpart_cmp(&x.part[i], &y.part[i]);
	if (!*out)
		*out = x.n == y.n ? 0 : (x.n < y.n ? -1 : 1);
	free(mem);
	return 0;
}

/* str(Version): the normalised form (epoch when not 0, release, a|b|rc N,
 * .postN, .devN, +local with '.' between its segments), numbers without
 * leading zeros; what a legacy specifier turns a PEP 440 version into. */
static size_t pep_format(char *buf, size_t cap, const struct pep *v)
{
	static const char *const pre[] = {"a", "b", "rc"};
	size_t o = 0, pos = 0;
	const char *d;
	size_t dn;

#define PUT(str, len)                                        \
	do {                                                 \
		size_t l_ = (len);                           \
		if (o + l_ < cap) {                          \
			memcpy(buf + o, (str), l_);          \
			o += l_;                             \
		}                                            \
	} while (0)
#define NUM(str, len)                                        \
	do {                                                 \
		const char *p_ = (str);                      \
		size_t n_ = (len);                           \
		version__skipzeros(&p_, &n_);                \
		PUT(p_, n_);                                 \
	} while (0)
	if (v->epoch && !version__iszero(v->epoch, v->epochn)) {
		NUM(v->epoch, v->epochn);
		PUT("!", 1);
	}
	for (int k = 0; rel_next(v->rel, v->reln, &pos, &d, &dn); k++) {
		if (k)
			PUT(".", 1);
		NUM(d, dn);
	}
	if (v->pre >= 0) {
		PUT(pre[v->pre], strlen(pre[v->pre]));
		NUM(v->pre_n, v->pre_nn);
	}
	if (v->has_post) {
		PUT(".post", 5);
		NUM(v->post_n, v->post_nn);
	}
	if (v->has_dev) {
		PUT(".dev", 4);
		NUM(v->dev_n, v->dev_nn);
	}
	for (size_t i = 0, j; v->has_local && i < v->localn; i = j + 1) {
		for (j = i; j < v->localn && !is_sep((unsigned char)v->local[j]); j++)
			;
		PUT(i ? "." : "+", 1);
		if (digits_at(v->local, j, i) == j - i) {
			NUM(v->local + i, j - i);
		} else {
			for (size_t c = i; c < j; c++)
				if (o + 1 < cap)
					buf[o++] = (char)version__tolower((unsigned char)v->local[c]);
		}
	}
#undef NUM
#undef PUT
	buf[o] = '\0';
	return o;
}

/* A version as packaging.version.parse() took it before 22.0: PEP 440, or
 * else legacy. */
struct pyver {
	int legacy;
	struct pep pep;
	const char *s; /* trimmed */
	size_t n;
};

static int py_parse(struct pyver *v, const char *s, size_t n)
{
	version__trim(&s, &n);
	v->s = s;
	v->n = n;
	v->legacy = pep_parse(&v->pep, s, n, "version", s, n) < 0;
	return v->legacy ? legacy_check(s, n) : 0;
}

static int py_cmp(const struct pyver *a, const struct pyver *b, int *out)
{
	if (!a->legacy && !b->legacy) {
		*out = pep_cmp(&a->pep, &b->pep, 1);
		return 0;
	}
	if (a->legacy != b->legacy) {
		*out = a->legacy ? -1 : 1; /* legacy epoch -1: before every PEP 440 version */
		return 0;
	}
	return legacy_cmp(a->s, a->n, b->s, b->n, out);
}

static int pep_cmpn(const char *a, size_t an, const char *b, size_t bn, int *out)
{
	struct pyver x, y;
	int err;

	if ((err = py_parse(&x, a, an)) < 0 || (err = py_parse(&y, b, bn)) < 0)
		return err;
	return py_cmp(&x, &y, out);
}

static int pep_valid(const char *s, size_t n)
{
	struct pyver v;
	return py_parse(&v, s, n);
}

/* ---- specifiers ---- */

static int base_eq(const struct pep *a, const struct pep *b)
{
	return epoch_cmp(a, b) == 0 && rel_cmp(a, b, 0) == 0;
}

/* "==P.*": the candidate's release, zero padded, starts with P's k components. */
static int prefix_match(const struct pep *cand, const struct pep *prefix, size_t k)
{
	return epoch_cmp(cand, prefix) == 0 && rel_cmp(cand, prefix, k) == 0;
}

/* A legacy specifier ("< 0.7.1.fix1", packaging's LegacySpecifier): both
 * sides compared as legacy versions, a PEP 440 candidate in its
 * normalised form. */
static int legacy_spec(const struct pyver *cand, const char *op, const char *t, size_t tn, int *ok)
{
	char norm[LEGACY_MAX + 1];
	int r, err;

	if (cand->legacy)
		err = legacy_cmp(cand->s, cand->n, t, tn, &r);
	else
		err = legacy_cmp(norm, pep_format(norm, sizeof(norm), &cand->pep), t, tn, &r);
	if (err < 0)
		return err;
	if (op[0] == '=' || op[0] == '!')
		*ok = (r == 0) == (op[0] == '=');
	else if (op[0] == '<')
		*ok = op[1] ? r <= 0 : r < 0;
	else
		*ok = op[1] ? r >= 0 : r > 0;
	return 0;
}

/* "===V": str(version) equals V, case folded; str() of a PEP 440 version
 * is its normalised form. */
static int arbitrary_eq(const struct pyver *cand, const char *t, size_t tn)
{
	char norm[LEGACY_MAX + 1];
	size_t n;

	if (cand->legacy)
		return cand->n == tn && version__casecmp(cand->s, cand->n, t, tn) == 0;
	n = pep_format(norm, sizeof(norm), &cand->pep);
	return n == tn && version__casecmp(norm, n, t, tn) == 0;
}

static int spec_eval(const struct pyver *pc, const char *item, size_t itemn, const char *cs, size_t cn, int *ok)
{
	static const char *const ops[] = {"===", "~=", "==", "!=", "<=", ">=", "<", ">"};
	const struct pep *cand = &pc->pep;
	const char *op = NULL, *t;
	size_t tn, vn;
	struct pep spec;
	int err, wild = 0, r;

	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]) && !op; k++)
		if (itemn >= strlen(ops[k]) && memcmp(item, ops[k], strlen(ops[k])) == 0)
			op = ops[k];
	t = item + (op ? strlen(op) : 0);
	tn = itemn - (op ? strlen(op) : 0);
	version__trim(&t, &tn);
	if (tn == 0)
		return version__bad(SCHEME, "constraint", cs, cn, "operator \"%s\" has no version", op ? op : "==");
	if (op && !strcmp(op, "===")) {
		*ok = arbitrary_eq(pc, t, tn);
		return 0;
	}
	vn = tn >= 2 && t[tn - 2] == '.' && t[tn - 1] == '*' ? tn - 2 : tn;
	if (pep_parse(&spec, t, vn, "constraint", cs, cn) < 0 && op && strcmp(op, "~=")) {
		/* not PEP 440 after an operator a legacy specifier has */
		if ((err = legacy_check(t, tn)) < 0)
			return err;
		return legacy_spec(pc, op, t, tn, ok);
	}
	if (!op)
		op = "==";
	if (vn < tn) {
		if (strcmp(op, "==") && strcmp(op, "!="))
			return version__bad(SCHEME, "constraint", cs, cn, "\".*\" only goes with == and !=");
		wild = 1;
	}
	if ((err = pep_parse(&spec, t, vn, "constraint", cs, cn)) < 0)
		return err;
	if (wild && (spec.pre >= 0 || spec.has_post || spec.has_dev || spec.has_local))
		return version__bad(SCHEME, "constraint", cs, cn, "a prefix match (\".*\") takes a release number only");
	if (spec.has_local && strcmp(op, "==") && strcmp(op, "!="))
		return version__bad(SCHEME, "constraint", cs, cn, "a local version only goes with == and !=");
	if (!strcmp(op, "~=") && rel_count(spec.rel, spec.reln) < 2)
		return version__bad(SCHEME, "constraint", cs, cn, "~= needs a version with at least two release numbers");
	if (pc->legacy) {
		*ok = 0; /* packaging: a PEP 440 specifier is never met by a legacy version */
		return 0;
	}

	if (!strcmp(op, "==") || !strcmp(op, "!=")) {
		if (wild)
			r = prefix_match(cand, &spec, rel_count(spec.rel, spec.reln));
		else
			r = pep_cmp(cand, &spec, spec.has_local) == 0;
		*ok = op[0] == '=' ? r : !r;
	} else if (!strcmp(op, "~=")) {
		*ok = pep_cmp(cand, &spec, 0) >= 0 && prefix_match(cand, &spec, rel_count(spec.rel, spec.reln) - 1);
	} else if (!strcmp(op, "<=")) {
		*ok = pep_cmp(cand, &spec, 0) <= 0;
	} else if (!strcmp(op, ">=")) {
		*ok = pep_cmp(cand, &spec, 0) >= 0;
	} else if (!strcmp(op, "<")) {
		/* <V excludes pre-releases of V itself unless V is one. */
		*ok = pep_cmp(cand, &spec, 1) < 0 &&
		      !(spec.pre < 0 && !spec.has_dev && (cand->pre >= 0 || cand->has_dev) && base_eq(cand, &spec));
	} else {
		/* >V excludes post-releases and local versions of V itself. */
		*ok = pep_cmp(cand, &spec, 1) > 0 && !(!spec.has_post && cand->has_post && base_eq(cand, &spec)) &&
		      !(cand->has_local && base_eq(cand, &spec));
	}
	return 0;
}

static int pep_satisfies(const char *version, size_t vn, const char *constraint, size_t cn, int *out)
{
	struct pyver cand;
	size_t i = 0, terms = 0;
	int err, all = 1;

	if ((err = py_parse(&cand, version, vn)) < 0)
		return err;
	for (;;) {
		const char *item = constraint + i;
		size_t j = i, itemn;
		int ok = 0;
		while (j < cn && constraint[j] != ',')
			j++;
		itemn = j - i;
		version__trim(&item, &itemn);
		if (itemn) {
			if (++terms > VERSION__MAX_TERMS)
				return customs__error(CUSTOMS_ELIMIT, SCHEME " constraint: more than %d specifiers",
						      VERSION__MAX_TERMS);
			if ((err = spec_eval(&cand, item, itemn, constraint, cn, &ok)) < 0)
				return err;
			all = all && ok;
		}
		if (j == cn)
			break;
		i = j + 1;
	}
	*out = all;
	return 0;
}

const customs_version_scheme version__pep440 = {
	CUSTOMS_VERSION_SCHEME_VERSION, SCHEME, pep_cmpn, pep_valid, pep_satisfies,
};
