/* version_nuget.c - NuGet package versions (NuGet.Versioning: NuGetVersion,
 * "Package versioning" in the NuGet docs): Major[.Minor[.Patch[.Revision]]]
 * with missing parts 0, SemVer 2.0 pre-release labels compared with
 * numeric labels as numbers and the others case-insensitively, build
 * metadata ignored.  Ranges are NuGet's interval notation: "1.0" (at least
 * 1.0), "[1.0]", "(,1.0]", "[1.0,2.0)". */
#include <string.h>

#include "util/util.h"
#include "vuln/version.h"

#define SCHEME "nuget"

struct nuver {
	const char *num[4];
	size_t numn[4];
	const char *pre;
	size_t pren;
	int has_pre;
};

static int nu_ids(const char *s, size_t n, const char *ws, size_t wn, const char *kind)
{
	size_t i = 0;
	for (;;) {
		size_t j = i;
		while (j < n && s[j] != '.') {
			if (!version__isalnum((unsigned char)s[j]) && s[j] != '-')
				return version__bad(SCHEME, "version", ws, wn, "invalid character in the %s", kind);
			j++;
		}
		if (j == i)
			return version__bad(SCHEME, "version", ws, wn, "empty %s label", kind);
		if (j == n)
			return 0;
		i = j + 1;
	}
}

static int nu_parse(struct nuver *v, const char *s, size_t n)
{
	const char *ws = s;
	size_t wn = n, i = 0, j;
	int k, err;

	memset(v, 0, sizeof(*v));
	version__trim(&s, &n);
	if (n == 0)
		return version__bad(SCHEME, "version", ws, wn, "empty version");
	for (k = 0; k < 4; k++) {
		if (k > 0) {
			if (i == n || s[i] != '.')
				break;
			i++;
		}
		for (j = i; j < n && version__isdigit((unsigned char)s[j]); j++)
			;
		if (j == i)
			return version__bad(SCHEME, "version", ws, wn, "version part %d is not a number", k + 1);
		v->num[k] = s + i;
		v->numn[k] = j - i;
		version__skipzeros(&v->num[k], &v->numn[k]);
		if (version__numcmp(v->num[k], v->numn[k], "2147483647", 10) > 0)
			return version__bad(SCHEME, "version", ws, wn, "version part %d is larger than 2147483647", k + 1);
		i = j;
	}
	for (; k < 4; k++) {
		v->num[k] = "0";
		v->numn[k] = 1;
	}
	if (i < n && s[i] == '-') {
		i++;
		for (j = i; j < n && s[j] != '+'; j++)
			;
		if ((err = nu_ids(s + i, j - i, ws, wn, "pre-release")) < 0)
			return err;
		v->pre = s + i;
		v->pren = j - i;
		v->has_pre = 1;
		i = j;
	}
	if (i < n && s[i] == '+') {
		i++;
		if ((err = nu_ids(s + i, n - i, ws, wn, "metadata")) < 0)
			return err;
		i = n;
	}
	if (i != n)
		return version__bad(SCHEME, "version", ws, wn, "unexpected '%c' at offset %zu", s[i], (size_t)(s + i - ws));
	return 0;
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!version__isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int nu_cmp(const struct nuver *a, const struct nuver *b)
{
	size_t i = 0, j = 0;
	int r;

	for (int k = 0; k < 4; k++)
		if ((r = version__numcmp(a->num[k], a->numn[k], b->num[k], b->numn[k])) != 0)
			return r;
	if (!a->has_pre || !b->has_pre)
		return a->has_pre == b->has_pre ? 0 : (a->has_pre ? -1 : 1);
	for (;;) {
		size_t ie, je;
		int na, nb;
		if (i > a->pren || j > b->pren)
			return (i > a->pren && j > b->pren) ? 0 : (i > a->pren ? -1 : 1);
		for (ie = i; ie < a->pren && a->pre[ie] != '.'; ie++)
			;
		for (je = j; je < b->pren && b->pre[je] != '.'; je++)
			;
		na = all_digits(a->pre + i, ie - i);
		nb = all_digits(b->pre + j, je - j);
		if (na && nb)
			r = version__numcmp(a->pre + i, ie - i, b->pre + j, je - j);
		else if (na || nb)
			r = na ? -1 : 1;
		else
			r = version__casecmp(a->pre + i, ie - i, b->pre + j, je - j);
		if (r)
			return r;
		i = ie + 1;
		j = je + 1;
	}
}

static int nuget_cmpn(const char *a, size_t an, const char *b, size_t bn, int *out)
{
	struct nuver x, y;
	int err;

	if ((err = nu_parse(&x, a, an)) < 0 || (err = nu_parse(&y, b, bn)) < 0)
		return err;
	*out = nu_cmp(&x, &y);
	return 0;
}

static int nuget_compare(const char *a, const char *b, int *out)
{
	size_t an, bn;
	int err;

	if (!out)
		return customs__error(CUSTOMS_EINVAL, SCHEME ": out is NULL");
	if ((err = version__arg(SCHEME, "version", a, VERSION__MAX_LEN, &an)) < 0 ||
	    (err = version__arg(SCHEME, "version", b, VERSION__MAX_LEN, &bn)) < 0)
		return err;
	return nuget_cmpn(a, an, b, bn, out);
}

static int nuget_valid(const char *s)
{
	struct nuver v;
	size_t n;
	int err;

	if ((err = version__arg(SCHEME, "version", s, VERSION__MAX_LEN, &n)) < 0)
		return err;
	return nu_parse(&v, s, n);
}

static const version__generic nuget_generic = {SCHEME, nuget_cmpn, NULL, NULL};

static int nuget_satisfies(const char *version, const char *constraint, int *out)
{
	const char *v = version, *c = constraint;
	size_t vn, cn;
	int err, r;

	if (!out)
		return customs__error(CUSTOMS_EINVAL, SCHEME ": out is NULL");
	if ((err = version__arg(SCHEME, "version", version, VERSION__MAX_LEN, &vn)) < 0 ||
	    (err = version__arg(SCHEME, "constraint", constraint, VERSION__CONSTRAINT_MAX_LEN, &cn)) < 0)
		return err;
	version__trim(&v, &vn);
	version__trim(&c, &cn);
	if ((err = nuget_cmpn(v, vn, v, vn, &r)) < 0)
		return err;
	if (cn && (c[0] == '[' || c[0] == '('))
		return version__satisfies_interval(SCHEME, nuget_cmpn, 0, v, vn, c, cn, out);
	if (cn && strchr("<>=!", c[0]))
		return version__satisfies_generic(&nuget_generic, version, constraint, out);
	/* A bare version is NuGet's minimum version, inclusive. */
	if (cn == 0)
		return version__bad(SCHEME, "constraint", c, cn, "empty constraint");
	if ((err = nuget_cmpn(v, vn, c, cn, &r)) < 0)
		return err;
	*out = r >= 0;
	return 0;
}

const customs_version_scheme version__nuget = {
	CUSTOMS_VERSION_SCHEME_VERSION, SCHEME, nuget_compare, nuget_valid, nuget_satisfies,
};
