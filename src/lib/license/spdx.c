/* spdx.c - SPDX license ids and license expressions.
 *
 * The ids come from the SPDX license list (spdx_ids.c, generated).  The
 * expression parser follows SPDX 2.3 Annex D:
 *
 *   simple   = license-id | license-id "+" | license-ref
 *   compound = simple | simple "WITH" exception-id
 *            | compound "AND" compound | compound "OR" compound | "(" compound ")"
 *
 * with WITH binding tighter than AND, AND tighter than OR.  Ids match
 * case-insensitively, operators case-sensitively.  Expressions come from
 * SBOMs and package metadata we did not write, so the input is capped in
 * length and in parenthesis depth; the parser recurses only on "(".
 *
 * Normalising is the same parser in a lenient mode that also takes
 * lowercase operators and the usual non-SPDX spellings of a few common
 * licenses (Debian's "GPL-2+", Fedora's "ASL 2.0", npm's "Apache 2.0"),
 * and writes the expression back in the list's spelling.  In between,
 * canonicalising takes operators in any case but guesses nothing else.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "license/license.h"
#include "util/util.h"

#define SPDX_MAX_LEN 4096  /* bytes of an expression, in and out */
#define SPDX_MAX_DEPTH 64  /* nested parentheses */

/* How much the parser forgives, from none to normalising. */
enum { STRICT = 0, CANONICAL, NORMALIZE };

static inline int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static inline int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static inline int is_idchar(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* s[0..len) against id, ASCII case folded: the order of strcasecmp() in the
 * C locale, which is how the generator sorted the arrays. */
static int idcmp(const char *s, size_t len, const char *id)
{
	for (size_t i = 0; i < len; i++) {
		int a = lower((unsigned char)s[i]), b = lower((unsigned char)id[i]);
		if (a != b)
			return a - b; /* also stops at id's NUL: s holds none */
	}
	return id[len] ? -1 : 0;
}

static const char *find(const char *const *ids, size_t n, const char *s, size_t len)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = idcmp(s, len, ids[mid]);
		if (c == 0)
			return ids[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static const char *license_n(const char *s, size_t len)
{
	return find(customs__spdx_licenses, customs__spdx_licenses_count, s, len);
}

static const char *exception_n(const char *s, size_t len)
{
	return find(customs__spdx_exceptions, customs__spdx_exceptions_count, s, len);
}

int customs__spdx_license_id(const char *id, const char **canon)
{
	const char *c = id ? license_n(id, strlen(id)) : NULL;

	if (canon)
		*canon = c;
	return c != NULL;
}

int customs__spdx_exception_id(const char *id, const char **canon)
{
	const char *c = id ? exception_n(id, strlen(id)) : NULL;

	if (canon)
		*canon = c;
	return c != NULL;
}

/* The list's id for stem[0..len) + suffix ("GPL-2.0" + "-only"), or NULL. */
static const char *license_suffixed(const char *stem, size_t len, const char *suffix)
{
	char tmp[128];
	size_t n = strlen(suffix);

	if (len + n >= sizeof(tmp))
		return NULL;
	memcpy(tmp, stem, len);
	memcpy(tmp + len, suffix, n);
	return license_n(tmp, len + n);
}

static int has_suffix_n(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);
	return len >= n && idcmp(s + len - n, n, suffix) == 0;
}

/* ---- the words of one license ------------------------------------------- */

/* A license term resolved to its spelling, in pieces ("DocumentRef-", "x",
 * ":", "LicenseRef-", "y" at most), so that references keep their idstrings
 * without a copy. */
typedef struct term {
	const char *piece[5];
	size_t len[5];
	int n;
} term;

static void term_add(term *t, const char *s, size_t len)
{
	if (t->n == (int)(sizeof(t->piece) / sizeof(t->piece[0])))
		abort(); /* a bug here, not bad input */
	t->piece[t->n] = s;
	t->len[t->n++] = len;
}

static size_t idstring_len(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && is_idchar((unsigned char)s[i]))
		i++;
	return i;
}

/* ["DocumentRef-" idstring ":"] "LicenseRef-" idstring.  The prefixes match
 * in any case (ABNF strings do) and are written in the spec's. */
static int license_ref(const char *s, size_t len, term *t)
{
	static const char doc[] = "DocumentRef-", lic[] = "LicenseRef-";
	const size_t ndoc = sizeof(doc) - 1, nlic = sizeof(lic) - 1;
	size_t n;

	if (len > ndoc && idcmp(s, ndoc, doc) == 0) {
		n = idstring_len(s + ndoc, len - ndoc);
		if (n == 0 || ndoc + n >= len || s[ndoc + n] != ':')
			return 0;
		term_add(t, doc, ndoc);
		term_add(t, s + ndoc, n);
		term_add(t, ":", 1);
		s += ndoc + n + 1;
		len -= ndoc + n + 1;
	}
	if (len <= nlic || idcmp(s, nlic, lic) != 0 || idstring_len(s + nlic, len - nlic) != len - nlic) {
		t->n = 0;
		return 0;
	}
	term_add(t, lic, nlic);
	term_add(t, s + nlic, len - nlic);
	return 1;
}

/* license-id or license-id "+".  Normalising also retires the deprecated
 * bare GNU ids: on the list, "GPL-2.0" means version 2.0 only and
 * "GPL-2.0+" (or "GPL-2.0" "+") 2.0 or later, which the list now spells
 * "GPL-2.0-only" and "GPL-2.0-or-later"; the same for LGPL, AGPL, GFDL. */
static int license_id(const char *s, size_t len, int lenient, term *t)
{
	const char *canon, *better;
	int plus = len > 1 && s[len - 1] == '+';

	canon = license_n(s, len - plus);
	if (!canon && plus) {
		canon = license_n(s, len); /* in case the list spells one with "+" */
		plus = 0;
	}
	if (!canon)
		return 0;
	if (lenient && plus) {
		size_t n = strlen(canon);
		if (has_suffix_n(canon, n, "-or-later")) {
			plus = 0;
		} else {
			if (has_suffix_n(canon, n, "-only"))
				n -= strlen("-only");
			if ((better = license_suffixed(canon, n, "-or-later")) != NULL)
				canon = better, plus = 0;
		}
	} else if (lenient && (better = license_suffixed(canon, strlen(canon), "-only")) != NULL) {
		canon = better;
	}
	term_add(t, canon, strlen(canon));
	if (plus)
		term_add(t, "+", 1);
	return 1;
}

/* Spellings seen in Debian copyright files, rpm headers, npm and PyPI
 * metadata that name one license without doubt.  Compared ignoring case,
 * any run of whitespace in the input matching one space here.  Kept short
 * on purpose: "BSD", "Artistic", "GPL" and "Perl" say too little. */
static const struct alias {
	const char *name, *id;
} aliases[] = {
	{"Apache 2", "Apache-2.0"},
	{"Apache 2.0", "Apache-2.0"},
	{"Apache License 2.0", "Apache-2.0"},
	{"Apache License, Version 2.0", "Apache-2.0"},
	{"Apache License Version 2.0", "Apache-2.0"},
	{"Apache Software License 2.0", "Apache-2.0"},
	{"Apache Software License, Version 2.0", "Apache-2.0"},
	{"Apache-2", "Apache-2.0"},
	{"Apache2", "Apache-2.0"},
	{"Apache2.0", "Apache-2.0"},
	{"ASL 2.0", "Apache-2.0"}, /* Fedora */
	{"BSD 2-Clause", "BSD-2-Clause"},
	{"BSD 3-Clause", "BSD-3-Clause"},
	{"Eclipse Public License - v 1.0", "EPL-1.0"}, /* Maven POMs */
	{"Eclipse Public License - v 2.0", "EPL-2.0"},
	{"Eclipse Public License 1.0", "EPL-1.0"},
	{"Eclipse Public License 2.0", "EPL-2.0"},
	{"Eclipse Public License v2.0", "EPL-2.0"},
	{"Expat", "MIT"}, /* Debian */
	{"ISC License", "ISC"},
	{"MIT License", "MIT"},
	{"The Apache License, Version 2.0", "Apache-2.0"},
	{"The Apache Software License, Version 2.0", "Apache-2.0"}, /* Maven POMs */
	{"The MIT License", "MIT"},
	{"The MIT License (MIT)", "MIT"},
	{"Mozilla Public License 2.0", "MPL-2.0"},
	{"MPL 2.0", "MPL-2.0"},
	{"MPL-2", "MPL-2.0"},
	{"MPLv2.0", "MPL-2.0"}, /* Fedora */
	{"PSF", "PSF-2.0"},
	{"PSF-2", "PSF-2.0"},
	{"PSF License", "PSF-2.0"},
	{"Python Software Foundation License", "PSF-2.0"},
};

static int alias_match(const char *s, size_t len, const char *name)
{
	size_t i = 0;

	for (; *name; name++) {
		if (*name == ' ') {
			if (i == len || !is_space((unsigned char)s[i]))
				return 0;
			while (i < len && is_space((unsigned char)s[i]))
				i++;
		} else if (i == len || lower((unsigned char)s[i++]) != lower((unsigned char)*name)) {
			return 0;
		}
	}
	return i == len;
}

static int license_alias(const char *s, size_t len, term *t)
{
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		if (alias_match(s, len, aliases[i].name)) {
			const char *canon = license_n(aliases[i].id, strlen(aliases[i].id));
			if (!canon)
				return 0; /* the list dropped it: not ours to invent */
			term_add(t, canon, strlen(canon));
			return 1;
		}
	}
	return 0;
}

static size_t skip_prefix(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && idcmp(s, n, prefix) == 0 ? n : 0;
}

/* The GNU licenses by family and version, as Debian ("GPL-2+", "LGPL-2.1"),
 * Fedora ("GPLv2+", "LGPLv3") and free text ("GPL 3") write them:
 * family, an optional "-" or " ", an optional "v", the version, then
 * nothing (that version only), "+", "-only" or "-or-later".  A bare
 * "LGPLv2" is left alone: Fedora used it for 2.0 and 2.1 alike, while
 * Debian's "LGPL-2" is defined as 2.0. */
static int license_gnu(const char *s, size_t len, term *t)
{
	static const char *const families[] = {"AGPL", "LGPL", "GPL"};
	const char *fam = NULL, *canon, *suffix = "-only";
	size_t i = 0, n;
	int dash = 0, v = 0, major, minor = 0, has_minor = 0;
	char tmp[32];

	for (size_t f = 0; f < 3 && !fam; f++)
		if ((n = skip_prefix(s, len, families[f])) != 0)
			fam = families[f], i = n;
	if (!fam)
		return 0;
	if (i < len && (s[i] == '-' || s[i] == ' '))
		dash = s[i++] == '-';
	if (i < len && lower((unsigned char)s[i]) == 'v')
		v = 1, i++;
	if (i == len || s[i] < '1' || s[i] > '9')
		return 0;
	major = s[i++] - '0';
	if (i + 1 < len && s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9') {
		minor = s[i + 1] - '0';
		has_minor = 1;
		i += 2;
	}
	if (i < len && s[i] == '+' && i + 1 == len)
		suffix = "-or-later", i++;
	else if ((n = skip_prefix(s + i, len - i, "-or-later")) != 0 && i + n == len)
		suffix = "-or-later", i += n;
	else if ((n = skip_prefix(s + i, len - i, "-only")) != 0 && i + n == len)
		i += n;
	if (i != len)
		return 0;
	if (fam[0] == 'L' && major == 2 && !has_minor && !strcmp(suffix, "-only") && (!dash || v))
		return 0;
	n = (size_t)snprintf(tmp, sizeof(tmp), "%s-%d.%d%s", fam, major, minor, suffix);
	if (n >= sizeof(tmp) || !(canon = license_n(tmp, n)))
		return 0;
	term_add(t, canon, strlen(canon));
	return 1;
}

/* One license: s[0..len) is a single word, or (normalising) several words
 * separated by whitespace. */
static int resolve_license(const char *s, size_t len, int words, int lenient, term *t)
{
	t->n = 0;
	if (words == 1 && (license_ref(s, len, t) || license_id(s, len, lenient == NORMALIZE, t)))
		return 1;
	if (lenient != NORMALIZE)
		return 0;
	return license_alias(s, len, t) || license_gnu(s, len, t);
}

/* ---- the expression ----------------------------------------------------- */

enum tok { T_END, T_LP, T_RP, T_AND, T_OR, T_WITH, T_WORD };

typedef struct parser {
	const char *s;
	size_t pos;
	int lenient;      /* STRICT, CANONICAL (operators in any case), NORMALIZE (aliases too) */
	customs_buf *out; /* the expression in the list's spelling, or NULL */
	enum tok tok;     /* the current token; a word is s[w, w + wlen) */
	size_t w, wlen;
} parser;

static int is_op(const parser *p, const char *op)
{
	size_t n = strlen(op);

	if (p->wlen != n)
		return 0;
	return p->lenient ? idcmp(p->s + p->w, n, op) == 0 : memcmp(p->s + p->w, op, n) == 0;
}

static void next(parser *p)
{
	const char *s = p->s;

	while (is_space((unsigned char)s[p->pos]))
		p->pos++;
	p->w = p->pos;
	p->wlen = 0;
	switch (s[p->pos]) {
	case '\0':
		p->tok = T_END;
		return;
	case '(':
		p->tok = T_LP;
		p->pos++;
		return;
	case ')':
		p->tok = T_RP;
		p->pos++;
		return;
	}
	while (s[p->pos] && s[p->pos] != '(' && s[p->pos] != ')' && !is_space((unsigned char)s[p->pos]))
		p->pos++;
	p->wlen = p->pos - p->w;
	p->tok = is_op(p, "AND") ? T_AND : is_op(p, "OR") ? T_OR : is_op(p, "WITH") ? T_WITH : T_WORD;
}

static int emit(parser *p, const char *s, size_t len)
{
	return p->out ? customs_buf_put(p->out, s, len) : 0;
}

static int emit_term(parser *p, const term *t)
{
	for (int i = 0; i < t->n; i++)
		if (emit(p, t->piece[i], t->len[i]) < 0)
			return -1;
	return 0;
}

/* simple ["WITH" exception-id] */
static int parse_simple(parser *p)
{
	size_t start = p->w, end = p->w + p->wlen;
	int words = 1;
	term t;
	const char *exc;

	next(p);
	/* normalising, "Apache License 2.0" is one license in three words */
	while (p->lenient == NORMALIZE && p->tok == T_WORD) {
		end = p->w + p->wlen;
		words++;
		next(p);
	}
	if (!resolve_license(p->s + start, end - start, words, p->lenient, &t) || emit_term(p, &t) < 0)
		return -1;
	if (p->tok != T_WITH)
		return 0;
	next(p);
	if (p->tok != T_WORD || !(exc = exception_n(p->s + p->w, p->wlen)))
		return -1;
	if (emit(p, " WITH ", 6) < 0 || emit(p, exc, strlen(exc)) < 0)
		return -1;
	next(p);
	return 0;
}

static int parse_or(parser *p, int depth);

static int parse_primary(parser *p, int depth)
{
	if (p->tok == T_WORD)
		return parse_simple(p);
	if (p->tok != T_LP || depth >= SPDX_MAX_DEPTH)
		return -1;
	if (emit(p, "(", 1) < 0)
		return -1;
	next(p);
	if (parse_or(p, depth + 1) < 0 || p->tok != T_RP)
		return -1;
	next(p);
	return emit(p, ")", 1);
}

static int parse_and(parser *p, int depth)
{
	if (parse_primary(p, depth) < 0)
		return -1;
	while (p->tok == T_AND) {
		next(p);
		if (emit(p, " AND ", 5) < 0 || parse_primary(p, depth) < 0)
			return -1;
	}
	return 0;
}

static int parse_or(parser *p, int depth)
{
	if (parse_and(p, depth) < 0)
		return -1;
	while (p->tok == T_OR) {
		next(p);
		if (emit(p, " OR ", 4) < 0 || parse_and(p, depth) < 0)
			return -1;
	}
	return 0;
}

static int parse(const char *s, int lenient, customs_buf *out)
{
	parser p = {s, 0, lenient, out, T_END, 0, 0};

	if (!s || strnlen(s, SPDX_MAX_LEN + 1) > SPDX_MAX_LEN)
		return -1;
	next(&p);
	if (parse_or(&p, 0) < 0 || p.tok != T_END)
		return -1;
	return 0;
}

int customs__spdx_expression_valid(const char *s)
{
	return parse(s, STRICT, NULL) == 0;
}

static char *rewrite(const char *s, int lenient)
{
	customs_buf b = CUSTOMS_BUF_INIT(0);

	/* what comes out must pass customs__spdx_expression_valid() */
	if (parse(s, lenient, &b) < 0 || b.len == 0 || b.len > SPDX_MAX_LEN) {
		customs_buf_release(&b);
		return NULL;
	}
	return customs_buf_detach(&b);
}

char *customs__spdx_canonical(const char *s)
{
	return rewrite(s, CANONICAL);
}

char *customs__spdx_normalize(const char *s)
{
	return rewrite(s, NORMALIZE);
}

char *customs__spdx_license_ref(const char *name)
{
	static const char prefix[] = "LicenseRef-";
	size_t n = name ? strlen(name) : 0;
	char *r;

	if (n == 0)
		return customs_strdup("LicenseRef-unknown");
	if (n > SIZE_MAX - sizeof(prefix) || !(r = malloc(sizeof(prefix) + n))) {
		customs__error(CUSTOMS_ENOMEM, "out of memory");
		return NULL;
	}
	memcpy(r, prefix, sizeof(prefix) - 1);
	for (size_t i = 0; i < n; i++)
		r[sizeof(prefix) - 1 + i] = is_idchar((unsigned char)name[i]) ? name[i] : '-';
	r[sizeof(prefix) - 1 + n] = '\0';
	return r;
}
