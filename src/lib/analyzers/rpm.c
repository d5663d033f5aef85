/* rpm.c - the rpm cataloger: installed packages from the rpmdb of every
 * layer (SQLite rpmdb.sqlite, Berkeley DB Packages, NDB Packages.db, read
 * by rpm_sqlite.c, rpm_bdb.c, rpm_ndb.c and rpm_header.c without librpm),
 * merged across layers by pkgdb.c. Package fields follow rpm's tags
 * (shared/FORMATS-packages.md 1.4); purls follow the purl spec's rpm type.
 *
 * Each layer's copy is parsed when it is delivered and only the packages
 * are kept. The database is delivered whole, up to MAX_RPMDB bytes: 256 MiB
 * is rpm's own bound on a single header (headerMaxbytes) and far above what
 * images carry (CBL-Mariner's 129-package rpmdb.sqlite is 3.5 MiB); one
 * delivery peaks at twice that (the engine's buffer plus SQLite's private
 * copy). Larger files are skipped with the engine's warning.
 */
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "analyzers/pkgdb.h"
#include "analyzers/rpmdb.h"
#include "customs/purl.h"
#include "util/util.h"

#define MAX_RPMDB (256u << 20)
#define MAX_WARNINGS_PER_COPY 20

/* The database locations, in the order they are preferred when an image
 * has more than one (rpm >= 4.16 defaults to SQLite, SUSE to NDB; the
 * Berkeley DB file is what older distros and stale leftovers hold). */
static const char *const db_paths[] = {
	"usr/lib/sysimage/rpm/rpmdb.sqlite", "var/lib/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/Packages.db",
	"var/lib/rpm/Packages.db",           "var/lib/rpm/Packages",     "usr/lib/sysimage/rpm/Packages",
	NULL,
};

static const char *const wanted[] = {
	"usr/lib/sysimage/rpm/rpmdb.sqlite", "var/lib/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/Packages.db",
	"var/lib/rpm/Packages.db",           "var/lib/rpm/Packages",     "usr/lib/sysimage/rpm/Packages",
	/* only their size: committed pages may still sit in a WAL */
	"usr/lib/sysimage/rpm/rpmdb.sqlite-wal", "var/lib/rpm/rpmdb.sqlite-wal", NULL,
};

typedef struct rpmcopy {
	char *path;
	int layer;
	int ok;                  /* the database could be read */
	customs_package **pkgs;
	size_t n, cap;
} rpmcopy;

typedef struct walcopy {
	char *path;
	int layer;
	size_t size;
} walcopy;

typedef struct rpm {
	customs_analyzer base;
	rpmcopy *c;
	size_t n, cap;
	walcopy *w;
	size_t nw;
} rpm;

/* ---- one database → packages ---- */

typedef struct parse_ctx {
	customs__rpmdb_warn_fn warn;
	void *ud;
	customs_package **pkgs;
	size_t n, cap;
	uint32_t instance;     /* the header being parsed, for its warnings */
	uint64_t blob_off;
} parse_ctx;

static void header_warn(void *ud, int level, uint64_t off, const char *msg)
{
	parse_ctx *c = ud;
	uint64_t at = c->blob_off != CUSTOMS__RPMDB_NOOFF ? c->blob_off + off : CUSTOMS__RPMDB_NOOFF;
	(void)level; /* a header's own warnings never lose the package */
	customs__rpmdb_warnf(c->warn, c->ud, CUSTOMS_WARN, at, "package instance %u, header offset %llu: %s",
			     c->instance, (unsigned long long)off, msg);
}

static int set(char **dst, const char *s)
{
	if (!s)
		return 0;
	if (!(*dst = customs_strdup(s)))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	return 0;
}

/* "name-version-release.src.rpm" → name and "[epoch:]version-release"; the
 * source rpm never carries the epoch, the binary's is the source's. */
static int split_sourcerpm(customs_package *p, const customs__rpm_header *h)
{
	const char *s = h->sourcerpm;
	size_t n = s ? strlen(s) : 0;
	if (n > 8 && !strcmp(s + n - 8, ".src.rpm"))
		n -= 8;
	else if (n > 10 && !strcmp(s + n - 10, ".nosrc.rpm"))
		n -= 10;
	else
		return 0;
	const char *rel = NULL, *ver = NULL;
	for (size_t i = n; i-- > 0;)
		if (s[i] == '-') {
			if (!rel)
				rel = s + i;
			else {
				ver = s + i;
				break;
			}
		}
	if (!ver || ver == s || rel == ver + 1 || rel + 1 == s + n)
		return 0;
	p->source_name = customs_strndup(s, (size_t)(ver - s));
	if (h->has_epoch)
		p->source_version = customs_asprintf("%u:%.*s", h->epoch, (int)(s + n - ver - 1), ver + 1);
	else
		p->source_version = customs_strndup(ver + 1, (size_t)(s + n - ver - 1));
	if (!p->source_name || !p->source_version)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	return 0;
}

static int jset(json_t *o, const char *k, json_t *v)
{
	if (!v || json_object_set_new(o, k, v) < 0)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	return 0;
}

int customs__rpm_package(customs_package **out, const customs__rpm_header *h)
{
	customs_package *p = customs_package_new();
	json_t *m;
	int err = 0;

	*out = NULL;
	if (!p)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if (h->has_epoch)
		p->version = customs_asprintf("%u:%s-%s", h->epoch, h->version, h->release);
	else
		p->version = customs_asprintf("%s-%s", h->version, h->release);
	if (!p->version || !(m = p->metadata = json_object())) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto fail;
	}
	if ((err = set(&p->name, h->name)) < 0 || (err = set(&p->type, "rpm")) < 0 ||
	    (err = set(&p->arch, h->arch)) < 0 || (err = split_sourcerpm(p, h)) < 0)
		goto fail;
	if (h->license && *h->license && (err = customs_strlist_add(&p->licenses, h->license)) < 0)
		goto fail;
	for (size_t i = 0; i < h->nfiles; i++)
		if ((err = customs_strlist_add(&p->files, h->files[i].path)) < 0)
			goto fail;
	if ((err = jset(m, "release", json_string(h->release))) < 0 ||
	    (h->has_epoch && (err = jset(m, "epoch", json_integer(h->epoch))) < 0) ||
	    (h->vendor && (err = jset(m, "vendor", json_string(h->vendor))) < 0) ||
	    (h->has_size && (err = jset(m, "size", json_integer((json_int_t)h->size))) < 0) ||
	    (h->modularitylabel && (err = jset(m, "modularity_label", json_string(h->modularitylabel))) < 0) ||
	    (h->sourcerpm && (err = jset(m, "sourcerpm", json_string(h->sourcerpm))) < 0) ||
	    (h->summary && (err = jset(m, "summary", json_string(h->summary))) < 0))
		goto fail;
	*out = p;
	return 0;
fail:
	customs_package_free(p);
	return err;
}

static int on_blob(void *ud, uint32_t instance, const unsigned char *blob, size_t len, uint64_t offset)
{
	parse_ctx *c = ud;
	customs__rpm_header h;
	customs_package *p;
	int err;

	c->instance = instance;
	c->blob_off = offset;
	if ((err = customs__rpm_header_parse(&h, blob, len, header_warn, c)) < 0) {
		if (err == CUSTOMS_ENOMEM)
			return err;
		customs__rpmdb_warnf(c->warn, c->ud, CUSTOMS_ERROR, offset, "package instance %u: header skipped: %s",
				     instance, customs_error_last());
		return 0;
	}
	/* imported signing keys are not packages (no arch, no source rpm) */
	if (!strcmp(h.name, "gpg-pubkey") && !h.sourcerpm) {
		customs__rpm_header_release(&h);
		return 0;
	}
	err = customs__rpm_package(&p, &h);
	customs__rpm_header_release(&h);
	if (err < 0)
		return err;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		customs_package **v = realloc(c->pkgs, cap * sizeof(*v));
		if (!v) {
			customs_package_free(p);
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		}
		c->pkgs = v;
		c->cap = cap;
	}
	c->pkgs[c->n++] = p;
	return 0;
}

static void db_warn(void *ud, int level, uint64_t off, const char *msg)
{
	parse_ctx *c = ud;
	if (c->warn)
		c->warn(c->ud, level, off, msg);
}

int customs__rpm_parse_packages(customs_package ***out, size_t *n, const unsigned char *buf, size_t len,
				customs__rpmdb_warn_fn warn, void *ud)
{
	parse_ctx c = {.warn = warn, .ud = ud};
	int err = customs__rpmdb_parse(buf, len, on_blob, db_warn, &c);
	*out = NULL;
	*n = 0;
	if (err < 0) {
		for (size_t i = 0; i < c.n; i++)
			customs_package_free(c.pkgs[i]);
		free(c.pkgs);
		return err;
	}
	*out = c.pkgs;
	*n = c.n;
	return 0;
}

/* ---- identifiers ---- */

/* The distribution's name for itself, from the VENDOR tag. */
static const char *cpe_vendor(const char *vendor)
{
	static const struct {
		const char *prefix, *cpe;
	} v[] = {
		{"Red Hat", "redhat"}, {"CentOS", "centos"}, {"Fedora", "fedoraproject"}, {"SUSE", "suse"},
		{"openSUSE", "opensuse"}, {"Microsoft", "microsoft"}, {"Amazon", "amazon"}, {"Oracle", "oracle"},
		{"Rocky", "rocky"}, {"AlmaLinux", "almalinux"}, {NULL, NULL},
	};
	for (int i = 0; vendor && v[i].prefix; i++)
		if (customs_str_has_prefix(vendor, v[i].prefix))
			return v[i].cpe;
	return NULL;
}

/* purl (purl-spec types/rpm): pkg:rpm/<distro id>/<name>@<version>-<release>
 * with arch, epoch and distro=<id>-<version_id> qualifiers. */
char *customs__rpm_purl(const customs_package *p, const customs_distro *d)
{
	const char *ver = p->version, *colon = strchr(ver, ':');
	char *epoch = colon ? customs_strndup(ver, (size_t)(colon - ver)) : NULL;
	char *distro = d && d->id && d->version_id ? customs_asprintf("%s-%s", d->id, d->version_id)
					       : customs_strdup(d ? d->id : NULL);
	const char *q[] = {"arch", p->arch, "distro", distro, "epoch", epoch, NULL};
	char *purl = customs_purl_make("rpm", d ? d->id : NULL, p->name, colon ? colon + 1 : ver, q, NULL);
	free(epoch);
	free(distro);
	return purl;
}

static int fill(void *ud, customs_analysis *a, customs_package *p, int listed_layer)
{
	(void)ud, (void)listed_layer;
	free(p->purl);
	p->purl = customs__rpm_purl(p, &a->distro); /* NULL: no valid purl, not fatal */
	/* CPE 2.3, best effort: the upstream version, named by the project
	 * (NVD's usual vendor = product for free software) and by the distributor */
	json_t *jv = p->metadata ? json_object_get(p->metadata, "vendor") : NULL;
	const char *vendors[2] = {p->name, cpe_vendor(json_string_value(jv))};
	const char *colon = strchr(p->version, ':');
	const char *v0 = colon ? colon + 1 : p->version, *dash = strrchr(v0, '-');
	char *upstream = customs_strndup(v0, dash ? (size_t)(dash - v0) : strlen(v0));
	if (!upstream)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	int err = 0;
	for (int i = 0; i < 2 && err == 0; i++) {
		if (!vendors[i])
			continue;
		char *cpe = pkgdb__cpe(vendors[i], p->name, upstream);
		if (!cpe)
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		else if (!customs_strlist_contains(&p->cpes, cpe))
			err = customs_strlist_add(&p->cpes, cpe);
		free(cpe);
	}
	free(upstream);
	return err;
}

/* ---- the analyzer ---- */

typedef struct warn_ctx {
	customs_analysis *a;
	int layer;
	const char *path;
	size_t count;
	int worst;              /* level of the warnings not shown */
} warn_ctx;

static void copy_warn(void *ud, int level, uint64_t off, const char *msg)
{
	warn_ctx *w = ud;
	/* past the cap only the level still counts: one lost package makes
	 * the inventory incomplete, shown or not */
	if (++w->count > MAX_WARNINGS_PER_COPY) {
		w->worst = level > w->worst ? level : w->worst;
		return;
	}
	if (off == CUSTOMS__RPMDB_NOOFF)
		customs_analysis_warn(w->a, level, w->layer, w->path, "rpmdb: %s", msg);
	else
		customs_analysis_warn(w->a, level, w->layer, w->path, "rpmdb offset %llu: %s", (unsigned long long)off,
				      msg);
}

static int on_file(customs_analyzer *self, const customs_afile *f, const unsigned char *data, size_t len)
{
	rpm *r = (rpm *)self;
	int err;

	if (customs_str_has_suffix(f->path, "-wal")) {
		walcopy *w = realloc(r->w, (r->nw + 1) * sizeof(*w));
		if (!w)
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		r->w = w;
		if (!(w[r->nw].path = customs_strdup(f->path)))
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		w[r->nw].layer = f->layer;
		w[r->nw].size = len;
		r->nw++;
		return 0;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 4;
		rpmcopy *c = realloc(r->c, cap * sizeof(*c));
		if (!c)
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		r->c = c;
		r->cap = cap;
	}
	rpmcopy *c = &r->c[r->n];
	memset(c, 0, sizeof(*c));
	if (!(c->path = customs_strdup(f->path)))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	c->layer = f->layer;
	r->n++;

	warn_ctx w = {f->analysis, f->layer, f->path, 0, CUSTOMS_WARN};
	err = customs__rpm_parse_packages(&c->pkgs, &c->n, data, len, copy_warn, &w);
	if (w.count > MAX_WARNINGS_PER_COPY)
		customs_analysis_warn(f->analysis, w.worst, f->layer, f->path, "rpmdb: %zu more warnings not shown",
				      w.count - MAX_WARNINGS_PER_COPY);
	if (err == CUSTOMS_ENOMEM)
		return err;
	if (err < 0) {
		customs_analysis_warn(f->analysis, CUSTOMS_ERROR, f->layer, f->path,
				      "rpm database (%s, %zu bytes) cannot be read: %s",
				      customs__rpmdb_kind_name(customs__rpmdb_sniff(data, len)), len,
				      customs_error_last());
		return 0;
	}
	c->cap = c->n;
	c->ok = 1;
	return 0;
}

/* Which db_paths[] entry is the image's database: the first one whose
 * visible copy could be read; -1 when none is visible, -2 when the visible
 * ones are all unreadable. */
static int chosen_path(rpm *r, customs_analysis *a)
{
	int seen = 0;
	for (int i = 0; db_paths[i]; i++) {
		int vl = pkgdb__visible_layer(a, db_paths[i]);
		if (vl < 0)
			continue;
		for (size_t j = 0; j < r->n; j++)
			if (r->c[j].layer == vl && !strcmp(r->c[j].path, db_paths[i])) {
				if (r->c[j].ok)
					return i;
				seen = 1;
			}
	}
	return seen ? -2 : -1;
}

static int finish(customs_analyzer *self, customs_analysis *a)
{
	rpm *r = (rpm *)self;
	pkgdb db;
	int err = 0, pick = chosen_path(r, a);

	pkgdb__init(&db);
	for (size_t j = 0; j < r->n && err == 0; j++) {
		rpmcopy *c = &r->c[j];
		if (!c->ok || pick == -2)
			continue; /* unreadable: on_file said so, nothing to say about removals */
		/* with a visible database, the others are leftovers; with none,
		 * every copy tells what was removed */
		if (pick >= 0 && strcmp(c->path, db_paths[pick])) {
			if (pkgdb__visible_layer(a, c->path) == c->layer)
				customs_analysis_warn(a, CUSTOMS_WARN, c->layer, c->path,
						      "rpmdb not used: the image's rpm database is %s", db_paths[pick]);
			continue;
		}
		err = pkgdb__add_copy(&db, c->path, c->layer, c->pkgs, c->n);
		free(c->pkgs);
		c->pkgs = NULL;
		c->n = 0;
	}
	for (size_t i = 0; i < r->nw; i++) {
		const customs_file *f = customs_analysis_lookup(a, r->w[i].path, 0);
		if (r->w[i].size && f && (int)f->layer == r->w[i].layer)
			customs_analysis_warn(a, CUSTOMS_ERROR, r->w[i].layer, r->w[i].path,
					      "%zu bytes of uncheckpointed SQLite WAL: packages committed only there "
					      "are missing",
					      r->w[i].size);
	}
	if (err == 0 && db.n)
		err = pkgdb__finish(&db, a, "rpm", fill, r);
	pkgdb__release(&db);
	return err;
}

static void rpm_free(customs_analyzer *self)
{
	rpm *r = (rpm *)self;
	for (size_t i = 0; i < r->n; i++) {
		for (size_t j = 0; j < r->c[i].n; j++)
			customs_package_free(r->c[i].pkgs[j]);
		free(r->c[i].pkgs);
		free(r->c[i].path);
	}
	for (size_t i = 0; i < r->nw; i++)
		free(r->w[i].path);
	free(r->c);
	free(r->w);
	free(r);
}

customs_analyzer *customs__rpm_new(void)
{
	rpm *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->base.version = CUSTOMS_ANALYZER_VERSION;
	r->base.name = "rpm";
	r->base.paths = wanted;
	r->base.max_size = MAX_RPMDB;
	r->base.file = on_file;
	r->base.finish = finish;
	r->base.free = rpm_free;
	return &r->base;
}
