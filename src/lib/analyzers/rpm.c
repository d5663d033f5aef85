/* rpm.c - the rpm cataloger: installed packages from the rpmdb of every
 * layer (SQLite rpmdb.sqlite, Berkeley DB Packages, NDB Packages.db, read
 * by rpm_sqlite.c, rpm_bdb.c, rpm_ndb.c and rpm_header.c without librpm),
 * merged across layers by core/copies.c. Package fields follow rpm's tags
 * (shared/FORMATS-packages.md 1.4); purls follow the purl spec's rpm type.
 *
 * Each layer's copy is parsed when it is delivered and only the packages
 * are kept. The database is delivered whole, up to CUSTOMS__MAX_RPMDB bytes: 256 MiB
 * is rpm's own bound on a single header (headerMaxbytes) and far above what
 * images carry (CBL-Mariner's 129-package rpmdb.sqlite is 3.5 MiB); one
 * delivery peaks at twice that (the engine's buffer plus SQLite's private
 * copy). Larger files are skipped with the engine's warning.
 */
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "core/copies.h"
#include "analyzers/rpmdb.h"
#include "customs/purl.h"
#include "util/util.h"

#define MAX_WARNINGS_PER_COPY 20

/* rpmdb.h */
const char *const customs__rpmdb_paths[] = {
	"usr/lib/sysimage/rpm/rpmdb.sqlite",
	"var/lib/rpm/rpmdb.sqlite",
	"usr/lib/sysimage/rpm/Packages.db",
	"var/lib/rpm/Packages.db",
	"var/lib/rpm/Packages",
	"usr/lib/sysimage/rpm/Packages",
	NULL,
};

static const char *const wanted[] = {
	"usr/lib/sysimage/rpm/rpmdb.sqlite",
	"var/lib/rpm/rpmdb.sqlite",
	"usr/lib/sysimage/rpm/Packages.db",
	"var/lib/rpm/Packages.db",
	"var/lib/rpm/Packages",
	"usr/lib/sysimage/rpm/Packages",
	/* only their size: committed pages may still sit in a WAL */
	"usr/lib/sysimage/rpm/rpmdb.sqlite-wal",
	"var/lib/rpm/rpmdb.sqlite-wal",
	NULL,
};

/* The state: copies of the databases that could be read (with their
 * packages), of the ones that could not (on_file said why), and of SQLite
 * WALs (only their size). */
enum { DB, BAD, WAL };

/* ---- one database → packages ---- */

typedef struct parse_ctx {
	customs__rpmdb_warn_fn warn;
	void *ud;
	customs_pkgvec pkgs;
	uint32_t instance; /* the header being parsed, for its warnings */
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
	return customs__pkgvec_push(&c->pkgs, p);
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
	return customs__pkgvec_result(out, n, &c.pkgs, err);
}

/* ---- identifiers ---- */

/* The distribution's name for itself, from the VENDOR tag. */
static const char *cpe_vendor(const char *vendor)
{
	static const struct {
		const char *prefix, *cpe;
	} v[] = {
		{"Red Hat", "redhat"},
		{"CentOS", "centos"},
		{"Fedora", "fedoraproject"},
		{"SUSE", "suse"},
		{"openSUSE", "opensuse"},
		{"Microsoft", "microsoft"},
		{"Amazon", "amazon"},
		{"Oracle", "oracle"},
		{"Rocky", "rocky"},
		{"AlmaLinux", "almalinux"},
		{NULL, NULL},
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

static int fill(void *ud, customs_analysis *a, customs_package *p, const copies_copy *listed)
{
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
		char *cpe = customs_cpe23(vendors[i], p->name, upstream);
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
	int worst; /* level of the warnings not shown */
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

static int on_file(void *self, const customs_afile *f, const unsigned char *data, size_t len)
{
	copies *r = self;
	customs_package **pkgs;
	size_t n;

	if (customs_str_has_suffix(f->path, "-wal"))
		return copies__add_data(&r[WAL], f->path, f->layer, NULL, len);
	warn_ctx w = {f->analysis, f->layer, f->path, 0, CUSTOMS_WARN};
	int err = customs__rpm_parse_packages(&pkgs, &n, data, len, copy_warn, &w);
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
		return copies__add_data(&r[BAD], f->path, f->layer, NULL, 0);
	}
	err = copies__add(&r[DB], f->path, f->layer, pkgs, n);
	free(pkgs);
	return err;
}

/* Which customs__rpmdb_paths[] entry is the image's database: the first one whose
 * visible copy could be read; -1 when none is visible, -2 when the visible
 * ones are all unreadable. */
static int chosen_path(copies *r, customs_analysis *a)
{
	int seen = 0;
	for (int i = 0; customs__rpmdb_paths[i]; i++) {
		if (copies__visible(&r[DB], a, customs__rpmdb_paths[i], 0))
			return i;
		seen |= copies__visible(&r[BAD], a, customs__rpmdb_paths[i], 0) != NULL;
	}
	return seen ? -2 : -1;
}

/* With a visible database, the others are leftovers; with none, every copy
 * tells what was removed; with only unreadable ones (on_file said so)
 * nothing can be said about removals. */
static int use_path(void *ud, customs_analysis *a, const char *path, const copies_copy *visible)
{
	int pick = *(const int *)ud;
	if (pick == -2)
		return 0;
	if (pick == -1 || !strcmp(path, customs__rpmdb_paths[pick]))
		return 1;
	if (visible)
		customs_analysis_warn(a, CUSTOMS_WARN, visible->layer, visible->path,
				      "rpmdb not used: the image's rpm database is %s", customs__rpmdb_paths[pick]);
	return 0;
}

static int finish(void *self, customs_analysis *a)
{
	copies *r = self;
	int pick = chosen_path(r, a);
	int err = copies__merge(
		&r[DB], a,
		&(copies_merge){.found_by = "rpm", .flags = COPIES_DISTRO, .fill = fill, .use = use_path, .ud = &pick});
	for (size_t i = 0; i < r[WAL].n; i++) {
		const copies_copy *w = &r[WAL].c[i];
		if (w->len && copies__visible_layer(a, w->path) == w->layer)
			customs_analysis_warn(a, CUSTOMS_ERROR, w->layer, w->path,
					      "%zu bytes of uncheckpointed SQLite WAL: packages committed only there "
					      "are missing",
					      w->len);
	}
	return err;
}

const customs_analyzer_type customs__rpm_analyzer = {
	.version = CUSTOMS_ANALYZER_VERSION,
	.name = "rpm",
	.description = "rpm packages from the rpmdb (SQLite, Berkeley DB, NDB)",
	.analyzer_version = "1",
	.paths = wanted,
	.create = customs__copies_create,
	.destroy = customs__copies_destroy,
	.max_size = CUSTOMS__MAX_RPMDB,
	.file = on_file,
	.finish = finish,
};
