/* vulndb_cvss.c - CVSS v3.x base scores and their exploitability and
 * impact sub-scores from vector strings, as the FIRST CVSS v3.1
 * specification computes them (§7.1 "Base Metrics Equations", Appendix A
 * "Floating Point Rounding"), for feeds that give a vector without its
 * score and for the policy gates that compare sub-scores. */
#include <math.h>
#include <string.h>

#include "vuln/vulndb.h"

static double roundup(double x)
{
	long long i = llround(x * 100000.0);
	if (i % 10000 == 0)
		return (double)i / 100000.0;
	return (floor((double)i / 10000.0) + 1.0) / 10.0;
}

int customs_cvss3_scores(const char *v, double *base, double *exploitability, double *impact_out)
{
	/* metric values, -1 = absent */
	double av = -1, ac = -1, pr = -1, ui = -1, c = -1, in = -1, a = -1;
	int scope = -1; /* 0 unchanged, 1 changed */
	char prv = 0;

	if (!v || strncmp(v, "CVSS:3.", 7) || (v[7] != '0' && v[7] != '1') || v[8] != '/')
		return CUSTOMS_EFORMAT;
	for (const char *p = v + 9; *p;) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const char *colon = memchr(p, ':', n);
		if (!colon || colon + 2 != p + n)
			return CUSTOMS_EFORMAT;
		size_t kn = (size_t)(colon - p);
		char val = colon[1];
#define K(s) (kn == sizeof(s) - 1 && !memcmp(p, s, kn))
		if (K("AV"))
			av = val == 'N' ? 0.85 : val == 'A' ? 0.62 : val == 'L' ? 0.55 : val == 'P' ? 0.2 : -2;
		else if (K("AC"))
			ac = val == 'L' ? 0.77 : val == 'H' ? 0.44 : -2;
		else if (K("PR"))
			prv = val, pr = (val == 'N' || val == 'L' || val == 'H') ? 0 : -2;
		else if (K("UI"))
			ui = val == 'N' ? 0.85 : val == 'R' ? 0.62 : -2;
		else if (K("S"))
			scope = val == 'U' ? 0 : val == 'C' ? 1 : -2;
		else if (K("C") || K("I") || K("A")) {
			double x = val == 'H' ? 0.56 : val == 'L' ? 0.22 : val == 'N' ? 0 : -2;
			if (K("C"))
				c = x;
			else if (K("I"))
				in = x;
			else
				a = x;
		}
#undef K
		/* temporal and environmental metrics are ignored */
		p += n;
		if (*p == '/')
			p++;
	}
	if (av < 0 || ac < 0 || pr < 0 || ui < 0 || scope < 0 || c < 0 || in < 0 || a < 0)
		return CUSTOMS_EFORMAT;
	pr = prv == 'N' ? 0.85 : prv == 'L' ? (scope ? 0.68 : 0.62) : (scope ? 0.5 : 0.27);
	double iss = 1.0 - (1.0 - c) * (1.0 - in) * (1.0 - a);
	double impact = scope ? 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15) : 6.42 * iss;
	double expl = 8.22 * av * ac * pr * ui;
	double s = scope ? 1.08 * (impact + expl) : impact + expl;
	/* the sub-scores as NVD shows them: one decimal, rounded half up */
	if (exploitability)
		*exploitability = round(expl * 10.0) / 10.0;
	if (impact_out)
		*impact_out = impact <= 0 ? 0 : round(impact * 10.0) / 10.0;
	if (base)
		*base = impact <= 0 ? 0 : roundup(s < 10 ? s : 10);
	return 0;
}

double vulndb__cvss3_score(const char *v)
{
	double base;
	return customs_cvss3_scores(v, &base, NULL, NULL) < 0 ? -1 : base;
}
