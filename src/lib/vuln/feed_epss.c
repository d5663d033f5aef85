/* feed_epss.c - FIRST EPSS scores CSV (https://www.first.org/epss/data_stats,
 * epss_scores-YYYY-MM-DD.csv.gz): an optional comment line
 *   #model_version:v2025.03.14,score_date:2025-06-01T00:00:00+0000
 * a header "cve,epss,percentile", then one "CVE-…,0.00043,0.11828" per line. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"
#include "vuln/vulndb.h"

static int prob(const char *s, double *out)
{
	char *end;
	errno = 0;
	double d = strtod(s, &end);
	if (errno || end == s || *end || !(d >= 0 && d <= 1))
		return -1;
	*out = d;
	return 0;
}

int feed__epss(vulndb__writer *w, const char *buf, size_t len)
{
	vulndb__stats *st = vulndb__writer_stats(w);
	size_t pos = 0, lineno = 0;
	int header = 0, err;

	if (!st)
		return customs__error(CUSTOMS_EINTERNAL, "vulndb: no current source");
	while (pos < len) {
		const char *l = buf + pos, *nl = memchr(l, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - l) : len - pos;
		char line[256], rec[32];
		pos += n + (nl ? 1 : 0);
		lineno++;
		if (n && l[n - 1] == '\r')
			n--;
		if (!n)
			continue;
		if (n >= sizeof(line)) {
			st->malformed++;
			vulndb__warn(w, VULNDB__W_MALFORMED, NULL, "line %zu: longer than %zu bytes; skipped", lineno, sizeof(line) - 1);
			continue;
		}
		memcpy(line, l, n);
		line[n] = '\0';
		if (line[0] == '#') {
			const char *d = strstr(line, "score_date:");
			if (d)
				vulndb__newest(w, d + 11);
			continue;
		}
		if (!header && !strncmp(line, "cve,", 4)) {
			header = 1;
			continue;
		}
		char *c1 = strchr(line, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
		double score, pct;
		if (c1)
			*c1 = '\0';
		if (c2)
			*c2 = '\0';
		snprintf(rec, sizeof(rec), "line %zu", lineno);
		if (!c1 || !c2 || strchr(c2 + 1, ',') || !vulndb__is_cve(line) || prob(c1 + 1, &score) < 0 ||
		    prob(c2 + 1, &pct) < 0) {
			st->malformed++;
			vulndb__warn(w, VULNDB__W_MALFORMED, vulndb__is_cve(line) ? line : rec,
				     "not \"CVE-ID,score,percentile\" with scores in 0..1; skipped");
			continue;
		}
		if ((err = vulndb__put_epss(w, line, score, pct)) < 0)
			return err;
	}
	return 0;
}
