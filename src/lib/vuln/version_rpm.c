/* version_rpm.c - rpm versions, [epoch:]version[-release], ordered as rpm
 * does (rpm-version(7), rpmvercmp): separators are skipped and never
 * compared, '~' sorts before anything, '^' after the base but before any
 * further segment, digit runs beat letter runs and compare as numbers.
 * The EVR split follows rpm's parseEVR: the epoch is leading digits before
 * ':' (absent = 0), the release follows the last '-'; as in rpm 4.18's
 * rpmverCmp a missing release sorts before any present one.  Comparing, as
 * rpmvercmp, refuses no string: every byte that is not an ASCII letter or
 * digit (UTF-8, controls, blanks) is a separator, so 1.1.α = 1.1.β.
 * valid() holds to what rpmbuild accepts in a version and a release. */
#include <string.h>

#include "util/util.h"
#include "vuln/version_int.h"

#define SCHEME "rpm"

struct rpm_evr {
	const char *e, *v, *r; /* e, r NULL when absent */
	size_t en, vn, rn;
};

static int rpm_parse(struct rpm_evr *x, const char *s, size_t n, int strict)
{
	const char *orig = s;
	size_t orign = n, i, d;
	int err;

	version__trim(&s, &n);
	if (n == 0)
		return version__bad(SCHEME, "version", orig, orign, "empty version");
	if (strict && (err = version__printable(SCHEME, orig, orign, s, n, 0)) < 0)
		return err;
	memset(x, 0, sizeof(*x));
	for (d = 0; d < n && version__isdigit((unsigned char)s[d]); d++)
		;
	/* rpm looks for the release's '-' after the epoch digits only. */
	for (i = n; i > d; i--)
		if (s[i - 1] == '-')
			break;
	if (i > d) {
		x->r = s + i;
		x->rn = n - i;
		n = i - 1;
	}
	if (d < n && s[d] == ':') {
		x->e = d ? s : "0";
		x->en = d ? d : 1;
		x->v = s + d + 1;
		x->vn = n - d - 1;
	} else {
		x->v = s;
		x->vn = n;
	}
	if (!strict)
		return 0;
	if (x->vn == 0)
		return version__bad(SCHEME, "version", orig, orign, "version part is empty");
	if (x->r && x->rn == 0)
		return version__bad(SCHEME, "version", orig, orign, "release after the last '-' is empty");
	for (i = 0; i < x->vn; i++)
		if (!version__isalnum((unsigned char)x->v[i]) && !strchr("._+~^", x->v[i]))
			return version__bad(SCHEME, "version", orig, orign, "invalid character '%c' in the version", x->v[i]);
	for (i = 0; x->r && i < x->rn; i++)
		if (!version__isalnum((unsigned char)x->r[i]) && !strchr("._+~^", x->r[i]))
			return version__bad(SCHEME, "version", orig, orign, "invalid character '%c' in the release", x->r[i]);
	return 0;
}

static int rpm_vercmp(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0;

	if (an == bn && memcmp(a, b, an) == 0)
		return 0;
	while (i < an || j < bn) {
		size_t s1, s2;
		int isnum, rc;

		while (i < an && !version__isalnum((unsigned char)a[i]) && a[i] != '~' && a[i] != '^')
			i++;
		while (j < bn && !version__isalnum((unsigned char)b[j]) && b[j] != '~' && b[j] != '^')
			j++;

		/* '~' sorts before everything, the end included. */
		if ((i < an && a[i] == '~') || (j < bn && b[j] == '~')) {
			if (!(i < an && a[i] == '~'))
				return 1;
			if (!(j < bn && b[j] == '~'))
				return -1;
			i++;
			j++;
			continue;
		}
		/* '^' sorts after the end but before anything else. */
		if ((i < an && a[i] == '^') || (j < bn && b[j] == '^')) {
			if (i == an)
				return -1;
			if (j == bn)
				return 1;
			if (a[i] != '^')
				return 1;
			if (b[j] != '^')
				return -1;
			i++;
			j++;
			continue;
		}
		if (!(i < an && j < bn))
			break;

		s1 = i;
		s2 = j;
		if (version__isdigit((unsigned char)a[i])) {
			while (i < an && version__isdigit((unsigned char)a[i]))
				i++;
			while (j < bn && version__isdigit((unsigned char)b[j]))
				j++;
			isnum = 1;
		} else {
			while (i < an && version__isalpha((unsigned char)a[i]))
				i++;
			while (j < bn && version__isalpha((unsigned char)b[j]))
				j++;
			isnum = 0;
		}
		/* Segments of different kinds: the numeric one is newer. */
		if (j == s2)
			return isnum ? 1 : -1;
		rc = isnum ? version__numcmp(a + s1, i - s1, b + s2, j - s2) : version__bytecmp(a + s1, i - s1, b + s2, j - s2);
		if (rc)
			return rc;
	}
	if (i >= an && j >= bn)
		return 0;
	return i < an ? 1 : -1;
}

static int rpm_cmpn(const char *a, size_t an, const char *b, size_t bn, int *out)
{
	struct rpm_evr x, y;
	int err, r;

	if ((err = rpm_parse(&x, a, an, 0)) < 0 || (err = rpm_parse(&y, b, bn, 0)) < 0)
		return err;
	r = rpm_vercmp(x.e ? x.e : "0", x.e ? x.en : 1, y.e ? y.e : "0", y.e ? y.en : 1);
	if (!r)
		r = rpm_vercmp(x.v, x.vn, y.v, y.vn);
	if (!r) {
		if (x.r && y.r)
			r = rpm_vercmp(x.r, x.rn, y.r, y.rn);
		else if (x.r || y.r)
			r = x.r ? 1 : -1;
	}
	*out = r;
	return 0;
}

static int rpm_valid(const char *s, size_t n)
{
	struct rpm_evr x;
	return rpm_parse(&x, s, n, 1);
}

const customs_version_scheme version__rpm = {
	CUSTOMS_VERSION_SCHEME_VERSION, SCHEME, rpm_cmpn, rpm_valid, NULL, /* comparator lists */
};
