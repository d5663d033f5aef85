/* match.c - an analysis against the vulnerability database: which packages
 * are affected by what (the rules in customs/match.h).  The driver of the
 * matcher's phases (plan and look up, match_lookup.c; build the matches,
 * match_fold.c; suppress, match_rules.c), its result, and a match as JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "customs/match.h"
#include "core/distro.h"
#include "vuln/match_int.h"

/* 1 when s is in the comma-separated list (blanks and case ignored). */
static int in_list(const char *list, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	for (const char *p = list; p && n && *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		while (len && *p == ' ')
			p++, len--;
		while (len && p[len - 1] == ' ')
			len--;
		if (len == n && !strncasecmp(p, s, n))
			return 1;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

/* What suppresses a match: VEX and ignore rules, then the options. */
static int suppress(struct ctx *c, customs_match *m)
{
	int err;

	if ((err = match__rules_apply(c->o->rules, m, c->a->image.manifest_digest, c->today, c->ar)) < 0)
		return err;
	if (!m->suppressed && c->o->hide_status && m->status && in_list(c->o->hide_status, m->status)) {
		m->suppressed = CUSTOMS_SUPPRESS_STATUS;
		m->suppressed_reason = customs_arena_printf(c->ar, "distro status %s is hidden (--hide-status)", m->status);
	}
	if (!m->suppressed && c->o->only_fixed &&
	    (m->fix_state == CUSTOMS_FIX_NOT_FIXED || m->fix_state == CUSTOMS_FIX_WONT_FIX)) {
		m->suppressed = CUSTOMS_SUPPRESS_ONLY_FIXED;
		m->suppressed_reason = customs_arena_printf(c->ar, "no fix available (%s) and --only-fixed",
							    customs_fix_state_name(m->fix_state));
	}
	return m->suppressed && !m->suppressed_reason ? match__oom() : 0;
}

/* ---- the driver ---- */

static int cmp_match(const void *x, const void *y)
{
	const customs_match *a = x, *b = y;
	int c;
	if (a->severity != b->severity)
		return (int)b->severity - (int)a->severity;
	if (a->cvss_score != b->cvss_score)
		return a->cvss_score < b->cvss_score ? 1 : -1;
	if ((c = strcmp(a->id, b->id)))
		return c;
	if ((c = strcmp(a->name ? a->name : "", b->name ? b->name : "")))
		return c;
	if ((c = strcmp(a->version ? a->version : "", b->version ? b->version : "")))
		return c;
	if ((c = strcmp(a->location ? a->location : "", b->location ? b->location : "")))
		return c;
	return (a->package_index > b->package_index) - (a->package_index < b->package_index);
}

struct owned_result {
	customs_match_result r;
	customs_arena ar;
	customs_arena *xar;
	size_t nxar;
	customs_match *m;
	const char **warn, **notes;
};

void customs_match_result_free(customs_match_result *r)
{
	struct owned_result *o = (struct owned_result *)r;
	if (!o)
		return;
	free(o->m);
	free(o->warn);
	free(o->notes);
	for (size_t i = 0; i < o->nxar; i++)
		customs_arena_release(&o->xar[i]);
	free(o->xar);
	customs_arena_release(&o->ar);
	free(o);
}

int customs_match_active(const customs_match *m)
{
	return m && m->suppressed == CUSTOMS_SUPPRESS_NONE;
}

static int same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static int same_row(const customs_match *a, const customs_match *b)
{
	return !strcmp(a->id, b->id) && same_str(a->type, b->type) && same_str(a->name, b->name) &&
	       same_str(a->version, b->version) && same_str(a->purl, b->purl) &&
	       customs_match_active(a) == customs_match_active(b);
}

int customs_match_repeated(const customs_match_result *r, size_t i)
{
	const customs_match *m = &r->matches[i];
	for (size_t j = i; j-- > 0 && !strcmp(r->matches[j].id, m->id);)
		if (same_row(&r->matches[j], m))
			return 1;
	return 0;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What one package looks up, decided before any match is built. */
struct prefetch {
	struct ctx *c;
	const struct plan *plans;
	size_t n;
	int err, ran;
};

static int prefetch_all(struct ctx *c, const struct plan *plans, size_t n)
{
	struct vinfo *v;
	int err;
	for (size_t i = 0; i < n; i++)
		for (size_t li = 0; li < plans[i].k.nnames; li++)
			for (size_t k = 0; k < plans[i].lks[li]->nents; k++) {
				const struct ent *e = &plans[i].lks[li]->ents[k];
				if (e->affected && (err = match__get_vinfo(c, e->rec.id, e->rec.source, &v)) < 0)
					return err;
			}
	return 0;
}

static int prefetch_cb(void *ud, const customs_vuln_affected *a)
{
	struct prefetch *p = ud;
	(void)a;
	p->ran = 1;
	p->err = prefetch_all(p->c, p->plans, p->n);
	return 1; /* stop: one row was all it took */
}

/* The record reads run inside a callback of an entry query: its statement
 * holds SQLite's read transaction open, so the thousands of small reads
 * below do not each take and drop the file lock (which costs more than
 * the reads themselves). */
static int prefetch(struct ctx *c, const struct plan *plans, size_t n)
{
	struct prefetch p = {c, plans, n, 0, 0};
	const char *first = NULL;
	for (size_t i = 0; i < n && !first; i++)
		for (size_t li = 0; li < plans[i].k.nnames && !first; li++)
			for (size_t k = 0; k < plans[i].lks[li]->nents && !first; k++)
				if (plans[i].lks[li]->ents[k].affected)
					first = plans[i].lks[li]->ents[k].rec.id;
	if (!first)
		return 0;
	int err = customs_vulndb_affected_by_id(c->db, first, prefetch_cb, &p);
	if (err < 0)
		return err;
	return p.ran ? p.err : prefetch_all(c, plans, n);
}

/* Phase 3 for one package: its matches.  Returns 1 when it has any. */

/* Rules that stopped applying are said once, up front. */
static int say(void *ud, const char *msg)
{
	return match__warn(ud, "%s", msg);
}

int customs_match_analysis(customs_match_result **out, customs_vulndb *db, const customs_analysis *a,
			   const customs_match_opts *opts)
{
	static const customs_match_opts defaults = {.version = CUSTOMS_MATCH_OPTS_VERSION};
	struct owned_result *o;
	struct ctx c;
	struct plan *plans = NULL;
	size_t nplans = 0;
	char *dns = NULL;
	int err = 0, distro_data = 0;
	double t0 = now_seconds();

	if (!out || !db || !a)
		return customs__error(CUSTOMS_EINVAL, "match: NULL argument");
	*out = NULL;
	if (!opts)
		opts = &defaults;
	if (opts->version != CUSTOMS_MATCH_OPTS_VERSION)
		return customs__error(CUSTOMS_EINVAL, "match: options version %u, this library has %d", opts->version,
				      CUSTOMS_MATCH_OPTS_VERSION);
	if (!(o = calloc(1, sizeof(*o))))
		return match__oom();
	memset(&c, 0, sizeof(c));
	c.db = db;
	c.a = a;
	c.o = opts;
	c.ar = &o->ar;
	if (opts->today && match__valid_date(opts->today)) {
		snprintf(c.today, sizeof(c.today), "%.10s", opts->today);
	} else {
		time_t t = time(NULL);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(c.today, sizeof(c.today), "%Y-%m-%d", &tm);
	}

	/* rules that stopped applying are said once, up front */
	if ((err = match__rules_expired(opts->rules, c.today, say, &c)) < 0)
		goto done;
	if (opts->explain_id) {
		customs_vuln_group *g = NULL;
		int e2 = customs_vulndb_group(db, opts->explain_id, &g);
		if (e2 < 0 && e2 != CUSTOMS_ENOTFOUND) {
			err = e2;
			goto done;
		}
		const char *self = customs_arena_strdup(c.ar, opts->explain_id);
		if (!self || customs_strmap_put(&c.explain, self, (void *)1) < 0) {
			customs_vuln_group_free(g);
			err = match__oom();
			goto done;
		}
		for (size_t i = 0; g && i < g->n; i++) {
			const char *id = customs_arena_strdup(c.ar, g->refs[i].id);
			if (!id || customs_strmap_put(&c.explain, id, (void *)1) < 0) {
				customs_vuln_group_free(g);
				err = match__oom();
				goto done;
			}
		}
		customs_vuln_group_free(g);
	}

	dns = customs__distro_namespace(&a->distro);
	o->r.distro_ns = customs_arena_strdup(c.ar, dns);
	int ndistro = 0;
	for (size_t i = 0; i < a->npackages; i++)
		ndistro += a->packages[i]->visible && match__is_distro_type(a->packages[i]->type);
	if (dns && (err = customs_vulndb_has_namespace(db, dns, &distro_data)) < 0)
		goto done;
	if (ndistro && !distro_data &&
	    (err = match__warn(&c, "the vulnerability database has no data for %s: its %d distro packages were not checked",
			dns ? dns : "this image's distro (no os-release)", ndistro)) < 0)
		goto done;

	/* distro packages first: the language packages they installed look
	 * their owners' entries up */
	plans = calloc(a->npackages ? a->npackages : 1, sizeof(*plans));
	if (!plans) {
		err = match__oom();
		goto done;
	}
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < a->npackages; i++) {
			const customs_package *p = a->packages[i];
			if (!p->visible || !p->type || match__is_distro_type(p->type) != (pass == 0))
				continue;
			if (pass == 0 || match__lang_ns(p->type))
				o->r.packages++;
			if ((err = match__plan_package(&c, i, dns, distro_data, &plans[nplans])) < 0)
				goto done;
			nplans += (size_t)err;
			err = 0;
		}
	if ((err = match__fill_pending(&c)) < 0 || (err = prefetch(&c, plans, nplans)) < 0)
		goto done;
	for (size_t i = 0; i < nplans; i++) {
		if ((err = match__package(&c, &plans[i])) < 0)
			goto done;
		o->r.packages_matched += (size_t)err;
		err = 0;
	}
	for (size_t i = 0; i < c.n; i++)
		if ((err = suppress(&c, &c.m[i])) < 0)
			goto done;
	if (c.n)
		qsort(c.m, c.n, sizeof(*c.m), cmp_match);

done:
	free(plans);
	free(dns);
	free(c.ents);
	free(c.pending);
	o->xar = c.xar;
	o->nxar = c.nxar;
	customs_strmap_release(&c.nsdata);
	customs_strmap_release(&c.lookups);
	customs_strmap_release(&c.vinfos);
	free(c.owners);
	customs_strmap_release(&c.explain);
	customs_strmap_release(&c.warned);
	o->m = c.m;
	o->warn = c.warn;
	o->notes = c.notes;
	o->r.matches = c.m;
	o->r.n = c.n;
	o->r.warnings = c.warn;
	o->r.nwarnings = c.nwarn;
	o->r.notes = c.notes;
	o->r.nnotes = c.nnotes;
	o->r.seconds = now_seconds() - t0;
	if (err < 0) {
		customs_match_result_free(&o->r);
		return err;
	}
	*out = &o->r;
	return 0;
}

/* ====================================================================== */
/* JSON                                                                    */
/* ====================================================================== */

static json_t *js(const char *s) { return s ? json_string(s) : json_null(); }

static json_t *jlist(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *jscore(double d) { return d >= 0 ? json_real(d) : json_null(); }

json_t *customs_match_to_json(const customs_match *m, const customs_analysis *a)
{
	json_t *o = json_object(), *pk = json_object(), *recs = json_array(), *sev = json_object(), *fix = json_object();
	if (!m || !o)
		return o;
	json_object_set_new(o, "id", js(m->id));
	json_object_set_new(o, "ids", jlist(m->ids, m->nids));
	json_object_set_new(o, "summary", js(m->summary));

	json_object_set_new(pk, "index", json_integer((json_int_t)m->package_index));
	json_object_set_new(pk, "name", js(m->name));
	json_object_set_new(pk, "version", js(m->version));
	json_object_set_new(pk, "type", js(m->type));
	json_object_set_new(pk, "purl", js(m->purl));
	json_object_set_new(pk, "location", js(m->location));
	json_object_set_new(pk, "layer", m->layer >= 0 ? json_integer(m->layer) : json_null());
	json_object_set_new(pk, "layer_digest",
			    a && m->layer >= 0 && (size_t)m->layer < a->nlayers ? js(a->layers[m->layer].digest) : json_null());
	json_object_set_new(pk, "source_name", js(m->package ? m->package->source_name : NULL));
	json_object_set_new(pk, "source_version", js(m->package ? m->package->source_version : NULL));
	json_object_set_new(o, "package", pk);
	json_object_set_new(o, "installed_version", js(m->version));
	json_object_set_new(o, "compared_version", js(m->installed));

	json_object_set_new(fix, "state", json_string(customs_fix_state_name(m->fix_state)));
	json_object_set_new(fix, "versions", jlist(m->fixed, m->nfixed));
	json_object_set_new(o, "fix", fix);

	json_object_set_new(sev, "bucket", json_string(customs_severity_name(m->severity)));
	json_object_set_new(sev, "source", js(m->severity_source));
	json_object_set_new(sev, "label", js(m->severity_label));
	json_object_set_new(sev, "distro_severity", js(m->distro_severity));
	json_object_set_new(sev, "cvss_score", jscore(m->cvss_score));
	json_object_set_new(sev, "cvss_vector", js(m->cvss_vector));
	json_object_set_new(sev, "cvss_from", js(m->cvss_from));
	json_object_set_new(o, "severity", sev);
	if (m->epss >= 0) {
		json_t *e = json_object();
		json_object_set_new(e, "score", json_real(m->epss));
		json_object_set_new(e, "percentile", jscore(m->epss_percentile));
		json_object_set_new(e, "date", js(m->epss_date));
		json_object_set_new(o, "epss", e);
	} else {
		json_object_set_new(o, "epss", json_null());
	}
	json_object_set_new(o, "kev", json_boolean(m->kev));
	json_object_set_new(o, "kev_date_added", js(m->kev_date_added));

	json_object_set_new(o, "namespace", js(m->ns));
	json_object_set_new(o, "source", js(m->source));
	json_object_set_new(o, "ecosystem", js(m->ecosystem));
	json_object_set_new(o, "match_type", json_string(customs_match_kind_name(m->kind)));
	json_object_set_new(o, "lookup_name", js(m->lookup_name));
	json_object_set_new(o, "range", js(m->range));
	json_object_set_new(o, "comparison", js(m->comparison));
	json_object_set_new(o, "distro_status", js(m->status));
	json_object_set_new(o, "distro_urgency", js(m->urgency));
	for (size_t i = 0; i < m->nrecords; i++) {
		const customs_match_record *r = &m->records[i];
		json_t *x = json_object();
		json_object_set_new(x, "id", js(r->id));
		json_object_set_new(x, "source", js(r->source));
		json_object_set_new(x, "namespace", js(r->ns));
		json_object_set_new(x, "ecosystem", js(r->ecosystem));
		json_object_set_new(x, "package", js(r->package));
		json_object_set_new(x, "range", js(r->range));
		json_object_set_new(x, "comparison", js(r->comparison));
		json_object_set_new(x, "fix_state", json_string(customs_fix_state_name(r->fix_state)));
		json_object_set_new(x, "fixed_versions", jlist(r->fixed, r->nfixed));
		json_object_set_new(x, "status", js(r->status));
		json_object_set_new(x, "urgency", js(r->urgency));
		json_array_append_new(recs, x);
	}
	json_object_set_new(o, "records", recs);
	if (m->covered_by) {
		const customs_match_cover *cv = m->covered_by;
		json_t *x = json_object();
		json_object_set_new(x, "package", js(cv->package));
		json_object_set_new(x, "version", js(cv->version));
		json_object_set_new(x, "source_package", js(cv->source));
		json_object_set_new(x, "source_version", js(cv->source_version));
		json_object_set_new(x, "via", js(cv->via));
		json_object_set_new(x, "namespace", js(cv->ns));
		json_object_set_new(x, "state", js(cv->state));
		json_object_set_new(x, "id", js(cv->vuln_id));
		json_object_set_new(x, "fix_state", cv->vuln_id ? json_string(customs_fix_state_name(cv->fix_state)) : json_null());
		json_object_set_new(x, "fixed_version", js(cv->fixed));
		json_object_set_new(x, "status", js(cv->status));
		json_object_set_new(x, "urgency", js(cv->urgency));
		json_object_set_new(x, "comparison", js(cv->comparison));
		json_object_set_new(o, "covered_by", x);
	} else {
		json_object_set_new(o, "covered_by", json_null());
	}
	if (m->suppressed) {
		json_t *x = json_object();
		json_object_set_new(x, "kind", json_string(customs_suppress_kind_name(m->suppressed)));
		json_object_set_new(x, "reason", js(m->suppressed_reason));
		json_object_set_new(o, "suppressed_by", x);
	} else {
		json_object_set_new(o, "suppressed_by", json_null());
	}
	if (m->vex_status) {
		json_t *x = json_object();
		json_object_set_new(x, "status", json_string(m->vex_status));
		json_object_set_new(x, "justification", js(m->vex_justification));
		json_object_set_new(o, "vex", x);
	} else {
		json_object_set_new(o, "vex", json_null());
	}
	return o;
}
