/* images.c - the stored images as a whole: naming one (digest, prefix,
 * tag), loading, storing and removing one, and listing them all with
 * their tags and vulnerability counts in two queries. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/registry.h"
#include "store/store_int.h"

/* ---- naming ---- */

static int tag_digest(customs_store *s, const char *tag, char **out)
{
	customs_store_value t = sv_text(tag);
	return store__query_text(s,
				 "SELECT t.digest FROM image_tags t JOIN images i ON i.digest = t.digest"
				 " WHERE t.id = (SELECT max(id) FROM image_tags WHERE tag = ?)",
				 &t, 1, out);
}

struct prefix_ctx {
	char *first;
	size_t n;
};

static int prefix_row(void *ud, const customs_store_value *c, size_t n)
{
	struct prefix_ctx *p = ud;
	if (p->n++ == 0 && sv_str(&c[0]) && !(p->first = customs_strndup(c[0].s, c[0].len)))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	return 0;
}

int customs_store_resolve(customs_store *s, const char *ref, char **out)
{
	const char *hex = customs_str_has_prefix(ref, "sha256:") ? ref + 7 : ref;
	size_t nhex = strspn(hex, "0123456789abcdef");
	int err;

	*out = NULL;
	if (!ref || !*ref)
		return customs__error(CUSTOMS_EUSAGE, "no image named: give a digest or a tag");
	if ((err = tag_digest(s, ref, out)) != 0)
		return err < 0 ? err : 0;
	if (nhex >= 6 && !hex[nhex]) {
		/* hex digits only: the LIKE pattern holds no wildcard */
		char pat[80];
		struct prefix_ctx p = {0};
		snprintf(pat, sizeof(pat), "sha256:%.64s%%", hex);
		customs_store_value v = sv_text(pat);
		if ((err = store__query(s, "SELECT digest FROM images WHERE digest LIKE ? ORDER BY digest LIMIT 2", &v,
					1, prefix_row, &p)) < 0) {
			free(p.first);
			return err;
		}
		if (p.n == 1) {
			*out = p.first;
			return 0;
		}
		free(p.first);
		if (p.n > 1)
			return customs__error(CUSTOMS_EUSAGE, "%s names several stored images: give more of the digest",
					      ref);
	}
	return customs__error(CUSTOMS_ENOTFOUND, "%s is not in the store %s: `customs images` lists what is", ref,
			      customs_store_describe(s));
}

int customs_store_load(customs_store *s, customs_analysis **out, const char *ref, unsigned flags)
{
	char *digest;
	int err;
	*out = NULL;
	if ((err = customs_store_resolve(s, ref, &digest)) < 0)
		return err;
	err = store__load(s, out, digest, flags, NULL);
	free(digest);
	return err;
}

int customs_store_put(customs_store *s, const customs_analysis *a, const customs_options *opts, const char *tag)
{
	char *key = NULL;
	int err;
	if (a->image.source_kind && !strcmp(a->image.source_kind, "sbom")) {
		if (!(key = customs_strdup("sbom")))
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
	} else if ((err = customs__analyzers_key(&key, NULL, NULL, opts)) < 0) {
		return err;
	}
	store_put p = {.a = a, .analyzers = key, .file_digests = opts ? opts->file_digests : 0, .tag = tag};
	err = store__put(s, &p);
	free(key);
	return err;
}

/* ---- removing ---- */

/* What the removed image held alone goes with it: the rows below keep
 * only what another image still refers to. */
static const char *const remove_sql[] = {
	"DELETE FROM package_data WHERE digest IN (SELECT data FROM packages WHERE image_id = ?1) AND NOT EXISTS"
	" (SELECT 1 FROM packages o WHERE o.data = package_data.digest AND o.image_id <> ?1)",
	"DELETE FROM layer_files WHERE files_key IN (SELECT files_key FROM image_layers WHERE image_id = ?1) AND NOT"
	" EXISTS (SELECT 1 FROM image_layers o WHERE o.files_key = layer_files.files_key AND o.image_id <> ?1)",
	"DELETE FROM layers WHERE files_key IN (SELECT files_key FROM image_layers WHERE image_id = ?1) AND NOT"
	" EXISTS (SELECT 1 FROM image_layers o WHERE o.files_key = layers.files_key AND o.image_id <> ?1)",
	"DELETE FROM layer_cache WHERE diff_id IN (SELECT diff_id FROM image_layers WHERE image_id = ?1) AND NOT"
	" EXISTS (SELECT 1 FROM image_layers o WHERE o.diff_id = layer_cache.diff_id AND o.image_id <> ?1)",
	"DELETE FROM match_ids WHERE matchset IN (SELECT m.id FROM matchsets m JOIN images i ON i.pkgset = m.pkgset"
	" WHERE i.id = ?1) AND NOT EXISTS (SELECT 1 FROM images o JOIN matchsets m ON m.pkgset = o.pkgset"
	" WHERE m.id = match_ids.matchset AND o.id <> ?1)",
	"DELETE FROM matches WHERE matchset IN (SELECT m.id FROM matchsets m JOIN images i ON i.pkgset = m.pkgset"
	" WHERE i.id = ?1) AND NOT EXISTS (SELECT 1 FROM images o JOIN matchsets m ON m.pkgset = o.pkgset"
	" WHERE m.id = matches.matchset AND o.id <> ?1)",
	"DELETE FROM matchsets WHERE pkgset IN (SELECT pkgset FROM images WHERE id = ?1) AND NOT EXISTS"
	" (SELECT 1 FROM images o WHERE o.pkgset = matchsets.pkgset AND o.id <> ?1)",
	"DELETE FROM packages WHERE image_id = ?1",
	"DELETE FROM image_layers WHERE image_id = ?1",
	"DELETE FROM image_hidden WHERE image_id = ?1",
	"DELETE FROM image_warnings WHERE image_id = ?1",
	"DELETE FROM match_events WHERE image_id = ?1",
	"DELETE FROM images WHERE id = ?1",
};

static int remove_tx(customs_store *s, void *ud)
{
	const char *digest = ud;
	int64_t id;
	int err = store__image_id(s, digest, &id);
	if (err <= 0)
		return err < 0 ? err : customs__error(CUSTOMS_ENOTFOUND, "%s was removed meanwhile", digest);
	customs_store_value v = sv_int(id);
	err = 0;
	for (size_t i = 0; i < NV(remove_sql) && !err; i++)
		err = store__exec(s, remove_sql[i], &v, 1, NULL);
	return err;
}

int customs_store_remove(customs_store *s, const char *ref, char **out)
{
	char *digest;
	int err;
	if (out)
		*out = NULL;
	if ((err = customs_store_resolve(s, ref, &digest)) < 0)
		return err;
	err = store__tx(s, 1, remove_tx, digest);
	if (!err && out)
		*out = digest;
	else
		free(digest);
	return err;
}

/* ---- the list ---- */

typedef struct owned_list {
	customs_store_image_list l;
	customs_store_image *v;
	size_t n, cap;
	customs_arena ar;
	customs_strmap by_digest; /* digest -> index + 1 */
	const char ***tags;       /* per image, arena arrays */
	size_t *ntags, *captags;
} owned_list;

void customs_store_image_list_free(customs_store_image_list *l)
{
	owned_list *o = (owned_list *)l;
	if (!o)
		return;
	free(o->v);
	for (size_t i = 0; i < o->n; i++)
		free(o->tags ? o->tags[i] : NULL);
	free(o->tags), free(o->ntags), free(o->captags);
	customs_strmap_release(&o->by_digest);
	customs_arena_release(&o->ar);
	free(o);
}

static const char *astr(owned_list *o, const customs_store_value *v)
{
	const char *s = sv_str(v);
	return s ? customs_arena_strndup(&o->ar, s, v->len) : NULL;
}

/* digest, reference, distro_id, distro_version_id, analysed_at, customs_version, complete, nlayers,
 * npackages, nfiles, matchset, built_at, unknown .. critical, suppressed */
static int image_item(void *ud, const customs_store_value *c, size_t n)
{
	owned_list *o = ud;
	if (o->n == o->cap && CUSTOMS_ARRAY_GROW(o->v, o->n, o->cap) < 0)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	customs_store_image *im = &o->v[o->n];
	memset(im, 0, sizeof(*im));
	im->digest = astr(o, &c[0]);
	im->reference = astr(o, &c[1]);
	if (sv_str(&c[2]))
		im->distro = customs_arena_printf(&o->ar, "%s%s%s", sv_str(&c[2]), sv_str(&c[3]) ? " " : "",
						  sv_str(&c[3]) ? sv_str(&c[3]) : "");
	im->analysed_at = astr(o, &c[4]);
	im->customs_version = astr(o, &c[5]);
	im->complete = (int)sv_i64(&c[6]);
	im->layers = sv_i64(&c[7]);
	im->packages = sv_i64(&c[8]);
	im->files = sv_i64(&c[9]);
	im->matched = c[10].type != CUSTOMS_SV_NULL;
	im->vulndb_built_at = astr(o, &c[11]);
	for (int k = 0; k < 6; k++)
		im->vulns[k] = sv_i64(&c[12 + k]);
	im->suppressed = sv_i64(&c[18]);
	if (!im->digest)
		return customs__error(CUSTOMS_EFORMAT, "an image without a digest in the store");
	o->n++;
	return customs_strmap_put(&o->by_digest, im->digest, (void *)(uintptr_t)o->n);
}

static int tag_item(void *ud, const customs_store_value *c, size_t n)
{
	owned_list *o = ud;
	const char *digest = sv_str(&c[1]);
	uintptr_t k = digest ? (uintptr_t)customs_strmap_get(&o->by_digest, digest, NULL) : 0;
	if (!k)
		return 0;
	size_t i = k - 1;
	const char *t = astr(o, &c[0]);
	if (!t || (o->ntags[i] == o->captags[i] && CUSTOMS_ARRAY_GROW(o->tags[i], o->ntags[i], o->captags[i]) < 0))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	o->tags[i][o->ntags[i]++] = t;
	return 0;
}

int customs_store_images(customs_store *s, customs_store_image_list **out)
{
	owned_list *o = calloc(1, sizeof(*o));
	int err;
	*out = NULL;
	if (!o)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	err = store__query(
		s,
		"SELECT i.digest, i.reference, i.distro_id, i.distro_version_id, i.analysed_at,"
		" i.customs_version, i.complete, i.nlayers, i.npackages, i.nfiles, i.matchset, m.built_at,"
		" m.unknown, m.negligible, m.low, m.medium, m.high, m.critical, m.suppressed"
		" FROM images i LEFT JOIN matchsets m ON m.id = i.matchset ORDER BY i.analysed_at DESC, i.id DESC",
		NULL, 0, image_item, o);
	if (!err && o->n &&
	    (!(o->tags = calloc(o->n, sizeof(*o->tags))) || !(o->ntags = calloc(o->n, sizeof(size_t))) ||
	     !(o->captags = calloc(o->n, sizeof(size_t)))))
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
	/* the tags that name an image now: each tag's newest row */
	if (!err && o->n)
		err = store__query(
			s,
			"SELECT t.tag, t.digest FROM image_tags t WHERE t.id = (SELECT max(id) FROM image_tags u"
			" WHERE u.tag = t.tag) ORDER BY t.tag",
			NULL, 0, tag_item, o);
	if (err < 0) {
		customs_store_image_list_free(&o->l);
		return err;
	}
	for (size_t i = 0; i < o->n; i++) {
		o->v[i].tags = o->tags ? o->tags[i] : NULL;
		o->v[i].ntags = o->ntags ? o->ntags[i] : 0;
	}
	o->l.images = o->v;
	o->l.n = o->n;
	*out = &o->l;
	return 0;
}

/* ---- what a cache of answers is checked against ---- */

static int version_row(void *ud, const customs_store_value *c, size_t n)
{
	customs_buf *b = ud;
	for (size_t i = 0; i < n; i++) {
		const char *t = sv_str(&c[i]);
		if (t)
			customs_buf_printf(b, "%s%s", i ? "|" : "", t);
		else
			customs_buf_printf(b, "%s%lld", i ? "|" : "", (long long)sv_i64(&c[i]));
	}
	return 0;
}

int customs_store_image_version(customs_store *s, const char *digest, char **out)
{
	customs_buf b = CUSTOMS_BUF_INIT(0);
	customs_store_value v = sv_text(digest);
	int err;
	*out = NULL;
	/* its row and current matches; the set of images (a base stored or
	 * removed changes what its layers are said to come from) */
	err = store__query(s,
			   "SELECT i.id, i.matchset, i.matched_at, i.analysed_at, (SELECT count(*) FROM images),"
			   " (SELECT max(id) FROM images) FROM images i WHERE i.digest = ?",
			   &v, 1, version_row, &b);
	if (err < 0) {
		customs_buf_release(&b);
		return err;
	}
	if (!b.ptr)
		return customs__error_naming(CUSTOMS_ENOTFOUND, digest);
	*out = customs_buf_detach(&b);
	return *out ? 0 : customs__error(CUSTOMS_ENOMEM, "out of memory");
}
