/* analyze.c - customs_analyze(), the orchestrator: source → layers →
 * analyzers → analysis.  The analysis itself (the data model every stage
 * fills) is src/lib/model/. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "customs/customs.h"
#include "analyzers/registry.h"
#include "engine/engine.h"
#include "layers/layers.h"
#include "model/model.h"
#include "source/source.h"
#include "util/util.h"

/* ---- config ---- */

static char *jstr(json_t *o, const char *k)
{
	return customs_strdup(json_string_value(json_object_get(o, k)));
}

static void jstrlist(customs_strlist *l, json_t *arr)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
		if (json_is_string(v))
			customs_strlist_add(l, json_string_value(v));
}

static void jkeys(customs_strlist *l, json_t *obj)
{
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v)
		customs_strlist_add(l, k);
}

static int fill_from_config(customs_analysis *a, const source_image *img)
{
	json_error_t je;
	json_t *cfg = json_loadb(img->config_json, img->config_len, 0, &je);
	if (!cfg || !json_is_object(cfg)) {
		json_decref(cfg);
		return customs__error(CUSTOMS_EFORMAT, "config %s is not valid JSON: %s at line %d column %d",
				      img->config_digest, je.text, je.line, je.column);
	}
	customs_image *im = &a->image;
	im->created = jstr(cfg, "created");
	im->author = jstr(cfg, "author");
	im->architecture = jstr(cfg, "architecture");
	im->os = jstr(cfg, "os");
	im->variant = jstr(cfg, "variant");
	json_t *c = json_object_get(cfg, "config");
	if (json_is_object(c)) {
		im->config.user = jstr(c, "User");
		im->config.workdir = jstr(c, "WorkingDir");
		im->config.stop_signal = jstr(c, "StopSignal");
		jstrlist(&im->config.env, json_object_get(c, "Env"));
		jstrlist(&im->config.entrypoint, json_object_get(c, "Entrypoint"));
		jstrlist(&im->config.cmd, json_object_get(c, "Cmd"));
		jstrlist(&im->config.shell, json_object_get(c, "Shell"));
		jkeys(&im->config.exposed_ports, json_object_get(c, "ExposedPorts"));
		jkeys(&im->config.volumes, json_object_get(c, "Volumes"));
		json_t *labels = json_object_get(c, "Labels");
		if (json_is_object(labels))
			im->config.labels = json_incref(labels);
		json_t *hc = json_object_get(c, "Healthcheck");
		if (json_is_object(hc))
			im->config.healthcheck = json_incref(hc);
	}
	json_t *rootfs = json_object_get(cfg, "rootfs");
	json_t *diffs = json_object_get(rootfs, "diff_ids");
	const char *rtype = json_string_value(json_object_get(rootfs, "type"));
	if (rtype && strcmp(rtype, "layers") != 0)
		customs_analysis_warn(a, CUSTOMS_ERROR, -1, NULL, "config %s: rootfs.type is \"%s\", not \"layers\"",
				      img->config_digest, rtype);
	if (json_array_size(diffs) != img->nlayers)
		customs_analysis_warn(a, CUSTOMS_ERROR, -1, NULL,
				      "config %s lists %zu diff_ids for %zu layers", img->config_digest, json_array_size(diffs),
				      img->nlayers);
	for (size_t i = 0; i < a->nlayers && i < json_array_size(diffs); i++) {
		const char *d = json_string_value(json_array_get(diffs, i));
		if (d && customs_digest_valid(d))
			a->layers[i].diff_id = customs_strdup(d);
		else
			customs_analysis_warn(a, CUSTOMS_ERROR, (int)i, NULL, "config %s: invalid diff_id", img->config_digest);
	}
	/* history entries with empty_layer do not produce a layer */
	json_t *hist = json_object_get(cfg, "history"), *h;
	size_t i, li = 0;
	json_array_foreach(hist, i, h) {
		if (json_is_true(json_object_get(h, "empty_layer")))
			continue;
		if (li >= a->nlayers)
			break;
		a->layers[li].created_by = jstr(h, "created_by");
		a->layers[li].created = jstr(h, "created");
		a->layers[li].comment = jstr(h, "comment");
		li++;
	}
	json_decref(cfg);
	return 0;
}

/* The walk-phase warnings a->warnings[from..] in layer order (stable):
 * layers run on several threads, so their warnings interleave as the
 * threads happen to run; by layer, the order is the same every time,
 * whether a layer was read or its results came from the store.  Warnings
 * about the image (-1) come first, any other layer number last. */
static int sort_walk_warnings(customs_analysis *a, size_t from)
{
	size_t n = a->nwarnings - from, k = 0;
	customs_warning *w, *tmp;
	long last = (long)a->nlayers;
	if (n < 2)
		return 0;
	w = a->warnings + from;
	if (!(tmp = malloc(n * sizeof(*tmp))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	for (long l = -1; l <= last; l++)
		for (size_t i = 0; i < n; i++) {
			long key = w[i].layer >= -1 && w[i].layer < last ? w[i].layer : last;
			if (key == l)
				tmp[k++] = w[i];
		}
	memcpy(w, tmp, n * sizeof(*w));
	free(tmp);
	return 0;
}

int customs_analyze(customs_analysis **out, const char *ref, const customs_options *opts)
{
	return customs__analyze(out, ref, opts, NULL);
}

int customs__analyze(customs_analysis **out, const char *ref, const customs_options *opts, const analyze_hooks *h)
{
	static const customs_options defaults = CUSTOMS_OPTIONS_INIT;
	customs_analysis *a = NULL;
	source_image img = {0};
	analyzer_run an[64];
	size_t nan = 0;
	dispatch d;
	int dispatch_ok = 0, err;
	layer_result *res = NULL;
	uint8_t *skip = NULL;

	customs_options v2 = CUSTOMS_OPTIONS_INIT;
	if (!opts)
		opts = &defaults;
	*out = NULL;
	if (opts->version == 1) {
		/* version 1 ends where the opt-in analyzers begin */
		memcpy(&v2, opts, offsetof(customs_options, secrets));
		v2.version = CUSTOMS_OPTIONS_VERSION;
		opts = &v2;
	}
	if (opts->version != CUSTOMS_OPTIONS_VERSION)
		return customs__error(CUSTOMS_EINVAL, "customs_options.version is %u; this libcustoms (%s) knows versions 1 and %d",
				      opts->version, CUSTOMS_VERSION, CUSTOMS_OPTIONS_VERSION);
	if ((err = source__open_opts(&img, &a, ref, opts)) < 0)
		goto fail;
	if (a) {
		/* the source held an analysis, not an image (sbom:FILE) */
		*out = a;
		return 0;
	}
	if (!(a = customs__analysis_new(ref))) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto fail;
	}
	a->image.source_kind = customs_strdup(img.kind);
	a->image.source_path = customs_strdup(img.path);
	a->image.manifest_digest = customs_strdup(img.manifest_digest);
	a->image.manifest_media_type = customs_strdup(img.manifest_media_type);
	a->image.config_digest = customs_strdup(img.config_digest);
	for (size_t i = 0; i < img.tags.n; i++)
		customs_strlist_add(&a->image.tags, img.tags.v[i]);
	a->nlayers = img.nlayers;
	a->layers = calloc(img.nlayers ? img.nlayers : 1, sizeof(*a->layers));
	res = calloc(img.nlayers ? img.nlayers : 1, sizeof(*res));
	if (!a->layers || !res) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < img.nlayers; i++) {
		a->layers[i].digest = customs_strdup(img.layers[i].digest);
		a->layers[i].media_type = customs_strdup(img.layers[i].media_type);
		a->layers[i].size = img.layers[i].size;
	}
	if (img.config_json && (err = fill_from_config(a, &img)) < 0) {
		err = customs__error_naming(err, ref);
		goto fail;
	}
	if (h && h->known) {
		customs_analysis *known = NULL;
		if ((err = h->known(h->ud, a, &known)) < 0)
			goto fail;
		if (err) {
			customs_analysis_free(a);
			a = known;
			err = 0;
			goto fail; /* done: the cleanup below */
		}
	}

	if ((err = customs__analyzers_start(an, &nan, 64, opts)) < 0 ||
	    (err = layers__dispatch_init(&d, an, nan)) < 0)
		goto fail;
	dispatch_ok = 1;

	if (!(skip = calloc(img.nlayers ? img.nlayers : 1, 1))) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto fail;
	}
	size_t first_warning = a->nwarnings;
	if (h && h->before_walk && (err = h->before_walk(h->ud, a, res, an, nan, &d, skip)) < 0)
		goto fail;
	engine e = {
		.a = a, .img = &img, .d = &d, .results = res,
		.max_layer_bytes = opts->max_layer_bytes ? opts->max_layer_bytes : (64ull << 30),
		.max_ratio = opts->max_ratio ? opts->max_ratio : 1000,
		.max_entries = opts->max_entries ? opts->max_entries : 10000000,
		.verify_diff_ids = opts->verify_diff_ids, .file_digests = opts->file_digests,
		.check_diff_ids = h && h->check_diff_ids, .skip = skip,
		.progress = opts->progress, .progress_ud = opts->progress_ud,
	};
	for (size_t i = 0; i < img.nlayers; i++)
		if (!skip[i])
			e.bytes_total += img.layers[i].length;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int threads = opts->threads > 0 ? opts->threads : (ncpu > 0 ? (int)ncpu : 1);
	if (img.rootfs)
		layers__walk_dir(&e, img.rootfs);
	else
		layers__walk_all(&e, threads);

	for (size_t i = 0; i < img.nlayers; i++) {
		customs_layer *l = &a->layers[i];
		l->tar_size = res[i].tar_bytes;
		l->entries = res[i].n;
		l->skipped = res[i].skipped;
		l->complete = res[i].complete;
		l->diff_id_verified = res[i].diff_id_verified;
		if (!l->complete)
			a->complete = 0;
	}
	if ((err = sort_walk_warnings(a, first_warning)) < 0)
		goto fail;
	if (h && h->after_walk && (err = h->after_walk(h->ud, a, res, an, nan, skip, first_warning)) < 0)
		goto fail;
	if ((err = layers__squash(a, res, img.nlayers)) < 0)
		goto fail;

	for (size_t i = 0; i < nan; i++)
		if (an[i].type->finish(an[i].state, a) < 0)
			customs_analysis_warn(a, CUSTOMS_WARN, -1, NULL, "analyzer %s failed: %s", an[i].type->name,
					      customs_error_last());
	if (h && h->finished && (err = h->finished(h->ud, a, res)) < 0)
		goto fail;
	/* the per-layer arenas hold every path: the analysis keeps them */
	for (size_t i = 0; i < img.nlayers; i++) {
		if ((err = customs__analysis_keep_arena(a, &res[i].arena)) < 0)
			goto fail;
		free(res[i].e);
		res[i].e = NULL;
	}
	err = 0;
fail:
	customs__analyzers_stop(an, nan);
	if (dispatch_ok)
		layers__dispatch_release(&d);
	if (res) {
		for (size_t i = 0; i < img.nlayers; i++) {
			customs_arena_release(&res[i].arena);
			free(res[i].e);
		}
		free(res);
	}
	free(skip);
	source__release(&img);
	if (err < 0) {
		char keep[1024];
		snprintf(keep, sizeof(keep), "%s", customs_error_last());
		customs_analysis_free(a);
		return customs__error(err, "%s", keep);
	}
	*out = a;
	return 0;
}
