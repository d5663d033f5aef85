/* feed_secdb.c - Alpine secdb JSON (secdb.alpinelinux.org/<release>/<repo>.json,
 * FORMATS-packages.md §9.4): packages[].pkg = {name (the origin),
 * secfixes: {fixed-version: [ids]}}.  Fixed version "0" means the ids never
 * affected the package: stored as not-affected markers so the matcher can
 * suppress other feeds' matches.  An id string may hold several ids
 * separated by whitespace. */
#include <string.h>

#include "util/util.h"
#include "vuln/vulndb.h"

static int put_fix(vulndb__writer *w, vulndb__stats *st, const char *ns, const char *eco, const char *pkg,
		   const char *fixed, const char *id)
{
	vulndb__affected a;
	customs_buf r = CUSTOMS_BUF_INIT(0);
	int err = 0;

	memset(&a, 0, sizeof(a));
	a.vuln_id = id;
	a.ns = ns;
	a.package = pkg;
	a.ecosystem = eco;
	if (!strcmp(fixed, "0")) {
		a.fix_state = CUSTOMS_FIX_NOT_AFFECTED;
	} else {
		a.fix_state = CUSTOMS_FIX_FIXED;
		if ((err = customs_buf_puts(&r, "[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":")) < 0 ||
		    (err = vj_put_string(&r, fixed)) < 0 || (err = customs_buf_puts(&r, "}]}]")) < 0)
			goto done;
		a.ranges = r.ptr;
	}
	if (!(err = vulndb__put_affected(w, &a)))
		st->records++;
done:
	customs_buf_release(&r);
	return err;
}

int feed__secdb(vulndb__writer *w, json_t *root)
{
	vulndb__stats *st = vulndb__writer_stats(w);
	const char *dv = vulndb__jstr(root, "distroversion");
	const customs_version_scheme *apk = customs_version_scheme_find("apk");
	json_t *pkgs = json_object_get(root, "packages"), *p;
	char eco[64], ns[64], name[VULNDB__MAX_NAME + 1];
	const char *scheme;
	size_t i;
	int err;

	if (!st || !apk)
		return customs__error(CUSTOMS_EINTERNAL, "vulndb: no current source");
	if (!dv || !json_is_array(pkgs)) {
		st->malformed++;
		vulndb__warn(w, VULNDB__W_MALFORMED, NULL, "secdb file without \"distroversion\" or \"packages\"; skipped");
		return 0;
	}
	snprintf(eco, sizeof(eco), "Alpine:%s%.40s", dv[0] == 'v' ? "" : "v", dv);
	if (vulndb__namespace(ns, sizeof(ns), &scheme, eco) < 0) {
		st->malformed++;
		vulndb__warn(w, VULNDB__W_MALFORMED, NULL, "secdb distroversion \"%.40s\" is not a release; skipped", dv);
		return 0;
	}
	json_array_foreach(pkgs, i, p) {
		json_t *pkg = json_object_get(p, "pkg"), *fixes = json_object_get(pkg, "secfixes"), *ids;
		const char *pname = vulndb__jstr(pkg, "name"), *fixed;

		if (!pname || vulndb__normalize(name, sizeof(name), ns, pname) < 0 || (fixes && !json_is_object(fixes))) {
			st->malformed++;
			vulndb__warn(w, VULNDB__W_MALFORMED, pname ? pname : NULL, "packages[%zu]: no valid name or secfixes; skipped", i);
			continue;
		}
		json_object_foreach(fixes, fixed, ids) {
			size_t k;
			json_t *x;
			if (strcmp(fixed, "0") && customs_version_valid(apk, fixed) < 0) {
				st->bad_versions++;
				vulndb__warn(w, VULNDB__W_VERSION, name, "fixed version \"%.64s\": %s; skipped", fixed,
					     customs_error_last());
				continue;
			}
			if (!json_is_array(ids)) {
				st->malformed++;
				vulndb__warn(w, VULNDB__W_MALFORMED, name, "secfixes \"%.64s\" is not a list; skipped", fixed);
				continue;
			}
			json_array_foreach(ids, k, x) {
				const char *s = json_string_value(x);
				char id[VULNDB__MAX_ID + 1];
				if (!s) {
					st->malformed++;
					continue;
				}
				/* "CVE-2020-13777 GNUTLS-SA-2020-06-03": split on whitespace */
				for (const char *q = s; *q;) {
					while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
						q++;
					size_t n = strcspn(q, " \t\r\n");
					if (!n)
						break;
					if (n > VULNDB__MAX_ID) {
						st->malformed++;
						vulndb__warn(w, VULNDB__W_MALFORMED, name, "id longer than %d bytes; skipped", VULNDB__MAX_ID);
					} else {
						memcpy(id, q, n);
						id[n] = '\0';
						if (!vulndb__valid_id(id)) {
							st->malformed++;
							vulndb__warn(w, VULNDB__W_MALFORMED, name, "invalid id \"%.64s\"; skipped", id);
						} else if ((err = put_fix(w, st, ns, eco, name, fixed, id)) < 0) {
							return err;
						}
					}
					q += n;
				}
			}
		}
	}
	return 0;
}
