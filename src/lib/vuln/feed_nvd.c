/* feed_nvd.c - NVD CVE API 2.0 JSON (https://nvd.nist.gov/developers/vulnerabilities):
 * an API response page or a yearly "JSON 2.0" feed file, both
 *   {resultsPerPage, startIndex, totalResults, format: "NVD_CVE", version: "2.0",
 *    timestamp, vulnerabilities: [{cve: {id, published, lastModified, vulnStatus,
 *      metrics: {cvssMetricV31|V30|V40: [{source, type: Primary|Secondary,
 *        cvssData: {vectorString, baseScore}}]}, weaknesses: [{description:
 *      [{lang, value: "CWE-79"}]}]}}]}.
 * Only enrichment is kept (scores, vectors, CWEs, dates), keyed by CVE id;
 * the array is walked element by element so a yearly file is never one
 * JSON tree in memory. */
#include <string.h>

#include "util/util.h"
#include "vuln/vulndb.h"

/* The Primary metric of an array, else the first: its cvssData. */
static json_t *pick_metric(json_t *arr)
{
	size_t i;
	json_t *m, *first = NULL;
	json_array_foreach(arr, i, m) {
		json_t *d = json_object_get(m, "cvssData");
		if (!json_is_object(d))
			continue;
		if (!first)
			first = d;
		const char *type = vulndb__jstr(m, "type");
		if (type && !strcmp(type, "Primary"))
			return d;
	}
	return first;
}

static double score_of(json_t *d)
{
	json_t *s = json_object_get(d, "baseScore");
	double x = json_is_number(s) ? json_number_value(s) : -1;
	return x >= 0 && x <= 10 ? x : -1;
}

static int one_cve(void *ud, const char *val, size_t vlen)
{
	vulndb__writer *w = ud;
	vulndb__stats *st = vulndb__writer_stats(w);
	json_t *j = vulndb__json_load(w, NULL, val, vlen), *cve, *metrics, *d3, *d4, *x, *y;
	customs_buf cwes = CUSTOMS_BUF_INIT(4096);
	const char *id, *status, *v3 = NULL, *v4 = NULL;
	double s3 = -1, s4 = -1;
	size_t i, k;
	int err = 0;

	if (!j) {
		st->malformed++;
		return 0;
	}
	cve = json_object_get(j, "cve");
	id = vulndb__jstr(cve, "id");
	if (!vulndb__is_cve(id)) {
		st->malformed++;
		vulndb__warn(w, VULNDB__W_MALFORMED, vulndb__valid_id(id) ? id : NULL, "NVD entry without a CVE id; skipped");
		goto done;
	}
	status = vulndb__jstr(cve, "vulnStatus");
	if (status && !strcmp(status, "Rejected")) {
		st->withdrawn++;
		goto done;
	}
	metrics = json_object_get(cve, "metrics");
	if ((d3 = pick_metric(json_object_get(metrics, "cvssMetricV31"))) ||
	    (d3 = pick_metric(json_object_get(metrics, "cvssMetricV30")))) {
		v3 = vulndb__jstr(d3, "vectorString");
		s3 = score_of(d3);
		if (s3 < 0 && v3)
			s3 = vulndb__cvss3_score(v3);
	}
	if ((d4 = pick_metric(json_object_get(metrics, "cvssMetricV40")))) {
		v4 = vulndb__jstr(d4, "vectorString");
		s4 = score_of(d4);
	}
	json_array_foreach(json_object_get(cve, "weaknesses"), i, x) {
		json_array_foreach(json_object_get(x, "description"), k, y) {
			const char *c = vulndb__jstr(y, "value");
			if (!c || strncmp(c, "CWE-", 4) || strchr(c, ','))
				continue; /* NVD-CWE-Other, NVD-CWE-noinfo */
			if (cwes.len) {
				/* no duplicates (Primary and Secondary often agree) */
				size_t cl = strlen(c);
				const char *p = cwes.ptr;
				int dup = 0;
				while (p && *p) {
					const char *e = strchr(p, ',');
					size_t n = e ? (size_t)(e - p) : strlen(p);
					dup |= n == cl && !memcmp(p, c, n);
					p = e ? e + 1 : p + n;
				}
				if (dup)
					continue;
			}
			if ((cwes.len && customs_buf_puts(&cwes, ",") < 0) || customs_buf_puts(&cwes, c) < 0)
				break; /* cut at the cap */
		}
	}
	vulndb__newest(w, vulndb__jstr(cve, "lastModified"));
	err = vulndb__put_nvd(w, id, s3, v3, s4, v4, cwes.len ? cwes.ptr : NULL, vulndb__jstr(cve, "published"),
			      vulndb__jstr(cve, "lastModified"));
done:
	customs_buf_release(&cwes);
	json_decref(j);
	return err;
}

static int member(void *ud, const char *key, const char *val, size_t vlen)
{
	if (strcmp(key, "vulnerabilities"))
		return 0;
	return vulndb__json_elements(val, vlen, one_cve, ud);
}

int feed__nvd(vulndb__writer *w, const char *buf, size_t len)
{
	int err = vulndb__json_members(buf, len, member, w);
	if (err == CUSTOMS_EFORMAT) {
		vulndb__writer_stats(w)->malformed++;
		vulndb__warn(w, VULNDB__W_FILE, NULL, "NVD JSON: %s; the entries before it are kept", customs_error_last());
		err = 0;
	}
	return err;
}
