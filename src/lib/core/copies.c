/* copies.c - every layer's copy of a file and the merge that turns the
 * copies into packages (see copies.h): the copy the squashed view shows,
 * runs of listings for introduced-in, the layer that removed what the
 * visible copy no longer lists, the hard-link fan-out. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/copies.h"
#include "core/distro.h"
#include "core/owners.h"
#include "core/pkgvec.h"
#include "util/util.h"

static int nomem(void)
{
	return customs__error(CUSTOMS_ENOMEM, "out of memory");
}

void copies__init(copies *s)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->mu, NULL);
}

static void copy_release(copies_copy *c)
{
	for (size_t i = 0; i < c->n; i++)
		customs_package_free(c->pkgs[i]);
	free(c->pkgs), free(c->path), free(c->data), free(c->note);
	memset(c, 0, sizeof(*c));
}

void copies__release(copies *s)
{
	for (size_t i = 0; i < s->n; i++)
		copy_release(&s->c[i]);
	free(s->c);
	pthread_mutex_destroy(&s->mu);
	memset(s, 0, sizeof(*s));
}

/* Append *tmp (taken: released when the set cannot grow). */
static int append(copies *s, copies_copy *tmp)
{
	int err = 0;
	pthread_mutex_lock(&s->mu);
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		copies_copy *c = realloc(s->c, cap * sizeof(*c));
		if (c) {
			s->c = c;
			s->cap = cap;
		} else {
			err = nomem();
		}
	}
	if (!err) {
		tmp->seq = s->n;
		s->c[s->n++] = *tmp;
		s->sorted = 0;
	}
	pthread_mutex_unlock(&s->mu);
	if (err)
		copy_release(tmp);
	return err;
}

int copies__add(copies *s, const char *path, int layer, customs_package **pkgs, size_t n)
{
	copies_copy c = {.layer = layer};
	if (n && !(c.pkgs = malloc(n * sizeof(*c.pkgs)))) {
		for (size_t i = 0; i < n; i++)
			customs_package_free(pkgs[i]);
		return nomem();
	}
	for (size_t i = 0; i < n; i++) {
		if (pkgs[i] && pkgs[i]->name && pkgs[i]->version)
			c.pkgs[c.n++] = pkgs[i];
		else
			customs_package_free(pkgs[i]);
	}
	if (!(c.path = customs_strdup(path))) {
		copy_release(&c);
		return nomem();
	}
	return append(s, &c);
}

int copies__add_unreadable(copies *s, const char *path, int layer, const char *why)
{
	copies_copy c = {.layer = layer};
	if (!(c.path = customs_strdup(path)) || (why && !(c.note = customs_strdup(why)))) {
		copy_release(&c);
		return nomem();
	}
	return append(s, &c);
}

int copies__add_data(copies *s, const char *path, int layer, const void *data, size_t len)
{
	copies_copy c = {.layer = layer, .len = len};
	if (!(c.path = customs_strdup(path)) || (data && !(c.data = malloc(len + 1)))) {
		copy_release(&c);
		return nomem();
	}
	if (data) {
		memcpy(c.data, data, len);
		c.data[len] = '\0';
	}
	return append(s, &c);
}

int copies__move(copies *dst, copies *src)
{
	int err = 0;
	for (size_t i = 0; i < src->n && !err; i++) {
		err = append(dst, &src->c[i]); /* releases the copy when it fails */
		memset(&src->c[i], 0, sizeof(src->c[i]));
	}
	for (size_t i = 0; i < src->n; i++)
		copy_release(&src->c[i]);
	src->n = 0;
	return err;
}

/* ---- lookups ---- */

static int cmp_copy(const void *x, const void *y)
{
	const copies_copy *a = x, *b = y;
	int c = strcmp(a->path, b->path);
	if (c)
		return c;
	if (a->layer != b->layer)
		return (a->layer > b->layer) - (a->layer < b->layer);
	return (a->seq > b->seq) - (a->seq < b->seq);
}

void copies__sort(copies *s)
{
	if (!s->sorted && s->n > 1)
		qsort(s->c, s->n, sizeof(*s->c), cmp_copy);
	s->sorted = 1;
}

const copies_copy *copies__at(copies *s, const char *path, int max_layer)
{
	size_t lo = 0, hi = s->n;
	const copies_copy *best = NULL;

	copies__sort(s);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(s->c[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < s->n && !strcmp(s->c[i].path, path); i++)
		if (s->c[i].layer <= max_layer)
			best = &s->c[i];
	return best;
}

static const copies_copy *copy_in(copies *s, const char *path, int layer)
{
	const copies_copy *c = layer >= 0 ? copies__at(s, path, layer) : NULL;
	return c && c->layer == layer ? c : NULL;
}

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

int copies__visible_layer(const customs_analysis *a, const char *path)
{
	/* the catalog, not customs_analysis_lookup(): it also holds the files
	 * of layers whose tars leave out parent directory entries */
	for (size_t i = files_lower_bound(a, path); i < a->nfiles && !strcmp(a->files[i].path, path); i++)
		if (a->files[i].visible)
			return a->files[i].layer;
	return -1;
}

const copies_copy *copies__visible(copies *s, const customs_analysis *a, const char *path, int follow)
{
	if (follow) {
		const customs_file *f = customs_analysis_lookup(a, path, 1);
		if (f)
			return copy_in(s, f->path, f->layer);
	}
	return copy_in(s, path, copies__visible_layer(a, path));
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
	int best;

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

/* ---- the merge of one path ---- */

/* One package followed through the copies of a path. */
typedef struct track {
	size_t copy, pkg;  /* where its newest record is */
	int run_start;     /* layer where its current run of listings began */
} track;

typedef struct merged {
	customs_package *p;
	size_t copy, pkg;  /* the copy it came from, its place there */
} merged;

typedef struct path_merge {
	copies_copy *c;    /* the path's copies, by layer */
	size_t nc;
	customs_arena ar;
	customs_strmap ids;  /* identity -> track index + 1 */
	customs_strmap seen; /* per copy: name, version, arch -> records so far */
	customs_buf key;
	track *tr;
	size_t ntr, cap;
} path_merge;

/* name, version and arch with their lengths, so that no byte they hold can
 * blur them; a second record of the same three in one copy is another
 * package ("#1"), as node_modules trees and fat jars hold them */
static const char *identity(path_merge *m, const customs_package *p)
{
	const char *arch = p->arch ? p->arch : "";
	int found;

	m->key.len = 0;
	if (customs_buf_printf(&m->key, "%zu:%s%zu:%s%zu:%s", strlen(p->name), p->name, strlen(p->version), p->version,
			       strlen(arch), arch) < 0)
		return NULL;
	uintptr_t k = (uintptr_t)customs_strmap_get(&m->seen, m->key.ptr, &found);
	if (!found) {
		const char *base = customs_arena_strdup(&m->ar, m->key.ptr);
		if (!base || customs_strmap_put(&m->seen, base, (void *)(uintptr_t)1) < 0)
			return NULL;
		return base;
	}
	/* the key is there: put only counts, it keeps the arena's copy */
	if (customs_strmap_put(&m->seen, m->key.ptr, (void *)(k + 1)) < 0 ||
	    customs_buf_printf(&m->key, "#%zu", (size_t)k) < 0)
		return NULL;
	return customs_arena_strdup(&m->ar, m->key.ptr);
}

/* Follow every record through the copies, lowest layer first. */
static int follow_records(path_merge *m)
{
	int err;
	for (size_t ci = 0; ci < m->nc; ci++) {
		customs_strmap_release(&m->seen);
		for (size_t j = 0; j < m->c[ci].n; j++) {
			const char *key = identity(m, m->c[ci].pkgs[j]);
			if (!key)
				return nomem();
			uintptr_t ti = (uintptr_t)customs_strmap_get(&m->ids, key, NULL);
			if (ti) {
				track *t = &m->tr[ti - 1];
				if (t->copy + 1 != ci)
					t->run_start = m->c[ci].layer; /* a gap: listed again */
				t->copy = ci;
				t->pkg = j;
				continue;
			}
			if (m->ntr == m->cap) {
				size_t cap = m->cap ? m->cap * 2 : 64;
				track *t = realloc(m->tr, cap * sizeof(*t));
				if (!t)
					return nomem();
				m->tr = t;
				m->cap = cap;
			}
			if ((err = customs_strmap_put(&m->ids, key, (void *)(uintptr_t)(m->ntr + 1))) < 0)
				return err;
			m->tr[m->ntr++] = (track){ci, j, m->c[ci].layer};
		}
	}
	return 0;
}

static int strcmp0(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_merged(const void *x, const void *y)
{
	const merged *ma = x, *mb = y;
	const customs_package *a = ma->p, *b = mb->p;
	int c;
	if ((c = strcmp(a->name, b->name)) || (c = strcmp(a->version, b->version)) || (c = strcmp0(a->arch, b->arch)))
		return c;
	if (a->visible != b->visible)
		return b->visible - a->visible;
	if (a->layer != b->layer)
		return (a->layer > b->layer) - (a->layer < b->layer);
	if (ma->copy != mb->copy)
		return (ma->copy > mb->copy) - (ma->copy < mb->copy);
	return (ma->pkg > mb->pkg) - (ma->pkg < mb->pkg);
}

/* The packages of copies c[0..nc) of one path (sorted by layer; vis is the
 * visible one, or nc), taken from their copies into *out, sorted. */
static int merge_path(const customs_analysis *a, copies_copy *c, size_t nc, size_t vis, merged **out, size_t *nout)
{
	path_merge m = {.c = c, .nc = nc, .key = CUSTOMS_BUF_INIT(0)};
	int err;

	*out = NULL;
	*nout = 0;
	if ((err = follow_records(&m)) < 0)
		goto done;
	if (m.ntr && !(*out = malloc(m.ntr * sizeof(**out)))) {
		err = nomem();
		goto done;
	}
	for (size_t i = 0; i < m.ntr; i++) {
		const track *t = &m.tr[i];
		customs_package *p = c[t->copy].pkgs[t->pkg];
		c[t->copy].pkgs[t->pkg] = NULL; /* taken */
		p->layer = t->run_start;
		p->visible = t->copy == vis;
		if (p->visible)
			p->removed_in_layer = -1;
		else if (t->copy + 1 < nc)
			p->removed_in_layer = c[t->copy + 1].layer;
		else
			p->removed_in_layer = deletion_layer(a, c[0].path, c[t->copy].layer);
		(*out)[(*nout)++] = (merged){p, t->copy, t->pkg};
	}
	if (*nout > 1)
		qsort(*out, *nout, sizeof(**out), cmp_merged);
done:
	free(m.tr);
	customs_strmap_release(&m.ids);
	customs_strmap_release(&m.seen);
	customs_arena_release(&m.ar);
	customs_buf_release(&m.key);
	return err;
}

/* ---- the merge of a set ---- */

/* Where one path's packages went in the output, for the hard-link fan-out. */
typedef struct span {
	size_t from, to;
	int layer;         /* of the visible copy */
} span;

typedef struct merge_run {
	customs_analysis *a;
	const copies_merge *m;
	char *ns;
	customs_pkgvec out;
	customs_strmap paths; /* path -> span index + 1 */
	span *spans;
	size_t nspans;
} merge_run;

static int set_origin(const merge_run *r, customs_package *p, const char *path)
{
	free(p->db_path), free(p->found_by);
	p->db_path = p->found_by = NULL;
	if (!(p->db_path = customs_strdup(path)) || (r->m->found_by && !(p->found_by = customs_strdup(r->m->found_by))))
		return nomem();
	if (r->ns) {
		if (!p->metadata && !(p->metadata = json_object()))
			return nomem();
		if (json_object_set_new(p->metadata, "distro_namespace", json_string(r->ns)) < 0)
			return nomem();
	}
	return 0;
}

static int note_span(merge_run *r, const char *path, size_t from, int layer)
{
	span *v = realloc(r->spans, (r->nspans + 1) * sizeof(*v));
	if (!v)
		return nomem();
	r->spans = v;
	v[r->nspans] = (span){from, r->out.n, layer};
	r->nspans++;
	return customs_strmap_put(&r->paths, path, (void *)(uintptr_t)r->nspans);
}

/* The copies c[0..nc) of one path into r->out. */
static int merge_group(merge_run *r, copies_copy *c, size_t nc)
{
	const copies_merge *m = r->m;
	int vl = copies__visible_layer(r->a, c[0].path), err;
	size_t vis = nc, nv, from = r->out.n;
	merged *v;

	for (size_t i = 0; i < nc; i++)
		if (c[i].layer == vl)
			vis = i;
	if (m->use && (err = m->use(m->ud, r->a, c[0].path, vis < nc ? &c[vis] : NULL)) <= 0)
		return err;
	if (vis < nc && c[vis].note)
		customs_analysis_warn(r->a, CUSTOMS_WARN, c[vis].layer, c[vis].path, "%s", c[vis].note);
	err = merge_path(r->a, c, nc, vis, &v, &nv);
	for (size_t i = 0; i < nv; i++) {
		customs_package *p = v[i].p;
		if (!err)
			err = set_origin(r, p, c[0].path);
		if (!err && m->fill)
			err = m->fill(m->ud, r->a, p, &c[v[i].copy]);
		if (err)
			customs_package_free(p);
		else
			err = customs__pkgvec_push(&r->out, p);
	}
	free(v);
	if (!err && (m->flags & COPIES_HARDLINKS) && vis < nc)
		err = note_span(r, c[0].path, from, c[vis].layer);
	return err;
}

static int strlist_copy(customs_strlist *dst, const customs_strlist *src)
{
	for (size_t i = 0; i < src->n; i++)
		if (customs_strlist_add(dst, src->v[i]) < 0)
			return nomem();
	return 0;
}

static customs_package *package_clone(const customs_package *p)
{
	customs_package *q = customs_package_new();
	if (!q)
		return NULL;
	const char *const from[] = {p->name, p->version, p->type, p->arch, p->purl, p->source_name, p->source_version,
				    p->found_by, p->db_path};
	char **to[] = {&q->name, &q->version, &q->type, &q->arch, &q->purl, &q->source_name, &q->source_version,
		       &q->found_by, &q->db_path};
	for (size_t i = 0; i < sizeof(to) / sizeof(to[0]); i++)
		if (from[i] && !(*to[i] = customs_strdup(from[i])))
			goto fail;
	if (strlist_copy(&q->licenses, &p->licenses) < 0 || strlist_copy(&q->cpes, &p->cpes) < 0 ||
	    strlist_copy(&q->files, &p->files) < 0 || (p->metadata && !(q->metadata = json_deep_copy(p->metadata))))
		goto fail;
	q->layer = p->layer;
	q->visible = p->visible;
	q->removed_in_layer = p->removed_in_layer;
	return q;
fail:
	customs_package_free(q);
	return NULL;
}

/* Hard links to a file, within its layer, name the same bytes (the tar
 * stores the content once, under the first name): each visible one gets
 * the visible packages of the file it links to. */
static int fan_out(merge_run *r)
{
	const customs_analysis *a = r->a;
	for (size_t f = 0; r->nspans && f < a->nfiles; f++) {
		const customs_file *hf = &a->files[f];
		if (hf->type != CUSTOMS_FILE_HARDLINK || !hf->visible || !hf->link)
			continue;
		uintptr_t k = (uintptr_t)customs_strmap_get(&r->paths, hf->link, NULL);
		if (!k || r->spans[k - 1].layer != hf->layer)
			continue;
		for (size_t i = r->spans[k - 1].from; i < r->spans[k - 1].to; i++) {
			if (!r->out.v[i]->visible)
				continue;
			customs_package *q = package_clone(r->out.v[i]);
			if (!q)
				return nomem();
			free(q->db_path);
			q->layer = hf->layer;
			int err = (q->db_path = customs_strdup(hf->path)) ? 0 : nomem();
			if (err) {
				customs_package_free(q);
				return err;
			}
			if ((err = customs__pkgvec_push(&r->out, q)) < 0)
				return err;
		}
	}
	return 0;
}

int copies__merge(copies *s, customs_analysis *a, const copies_merge *m)
{
	merge_run r = {.a = a, .m = m};
	int err = 0;

	if ((m->flags & COPIES_DISTRO) && !(r.ns = customs__distro_namespace(&a->distro)) && a->distro.id &&
	    *a->distro.id)
		return nomem();
	copies__sort(s);
	for (size_t from = 0, to; from < s->n && !err; from = to) {
		for (to = from + 1; to < s->n && !strcmp(s->c[to].path, s->c[from].path);)
			to++;
		err = merge_group(&r, &s->c[from], to - from);
	}
	if (!err && (m->flags & COPIES_HARDLINKS))
		err = fan_out(&r);
	if (!err && (m->flags & COPIES_OWNERS))
		err = customs__owners_link(a, r.out.v, r.out.n);
	for (size_t i = 0; i < r.out.n && !err; i++)
		if ((err = customs_analysis_add_package(a, r.out.v[i])) == 0)
			r.out.v[i] = NULL;
	customs__pkgvec_release(&r.out);
	customs_strmap_release(&r.paths);
	free(r.spans);
	free(r.ns);
	return err;
}
