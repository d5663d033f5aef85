/* version_common.c - what the version schemes share below them: exact
 * digit-string arithmetic, SemVer 2.0 pre-release precedence and tails
 * (semver.org §9-11), error messages and the argument checks of the
 * public entry points. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/util.h"
#include "vuln/version_int.h"

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

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!version__isdigit((unsigned char)s[i]))
			return 0;
	return n > 0;
}

int version__precmp(const char *a, size_t an, int ahas, const char *b, size_t bn, int bhas, int fold)
{
	size_t i = 0, j = 0;

	if (!ahas || !bhas)
		return ahas == bhas ? 0 : (ahas ? -1 : 1);
	for (;;) {
		size_t ie, je;
		int r, na, nb;

		if (i > an || j > bn)
			return (i > an && j > bn) ? 0 : (i > an ? -1 : 1);
		for (ie = i; ie < an && a[ie] != '.'; ie++)
			;
		for (je = j; je < bn && b[je] != '.'; je++)
			;
		na = all_digits(a + i, ie - i);
		nb = all_digits(b + j, je - j);
		if (na && nb)
			r = version__numcmp(a + i, ie - i, b + j, je - j);
		else if (na || nb)
			r = na ? -1 : 1;
		else if (fold)
			r = version__casecmp(a + i, ie - i, b + j, je - j);
		else
			r = version__bytecmp(a + i, ie - i, b + j, je - j);
		if (r)
			return r;
		i = ie + 1;
		j = je + 1;
	}
}

/* ---- SemVer 2.0 tails ---- */

/* Dot-separated identifiers of a pre-release or build part. */
static int ids(const version__tail_rules *r, const char *ws, size_t wn, const char *s, size_t n, int strict,
	       const char *kind)
{
	size_t i = 0;

	for (;;) {
		size_t j = i;
		int alldig = 1;
		while (j < n && s[j] != '.') {
			unsigned char c = (unsigned char)s[j];
			if (!version__isalnum(c) && c != '-')
				return version__bad(r->scheme, r->what, ws, wn, "invalid character in the %s", kind);
			if (!version__isdigit(c))
				alldig = 0;
			j++;
		}
		if (j == i)
			return version__bad(r->scheme, r->what, ws, wn, "empty %s %s", kind, r->unit);
		if (strict && alldig && j - i > 1 && s[i] == '0')
			return version__bad(r->scheme, r->what, ws, wn, "numeric %s %s \"%.*s\" has a leading zero", kind,
					    r->unit, (int)(j - i), s + i);
		if (j == n)
			return 0;
		i = j + 1;
	}
}

int version__tail(const version__tail_rules *r, const char *ws, size_t wn, const char *s, size_t n, size_t *pi,
		  const char **pre, size_t *pren, int *has_pre)
{
	size_t i = *pi, j;
	int err;

	if (i < n && (s[i] == '-' || (r->loose && s[i] != '+'))) {
		if (s[i] == '-')
			i++;
		for (j = i; j < n && s[j] != '+'; j++)
			;
		if ((err = ids(r, ws, wn, s + i, j - i, r->strict, "pre-release")) < 0)
			return err;
		*pre = s + i;
		*pren = j - i;
		*has_pre = 1;
		i = j;
	}
	if (i < n && s[i] == '+') {
		i++;
		if ((err = ids(r, ws, wn, s + i, n - i, 0, r->build)) < 0)
			return err;
		i = n;
	}
	*pi = i;
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

/* The NULL and length checks of one string argument. */
static int arg(const char *scheme, const char *what, const char *s, size_t max, size_t *n)
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

int version__compare_args(const char *scheme, const char *a, const char *b, int *out, size_t *an, size_t *bn)
{
	int err;

	if (!out)
		return customs__error(CUSTOMS_EINVAL, "%s: out is NULL", scheme);
	if ((err = arg(scheme, "version", a, VERSION__MAX_LEN, an)) < 0)
		return err;
	return arg(scheme, "version", b, VERSION__MAX_LEN, bn);
}

int version__valid_args(const char *scheme, const char *v, size_t *n)
{
	return arg(scheme, "version", v, VERSION__MAX_LEN, n);
}

int version__satisfies_args(const char *scheme, const char *version, const char *constraint, int *out,
			    size_t *vn, size_t *cn)
{
	int err;

	if (!out)
		return customs__error(CUSTOMS_EINVAL, "%s: out is NULL", scheme);
	if ((err = arg(scheme, "version", version, VERSION__MAX_LEN, vn)) < 0)
		return err;
	return arg(scheme, "constraint", constraint, VERSION__CONSTRAINT_MAX_LEN, cn);
}

int version__printable(const char *scheme, const char *ws, size_t wn, const char *s, size_t n, int spaces)
{
	if (n == 0)
		return version__bad(scheme, "version", ws, wn, "empty version");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (spaces && version__isspace(c))
			return version__bad(scheme, "version", ws, wn, "embedded space at offset %zu", i);
		if (c < 0x21 || c > 0x7e)
			return version__bad(scheme, "version", ws, wn, "invalid byte 0x%02x at offset %zu", c, i);
	}
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
