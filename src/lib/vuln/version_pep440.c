/* version_pep440.c - Python package versions and specifiers, PEP 440 (the
 * PyPA "Version specifiers" specification): [v][N!]N(.N)*[{a|b|rc}N]
 * [.postN][.devN][+local], with the specification's normalisation (case,
 * alpha/beta/c/pre/preview spellings, optional separators and numbers,
 * "-N" post-releases), and the specifiers == != <= >= < > ~= === with
 * "==1.2.*" prefix matching, comma-separated. */
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

/* "[sep]N" after a keyword: consumes it when digits follow. */
static void opt_number(const char *s, size_t n, size_t *i, const char **num, size_t *numn)
{
	size_t j = *i, d;
	if (j < n && is_sep((unsigned char)s[j]))
		j++;
	d = digits_at(s, n, j);
	if (d) {
		*num = s + j;
		*numn = d;
		*i = j + d;
	} else {
		*num = "0";
		*numn = 1;
	}
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

static int pep_cmpn(const char *a, size_t an, const char *b, size_t bn, int *out)
{
	struct pep x, y;
	int err;

	if ((err = pep_parse(&x, a, an, "version", a, an)) < 0 || (err = pep_parse(&y, b, bn, "version", b, bn)) < 0)
		return err;
	*out = pep_cmp(&x, &y, 1);
	return 0;
}

static int pep_valid(const char *s, size_t n)
{
	struct pep v;
	return pep_parse(&v, s, n, "version", s, n);
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

static int spec_eval(const struct pep *cand, const char *craw, size_t crawn, const char *item, size_t itemn,
		     const char *cs, size_t cn, int *ok)
{
	static const char *const ops[] = {"===", "~=", "==", "!=", "<=", ">=", "<", ">"};
	const char *op = "==", *t;
	size_t opn = 0, tn, i = 0;
	struct pep spec;
	int err, wild = 0, r;

	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		size_t l = strlen(ops[k]);
		if (itemn >= l && memcmp(item, ops[k], l) == 0) {
			op = ops[k];
			opn = l;
			break;
		}
	}
	i = opn;
	t = item + i;
	tn = itemn - i;
	version__trim(&t, &tn);
	if (tn == 0)
		return version__bad(SCHEME, "constraint", cs, cn, "operator \"%s\" has no version", op);

	if (!strcmp(op, "===")) {
		*ok = crawn == tn && version__casecmp(craw, crawn, t, tn) == 0;
		return 0;
	}
	if (tn >= 2 && t[tn - 2] == '.' && t[tn - 1] == '*') {
		if (strcmp(op, "==") && strcmp(op, "!="))
			return version__bad(SCHEME, "constraint", cs, cn, "\".*\" only goes with == and !=");
		wild = 1;
		tn -= 2;
	}
	if ((err = pep_parse(&spec, t, tn, "constraint", cs, cn)) < 0)
		return err;
	if (wild && (spec.pre >= 0 || spec.has_post || spec.has_dev || spec.has_local))
		return version__bad(SCHEME, "constraint", cs, cn, "a prefix match (\".*\") takes a release number only");
	if (spec.has_local && strcmp(op, "==") && strcmp(op, "!="))
		return version__bad(SCHEME, "constraint", cs, cn, "a local version only goes with == and !=");

	if (!strcmp(op, "==") || !strcmp(op, "!=")) {
		if (wild)
			r = prefix_match(cand, &spec, rel_count(spec.rel, spec.reln));
		else
			r = pep_cmp(cand, &spec, spec.has_local) == 0;
		*ok = op[0] == '=' ? r : !r;
	} else if (!strcmp(op, "~=")) {
		size_t k = rel_count(spec.rel, spec.reln);
		if (k < 2)
			return version__bad(SCHEME, "constraint", cs, cn, "~= needs a version with at least two release numbers");
		*ok = pep_cmp(cand, &spec, 0) >= 0 && prefix_match(cand, &spec, k - 1);
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
	const char *v = version;
	struct pep cand;
	size_t i = 0, terms = 0;
	int err, all = 1;

	version__trim(&v, &vn);
	if ((err = pep_parse(&cand, v, vn, "version", v, vn)) < 0)
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
			if ((err = spec_eval(&cand, v, vn, item, itemn, constraint, cn, &ok)) < 0)
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
