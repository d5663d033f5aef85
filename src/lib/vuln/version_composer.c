/* version_composer.c - Composer (Packagist) versions and constraints, as
 * composer/semver's VersionParser normalises them ("1.2" -> "1.2.0.0",
 * "1.0-b2" -> "1.0.0.0-beta2", "2.x-dev" -> "2.9999999.9999999.9999999-dev",
 * "dev-main" stays a branch) and compares them (PHP's version_compare():
 * dev < alpha = a < beta = b < RC = rc < number < pl = p, unknown words
 * before all).  Constraints: comparators (= == != <> < <= > >=), ~ and ^
 * ranges, x-ranges ("1.2.*"), hyphen ranges ("1.0 - 2.0"); AND with ',' or
 * spaces, OR with "||"; "@dev"-style stability flags are ignored. */
#include <string.h>

#include "util/util.h"
#include "vuln/version_int.h"

#define SCHEME "composer"
#define NORM_CAP (VERSION__MAX_LEN + 80)

/* ---- PHP's version_compare() ---- */

/* php_canonicalize_version: '-', '_', '+' and other non-alphanumerics
 * become '.', and a '.' goes between digit and non-digit runs. */
static size_t php_canon(char *out, const char *s, size_t n)
{
	size_t o = 0;
	char lp;

	if (n == 0) {
		out[0] = '\0';
		return 0;
	}
	out[o++] = lp = s[0];
	for (size_t i = 1; i < n; i++) {
		char c = s[i], lq = out[o - 1];
		int dig_c = version__isdigit((unsigned char)c), dig_lp = version__isdigit((unsigned char)lp);
		if (c == '-' || c == '_' || c == '+') {
			if (lq != '.')
				out[o++] = '.';
		} else if ((lp != '.' && !dig_lp && dig_c) || (dig_lp && c != '.' && !dig_c)) {
			if (lq != '.')
				out[o++] = '.';
			out[o++] = c;
		} else if (!version__isalnum((unsigned char)c)) {
			if (lq != '.')
				out[o++] = '.';
		} else {
			out[o++] = c;
		}
		lp = c;
	}
	out[o] = '\0';
	return o;
}

static int php_special(const char *e, size_t n)
{
	static const struct {
		const char *name;
		int order;
	} forms[] = {
		{"dev", 0}, {"alpha", 1}, {"a", 1}, {"beta", 2}, {"b", 2}, {"RC", 3},
		{"rc", 3},  {"#", 4},     {"pl", 5}, {"p", 5},
	};
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		size_t l = strlen(forms[i].name);
		if (n >= l && memcmp(e, forms[i].name, l) == 0)
			return forms[i].order;
	}
	return -1;
}

static int sign(int x) { return x < 0 ? -1 : x > 0; }

static int php_vcmp(const char *o1, const char *o2, int depth)
{
	char c1[2 * NORM_CAP + 4], c2[2 * NORM_CAP + 4];
	const char *p1, *p2;
	size_t n1len, n2len, i = 0, j = 0;
	int more1 = 1, more2 = 1, compare = 0;

	if (!*o1 || !*o2)
		return (!*o1 && !*o2) ? 0 : (*o1 ? 1 : -1);
	if (depth > 4)
		return 0;
	n1len = strlen(o1);
	n2len = strlen(o2);
	if (n1len > NORM_CAP || n2len > NORM_CAP)
		return 0;
	if (o1[0] == '#')
		memcpy(c1, o1, (n1len = strlen(o1)) + 1);
	else
		n1len = php_canon(c1, o1, n1len);
	if (o2[0] == '#')
		memcpy(c2, o2, (n2len = strlen(o2)) + 1);
	else
		n2len = php_canon(c2, o2, n2len);
	p1 = c1;
	p2 = c2;

	while (i < n1len && j < n2len && more1 && more2) {
		size_t e1 = i, e2 = j;
		while (e1 < n1len && c1[e1] != '.')
			e1++;
		while (e2 < n2len && c2[e2] != '.')
			e2++;
		more1 = e1 < n1len;
		more2 = e2 < n2len;
		p1 = c1 + i;
		p2 = c2 + j;
		if (version__isdigit((unsigned char)*p1) && version__isdigit((unsigned char)*p2))
			compare = version__numcmp(p1, e1 - i, p2, e2 - j);
		else if (!version__isdigit((unsigned char)*p1) && !version__isdigit((unsigned char)*p2))
			compare = sign(php_special(p1, e1 - i) - php_special(p2, e2 - j));
		else if (version__isdigit((unsigned char)*p1))
			compare = sign(4 - php_special(p2, e2 - j));
		else
			compare = sign(php_special(p1, e1 - i) - 4);
		if (compare != 0)
			break;
		if (more1)
			i = e1 + 1;
		if (more2)
			j = e2 + 1;
	}
	if (compare == 0) {
		if (more1 && i < n1len) {
			compare = version__isdigit((unsigned char)c1[i]) ? 1 : php_vcmp(c1 + i, "#N#", depth + 1);
		} else if (more2 && j < n2len) {
			compare = version__isdigit((unsigned char)c2[j]) ? -1 : php_vcmp("#N#", c2 + j, depth + 1);
		}
	}
	return compare;
}

/* ---- VersionParser::normalize ---- */

/* What versionRegex / the classic pattern captures. */
struct cver {
	const char *num[4];
	size_t numn[4];
	int nnum;
	const char *stab, *stabnum; /* stability word and its number text */
	size_t stabn, stabnumn;
	int dev;
	int xdev; /* a range's version ends in ".x-dev" (versionRegex's last group) */
};

static size_t word_at(const char *s, size_t n, size_t i, const char *w)
{
	size_t l = strlen(w);
	return (n - i >= l && version__casecmp(s + i, l, w, l) == 0) ? l : 0;
}

/* modifierRegex at s[i..n): [._-]?(?:(stab)((?:[.-]?\d+)*+)?)?([.-]?dev)?
 * and, with build, (?:\+[^\s]+)?, up to the end. */
static int mod_match(struct cver *m, const char *s, size_t n, size_t i, int build)
{
	static const char *const stabs[] = {"stable", "beta", "b", "RC", "alpha", "a", "patch", "pl", "p", NULL};
	int has_sep = i < n && strchr("._-", s[i]) != NULL;

	for (int sep = has_sep; sep >= 0; sep--) {
		for (int w = 0; w < 10; w++) {
			size_t j = i + (size_t)sep, l = 0;
			m->stab = m->stabnum = NULL;
			m->stabn = m->stabnumn = 0;
			m->dev = 0;
			if (stabs[w]) {
				if (!(l = word_at(s, n, j, stabs[w])))
					continue;
				m->stab = s + j;
				m->stabn = l;
				j += l;
				m->stabnum = s + j;
				for (;;) {
					size_t k = j;
					if (k < n && (s[k] == '.' || s[k] == '-'))
						k++;
					if (k < n && version__isdigit((unsigned char)s[k])) {
						while (k < n && version__isdigit((unsigned char)s[k]))
							k++;
						j = k;
					} else {
						break;
					}
				}
				m->stabnumn = (size_t)(s + j - m->stabnum);
			}
			if (j < n && (s[j] == '.' || s[j] == '-') && word_at(s, n, j + 1, "dev")) {
				m->dev = 1;
				j += 4;
			} else if (word_at(s, n, j, "dev")) {
				m->dev = 1;
				j += 3;
			}
			if (build && j + 1 < n && s[j] == '+') {
				size_t k;
				for (k = j + 1; k < n && !version__isspace((unsigned char)s[k]); k++)
					;
				if (k == n)
					j = n;
			}
			if (j == n)
				return 1;
		}
	}
	return 0;
}

/* v?(\d{1,maxfirst})(\.\d+)?(\.\d+)?(\.\d+)? modifiers, all of s. */
static int classic_match(struct cver *m, const char *s, size_t n, size_t maxfirst, int build)
{
	size_t i = 0, j;

	memset(m, 0, sizeof(*m));
	if (i < n && (s[i] == 'v' || s[i] == 'V'))
		i++;
	for (int k = 0; k < 4; k++) {
		size_t at = i;
		if (k > 0) {
			if (!(i + 1 < n && s[i] == '.' && version__isdigit((unsigned char)s[i + 1])))
				break;
			at = i + 1;
		}
		for (j = at; j < n && version__isdigit((unsigned char)s[j]); j++)
			;
		if (j == at || (k == 0 && maxfirst && j - at > maxfirst))
			return 0;
		m->num[k] = s + at;
		m->numn[k] = j - at;
		m->nnum = k + 1;
		i = j;
	}
	return mod_match(m, s, n, i, build);
}

static int put(char *out, size_t *o, const char *s, size_t n)
{
	if (*o + n + 1 > NORM_CAP)
		return customs__error(CUSTOMS_ELIMIT, SCHEME ": normalised version too long");
	memcpy(out + *o, s, n);
	*o += n;
	out[*o] = '\0';
	return 0;
}

/* The modifiers of a matched version: -<stability><n>[-dev]. */
static int put_mods(char *out, size_t *o, const struct cver *m)
{
	int err;
	if (m->stab) {
		const char *st = m->stab, *num = m->stabnum;
		size_t stn = m->stabn, numn = m->stabnumn;
		if (version__eqword(st, stn, "stable") && memcmp(st, "stable", 6) == 0)
			return 0;
		if (version__eqword(st, stn, "a"))
			st = "alpha", stn = 5;
		else if (version__eqword(st, stn, "b"))
			st = "beta", stn = 4;
		else if (version__eqword(st, stn, "p") || version__eqword(st, stn, "pl"))
			st = "patch", stn = 5;
		else if (version__eqword(st, stn, "rc"))
			st = "RC", stn = 2;
		while (numn && (*num == '.' || *num == '-'))
			num++, numn--;
		if ((err = put(out, o, "-", 1)) < 0)
			return err;
		for (size_t i = 0; i < stn; i++) {
			char c = (st[0] == 'R' && stn == 2) ? st[i] : (char)version__tolower((unsigned char)st[i]);
			if ((err = put(out, o, &c, 1)) < 0)
				return err;
		}
		if ((err = put(out, o, num, numn)) < 0)
			return err;
	}
	if (m->dev && (err = put(out, o, "-dev", 4)) < 0)
		return err;
	return 0;
}

static int is_stability(const char *s, size_t n)
{
	return version__eqword(s, n, "stable") || version__eqword(s, n, "RC") || version__eqword(s, n, "beta") ||
	       version__eqword(s, n, "alpha") || version__eqword(s, n, "dev");
}

/* VersionParser::normalizeBranch for the part before "-dev". */
static int norm_branch(char *out, const char *s, size_t n)
{
	size_t i = 0, o = 0;
	int k, err;

	out[0] = '\0';
	if (i < n && (s[i] == 'v' || s[i] == 'V'))
		i++;
	for (k = 0; k < 4; k++) {
		size_t j = i;
		if (k > 0) {
			if (i == n)
				break;
			if (s[i] != '.')
				return 0;
			j = ++i;
		}
		if (k > 0 && i < n && (s[i] == 'x' || s[i] == 'X' || s[i] == '*')) {
			if ((err = put(out, &o, ".9999999", 8)) < 0)
				return err;
			i++;
			continue;
		}
		while (j < n && version__isdigit((unsigned char)s[j]))
			j++;
		if (j == i)
			return 0;
		if ((k > 0 && (err = put(out, &o, ".", 1)) < 0) || (err = put(out, &o, s + i, j - i)) < 0)
			return err;
		i = j;
	}
	if (i != n)
		return 0;
	for (; k < 4; k++)
		if ((err = put(out, &o, ".9999999", 8)) < 0)
			return err;
	if ((err = put(out, &o, "-dev", 4)) < 0)
		return err;
	return 1;
}

/* Composer's date versions, \d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3}){0,2}
 * and the modifiers to the end, matched with the regex's backtracking:
 * groups (g2 pairs so far, g3 short numbers so far) from s[i]. */
static int date_groups(struct cver *m, const char *s, size_t n, size_t i, int g2, int g3, size_t *end)
{
	size_t j = i < n && strchr(".:-", s[i]) ? i + 1 : i;

	/* PCRE tries the longest first: another group, then the rest */
	for (int sep = j > i; sep >= 0; sep--) {
		size_t k = sep ? j : i;
		if (g3 == 0 && g2 < 6 && k + 2 <= n && version__isdigit((unsigned char)s[k]) &&
		    version__isdigit((unsigned char)s[k + 1]) && date_groups(m, s, n, k + 2, g2 + 1, 0, end))
			return 1;
		if (g2 >= 1 && g3 < 2)
			for (size_t d = 3; d >= 1; d--) {
				size_t t;
				for (t = 0; t < d && k + t < n && version__isdigit((unsigned char)s[k + t]); t++)
					;
				if (t == d && date_groups(m, s, n, k + d, g2, g3 + 1, end))
					return 1;
			}
	}
	if (g2 >= 1 && mod_match(m, s, n, i, 0)) {
		*end = i;
		return 1;
	}
	return 0;
}

static int date_match(struct cver *m, const char *s, size_t n, size_t *date_start, size_t *date_end)
{
	size_t i = 0;

	memset(m, 0, sizeof(*m));
	if (i < n && (s[i] == 'v' || s[i] == 'V'))
		i++;
	*date_start = i;
	for (size_t k = 0; k < 4; k++)
		if (i + k >= n || !version__isdigit((unsigned char)s[i + k]))
			return 0;
	return date_groups(m, s, n, i + 4, 0, 0, date_end);
}

/* VersionParser::normalize into out (NORM_CAP bytes). */
static int c_normalize(char *out, const char *s, size_t n, const char *what, const char *ws, size_t wn)
{
	struct cver m;
	size_t o = 0, i, a0, a1, ds, de;
	int err;

	out[0] = '\0';
	version__trim(&s, &n);
	if (n == 0)
		return version__bad(SCHEME, what, ws, wn, "empty version");
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return version__bad(SCHEME, what, ws, wn, "invalid byte 0x%02x", (unsigned char)s[i]);
	/* "1.0.x-dev as 1.0.0": the version before "as" */
	for (a0 = 0; a0 < n && !version__isspace((unsigned char)s[a0]); a0++)
		;
	if (a0 < n) {
		for (a1 = a0; a1 < n && version__isspace((unsigned char)s[a1]); a1++)
			;
		if (a1 + 2 < n && (s[a1] == 'a' || s[a1] == 'A') && (s[a1 + 1] == 's' || s[a1 + 1] == 'S') &&
		    version__isspace((unsigned char)s[a1 + 2]))
			n = a0;
	}
	/* "@stability" flag */
	for (i = n; i > 0 && s[i - 1] != '@'; i--)
		;
	if (i > 0 && is_stability(s + i, n - i))
		n = i - 1;
	if (n == 0)
		return version__bad(SCHEME, what, ws, wn, "no version before the stability flag");
	if (version__eqword(s, n, "master") || version__eqword(s, n, "trunk") || version__eqword(s, n, "default")) {
		if ((err = put(out, &o, "dev-", 4)) < 0 || (err = put(out, &o, s, n)) < 0)
			return err;
		return 0;
	}
	if (n >= 4 && version__casecmp(s, 4, "dev-", 4) == 0) {
		if ((err = put(out, &o, "dev-", 4)) < 0 || (err = put(out, &o, s + 4, n - 4)) < 0)
			return err;
		return 0;
	}
	/* build metadata */
	for (i = 0; i < n && s[i] != '+'; i++)
		;
	if (i > 0 && i + 1 < n) {
		size_t k;
		for (k = 0; k < n && !version__isspace((unsigned char)s[k]) && (k >= i || s[k] != ','); k++)
			;
		if (k == n)
			n = i;
	}

	if (classic_match(&m, s, n, 5, 0)) {
		for (int k = 0; k < 4; k++) {
			if (k > 0 && (err = put(out, &o, ".", 1)) < 0)
				return err;
			if ((err = put(out, &o, k < m.nnum ? m.num[k] : "0", k < m.nnum ? m.numn[k] : 1)) < 0)
				return err;
		}
		return put_mods(out, &o, &m);
	}
	if (date_match(&m, s, n, &ds, &de)) {
		for (i = ds; i < de; i++) {
			char c = version__isdigit((unsigned char)s[i]) ? s[i] : '.';
			if ((err = put(out, &o, &c, 1)) < 0)
				return err;
		}
		return put_mods(out, &o, &m);
	}
	/* a numbered branch: "2.1.x-dev", "2.x-dev" */
	if (n >= 3 && version__casecmp(s + n - 3, 3, "dev", 3) == 0) {
		size_t b = n - 3;
		if (b > 0 && (s[b - 1] == '.' || s[b - 1] == '-'))
			b--;
		if ((err = norm_branch(out, s, b)) < 0)
			return err;
		if (err == 1)
			return 0;
	}
	return version__bad(SCHEME, what, ws, wn, "not a version Composer can normalise");
}

static int is_branch(const char *v) { return strncmp(v, "dev-", 4) == 0; }

/* Semver::sort's normalizeDefaultBranch: the default branches sort last. */
static void default_branch(char *v)
{
	if (!strcmp(v, "dev-master") || !strcmp(v, "dev-default") || !strcmp(v, "dev-trunk"))
		strcpy(v, "9999999-dev");
}

/* Ordered as Composer's Semver::sort orders: PHP's version_compare() of
 * the normal forms, the default branch as 9999999-dev; two other branches
 * have no order (Comparator answers false both ways), so comparing them is
 * an error unless they are the same branch. */
static int composer_cmpn(const char *a, size_t an, const char *b, size_t bn, int *out)
{
	char x[NORM_CAP], y[NORM_CAP];
	int err;

	if ((err = c_normalize(x, a, an, "version", a, an)) < 0 || (err = c_normalize(y, b, bn, "version", b, bn)) < 0)
		return err;
	default_branch(x);
	default_branch(y);
	if (is_branch(x) && is_branch(y) && strcmp(x, y) != 0)
		return customs__error(CUSTOMS_EFORMAT, SCHEME ": branches \"%s\" and \"%s\" have no order", x, y);
	*out = php_vcmp(x, y, 0);
	return 0;
}

static int composer_valid(const char *s, size_t n)
{
	char x[NORM_CAP];
	return c_normalize(x, s, n, "version", s, n);
}

/* ---- constraints ---- */

enum { K_EQ, K_NE, K_LT, K_LE, K_GT, K_GE };

/* Constraint::versionCompare: dev branches only equal themselves. */
static int c_holds(const char *cand, const char *ver, int op)
{
	int ab = is_branch(cand), bb = is_branch(ver), r;

	if (op == K_NE && (ab || bb))
		return strcmp(cand, ver) != 0;
	if (ab && bb)
		return op == K_EQ && strcmp(cand, ver) == 0;
	if (ab || bb)
		return 0;
	r = php_vcmp(cand, ver, 0);
	switch (op) {
	case K_EQ: return r == 0;
	case K_NE: return r != 0;
	case K_LT: return r < 0;
	case K_LE: return r <= 0;
	case K_GT: return r > 0;
	default: return r >= 0;
	}
}

/* manipulateVersionString: numbers after position become 0, the one at
 * position is incremented when inc. */
static int c_manip(char *out, const struct cver *m, int position, int inc)
{
	size_t o = 0;
	int err;

	out[0] = '\0';
	for (int k = 1; k <= 4; k++) {
		char num[VERSION__MAX_LEN + 4];
		const char *d = k <= m->nnum ? m->num[k - 1] : "";
		size_t dn = k <= m->nnum ? m->numn[k - 1] : 0;
		if (k > 1 && (err = put(out, &o, ".", 1)) < 0)
			return err;
		if (k > position) {
			d = "0";
			dn = 1;
		} else if (k == position && inc) {
			if ((err = version__incr(num, sizeof(num), d, dn)) < 0)
				return err;
			d = num;
			dn = strlen(num);
		}
		if ((err = put(out, &o, d, dn)) < 0)
			return err;
	}
	return 0;
}

struct c_eval {
	const char *cand;
	const char *c; /* constraint, for messages */
	size_t cn;
	int pass;
};

static void c_test(struct c_eval *ev, const char *ver, int op)
{
	ev->pass = ev->pass && c_holds(ev->cand, ver, op);
}

/* versionRegex's other ending: up to three numbers, then ".x-dev" (or
 * ".*dev", ".X.dev"), and build metadata. */
static int xdev_match(struct cver *m, const char *s, size_t n)
{
	size_t i = (n && (s[0] == 'v' || s[0] == 'V')) ? 1 : 0, j;

	memset(m, 0, sizeof(*m));
	for (int k = 0; k < 4; k++) {
		if (k > 0) {
			if (i + 1 >= n || s[i] != '.')
				return 0;
			if (strchr("xX*", s[i + 1]))
				break;
			i++;
		}
		for (j = i; j < n && version__isdigit((unsigned char)s[j]); j++)
			;
		if (j == i)
			return 0;
		m->num[k] = s + i;
		m->numn[k] = j - i;
		m->nnum = k + 1;
		i = j;
	}
	if (!(i + 1 < n && s[i] == '.' && strchr("xX*", s[i + 1])))
		return 0;
	i += 2;
	if (i < n && (s[i] == '.' || s[i] == '-'))
		i++;
	if (!word_at(s, n, i, "dev"))
		return 0;
	i += 3;
	m->xdev = 1;
	return i == n || (s[i] == '+' && i + 1 < n);
}

/* A version after ~ or ^, or in a hyphen range (versionRegex). */
static int c_range_version(struct cver *m, const char *s, size_t n, const struct c_eval *ev)
{
	if (!classic_match(m, s, n, 0, 1) && !xdev_match(m, s, n))
		return version__bad(SCHEME, "constraint", ev->c, ev->cn, "\"%.*s\" is not a version", (int)n, s);
	return 0;
}

static int c_append_norm(char *out, const char *s, size_t n, const char *suffix, const struct c_eval *ev)
{
	char tmp[NORM_CAP];
	size_t sl = strlen(suffix);
	if (n + sl + 1 > sizeof(tmp))
		return customs__error(CUSTOMS_ELIMIT, SCHEME ": constraint version too long");
	memcpy(tmp, s, n);
	memcpy(tmp + n, suffix, sl + 1);
	return c_normalize(out, tmp, n + sl, "constraint", ev->c, ev->cn);
}

static int c_dev(char *buf)
{
	size_t n = strlen(buf);
	if (n + 5 > NORM_CAP)
		return customs__error(CUSTOMS_ELIMIT, SCHEME ": constraint version too long");
	memcpy(buf + n, "-dev", 5);
	return 0;
}

static int c_tilde_caret(struct c_eval *ev, int caret, const char *s, size_t n)
{
	char low[NORM_CAP], high[NORM_CAP];
	struct cver m;
	int err, position;

	if ((err = c_range_version(&m, s, n, ev)) < 0)
		return err;
	if (caret) {
		if (!version__eqword(m.num[0], m.numn[0], "0") || m.nnum < 2)
			position = 1;
		else if (!version__eqword(m.num[1], m.numn[1], "0") || m.nnum < 3)
			position = 2;
		else
			position = 3;
	} else {
		/* "~2.x-dev" works at the place of the x */
		position = m.nnum + m.xdev;
		position = position - 1 < 1 ? 1 : position - 1;
	}
	if ((err = c_append_norm(low, s, n, (!m.stab && !m.dev && !m.xdev) ? "-dev" : "", ev)) < 0 ||
	    (err = c_manip(high, &m, position, 1)) < 0 || (err = c_dev(high)) < 0)
		return err;
	c_test(ev, low, K_GE);
	c_test(ev, high, K_LT);
	return 0;
}

static int c_hyphen(struct c_eval *ev, const char *f, size_t fn, const char *t, size_t tn)
{
	char low[NORM_CAP], high[NORM_CAP];
	struct cver mf, mt;
	int err;

	if ((err = c_range_version(&mf, f, fn, ev)) < 0 || (err = c_range_version(&mt, t, tn, ev)) < 0)
		return err;
	if ((err = c_normalize(low, f, fn, "constraint", ev->c, ev->cn)) < 0)
		return err;
	if (!mf.stab && !mf.dev && !mf.xdev && (err = c_dev(low)) < 0)
		return err;
	c_test(ev, low, K_GE);
	if ((mt.nnum >= 3) || mt.stab || mt.dev || mt.xdev) {
		if ((err = c_normalize(high, t, tn, "constraint", ev->c, ev->cn)) < 0)
			return err;
		c_test(ev, high, K_LE);
	} else {
		if ((err = c_manip(high, &mt, mt.nnum < 2 ? 1 : 2, 1)) < 0 || (err = c_dev(high)) < 0)
			return err;
		c_test(ev, high, K_LT);
	}
	return 0;
}

/* 1 if s[i..n) is [xX*](.[xX*])* */
static int c_xs(const char *s, size_t n, size_t i)
{
	if (i >= n)
		return 0;
	for (;;) {
		if (!strchr("xX*", s[i]))
			return 0;
		if (++i == n)
			return 1;
		if (s[i] != '.' || ++i == n)
			return 0;
	}
}

/* One comparator token: op text and version text. */
static int c_comparator(struct c_eval *ev, const char *op, size_t opn, const char *s, size_t n)
{
	char ver[NORM_CAP];
	size_t i;
	int err, k;

	/* "@stability" flags: ignored; a bare flag means "*" */
	for (i = n; i > 0 && s[i - 1] != '@'; i--)
		;
	if (i > 0 && is_stability(s + i, n - i))
		n = i - 1;
	if (opn == 0 && n == 0)
		return 0;
	if (n == 0)
		return version__bad(SCHEME, "constraint", ev->c, ev->cn, "operator \"%.*s\" has no version", (int)opn, op);

	if (opn == 0 || (opn == 1 && (op[0] == '~' || op[0] == '^'))) {
		/* v?[xX*](.[xX*])* matches everything */
		if (c_xs(s, n, (s[0] == 'v' || s[0] == 'V') ? 1 : 0))
			return 0;
	}
	if (opn == 2 && op[0] == '~' && op[1] == '>')
		return version__bad(SCHEME, "constraint", ev->c, ev->cn, "\"~>\" is not a Composer operator (use ~)");
	if (opn == 1 && (op[0] == '~' || op[0] == '^'))
		return c_tilde_caret(ev, op[0] == '^', s, n);
	if (opn == 0) {
		/* x-range: v?N(.N)?(.N)?(.[xX*])+ */
		struct cver m;
		size_t j = (s[0] == 'v' || s[0] == 'V') ? 1 : 0;
		memset(&m, 0, sizeof(m));
		while (m.nnum < 3) {
			size_t e = j;
			while (e < n && version__isdigit((unsigned char)s[e]))
				e++;
			if (e == j || e + 1 >= n || s[e] != '.')
				break;
			m.num[m.nnum] = s + j;
			m.numn[m.nnum++] = e - j;
			j = e + 1;
			if (strchr("xX*", s[j]))
				break;
		}
		if (m.nnum > 0 && j < n && strchr("xX*", s[j]) && c_xs(s, n, j)) {
			char low[NORM_CAP], high[NORM_CAP];
			if ((err = c_manip(low, &m, m.nnum, 0)) < 0 || (err = c_manip(high, &m, m.nnum, 1)) < 0 ||
			    (err = c_dev(low)) < 0 || (err = c_dev(high)) < 0)
				return err;
			if (strcmp(low, "0.0.0.0-dev") != 0)
				c_test(ev, low, K_GE);
			c_test(ev, high, K_LT);
			return 0;
		}
	}
	if (opn == 0 || (opn == 1 && op[0] == '=') || (opn == 2 && op[0] == '=' && op[1] == '='))
		k = K_EQ;
	else if (opn == 2 && ((op[0] == '!' && op[1] == '=') || (op[0] == '<' && op[1] == '>')))
		k = K_NE;
	else if (opn == 1 && op[0] == '<')
		k = K_LT;
	else if (opn == 2 && op[0] == '<' && op[1] == '=')
		k = K_LE;
	else if (opn == 1 && op[0] == '>')
		k = K_GT;
	else if (opn == 2 && op[0] == '>' && op[1] == '=')
		k = K_GE;
	else
		return version__bad(SCHEME, "constraint", ev->c, ev->cn, "unknown operator \"%.*s\"", (int)opn, op);
	if ((err = c_normalize(ver, s, n, "constraint", ev->c, ev->cn)) < 0)
		return err;
	if ((k == K_LT || k == K_GE) && !is_branch(ver)) {
		/* "<2.0" means below 2.0's first dev build */
		static const char *const stab[] = {"-stable", "-beta", "-alpha", "-dev"};
		int has = 0;
		for (size_t q = 0; q < 4; q++) {
			size_t l = strlen(stab[q]);
			if (n >= l && version__casecmp(s + n - l, l, stab[q], l) == 0)
				has = 1;
		}
		if (!has && (err = c_dev(ver)) < 0)
			return err;
	}
	c_test(ev, ver, k);
	return 0;
}

/* One alternative (between "||"): a hyphen range or comparators. */
static int c_and(struct c_eval *ev, const char *s, size_t n, size_t *terms)
{
	size_t i = 0, t0, t1, t2, t3, t4, t5, e;

	/* "A - B" */
	for (t0 = 0; t0 < n && version__isspace((unsigned char)s[t0]); t0++)
		;
	for (t1 = t0; t1 < n && !version__isspace((unsigned char)s[t1]); t1++)
		;
	for (t2 = t1; t2 < n && version__isspace((unsigned char)s[t2]); t2++)
		;
	t3 = t2 + 1;
	for (t4 = t3; t4 < n && version__isspace((unsigned char)s[t4]); t4++)
		;
	for (t5 = t4; t5 < n && !version__isspace((unsigned char)s[t5]); t5++)
		;
	for (e = t5; e < n && version__isspace((unsigned char)s[e]); e++)
		;
	if (t1 > t0 && t2 > t1 && t2 < n && s[t2] == '-' && t4 > t3 && t5 > t4 && e == n)
		return c_hyphen(ev, s + t0, t1 - t0, s + t4, t5 - t4);
	/* "dev-master as 1.0.0": an alias in a requirement; the version before "as" */
	if (t1 > t0 && t2 > t1 && t2 + 2 < n && word_at(s, n, t2, "as") && version__isspace((unsigned char)s[t2 + 2])) {
		const char *f = s + t0;
		for (t3 = t2 + 2; t3 < n && version__isspace((unsigned char)s[t3]); t3++)
			;
		for (t4 = t3; t4 < n && !version__isspace((unsigned char)s[t4]); t4++)
			;
		for (e = t4; e < n && version__isspace((unsigned char)s[e]); e++)
			;
		if (t4 > t3 && e == n)
			return c_comparator(ev, "", 0, f, t1 - t0);
	}
	/* Composer splits on one ',' between comparators: none first or last, never two */
	for (size_t k = 0, last = 1; k < n; k++) { /* last: the comparator before is missing */
		if (version__isspace((unsigned char)s[k]))
			continue;
		if (s[k] == ',' && last)
			return version__bad(SCHEME, "constraint", ev->c, ev->cn, "a ',' with no comparator before it");
		last = s[k] == ',';
	}
	for (e = n; e > 0 && version__isspace((unsigned char)s[e - 1]); e--)
		;
	if (e > 0 && s[e - 1] == ',')
		return version__bad(SCHEME, "constraint", ev->c, ev->cn, "a ',' with no comparator after it");

	for (;;) {
		const char *op, *v;
		size_t opn, vn;
		int err;

		while (i < n && (version__isspace((unsigned char)s[i]) || s[i] == ','))
			i++;
		if (i == n)
			return 0;
		op = s + i;
		while (i < n && strchr("<>=!~^", s[i]))
			i++;
		opn = (size_t)(s + i - op);
		while (i < n && version__isspace((unsigned char)s[i]))
			i++;
		v = s + i;
		while (i < n && !version__isspace((unsigned char)s[i]) && s[i] != ',')
			i++;
		vn = (size_t)(s + i - v);
		if (++*terms > VERSION__MAX_TERMS)
			return customs__error(CUSTOMS_ELIMIT, SCHEME " constraint: more than %d comparators",
					      VERSION__MAX_TERMS);
		if ((err = c_comparator(ev, op, opn, v, vn)) < 0)
			return err;
	}
}

static int composer_satisfies(const char *version, size_t vn, const char *constraint, size_t cn, int *out)
{
	char cand[NORM_CAP];
	struct c_eval ev;
	size_t i = 0, terms = 0;
	int err, any = 0;

	if ((err = c_normalize(cand, version, vn, "version", version, vn)) < 0)
		return err;
	ev.cand = cand;
	ev.c = constraint;
	ev.cn = cn;
	for (;;) {
		size_t j = i, k;
		while (j < cn && constraint[j] != '|')
			j++;
		for (k = i; k < j && version__isspace((unsigned char)constraint[k]); k++)
			;
		if (k == j)
			return version__bad(SCHEME, "constraint", constraint, cn, "empty alternative");
		ev.pass = 1;
		if ((err = c_and(&ev, constraint + i, j - i, &terms)) < 0)
			return err;
		any |= ev.pass;
		if (j == cn)
			break;
		i = j + 1;
		if (i < cn && constraint[i] == '|')
			i++;
	}
	*out = any;
	return 0;
}

const customs_version_scheme version__composer = {
	CUSTOMS_VERSION_SCHEME_VERSION, SCHEME, composer_cmpn, composer_valid, composer_satisfies,
};
