/* match_lookup.c - what each package of an analysis looks up in the
 * vulnerability database (its namespace, names and compared version: the
 * rules in customs/match.h), the lookups themselves, on several database
 * handles at once, each entry evaluated (OSV, match_range.c), and the
 * warnings and --explain notes of the result. */
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/owners.h"
#include "customs/purl.h"
#include "customs/version.h"
#include "vuln/match_int.h"

int match__warn(struct ctx *c, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (customs_strmap_get(&c->warned, buf, NULL))
		return 0;
	char *s = customs_arena_strdup(c->ar, buf);
	if (!s || customs_strmap_put(&c->warned, s, (void *)1) < 0)
		return match__oom();
	if (CUSTOMS_ARRAY_GROW(c->warn, c->nwarn, c->capwarn) < 0)
		return CUSTOMS_ENOMEM;
	c->warn[c->nwarn++] = s;
	return 0;
}

int match__note(struct ctx *c, const char *s)
{
	if (!s)
		return match__oom();
	if (CUSTOMS_ARRAY_GROW(c->notes, c->nnotes, c->capnotes) < 0)
		return CUSTOMS_ENOMEM;
	c->notes[c->nnotes++] = s;
	return 0;
}


static const char *kind_word(customs_vuln_event_kind k)
{
	static const char *const w[] = {"introduced", "fixed", "last_affected", "limit"};
	return (unsigned)k < 4 ? w[k] : "?";
}

/* "dpkg: 3.0.11-1~deb12u2 < 3.0.13-1~deb12u1 (fixed)" */
static const char *comparison_text(struct ctx *c, const customs_match_eval *e, const char *version)
{
	if (e->by_versions)
		return customs_arena_printf(c->ar, "%s: %s is listed in the record's versions", e->scheme, version);
	if (!e->bound)
		return customs_arena_printf(c->ar, "%s: %s is in no range of the record", e->scheme ? e->scheme : "?", version);
	const char *op = e->cmp < 0 ? "<" : e->cmp > 0 ? ">" : "=";
	if (e->bound_kind == CUSTOMS_EVENT_INTRODUCED && e->affected)
		return customs_arena_printf(c->ar, "%s: %s >= %s (introduced), no fix", e->scheme, version, e->bound);
	return customs_arena_printf(c->ar, "%s: %s %s %s (%s)", e->scheme, version, op, e->bound, kind_word(e->bound_kind));
}

/* The fixed versions of a above the version being looked up, ascending and
 * each once, NULL-terminated in the arena. */
static int fixed_above(struct ctx *c, const customs_vuln_affected *a, const char ***out, size_t *n)
{
	const customs_version_scheme *s = customs_version_scheme_find(a->scheme);
	const char **fx = customs_arena_alloc(c->ar, (a->nfixed + 1) * sizeof(*fx));
	size_t nf = 0;

	if (!fx)
		return match__oom();
	for (size_t i = 0; s && i < a->nfixed; i++) {
		size_t j = nf;
		int cmp, dup = 0;
		if (customs_version_compare(s, a->fixed[i], c->cur_version, &cmp) < 0 || cmp <= 0)
			continue;
		while (j > 0) {
			if (customs_version_compare(s, fx[j - 1], a->fixed[i], &cmp) < 0 || cmp <= 0)
				break;
			j--;
		}
		for (size_t k = 0; k < nf; k++)
			dup |= !strcmp(fx[k], a->fixed[i]);
		if (dup)
			continue;
		memmove(fx + j + 1, fx + j, (nf - j) * sizeof(*fx));
		if (!(fx[j] = customs_arena_strdup(c->ar, a->fixed[i])))
			return match__oom();
		nf++;
	}
	fx[nf] = NULL;
	*out = fx;
	*n = nf;
	return 0;
}

/* The state of an affected entry: what the range decided, else the feed's. */
static customs_fix_state fix_state_of(const customs_vuln_affected *a, const customs_match_eval *e, size_t nfixed)
{
	if (e->bound_kind == CUSTOMS_EVENT_FIXED && !e->by_versions)
		return CUSTOMS_FIX_FIXED;
	if (a->fix_state == CUSTOMS_FIX_WONT_FIX)
		return CUSTOMS_FIX_WONT_FIX;
	if (e->bound_kind == CUSTOMS_EVENT_INTRODUCED && !e->by_versions)
		return a->fix_state == CUSTOMS_FIX_UNKNOWN ? CUSTOMS_FIX_UNKNOWN : CUSTOMS_FIX_NOT_FIXED;
	return nfixed ? CUSTOMS_FIX_FIXED : CUSTOMS_FIX_UNKNOWN;
}

/* One entry of the lookup being filled, evaluated for its version. */
static int lookup_cb(void *ud, const customs_vuln_affected *a)
{
	struct ctx *c = ud;
	customs_match_eval e;
	struct ent x;
	int err;

	memset(&x, 0, sizeof(x));
	if (a->fix_state == CUSTOMS_FIX_NOT_AFFECTED && !a->nranges && !a->nversions) {
		x.marker = 1;
	} else if (!a->nranges && !a->nversions) {
		return 0; /* nothing to evaluate */
	} else if ((err = customs_match_entry(&e, a, c->cur_version)) < 0) {
		if (err == CUSTOMS_EFORMAT)
			return match__warn(c, "%s %s: version \"%s\" is not a valid %s version; its %s entries were not evaluated",
					   c->cur_ns, c->cur_name, c->cur_version, a->scheme, a->source) < 0
				       ? CUSTOMS_ENOMEM
				       : 0;
		if (err == CUSTOMS_EUNSUPPORTED)
			return match__warn(c, "%s: %s", a->vuln_id, customs_error_last()) < 0 ? CUSTOMS_ENOMEM : 0;
		return err;
	} else {
		x.affected = e.affected;
		x.rec.comparison = comparison_text(c, &e, c->cur_version);
		if (!x.rec.comparison)
			return match__oom();
	}
	x.rec.id = customs_arena_strdup(c->ar, a->vuln_id);
	x.rec.source = customs_arena_strdup(c->ar, a->source);
	x.rec.ns = customs_arena_strdup(c->ar, a->ns);
	x.rec.ecosystem = customs_arena_strdup(c->ar, a->ecosystem);
	x.rec.package = customs_arena_strdup(c->ar, a->package);
	x.rec.status = customs_arena_strdup(c->ar, a->status);
	x.rec.urgency = customs_arena_strdup(c->ar, a->urgency);
	x.rec.fix_state = a->fix_state;
	if (a->severity && strncmp(a->severity, "CVSS:", 5) && !(x.severity = customs_arena_strdup(c->ar, a->severity)))
		return match__oom();
	if (!x.rec.id || !x.rec.source)
		return match__oom();
	if (!x.marker) {
		char *rt = customs_match_range_text(a);
		const char **fx = NULL;
		size_t nf = 0;
		x.rec.range = customs_arena_strdup(c->ar, rt);
		free(rt);
		if ((err = fixed_above(c, a, &fx, &nf)) < 0)
			return err;
		x.rec.fixed = fx;
		x.rec.nfixed = nf;
		x.first_fixed = nf ? fx[0] : NULL;
		if (x.affected) {
			x.rec.fix_state = fix_state_of(a, &e, nf);
		} else {
			/* what the feed says for versions past the range: the first fix */
			const char *ff = NULL;
			for (size_t i = 0; i < a->nfixed && !ff; i++)
				ff = a->fixed[i];
			x.first_fixed = ff ? customs_arena_strdup(c->ar, ff) : NULL;
		}
		if (!x.affected && c->explain.n && customs_strmap_get(&c->explain, a->vuln_id, NULL) &&
		    (err = match__note(c, customs_arena_printf(c->ar, "%s %s %s: %s (%s): range %s; %s: not affected",
							       c->cur_ns, c->cur_name, c->cur_version, a->vuln_id,
							       a->source, x.rec.range ? x.rec.range : "?",
							       x.rec.comparison))) < 0)
			return err;
	} else if (c->explain.n && customs_strmap_get(&c->explain, a->vuln_id, NULL) &&
		   (err = match__note(c, customs_arena_printf(c->ar, "%s %s: %s (%s): the feed marks this package not affected",
							      c->cur_ns, c->cur_name, a->vuln_id, a->source))) < 0) {
		return err;
	}
	if (CUSTOMS_ARRAY_GROW(c->ents, c->nents, c->capents) < 0)
		return CUSTOMS_ENOMEM;
	c->ents[c->nents++] = x;
	return 0;
}

/* The lookup for (ns, name, version): an existing one, or a new empty one
 * queued in c->pending for fill_lookup. */
static int get_lookup(struct ctx *c, const char *ns, const char *name, const char *version, struct lookup **out)
{
	char *key = NULL;
	struct lookup *l;

	size_t klen = strlen(ns) + strlen(name) + strlen(version) + 3;
	char stackkey[512], *k = klen <= sizeof(stackkey) ? stackkey : malloc(klen);
	if (!k)
		return match__oom();
	snprintf(k, klen, "%s\x1f%s\x1f%s", ns, name, version);
	l = customs_strmap_get(&c->lookups, k, NULL);
	if (l) {
		if (k != stackkey)
			free(k);
		*out = l;
		return 0;
	}
	key = customs_arena_strdup(c->ar, k);
	if (k != stackkey)
		free(k);
	if (!key || !(l = customs_arena_alloc(c->ar, sizeof(*l))))
		return match__oom();
	memset(l, 0, sizeof(*l));
	l->ns = customs_arena_strdup(c->ar, ns);
	l->name = customs_arena_strdup(c->ar, name);
	l->version = customs_arena_strdup(c->ar, version);
	if (!l->ns || !l->name || !l->version || customs_strmap_put(&c->lookups, key, l) < 0)
		return match__oom();
	if (CUSTOMS_ARRAY_GROW(c->pending, c->npending, c->cappending) < 0)
		return CUSTOMS_ENOMEM;
	c->pending[c->npending++] = l;
	*out = l;
	return 0;
}

/* Query db for l's entries and evaluate them, with c's arena and lists. */
static int fill_lookup(struct ctx *c, customs_vulndb *db, struct lookup *l)
{
	int err;
	c->nents = 0;
	c->cur_ns = l->ns, c->cur_name = l->name, c->cur_version = l->version;
	if ((err = customs_vulndb_affected(db, l->ns, l->name, lookup_cb, c)) < 0)
		return err;
	if (c->nents) {
		struct ent *e = customs_arena_alloc(c->ar, c->nents * sizeof(*e));
		if (!e)
			return match__oom();
		memcpy(e, c->ents, c->nents * sizeof(*e));
		l->ents = e;
		l->nents = c->nents;
	}
	return 0;
}

/* Filling the queued lookups on several database handles at once: each
 * worker has a ctx of its own (arena, warnings, notes, scratch) sharing only
 * read-only state (options, the explain set); lookups are disjoint. */
struct worker {
	struct ctx c;
	customs_arena ar;
	customs_vulndb *db;
	struct lookup **l;
	size_t n;
	int err;
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	for (size_t i = 0; i < w->n && w->err >= 0; i++)
		w->err = fill_lookup(&w->c, w->db, w->l[i]);
	return NULL;
}

int match__fill_pending(struct ctx *c)
{
	size_t nw = 1 + (c->o->nmore_dbs < 7 ? c->o->nmore_dbs : 7);
	int err = 0;

	if (nw == 1 || c->npending < 64) {
		for (size_t i = 0; i < c->npending && err >= 0; i++)
			err = fill_lookup(c, c->db, c->pending[i]);
		return err < 0 ? err : 0;
	}
	struct worker *w = calloc(nw, sizeof(*w));
	pthread_t th[8];
	int started[8] = {0};
	if (!w)
		return match__oom();
	/* interleaved shares: neighbours in the package list cost alike */
	for (size_t i = 0; i < nw; i++) {
		w[i].c = *c;
		memset(&w[i].c.warned, 0, sizeof(w[i].c.warned));
		w[i].c.warn = NULL, w[i].c.nwarn = w[i].c.capwarn = 0;
		w[i].c.notes = NULL, w[i].c.nnotes = w[i].c.capnotes = 0;
		w[i].c.ents = NULL, w[i].c.nents = w[i].c.capents = 0;
		w[i].c.ar = &w[i].ar;
		w[i].db = i ? c->o->more_dbs[i - 1] : c->db;
		if (!(w[i].l = calloc(c->npending / nw + 1, sizeof(*w[i].l)))) {
			err = match__oom();
			goto done;
		}
	}
	for (size_t i = 0; i < c->npending; i++)
		w[i % nw].l[w[i % nw].n++] = c->pending[i];
	for (size_t i = 1; i < nw; i++)
		started[i] = pthread_create(&th[i], NULL, worker_run, &w[i]) == 0;
	for (size_t i = 1; i < nw; i++)
		if (!started[i]) /* no thread: do its share here */
			worker_run(&w[i]);
	worker_run(&w[0]);
	for (size_t i = 1; i < nw; i++)
		if (started[i])
			pthread_join(th[i], NULL);
done:
	for (size_t i = 0; i < nw; i++) {
		if (w[i].err < 0 && err >= 0)
			err = w[i].err;
		for (size_t k = 0; k < w[i].c.nwarn && err >= 0; k++)
			err = match__warn(c, "%s", w[i].c.warn[k]);
		for (size_t k = 0; k < w[i].c.nnotes && err >= 0; k++)
			err = match__note(c, customs_arena_strdup(c->ar, w[i].c.notes[k]));
		free(w[i].c.warn);
		free(w[i].c.notes);
		free(w[i].c.ents);
		customs_strmap_release(&w[i].c.warned);
		free(w[i].l);
		/* the entries live in the worker's arena: it goes with the result */
		if (w[i].ar.head) {
			customs_arena *x = realloc(c->xar, (c->nxar + 1) * sizeof(*x));
			if (x) {
				c->xar = x;
				c->xar[c->nxar++] = w[i].ar;
			} else {
				customs_arena_release(&w[i].ar);
				err = match__oom();
			}
		}
	}
	free(w);
	return err < 0 ? err : 0;
}


/* ---- a package's key: namespace, name, version ---- */

int match__is_distro_type(const char *t)
{
	return t && (!strcmp(t, "deb") || !strcmp(t, "rpm") || !strcmp(t, "apk"));
}

int match__is_distro_ns(const char *ns)
{
	static const char *const eco[] = {"npm", "pypi", "go", "maven", "crates.io", "rubygems", "packagist", "nuget"};
	for (size_t i = 0; ns && i < sizeof(eco) / sizeof(eco[0]); i++)
		if (!strcmp(ns, eco[i]))
			return 0;
	return ns != NULL;
}

const char *match__lang_ns(const char *type)
{
	static const struct {
		const char *type, *ns;
	} m[] = {
		{"python", "pypi"},      {"npm", "npm"},           {"go-module", "go"},        {"java-archive", "maven"},
		{"maven", "maven"},      {"gem", "rubygems"},      {"rust-crate", "crates.io"}, {"php-composer", "packagist"},
		{"dotnet", "nuget"},     {"nuget", "nuget"},
	};
	for (size_t i = 0; type && i < sizeof(m) / sizeof(m[0]); i++)
		if (!strcmp(type, m[i].type))
			return m[i].ns;
	return NULL;
}

/* "go1.21rc2" → "1.21.0-rc.2", "go1.20" → "1.20.0", "go1.20.7" → "1.20.7"
 * (the Go vulndb's spelling of toolchain versions). */
static const char *go_toolchain_version(struct ctx *c, const char *v)
{
	char buf[128];
	size_t i = 0, o = 0, dots = 0;
	if (!v)
		return NULL;
	if (!strncmp(v, "go", 2))
		v += 2;
	else if (*v == 'v')
		v++;
	if (!isdigit((unsigned char)*v))
		return NULL;
	while (v[i] && (isdigit((unsigned char)v[i]) || v[i] == '.') && o < 64) {
		dots += v[i] == '.';
		buf[o++] = v[i++];
	}
	while (dots < 2 && o < 64) {
		memcpy(buf + o, ".0", 2);
		o += 2;
		dots++;
	}
	buf[o] = '\0';
	if (v[i]) {
		size_t k = i;
		while (isalpha((unsigned char)v[k]))
			k++;
		if (k > i && (!strncmp(v + i, "rc", 2) || !strncmp(v + i, "beta", 4) || !strncmp(v + i, "alpha", 5)))
			return customs_arena_printf(c->ar, "%s-%.*s.%s", buf, (int)(k - i), v + i, v + k);
		/* "1.22.0-X:nodwarf5", "1.21.4 X:..." : the release part only */
	}
	return customs_arena_strdup(c->ar, buf);
}

static const char *maven_name(struct ctx *c, const customs_package *p)
{
	static const char *const gk[] = {"group_id", "groupId", "group", "pom_group_id"};
	static const char *const ak[] = {"artifact_id", "artifactId", "artifact", "pom_artifact_id"};
	const char *g = NULL, *art = NULL;
	for (size_t i = 0; i < 4 && !g; i++)
		g = match__meta(p, gk[i]);
	for (size_t i = 0; i < 4 && !art; i++)
		art = match__meta(p, ak[i]);
	if (g && *g)
		return customs_arena_printf(c->ar, "%s:%s", g, art && *art ? art : p->name);
	if (p->purl && !strncmp(p->purl, "pkg:maven/", 10)) {
		customs_purl *u = NULL;
		if (customs_purl_parse_ext(&u, p->purl, CUSTOMS_PURL_LENIENT) == 0 && u->namespace_) {
			const char *r = customs_arena_printf(c->ar, "%s:%s", u->namespace_, u->name);
			customs_purl_free(u);
			return r;
		}
		customs_purl_free(u);
	}
	return p->name;
}

/* The package that installed the language package at index pi, or NULL. */
static const customs_package *owner_of(struct ctx *c, size_t pi)
{
	if (!c->owners_built) {
		c->owners_built = 1;
		if (customs_analysis_owners(c->a, &c->owners) < 0)
			c->owners = NULL; /* out of memory: no owners, as before any were found */
	}
	return c->owners && c->owners[pi] >= 0 ? c->a->packages[c->owners[pi]] : NULL;
}

/* For a distro package: its namespace, the names to look up and the version
 * to compare. */
static const char *distro_ns_of(struct ctx *c, const customs_package *p, const char *fallback)
{
	const char *ns = match__meta(p, "distro_namespace");
	(void)c;
	return ns && *ns ? ns : fallback;
}

static const char *distro_version(const customs_package *p)
{
	if (!strcmp(p->type, "deb") && p->source_version && *p->source_version)
		return p->source_version; /* Debian's feed lists source versions */
	return p->version;
}

static int unknown_source(const customs_package *p)
{
	return p->type && !strcmp(p->type, "deb") && (!p->source_name || !*p->source_name) && p->name && p->version;
}

/* ---- debs that name no source package (SBOMs of some tools) ---- */

/* Per namespace: its debs, those without a source, and what the Packages
 * indexes imported for it made of them. */
struct srcstat {
	const char *ns;
	size_t debs, unknown, found, exact;
	int64_t mapped;
};

static struct srcstat *srcstat_of(struct srcstat *v, size_t *n, size_t cap, const char *ns)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(v[i].ns, ns))
			return &v[i];
	if (*n == cap)
		return NULL;
	memset(&v[*n], 0, sizeof(v[0]));
	v[*n].ns = ns;
	return &v[(*n)++];
}

/* One warning per namespace: how many debs name no source, and either
 * how to map them or how many the map found. */
static int source_warnings(struct ctx *c, const struct srcstat *v, size_t n)
{
	int err = 0;
	for (size_t i = 0; i < n && err >= 0; i++) {
		const struct srcstat *x = &v[i];
		if (!x->unknown)
			continue;
		if (!x->mapped)
			err = match__warn(c,
					  "%s: %zu of %zu deb packages do not name their source package, so they are looked up "
					  "under their own name, which misses the advisories filed under the source package: "
					  "import a Packages index of that release to map them (`customs db import --release "
					  "%s FILE`, FILE from `apt-cache dumpavail` or /var/lib/apt/lists)",
					  x->ns, x->unknown, x->debs, x->ns);
		else
			err = match__warn(c,
					  "%s: %zu of %zu deb packages do not name their source package: %zu found in the "
					  "Packages indexes imported for %s (%zu at their very version), %zu not listed there "
					  "and looked up under their own name",
					  x->ns, x->unknown, x->debs, x->found, x->ns, x->exact, x->unknown - x->found);
	}
	return err;
}

/* Before the first plan: the source of every visible deb that names none,
 * from the Packages indexes of its release. */
static int resolve_sources(struct ctx *c, const char *dns)
{
	const customs_analysis *a = c->a;
	struct srcstat st[16];
	size_t nst = 0;
	int err = 0;

	c->bin_built = 1;
	for (size_t i = 0; i < a->npackages; i++) {
		const customs_package *p = a->packages[i];
		const char *ns = p->visible && p->type && !strcmp(p->type, "deb") ? distro_ns_of(c, p, dns) : NULL;
		struct srcstat *x = ns ? srcstat_of(st, &nst, sizeof(st) / sizeof(st[0]), ns) : NULL;
		if (!x)
			continue;
		x->debs++;
		x->unknown += unknown_source(p);
	}
	int mapped = 0;
	for (size_t k = 0; k < nst; k++) {
		if (st[k].unknown && (err = customs_vulndb_binary_count(c->db, st[k].ns, &st[k].mapped)) < 0)
			return err;
		mapped |= st[k].mapped > 0;
	}
	if (!mapped)
		return source_warnings(c, st, nst);
	if (!(c->bin_src = customs_arena_alloc(c->ar, 2 * (a->npackages + 1) * sizeof(*c->bin_src))))
		return match__oom();
	c->bin_src_version = c->bin_src + a->npackages + 1;
	memset(c->bin_src, 0, 2 * (a->npackages + 1) * sizeof(*c->bin_src));
	for (size_t i = 0; i < a->npackages; i++) {
		const customs_package *p = a->packages[i];
		const char *ns = p->visible && unknown_source(p) ? distro_ns_of(c, p, dns) : NULL;
		struct srcstat *x = ns ? srcstat_of(st, &nst, nst, ns) : NULL;
		customs_vulndb_source_pkg *r = NULL;
		if (!x || !x->mapped)
			continue;
		if ((err = customs_vulndb_binary_source(c->db, ns, p->name, p->version, &r)) == CUSTOMS_ENOTFOUND) {
			customs_error_clear();
			continue;
		}
		if (err < 0)
			return err;
		c->bin_src[i] = customs_arena_strdup(c->ar, r->name);
		c->bin_src_version[i] = customs_arena_strdup(c->ar, r->version);
		x->found++;
		x->exact += r->exact != 0;
		free(r);
		if (!c->bin_src[i] || !c->bin_src_version[i])
			return match__oom();
	}
	return source_warnings(c, st, nst);
}

/* pi: p's index in the analysis, for the source a Packages index gave it */
static int distro_key(struct ctx *c, size_t pi, const customs_package *p, const char *dns, struct pkgkey *k)
{
	memset(k, 0, sizeof(*k));
	k->ns = distro_ns_of(c, p, dns);
	k->version = distro_version(p);
	if (!k->ns || !k->version || !p->name)
		return 0;
	const char *src = p->source_name && *p->source_name ? p->source_name : p->name;
	if (c->bin_src && pi < c->a->npackages && c->bin_src[pi]) {
		src = c->bin_src[pi];
		k->version = c->bin_src_version[pi];
	}
	k->names[k->nnames] = src;
	k->kinds[k->nnames++] = strcmp(src, p->name) ? CUSTOMS_MATCH_SOURCE : CUSTOMS_MATCH_DIRECT;
	/* rpm feeds (AlmaLinux, Red Hat) name binary packages */
	if (!strcmp(p->type, "rpm") && strcmp(src, p->name)) {
		k->names[k->nnames] = p->name;
		k->kinds[k->nnames++] = CUSTOMS_MATCH_DIRECT;
	}
	return 1;
}

static int lang_key(struct ctx *c, const customs_package *p, struct pkgkey *k)
{
	memset(k, 0, sizeof(*k));
	if (!(k->ns = match__lang_ns(p->type)) || !p->name || !p->version || !*p->version)
		return 0;
	k->names[0] = p->name;
	k->kinds[0] = CUSTOMS_MATCH_DIRECT;
	k->nnames = 1;
	k->version = p->version;
	if (!strcmp(k->ns, "go")) {
		if (!strcmp(p->name, "stdlib") || !strcmp(p->name, "go") || !strcmp(p->name, "toolchain")) {
			k->names[0] = "stdlib";
			if (!(k->version = go_toolchain_version(c, p->version)))
				return 0;
		} else if (p->version[0] == '(') {
			return 0; /* "(devel)": a main module built from a checkout has no version */
		}
	} else if (!strcmp(k->ns, "maven")) {
		if (!(k->names[0] = maven_name(c, p)))
			return 0;
	}
	return 1;
}


static int ns_data(struct ctx *c, const char *ns, int *out)
{
	int found, err;
	void *v = customs_strmap_get(&c->nsdata, ns, &found);
	if (found) {
		*out = v != NULL;
		return 0;
	}
	if ((err = customs_vulndb_has_namespace(c->db, ns, out)) < 0)
		return err;
	const char *k = customs_arena_strdup(c->ar, ns);
	return k && customs_strmap_put(&c->nsdata, k, *out ? (void *)1 : NULL) == 0 ? 0 : match__oom();
}

/* The golang-X.Y relation of a Built-Using field: the one of the stdlib's
 * X.Y (stdlib "1.19.8" → "golang-1.19"), else the first golang-X.Y. */
struct toolchain {
	const char *want;  /* "1.19." */
	size_t nwant;
	const char *name, *version;
	size_t nlen, vlen;
	int exact;
};

static int is_golang(const char *n, size_t len)
{
	size_t i = 7, dots = 0;
	if (len < 10 || strncmp(n, "golang-", 7) || !isdigit((unsigned char)n[i]))
		return 0;
	for (; i < len; i++)
		if (n[i] == '.' && isdigit((unsigned char)n[i - 1]) && i + 1 < len)
			dots++;
		else if (!isdigit((unsigned char)n[i]))
			return 0;
	return dots == 1;
}

static int toolchain_cb(void *ud, const char *name, size_t nlen, const char *version, size_t vlen)
{
	struct toolchain *t = ud;
	int exact;
	if (!is_golang(name, nlen))
		return 0;
	exact = nlen - 7 + 1 == t->nwant && !strncmp(name + 7, t->want, nlen - 7);
	if (!t->name || (exact && !t->exact)) {
		t->name = name, t->nlen = nlen, t->version = version, t->vlen = vlen;
		t->exact = exact;
	}
	return 0;
}

/* A Go stdlib in a binary its owner deb installed: the owner's Built-Using
 * toolchain (name and version into pl), when it names one. */
static int built_using_toolchain(struct ctx *c, struct plan *pl)
{
	const char *bu = match__meta(pl->owner, "built_using"), *v = pl->k.version;
	struct toolchain t;
	size_t bad = 0;

	if (!bu || strcmp(pl->k.ns, "go") || strcmp(pl->k.names[0], "stdlib") || strcmp(pl->owner->type, "deb"))
		return 0;
	memset(&t, 0, sizeof(t));
	t.want = v;
	t.nwant = strcspn(v, ".");
	if (v[t.nwant] == '.')
		t.nwant += strcspn(v + t.nwant + 1, ".") + 2; /* "1.19." */
	customs__built_using(bu, toolchain_cb, &t, &bad);
	if (bad && match__warn(c, "%s %s: %zu Built-Using entr%s not \"NAME (= VERSION)\" (Debian Policy 7.8); ignored",
			       pl->owner->name, pl->owner->version ? pl->owner->version : "?", bad,
			       bad == 1 ? "y is" : "ies are") < 0)
		return CUSTOMS_ENOMEM;
	if (!t.name)
		return 0;
	if (!(pl->owner_src = customs_arena_strndup(c->ar, t.name, t.nlen)) ||
	    !(pl->owner_ver = customs_arena_strndup(c->ar, t.version, t.vlen)))
		return match__oom();
	pl->owner_built_using = 1;
	return 0;
}

/* Phase 1 for one package: its key, its lookups and its owner's.  Returns 1
 * when the package has a plan. */
int match__plan_package(struct ctx *c, size_t pi, const char *dns, int distro_data, struct plan *pl)
{
	const customs_package *p = c->a->packages[pi];
	struct pkgkey ok;
	struct lookup *l;
	int err, lang = !match__is_distro_type(p->type);

	memset(pl, 0, sizeof(*pl));
	pl->pi = pi;
	if (!c->bin_built && (err = resolve_sources(c, dns)) < 0)
		return err;
	if (lang ? !lang_key(c, p, &pl->k) : !distro_key(c, pi, p, dns, &pl->k))
		return 0;
	if (!lang && !distro_data && (!dns || !strcmp(pl->k.ns, dns)))
		return 0; /* warned once for the namespace */
	for (size_t i = 0; i < pl->k.nnames; i++) {
		if ((err = get_lookup(c, pl->k.ns, pl->k.names[i], pl->k.version, &l)) < 0)
			return err;
		pl->lks[i] = l;
	}
	pl->owner = lang ? owner_of(c, pi) : NULL;
	if (pl->owner && distro_key(c, (size_t)c->owners[pi], pl->owner, dns, &ok)) {
		pl->owner_src = ok.names[0];
		pl->owner_ver = ok.version;
		pl->owner_ns = ok.ns;
		if ((err = built_using_toolchain(c, pl)) < 0 || (err = ns_data(c, ok.ns, &pl->owner_data)) < 0)
			return err;
		if (pl->owner_data) {
			if ((err = get_lookup(c, ok.ns, pl->owner_src, pl->owner_ver, &l)) < 0)
				return err;
			pl->owner_lookup = l;
		}
	}
	return 1;
}

/* Phase 2: the record of every entry that matched. */
