/* load.c - a stored analysis back as the customs_analysis that was stored:
 * the image row, its layers, the file catalog rebuilt from the layers'
 * rows as the squash builds it (top layer first, each layer's entries last
 * first, then sorted and hard links resolved) with what the image hides
 * marked invisible, the packages in their order, the warnings worded anew
 * for the image's reference. */
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "store/pack.h"
#include "store/store_int.h"

typedef struct load_ctx {
	customs_analysis *a;
	int64_t id;
	int file_digests;
	int complete;
	int found;
	customs_arena *ar;      /* file paths */
	int64_t *hidden;        /* (layer << 32 | seq), sorted */
	size_t nhidden, caphidden;
	size_t layer;           /* the layer whose files are being read */
	size_t files_cap;
} load_ctx;

static int nomem(void)
{
	return customs__error(CUSTOMS_ENOMEM, "out of memory");
}

static int dupv(char **dst, const customs_store_value *v)
{
	const char *s = sv_str(v);
	if (s && !(*dst = customs_strndup(s, v->len)))
		return nomem();
	return 0;
}

static int jsonv(json_t **dst, const customs_store_value *v)
{
	const char *s = sv_str(v);
	if (s && !(*dst = json_loadb(s, v->len, JSON_DECODE_ANY, NULL)))
		return customs__error(CUSTOMS_EFORMAT, "the store holds malformed JSON in an image's row");
	return 0;
}

/* ---- the image row ---- */

#define IMAGE_SELECT                                                                                                 \
	"SELECT id, reference, source_kind, source_path, source_tags, manifest_digest, manifest_media_type,"         \
	" config_digest, created, author, architecture, os, variant, name, config_user, config_workdir,"            \
	" config_stop_signal, config_env, config_entrypoint, config_cmd, config_shell, config_ports,"                \
	" config_volumes, config_labels, config_healthcheck, distro_id, distro_version_id, distro_codename,"        \
	" distro_pretty_name, distro_id_like, distro_source_path, complete, file_digests, nlayers,"                  \
	" plugin_results FROM images WHERE digest = ?"

static int image_row(void *ud, const customs_store_value *c, size_t n)
{
	load_ctx *x = ud;
	customs_analysis *a = x->a;
	customs_image *im = &a->image;
	customs_config *cf = &im->config;
	char **s[] = {&im->reference, &im->source_kind, &im->source_path};
	char **t[] = {&im->manifest_digest, &im->manifest_media_type, &im->config_digest, &im->created, &im->author,
		      &im->architecture, &im->os, &im->variant, &im->name, &cf->user, &cf->workdir, &cf->stop_signal};
	customs_strlist *l[] = {&cf->env, &cf->entrypoint, &cf->cmd, &cf->shell, &cf->exposed_ports, &cf->volumes};
	char **d[] = {&a->distro.id, &a->distro.version_id, &a->distro.version_codename, &a->distro.pretty_name,
		      &a->distro.id_like, &a->distro.source_path};
	int err = 0;
	size_t k = 0;

	if (n < 35)
		return customs__error(CUSTOMS_EINTERNAL, "the images row has %zu columns", n);
	x->found = 1;
	x->id = sv_i64(&c[k++]);
	for (size_t i = 0; i < NV(s) && !err; i++)
		err = dupv(s[i], &c[k++]);
	if (!err)
		err = store__strlist_unpack(&im->tags, &c[k++]);
	for (size_t i = 0; i < NV(t) && !err; i++)
		err = dupv(t[i], &c[k++]);
	for (size_t i = 0; i < NV(l) && !err; i++)
		err = store__strlist_unpack(l[i], &c[k++]);
	if (!err)
		err = jsonv(&cf->labels, &c[k++]);
	if (!err)
		err = jsonv(&cf->healthcheck, &c[k++]);
	for (size_t i = 0; i < NV(d) && !err; i++)
		err = dupv(d[i], &c[k++]);
	if (err)
		return err;
	x->complete = (int)sv_i64(&c[k++]);
	x->file_digests = (int)sv_i64(&c[k++]);
	int64_t nl = sv_i64(&c[k++]);
	if ((err = jsonv(&a->plugin_results, &c[k++])) < 0)
		return err;
	if (nl < 0 || nl > 65535)
		return customs__error(CUSTOMS_EFORMAT, "the store says the image has %lld layers", (long long)nl);
	if (!(a->layers = calloc(nl ? (size_t)nl : 1, sizeof(*a->layers))))
		return nomem();
	a->nlayers = (size_t)nl;
	return 0;
}

/* ---- layers ---- */

static int layer_row(void *ud, const customs_store_value *c, size_t n)
{
	load_ctx *x = ud;
	int64_t idx = sv_i64(&c[0]);
	int err = 0;
	if (n < 13 || idx < 0 || (size_t)idx >= x->a->nlayers)
		return customs__error(CUSTOMS_EFORMAT, "the store lists layer %lld of an image of %zu layers",
				      (long long)idx, x->a->nlayers);
	customs_layer *l = &x->a->layers[idx];
	char **s[] = {&l->diff_id, &l->digest, &l->media_type};
	for (size_t i = 0; i < NV(s) && !err; i++)
		err = dupv(s[i], &c[1 + i]);
	l->size = sv_i64(&c[4]);
	l->tar_size = (uint64_t)sv_i64(&c[5]);
	char **h[] = {&l->created_by, &l->created, &l->comment};
	for (size_t i = 0; i < NV(h) && !err; i++)
		err = dupv(h[i], &c[6 + i]);
	l->entries = (size_t)sv_i64(&c[9]);
	l->skipped = (size_t)sv_i64(&c[10]);
	l->complete = (int)sv_i64(&c[11]);
	l->diff_id_verified = (int)sv_i64(&c[12]);
	return err;
}

/* ---- files ---- */

static int hidden_row(void *ud, const customs_store_value *c, size_t n)
{
	load_ctx *x = ud;
	if (x->nhidden == x->caphidden && CUSTOMS_ARRAY_GROW(x->hidden, x->nhidden, x->caphidden) < 0)
		return nomem();
	x->hidden[x->nhidden++] = (sv_i64(&c[0]) << 32) | (sv_i64(&c[1]) & 0xffffffff);
	return 0;
}

static int is_hidden(const load_ctx *x, int64_t key)
{
	size_t lo = 0, hi = x->nhidden;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (x->hidden[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < x->nhidden && x->hidden[lo] == key;
}

static int hex_byte(const char *h)
{
	static const char digits[] = "0123456789abcdef";
	const char *a = strchr(digits, h[0]), *b = strchr(digits, h[1]);
	return a && b && h[0] && h[1] ? (int)((a - digits) << 4 | (b - digits)) : -1;
}

/* seq, kind, path, type, mode, uid, gid, size, link, sha256 */
static int file_row(void *ud, const customs_store_value *c, size_t n)
{
	load_ctx *x = ud;
	customs_analysis *a = x->a;
	if (n < 10)
		return customs__error(CUSTOMS_EINTERNAL, "a layer_files row has %zu columns", n);
	if (sv_i64(&c[1]) != ENTRY_FILE)
		return 0;
	if (a->nfiles == x->files_cap && CUSTOMS_ARRAY_GROW(a->files, a->nfiles, x->files_cap) < 0)
		return nomem();
	customs_file *f = &a->files[a->nfiles];
	memset(f, 0, sizeof(*f));
	const char *path = sv_str(&c[2]), *link = sv_str(&c[8]), *sha = sv_str(&c[9]);
	if (!path || !(f->path = customs_arena_strndup(x->ar, path, c[2].len)) ||
	    (link && !(f->link = customs_arena_strndup(x->ar, link, c[8].len))))
		return nomem();
	f->type = (uint8_t)sv_i64(&c[3]);
	f->mode = (uint32_t)sv_i64(&c[4]);
	f->uid = (uint32_t)sv_i64(&c[5]);
	f->gid = (uint32_t)sv_i64(&c[6]);
	f->size = (uint64_t)sv_i64(&c[7]);
	f->layer = (uint16_t)x->layer;
	f->visible = !is_hidden(x, ((int64_t)x->layer << 32) | (sv_i64(&c[0]) & 0xffffffff));
	if (sha && x->file_digests && c[9].len == 64) {
		f->has_digest = 1;
		for (int i = 0; i < 32 && f->has_digest; i++) {
			int b = hex_byte(sha + 2 * i);
			f->sha256[i] = (unsigned char)b;
			f->has_digest = b >= 0;
		}
	}
	a->nfiles++;
	return 0;
}

static int cmp_i64(const void *p, const void *q)
{
	int64_t a = *(const int64_t *)p, b = *(const int64_t *)q;
	return (a > b) - (a < b);
}

struct files_key_ctx {
	char **keys;
	size_t n;
};

static int files_key_row(void *ud, const customs_store_value *c, size_t n)
{
	struct files_key_ctx *k = ud;
	int64_t idx = sv_i64(&c[0]);
	if (idx >= 0 && (size_t)idx < k->n && !k->keys[idx] && sv_str(&c[1]) &&
	    !(k->keys[idx] = customs_strndup(sv_str(&c[1]), c[1].len)))
		return nomem();
	return 0;
}

static int load_files(customs_store *s, load_ctx *x)
{
	customs_analysis *a = x->a;
	customs_arena ar = {0};
	struct files_key_ctx k = {calloc(a->nlayers + 1, sizeof(char *)), a->nlayers};
	customs_store_value id = sv_int(x->id);
	int err;

	x->ar = &ar;
	if (!k.keys)
		return nomem();
	if ((err = store__query(s, "SELECT layer, seq FROM image_hidden WHERE image_id = ?", &id, 1, hidden_row, x)) < 0 ||
	    (err = store__query(s, "SELECT idx, files_key FROM image_layers WHERE image_id = ?", &id, 1, files_key_row,
				&k)) < 0)
		goto done;
	if (x->nhidden > 1)
		qsort(x->hidden, x->nhidden, sizeof(*x->hidden), cmp_i64);
	/* the squash's order: the top layer first, each layer's entries last first */
	for (size_t li = a->nlayers; li-- > 0 && !err;) {
		if (!k.keys[li])
			continue;
		customs_store_value key = sv_text(k.keys[li]);
		x->layer = li;
		err = store__query(s,
				   "SELECT seq, kind, path, type, mode, uid, gid, size, link, sha256 FROM layer_files"
				   " WHERE files_key = ? ORDER BY seq DESC",
				   &key, 1, file_row, x);
	}
	if (!err && !a->files && !(a->files = calloc(1, sizeof(*a->files))))
		err = nomem();
	if (!err)
		err = layers__catalog_finish(a, 0);
	if (!err)
		err = customs__analysis_keep_arena(a, &ar);
done:
	customs_arena_release(&ar);
	for (size_t i = 0; i < k.n; i++)
		free(k.keys[i]);
	free(k.keys);
	free(x->hidden);
	x->hidden = NULL;
	return err;
}

/* ---- packages ---- */

#define PACKAGE_SELECT                                                                                               \
	"SELECT p.name, p.version, p.type, p.arch, p.purl, p.source_name, p.source_version, p.found_by, p.db_path,"   \
	" p.layer, p.visible, p.removed_in_layer, p.licenses, p.cpes, d.metadata, d.files"                          \
	" FROM packages p LEFT JOIN package_data d ON d.digest = p.data WHERE p.image_id = ? ORDER BY p.seq"

static int package_row(void *ud, const customs_store_value *c, size_t n)
{
	load_ctx *x = ud;
	customs_package *p = customs_package_new();
	int err = 0;
	if (!p)
		return nomem();
	char **s[] = {&p->name, &p->version, &p->type, &p->arch, &p->purl, &p->source_name, &p->source_version,
		      &p->found_by, &p->db_path};
	for (size_t i = 0; i < NV(s) && !err; i++)
		err = dupv(s[i], &c[i]);
	p->layer = (int)sv_i64(&c[9]);
	p->visible = (int)sv_i64(&c[10]);
	p->removed_in_layer = (int)sv_i64(&c[11]);
	if (!err)
		err = store__strlist_unpack(&p->licenses, &c[12]);
	if (!err)
		err = store__strlist_unpack(&p->cpes, &c[13]);
	if (!err && c[14].type == CUSTOMS_SV_BLOB) {
		pack_r r = {(const unsigned char *)c[14].s, (const unsigned char *)c[14].s + c[14].len, 0};
		if (!(p->metadata = pack__get_json(&r)) || r.p != r.end)
			err = customs__error(CUSTOMS_EFORMAT, "the store holds damaged metadata for package %s",
					     p->name ? p->name : "?");
	}
	if (!err)
		err = store__strlist_unpack(&p->files, &c[15]);
	if (!err)
		err = customs_analysis_add_package(x->a, p);
	if (err)
		customs_package_free(p);
	return err;
}

/* ---- warnings ---- */

static int warning_row(void *ud, const customs_store_value *c, size_t n)
{
	load_ctx *x = ud;
	const char *body = sv_str(&c[3]);
	char *path = NULL;
	int err = dupv(&path, &c[2]);
	if (err < 0)
		return err;
	customs_analysis_warn(x->a, (int)sv_i64(&c[0]), (int)sv_i64(&c[1]), path, "%s", body ? body : "");
	free(path);
	return 0;
}

int store__load(customs_store *s, customs_analysis **out, const char *digest, unsigned flags,
		const customs_analysis *like)
{
	customs_analysis *a = customs__analysis_new(NULL);
	load_ctx x = {.a = a};
	customs_store_value d = sv_text(digest), id;
	int err;

	*out = NULL;
	if (!a)
		return nomem();
	if ((err = store__query(s, IMAGE_SELECT, &d, 1, image_row, &x)) < 0)
		goto done;
	if (!x.found) {
		err = customs__error(CUSTOMS_ENOTFOUND, "no image %s in the store %s", digest, customs_store_describe(s));
		goto done;
	}
	id = sv_int(x.id);
	if ((err = store__query(s,
				"SELECT idx, diff_id, digest, media_type, size, tar_size, created_by, created, comment,"
				" entries, skipped, complete, diff_id_verified FROM image_layers WHERE image_id = ?",
				&id, 1, layer_row, &x)) < 0)
		goto done;
	if (!(flags & CUSTOMS_STORE_LOAD_NO_FILES) && (err = load_files(s, &x)) < 0)
		goto done;
	if ((err = store__query(s, PACKAGE_SELECT, &id, 1, package_row, &x)) < 0)
		goto done;
	if (like) {
		/* the image as it was just opened: how the user named it now */
		customs_image *im = &a->image;
		free(im->reference), free(im->source_kind), free(im->source_path);
		customs_strlist_release(&im->tags);
		im->reference = customs_strdup(like->image.reference);
		im->source_kind = customs_strdup(like->image.source_kind);
		im->source_path = customs_strdup(like->image.source_path);
		for (size_t i = 0; i < like->image.tags.n && !err; i++)
			err = customs_strlist_add(&im->tags, like->image.tags.v[i]);
		if (err < 0)
			goto done;
	}
	if ((err = store__query(s, "SELECT level, layer, path, message FROM image_warnings WHERE image_id = ? ORDER BY seq",
				&id, 1, warning_row, &x)) < 0)
		goto done;
	a->complete = x.complete;
	*out = a;
	a = NULL;
done:
	customs_analysis_free(a);
	return err;
}

int store__image_key(customs_store *s, const char *digest, char **analyzers, int *file_digests, int *complete)
{
	customs_store_value d = sv_text(digest);
	int64_t v = 0;
	int err = store__query_text(s, "SELECT analyzers FROM images WHERE digest = ?", &d, 1, analyzers);
	if (err <= 0)
		return err;
	if ((err = store__query_int(s, "SELECT file_digests FROM images WHERE digest = ?", &d, 1, &v)) < 0)
		goto fail;
	*file_digests = (int)v;
	if ((err = store__query_int(s, "SELECT complete FROM images WHERE digest = ?", &d, 1, &v)) < 0)
		goto fail;
	*complete = (int)v;
	return 1;
fail:
	free(*analyzers);
	*analyzers = NULL;
	return err;
}
