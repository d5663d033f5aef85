/* match_fold.c - the matches of one package from the entries of its
 * lookups that matched: ids that are aliases of each other become one
 * match (union-find over the records' groups), advisories without a CVE
 * fold into the CVE matches they relate to, each match gets its primary
 * id, deciding record and scores, and is checked against the feed's
 * not-affected markers and the distro package that installed it. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/match_int.h"

static int is_cve(const char *id)
{
	return id && !strncasecmp(id, "CVE-", 4) && isdigit((unsigned char)id[4]);
}

int match__get_vinfo(struct ctx *c, const char *id, const char *source, struct vinfo **out)
{
	char keybuf[600];
	customs_vuln_record *r = NULL;
	struct vinfo *v;
	int err;

	snprintf(keybuf, sizeof(keybuf), "%s\x1f%s", id, source ? source : "");
	if ((*out = customs_strmap_get(&c->vinfos, keybuf, NULL)))
		return 0;
	if (!(v = customs_arena_alloc(c->ar, sizeof(*v))))
		return match__oom();
	memset(v, 0, sizeof(*v));
	v->cvss3 = v->cvss4 = -1;
	v->id = customs_arena_strdup(c->ar, id);
	v->source = customs_arena_strdup(c->ar, source);
	err = customs_vulndb_vuln_from(c->db, id, source, &r);
	if (err < 0 && err != CUSTOMS_ENOTFOUND)
		return err;
	size_t ng = r ? r->ngroup : 0;
	v->aliases = customs_arena_alloc(c->ar, (ng + 1) * sizeof(*v->aliases));
	v->related = customs_arena_alloc(c->ar, (ng + 1) * sizeof(*v->related));
	if (!v->aliases || !v->related) {
		customs_vuln_record_free(r);
		return match__oom();
	}
	if (!r) {
		v->aliases[v->naliases++] = v->id;
	} else {
		for (size_t i = 0; i < r->ngroup; i++) {
			const char *gid = customs_arena_strdup(c->ar, r->group[i].id);
			if (r->group[i].relation <= CUSTOMS_VULN_ALIAS)
				v->aliases[v->naliases++] = gid;
			else
				v->related[v->nrelated++] = gid;
		}
		if (!v->naliases)
			v->aliases[v->naliases++] = v->id;
		/* the text of another feed is no "feed's own" score */
		int own = r->source && source && !strcmp(r->source, source);
		if (r->summary && *r->summary)
			v->summary = customs_arena_strdup(c->ar, r->summary);
		else if (r->details && *r->details) /* CVE records carry only details: their first line */
			v->summary = customs_arena_strndup(c->ar, r->details,
							   strcspn(r->details, "\n") < 240 ? strcspn(r->details, "\n") : 240);
		if (own) {
			v->label = customs_arena_strdup(c->ar, r->severity);
			v->cvss3 = r->cvss3_score;
			v->cvss3_vector = customs_arena_strdup(c->ar, r->cvss3_vector);
			v->cvss4 = r->cvss4_score;
			v->cvss4_vector = customs_arena_strdup(c->ar, r->cvss4_vector);
		}
		if (r->nenrichment) {
			if (!(v->enr = customs_arena_alloc(c->ar, r->nenrichment * sizeof(*v->enr)))) {
				customs_vuln_record_free(r);
				return match__oom();
			}
			for (size_t i = 0; i < r->nenrichment; i++) {
				customs_vuln_enrichment e = r->enrichment[i];
				e.cve = customs_arena_strdup(c->ar, e.cve);
				e.nvd_cvss3_vector = customs_arena_strdup(c->ar, e.nvd_cvss3_vector);
				e.nvd_cvss4_vector = customs_arena_strdup(c->ar, e.nvd_cvss4_vector);
				e.nvd_cwes = NULL, e.nnvd_cwes = 0;
				e.nvd_published = customs_arena_strdup(c->ar, e.nvd_published);
				e.epss_date = customs_arena_strdup(c->ar, e.epss_date);
				e.kev_date_added = customs_arena_strdup(c->ar, e.kev_date_added);
				e.kev_due_date = customs_arena_strdup(c->ar, e.kev_due_date);
				e.kev_ransomware = customs_arena_strdup(c->ar, e.kev_ransomware);
				v->enr[v->nenr++] = e;
			}
		}
	}
	customs_vuln_record_free(r);
	char *key = customs_arena_strdup(c->ar, keybuf);
	if (!key || customs_strmap_put(&c->vinfos, key, v) < 0)
		return match__oom();
	*out = v;
	return 0;
}


/* ---- one package ---- */

static int cmp_str(const void *x, const void *y) { return strcmp(*(const char *const *)x, *(const char *const *)y); }

static size_t uf_find(struct hit *h, size_t i)
{
	while (h[i].comp != i) {
		h[i].comp = h[h[i].comp].comp;
		i = h[i].comp;
	}
	return i;
}

/* What the distro says of a match: the record that decides it (the
 * deciding record of a distro namespace, or the distro record a Built-Using
 * toolchain was found affected in) and its label. */
struct distro_says {
	const char *urgency, *entry_label, *record_label;
};

/* The distro's rating, the first of urgency, the entry's label, the
 * record's label that is one; the bucket into *out. */
static const char *distro_rating(const struct distro_says *d, customs_severity *out)
{
	const char *w[3] = {d ? d->urgency : NULL, d ? d->entry_label : NULL, d ? d->record_label : NULL};
	for (int i = 0; i < 3; i++)
		if ((*out = customs_severity_from_distro(w[i])) != CUSTOMS_SEVERITY_UNKNOWN)
			return w[i];
	return NULL;
}

/* The CVSS score shown with a match, whatever decides its bucket: the
 * record's own v3, else NVD's v3 of the CVE, else the record's v4. */
static const char *cvss_of(customs_match *m, const struct vinfo *vi, const customs_vuln_enrichment *en)
{
	if (vi && vi->cvss3 >= 0) {
		m->cvss_score = vi->cvss3;
		m->cvss_vector = vi->cvss3_vector;
		m->cvss_from = vi->source;
		return "cvss";
	}
	if (en && en->has_nvd && en->nvd_cvss3_score >= 0) {
		m->cvss_score = en->nvd_cvss3_score;
		m->cvss_vector = en->nvd_cvss3_vector;
		m->cvss_from = "nvd";
		return "nvd";
	}
	if (vi && vi->cvss4 >= 0) {
		m->cvss_score = vi->cvss4;
		m->cvss_vector = vi->cvss4_vector;
		m->cvss_from = vi->source;
		return "cvss-v4";
	}
	if (vi && vi->label && !strncmp(vi->label, "CVSS:3", 6))
		m->cvss_vector = vi->label; /* a vector as the label: no score without computing it */
	return NULL;
}

/* The bucket and what decided it (customs_severity_source): the distro's
 * rating, the CVSS score and the feed's label, in the order asked for. */
static void decide_severity(customs_match *m, const struct vinfo *vi, const customs_vuln_enrichment *en,
			    const struct distro_says *ds, customs_severity_source order)
{
	customs_severity dsev = CUSTOMS_SEVERITY_UNKNOWN, lsev = CUSTOMS_SEVERITY_UNKNOWN;
	const char *cvss = cvss_of(m, vi, en);

	m->distro_severity = distro_rating(ds, &dsev);
	/* a distro record's label is the distro's rating, said above */
	if (!ds && vi && vi->label && customs_severity_parse(&lsev, vi->label) < 0) {
		customs_error_clear();
		lsev = CUSTOMS_SEVERITY_UNKNOWN;
	}
	const struct {
		customs_severity s;
		const char *source;
	} cand[3] = {
		{dsev, "distro"},
		{cvss ? customs_severity_from_cvss(m->cvss_score) : CUSTOMS_SEVERITY_UNKNOWN, cvss},
		{lsev, "label"},
	};
	static const int orders[2][3] = {{0, 1, 2}, {1, 2, 0}};
	const int *o = orders[order == CUSTOMS_SEVERITY_SOURCE_CVSS];
	m->severity = CUSTOMS_SEVERITY_UNKNOWN;
	m->severity_source = "none";
	for (int i = 0; i < 3; i++)
		if (cand[o[i]].s != CUSTOMS_SEVERITY_UNKNOWN) {
			m->severity = cand[o[i]].s;
			m->severity_source = cand[o[i]].source;
			break;
		}
}

/* severity, EPSS, KEV of a match from its deciding record and its group */
static void fill_scores(customs_match *m, const struct vinfo *vi, const char *primary, const struct distro_says *ds,
			customs_severity_source order)
{
	const customs_vuln_enrichment *en = NULL;
	for (size_t i = 0; vi && i < vi->nenr && !en; i++)
		if (!strcasecmp(vi->enr[i].cve, primary))
			en = &vi->enr[i];
	if (!en && vi && vi->nenr)
		en = &vi->enr[0];
	m->cvss_score = -1;
	m->epss = m->epss_percentile = -1;
	m->severity_label = vi ? vi->label : NULL;
	m->summary = vi ? vi->summary : NULL;
	decide_severity(m, vi, en, ds, order);
	if (en && en->has_epss) {
		m->epss = en->epss_score;
		m->epss_percentile = en->epss_percentile;
		m->epss_date = en->epss_date;
	}
	for (size_t i = 0; vi && i < vi->nenr; i++)
		if (vi->enr[i].kev) {
			m->kev = 1;
			m->kev_date_added = vi->enr[i].kev_date_added;
			break;
		}
}

/* {component, hit} pairs: by the first, then the second */
struct pair {
	size_t a, b;
};

static int cmp_pair(const void *x, const void *y)
{
	const struct pair *p = x, *q = y;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return (p->b > q->b) - (p->b < q->b);
}

/* The hits of one package in components: hits that share an alias are one
 * component, and a component without any CVE folds into the CVE
 * components its records relate to (a DSA relates to the CVEs it fixes). */
struct groups {
	customs_strmap idmap; /* alias id → hit index + 1 */
	size_t *root;         /* the component of each hit */
	struct pair *order;   /* {component, hit}, sorted: the components in turn */
	char *rootcve;        /* per component: it has a CVE id */
	char *folded;         /* per hit: folded into another component */
	struct pair *fp;      /* {target component, hit} folded into it, sorted */
	size_t nfp, capfp;
	size_t *mem;          /* scratch: the hits of one component */
};

static void groups_release(struct groups *g)
{
	customs_strmap_release(&g->idmap);
	free(g->root);
	free(g->order);
	free(g->rootcve);
	free(g->folded);
	free(g->fp);
	free(g->mem);
}

/* Union the hits that share an alias (or whose ids name each other). */
static int unite(struct groups *g, struct hit *h, size_t nh)
{
	int err;

	for (size_t i = 0; i < nh; i++) {
		const struct vinfo *v = h[i].vi;
		for (size_t k = 0; k < v->naliases; k++) {
			int found;
			void *j = customs_strmap_get(&g->idmap, v->aliases[k], &found);
			if (found) {
				size_t a = uf_find(h, (size_t)(uintptr_t)j - 1), b = uf_find(h, i);
				if (a != b)
					h[b > a ? b : a].comp = b > a ? a : b;
			} else if ((err = customs_strmap_put(&g->idmap, v->aliases[k], (void *)(uintptr_t)(i + 1))) < 0) {
				return err;
			}
		}
	}
	return 0;
}

/* The CVE components each component without a CVE relates to. */
static int fold(struct groups *g, const struct hit *h, size_t nh)
{
	int err;

	for (size_t i = 0; i < nh; i++)
		for (size_t k = 0; k < h[i].vi->naliases && !g->rootcve[g->root[i]]; k++)
			g->rootcve[g->root[i]] = (char)is_cve(h[i].vi->aliases[k]);
	for (size_t i = 0; i < nh; i++) {
		size_t first = g->nfp;
		if (g->rootcve[g->root[i]])
			continue;
		for (size_t k = 0; k < h[i].vi->nrelated; k++) {
			int found, dup = 0;
			void *j = customs_strmap_get(&g->idmap, h[i].vi->related[k], &found);
			if (!found || !is_cve(h[i].vi->related[k]))
				continue;
			size_t t = g->root[(size_t)(uintptr_t)j - 1];
			if (t == g->root[i])
				continue;
			for (size_t q = first; q < g->nfp; q++)
				dup |= g->fp[q].a == t;
			if (dup)
				continue;
			if ((err = CUSTOMS_ARRAY_GROW(g->fp, g->nfp, g->capfp)) < 0)
				return err;
			g->fp[g->nfp].a = t;
			g->fp[g->nfp].b = i;
			g->nfp++;
			g->folded[i] = 1;
		}
	}
	return 0;
}

static int group_hits(struct ctx *c, struct hit *h, size_t nh, struct groups *g)
{
	int err;

	for (size_t i = 0; i < nh; i++) {
		h[i].comp = i;
		if ((err = match__get_vinfo(c, h[i].e->rec.id, h[i].e->rec.source, &h[i].vi)) < 0)
			return err;
	}
	if ((err = unite(g, h, nh)) < 0)
		return err;
	g->root = malloc(nh * sizeof(*g->root));
	g->order = malloc(nh * sizeof(*g->order));
	g->rootcve = calloc(nh, 1);
	g->folded = calloc(nh, 1);
	g->mem = malloc((nh * 2 + 1) * sizeof(*g->mem));
	if (!g->root || !g->order || !g->rootcve || !g->folded || !g->mem)
		return match__oom();
	for (size_t i = 0; i < nh; i++) {
		g->root[i] = uf_find(h, i);
		g->order[i].a = g->root[i];
		g->order[i].b = i;
	}
	if ((err = fold(g, h, nh)) < 0)
		return err;
	qsort(g->order, nh, sizeof(*g->order), cmp_pair);
	if (g->nfp)
		qsort(g->fp, g->nfp, sizeof(*g->fp), cmp_pair);
	return 0;
}

/* The primary id of component r (members mem[0..n)): a matched CVE record,
 * else a CVE alias, else NULL. */
static const char *primary_id(const struct hit *h, const size_t *root, const size_t *mem, size_t n, size_t r)
{
	for (size_t k = 0; k < n; k++)
		if (is_cve(h[mem[k]].e->rec.id) && root[mem[k]] == r)
			return h[mem[k]].e->rec.id;
	for (size_t k = 0; k < n; k++)
		if (root[mem[k]] == r)
			for (size_t q = 0; q < h[mem[k]].vi->naliases; q++)
				if (is_cve(h[mem[k]].vi->aliases[q]))
					return h[mem[k]].vi->aliases[q];
	return NULL;
}

/* The deciding record: named like the primary, else one with a fix, else
 * the first. */
static size_t deciding(const struct hit *h, const size_t *root, const size_t *mem, size_t n, size_t r,
		       const char *primary)
{
	size_t dec = mem[0];
	int rank = -1;

	for (size_t k = 0; k < n; k++) {
		const struct ent *e = h[mem[k]].e;
		int rk = (primary && !strcasecmp(e->rec.id, primary)) * 4 + (e->rec.fix_state == CUSTOMS_FIX_FIXED) * 2 +
			 (root[mem[k]] == r);
		if (rk > rank)
			rank = rk, dec = mem[k];
	}
	return dec;
}

/* The ids of the match (the primary, then the rest sorted) and its records
 * (the deciding one first), in the arena. */
static int ids_and_records(struct ctx *c, const struct hit *h, const size_t *root, const size_t *mem, size_t n,
			   size_t r, size_t dec, customs_match *m)
{
	size_t cap = 1, nids = 0, nrec = 0;
	const char **ids;
	customs_match_record *recs;

	for (size_t k = 0; k < n; k++)
		cap += 1 + (root[mem[k]] == r ? h[mem[k]].vi->naliases : 0);
	ids = customs_arena_alloc(c->ar, (cap + 1) * sizeof(*ids));
	recs = customs_arena_alloc(c->ar, (n + 1) * sizeof(*recs));
	if (!ids || !recs)
		return match__oom();
	ids[nids++] = m->id;
	for (size_t k = 0; k < n; k++) {
		const struct hit *x = &h[mem[k]];
		if (!match__has_id(ids, nids, x->e->rec.id))
			ids[nids++] = x->e->rec.id;
		if (root[mem[k]] == r)
			for (size_t q = 0; q < x->vi->naliases; q++)
				if (!match__has_id(ids, nids, x->vi->aliases[q]))
					ids[nids++] = x->vi->aliases[q];
	}
	qsort(ids + 1, nids - 1, sizeof(*ids), cmp_str);
	m->ids = ids;
	m->nids = nids;
	recs[nrec++] = h[dec].e->rec;
	for (size_t k = 0; k < n; k++) {
		int dup = 0;
		for (size_t q = 0; q < nrec; q++)
			dup |= !strcmp(recs[q].id, h[mem[k]].e->rec.id) && !strcmp(recs[q].source, h[mem[k]].e->rec.source);
		if (!dup)
			recs[nrec++] = h[mem[k]].e->rec;
	}
	m->records = recs;
	m->nrecords = nrec;
	return 0;
}

/* The package's fields and the deciding record's. */
static void describe(customs_match *m, const struct plan *pl, const customs_package *p, const struct hit *dec)
{
	const struct ent *de = dec->e;
	const char *loc = match__meta(p, "location");

	m->package_index = pl->pi;
	m->package = p;
	m->name = p->name;
	m->version = p->version;
	m->type = p->type;
	m->purl = p->purl;
	/* the file it was found in; inside an archive, the member ("x.war!/WEB-INF/lib/y.jar") */
	m->location = loc && strstr(loc, "!/") ? loc : p->db_path ? p->db_path : loc;
	m->layer = p->layer;
	m->installed = pl->k.version;
	m->fix_state = de->rec.fix_state;
	m->fixed = de->rec.fixed;
	m->nfixed = de->rec.nfixed;
	m->kind = dec->kind;
	m->lookup_name = pl->k.names[0];
	m->ns = de->rec.ns;
	m->source = de->rec.source;
	m->ecosystem = de->rec.ecosystem;
	m->range = de->rec.range;
	m->comparison = de->rec.comparison;
	m->status = de->rec.status;
	m->urgency = de->rec.urgency;
}

/* A not-affected marker for any id of the match, in the same package. */
static void mark_not_affected(struct ctx *c, const struct plan *pl, customs_match *m)
{
	for (size_t li = 0; li < pl->k.nnames && !m->suppressed; li++)
		for (size_t k = 0; k < pl->lks[li]->nents && !m->suppressed; k++) {
			const struct ent *e = &pl->lks[li]->ents[k];
			if (e->marker && match__has_id(m->ids, m->nids, e->rec.id)) {
				m->suppressed = CUSTOMS_SUPPRESS_NOT_AFFECTED;
				m->suppressed_reason = customs_arena_printf(c->ar, "%s marks %s %s not affected by %s",
									    e->rec.source, e->rec.ns, e->rec.package,
									    e->rec.id);
			}
		}
}

/* The reason of a covered match: what the distro says, in one line. */
static const char *cover_reason(struct ctx *c, const struct plan *pl, const customs_match_cover *cv, int affected)
{
	const customs_package *owner = pl->owner;
	const char *via = pl->owner_built_using ? customs_arena_printf(c->ar, ", built with %s %s", cv->source, cv->source_version)
						: "";
	const char *tail = affected ? customs_arena_printf(c->ar, ": counted on %s", owner->name)
		      : cv->fixed && strcmp(cv->state, "not-affected") ? customs_arena_printf(c->ar, ", fixed in %s", cv->fixed)
								       : "";
	if (!via || !tail)
		return NULL;
	return customs_arena_printf(c->ar, "installed by %s %s%s: %s %s says %s (%s)%s", owner->type, owner->name, via,
				    cv->ns ? cv->ns : "?", cv->source ? cv->source : owner->name, cv->state, cv->vuln_id,
				    tail);
}

/* The owning distro package: what its records say (covered_by), and on
 * their word alone the match is covered.  Fail closed: no record, or no
 * data for the distro, leaves the upstream advisory counting.  Affected
 * via the owner's own source package: the owner's match counts it;
 * affected via Built-Using: this match counts, rated by that record. */
static int cover(struct ctx *c, const struct plan *pl, customs_match *m, const struct ent **decided)
{
	const customs_package *owner = pl->owner;
	customs_match_cover *cv = customs_arena_alloc(c->ar, sizeof(*cv));
	const struct ent *best = NULL;
	int brank = 0;

	*decided = NULL;
	if (!cv)
		return match__oom();
	memset(cv, 0, sizeof(*cv));
	cv->package = owner->name;
	cv->version = owner->version;
	cv->source = pl->owner_src;
	cv->source_version = pl->owner_ver;
	cv->via = pl->owner_built_using ? "built-using" : "source-package";
	cv->ns = pl->owner_ns;
	cv->state = pl->owner_data ? "no-record" : "no-data";
	for (size_t k = 0; pl->owner_lookup && k < pl->owner_lookup->nents; k++) {
		const struct ent *e = &pl->owner_lookup->ents[k];
		if (!match__has_id(m->ids, m->nids, e->rec.id))
			continue;
		int rk = e->affected ? 3 : e->marker ? 2 : 1;
		if (rk > brank)
			brank = rk, best = e;
	}
	m->covered_by = cv;
	if (!best)
		return 0;
	cv->state = best->affected ? "affected" : best->marker ? "not-affected" : "fixed";
	cv->vuln_id = best->rec.id;
	cv->fix_state = best->affected ? best->rec.fix_state : best->marker ? CUSTOMS_FIX_NOT_AFFECTED : CUSTOMS_FIX_FIXED;
	cv->fixed = best->first_fixed;
	cv->status = best->rec.status;
	cv->urgency = best->rec.urgency;
	cv->comparison = best->rec.comparison;
	m->kind = CUSTOMS_MATCH_OWNER;
	if (best->affected && pl->owner_built_using) {
		/* the distro's record decides: its fix (of the toolchain package),
		 * status and urgency are the match's */
		m->fix_state = best->rec.fix_state;
		m->fixed = best->rec.fixed;
		m->nfixed = best->rec.nfixed;
		m->status = best->rec.status;
		m->urgency = best->rec.urgency;
		*decided = best;
		return 0;
	}
	if (!m->suppressed) {
		m->suppressed = CUSTOMS_SUPPRESS_COVERED;
		if (!(m->suppressed_reason = cover_reason(c, pl, cv, best->affected)))
			return match__oom();
	}
	return 0;
}

/* The match of component r, members mem[0..n). */
static int one_match(struct ctx *c, const struct plan *pl, const struct hit *h, const size_t *root, const size_t *mem,
		     size_t n, size_t r)
{
	const customs_package *p = c->a->packages[pl->pi];
	const char *primary = primary_id(h, root, mem, n, r);
	size_t dec = deciding(h, root, mem, n, r, primary);
	const struct ent *by = NULL;
	customs_match m;
	int err;

	memset(&m, 0, sizeof(m));
	m.id = primary ? primary : h[dec].e->rec.id;
	if ((err = ids_and_records(c, h, root, mem, n, r, dec, &m)) < 0)
		return err;
	describe(&m, pl, p, &h[dec]);
	mark_not_affected(c, pl, &m);
	if (pl->owner && (err = cover(c, pl, &m, &by)) < 0)
		return err;
	/* what the distro says decides the bucket: the deciding record of a
	 * distro feed, or the distro record a Built-Using toolchain matched */
	struct distro_says ds = {m.urgency, h[dec].e->severity, h[dec].vi ? h[dec].vi->label : NULL};
	if (by)
		ds = (struct distro_says){by->rec.urgency, by->severity, NULL};
	fill_scores(&m, h[dec].vi, m.id, by || match__is_distro_ns(m.ns) ? &ds : NULL, c->o->severity_source);
	if ((err = CUSTOMS_ARRAY_GROW(c->m, c->n, c->cap)) < 0)
		return err;
	c->m[c->n++] = m;
	return 0;
}

/* Matches of the package of pl from the hits of its lookups: one per
 * component that is not wholly folded into others. */
static int emit_matches(struct ctx *c, const struct plan *pl, struct hit *h, size_t nh)
{
	struct groups g;
	int err;

	memset(&g, 0, sizeof(g));
	if ((err = group_hits(c, h, nh, &g)) < 0)
		goto done;
	for (size_t gi = 0, fi = 0; gi < nh;) {
		size_t r = g.order[gi].a, n = 0;
		int all_folded = 1;
		for (; gi < nh && g.order[gi].a == r; gi++) {
			all_folded &= g.folded[g.order[gi].b];
			g.mem[n++] = g.order[gi].b;
		}
		while (fi < g.nfp && g.fp[fi].a < r)
			fi++;
		while (fi < g.nfp && g.fp[fi].a == r)
			g.mem[n++] = g.fp[fi++].b;
		if (!all_folded && (err = one_match(c, pl, h, g.root, g.mem, n, r)) < 0)
			goto done;
	}
done:
	groups_release(&g);
	return err;
}

/* Hits of the lookups (deduplicated by id and source). */
static int collect_hits(struct hit **out, size_t *n, const struct lookup *const *lks, const customs_match_kind *kinds,
			size_t nlks)
{
	size_t total = 0, k = 0;
	for (size_t i = 0; i < nlks; i++)
		total += lks[i]->nents;
	*out = NULL;
	*n = 0;
	if (!total)
		return 0;
	struct hit *h = calloc(total, sizeof(*h));
	if (!h)
		return match__oom();
	for (size_t i = 0; i < nlks; i++)
		for (size_t j = 0; j < lks[i]->nents; j++) {
			const struct ent *e = &lks[i]->ents[j];
			int dup = 0;
			if (!e->affected)
				continue;
			for (size_t q = 0; q < k && !dup; q++)
				dup = !strcmp(h[q].e->rec.id, e->rec.id) && !strcmp(h[q].e->rec.source, e->rec.source);
			if (dup)
				continue;
			h[k].e = e;
			h[k].kind = kinds[i];
			k++;
		}
	*out = h;
	*n = k;
	return 0;
}

int match__package(struct ctx *c, const struct plan *pl)
{
	struct hit *h = NULL;
	size_t nh = 0, before = c->n;
	int err;

	if ((err = collect_hits(&h, &nh, pl->lks, pl->k.kinds, pl->k.nnames)) < 0)
		return err;
	err = nh ? emit_matches(c, pl, h, nh) : 0;
	free(h);
	return err < 0 ? err : c->n > before;
}
