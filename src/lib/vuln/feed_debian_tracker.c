/* feed_debian_tracker.c - the Debian security tracker's JSON export
 * (https://security-tracker.debian.org/tracker/data/json):
 *   {SOURCE-PACKAGE: {CVE-or-TEMP-id: {description?, scope?, debianbug?,
 *     releases: {CODENAME: {status: resolved|open|undetermined,
 *       repositories: {...}, fixed_version?, urgency, nodsa?, nodsa_reason?}}}}}
 * Release codenames become debian:N; "fixed_version" "0" means the release
 * never had the vulnerable code (not-affected).  The tracker's no-dsa,
 * postponed, ignored, unimportant and end-of-life are kept as the entry's
 * status (security-tracker doc "Severity levels", FORMATS-packages.md §11.9),
 * never dropped.  The file is large: each package is parsed on its own. */
#include <string.h>

#include "util/util.h"
#include "vuln/vulndb.h"

static const struct {
	const char *codename, *release;
} codenames[] = {
	{"buzz", "1.1"},     {"rex", "1.2"},      {"bo", "1.3"},     {"hamm", "2.0"},   {"slink", "2.1"},
	{"potato", "2.2"},   {"woody", "3.0"},    {"sarge", "3.1"},  {"etch", "4.0"},   {"lenny", "5.0"},
	{"squeeze", "6.0"},  {"wheezy", "7"},     {"jessie", "8"},   {"stretch", "9"},  {"buster", "10"},
	{"bullseye", "11"},  {"bookworm", "12"},  {"trixie", "13"},  {"forky", "14"},   {"duke", "15"},
	{"sid", "sid"},
};

static const char *release_of(const char *codename)
{
	for (size_t i = 0; i < sizeof(codenames) / sizeof(codenames[0]); i++)
		if (!strcmp(codenames[i].codename, codename))
			return codenames[i].release;
	return NULL;
}

struct tracker {
	vulndb__writer *w;
	vulndb__stats *st;
	const customs_version_scheme *dpkg;
	customs_strmap seen; /* ids whose vulnerability row is stored */
	customs_arena ar;
	customs_strmap unknown_rel; /* codenames already warned about */
};

static int release_entry(struct tracker *t, const char *pkg, const char *id, const char *codename, json_t *r)
{
	const char *status = vulndb__jstr(r, "status"), *fixed = vulndb__jstr(r, "fixed_version");
	const char *urgency = vulndb__jstr(r, "urgency"), *nodsa = vulndb__jstr(r, "nodsa");
	const char *reason = vulndb__jstr(r, "nodsa_reason"), *rel = release_of(codename);
	char ns[32], eco[32];
	customs_buf rb = CUSTOMS_BUF_INIT(0);
	vulndb__affected a;
	int err = 0;

	if (!rel) {
		if (!customs_strmap_get(&t->unknown_rel, codename, NULL)) {
			char *k = customs_arena_strdup(&t->ar, codename);
			if (!k || customs_strmap_put(&t->unknown_rel, k, (void *)1) < 0)
				return customs__error(CUSTOMS_ENOMEM, "out of memory");
			vulndb__warn(t->w, VULNDB__W_ECOSYSTEM, id, "release \"%.32s\" is not a known Debian codename; its entries are skipped",
				     codename);
		}
		t->st->unknown_ecosystem++;
		return 0;
	}
	if (!status || !json_is_object(r)) {
		t->st->malformed++;
		vulndb__warn(t->w, VULNDB__W_MALFORMED, id, "%s/%s: release entry without a status; skipped", pkg, codename);
		return 0;
	}
	snprintf(ns, sizeof(ns), "debian:%s", rel);
	snprintf(eco, sizeof(eco), "Debian:%s", rel);
	memset(&a, 0, sizeof(a));
	a.vuln_id = id;
	a.ns = ns;
	a.package = pkg;
	a.ecosystem = eco;
	a.urgency = urgency && *urgency ? urgency : NULL;

	if (!strcmp(status, "resolved")) {
		if (fixed && !strcmp(fixed, "0")) {
			a.fix_state = CUSTOMS_FIX_NOT_AFFECTED;
		} else if (fixed && *fixed) {
			if (customs_version_valid(t->dpkg, fixed) < 0) {
				t->st->bad_versions++;
				vulndb__warn(t->w, VULNDB__W_VERSION, id, "%s/%s: fixed_version \"%.64s\": %s; skipped", pkg,
					     codename, fixed, customs_error_last());
				return 0;
			}
			a.fix_state = CUSTOMS_FIX_FIXED;
		} else {
			a.fix_state = CUSTOMS_FIX_UNKNOWN;
		}
	} else if (!strcmp(status, "open")) {
		a.fix_state = CUSTOMS_FIX_NOT_FIXED;
	} else if (!strcmp(status, "undetermined")) {
		a.fix_state = CUSTOMS_FIX_UNKNOWN;
	} else {
		t->st->malformed++;
		vulndb__warn(t->w, VULNDB__W_MALFORMED, id, "%s/%s: unknown status \"%.32s\"; skipped", pkg, codename, status);
		return 0;
	}

	/* status: the strongest of what the tracker says */
	if (nodsa)
		a.status = "no-dsa";
	if (reason && !strcmp(reason, "postponed"))
		a.status = "postponed";
	if (a.urgency && !strcmp(a.urgency, "unimportant"))
		a.status = "unimportant";
	if (reason && !strcmp(reason, "ignored"))
		a.status = "ignored";
	if (a.urgency && !strcmp(a.urgency, "end-of-life"))
		a.status = "end-of-life";
	if (a.fix_state == CUSTOMS_FIX_NOT_FIXED && a.status &&
	    (!strcmp(a.status, "ignored") || !strcmp(a.status, "end-of-life")))
		a.fix_state = CUSTOMS_FIX_WONT_FIX;

	if (a.fix_state == CUSTOMS_FIX_FIXED) {
		if ((err = customs_buf_puts(&rb, "[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":")) < 0 ||
		    (err = vj_put_string(&rb, fixed)) < 0 || (err = customs_buf_puts(&rb, "}]}]")) < 0)
			goto done;
	} else if (a.fix_state != CUSTOMS_FIX_NOT_AFFECTED) {
		if ((err = customs_buf_puts(&rb, "[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"}]}]")) < 0)
			goto done;
	}
	a.ranges = rb.len ? rb.ptr : NULL;
	err = vulndb__put_affected(t->w, &a);
done:
	customs_buf_release(&rb);
	return err;
}

static int package(void *ud, const char *pkg_raw, const char *val, size_t vlen)
{
	struct tracker *t = ud;
	char pkg[VULNDB__MAX_NAME + 1];
	json_t *j, *cve;
	const char *id;
	int err = 0;

	if (vulndb__normalize(pkg, sizeof(pkg), "debian", pkg_raw) < 0) {
		t->st->malformed++;
		vulndb__warn(t->w, VULNDB__W_MALFORMED, NULL, "package \"%.64s\": %s; skipped", pkg_raw, customs_error_last());
		return 0;
	}
	if (!(j = vulndb__json_load(t->w, pkg, val, vlen))) {
		t->st->malformed++;
		return 0;
	}
	if (!json_is_object(j)) {
		t->st->malformed++;
		vulndb__warn(t->w, VULNDB__W_MALFORMED, pkg, "package entry is not an object; skipped");
		goto done;
	}
	json_object_foreach(j, id, cve) {
		json_t *rels = json_object_get(cve, "releases"), *r;
		const char *codename;
		if (!vulndb__valid_id(id) || !json_is_object(rels)) {
			t->st->malformed++;
			vulndb__warn(t->w, VULNDB__W_MALFORMED, vulndb__valid_id(id) ? id : NULL,
				     "%s: entry without \"releases\" or with an invalid id; skipped", pkg);
			continue;
		}
		if (!customs_strmap_get(&t->seen, id, NULL)) {
			vulndb__vuln v;
			char *k = customs_arena_strdup(&t->ar, id);
			if (!k || (err = customs_strmap_put(&t->seen, k, (void *)1)) < 0) {
				err = err < 0 ? err : customs__error(CUSTOMS_ENOMEM, "out of memory");
				goto done;
			}
			memset(&v, 0, sizeof(v));
			v.id = id;
			v.summary = vulndb__jstr(cve, "description");
			v.cvss3_score = v.cvss4_score = -1;
			if ((err = vulndb__put_vuln(t->w, &v)) < 0)
				goto done;
		}
		json_object_foreach(rels, codename, r)
			if ((err = release_entry(t, pkg, id, codename, r)) < 0)
				goto done;
	}
done:
	json_decref(j);
	return err;
}

int feed__debian_tracker(vulndb__writer *w, const char *buf, size_t len)
{
	struct tracker t;
	int err;

	memset(&t, 0, sizeof(t));
	t.w = w;
	t.st = vulndb__writer_stats(w);
	t.dpkg = customs_version_scheme_find("dpkg");
	if (!t.st || !t.dpkg)
		return customs__error(CUSTOMS_EINTERNAL, "vulndb: no current source");
	err = vulndb__json_members(buf, len, package, &t);
	if (err == CUSTOMS_EFORMAT) {
		/* truncated or broken: keep what was read */
		t.st->malformed++;
		vulndb__warn(w, VULNDB__W_FILE, NULL, "Debian tracker JSON: %s; the packages before it are kept",
			     customs_error_last());
		err = 0;
	}
	customs_strmap_release(&t.seen);
	customs_strmap_release(&t.unknown_rel);
	customs_arena_release(&t.ar);
	return err;
}
