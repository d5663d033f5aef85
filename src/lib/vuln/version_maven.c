/* version_maven.c - Maven versions as org.apache.maven.artifact.versioning.
 * ComparableVersion (Maven 3.9) orders them, per the POM reference "Version
 * Order Specification": items split on '.', '-' and digit/letter
 * transitions, a '-' or a transition opening a sub-list; qualifiers
 * alpha=a < beta=b < milestone=m < rc=cr < snapshot < "" = ga = final =
 * release < sp < unknown (lexical), a/b/m abbreviating only before a digit;
 * trailing "null" items (0, "", empty lists) trimmed at each level.
 * Maven reads any text: a character that is not an ASCII digit (UTF-8
 * included, as Maven 4 has it) is a letter, folded as Java's
 * toLowerCase(Locale.ENGLISH) folds it, one code point at a time.
 * Constraints are Maven's interval notation, unions included. */
#include <locale.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <wctype.h>

#include "util/util.h"
#include "vuln/version_int.h"

#define SCHEME "maven"
#define MAVEN_MAX_LEN 256 /* Maven 4 refuses longer versions */
#define MAX_NODES (2 * MAVEN_MAX_LEN + 4)
#define MAX_DEPTH (MAVEN_MAX_LEN + 4)

enum { N_INT, N_STR, N_LIST };

struct mnode {
	const char *s; /* N_INT: digits without leading zeros; N_STR: qualifier */
	uint16_t n;
	uint8_t type;
	uint8_t dead; /* removed by normalisation */
	int16_t first, last, next;
};

struct mver {
	char buf[2 * MAVEN_MAX_LEN + 1]; /* lower-cased copy: folding may lengthen a character by half */
	struct mnode node[MAX_NODES];
	int count;
};

static const char *const qualifiers[] = {"alpha", "beta", "milestone", "rc", "snapshot", "", "sp"};
#define RELEASE_INDEX 5

static int m_add(struct mver *v, int list, int type, const char *s, size_t n)
{
	struct mnode *nd;
	int id;

	if (v->count >= MAX_NODES)
		return -1;
	id = v->count++;
	nd = &v->node[id];
	nd->s = s;
	nd->n = (uint16_t)n;
	nd->type = (uint8_t)type;
	nd->dead = 0;
	nd->first = nd->last = nd->next = -1;
	if (list >= 0) {
		struct mnode *l = &v->node[list];
		if (l->last >= 0)
			v->node[l->last].next = (int16_t)id;
		else
			l->first = (int16_t)id;
		l->last = (int16_t)id;
	}
	return id;
}

static int m_list_empty(const struct mver *v, int list)
{
	for (int c = v->node[list].first; c >= 0; c = v->node[c].next)
		if (!v->node[c].dead)
			return 0;
	return 1;
}

/* A qualifier after alias resolution. */
static void m_qualifier(const char **s, size_t *n, int followed_by_digit)
{
	if (followed_by_digit && *n == 1) {
		if (**s == 'a')
			*s = "alpha", *n = 5;
		else if (**s == 'b')
			*s = "beta", *n = 4;
		else if (**s == 'm')
			*s = "milestone", *n = 9;
	}
	if (version__eqword(*s, *n, "cr"))
		*s = "rc", *n = 2;
	else if (version__eqword(*s, *n, "ga") || version__eqword(*s, *n, "final") || version__eqword(*s, *n, "release"))
		*s = "", *n = 0;
}

static int m_qindex(const char *s, size_t n)
{
	for (int i = 0; i < 7; i++)
		if (version__eqword(s, n, qualifiers[i]))
			return i;
	return -1;
}

static int m_item(struct mver *v, int list, int digit, const char *s, size_t n, int followed_by_digit)
{
	if (digit) {
		version__skipzeros(&s, &n);
		return m_add(v, list, N_INT, s, n);
	}
	m_qualifier(&s, &n, followed_by_digit);
	return m_add(v, list, N_STR, s, n);
}

static int m_isnull(const struct mver *v, int id)
{
	const struct mnode *nd = &v->node[id];
	switch (nd->type) {
	case N_INT: return version__iszero(nd->s, nd->n);
	case N_STR: return m_qindex(nd->s, nd->n) == RELEASE_INDEX;
	default: return m_list_empty(v, id);
	}
}

/* Trailing null items go, scanning back over sub-lists too. */
static void m_normalize(struct mver *v, int list)
{
	int items[MAX_NODES], n = 0;

	for (int c = v->node[list].first; c >= 0; c = v->node[c].next)
		if (!v->node[c].dead)
			items[n++] = c;
	for (int i = n - 1; i >= 0; i--) {
		if (m_isnull(v, items[i]))
			v->node[items[i]].dead = 1;
		else if (v->node[items[i]].type != N_LIST)
			break;
	}
}

/* ---- case folding ---- */

static locale_t utf8_loc;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void utf8_init(void)
{
	utf8_loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

/* Java's toLowerCase(Locale.ENGLISH) of one code point: Unicode's simple
 * mapping (C.UTF-8's towlower); without that locale, ASCII only. */
static uint32_t m_lower(uint32_t c)
{
	if (c < 0x80)
		return (uint32_t)version__tolower((int)c);
	pthread_once(&utf8_once, utf8_init);
	return utf8_loc ? (uint32_t)towlower_l((wint_t)c, utf8_loc) : c;
}

/* s[0..n), well-formed UTF-8 without ASCII controls or blanks, folded
 * into out (2n + 1 bytes). */
static int m_fold(char *out, const char *s, size_t n)
{
	size_t i = 0, o = 0;

	while (i < n) {
		const unsigned char *u = (const unsigned char *)s + i;
		uint32_t c;
		size_t len = customs_utf8_decode(u, n - i, &c);
		if (len == 0 || (len == 1 && (u[0] < 0x21 || u[0] == 0x7f)))
			return version__bad(SCHEME, "version", s, n, "invalid byte 0x%02x at offset %zu", u[0], i);
		o += customs_utf8_encode(out + o, m_lower(c));
		i += len;
	}
	out[o] = '\0';
	return 0;
}

static int m_parse(struct mver *v, const char *s, size_t n)
{
	int stack[MAX_DEPTH], depth = 0, list, digit = 0, bad = 0, err;
	size_t start = 0, i;

	if (n == 0)
		return version__bad(SCHEME, "version", s, n, "empty version");
	if (n > MAVEN_MAX_LEN)
		return version__bad(SCHEME, "version", s, n, "longer than %d bytes", MAVEN_MAX_LEN);
	if ((err = m_fold(v->buf, s, n)) < 0)
		return err;
	n = strlen(v->buf);
	v->count = 0;
	list = m_add(v, -1, N_LIST, NULL, 0);
	stack[depth++] = list;

#define NEWLIST()                                                   \
	do {                                                        \
		list = m_add(v, list, N_LIST, NULL, 0);             \
		if (list < 0 || depth >= MAX_DEPTH)                 \
			bad = 1;                                    \
		else                                                \
			stack[depth++] = list;                      \
	} while (0)

	const char *b = v->buf;
	for (i = 0; i < n && !bad; i++) {
		char c = b[i];
		if (c == '.' || c == '-') {
			if (i == start)
				bad |= m_add(v, list, N_INT, "0", 1) < 0;
			else
				bad |= m_item(v, list, digit, b + start, i - start, 0) < 0;
			start = i + 1;
			if (c == '-')
				NEWLIST();
		} else if (version__isdigit((unsigned char)c)) {
			if (!digit && i > start) {
				/* 1.0.0.X1 < 1.0.0-X2: ".X" counts as "-X" */
				if (!m_list_empty(v, list))
					NEWLIST();
				if (!bad)
					bad |= m_item(v, list, 0, b + start, i - start, 1) < 0;
				start = i;
				NEWLIST();
			}
			digit = 1;
		} else {
			if (digit && i > start) {
				bad |= m_item(v, list, 1, b + start, i - start, 0) < 0;
				start = i;
				NEWLIST();
			}
			digit = 0;
		}
	}
	if (!bad && n > start) {
		if (!digit && !m_list_empty(v, list))
			NEWLIST();
		if (!bad)
			bad |= m_item(v, list, digit, b + start, n - start, 0) < 0;
	}
#undef NEWLIST
	if (bad)
		return customs__error(CUSTOMS_ELIMIT, SCHEME " version: too many items");
	while (depth > 0)
		m_normalize(v, stack[--depth]);
	return 0;
}

static int m_next(const struct mver *v, int c)
{
	while (c >= 0 && v->node[c].dead)
		c = v->node[c].next;
	return c;
}

static int m_qcmp(const struct mnode *a, const char *bs, size_t bn)
{
	int ia = m_qindex(a->s, a->n), ib = m_qindex(bs, bn);
	if (ia >= 0 && ib >= 0)
		return ia == ib ? 0 : (ia < ib ? -1 : 1);
	if (ia >= 0 || ib >= 0)
		return ia >= 0 ? -1 : 1; /* known before unknown */
	return version__bytecmp(a->s, a->n, bs, bn);
}

/* Compare item a of x with item b of y (b < 0: no item). */
static int m_cmp(const struct mver *x, int a, const struct mver *y, int b, int depth)
{
	const struct mnode *na = &x->node[a];
	const struct mnode *nb = b >= 0 ? &y->node[b] : NULL;

	if (depth > MAX_DEPTH)
		return 0;
	switch (na->type) {
	case N_INT:
		if (!nb)
			return version__iszero(na->s, na->n) ? 0 : 1;
		if (nb->type == N_INT)
			return version__numcmp(na->s, na->n, nb->s, nb->n);
		return 1; /* 1.1 > 1-sp, 1.1 > 1-1 */
	case N_STR:
		if (!nb)
			return m_qcmp(na, "", 0);
		if (nb->type == N_STR)
			return m_qcmp(na, nb->s, nb->n);
		return -1; /* 1.any < 1.1, 1.any < 1-1 */
	default:
		if (!nb) {
			for (int c = m_next(x, na->first); c >= 0; c = m_next(x, x->node[c].next)) {
				int r = m_cmp(x, c, y, -1, depth + 1);
				if (r)
					return r;
			}
			return 0;
		}
		if (nb->type == N_INT)
			return -1; /* 1-1 < 1.0.x */
		if (nb->type == N_STR)
			return 1; /* 1-1 > 1-sp */
		for (int l = m_next(x, na->first), r = m_next(y, nb->first); l >= 0 || r >= 0;) {
			int res = l < 0 ? -m_cmp(y, r, x, -1, depth + 1) : m_cmp(x, l, y, r, depth + 1);
			if (res)
				return res;
			if (l >= 0)
				l = m_next(x, x->node[l].next);
			if (r >= 0)
				r = m_next(y, y->node[r].next);
		}
		return 0;
	}
}

static int maven_cmpn(const char *a, size_t an, const char *b, size_t bn, int *out)
{
	struct mver x, y;
	int err;

	if ((err = m_parse(&x, a, an)) < 0 || (err = m_parse(&y, b, bn)) < 0)
		return err;
	*out = m_cmp(&x, 0, &y, 0, 0);
	return 0;
}

static int maven_compare(const char *a, size_t an, const char *b, size_t bn, int *out)
{
	version__trim(&a, &an);
	version__trim(&b, &bn);
	return maven_cmpn(a, an, b, bn, out);
}

static int maven_valid(const char *s, size_t n)
{
	struct mver v;

	version__trim(&s, &n);
	return m_parse(&v, s, n);
}

static const version__intervals maven_intervals = {SCHEME, maven_cmpn, 1, 0, 0};

static int maven_satisfies(const char *version, size_t vn, const char *constraint, size_t cn, int *out)
{
	return version__satisfies_intervals(&maven_intervals, version, vn, constraint, cn, out);
}

const customs_version_scheme version__maven = {
	CUSTOMS_VERSION_SCHEME_VERSION, SCHEME, maven_compare, maven_valid, maven_satisfies,
};
