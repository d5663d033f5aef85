/* stored.c - customs_store_analyze(): the orchestrator with the store's
 * hooks (engine.h).  An image stored whole (same digest, same analyzers,
 * file digests when asked for, complete) is loaded, not read; otherwise
 * every layer the store knows (same diff_id, same analyzers) is fed from
 * it instead of being read, the layers read are kept for the next image
 * that has them, and the analysis is stored.
 *
 * A layer's results are kept under its diff_id only when its uncompressed
 * stream was hashed to that diff_id in the pass that read it: a config
 * may name any diff_id, and results under a digest nobody checked would
 * let one image's layer stand for another's. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyzers/registry.h"
#include "customs/store.h"
#include "engine/engine.h"
#include "store/layercache.h"
#include "store/store_int.h"

typedef struct stored {
	customs_store *s;
	const customs_options *opts;
	const customs_store_opts *so;
	customs_store_stats *st;
	char *key;             /* the analyzers' key */
	int cacheable;         /* every analyzer keeps its layer results in the copies service */
	int opt_in;            /* an opt-in analyzer runs: a stored analysis lacks what it finds */
	int keep;              /* store what the pass read */
	void **blob;           /* per layer read: its results encoded, or NULL */
	size_t *blen;
	size_t nlayers;
	char *claimed;         /* the digest this analysis claimed (customs_store_opts.owner) */
} stored;

static const char *tag_of(const stored *x)
{
	return x->so ? x->so->tag : NULL;
}

/* ---- the whole image ---- */

static int tag_tx(customs_store *s, void *ud)
{
	const char *const *td = ud;
	return store__tag(s, td[0], td[1]);
}

/* wait until this analysis is the only one of digest (another owner's
 * claim is given up or runs out): then it may be stored already */
static int claim(stored *x, const char *digest)
{
	int err;
	while ((err = store__claim(x->s, digest, x->so->owner, x->so->claim_seconds)) == 0) {
		struct timespec ts = {0, 200 * 1000000L};
		nanosleep(&ts, NULL);
	}
	if (err < 0)
		return err;
	if (!(x->claimed = customs_strdup(digest)))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	return 0;
}

static int known(void *ud, const customs_analysis *a, customs_analysis **out)
{
	stored *x = ud;
	const char *digest = store__analysis_digest(a);
	char *key = NULL;
	int fd = 0, complete = 0, err;

	x->keep = digest && !(x->so && x->so->no_put);
	if (x->keep && x->so && x->so->version >= 2 && x->so->owner && (err = claim(x, digest)) < 0)
		return err;
	if (!digest || (x->so && x->so->force) || x->opt_in)
		return 0;
	if ((err = store__image_key(x->s, digest, &key, &fd, &complete)) <= 0)
		return err;
	int same = !strcmp(key, x->key) && fd >= (x->opts->file_digests != 0) && complete;
	free(key);
	if (!same)
		return 0;
	if ((err = store__load(x->s, out, digest, x->so ? x->so->load_flags : 0, a)) < 0)
		return err;
	/* stored with file digests, asked without: as the pass would give it */
	for (size_t i = 0; !x->opts->file_digests && i < (*out)->nfiles; i++)
		(*out)->files[i].has_digest = 0;
	x->st->known = 1;
	if (x->keep && tag_of(x)) {
		const char *td[] = {tag_of(x), digest};
		if ((err = store__tx(x->s, 1, tag_tx, td)) < 0) {
			customs_analysis_free(*out);
			*out = NULL;
			return err;
		}
	}
	return 1;
}

/* ---- layers ---- */

static int before_walk(void *ud, customs_analysis *a, layer_result *res, analyzer_run *an, size_t nan, dispatch *d,
		       uint8_t *skip)
{
	stored *x = ud;
	x->nlayers = a->nlayers;
	if (!x->cacheable)
		return 0;
	for (size_t i = 0; i < a->nlayers; i++) {
		void *blob;
		size_t n;
		int err;
		if (!a->layers[i].diff_id)
			continue;
		err = store__layer_get(x->s, a->layers[i].diff_id, x->key, x->opts->file_digests != 0, &res[i], &blob, &n);
		if (err < 0)
			return err;
		if (!err)
			continue;
		err = store__layer_decode(blob, n, a, i, &res[i], an, nan, d);
		free(blob);
		if (err == CUSTOMS_EFORMAT) {
			/* damaged results: read the layer as if it were new */
			free(res[i].e);
			customs_arena_release(&res[i].arena);
			memset(&res[i], 0, sizeof(res[i]));
			continue;
		}
		if (err < 0)
			return err;
		/* verified when it was read, and reported as the options say */
		res[i].diff_id_checked = 1;
		res[i].diff_id_verified = x->opts->verify_diff_ids || !a->layers[i].digest;
		skip[i] = 1;
		x->st->layers_cached++;
	}
	return 0;
}

static int after_walk(void *ud, const customs_analysis *a, const layer_result *res, analyzer_run *an, size_t nan,
		      const uint8_t *skip, size_t first_warning)
{
	stored *x = ud;
	for (size_t i = 0; i < a->nlayers; i++)
		x->st->layers_read += !skip[i];
	if (!x->cacheable || !x->keep)
		return 0;
	/* a warning of the pass about no layer in particular belongs to no
	 * layer's results: keep none rather than lose it */
	for (size_t i = first_warning; i < a->nwarnings; i++)
		if (a->warnings[i].layer < 0 || (size_t)a->warnings[i].layer >= a->nlayers)
			return 0;
	if (!(x->blob = calloc(a->nlayers + 1, sizeof(*x->blob))) || !(x->blen = calloc(a->nlayers + 1, sizeof(size_t))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	for (size_t i = 0; i < a->nlayers; i++) {
		if (skip[i] || !res[i].complete || !res[i].diff_id_checked || !a->layers[i].diff_id)
			continue;
		int err = store__layer_encode(&x->blob[i], &x->blen[i], a, i, &res[i], an, nan, first_warning);
		if (err < 0)
			return err;
	}
	return 0;
}

static int finished(void *ud, const customs_analysis *a, const layer_result *res)
{
	stored *x = ud;
	store_layer_in *in;
	int err;

	if (!x->keep)
		return 0;
	if (!(in = calloc(a->nlayers + 1, sizeof(*in))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	for (size_t i = 0; i < a->nlayers; i++) {
		/* the tar's entries stand for the layer's diff_id when the
		 * layer was read whole and checked against it */
		if (res[i].complete && res[i].diff_id_checked && a->layers[i].diff_id) {
			in[i].e = res[i].e;
			in[i].n = res[i].n;
		}
		if (x->blob && x->blob[i]) {
			in[i].cache = x->blob[i];
			in[i].cache_len = x->blen[i];
		}
	}
	store_put p = {.a = a, .analyzers = x->key, .file_digests = x->opts->file_digests != 0, .tag = tag_of(x),
		       .layers = in};
	err = store__put(x->s, &p);
	free(in);
	if (!err)
		x->st->stored = 1;
	return err;
}

int customs_store_analyze(customs_store *s, customs_analysis **out, const char *ref, const customs_options *opts,
			  const customs_store_opts *so, customs_store_stats *stats)
{
	static const customs_options defaults = CUSTOMS_OPTIONS_INIT;
	customs_store_stats ignored;
	stored x = {.s = s, .opts = opts ? opts : &defaults, .so = so, .st = stats ? stats : &ignored};
	int err;

	*out = NULL;
	memset(x.st, 0, sizeof(*x.st));
	if (so && (so->version < 1 || so->version > CUSTOMS_STORE_OPTS_VERSION))
		return customs__error(CUSTOMS_EINVAL, "customs_store_opts.version is %u; this libcustoms (%s) knows versions 1 to %d",
				      so->version, CUSTOMS_VERSION, CUSTOMS_STORE_OPTS_VERSION);
	if (customs_str_has_prefix(ref, "store:")) {
		/* an analysis the store holds, by digest or tag */
		if ((err = customs_store_load(s, out, ref + 6, 0)) == 0) {
			x.st->known = 1;
			snprintf(x.st->digest, sizeof(x.st->digest), "%s", store__analysis_digest(*out));
		}
		return err;
	}
	if ((err = customs__analyzers_key(&x.key, &x.cacheable, &x.opt_in, x.opts)) < 0)
		return err;
	analyze_hooks h = {.ud = &x, .check_diff_ids = x.cacheable, .known = known, .before_walk = before_walk,
			   .after_walk = after_walk, .finished = finished};
	err = customs__analyze(out, ref, x.opts, &h);
	/* an SBOM is read whole, past the hooks: stored as it is when it
	 * names an image by digest */
	if (!err && (*out)->image.source_kind && !strcmp((*out)->image.source_kind, "sbom") &&
	    store__analysis_digest(*out) && !(so && so->no_put)) {
		if ((err = customs_store_put(s, *out, x.opts, tag_of(&x))) < 0) {
			customs_analysis_free(*out);
			*out = NULL;
		} else {
			x.st->stored = 1;
		}
	}
	if (!err) {
		const char *d = store__analysis_digest(*out);
		snprintf(x.st->digest, sizeof(x.st->digest), "%s", d && (x.st->known || x.st->stored) ? d : "");
	}
	if (x.claimed) {
		/* one that cannot be given up runs out */
		(void)store__unclaim(s, x.claimed, so->owner);
		free(x.claimed);
	}
	for (size_t i = 0; x.blob && i < x.nlayers; i++)
		free(x.blob[i]);
	free(x.blob);
	free(x.blen);
	free(x.key);
	return err;
}
