/* pkgdb.c - the layer-by-layer merge of OS package databases (see pkgdb.h),
 * and the UTF-8 and CPE 2.3 (NISTIR 7695 §6.2 formatted string) helpers
 * the OS catalogers share. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "analyzers/pkgdb.h"
#include "util/util.h"
#include "core/distro.h"

struct pkgdb_copy {
	char *path;
	int layer;
	customs_package **pkgs;
	size_t n;
};

/* One name+version+arch at one path, followed through the copies. */
typedef struct track {
	customs_package *p; /* the newest record, still owned by its copy */
	size_t copy_idx;    /* where p lives */
	size_t pkg_idx;
	size_t last;        /* index (in the path's copies) of the last listing */
	int run_start;      /* layer where the current run of listings began */
} track;

void pkgdb__init(pkgdb *db)
{
	memset(db, 0, sizeof(*db));
}

int pkgdb__add_copy(pkgdb *db, const char *path, int layer, customs_package **pkgs, size_t n)
{
	customs_package **own = NULL;
	size_t k = 0;

	if (db->n == db->cap) {
		size_t ncap = db->cap ? db->cap * 2 : 8;
		pkgdb_copy *c = realloc(db->copies, ncap * sizeof(*c));
		if (!c)
			goto oom;
		db->copies = c;
		db->cap = ncap;
	}
	if (n && !(own = malloc(n * sizeof(*own))))
		goto oom;
	for (size_t i = 0; i < n; i++) {
		if (pkgs[i] && pkgs[i]->name && pkgs[i]->version)
			own[k++] = pkgs[i];
		else
			customs_package_free(pkgs[i]);
	}
	pkgdb_copy *c = &db->copies[db->n];
	if (!(c->path = customs_strdup(path))) {
		for (size_t i = 0; i < k; i++)
			customs_package_free(own[i]);
		free(own);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	c->layer = layer;
	c->pkgs = own;
	c->n = k;
	db->n++;
	return 0;
oom:
	for (size_t i = 0; i < n; i++)
		customs_package_free(pkgs[i]);
	return customs__error(CUSTOMS_ENOMEM, "out of memory");
}

void pkgdb__release(pkgdb *db)
{
	for (size_t i = 0; i < db->n; i++) {
		for (size_t j = 0; j < db->copies[i].n; j++)
			customs_package_free(db->copies[i].pkgs[j]);
		free(db->copies[i].pkgs);
		free(db->copies[i].path);
	}
	free(db->copies);
	memset(db, 0, sizeof(*db));
}

/* ---- the squashed view ---- */

/* First index in a->files (sorted by path, then layer) with this path. */
static size_t files_lower_bound(const customs_analysis *a, const char *path)
{
	size_t lo = 0, hi = a->nfiles;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(a->files[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int pkgdb__visible_layer(const customs_analysis *a, const char *path)
{
	/* The squash already decided what is visible, whiteouts, opaque
	 * directories and files over directories included; looking the path up
	 * in the catalog, rather than walking it with customs_analysis_lookup(),
	 * also works for layers whose tars leave out parent directory entries. */
	for (size_t i = files_lower_bound(a, path); i < a->nfiles && !strcmp(a->files[i].path, path); i++)
		if (a->files[i].visible)
			return a->files[i].layer;
	return -1;
}

/* Is there an entry for exactly `path` in a layer above `above`? The
 * lowest such layer (any type, or non-directories only), else -1. */
static int written_above(const customs_analysis *a, const char *path, int above, int nondir_only)
{
	for (size_t i = files_lower_bound(a, path); i < a->nfiles && !strcmp(a->files[i].path, path); i++) {
		const customs_file *f = &a->files[i];
		if ((int)f->layer > above && (!nondir_only || f->type != CUSTOMS_FILE_DIR))
			return f->layer;
	}
	return -1;
}

/* The layer that deleted `path`, last written by layer `above`.  Whiteouts
 * are not in the file catalog, but tar writers record the directory an
 * entry was removed from, and a non-directory written over an ancestor
 * hides it as well.  The lowest such layer above `above`, or -1 when none
 * says so. */
static int deletion_layer(const customs_analysis *a, const char *path, int above)
{
	char *dir = customs_strdup(path);
	char *slash = dir ? strrchr(dir, '/') : NULL;
	int best = -1;

	if (!slash) {
		free(dir);
		return -1;
	}
	*slash = '\0';
	best = written_above(a, dir, above, 0);
	for (char *p = strchr(dir, '/');; p = strchr(p + 1, '/')) {
		if (p)
			*p = '\0';
		int l = written_above(a, dir, above, 1);
		if (l >= 0 && (best < 0 || l < best))
			best = l;
		if (!p)
			break;
		*p = '/';
	}
	free(dir);
	return best;
}

/* ---- merge ---- */

static int cmp_copy(const void *x, const void *y)
{
	const pkgdb_copy *a = x, *b = y;
	int c = strcmp(a->path, b->path);
	if (c)
		return c;
	return (a->layer > b->layer) - (a->layer < b->layer);
}

static int strcmp0(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

typedef struct merged {
	customs_package *p;
	int listed; /* layer of the copy the record came from */
} merged;

static int cmp_merged(const void *x, const void *y)
{
	const customs_package *a = ((const merged *)x)->p, *b = ((const merged *)y)->p;
	int c;
	if ((c = strcmp0(a->name, b->name)) || (c = strcmp0(a->version, b->version)) || (c = strcmp0(a->arch, b->arch)))
		return c;
	if (a->visible != b->visible)
		return b->visible - a->visible;
	return (a->layer > b->layer) - (a->layer < b->layer);
}

/* name, version, arch joined by a byte none of them can hold */
static const char *identity(customs_arena *ar, const customs_package *p)
{
	size_t ln = strlen(p->name), lv = strlen(p->version), la = p->arch ? strlen(p->arch) : 0;
	char *k = customs_arena_alloc(ar, ln + lv + la + 3);
	if (!k)
		return NULL;
	memcpy(k, p->name, ln);
	k[ln] = '\x1f';
	memcpy(k + ln + 1, p->version, lv);
	k[ln + 1 + lv] = '\x1f';
	if (la)
		memcpy(k + ln + lv + 2, p->arch, la);
	k[ln + lv + la + 2] = '\0';
	return k;
}

/* Merge copies c[0..nc) of one path, sorted by layer, into *out (the
 * packages are taken from their copies). */
static int merge_path(customs_analysis *a, pkgdb_copy *c, size_t nc, merged **out, size_t *nout)
{
	customs_strmap map = {0};
	customs_arena ar = {0};
	track *tr = NULL;
	size_t ntr = 0, captr = 0;
	int err = 0;
	int vis_layer = pkgdb__visible_layer(a, c[0].path);
	size_t vis = SIZE_MAX;

	*out = NULL;
	*nout = 0;
	for (size_t ci = 0; ci < nc; ci++) {
		if (c[ci].layer == vis_layer)
			vis = ci;
		for (size_t j = 0; j < c[ci].n; j++) {
			const char *key = identity(&ar, c[ci].pkgs[j]);
			if (!key) {
				err = customs__error(CUSTOMS_ENOMEM, "out of memory");
				goto done;
			}
			int found;
			uintptr_t ti = (uintptr_t)customs_strmap_get(&map, key, &found);
			if (!found) {
				if (ntr == captr) {
					size_t ncap = captr ? captr * 2 : 256;
					track *t = realloc(tr, ncap * sizeof(*t));
					if (!t) {
						err = customs__error(CUSTOMS_ENOMEM, "out of memory");
						goto done;
					}
					tr = t;
					captr = ncap;
				}
				if ((err = customs_strmap_put(&map, key, (void *)(uintptr_t)ntr)) < 0)
					goto done;
				tr[ntr++] = (track){c[ci].pkgs[j], ci, j, ci, c[ci].layer};
				continue;
			}
			track *t = &tr[ti];
			if (t->last == ci)
				continue; /* listed twice in one copy: the first record wins */
			if (t->last + 1 != ci)
				t->run_start = c[ci].layer; /* a gap: installed again */
			t->last = ci;
			t->p = c[ci].pkgs[j];
			t->copy_idx = ci;
			t->pkg_idx = j;
		}
	}
	if (ntr && !(*out = malloc(ntr * sizeof(**out)))) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < ntr; i++) {
		track *t = &tr[i];
		customs_package *p = t->p;
		c[t->copy_idx].pkgs[t->pkg_idx] = NULL; /* taken */
		p->layer = t->run_start;
		if (t->last == vis) {
			p->visible = 1;
			p->removed_in_layer = -1;
		} else {
			p->visible = 0;
			p->removed_in_layer = t->last + 1 < nc ? c[t->last + 1].layer
							      : deletion_layer(a, c[0].path, c[t->last].layer);
		}
		(*out)[(*nout)++] = (merged){p, c[t->copy_idx].layer};
	}
done:
	free(tr);
	customs_strmap_release(&map);
	customs_arena_release(&ar);
	return err;
}

int pkgdb__finish(pkgdb *db, customs_analysis *a, const char *found_by, pkgdb_fill_fn fill, void *ud)
{
	char *ns = customs__distro_namespace(&a->distro);
	int err = 0;

	if (db->n)
		qsort(db->copies, db->n, sizeof(*db->copies), cmp_copy);
	for (size_t from = 0; from < db->n && err == 0;) {
		size_t to = from + 1;
		while (to < db->n && !strcmp(db->copies[to].path, db->copies[from].path))
			to++;
		merged *out;
		size_t nout;
		err = merge_path(a, &db->copies[from], to - from, &out, &nout);
		if (nout)
			qsort(out, nout, sizeof(*out), cmp_merged);
		for (size_t i = 0; i < nout; i++) {
			customs_package *p = out[i].p;
			free(p->db_path), free(p->found_by);
			p->db_path = p->found_by = NULL;
			if (err == 0 && !(p->db_path = customs_strdup(db->copies[from].path)))
				err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			if (err == 0 && found_by && !(p->found_by = customs_strdup(found_by)))
				err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			if (err == 0 && ns) {
				if (!p->metadata)
					p->metadata = json_object();
				if (!p->metadata || json_object_set_new(p->metadata, "distro_namespace", json_string(ns)) < 0)
					err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			}
			if (err == 0 && fill)
				err = fill(ud, a, p, out[i].listed);
			if (err == 0)
				err = customs_analysis_add_package(a, p);
			if (err < 0)
				customs_package_free(p);
		}
		free(out);
		from = to;
	}
	free(ns);
	return err;
}

/* ---- identifiers ---- */

/* CPE 2.3 formatted string: '\' quotes every non-alphanumeric except '_'
 * ('-' and '.' are left as they are, as the NVD dictionary writes them). */
static int cpe_put(customs_buf *b, const char *s)
{
	int err = 0;
	if (!s || !*s)
		return customs_buf_puts(b, "*");
	for (const unsigned char *p = (const unsigned char *)s; *p && err == 0; p++) {
		unsigned char ch = *p;
		if ((ch >= 'A' && ch <= 'Z'))
			ch = (unsigned char)(ch - 'A' + 'a');
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.'))
			err = customs_buf_put(b, "\\", 1);
		if (!err)
			err = customs_buf_put(b, &ch, 1);
	}
	return err;
}

char *pkgdb__cpe(const char *vendor, const char *product, const char *version)
{
	customs_buf b = CUSTOMS_BUF_INIT(1 << 16);
	int err = customs_buf_puts(&b, "cpe:2.3:a:");
	err = err ? err : cpe_put(&b, vendor);
	err = err ? err : customs_buf_puts(&b, ":");
	err = err ? err : cpe_put(&b, product);
	err = err ? err : customs_buf_puts(&b, ":");
	err = err ? err : cpe_put(&b, version);
	err = err ? err : customs_buf_puts(&b, ":*:*:*:*:*:*:*");
	if (err) {
		customs_buf_release(&b);
		return NULL;
	}
	return customs_buf_detach(&b);
}
