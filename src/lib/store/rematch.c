/* rematch.c - matching stored analyses: an image's matches against a
 * database build, reused when an image with the same packages was matched
 * against that build already; and customs_store_rematch(), which after a
 * database import or update matches every distinct package set once,
 * without reading any image, and records per image what changed. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "customs/report.h"
#include "store/matches.h"

static int default_opts(const customs_match_opts *mo)
{
	return !mo || (!mo->only_fixed && !mo->hide_status && !mo->rules && !mo->explain_id && !mo->severity_source &&
		       !mo->today);
}

typedef struct image_ref {
	int64_t id, matchset;
	char *pkgset;
	int found;
} image_ref;

static int image_ref_row(void *ud, const customs_store_value *c, size_t n)
{
	image_ref *r = ud;
	r->found = 1;
	r->id = sv_i64(&c[0]);
	r->matchset = c[2].type == CUSTOMS_SV_NULL ? 0 : sv_i64(&c[2]);
	if (sv_str(&c[1]) && !(r->pkgset = customs_strndup(c[1].s, c[1].len)))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	return 0;
}

static int image_ref_get(customs_store *s, image_ref *r, const char *digest)
{
	customs_store_value d = sv_text(digest);
	memset(r, 0, sizeof(*r));
	return store__query(s, "SELECT id, pkgset, matchset FROM images WHERE digest = ?", &d, 1, image_ref_row, r);
}

static int matchset_find(customs_store *s, int64_t *id, const char *pkgset, const char *build)
{
	customs_store_value k[] = {sv_text(pkgset), sv_text(build)};
	return store__query_int(s, "SELECT id FROM matchsets WHERE pkgset = ? AND build = ?", k, 2, id);
}

/* Keep r for pkgset and make it image's current set, in one transaction. */
typedef struct keep_ctx {
	const char *pkgset, *build, *built_at;
	const customs_match_result *r;
	int64_t image_id, old_set, set;
	store_change change;
} keep_ctx;

static int keep_tx(customs_store *s, void *ud)
{
	keep_ctx *k = ud;
	int err;
	if (k->r && (err = store__matchset_write(s, &k->set, k->pkgset, k->build, k->built_at, k->r)) < 0)
		return err;
	if (k->image_id <= 0 || k->set == k->old_set)
		return 0;
	/* the current set as it is now: another process may have moved it */
	customs_store_value id = sv_int(k->image_id);
	int64_t cur = 0;
	if ((err = store__query_int(s, "SELECT matchset FROM images WHERE id = ?", &id, 1, &cur)) < 0)
		return err;
	if (cur == k->set)
		return 0;
	return store__matchset_change(s, k->image_id, cur, k->set, k->built_at, &k->change);
}

int customs_store_match(customs_store *s, customs_match_result **out, const customs_analysis *a, customs_vulndb *db,
			const customs_vulndb_info *info, const customs_match_opts *mo, int *reused)
{
	customs_vulndb_info *own = NULL;
	customs_match_result *r = NULL;
	image_ref img = {0};
	const char *digest = store__analysis_digest(a);
	char build[72];
	int err;

	*out = NULL;
	if (reused)
		*reused = 0;
	if (digest && default_opts(mo) && (err = image_ref_get(s, &img, digest)) < 0)
		return err;
	if (!img.found) {
		/* not the store's, or options that make other matches: the matcher's alone */
		if ((err = customs_match_analysis(&r, db, a, mo)) < 0)
			return err;
		return store__result_wrap(out, r);
	}
	if (!info && (err = customs_vulndb_status(db, &own)) < 0)
		goto done;
	if ((err = store__build_id(build, info ? info : own)) < 0)
		goto done;
	keep_ctx k = {.pkgset = img.pkgset,
		      .build = build,
		      .built_at = (info ? info : own)->built_at,
		      .image_id = img.id,
		      .old_set = img.matchset};
	if ((err = matchset_find(s, &k.set, img.pkgset, build)) < 0)
		goto done;
	if (err) {
		if ((err = store__matchset_read(s, out, k.set, a)) < 0)
			goto done;
		if (reused)
			*reused = 1;
		err = k.set == img.matchset ? 0 : store__tx(s, 1, keep_tx, &k);
		goto done;
	}
	if ((err = customs_match_analysis(&r, db, a, mo)) < 0)
		goto done;
	k.r = r;
	if ((err = store__tx(s, 1, keep_tx, &k)) < 0)
		goto done;
	err = store__result_wrap(out, r);
	r = NULL;
done:
	if (err < 0 && *out) {
		customs_store_matches_free(*out);
		*out = NULL;
	}
	customs_match_result_free(r);
	customs_vulndb_info_free(own);
	free(img.pkgset);
	return err;
}

int customs_store_matches(customs_store *s, customs_match_result **out, const customs_analysis *a)
{
	image_ref img;
	const char *digest = store__analysis_digest(a);
	int err;
	*out = NULL;
	if (!digest)
		return customs__error(CUSTOMS_ENOTFOUND, "the analysis has no digest: it is not in the store");
	if ((err = image_ref_get(s, &img, digest)) < 0)
		return err;
	free(img.pkgset);
	if (!img.found || !img.matchset)
		return customs__error(CUSTOMS_ENOTFOUND,
				      "%s was never matched: `customs rematch` matches every stored image", digest);
	return store__matchset_read(s, out, img.matchset, a);
}

/* ---- every stored image ---- */

typedef struct owned_summary {
	customs_store_rematch_summary r;
	customs_store_rematch_image *v;
	size_t n, cap;
	customs_arena ar;
} owned_summary;

void customs_store_rematch_summary_free(customs_store_rematch_summary *r)
{
	owned_summary *o = (owned_summary *)r;
	if (!o)
		return;
	free(o->v);
	customs_arena_release(&o->ar);
	free(o);
}

typedef struct rematch_image {
	int64_t id, matchset;
	char *digest, *pkgset;
} rematch_image;

typedef struct rematch_ctx {
	rematch_image *v;
	size_t n, cap;
} rematch_ctx;

static int rematch_row(void *ud, const customs_store_value *c, size_t n)
{
	rematch_ctx *x = ud;
	if (x->n == x->cap && CUSTOMS_ARRAY_GROW(x->v, x->n, x->cap) < 0)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	rematch_image *im = &x->v[x->n];
	memset(im, 0, sizeof(*im));
	im->id = sv_i64(&c[0]);
	im->matchset = c[3].type == CUSTOMS_SV_NULL ? 0 : sv_i64(&c[3]);
	if (!(im->digest = customs_strndup(sv_str(&c[1]) ? c[1].s : "", c[1].len)) ||
	    !(im->pkgset = customs_strndup(sv_str(&c[2]) ? c[2].s : "", c[2].len))) {
		free(im->digest);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	x->n++;
	return 0;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The match set of im's package set for build: found, or made now from
 * im's stored analysis (its packages; the file catalog is not needed). */
static int set_for(customs_store *s, customs_vulndb *db, const char *build, const char *built_at,
		   const rematch_image *im, int64_t *set, size_t *matched)
{
	customs_analysis *a = NULL;
	customs_match_result *r = NULL;
	int err = matchset_find(s, set, im->pkgset, build);
	if (err != 0)
		return err < 0 ? err : 0;
	if ((err = store__load(s, &a, im->digest, CUSTOMS_STORE_LOAD_NO_FILES, NULL)) < 0)
		return err;
	customs_analysis_select_packages(a, 0);
	if ((err = customs_match_analysis(&r, db, a, NULL)) == 0) {
		keep_ctx k = {.pkgset = im->pkgset, .build = build, .built_at = built_at, .r = r};
		err = store__tx(s, 1, keep_tx, &k);
		*set = k.set;
		(*matched)++;
	}
	customs_match_result_free(r);
	customs_analysis_free(a);
	return err;
}

int customs_store_rematch(customs_store *s, customs_vulndb *db, customs_store_rematch_summary **out)
{
	owned_summary *o = calloc(1, sizeof(*o));
	customs_vulndb_info *info = NULL;
	customs_store_image_list *tags = NULL;
	customs_strmap sets = {0}, by_digest = {0};
	rematch_ctx x = {0};
	double t0 = now_seconds();
	char build[72];
	int err;

	*out = NULL;
	if (!o)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if ((err = customs_vulndb_status(db, &info)) < 0 || (err = store__build_id(build, info)) < 0)
		goto done;
	o->r.built_at = info->built_at ? customs_arena_strdup(&o->ar, info->built_at) : NULL;
	if ((err = store__query(s, "SELECT id, digest, pkgset, matchset FROM images ORDER BY id", NULL, 0, rematch_row,
				&x)) < 0 ||
	    (err = customs_store_images(s, &tags)) < 0)
		goto done;
	for (size_t i = 0; i < tags->n; i++)
		if ((err = customs_strmap_put(&by_digest, tags->images[i].digest, (void *)&tags->images[i])) < 0)
			goto done;
	for (size_t i = 0; i < x.n && !err; i++) {
		rematch_image *im = &x.v[i];
		int found;
		int64_t set = (int64_t)(intptr_t)customs_strmap_get(&sets, im->pkgset, &found);
		if (!found) {
			o->r.package_sets++;
			if ((err = set_for(s, db, build, info->built_at, im, &set, &o->r.matched)) < 0 ||
			    (err = customs_strmap_put(&sets, im->pkgset, (void *)(intptr_t)set)) < 0)
				break;
		}
		keep_ctx k = {.build = build,
			      .built_at = info->built_at,
			      .image_id = im->id,
			      .old_set = im->matchset,
			      .set = set};
		if (set != im->matchset && (err = store__tx(s, 1, keep_tx, &k)) < 0)
			break;
		if (o->n == o->cap && CUSTOMS_ARRAY_GROW(o->v, o->n, o->cap) < 0) {
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			break;
		}
		customs_store_rematch_image *ri = &o->v[o->n++];
		const customs_store_image *li = customs_strmap_get(&by_digest, im->digest, NULL);
		memset(ri, 0, sizeof(*ri));
		ri->digest = customs_arena_strdup(&o->ar, im->digest);
		if (li && li->ntags) {
			const char **t = customs_arena_alloc(&o->ar, li->ntags * sizeof(*t));
			for (size_t j = 0; t && j < li->ntags; j++)
				t[j] = customs_arena_strdup(&o->ar, li->tags[j]);
			ri->tags = t;
			ri->ntags = t ? li->ntags : 0;
		}
		if (set == im->matchset) {
			/* unchanged: its findings that count as they are */
			customs_store_value v = sv_int(set);
			int64_t active = 0;
			err = store__query_int(s,
					       "SELECT unknown + negligible + low + medium + high + critical FROM "
					       "matchsets WHERE id = ?",
					       &v, 1, &active);
			ri->active = active;
			err = err < 0 ? err : 0;
		} else {
			ri->added = k.change.added;
			ri->resolved = k.change.resolved;
			ri->active = k.change.active;
			ri->first = k.change.first;
		}
	}
done:
	for (size_t i = 0; i < x.n; i++)
		free(x.v[i].digest), free(x.v[i].pkgset);
	free(x.v);
	customs_strmap_release(&sets);
	customs_strmap_release(&by_digest);
	customs_store_image_list_free(tags);
	customs_vulndb_info_free(info);
	if (err < 0) {
		customs_store_rematch_summary_free(&o->r);
		return err;
	}
	o->r.images = o->v;
	o->r.n = o->n;
	o->r.seconds = now_seconds() - t0;
	*out = &o->r;
	return 0;
}
