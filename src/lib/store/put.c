/* put.c - storing an analysis as facts, in one transaction: the image row
 * (config, distro as columns), its layers, the files of each layer once
 * per diff_id (shared by every image that has the layer) and the entries
 * this image hides of them, its packages as rows with their bulky data
 * content-addressed, its warnings, the tag.  A killed process leaves the
 * analysis wholly there or absent: the transaction is the unit. */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "model/model.h"
#include "store/pack.h"
#include "store/store_int.h"

/* ---- a package's row ---- */

typedef struct pkg_row {
	pack_w meta;       /* metadata packed (pack__json), empty when none */
	customs_buf files; /* owned files packed */
	char digest[72];   /* of meta and files: package_data's key, "" when both are empty */
} pkg_row;

static int pkg_row_make(pkg_row *r, const customs_package *p)
{
	r->files = (customs_buf)CUSTOMS_BUF_INIT(0);
	r->meta = (pack_w)PACK_W_INIT;
	r->digest[0] = '\0';
	if (p->metadata)
		pack__json(&r->meta, p->metadata);
	if (r->meta.err)
		return r->meta.err;
	if (store__strlist_pack(&r->files, &p->files) < 0)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if (!r->meta.b.len && !r->files.len)
		return 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned char md[32];
	if (!c)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	if (r->meta.b.len)
		EVP_DigestUpdate(c, r->meta.b.ptr, r->meta.b.len);
	EVP_DigestUpdate(c, "", 1); /* metadata and files stay apart */
	if (r->files.len)
		EVP_DigestUpdate(c, r->files.ptr, r->files.len);
	EVP_DigestFinal_ex(c, md, NULL);
	EVP_MD_CTX_free(c);
	memcpy(r->digest, "sha256:", 7);
	customs_hex(r->digest + 7, md, 32);
	return 0;
}

static void pkg_row_release(pkg_row *r)
{
	customs_buf_release(&r->meta.b);
	customs_buf_release(&r->files);
}

/* What the matcher would see: the packages, whole, and the distro.  Images
 * with equal package sets share their matches. */
static void hash_str(EVP_MD_CTX *c, const char *s)
{
	if (s)
		EVP_DigestUpdate(c, s, strlen(s) + 1);
	else
		EVP_DigestUpdate(c, "\xff", 1);
}

static void hash_list(EVP_MD_CTX *c, const customs_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		hash_str(c, l->v[i]);
	EVP_DigestUpdate(c, "\xfe", 1);
}

static void hash_package(EVP_MD_CTX *c, const customs_package *p, const pkg_row *r)
{
	const char *const s[] = {p->name,        p->version,        p->type,     p->arch,    p->purl,
				 p->source_name, p->source_version, p->found_by, p->db_path, r->digest};
	int32_t n[] = {p->layer, p->visible, p->removed_in_layer};
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		hash_str(c, s[i]);
	EVP_DigestUpdate(c, n, sizeof(n));
	hash_list(c, &p->licenses);
	hash_list(c, &p->cpes);
}

/* ---- the image row ---- */

#define IMAGE_COLS                                                                                                     \
	"manifest_digest, config_digest, manifest_media_type, reference, source_kind, source_path, source_tags,"       \
	" name, created, author, architecture, os, variant, config_user, config_workdir, config_stop_signal,"          \
	" config_env, config_entrypoint, config_cmd, config_shell, config_ports, config_volumes, config_labels,"       \
	" config_healthcheck, distro_id, distro_version_id, distro_codename, distro_pretty_name, distro_id_like,"      \
	" distro_source_path, analysed_at, customs_version, analyzers, file_digests, complete, nlayers, npackages,"    \
	" nfiles, pkgset, layer_key, plugin_results"
#define IMAGE_NCOLS 41

typedef struct put_ctx {
	const store_put *p;
	const char *digest;
	char pkgset[72];
	char *layer_key;
	pkg_row *rows;
	customs_buf lists[8]; /* packed string lists of the image row */
	char *labels, *healthcheck, *plugin_results;
	char now[40];
	int64_t id;
} put_ctx;

/* The image row's lists and JSON, once: a retried transaction reuses them. */
static int image_prepare(put_ctx *x)
{
	const customs_image *im = &x->p->a->image;
	const customs_config *c = &im->config;
	const customs_strlist *lists[] = {&im->tags, &c->env,           &c->entrypoint, &c->cmd,
					  &c->shell, &c->exposed_ports, &c->volumes};
	for (size_t i = 0; i < NV(lists); i++)
		if (store__strlist_pack(&x->lists[i], lists[i]) < 0)
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if ((c->labels && !(x->labels = store__json_text(c->labels))) ||
	    (c->healthcheck && !(x->healthcheck = store__json_text(c->healthcheck))) ||
	    (x->p->a->plugin_results && !(x->plugin_results = store__json_text(x->p->a->plugin_results))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	return 0;
}

static int image_values(put_ctx *x, customs_store_value *v)
{
	const customs_analysis *a = x->p->a;
	const customs_image *im = &a->image;
	const customs_config *c = &im->config;
	size_t k = 0;
#define L(i) (x->lists[i].len ? sv_blob(x->lists[i].ptr, x->lists[i].len) : sv_null())
	v[k++] = sv_text(im->manifest_digest);
	v[k++] = sv_text(im->config_digest);
	v[k++] = sv_text(im->manifest_media_type);
	v[k++] = sv_text(im->reference);
	v[k++] = sv_text(im->source_kind);
	v[k++] = sv_text(im->source_path);
	v[k++] = L(0);
	v[k++] = sv_text(im->name);
	v[k++] = sv_text(im->created);
	v[k++] = sv_text(im->author);
	v[k++] = sv_text(im->architecture);
	v[k++] = sv_text(im->os);
	v[k++] = sv_text(im->variant);
	v[k++] = sv_text(c->user);
	v[k++] = sv_text(c->workdir);
	v[k++] = sv_text(c->stop_signal);
	for (int i = 1; i <= 6; i++)
		v[k++] = L(i);
#undef L
	v[k++] = sv_text(x->labels);
	v[k++] = sv_text(x->healthcheck);
	v[k++] = sv_text(a->distro.id);
	v[k++] = sv_text(a->distro.version_id);
	v[k++] = sv_text(a->distro.version_codename);
	v[k++] = sv_text(a->distro.pretty_name);
	v[k++] = sv_text(a->distro.id_like);
	v[k++] = sv_text(a->distro.source_path);
	v[k++] = sv_text(x->now);
	v[k++] = sv_text(CUSTOMS_VERSION);
	v[k++] = sv_text(x->p->analyzers);
	v[k++] = sv_int(x->p->file_digests);
	v[k++] = sv_int(a->complete);
	v[k++] = sv_int((int64_t)a->nlayers);
	size_t visible = 0;
	for (size_t i = 0; i < a->npackages; i++)
		visible += a->packages[i]->visible != 0;
	v[k++] = sv_int((int64_t)visible);
	v[k++] = sv_int((int64_t)a->nfiles);
	v[k++] = sv_text(x->pkgset);
	v[k++] = sv_text(x->layer_key);
	v[k++] = sv_text(x->plugin_results);
	return (int)k;
}

/* Insert the image row, or update the one its digest has (keeping its id,
 * so its match history stays; its current matches stay only when its
 * package set is the same). */
static int put_image(customs_store *s, put_ctx *x)
{
	customs_store_value v[IMAGE_NCOLS + 2];
	int n = image_values(x, v), err;
	if (n < 0)
		return n;
	if ((err = store__image_id(s, x->digest, &x->id)) < 0)
		return err;
	if (err == 0) {
		v[n] = sv_text(x->digest);
		err = store__query_int(
			s,
			"INSERT INTO images(" IMAGE_COLS ", digest) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
			"?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (digest) DO NOTHING RETURNING id",
			v, (size_t)n + 1, &x->id);
		if (err != 0)
			return err < 0 ? err : 0;
		/* another process stored it meanwhile: replace what it stored */
		if ((err = store__image_id(s, x->digest, &x->id)) <= 0)
			return err < 0 ? err
				       : customs__error(CUSTOMS_EINTERNAL, "%s vanished while it was stored",
							x->digest);
	}
	customs_store_value w[] = {sv_text(x->pkgset), sv_int(x->id)};
	char *old = NULL;
	if ((err = store__query_text(s, "SELECT pkgset FROM images WHERE id = ?", &w[1], 1, &old)) < 0 ||
	    (err = store__exec(s, "UPDATE images SET matchset = NULL, matched_at = NULL WHERE pkgset <> ? AND id = ?",
			       w, NV(w), NULL)) < 0) {
		free(old);
		return err;
	}
	v[n++] = sv_int(x->id);
	err = store__exec(s,
			  "UPDATE images SET (" IMAGE_COLS
			  ") = (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
			  "?,?,?,?,?,?,?,?,?,?) WHERE id = ?",
			  v, (size_t)n, NULL);
	/* other packages (another analyzer version): the old ones' matches go
	 * when no image has those packages any more */
	if (!err && old && strcmp(old, x->pkgset))
		err = store__forget_pkgset(s, old);
	free(old);
	if (err < 0)
		return err;
	/* what the rows below replace */
	static const char *const clear[] = {
		"DELETE FROM image_layers WHERE image_id = ?",
		"DELETE FROM image_hidden WHERE image_id = ?",
		"DELETE FROM image_warnings WHERE image_id = ?",
		"DELETE FROM packages WHERE image_id = ?",
	};
	customs_store_value id = sv_int(x->id);
	for (size_t i = 0; i < NV(clear) && !err; i++)
		err = store__exec(s, clear[i], &id, 1, NULL);
	return err;
}

/* ---- layers and their files ---- */

/* The key of a layer's files: its diff_id when they are the tar's entries
 * as the layer pass walked them; else (taken from an image's catalog)
 * "catalog:" and the diff_id, or for a layer without one (an SBOM's) the
 * image's digest and the layer's index. */
static char *files_key_of(const customs_analysis *a, const char *digest, size_t i, int exact)
{
	const char *d = a->layers[i].diff_id;
	if (exact && d)
		return customs_strdup(d);
	return d ? customs_asprintf("catalog:%s", d) : customs_asprintf("catalog:%s#%zu", digest, i);
}

static int file_row(store_bulk *b, const char *key, int64_t seq, int kind, const char *path, int type, uint32_t mode,
		    uint32_t uid, uint32_t gid, uint64_t size, const char *link, int has_digest,
		    const unsigned char *sha)
{
	char hex[65];
	if (has_digest)
		customs_hex(hex, sha, 32);
	customs_store_value v[] = {sv_text(key),
				   sv_int(seq),
				   sv_int(kind),
				   sv_text(path),
				   sv_int(type),
				   sv_int(mode),
				   sv_int(uid),
				   sv_int(gid),
				   sv_int((int64_t)size),
				   sv_text(link),
				   sv_text(has_digest ? hex : NULL)};
	return store__bulk_row(b, v);
}

/* The layer's files, as rows, unless they are stored (with file digests
 * when these have them: the same entries, numbered alike). */
static int put_layer_files(customs_store *s, put_ctx *x, size_t li, const char *key, const customs_file **cat,
			   size_t ncat)
{
	const customs_analysis *a = x->p->a;
	const store_layer_in *in = x->p->layers ? &x->p->layers[li] : NULL;
	int exact = in && in->e, digests = x->p->file_digests, found, err;
	int64_t have_digests = 0;
	customs_store_value k = sv_text(key);
	store_bulk b;

	const customs_layer *l = &a->layers[li];
	customs_store_value lv[] = {k,
				    sv_int(exact ? (int64_t)in->n : (int64_t)ncat),
				    sv_int((int64_t)l->tar_size),
				    sv_int((int64_t)l->skipped),
				    sv_int(digests),
				    sv_int(exact),
				    sv_text(x->now)};
	int64_t inserted = 0;
	/* another process storing the same layer at once: one of the two
	 * inserts it, the other waits for it and finds it */
	if ((err = store__exec(
		     s,
		     "INSERT INTO layers(files_key, entries, tar_size, skipped, file_digests, exact, stored_at)"
		     " VALUES(?, ?, ?, ?, ?, ?, ?) ON CONFLICT (files_key) DO NOTHING",
		     lv, NV(lv), &inserted)) < 0)
		return err;
	if (!inserted) {
		if ((found = store__query_int(s, "SELECT file_digests FROM layers WHERE files_key = ?", &k, 1,
					      &have_digests)) < 0)
			return found;
		if (have_digests >= digests)
			return 0;
		/* the same entries, now with their digests */
		customs_store_value u[] = {sv_int(digests), k};
		if ((err = store__exec(s, "DELETE FROM layer_files WHERE files_key = ?", &k, 1, NULL)) < 0 ||
		    (err = store__exec(s, "UPDATE layers SET file_digests = ? WHERE files_key = ?", u, NV(u), NULL)) <
			    0)
			return err;
	}
	if ((err = store__bulk_init(
		     &b, s,
		     "INSERT INTO layer_files(files_key, seq, kind, path, type, mode, uid, gid, size, link,"
		     " sha256)",
		     11, NULL)) < 0)
		return err;
	if (exact) {
		for (size_t j = 0; j < in->n && !err; j++) {
			const lentry *e = &in->e[j];
			err = file_row(&b, key, (int64_t)j, e->kind, e->path, e->type, e->mode, e->uid, e->gid, e->size,
				       e->link, e->has_digest, e->sha256);
		}
	} else {
		/* from the catalog, numbered so that a load, which reads a
		 * layer's entries last first as the squash does, gives them
		 * back in this order */
		for (size_t j = 0; j < ncat && !err; j++) {
			const customs_file *f = cat[ncat - 1 - j];
			err = file_row(&b, key, (int64_t)j, ENTRY_FILE, f->path, f->type, f->mode, f->uid, f->gid,
				       f->size, f->link, f->has_digest, f->sha256);
		}
	}
	if (err) {
		store__bulk_release(&b);
		return err;
	}
	return store__bulk_finish(&b);
}

/* The seq of catalog file f among layer li's rows. */
static int64_t seq_of(const store_layer_in *in, customs_strmap *m, const customs_file *f, const customs_file **cat,
		      size_t ncat)
{
	if (!in || !in->e) {
		for (size_t j = 0; j < ncat; j++)
			if (cat[ncat - 1 - j] == f)
				return (int64_t)j;
		return -1;
	}
	/* squash copies the entry's path pointer: equal pointers, one entry */
	uintptr_t k = (uintptr_t)customs_strmap_get(m, f->path, NULL);
	if (k && in->e[k - 1].path == f->path)
		return (int64_t)(k - 1);
	for (size_t j = 0; j < in->n; j++)
		if (in->e[j].path == f->path)
			return (int64_t)j;
	return -1;
}

/* The one row of the layer's stored entries (key) that has path: 1 with
 * *seq, 0 when there is none or more than one. */
static int unique_seq(customs_store *s, const char *key, const char *path, int64_t *seq)
{
	customs_store_value v[] = {sv_text(key), sv_text(path)};
	int64_t n = 0;
	int err = store__query_int(s, "SELECT count(*) FROM layer_files WHERE files_key = ? AND path = ? AND kind = 0",
				   v, NV(v), &n);
	if (err < 0 || n != 1)
		return err < 0 ? err : 0;
	return store__query_int(s, "SELECT seq FROM layer_files WHERE files_key = ? AND path = ? AND kind = 0", v,
				NV(v), seq);
}

/* Which rows hold layer li's files (*key) and which of them the image hides
 * (*hidden, their seqs): the entries the pass walked; else the walked
 * entries of its diff_id when the store has them (another image's) and
 * each hidden file is one of them; else rows of its own catalog. */
static int layer_hidden(customs_store *s, put_ctx *x, size_t li, const store_layer_in *in, const customs_file **cat,
			size_t ncat, char **key, int64_t **hidden, size_t *nhidden)
{
	const customs_analysis *a = x->p->a;
	const char *diff_id = a->layers[li].diff_id;
	customs_strmap m = {0};
	size_t cap = 0;
	int exact = in && in->e, err = 0;
	int64_t have = 0;

	*hidden = NULL;
	*nhidden = 0;
	if (!exact && diff_id) {
		customs_store_value k = sv_text(diff_id);
		if ((err = store__query_int(s, "SELECT file_digests FROM layers WHERE files_key = ? AND exact = 1", &k,
					    1, &have)) < 0)
			return err;
		exact = err == 1 && have >= x->p->file_digests ? 2 : 0;
		err = 0;
	}
	/* the pass's entries: an entry's path pointer is the catalog's */
	for (size_t j = 0; exact == 1 && j < in->n && !err; j++)
		if (in->e[j].kind == ENTRY_FILE && !customs_strmap_get(&m, in->e[j].path, NULL))
			err = customs_strmap_put(&m, in->e[j].path, (void *)(uintptr_t)(j + 1));
	for (size_t j = 0; j < ncat && !err; j++) {
		const customs_file *f = cat[j];
		int64_t seq = -1;
		if (f->visible)
			continue;
		int one = exact == 2 ? unique_seq(s, diff_id, f->path, &seq) : 0;
		if (one < 0) {
			err = one;
			break;
		}
		if (exact == 2 && !one) {
			/* not one of them: this image keeps rows of its own */
			exact = 0;
			*nhidden = 0;
			j = (size_t)-1;
			continue;
		}
		if (exact != 2)
			seq = seq_of(exact ? in : NULL, &m, f, cat, ncat);
		if (seq < 0) {
			err = customs__error(CUSTOMS_EINTERNAL, "layer %zu: %s is in the catalog but not in the layer",
					     li, f->path);
			break;
		}
		if (*nhidden == cap && CUSTOMS_ARRAY_GROW(*hidden, *nhidden, cap) < 0) {
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			break;
		}
		(*hidden)[(*nhidden)++] = seq;
	}
	customs_strmap_release(&m);
	if (!err && !(*key = files_key_of(a, x->digest, li, exact != 0)))
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
	if (err) {
		free(*hidden);
		*hidden = NULL;
		*nhidden = 0;
	}
	return err;
}

static int put_layers(customs_store *s, put_ctx *x)
{
	const customs_analysis *a = x->p->a;
	const customs_file **cat = NULL;
	size_t *ncat = NULL, *start = NULL;
	store_bulk lb, hb;
	int err = 0, lb_ok = 0, hb_ok = 0;

	/* the catalog by layer, in catalog order */
	if (!(ncat = calloc(a->nlayers + 1, sizeof(*ncat))) || !(start = calloc(a->nlayers + 1, sizeof(*start))) ||
	    !(cat = calloc(a->nfiles + 1, sizeof(*cat)))) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < a->nfiles; i++)
		if (a->files[i].layer < a->nlayers)
			ncat[a->files[i].layer]++;
	for (size_t l = 1; l <= a->nlayers; l++)
		start[l] = start[l - 1] + ncat[l - 1];
	memset(ncat, 0, (a->nlayers + 1) * sizeof(*ncat));
	for (size_t i = 0; i < a->nfiles; i++) {
		size_t l = a->files[i].layer;
		if (l < a->nlayers)
			cat[start[l] + ncat[l]++] = &a->files[i];
	}

	if ((err = store__bulk_init(
		     &lb, s,
		     "INSERT INTO image_layers(image_id, idx, diff_id, files_key, digest, media_type, size,"
		     " tar_size, created_by, created, comment, entries, skipped, complete, diff_id_verified)",
		     15, NULL)) < 0)
		goto done;
	lb_ok = 1;
	if ((err = store__bulk_init(&hb, s, "INSERT INTO image_hidden(image_id, layer, seq)", 3, NULL)) < 0)
		goto done;
	hb_ok = 1;
	for (size_t li = 0; li < a->nlayers && !err; li++) {
		const customs_layer *l = &a->layers[li];
		const store_layer_in *in = x->p->layers ? &x->p->layers[li] : NULL;
		int64_t *hidden = NULL;
		size_t nhidden = 0;
		char *key = NULL;
		if ((err = layer_hidden(s, x, li, in, cat + start[li], ncat[li], &key, &hidden, &nhidden)) < 0)
			break;
		customs_store_value v[] = {sv_int(x->id),
					   sv_int((int64_t)li),
					   sv_text(l->diff_id),
					   sv_text(key),
					   sv_text(l->digest),
					   sv_text(l->media_type),
					   sv_int(l->size),
					   sv_int((int64_t)l->tar_size),
					   sv_text(l->created_by),
					   sv_text(l->created),
					   sv_text(l->comment),
					   sv_int((int64_t)l->entries),
					   sv_int((int64_t)l->skipped),
					   sv_int(l->complete),
					   sv_int(l->diff_id_verified)};
		err = store__bulk_row(&lb, v);
		/* rows walked by another image's pass are there already */
		if (!err && ((in && in->e) || customs_str_has_prefix(key, "catalog:")))
			err = put_layer_files(s, x, li, key, cat + start[li], ncat[li]);
		for (size_t j = 0; j < nhidden && !err; j++) {
			customs_store_value h[] = {sv_int(x->id), sv_int((int64_t)li), sv_int(hidden[j])};
			err = store__bulk_row(&hb, h);
		}
		free(hidden);
		free(key);
	}
	if (!err) {
		lb_ok = 0;
		err = store__bulk_finish(&lb);
	}
	if (!err) {
		hb_ok = 0;
		err = store__bulk_finish(&hb);
	}
done:
	if (lb_ok)
		store__bulk_release(&lb);
	if (hb_ok)
		store__bulk_release(&hb);
	free(cat), free(ncat), free(start);
	return err;
}

/* The results of the layers the pass read, for the next analysis of any
 * image that has them. */
static int put_layer_cache(customs_store *s, put_ctx *x)
{
	const customs_analysis *a = x->p->a;
	int err = 0;
	for (size_t li = 0; x->p->layers && li < a->nlayers && !err; li++) {
		const store_layer_in *in = &x->p->layers[li];
		if (!in->cache || !a->layers[li].diff_id)
			continue;
		customs_store_value v[] = {sv_text(a->layers[li].diff_id), sv_text(x->p->analyzers),
					   sv_blob(in->cache, in->cache_len), sv_text(x->now)};
		err = store__exec(s,
				  "INSERT INTO layer_cache(diff_id, analyzers, data, stored_at) VALUES(?, ?, ?, ?)"
				  " ON CONFLICT (diff_id, analyzers) DO NOTHING",
				  v, NV(v), NULL);
	}
	return err;
}

/* ---- packages and warnings ---- */

static int put_packages(customs_store *s, put_ctx *x)
{
	const customs_analysis *a = x->p->a;
	customs_buf lic = CUSTOMS_BUF_INIT(0), cpe = CUSTOMS_BUF_INIT(0);
	store_bulk pb, db;
	int err;

	if ((err = store__bulk_init(
		     &pb, s,
		     "INSERT INTO packages(image_id, seq, name, version, type, arch, purl, source_name,"
		     " source_version, found_by, db_path, layer, visible, removed_in_layer, licenses, cpes, data)",
		     17, NULL)) < 0)
		return err;
	if ((err = store__bulk_init(&db, s, "INSERT INTO package_data(digest, metadata, files)", 3,
				    " ON CONFLICT (digest) DO NOTHING")) < 0) {
		store__bulk_release(&pb);
		return err;
	}
	for (size_t i = 0; i < a->npackages && !err; i++) {
		const customs_package *p = a->packages[i];
		const pkg_row *r = &x->rows[i];
		if ((err = store__strlist_pack(&lic, &p->licenses)) < 0 ||
		    (err = store__strlist_pack(&cpe, &p->cpes)) < 0)
			break;
		customs_store_value v[] = {sv_int(x->id),
					   sv_int((int64_t)i),
					   sv_text(p->name ? p->name : ""),
					   sv_text(p->version),
					   sv_text(p->type),
					   sv_text(p->arch),
					   sv_text(p->purl),
					   sv_text(p->source_name),
					   sv_text(p->source_version),
					   sv_text(p->found_by),
					   sv_text(p->db_path),
					   sv_int(p->layer),
					   sv_int(p->visible),
					   sv_int(p->removed_in_layer),
					   lic.len ? sv_blob(lic.ptr, lic.len) : sv_null(),
					   cpe.len ? sv_blob(cpe.ptr, cpe.len) : sv_null(),
					   sv_text(r->digest[0] ? r->digest : NULL)};
		if ((err = store__bulk_row(&pb, v)) < 0 || !r->digest[0])
			continue;
		customs_store_value d[] = {sv_text(r->digest),
					   r->meta.b.len ? sv_blob(r->meta.b.ptr, r->meta.b.len) : sv_null(),
					   r->files.len ? sv_blob(r->files.ptr, r->files.len) : sv_null()};
		err = store__bulk_row(&db, d);
	}
	customs_buf_release(&lic);
	customs_buf_release(&cpe);
	if (err) {
		store__bulk_release(&pb);
		store__bulk_release(&db);
		return err;
	}
	err = store__bulk_finish(&pb);
	int err2 = store__bulk_finish(&db);
	return err ? err : err2;
}

static int put_warnings(customs_store *s, put_ctx *x)
{
	const customs_analysis *a = x->p->a;
	store_bulk b;
	int err;
	if ((err = store__bulk_init(&b, s, "INSERT INTO image_warnings(image_id, seq, level, layer, path, message)", 6,
				    NULL)) < 0)
		return err;
	for (size_t i = 0; i < a->nwarnings && !err; i++) {
		const customs_warning *w = &a->warnings[i];
		customs_store_value v[] = {sv_int(x->id),    sv_int((int64_t)i), sv_int(w->level),
					   sv_int(w->layer), sv_text(w->path),   sv_text(customs__warning_body(a, w))};
		err = store__bulk_row(&b, v);
	}
	if (err) {
		store__bulk_release(&b);
		return err;
	}
	return store__bulk_finish(&b);
}

/* ---- tags ---- */

int store__tag(customs_store *s, const char *tag, const char *digest)
{
	char *cur = NULL, now[40];
	customs_store_value t = sv_text(tag);
	int err = store__query_text(s, "SELECT digest FROM image_tags WHERE tag = ? ORDER BY id DESC LIMIT 1", &t, 1,
				    &cur);
	if (err < 0)
		return err;
	int same = cur && !strcmp(cur, digest);
	free(cur);
	if (same)
		return 0;
	store__now(now);
	customs_store_value v[] = {t, sv_text(digest), sv_text(now)};
	return store__exec(s, "INSERT INTO image_tags(tag, digest, seen_at) VALUES(?, ?, ?)", v, NV(v), NULL);
}

/* The names an image goes by when no tag is given: the registry
 * reference it was pulled by, else its own full names (RepoTags). */
static int default_tags(customs_store *s, const customs_analysis *a, const char *digest)
{
	const customs_image *im = &a->image;
	int err = 0;
	if (im->source_kind && !strcmp(im->source_kind, "registry") && im->reference) {
		const char *r = im->reference;
		static const char *const schemes[] = {"registry://", "registry:", "docker://"};
		for (size_t i = 0; i < NV(schemes); i++)
			if (customs_str_has_prefix(r, schemes[i])) {
				r += strlen(schemes[i]);
				break;
			}
		return store__tag(s, r, digest);
	}
	for (size_t i = 0; i < im->tags.n && !err; i++)
		if (strchr(im->tags.v[i], '/') && strchr(im->tags.v[i], ':'))
			err = store__tag(s, im->tags.v[i], digest);
	return err;
}

/* ---- the transaction ---- */

static int put_tx(customs_store *s, void *ud)
{
	put_ctx *x = ud;
	int err;
	if ((err = put_image(s, x)) < 0 || (err = put_layers(s, x)) < 0 || (err = put_layer_cache(s, x)) < 0 ||
	    (err = put_packages(s, x)) < 0 || (err = put_warnings(s, x)) < 0)
		return err;
	return x->p->tag ? store__tag(s, x->p->tag, x->digest) : default_tags(s, x->p->a, x->digest);
}

int store__put(customs_store *s, const store_put *p)
{
	const customs_analysis *a = p->a;
	put_ctx x = {.p = p, .digest = store__analysis_digest(a)};
	customs_buf lk = CUSTOMS_BUF_INIT(0);
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned char md[32];
	int err = 0;

	if (!x.digest)
		return customs__error(
			CUSTOMS_EINVAL,
			"%s has neither a manifest nor a config digest: only an image can be stored by digest",
			a->image.reference ? a->image.reference : "the analysis");
	if (a->npackages && !(x.rows = calloc(a->npackages, sizeof(*x.rows))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if (!c) {
		free(x.rows);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	hash_str(c, a->distro.id);
	hash_str(c, a->distro.version_id);
	hash_str(c, a->distro.version_codename);
	hash_str(c, a->distro.id_like);
	for (size_t i = 0; i < a->npackages && !err; i++)
		if ((err = pkg_row_make(&x.rows[i], a->packages[i])) == 0)
			hash_package(c, a->packages[i], &x.rows[i]);
	EVP_DigestFinal_ex(c, md, NULL);
	EVP_MD_CTX_free(c);
	memcpy(x.pkgset, "sha256:", 7);
	customs_hex(x.pkgset + 7, md, 32);
	for (size_t i = 0; i < a->nlayers; i++)
		customs_buf_printf(&lk, "%s%s", i ? "," : "", a->layers[i].diff_id ? a->layers[i].diff_id : "-");
	x.layer_key = customs_buf_detach(&lk);
	if (!x.layer_key && !(x.layer_key = customs_strdup("")))
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
	for (size_t i = 0; i < NV(x.lists); i++)
		x.lists[i] = (customs_buf)CUSTOMS_BUF_INIT(0);
	store__now(x.now);
	if (!err)
		err = image_prepare(&x);
	if (!err)
		err = store__tx(s, 1, put_tx, &x);
	for (size_t i = 0; x.rows && i < a->npackages; i++)
		pkg_row_release(&x.rows[i]);
	for (size_t i = 0; i < NV(x.lists); i++)
		customs_buf_release(&x.lists[i]);
	free(x.rows);
	free(x.layer_key);
	free(x.labels);
	free(x.healthcheck);
	free(x.plugin_results);
	return err;
}

int store__image_id(customs_store *s, const char *digest, int64_t *id)
{
	customs_store_value d = sv_text(digest);
	return store__query_int(s, "SELECT id FROM images WHERE digest = ?", &d, 1, id);
}

/* The matches of a package set no image has any more (a digest stored
 * again with other packages, an image removed) go with it. */
int store__forget_pkgset(customs_store *s, const char *pkgset)
{
	static const char *const sql[] = {
		"DELETE FROM match_ids WHERE matchset IN (SELECT id FROM matchsets WHERE pkgset = ?1)"
		" AND NOT EXISTS (SELECT 1 FROM images WHERE pkgset = ?1)",
		"DELETE FROM matches WHERE matchset IN (SELECT id FROM matchsets WHERE pkgset = ?1)"
		" AND NOT EXISTS (SELECT 1 FROM images WHERE pkgset = ?1)",
		"DELETE FROM matchsets WHERE pkgset = ?1 AND NOT EXISTS (SELECT 1 FROM images WHERE pkgset = ?1)",
	};
	customs_store_value v = sv_text(pkgset);
	int err = 0;
	for (size_t i = 0; i < NV(sql) && !err; i++)
		err = store__exec(s, sql[i], &v, 1, NULL);
	return err;
}
