/* version_apk.c - Alpine apk versions (apk-package(5), apk-tools version.c):
 * number{.number}...{letter{number}}{_suffix{number}}...{~hash}{-r#}.
 *
 * The grammar is apk-tools 3's, widened by the two forms apk-tools 2 (which
 * built and ordered the packages of every release the secdb covers, v3.2 to
 * v3.21) also reads: digits after the letter (openssh's "6.6.2p1-r0"),
 * compared as a number, and an empty number after a '.' ("4.8.0.-r1"),
 * which sorts before any digits.  Where both read the strings they agree
 * on every pair the secdb holds; they part on leading zeros (8.2.0 vs
 * 8.2.001), where this follows apk-tools 3.
 * Tokens are compared pairwise while both sides have the same kind.  A
 * non-first number with a leading zero on either side compares as a string.
 * When the kinds differ, a pre-release suffix (alpha beta pre rc) is older,
 * otherwise the side whose next kind comes first in digit < letter < suffix
 * < suffix number < ~hash < -r < end is newer.  Where a string breaks the
 * grammar apk-tools still answers, but apk-tools 2 and 3 answer opposite
 * ways (2 puts the broken tail last, 3 first) and call two broken tails
 * equal: a comparison decided there is an error here, not a guess. */
#include <string.h>

#include "util/util.h"
#include "vuln/version_int.h"

#define SCHEME "apk"

enum apk_tok {
	T_DIGIT, /* number after '.', or the first */
	T_LETTER,
	T_SUFFIX,
	T_SUFFIX_NO,
	T_HASH,
	T_REVISION,
	T_END,
	T_INVALID,
};

struct apk_lex {
	const char *s;
	size_t n, i;
	enum apk_tok prev; /* kind of the token last returned; T_END before the first */
	int first;
};

struct apk_token {
	enum apk_tok kind;
	const char *p; /* value: digits, letter, suffix name, hex */
	size_t len;
	int numeric; /* a number compared by value: the first, or one after a letter */
	int rank;    /* T_SUFFIX: -4..-1 pre-release, 1..5 post-release */
};

static const char *const pre_suffixes[] = {"alpha", "beta", "pre", "rc"};
static const char *const post_suffixes[] = {"cvs", "svn", "git", "hg", "p"};

static int is_lower(int c) { return c >= 'a' && c <= 'z'; }
static int is_hex(int c) { return version__isdigit(c) || (c >= 'a' && c <= 'f'); }

/* The token of kind whose value is the run of cls characters after the
 * skip bytes of its marker ('.', '~', "-r") at s[i]; with nonempty, none
 * when the run is empty.  Returns the index past it. */
static size_t take_run(struct apk_token *t, enum apk_tok kind, const char *s, size_t n, size_t i, size_t skip,
		       int (*cls)(int), int nonempty)
{
	size_t j = i + skip;

	while (j < n && cls((unsigned char)s[j]))
		j++;
	if (nonempty && j == i + skip)
		return i;
	t->kind = kind;
	t->p = s + i + skip;
	t->len = j - i - skip;
	return j;
}

static void apk_next(struct apk_lex *l, struct apk_token *t)
{
	const char *s = l->s;
	size_t n = l->n, i = l->i, j;
	enum apk_tok prev = l->prev;

	memset(t, 0, sizeof(*t));
	t->kind = T_INVALID;
	if (prev == T_INVALID)
		goto done;
	if (l->first) {
		l->first = 0;
		i = take_run(t, T_DIGIT, s, n, i, 0, version__isdigit, 1);
		t->numeric = 1;
		goto done;
	}
	if (i == n) {
		t->kind = T_END;
		goto done;
	}
	/* What may follow the previous token. */
	if (s[i] == '.' && prev == T_DIGIT) {
		/* apk-tools 2 reads "1.18.-r2" as 1.18.<empty>-r2 */
		i = take_run(t, T_DIGIT, s, n, i, 1, version__isdigit, 0);
	} else if (version__isdigit((unsigned char)s[i]) && prev == T_LETTER) {
		/* apk-tools 2: "6.6.2p1", the letter's number */
		i = take_run(t, T_DIGIT, s, n, i, 0, version__isdigit, 1);
		t->numeric = 1;
	} else if (is_lower((unsigned char)s[i]) && prev == T_DIGIT) {
		t->kind = T_LETTER;
		t->p = s + i;
		t->len = 1;
		i++;
	} else if (version__isdigit((unsigned char)s[i]) && prev == T_SUFFIX) {
		i = take_run(t, T_SUFFIX_NO, s, n, i, 0, version__isdigit, 0);
	} else if (s[i] == '_' && prev <= T_SUFFIX_NO) {
		for (j = i + 1; j < n && is_lower((unsigned char)s[j]); j++)
			;
		for (size_t k = 0; k < 4 && t->kind == T_INVALID; k++)
			if (version__bytecmp(s + i + 1, j - i - 1, pre_suffixes[k], strlen(pre_suffixes[k])) == 0) {
				t->kind = T_SUFFIX;
				t->rank = (int)k - 4;
			}
		for (size_t k = 0; k < 5 && t->kind == T_INVALID; k++)
			if (version__bytecmp(s + i + 1, j - i - 1, post_suffixes[k], strlen(post_suffixes[k])) == 0) {
				t->kind = T_SUFFIX;
				t->rank = (int)k + 1;
			}
		if (t->kind == T_SUFFIX) {
			t->p = s + i + 1;
			t->len = j - i - 1;
			i = j;
		}
	} else if (s[i] == '~' && prev <= T_SUFFIX_NO) {
		i = take_run(t, T_HASH, s, n, i, 1, is_hex, 1);
	} else if (s[i] == '-' && i + 1 < n && s[i + 1] == 'r' && prev <= T_HASH) {
		i = take_run(t, T_REVISION, s, n, i, 2, version__isdigit, 1);
	}
done:
	l->i = i;
	l->prev = t->kind;
}

static int apk_tokcmp(const struct apk_token *a, const struct apk_token *b)
{
	switch (a->kind) {
	case T_DIGIT:
		/* an empty number sorts first, as the empty string does */
		if (a->numeric && b->numeric)
			return version__numcmp(a->p, a->len, b->p, b->len);
		if (!a->len || !b->len || a->p[0] == '0' || b->p[0] == '0')
			return version__bytecmp(a->p, a->len, b->p, b->len);
		return version__numcmp(a->p, a->len, b->p, b->len);
	case T_SUFFIX:
		return a->rank == b->rank ? 0 : (a->rank < b->rank ? -1 : 1);
	case T_SUFFIX_NO:
	case T_REVISION:
		return version__numcmp(a->p, a->len, b->p, b->len);
	case T_LETTER:
	case T_HASH:
		return version__bytecmp(a->p, a->len, b->p, b->len);
	default:
		return 0;
	}
}

static void apk_lex_init(struct apk_lex *l, const char *s, size_t n)
{
	l->s = s;
	l->n = n;
	l->i = 0;
	l->prev = T_END;
	l->first = 1;
}

/* The comparison met a token that breaks the grammar before it was decided. */
static int apk_undecided(const struct apk_lex *bad, const char *other, size_t on)
{
	char q[400];

	return version__bad(SCHEME, "version", bad->s, bad->n,
			    "breaks the apk version grammar at offset %zu, before the comparison with \"%s\" is decided",
			    bad->i, version__quote(q, sizeof(q), other, on));
}

/* apk's comparison into *out; fuzzy: b being a prefix of a (b ends first)
 * is equal.  CUSTOMS_EFORMAT when a broken token would decide it. */
static int apk_order(const char *a, size_t an, const char *b, size_t bn, int fuzzy, int *out)
{
	struct apk_lex la, lb;
	struct apk_token ta, tb;

	*out = 0;
	if (an == bn && memcmp(a, b, an) == 0)
		return 0; /* the same string is the same version, whatever it holds */
	apk_lex_init(&la, a, an);
	apk_lex_init(&lb, b, bn);
	apk_next(&la, &ta);
	apk_next(&lb, &tb);
	while (ta.kind == tb.kind && ta.kind < T_END) {
		if ((*out = apk_tokcmp(&ta, &tb)) != 0)
			return 0;
		apk_next(&la, &ta);
		apk_next(&lb, &tb);
	}
	if (fuzzy && tb.kind == T_END)
		return 0;
	if (ta.kind == T_INVALID)
		return apk_undecided(&la, b, bn);
	if (tb.kind == T_INVALID)
		return apk_undecided(&lb, a, an);
	if (ta.kind == tb.kind)
		return 0;
	if (ta.kind == T_SUFFIX && ta.rank < 0)
		*out = -1;
	else if (tb.kind == T_SUFFIX && tb.rank < 0)
		*out = 1;
	else
		*out = ta.kind > tb.kind ? -1 : 1;
	return 0;
}

/* strict: the full grammar; otherwise only what apk needs to compare (a
 * leading number) and printable ASCII. */
static int apk_check(const char *s, size_t n, int strict)
{
	struct apk_lex l;
	struct apk_token t;
	int err;

	if ((err = version__printable(SCHEME, s, n, s, n, 0)) < 0)
		return err;
	if (!version__isdigit((unsigned char)s[0]))
		return version__bad(SCHEME, "version", s, n, "does not start with a number");
	if (!strict)
		return 0;
	apk_lex_init(&l, s, n);
	do
		apk_next(&l, &t);
	while (t.kind < T_END);
	if (t.kind == T_INVALID)
		return version__bad(SCHEME, "version", s, n, "breaks the apk version grammar at offset %zu", l.i);
	return 0;
}

static int apk_cmpn(const char *a, size_t an, const char *b, size_t bn, int *out)
{
	int err;
	if ((err = apk_check(a, an, 0)) < 0 || (err = apk_check(b, bn, 0)) < 0)
		return err;
	return apk_order(a, an, b, bn, 0, out);
}

static int apk_valid(const char *s, size_t n)
{
	return apk_check(s, n, 1);
}

/* apk-tools' operator masks: < > = ~ (fuzzy equal), and a leading '!'. */
enum { M_LESS = 1, M_EQUAL = 2, M_GREATER = 4, M_FUZZY = 8 };

static int apk_opmask(const char *op, size_t n, int *mask, int *negate)
{
	size_t i = 0;

	*mask = 0;
	*negate = 0;
	if (i < n && op[i] == '!') {
		*negate = 1;
		i++;
	}
	if (i == n)
		return CUSTOMS_EUNSUPPORTED;
	for (; i < n; i++) {
		switch (op[i]) {
		case '<': *mask |= M_LESS; break;
		case '>': *mask |= M_GREATER; break;
		case '=': *mask |= M_EQUAL; break;
		case '~': *mask |= M_FUZZY | M_EQUAL; break;
		default: return CUSTOMS_EUNSUPPORTED;
		}
	}
	return 0;
}

static int apk_match(const char *a, size_t an, const char *op, size_t opn, const char *b, size_t bn, int *out)
{
	int mask, negate, err, r;

	if (apk_opmask(op, opn, &mask, &negate) < 0)
		return CUSTOMS_EUNSUPPORTED;
	if ((err = apk_check(a, an, 0)) < 0 || (err = apk_check(b, bn, 0)) < 0)
		return err;
	if ((err = apk_order(a, an, b, bn, (mask & M_FUZZY) != 0, &r)) < 0)
		return err;
	r = r < 0 ? M_LESS : r > 0 ? M_GREATER : M_EQUAL;
	*out = ((r & mask) != 0) != negate;
	return 0;
}

static int apk_extra(const char *op, size_t opn, const char *v, size_t vn, const char *c, size_t cn, int *out)
{
	return apk_match(v, vn, op, opn, c, cn, out);
}

static const version__generic apk_generic = {SCHEME, apk_cmpn, "<>=!~", apk_extra};

static int apk_satisfies(const char *version, size_t vn, const char *constraint, size_t cn, int *out)
{
	return version__satisfies_generic(&apk_generic, version, vn, constraint, cn, out);
}

int version__apk_match(const char *a, const char *op, const char *b, int *out)
{
	size_t an, bn;
	int err;

	if (!op)
		return customs__error(CUSTOMS_EINVAL, SCHEME ": op is NULL");
	if ((err = version__compare_args(SCHEME, a, b, out, &an, &bn)) < 0)
		return err;
	err = apk_match(a, an, op, strlen(op), b, bn, out);
	if (err == CUSTOMS_EUNSUPPORTED)
		return customs__error(CUSTOMS_EFORMAT, SCHEME ": unknown operator \"%s\"", op);
	return err;
}

const customs_version_scheme version__apk = {
	CUSTOMS_VERSION_SCHEME_VERSION, SCHEME, apk_cmpn, apk_valid, apk_satisfies,
};
