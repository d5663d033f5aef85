/* version_nuget.c - NuGet package versions (NuGet.Versioning: NuGetVersion,
 * "Package versioning" in the NuGet docs): Major[.Minor[.Patch[.Revision]]]
 * with missing parts 0, SemVer 2.0 pre-release labels compared with
 * numeric labels as numbers and the others case-insensitively, build
 * metadata ignored; numeric labels have no leading zero, and blanks may
 * stand around each number.  Ranges are NuGet's interval notation: "1.0"
 * (at least 1.0), "[1.0]", "(,1.0]", "[1.0,2.0)", each with a bound. */
#include <string.h>

#include "util/util.h"
#include "vuln/version_int.h"

#define SCHEME "nuget"

struct nuver {
	const char *num[4];
	size_t numn[4];
	const char *pre;
	size_t pren;
	int has_pre;
};

static int nu_parse(struct nuver *v, const char *s, size_t n)
{
	static const version__tail_rules tail = {SCHEME, "version", "metadata", "label", 1, 0};
	const char *ws = s;
	size_t wn = n, i = 0, j, end;
	int k, err;

	memset(v, 0, sizeof(*v));
	version__trim(&s, &n);
	if (n == 0)
		return version__bad(SCHEME, "version", ws, wn, "empty version");
	/* NuGetVersionFactory: the numbers end at the first '-' or '+', and
	 * blanks around each of them are allowed ("19 . 19"). */
	for (end = 0; end < n && s[end] != '-' && s[end] != '+'; end++)
		;
	for (k = 0; k < 4; k++) {
		if (k > 0) {
			if (i == end)
				break;
			if (s[i] != '.' || i + 1 == end)
				return version__bad(SCHEME, "version", ws, wn, "unexpected '%c' at offset %zu", s[i],
						    (size_t)(s + i - ws));
			i++;
		}
		while (i < end && version__isspace((unsigned char)s[i]))
			i++;
		for (j = i; j < end && version__isdigit((unsigned char)s[j]); j++)
			;
		if (j == i)
			return version__bad(SCHEME, "version", ws, wn, "version part %d is not a number", k + 1);
		v->num[k] = s + i;
		v->numn[k] = j - i;
		version__skipzeros(&v->num[k], &v->numn[k]);
		if (version__numcmp(v->num[k], v->numn[k], "2147483647", 10) > 0)
			return version__bad(SCHEME, "version", ws, wn, "version part %d is larger than 2147483647", k + 1);
		for (i = j; i < end && version__isspace((unsigned char)s[i]);)
			i++;
	}
	if (i != end)
		return version__bad(SCHEME, "version", ws, wn, "unexpected '%c' at offset %zu", s[i], (size_t)(s + i - ws));
	for (; k < 4; k++) {
		v->num[k] = "0";
		v->numn[k] = 1;
	}
	if ((err = version__tail(&tail, ws, wn, s, n, &i, &v->pre, &v->pren, &v->has_pre)) < 0)
		return err;
	if (i != n)
		return version__bad(SCHEME, "version", ws, wn, "unexpected '%c' at offset %zu", s[i], (size_t)(s + i - ws));
	return 0;
}

static int nu_cmp(const struct nuver *a, const struct nuver *b)
{
	int r;

	for (int k = 0; k < 4; k++)
		if ((r = version__numcmp(a->num[k], a->numn[k], b->num[k], b->numn[k])) != 0)
			return r;
	return version__precmp(a->pre, a->pren, a->has_pre, b->pre, b->pren, b->has_pre, 1);
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

static int nuget_valid(const char *s, size_t n)
{
	struct nuver v;
	return nu_parse(&v, s, n);
}

static const version__intervals nuget_intervals = {SCHEME, nuget_cmpn, 0, 1, 1};

static int nuget_satisfies(const char *version, size_t vn, const char *constraint, size_t cn, int *out)
{
	return version__satisfies_intervals(&nuget_intervals, version, vn, constraint, cn, out);
}

const customs_version_scheme version__nuget = {
	CUSTOMS_VERSION_SCHEME_VERSION, SCHEME, nuget_cmpn, nuget_valid, nuget_satisfies,
};
