/* layercache.c - a layer's results kept under its diff_id and the
 * analyzers' key, so that no image that has the layer reads it again:
 * its entries are the layer's rows of layer_files (exact: as walked,
 * whiteouts included); the rest is one blob (pack.h, zstd): the counts of
 * the walk, the warnings about the layer, and every analyzer's copies of
 * the files it took from the layer (core/copies.h: packages parsed from a
 * copy, or its bytes, or why it was unreadable).  Fed back in place of
 * the walk, they make the analysis the walk would have made. */
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "analyzers/registry.h"
#include "model/model.h"
#include "store/layercache.h"
#include "store/pack.h"

#define MAGIC "customs-layer"
#define FORMAT 1
/* a layer's results past this are a made-up blob */
#define MAX_BLOB (4ull << 30)

enum { COPY_PACKAGES = 0, COPY_DATA = 1, COPY_UNREADABLE = 2 };

/* ---- encoding ---- */

static void pack_copy(pack_w *w, const copies_copy *c)
{
	int kind = c->note ? COPY_UNREADABLE : (c->data || (c->len && !c->n)) ? COPY_DATA : COPY_PACKAGES;
	pack__u64(w, (uint64_t)kind);
	pack__str(w, c->path);
	switch (kind) {
	case COPY_PACKAGES:
		pack__u64(w, c->n);
		for (size_t i = 0; i < c->n; i++)
			pack__package(w, c->pkgs[i]);
		break;
	case COPY_DATA:
		pack__u64(w, c->data != NULL);
		pack__u64(w, c->len);
		if (c->data)
			pack__bytes(w, c->data, c->len);
		break;
	default:
		pack__str(w, c->note);
		break;
	}
}

int store__layer_encode(void **out, size_t *n, const customs_analysis *a, size_t li, const layer_result *r,
			analyzer_run *an, size_t nan, size_t first_warning)
{
	pack_w w = PACK_W_INIT;
	size_t nw = 0;
	int err;

	*out = NULL;
	*n = 0;
	pack__str(&w, MAGIC);
	pack__u64(&w, FORMAT);
	pack__u64(&w, r->n);
	pack__u64(&w, r->tar_bytes);
	pack__u64(&w, r->skipped);
	for (size_t i = first_warning; i < a->nwarnings; i++)
		nw += a->warnings[i].layer == (int)li;
	pack__u64(&w, nw);
	for (size_t i = first_warning; i < a->nwarnings; i++) {
		const customs_warning *x = &a->warnings[i];
		if (x->layer != (int)li)
			continue;
		pack__i64(&w, x->level);
		pack__str(&w, x->path);
		pack__str(&w, customs__warning_body(a, x));
	}
	pack__u64(&w, nan);
	for (size_t k = 0; k < nan; k++) {
		copies *sets = customs__analyzer_copies(&an[k]);
		pack__str(&w, an[k].type->name);
		if (!sets) {
			customs_buf_release(&w.b);
			return customs__error(CUSTOMS_EINVAL, "analyzer %s keeps its results outside the copies service",
					      an[k].type->name);
		}
		pack__u64(&w, CUSTOMS_COPIES_KINDS);
		for (int kind = 0; kind < CUSTOMS_COPIES_KINDS; kind++) {
			copies *s = &sets[kind];
			size_t nc = 0;
			/* the pass appends, nobody sorts before finish: record order */
			for (size_t i = 0; i < s->n; i++)
				nc += s->c[i].layer == (int)li;
			pack__u64(&w, nc);
			for (size_t i = 0; i < s->n; i++)
				if (s->c[i].layer == (int)li)
					pack_copy(&w, &s->c[i]);
		}
	}
	if ((err = w.err) == 0)
		err = pack__compress(out, n, w.b.ptr, w.b.len);
	customs_buf_release(&w.b);
	return err;
}

/* ---- decoding ---- */

static int unpack_copy(pack_r *r, copies *s, int layer)
{
	int kind = (int)pack__get_u64(r);
	char *path = pack__get_str(r, NULL);
	int err = 0;
	if (r->bad || !path) {
		free(path);
		return CUSTOMS_EFORMAT;
	}
	switch (kind) {
	case COPY_PACKAGES: {
		size_t n = pack__get_count(r, 9);
		customs_package **v = n ? calloc(n, sizeof(*v)) : NULL;
		if (n && !v) {
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			break;
		}
		size_t got = 0;
		while (got < n && !r->bad && (v[got] = pack__get_package(r)))
			got++;
		if (r->bad) {
			for (size_t i = 0; i < got; i++)
				customs_package_free(v[i]);
			err = CUSTOMS_EFORMAT;
		} else {
			err = copies__add(s, path, layer, v, n); /* takes the packages */
		}
		free(v);
		break;
	}
	case COPY_DATA: {
		int have = (int)pack__get_u64(r);
		uint64_t len = pack__get_u64(r);
		size_t n = 0;
		const void *data = have ? pack__get_bytes(r, &n) : NULL;
		if (r->bad || (have && n != len) || len > MAX_BLOB)
			err = CUSTOMS_EFORMAT;
		else
			err = copies__add_data(s, path, layer, data, (size_t)len);
		break;
	}
	case COPY_UNREADABLE: {
		char *note = pack__get_str(r, NULL);
		err = r->bad ? CUSTOMS_EFORMAT : copies__add_unreadable(s, path, layer, note);
		free(note);
		break;
	}
	default:
		err = CUSTOMS_EFORMAT;
	}
	free(path);
	return err;
}

typedef struct saved_warning {
	int level;
	char *path, *body;
} saved_warning;

int store__layer_decode(const void *blob, size_t len, customs_analysis *a, size_t li, layer_result *res,
			analyzer_run *an, size_t nan, dispatch *d)
{
	void *raw = NULL;
	size_t n;
	int err;
	if ((err = pack__decompress(&raw, &n, blob, len, MAX_BLOB)) < 0)
		return err;
	err = store__layer_decode_raw(raw, n, a, li, res, an, nan, d);
	free(raw);
	return err;
}

/* Every copy is of a regular file of the layer that the pass would have
 * handed to its analyzer: analyzers rely on getting only the files they
 * asked for, and a store is a file anyone may have edited. */
static int copies_plausible(copies *tmp, const layer_result *res, analyzer_run *an, size_t nan, dispatch *d)
{
	customs_strmap entries = {0};
	int ok = 1;
	for (size_t j = 0; j < res->n && ok; j++)
		if (res->e[j].kind == ENTRY_FILE && res->e[j].type == CUSTOMS_FILE_REG)
			ok = customs_strmap_put(&entries, res->e[j].path, (void *)(uintptr_t)(j + 1)) == 0;
	for (size_t k = 0; k < nan && ok; k++)
		for (int kind = 0; kind < CUSTOMS_COPIES_KINDS && ok; kind++) {
			const copies *c = &tmp[k * CUSTOMS_COPIES_KINDS + kind];
			for (size_t i = 0; i < c->n && ok; i++) {
				uintptr_t e = (uintptr_t)customs_strmap_get(&entries, c->c[i].path, NULL);
				const lentry *le = e ? &res->e[e - 1] : NULL;
				ok = le && (layers__dispatch_match(d, le->path, le->mode, le->size) >> k & 1);
			}
		}
	customs_strmap_release(&entries);
	(void)an;
	return ok;
}

int store__layer_decode_raw(const void *raw, size_t n, customs_analysis *a, size_t li, layer_result *res,
			    analyzer_run *an, size_t nan, dispatch *d)
{
	size_t nw = 0;
	int err = 0;
	char *magic = NULL;
	saved_warning *w = NULL;
	copies *tmp = calloc(nan * CUSTOMS_COPIES_KINDS + 1, sizeof(*tmp));

	if (!tmp)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	for (size_t i = 0; i < nan * CUSTOMS_COPIES_KINDS; i++)
		copies__init(&tmp[i]);
	pack_r r = {raw, (const unsigned char *)raw + n, 0};
	magic = pack__get_str(&r, NULL);
	if (!magic || strcmp(magic, MAGIC) || pack__get_u64(&r) != FORMAT) {
		err = CUSTOMS_EFORMAT;
		goto done;
	}
	uint64_t entries = pack__get_u64(&r), tar_bytes = pack__get_u64(&r), skipped = pack__get_u64(&r);
	if (entries != res->n) {
		err = CUSTOMS_EFORMAT; /* the rows are not the layer the blob was made of */
		goto done;
	}
	/* everything aside first: a damaged blob leaves the analysis as it was */
	nw = pack__get_count(&r, 3);
	if (nw && !(w = calloc(nw, sizeof(*w)))) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < nw && !r.bad; i++) {
		w[i].level = (int)pack__get_i64(&r);
		w[i].path = pack__get_str(&r, NULL);
		w[i].body = pack__get_str(&r, NULL);
	}
	if (pack__get_count(&r, 1) != nan) {
		err = CUSTOMS_EFORMAT;
		goto done;
	}
	for (size_t k = 0; k < nan && !err && !r.bad; k++) {
		char *name = pack__get_str(&r, NULL);
		int same = name && !strcmp(name, an[k].type->name);
		free(name);
		if (!same || !customs__analyzer_copies(&an[k]) || pack__get_u64(&r) != CUSTOMS_COPIES_KINDS) {
			err = CUSTOMS_EFORMAT;
			break;
		}
		for (int kind = 0; kind < CUSTOMS_COPIES_KINDS && !err && !r.bad; kind++) {
			size_t nc = pack__get_count(&r, 2);
			for (size_t i = 0; i < nc && !err && !r.bad; i++)
				err = unpack_copy(&r, &tmp[k * CUSTOMS_COPIES_KINDS + kind], (int)li);
		}
	}
	if (!err && (r.bad || r.p != r.end || !copies_plausible(tmp, res, an, nan, d)))
		err = CUSTOMS_EFORMAT;
	if (err)
		goto done;
	res->tar_bytes = tar_bytes;
	res->skipped = (size_t)skipped;
	res->complete = 1;
	for (size_t i = 0; i < nw; i++)
		customs_analysis_warn(a, w[i].level, (int)li, w[i].path, "%s", w[i].body ? w[i].body : "");
	for (size_t k = 0; k < nan && !err; k++) {
		copies *sets = customs__analyzer_copies(&an[k]);
		for (int kind = 0; kind < CUSTOMS_COPIES_KINDS && !err; kind++)
			err = copies__move(&sets[kind], &tmp[k * CUSTOMS_COPIES_KINDS + kind]);
	}
done:
	if (err == CUSTOMS_EFORMAT)
		err = customs__error(CUSTOMS_EFORMAT, "layer %zu: the store's results of %s are damaged", li,
				     a->layers[li].diff_id ? a->layers[li].diff_id : "this layer");
	for (size_t i = 0; i < nan * CUSTOMS_COPIES_KINDS; i++)
		copies__release(&tmp[i]);
	for (size_t i = 0; i < nw && w; i++)
		free(w[i].path), free(w[i].body);
	free(w);
	free(tmp);
	free(magic);
	return err;
}

/* ---- the store's lookups ---- */

typedef struct get_ctx {
	const char *diff_id, *key;
	int with_digests;
	layer_result *res;
	void *blob;
	size_t n;
	int ok;
	size_t cap;
} get_ctx;

static int blob_row(void *ud, const customs_store_value *c, size_t n)
{
	get_ctx *g = ud;
	if (c[0].type != CUSTOMS_SV_BLOB)
		return 0;
	if (!(g->blob = malloc(c[0].len ? c[0].len : 1)))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	memcpy(g->blob, c[0].s, c[0].len);
	g->n = c[0].len;
	return 0;
}

/* seq, kind, path, type, mode, uid, gid, size, link, sha256 */
static int entry_row(void *ud, const customs_store_value *c, size_t n)
{
	get_ctx *g = ud;
	layer_result *r = g->res;
	const char *path = sv_str(&c[2]), *link = sv_str(&c[8]), *sha = sv_str(&c[9]);
	if (sv_i64(&c[0]) != (int64_t)r->n || !path)
		return CUSTOMS_EFORMAT; /* rows missing: not this layer */
	if (r->n == g->cap && CUSTOMS_ARRAY_GROW(r->e, r->n, g->cap) < 0)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	lentry *e = &r->e[r->n];
	memset(e, 0, sizeof(*e));
	e->kind = (uint8_t)sv_i64(&c[1]);
	e->type = (uint8_t)sv_i64(&c[3]);
	e->mode = (uint32_t)sv_i64(&c[4]);
	e->uid = (uint32_t)sv_i64(&c[5]);
	e->gid = (uint32_t)sv_i64(&c[6]);
	e->size = (uint64_t)sv_i64(&c[7]);
	if (!(e->path = customs_arena_strndup(&r->arena, path, c[2].len)) ||
	    (link && !(e->link = customs_arena_strndup(&r->arena, link, c[8].len))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if (g->with_digests && sha && c[9].len == 64) {
		static const char hex[] = "0123456789abcdef";
		e->has_digest = 1;
		for (int i = 0; i < 32 && e->has_digest; i++) {
			const char *hi = memchr(hex, sha[2 * i], 16), *lo = memchr(hex, sha[2 * i + 1], 16);
			e->has_digest = hi && lo;
			e->sha256[i] = (unsigned char)(hi && lo ? ((hi - hex) << 4) | (lo - hex) : 0);
		}
	}
	r->n++;
	return 0;
}

static int get_tx(customs_store *s, void *ud)
{
	get_ctx *g = ud;
	customs_store_value k[] = {sv_text(g->diff_id), sv_text(g->key)};
	int64_t digests = 0;
	int err;

	if ((err = store__query(s, "SELECT data FROM layer_cache WHERE diff_id = ? AND analyzers = ?", k, 2, blob_row,
				g)) < 0 ||
	    !g->blob)
		return err;
	if ((err = store__query_int(s, "SELECT file_digests FROM layers WHERE files_key = ? AND exact = 1", k, 1,
				    &digests)) <= 0 ||
	    digests < g->with_digests)
		return err;
	err = store__query(s,
			   "SELECT seq, kind, path, type, mode, uid, gid, size, link, sha256 FROM layer_files"
			   " WHERE files_key = ? ORDER BY seq",
			   k, 1, entry_row, g);
	if (err == CUSTOMS_EFORMAT)
		return 0;
	g->ok = err == 0;
	return err;
}

int store__layer_get(customs_store *s, const char *diff_id, const char *key, int with_digests, layer_result *res,
		     void **blob, size_t *n)
{
	get_ctx g = {.diff_id = diff_id, .key = key, .with_digests = with_digests, .res = res};
	int err = store__tx(s, 0, get_tx, &g);
	*blob = NULL;
	*n = 0;
	if (err < 0 || !g.ok) {
		free(g.blob);
		free(res->e);
		customs_arena_release(&res->arena);
		res->e = NULL;
		res->n = res->cap = 0;
		return err < 0 ? err : 0;
	}
	res->cap = g.cap;
	*blob = g.blob;
	*n = g.n;
	return 1;
}
