/* feed_kev.c - the CISA Known Exploited Vulnerabilities catalog JSON
 * (https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json,
 * schema known_exploited_vulnerabilities_schema.json):
 *   {title, catalogVersion, dateReleased, count, vulnerabilities: [{cveID,
 *    vendorProject, product, vulnerabilityName, dateAdded, shortDescription,
 *    requiredAction, dueDate, knownRansomwareCampaignUse, notes, cwes}]}. */
#include <string.h>

#include "util/util.h"
#include "vuln/vulndb.h"

static int valid_date(const char *d)
{
	if (!d || strlen(d) < 10)
		return 0;
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? d[i] != '-' : (d[i] < '0' || d[i] > '9'))
			return 0;
	return 1;
}

int feed__kev(vulndb__writer *w, const char *buf, size_t len)
{
	vulndb__stats *st = vulndb__writer_stats(w);
	json_t *j = vulndb__json_load(w, NULL, buf, len), *v, *x;
	size_t i;
	int err = 0;

	if (!st)
		return customs__error(CUSTOMS_EINTERNAL, "vulndb: no current source");
	if (!j) {
		st->malformed++;
		return 0;
	}
	v = json_object_get(j, "vulnerabilities");
	if (!json_is_array(v)) {
		st->malformed++;
		vulndb__warn(w, VULNDB__W_MALFORMED, NULL, "KEV catalog without \"vulnerabilities\"; skipped");
		goto done;
	}
	json_array_foreach(v, i, x) {
		const char *id = vulndb__jstr(x, "cveID"), *added = vulndb__jstr(x, "dateAdded"),
			   *due = vulndb__jstr(x, "dueDate");
		if (!vulndb__is_cve(id)) {
			st->malformed++;
			vulndb__warn(w, VULNDB__W_MALFORMED, vulndb__valid_id(id) ? id : NULL,
				     "vulnerabilities[%zu]: no valid cveID; skipped", i);
			continue;
		}
		if (!valid_date(added)) {
			st->malformed++;
			vulndb__warn(w, VULNDB__W_MALFORMED, id, "dateAdded \"%.32s\" is not a date; stored without it",
				     added ? added : "(none)");
			added = NULL;
		}
		if (due && !valid_date(due))
			due = NULL;
		vulndb__newest(w, added);
		if ((err = vulndb__put_kev(w, id, added, due, vulndb__jstr(x, "knownRansomwareCampaignUse"))) < 0)
			break;
	}
	vulndb__newest(w, vulndb__jstr(j, "dateReleased"));
done:
	json_decref(j);
	return err;
}
