/* gate_vuln.c - the vulnerabilities gate over the matcher's results:
 * Anchore Engine's triggers (gates/vulnerabilities.py: package with every
 * parameter and its defaults, stale_feed_data, vulnerability_data_unavailable,
 * blacklist), Anchore Enterprise's denylist and kev_list, and customs'
 * additions: KEV and EPSS parameters, inherited_from_base (findings in the
 * base image's layers or the image's own), an aggregate threshold, and
 * days since publication and since a fix that come from real dates.
 * Only matches that count are seen: suppressed and covered ones are not. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "customs/customs.h"
#include "policy/policy_int.h"
#include "vuln/match_int.h"

static const char *const package_types[] = {"all", "os", "non-os", NULL};

/* What the feeds say of one vulnerability id, read once. */
typedef struct vuln_dates {
	long long published;                   /* -1 unknown */
	long long fixed;                       /* the first advisory announcing a fix, -1 unknown */
	double nvd_base, nvd_expl, nvd_impact; /* -1 unknown */
} vuln_dates;

void policy__dates_release(pctx *c)
{
	customs_strmap_release(&c->dates);
}

/* A date or RFC 3339 time, or just its day when the rest is odd. */
static long long day_of(const char *s)
{
	char day[11];
	long long t;
	if (!s || strlen(s) < 10)
		return -1;
	if ((t = policy__parse_time(s, 0)) >= 0)
		return t;
	memcpy(day, s, 10);
	day[10] = '\0';
	return policy__parse_time(day, 0);
}

static int is_cve(const char *id)
{
	return !strncasecmp(id, "CVE-", 4);
}

/* Published: the CVE's (NVD's, else the feed's); fixed: the earliest
 * advisory (DSA, DLA, GHSA...) among the match's ids, which is when the
 * distro or the project shipped the fix. */
static int dates_of(pctx *c, const customs_match *m, const vuln_dates **out)
{
	vuln_dates *d = customs_strmap_get(&c->dates, m->id, NULL);
	int err;
	if (d) {
		*out = d;
		return 0;
	}
	if (!(d = malloc(sizeof(*d))) || (err = policy__own(c, d)) < 0)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	d->published = d->fixed = -1;
	d->nvd_base = d->nvd_expl = d->nvd_impact = -1;
	for (size_t i = 0; c->o->db && i < m->nids; i++) {
		customs_vuln_record *rec = NULL;
		if (customs_vulndb_vuln(c->o->db, m->ids[i], &rec) < 0) {
			customs_error_clear();
			continue;
		}
		long long t = day_of(rec->published);
		if (is_cve(m->ids[i])) {
			if (t >= 0 && (d->published < 0 || t < d->published))
				d->published = t;
			for (size_t k = 0; k < rec->nenrichment; k++) {
				const customs_vuln_enrichment *e = &rec->enrichment[k];
				long long nt = day_of(e->nvd_published);
				if (nt >= 0 && (d->published < 0 || nt < d->published))
					d->published = nt;
				if (e->has_nvd && e->nvd_cvss3_score >= 0 && d->nvd_base < 0) {
					d->nvd_base = e->nvd_cvss3_score;
					customs_cvss3_scores(e->nvd_cvss3_vector, NULL, &d->nvd_expl, &d->nvd_impact);
				}
			}
		} else if (t >= 0 && m->nfixed && (d->fixed < 0 || t < d->fixed)) {
			d->fixed = t;
		}
		customs_vuln_record_free(rec);
	}
	if (d->published < 0 && c->o->db) {
		/* no CVE among the ids: the advisory itself was the publication */
		for (size_t i = 0; i < m->nids; i++) {
			customs_vuln_record *rec = NULL;
			if (customs_vulndb_vuln(c->o->db, m->ids[i], &rec) < 0) {
				customs_error_clear();
				continue;
			}
			long long t = day_of(rec->published);
			if (t >= 0 && (d->published < 0 || t < d->published))
				d->published = t;
			customs_vuln_record_free(rec);
		}
	}
	if (customs_strmap_put(&c->dates, m->id, d) < 0)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	*out = d;
	return 0;
}

/* ---- what Anchore's package trigger knows of a match ---- */

static int is_os(const customs_match *m)
{
	return m->type && match__is_distro_type(m->type);
}

static const char *link_of(const char *id)
{
	static _Thread_local char buf[256];
	if (is_cve(id))
		snprintf(buf, sizeof(buf), "https://nvd.nist.gov/vuln/detail/%s", id);
	else if (!strncasecmp(id, "GHSA-", 5))
		snprintf(buf, sizeof(buf), "https://github.com/advisories/%s", id);
	else
		snprintf(buf, sizeof(buf), "https://osv.dev/vulnerability/%s", id);
	return buf;
}

/* Anchore's trigger_fname: the package for OS packages; a jar's or gem's
 * file name; an npm package's directory; else name-version. */
static void instance_name(char *buf, size_t n, const customs_match *m)
{
	const char *loc = m->location ? m->location : "";
	const char *slash = strrchr(loc, '/');
	if (is_os(m)) {
		snprintf(buf, n, "%s", m->name);
	} else if (m->type && (!strcmp(m->type, "java-archive") || !strcmp(m->type, "gem")) && *loc) {
		snprintf(buf, n, "%s", slash ? slash + 1 : loc);
	} else if (m->type && !strcmp(m->type, "npm") && slash && slash > loc) {
		const char *prev = slash - 1;
		while (prev > loc && *prev != '/')
			prev--;
		if (*prev == '/')
			prev++;
		snprintf(buf, n, "%.*s", (int)(slash - prev), prev);
	} else {
		snprintf(buf, n, "%s-%s", m->name, m->version ? m->version : "");
	}
}

/* The scores a rule compares: NVD's (from the database, or the match's
 * when it took NVD's) and the vendor's (the feed's own). */
typedef struct scores {
	double base, expl, impact;
	double vbase, vexpl, vimpact;
} scores;

static void scores_of(const customs_match *m, const vuln_dates *d, scores *s)
{
	s->base = s->expl = s->impact = s->vbase = s->vexpl = s->vimpact = -1;
	int from_nvd = m->cvss_from && !strcmp(m->cvss_from, "nvd");
	if (m->cvss_score >= 0) {
		double b = m->cvss_score, e = -1, i = -1;
		customs_cvss3_scores(m->cvss_vector, NULL, &e, &i);
		if (from_nvd)
			s->base = b, s->expl = e, s->impact = i;
		else
			s->vbase = b, s->vexpl = e, s->vimpact = i;
	}
	if (s->base < 0 && d && d->nvd_base >= 0)
		s->base = d->nvd_base, s->expl = d->nvd_expl, s->impact = d->nvd_impact;
}

/* One score condition: the parameter NAME with NAME_comparison (default
 * >=); 1 when unset or satisfied.  A missing score is -1, as in Anchore. */
static int score_ok(const prule *r, const char *name, double have)
{
	double want;
	char cmp[96];
	if (!policy__float(r, name, &want))
		return 1;
	snprintf(cmp, sizeof(cmp), "%s_comparison", name);
	const char *op = policy__str(r, cmp);
	return policy__cmp(op ? op : ">=", have, want);
}

/* Does m pass the rule's filters?  1 yes (*sc, *d filled), 0 no. */
static int selected(pctx *c, const prule *r, const customs_match *m, scores *sc, const vuln_dates **d)
{
	const char *ptype = policy__str(r, "package_type");
	const char *sev = policy__str(r, "severity"), *sevop = policy__str(r, "severity_comparison");
	const pvalue *excl = policy__param(r, "package_path_exclude");
	int err;
	*d = NULL;
	if (ptype && strcmp(ptype, "all") && strcasecmp(ptype, is_os(m) ? "os" : "non-os"))
		return 0;
	/* Anchore's defaults: severity "unknown", comparison ">" */
	int want = 0;
	for (int i = 0; sev && policy__severities[i]; i++)
		if (!strcasecmp(sev, policy__severities[i]))
			want = i;
	if (!policy__cmp(sevop ? sevop : ">", (double)m->severity, (double)want))
		return 0;
	if (excl && !is_os(m) && m->location &&
	    customs_regex_match(excl->re, m->location, strlen(m->location), NULL, NULL) == 1)
		return 0;
	if (policy__bool(r, "vendor_only", 1) && m->fix_state == CUSTOMS_FIX_WONT_FIX)
		return 0;
	const pvalue *fix = policy__param(r, "fix_available");
	int has_fix = m->nfixed > 0;
	if (fix && (int)fix->i != has_fix)
		return 0;
	const pvalue *inh = policy__param(r, "inherited_from_base");
	if (inh) {
		int b = policy__in_base(c, m->layer);
		if (b < 0)
			policy__warn(
				c, "inherited_from_base: the base image's layers are not known (--base-layers): every "
				   "finding counts as the image's own");
		if ((b == 1) != (int)inh->i)
			return 0;
	}
	const pvalue *kev = policy__param(r, "kev");
	if (kev && (m->kev != 0) != (int)kev->i)
		return 0;
	if (!score_ok(r, "epss_score", m->epss) || !score_ok(r, "epss_percentile", m->epss_percentile))
		return 0;
	int need_dates = policy__param(r, "max_days_since_creation") || policy__param(r, "max_days_since_fix") ||
			 policy__param(r, "cvss_v3_base_score") || policy__param(r, "cvss_v3_exploitability_score") ||
			 policy__param(r, "cvss_v3_impact_score");
	if (need_dates && (err = dates_of(c, m, d)) < 0)
		return err;
	scores_of(m, *d, sc);
	long long days = policy__int(r, "max_days_since_creation", -1);
	if (days >= 0 && (*d)->published >= 0 && (*d)->published > c->now - days * 86400)
		return 0; /* too recent for this rule */
	long long fdays = policy__int(r, "max_days_since_fix", -1);
	if (fdays >= 0 && fix && fix->i && (*d)->fixed >= 0 && (*d)->fixed > c->now - fdays * 86400)
		return 0;
	return score_ok(r, "cvss_v3_base_score", sc->base) && score_ok(r, "cvss_v3_exploitability_score", sc->expl) &&
	       score_ok(r, "cvss_v3_impact_score", sc->impact) && score_ok(r, "vendor_cvss_v3_base_score", sc->vbase) &&
	       score_ok(r, "vendor_cvss_v3_exploitability_score", sc->vexpl) &&
	       score_ok(r, "vendor_cvss_v3_impact_score", sc->vimpact);
}

static int need_matches(pctx *c)
{
	if (c->o->matches)
		return 0;
	return customs__error(CUSTOMS_ENOTFOUND, "no vulnerability matches to evaluate (no vulnerability database)");
}

/* Python's str() of a float: "5.0", "9.8", "-1.0". */
static void pyfloat(char *buf, size_t n, double v)
{
	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, n, "%.1f", v);
	else
		snprintf(buf, n, "%g", v);
}

/* "(name=value name=value)" of the scores a rule names, as Anchore's
 * message has them (a score of 0 is left out, as Python's falsy 0.0). */
static void scores_text(char *buf, size_t n, const prule *r, const char *const *names, const double *vals, size_t k)
{
	size_t off = 0;
	char v[32];
	buf[0] = '\0';
	for (size_t i = 0; i < k && off < n; i++)
		if (policy__param(r, names[i]) && vals[i] != 0) {
			pyfloat(v, sizeof(v), vals[i]);
			off += (size_t)snprintf(buf + off, n - off, "%s%s=%s", off ? " " : "(", names[i], v);
		}
	if (off && off < n)
		snprintf(buf + off, n - off, ")");
}

static void day_text(char *buf, size_t n, long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, n, "%Y-%m-%d", &tm);
}

/* "(max_days_since_creation=DAY max_days_since_fix=DAY)" for the ages a rule names. */
static void times_text(char *buf, size_t n, const prule *r, const vuln_dates *d)
{
	size_t off = 0;
	char day[16];
	buf[0] = '\0';
	if (d && policy__param(r, "max_days_since_creation") && d->published >= 0) {
		day_text(day, sizeof(day), d->published);
		off += (size_t)snprintf(buf, n, "(max_days_since_creation=%s", day);
	}
	if (d && policy__param(r, "max_days_since_fix") && d->fixed >= 0 && off < n) {
		day_text(day, sizeof(day), d->fixed);
		off += (size_t)snprintf(buf + off, n - off, "%smax_days_since_fix=%s", off ? " " : "(", day);
	}
	if (off && off < n)
		snprintf(buf + off, n - off, ")");
}

static int package_eval(pctx *c, const prule *r)
{
	int err;
	if ((err = need_matches(c)) < 0)
		return err;
	const customs_match_result *res = c->o->matches;
	for (size_t i = 0; i < res->n; i++) {
		const customs_match *m = &res->matches[i];
		scores sc;
		const vuln_dates *d;
		char fix[512] = "", sm[256], vsm[256], tm[128], inst[512];
		if (!customs_match_active(m))
			continue;
		if ((err = selected(c, r, m, &sc, &d)) <= 0) {
			if (err < 0)
				return err;
			continue;
		}
		size_t off = 0;
		for (size_t k = 0; k < m->nfixed && off < sizeof(fix); k++)
			off += (size_t)snprintf(fix + off, sizeof(fix) - off, "%s%s",
						k ? ", " : "(fixed in: ", m->fixed[k]);
		if (off && off < sizeof(fix))
			snprintf(fix + off, sizeof(fix) - off, ")");
		static const char *const nvd[] = {"cvss_v3_base_score", "cvss_v3_exploitability_score",
						  "cvss_v3_impact_score"};
		static const char *const ven[] = {"vendor_cvss_v3_base_score", "vendor_cvss_v3_exploitability_score",
						  "vendor_cvss_v3_impact_score"};
		scores_text(sm, sizeof(sm), r, nvd, (double[]){sc.base, sc.expl, sc.impact}, 3);
		scores_text(vsm, sizeof(vsm), r, ven, (double[]){sc.vbase, sc.vexpl, sc.vimpact}, 3);
		times_text(tm, sizeof(tm), r, d);
		instance_name(inst, sizeof(inst), m);
		char id[1024];
		snprintf(id, sizeof(id), "%s+%s", m->id, inst);
		const char *pkgname = is_os(m) ? m->name : m->location ? m->location : m->name;
		char sev[16];
		snprintf(sev, sizeof(sev), "%s", customs_severity_name(m->severity));
		for (char *p = sev; *p; p++)
			*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
		if ((err = policy__fire(c, r, id, m->layer, m->location, m,
					"%s Vulnerability found in %s package type (%s) - %s %s%s%s%s(%s - %s)", sev,
					is_os(m) ? "os" : "non-os", m->type ? m->type : "?", pkgname, fix, sm, tm, vsm,
					m->id, link_of(m->id))) < 0)
			return err;
	}
	return 0;
}

static int kev_eval(pctx *c, const prule *r)
{
	int err;
	char inst[512], id[1024];
	if ((err = need_matches(c)) < 0)
		return err;
	const customs_match_result *res = c->o->matches;
	for (size_t i = 0; i < res->n; i++) {
		const customs_match *m = &res->matches[i];
		if (!customs_match_active(m) || !m->kev)
			continue;
		instance_name(inst, sizeof(inst), m);
		snprintf(id, sizeof(id), "%s+%s", m->id, inst);
		if ((err = policy__fire(c, r, id, m->layer, m->location, m,
					"%s in %s %s is in CISA's Known Exploited Vulnerabilities catalog (added %s)",
					m->id, m->name, m->version ? m->version : "",
					m->kev_date_added ? m->kev_date_added : "?")) < 0)
			return err;
	}
	return 0;
}

/* Anchore's blacklist: one finding listing every listed id found (by any
 * of the match's ids: the CVE, its advisories, its aliases). */
static int denylist_eval(pctx *c, const prule *r)
{
	const pvalue *ids = policy__param(r, "vulnerability_ids");
	int vendor_only = policy__bool(r, "vendor_only", 1), err;
	char found[2048] = "";
	size_t off = 0, n = 0;
	if ((err = need_matches(c)) < 0)
		return err;
	const customs_match_result *res = c->o->matches;
	for (size_t k = 0; ids && k < ids->nlist; k++) {
		for (size_t i = 0; i < res->n; i++) {
			const customs_match *m = &res->matches[i];
			if (!customs_match_active(m) || (vendor_only && m->fix_state == CUSTOMS_FIX_WONT_FIX))
				continue;
			if (!match__has_id(m->ids, m->nids, ids->list[k]))
				continue;
			if (off < sizeof(found))
				off += (size_t)snprintf(found + off, sizeof(found) - off, "%s'%s'", n ? ", " : "",
							ids->list[k]);
			n++;
			break;
		}
	}
	if (!n)
		return 0;
	return policy__fire(c, r, NULL, -1, NULL, NULL, "%s vulnerabilities detected: [%s]",
			    strstr(r->trigger_name, "deny") ? "Denylisted" : "Blacklisted", found);
}

/* customs: more than N matches that pass the package filters. */
static int aggregate_eval(pctx *c, const prule *r)
{
	long long count = policy__int(r, "count", 0), n = 0;
	const char *op = policy__str(r, "count_comparison");
	int err;
	if ((err = need_matches(c)) < 0)
		return err;
	const customs_match_result *res = c->o->matches;
	for (size_t i = 0; i < res->n; i++) {
		scores sc;
		const vuln_dates *d;
		if (!customs_match_active(&res->matches[i]))
			continue;
		if ((err = selected(c, r, &res->matches[i], &sc, &d)) < 0)
			return err;
		n += err;
	}
	if (!policy__cmp(op ? op : ">", (double)n, (double)count))
		return 0;
	const char *sev = policy__str(r, "severity"), *sevop = policy__str(r, "severity_comparison");
	char id[128];
	snprintf(id, sizeof(id), "aggregate+%s%s", sevop ? sevop : ">", sev ? sev : "unknown");
	return policy__fire(c, r, id, -1, NULL, NULL, "%lld vulnerabilities with severity %s %s%s%s: count %s %lld", n,
			    sevop ? sevop : ">", sev ? sev : "unknown", policy__str(r, "package_type") ? " in " : "",
			    policy__str(r, "package_type") ? policy__str(r, "package_type") : "", op ? op : ">", count);
}

/* The distro's namespace as the matcher names it ("debian:12"). */
static const char *distro_ns(const pctx *c, char *buf, size_t n)
{
	if (c->o->matches && c->o->matches->distro_ns)
		return c->o->matches->distro_ns;
	if (!c->a->distro.id)
		return NULL;
	snprintf(buf, n, "%s:%s", c->a->distro.id, c->a->distro.version_id ? c->a->distro.version_id : "");
	return buf;
}

static int unavailable_eval(pctx *c, const prule *r)
{
	char buf[256];
	const char *ns = distro_ns(c, buf, sizeof(buf));
	int have = 0;
	if (ns && c->o->db && customs_vulndb_has_namespace(c->o->db, ns, &have) < 0)
		return customs__error(CUSTOMS_EIO, "%s", customs_error_last());
	if (have)
		return 0;
	return policy__fire(
		c, r, NULL, -1, NULL, NULL,
		"Distro-specific feed data not found for distro namespace: %s. Cannot perform CVE scan OS/distro "
		"packages",
		ns ? ns : "unknown");
}

/* When a feed's data is from: its newest record, else its server's date,
 * else when it was imported. */
static long long feed_time(const customs_vulndb_source *x)
{
	long long t = day_of(x->newest);
	if (t < 0)
		t = policy__parse_time(x->last_modified, 0);
	if (t < 0)
		t = day_of(x->imported_at);
	return t;
}

/* The feeds that matched in the distro's namespace; none: every
 * vulnerability feed (not the NVD, EPSS and KEV enrichment). */
static int stale_eval(pctx *c, const prule *r)
{
	long long max = policy__int(r, "max_days_since_sync", 0), oldest = -1;
	const customs_vulndb_info *info = c->o->db_info;
	char buf[256];
	const char *ns = distro_ns(c, buf, sizeof(buf));
	int any = 0;
	for (int pass = 0; info && pass < 2 && !any; pass++)
		for (size_t i = 0; i < info->nsources; i++) {
			const customs_vulndb_source *x = &info->sources[i];
			int used = 0;
			for (size_t k = 0; pass == 0 && ns && c->o->matches && k < c->o->matches->n && !used; k++)
				for (size_t j = 0; j < c->o->matches->matches[k].nrecords && !used; j++) {
					const customs_match_record *rec = &c->o->matches->matches[k].records[j];
					used = rec->ns && rec->source && !strcmp(rec->ns, ns) &&
					       !strcmp(rec->source, x->name);
				}
			if (pass == 1)
				used = x->kind && strcmp(x->kind, "nvd") && strcmp(x->kind, "epss") &&
				       strcmp(x->kind, "kev");
			if (!used)
				continue;
			any = 1;
			long long t = feed_time(x);
			if (t >= 0 && (oldest < 0 || t < oldest))
				oldest = t;
		}
	if (oldest >= 0 && oldest >= c->now - max * 86400)
		return 0;
	return policy__fire(c, r, NULL, -1, NULL, NULL,
			    "The vulnerability feed for this image distro is older than MAXAGE (%lld) days", max);
}

/* Allowlist item "ID+PACKAGE" that silenced nothing: does the database
 * say the version installed is past the fix? */
typedef struct stale_q {
	const customs_package *p;
	const char *ns, *name, *version;
	char fixed[128]; /* a copy: the entry is gone when the callback returns */
} stale_q;

static int stale_entry(void *ud, const customs_vuln_affected *e)
{
	stale_q *q = ud;
	customs_match_eval ev;
	if (!e->ns || strcmp(e->ns, q->ns) || !e->package || strcmp(e->package, q->name) || !e->nfixed)
		return 0;
	if (customs_match_entry(&ev, e, q->version) < 0) {
		customs_error_clear();
		return 0;
	}
	if (!ev.affected) {
		snprintf(q->fixed, sizeof(q->fixed), "%s", e->fixed[0]);
		return 1;
	}
	return 0;
}

int policy__stale(pctx *c, const customs_policy_allowlist_item *it, char *msg, size_t n)
{
	const char *plus = it->trigger_id ? strchr(it->trigger_id, '+') : NULL;
	char vid[256], dns[256];
	if (!plus || !c->o->db || strchr(it->trigger_id, '*') || (size_t)(plus - it->trigger_id) >= sizeof(vid))
		return 0;
	snprintf(vid, sizeof(vid), "%.*s", (int)(plus - it->trigger_id), it->trigger_id);
	const char *dist = distro_ns(c, dns, sizeof(dns));
	for (size_t i = 0; i < c->a->npackages; i++) {
		const customs_package *p = c->a->packages[i];
		if (!p->visible || !p->name || strcmp(p->name, plus + 1) || !p->type)
			continue;
		int os = match__is_distro_type(p->type);
		stale_q q = {p, os ? dist : match__lang_ns(p->type), NULL, NULL, ""};
		char *norm = NULL;
		if (!q.ns)
			continue;
		q.version = os && !strcmp(p->type, "deb") && p->source_version ? p->source_version : p->version;
		if (customs_vulndb_normalize_name(&norm, q.ns, os && p->source_name ? p->source_name : p->name) < 0)
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		q.name = norm;
		/* the id and its aliases: a CVE's npm entries are under its GHSA id */
		customs_vuln_group *g = NULL;
		int rc = 0;
		if (customs_vulndb_group(c->o->db, vid, &g) < 0)
			customs_error_clear();
		for (size_t k = 0; q.version && g && k < g->n && rc == 0; k++)
			if (g->refs[k].relation == CUSTOMS_VULN_SELF || g->refs[k].relation == CUSTOMS_VULN_ALIAS)
				rc = customs_vulndb_affected_by_id(c->o->db, g->refs[k].id, stale_entry, &q);
		if (q.version && !g)
			rc = customs_vulndb_affected_by_id(c->o->db, vid, stale_entry, &q);
		customs_vuln_group_free(g);
		free(norm);
		if (rc < 0)
			customs_error_clear();
		if (rc == 1) {
			snprintf(msg, n, "allowlist %s item %s (%s) is stale: %s is fixed in %s %s (fixed in %s)",
				 it->allowlist_id ? it->allowlist_id : "?", it->id ? it->id : "(no id)", it->trigger_id,
				 vid, p->name, p->version ? p->version : "", q.fixed);
			return 1;
		}
	}
	return 0;
}

/* ---- the table ---- */

static const customs_policy_param package_params[] = {
	P("package_type", CUSTOMS_POLICY_PARAM_ENUM, 1, package_types, "all",
	  "Only trigger for specific package type."),
	P("severity_comparison", CUSTOMS_POLICY_PARAM_ENUM, 0, policy__comparisons, ">",
	  "The type of comparison to perform for severity evaluation (default >)."),
	P("severity", CUSTOMS_POLICY_PARAM_ENUM, 0, policy__severities, "high",
	  "Severity to compare against (default unknown: with the default comparison, every known severity)."),
	P("cvss_v3_base_score_comparison", CUSTOMS_POLICY_PARAM_ENUM, 0, policy__comparisons, ">",
	  "The type of comparison to perform for CVSS v3 base score evaluation (default >=)."),
	P("cvss_v3_base_score", CUSTOMS_POLICY_PARAM_FLOAT, 0, NULL, "5.0",
	  "CVSS v3 base score (NVD's) to compare against; a vulnerability without one has -1."),
	P("cvss_v3_exploitability_score_comparison", CUSTOMS_POLICY_PARAM_ENUM, 0, policy__comparisons, ">",
	  "The type of comparison to perform for CVSS v3 exploitability sub score evaluation (default >=)."),
	P("cvss_v3_exploitability_score", CUSTOMS_POLICY_PARAM_FLOAT, 0, NULL, "5.0",
	  "CVSS v3 exploitability sub score (from NVD's vector) to compare against."),
	P("cvss_v3_impact_score_comparison", CUSTOMS_POLICY_PARAM_ENUM, 0, policy__comparisons, ">",
	  "The type of comparison to perform for CVSS v3 impact sub score evaluation (default >=)."),
	P("cvss_v3_impact_score", CUSTOMS_POLICY_PARAM_FLOAT, 0, NULL, "5.0",
	  "CVSS v3 impact sub score (from NVD's vector) to compare against."),
	P("fix_available", CUSTOMS_POLICY_PARAM_BOOL, 0, NULL, "true",
	  "If present, the fix availability for the vulnerability record must match the value of this parameter."),
	P("vendor_only", CUSTOMS_POLICY_PARAM_BOOL, 0, NULL, "true",
	  "If True (the default), an available fix for this CVE must not be explicitly marked as wont be addressed by "
	  "the vendor."),
	P("max_days_since_creation", CUSTOMS_POLICY_PARAM_INT, 0, NULL, "7",
	  "If provided, this CVE must be older than the days provided to trigger: days since it was published (NVD, "
	  "else the feed)."),
	P("max_days_since_fix", CUSTOMS_POLICY_PARAM_INT, 0, NULL, "30",
	  "If provided (only evaluated when fix_available option is also set to true), the fix first observed time "
	  "must be older than days provided, to trigger: the date of the first advisory (DSA, DLA, GHSA...) that "
	  "shipped the fix.  With no such date known the rule fires."),
	P("vendor_cvss_v3_base_score_comparison", CUSTOMS_POLICY_PARAM_ENUM, 0, policy__comparisons, ">",
	  "The type of comparison to perform for vendor specified CVSS v3 base score evaluation (default >=)."),
	P("vendor_cvss_v3_base_score", CUSTOMS_POLICY_PARAM_FLOAT, 0, NULL, "5.0",
	  "Vendor CVSS v3 base score (the feed's own) to compare against."),
	P("vendor_cvss_v3_exploitability_score_comparison", CUSTOMS_POLICY_PARAM_ENUM, 0, policy__comparisons, ">",
	  "The type of comparison to perform for vendor specified CVSS v3 exploitability sub score evaluation "
	  "(default >=)."),
	P("vendor_cvss_v3_exploitability_score", CUSTOMS_POLICY_PARAM_FLOAT, 0, NULL, "5.0",
	  "Vendor CVSS v3 exploitability sub score to compare against."),
	P("vendor_cvss_v3_impact_score_comparison", CUSTOMS_POLICY_PARAM_ENUM, 0, policy__comparisons, ">",
	  "The type of comparison to perform for vendor specified CVSS v3 impact sub score evaluation (default >=)."),
	P("vendor_cvss_v3_impact_score", CUSTOMS_POLICY_PARAM_FLOAT, 0, NULL, "5.0",
	  "Vendor CVSS v3 impact sub score to compare against."),
	P("package_path_exclude", CUSTOMS_POLICY_PARAM_REGEX, 0, NULL, ".*test\\.jar*",
	  "The regex to evaluate against the package path to exclude vulnerabilities (non-OS packages)."),
	P("inherited_from_base", CUSTOMS_POLICY_PARAM_BOOL, 0, NULL, "false",
	  "customs: true, only vulnerabilities of packages the base image's layers added; false, only those of the "
	  "image's own layers (the base from --base-layers)."),
	P("kev", CUSTOMS_POLICY_PARAM_BOOL, 0, NULL, "true",
	  "customs: true, only vulnerabilities in CISA's KEV catalog; false, only those not in it."),
	P("epss_score_comparison", CUSTOMS_POLICY_PARAM_ENUM, 0, policy__comparisons,
	  ">=", "customs: the comparison for epss_score (default >=)."),
	P("epss_score", CUSTOMS_POLICY_PARAM_FLOAT, 0, NULL, "0.1",
	  "customs: EPSS probability (0 to 1) to compare against; a vulnerability without one has -1."),
	P("epss_percentile_comparison", CUSTOMS_POLICY_PARAM_ENUM, 0, policy__comparisons,
	  ">=", "customs: the comparison for epss_percentile (default >=)."),
	P("epss_percentile", CUSTOMS_POLICY_PARAM_FLOAT, 0, NULL, "0.9",
	  "customs: EPSS percentile (0 to 1) to compare against."),
	{0},
};

static const trigger_def vuln_package = {
	.pub = {"package", "Triggers if a found vulnerability in an image meets the comparison criteria.",
		package_params, NULL, "anchore-engine", CUSTOMS_POLICY_NEEDS_MATCHES},
	.eval = package_eval,
};

static const customs_policy_param stale_params[] = {
	P("max_days_since_sync", CUSTOMS_POLICY_PARAM_INT, 1, NULL, "10",
	  "Fire the trigger if the data of the distro's feeds is more than this number of days old."),
	{0},
};

static const trigger_def vuln_stale = {
	.pub = {"stale_feed_data",
		"Triggers if the CVE data for the image's distro is older than the window specified by the parameter "
		"MAXAGE "
		"(unit is number of days): the date of the newest record of the feeds that matched the distro (every "
		"feed "
		"when none did).",
		stale_params, NULL, "anchore-engine", CUSTOMS_POLICY_NEEDS_MATCHES},
	.eval = stale_eval,
};

static const customs_policy_param none[] = {{0}};

static const trigger_def vuln_unavailable = {
	.pub = {"vulnerability_data_unavailable",
		"Triggers if vulnerability data is unavailable for the image's distro packages such as rpms or dpkg. "
		"Non-OS "
		"packages like npms and java are not considered in this evaluation",
		none, NULL, "anchore-engine", CUSTOMS_POLICY_NEEDS_MATCHES},
	.eval = unavailable_eval,
};

static const customs_policy_param denylist_params[] = {
	P("vulnerability_ids", CUSTOMS_POLICY_PARAM_LIST, 1, NULL, "CVE-2019-1234",
	  "List of vulnerability IDs, will cause the trigger to fire if any are detected (by any id of a finding: "
	  "the CVE, an advisory, an alias)."),
	P("vendor_only", CUSTOMS_POLICY_PARAM_BOOL, 0, NULL, "true",
	  "If set to True (the default), discard matches against this vulnerability if vendor has marked as will not "
	  "fix in the vulnerability record."),
	{0},
};

static const char *const denylist_aliases[] = {"denylist", NULL};

static const trigger_def vuln_denylist = {
	.pub = {"blacklist", "Triggers if any of a list of specified vulnerabilities has been detected in the image.",
		denylist_params, denylist_aliases, "anchore-engine", CUSTOMS_POLICY_NEEDS_MATCHES},
	.eval = denylist_eval,
};

static const trigger_def vuln_kev = {
	.pub = {"kev_list",
		"Triggers for every vulnerability found that is in CISA's Known Exploited Vulnerabilities catalog.",
		none, NULL, "anchore-enterprise", CUSTOMS_POLICY_NEEDS_MATCHES},
	.eval = kev_eval,
};

static const customs_policy_param aggregate_params[] = {
	P("count", CUSTOMS_POLICY_PARAM_INT, 1, NULL, "10", "The number of vulnerabilities to compare against."),
	P("count_comparison", CUSTOMS_POLICY_PARAM_ENUM, 0, policy__comparisons, ">",
	  "The comparison of the number found with count (default >: fire when more than count are found)."),
	P("package_type", CUSTOMS_POLICY_PARAM_ENUM, 0, package_types, "all", "Only count specific package types."),
	P("severity_comparison", CUSTOMS_POLICY_PARAM_ENUM, 0, policy__comparisons,
	  ">=", "The comparison for severity (default >)."),
	P("severity", CUSTOMS_POLICY_PARAM_ENUM, 0, policy__severities, "high", "Severity to compare against."),
	P("fix_available", CUSTOMS_POLICY_PARAM_BOOL, 0, NULL, "true",
	  "Only count those with (true) or without a fix."),
	P("vendor_only", CUSTOMS_POLICY_PARAM_BOOL, 0, NULL, "true",
	  "If True (the default), do not count what the vendor will not fix."),
	P("inherited_from_base", CUSTOMS_POLICY_PARAM_BOOL, 0, NULL, "false",
	  "Only count those of the base image's layers (true) or of the image's own (false)."),
	P("kev", CUSTOMS_POLICY_PARAM_BOOL, 0, NULL, "true",
	  "Only count those in (true) or not in CISA's KEV catalog."),
	{0},
};

static const trigger_def vuln_aggregate = {
	.pub = {"aggregate",
		"Triggers once when the number of vulnerabilities that pass the filters is over a threshold: STOP when "
		"there "
		"are more than N at a severity, not on the first one.",
		aggregate_params, NULL, "customs", CUSTOMS_POLICY_NEEDS_MATCHES},
	.eval = aggregate_eval,
};

static const customs_policy_trigger *const vuln_triggers[] = {
	&vuln_package.pub,
	&vuln_stale.pub,
	&vuln_unavailable.pub,
	&vuln_denylist.pub,
	&vuln_kev.pub,
	&vuln_aggregate.pub,
	NULL,
};

const gate_def policy__gate_vulnerabilities = {
	{"vulnerabilities", "CVE/Vulnerability checks.", vuln_triggers, "anchore-engine"}};
