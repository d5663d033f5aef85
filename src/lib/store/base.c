/* base.c - an image's base in the store: the stored image whose layers
 * (diff_ids) are the longest proper prefix of the image's, found from the
 * index of first layers, the prefix checked on the layer keys. */
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

typedef struct base_ctx {
	const char *key;        /* the image's layer key: its diff_ids joined by "," */
	size_t nlayers;
	customs_store_base *best;
	char *best_at;
} base_ctx;

void customs_store_base_free(customs_store_base *b)
{
	if (!b)
		return;
	free(b->digest);
	free(b->reference);
	for (size_t i = 0; i < b->ntags; i++)
		free(b->tags[i]);
	free(b->tags);
	free(b);
}

/* digest, reference, layer_key, nlayers, analysed_at */
static int candidate(void *ud, const customs_store_value *c, size_t n)
{
	base_ctx *x = ud;
	const char *key = sv_str(&c[2]), *at = sv_str(&c[4]);
	int64_t nl = sv_i64(&c[3]);
	size_t kl = key ? c[2].len : 0;
	/* a proper prefix, ending at a layer boundary */
	if (!key || nl <= 0 || (size_t)nl >= x->nlayers || strncmp(x->key, key, kl) || x->key[kl] != ',')
		return 0;
	if (x->best && ((size_t)nl < x->best->layers ||
			((size_t)nl == x->best->layers && strcmp(at ? at : "", x->best_at ? x->best_at : "") <= 0)))
		return 0; /* the longest, then the newest */
	customs_store_base *b = calloc(1, sizeof(*b));
	if (!b || !(b->digest = customs_strdup(sv_str(&c[0]))) ||
	    (sv_str(&c[1]) && !(b->reference = customs_strdup(sv_str(&c[1]))))) {
		customs_store_base_free(b);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	b->layers = (size_t)nl;
	customs_store_base_free(x->best);
	free(x->best_at);
	x->best = b;
	x->best_at = customs_strdup(at);
	return 0;
}

static int tag_of(void *ud, const customs_store_value *c, size_t n)
{
	customs_store_base *b = ud;
	char **v = realloc(b->tags, (b->ntags + 1) * sizeof(*v));
	if (!v)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	b->tags = v;
	if (!(v[b->ntags] = customs_strdup(sv_str(&c[0]) ? sv_str(&c[0]) : "")))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	b->ntags++;
	return 0;
}

int customs_store_base_of(customs_store *s, customs_store_base **out, const customs_analysis *a)
{
	customs_buf key = CUSTOMS_BUF_INIT(0);
	base_ctx x = {.nlayers = a->nlayers};
	int err = 0;

	*out = NULL;
	if (a->nlayers < 2 || !a->layers[0].diff_id)
		return customs__error(CUSTOMS_ENOTFOUND, "no base: the image has %s", a->nlayers < 2 ? "one layer" : "no diff_ids");
	for (size_t i = 0; i < a->nlayers && !err; i++)
		err = customs_buf_printf(&key, "%s%s", i ? "," : "", a->layers[i].diff_id ? a->layers[i].diff_id : "-");
	if (err < 0 || !key.ptr) {
		customs_buf_release(&key);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	x.key = key.ptr;
	customs_store_value d = sv_text(a->layers[0].diff_id);
	err = store__query(s,
			   "SELECT i.digest, i.reference, i.layer_key, i.nlayers, i.analysed_at FROM image_layers l"
			   " JOIN images i ON i.id = l.image_id WHERE l.diff_id = ? AND l.idx = 0",
			   &d, 1, candidate, &x);
	if (!err && x.best) {
		customs_store_value g = sv_text(x.best->digest);
		err = store__query(s,
				   "SELECT t.tag FROM image_tags t WHERE t.digest = ? AND t.id = (SELECT max(id) FROM image_tags u"
				   " WHERE u.tag = t.tag) ORDER BY t.tag",
				   &g, 1, tag_of, x.best);
	}
	customs_buf_release(&key);
	free(x.best_at);
	if (err < 0) {
		customs_store_base_free(x.best);
		return err;
	}
	if (!x.best)
		return customs__error(CUSTOMS_ENOTFOUND, "no stored image is the base of %s",
				      a->image.reference ? a->image.reference : "this image");
	*out = x.best;
	return 0;
}
