/* version_dpkg.c - Debian package versions, [epoch:]upstream[-revision],
 * ordered as deb-version(7) describes (dpkg's verrevcmp): epochs
 * numerically, then upstream and revision by alternating non-digit runs
 * (where '~' sorts before everything, even the end, and letters before
 * other characters) and digit runs compared as numbers. */
#include <string.h>

#include "util/util.h"
#include "vuln/version_int.h"

#define SCHEME "dpkg"

struct dpkg_ver {
	const char *epoch, *up, *rev;
	size_t epochn, upn, revn;
};

/* Parse s[0..n); strict adds dpkg's warning-level checks (first character
 * of upstream, allowed characters), which dpkg itself compares through. */
static int dpkg_parse(struct dpkg_ver *v, const char *s, size_t n, int strict)
{
	const char *orig = s, *colon, *hyphen = NULL;
	size_t orign = n, i;
	int err;

	version__trim(&s, &n);
	if ((err = version__printable(SCHEME, orig, orign, s, n, 1)) < 0)
		return err;
	memset(v, 0, sizeof(*v));
	colon = memchr(s, ':', n);
	if (colon) {
		v->epoch = s;
		v->epochn = (size_t)(colon - s);
		if (v->epochn == 0)
			return version__bad(SCHEME, "version", orig, orign, "epoch before ':' is empty");
		for (i = 0; i < v->epochn; i++)
			if (!version__isdigit((unsigned char)s[i]))
				return version__bad(SCHEME, "version", orig, orign, "epoch is not a number");
		if (version__numcmp(v->epoch, v->epochn, "2147483647", 10) > 0)
			return version__bad(SCHEME, "version", orig, orign, "epoch is larger than 2147483647");
		n -= v->epochn + 1;
		s = colon + 1;
		if (n == 0)
			return version__bad(SCHEME, "version", orig, orign, "nothing after the epoch's ':'");
	}
	for (i = n; i > 0; i--)
		if (s[i - 1] == '-') {
			hyphen = s + i - 1;
			break;
		}
	v->up = s;
	if (hyphen) {
		v->upn = (size_t)(hyphen - s);
		v->rev = hyphen + 1;
		v->revn = n - v->upn - 1;
		if (v->revn == 0)
			return version__bad(SCHEME, "version", orig, orign, "revision after the last '-' is empty");
	} else {
		v->upn = n;
		v->rev = "";
	}
	if (v->upn == 0)
		return version__bad(SCHEME, "version", orig, orign, "upstream version is empty");
	if (!strict)
		return 0;

	if (!version__isdigit((unsigned char)v->up[0]))
		return version__bad(SCHEME, "version", orig, orign, "upstream version does not start with a digit");
	for (i = 0; i < v->upn; i++) {
		char c = v->up[i];
		if (!version__isalnum((unsigned char)c) && !strchr(".+~-:", c))
			return version__bad(SCHEME, "version", orig, orign, "invalid character '%c' in the upstream version", c);
	}
	for (i = 0; i < v->revn; i++) {
		char c = v->rev[i];
		if (!version__isalnum((unsigned char)c) && !strchr(".+~", c))
			return version__bad(SCHEME, "version", orig, orign, "invalid character '%c' in the revision", c);
	}
	return 0;
}

/* Weight of a character in a non-digit run; the end of the string and
 * digits weigh 0. */
static int dpkg_order(const char *s, size_t n, size_t i)
{
	int c;
	if (i >= n)
		return 0;
	c = (unsigned char)s[i];
	if (version__isdigit(c))
		return 0;
	if (version__isalpha(c))
		return c;
	if (c == '~')
		return -1;
	return c + 256;
}

static int dpkg_verrevcmp(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0;

	while (i < an || j < bn) {
		int first_diff = 0;

		while ((i < an && !version__isdigit((unsigned char)a[i])) ||
		       (j < bn && !version__isdigit((unsigned char)b[j]))) {
			int ac = dpkg_order(a, an, i), bc = dpkg_order(b, bn, j);
			if (ac != bc)
				return ac < bc ? -1 : 1;
			/* Equal weights: both sides hold the same non-digit. */
			i++;
			j++;
		}
		while (i < an && a[i] == '0')
			i++;
		while (j < bn && b[j] == '0')
			j++;
		while (i < an && version__isdigit((unsigned char)a[i]) && j < bn &&
		       version__isdigit((unsigned char)b[j])) {
			if (!first_diff)
				first_diff = a[i] - b[j];
			i++;
			j++;
		}
		if (i < an && version__isdigit((unsigned char)a[i]))
			return 1;
		if (j < bn && version__isdigit((unsigned char)b[j]))
			return -1;
		if (first_diff)
			return first_diff < 0 ? -1 : 1;
	}
	return 0;
}

static int dpkg_cmpn(const char *a, size_t an, const char *b, size_t bn, int *out)
{
	struct dpkg_ver x, y;
	int err, r;

	if ((err = dpkg_parse(&x, a, an, 0)) < 0 || (err = dpkg_parse(&y, b, bn, 0)) < 0)
		return err;
	r = version__numcmp(x.epoch ? x.epoch : "0", x.epoch ? x.epochn : 1, y.epoch ? y.epoch : "0",
			    y.epoch ? y.epochn : 1);
	if (!r)
		r = dpkg_verrevcmp(x.up, x.upn, y.up, y.upn);
	if (!r)
		r = dpkg_verrevcmp(x.rev, x.revn, y.rev, y.revn);
	*out = r;
	return 0;
}

static int dpkg_valid(const char *s, size_t n)
{
	struct dpkg_ver v;
	return dpkg_parse(&v, s, n, 1);
}

const customs_version_scheme version__dpkg = {
	CUSTOMS_VERSION_SCHEME_VERSION, SCHEME, dpkg_cmpn, dpkg_valid, NULL, /* comparator lists */
};
