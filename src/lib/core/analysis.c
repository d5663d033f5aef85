/* analysis.c - customs_analyze(): source → layers → analyzers → analysis,
 * and the analysis' lifecycle, warnings and lookups. */
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "customs/customs.h"
#include "analyzers/registry.h"
#include "layers/layers.h"
#include "source/source.h"
#include "util/util.h"

struct customs__analysis_priv {
	pthread_mutex_t mu;
	customs_arena *arenas;  /* one per layer: file paths live here */
	size_t narenas;
	size_t packages_cap;    /* allocated entries of a->packages */
};

const char *customs_version(void)
{
	return CUSTOMS_VERSION;
}

const char *customs_file_type_name(customs_file_type t)
{
	static const char *names[] = {"file", "dir", "symlink", "hardlink", "char", "block", "fifo", "socket"};
	return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "unknown";
}

customs_package *customs_package_new(void)
{
	customs_package *p = calloc(1, sizeof(*p));
	if (p) {
		p->layer = -1;
		p->removed_in_layer = -1;
		p->visible = 1;
	}
	return p;
}

void customs_package_free(customs_package *p)
{
	if (!p)
		return;
	free(p->name), free(p->version), free(p->type), free(p->arch), free(p->purl);
	free(p->source_name), free(p->source_version), free(p->found_by), free(p->db_path);
	customs_strlist_release(&p->licenses);
	customs_strlist_release(&p->cpes);
	customs_strlist_release(&p->files);
	json_decref(p->metadata);
	free(p);
}

int customs_analysis_add_package(customs_analysis *a, customs_package *p)
{
	pthread_mutex_lock(&a->priv->mu);
	if (a->npackages >= a->priv->packages_cap) {
		/* doubling: SBOMs bring hundreds of thousands of packages */
		size_t cap = a->npackages < 64 ? 64 : a->npackages * 2;
		customs_package **v = realloc(a->packages, cap * sizeof(*v));
		if (!v) {
			pthread_mutex_unlock(&a->priv->mu);
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		}
		a->packages = v;
		a->priv->packages_cap = cap;
	}
	a->packages[a->npackages++] = p;
	pthread_mutex_unlock(&a->priv->mu);
	return 0;
}

void customs_analysis_warn(customs_analysis *a, int level, int layer, const char *path, const char *fmt, ...)
{
	customs_buf b = CUSTOMS_BUF_INIT(8192);
	va_list ap;
	char msg[2048];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	customs_buf_printf(&b, "%s", a->image.reference ? a->image.reference : "image");
	if (layer >= 0 && (size_t)layer < a->nlayers) {
		const customs_layer *l = &a->layers[layer];
		customs_buf_printf(&b, ": layer %d", layer);
		/* docker-archive layers have no blob digest: name them by diff_id */
		if (l->digest || l->diff_id)
			customs_buf_printf(&b, " (%s)", l->digest ? l->digest : l->diff_id);
	}
	if (path)
		customs_buf_printf(&b, ": %.1024s", path);
	customs_buf_printf(&b, ": %s", msg);

	pthread_mutex_lock(&a->priv->mu);
	customs_warning *w = realloc(a->warnings, (a->nwarnings + 1) * sizeof(*w));
	if (w) {
		a->warnings = w;
		w = &a->warnings[a->nwarnings++];
		w->level = level;
		w->layer = layer;
		w->path = customs_strdup(path);
		w->message = customs_buf_detach(&b);
		if (level == CUSTOMS_ERROR)
			a->complete = 0;
	}
	pthread_mutex_unlock(&a->priv->mu);
	customs_buf_release(&b);
}

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

/* ---- analyzers ---- */

/* An error that stops the analysis names the image, like the warnings do:
 * prefix the reference unless the message already names its path. */
static int name_image(int err, const char *ref)
{
	char msg[1024];
	const char *path = ref, *c = strchr(ref, ':');
	/* copy first: customs__error formats into the buffer it would read */
	snprintf(msg, sizeof(msg), "%s", customs_error_last());
	if (c && c > ref && strspn(ref, "abcdefghijklmnopqrstuvwxyz-") == (size_t)(c - ref))
		path = c + 1;
	if (strstr(msg, ref) || (*path && strstr(msg, path)))
		return customs__error(err, "%s", msg);
	return customs__error(err, "%s: %s", ref, msg);
}

customs_analysis *customs__analysis_new(const char *reference)
{
	customs_analysis *a = calloc(1, sizeof(*a));
	if (!a || !(a->priv = calloc(1, sizeof(*a->priv)))) {
		free(a);
		return NULL;
	}
	pthread_mutex_init(&a->priv->mu, NULL);
	a->complete = 1;
	if (reference && !(a->image.reference = customs_strdup(reference))) {
		customs_analysis_free(a);
		return NULL;
	}
	return a;
}

int customs_analyze(customs_analysis **out, const char *ref, const customs_options *opts)
{
	static const customs_options defaults = CUSTOMS_OPTIONS_INIT;
	customs_analysis *a;
	source_image img = {0};
	analyzer_run an[64];
	size_t nan = 0;
	dispatch d;
	int dispatch_ok = 0, err;
	layer_result *res = NULL;

	if (!opts)
		opts = &defaults;
	*out = NULL;
	if (opts->version != CUSTOMS_OPTIONS_VERSION)
		return customs__error(CUSTOMS_EINVAL, "customs_options.version is %u; this libcustoms (%s) knows version %d",
				      opts->version, CUSTOMS_VERSION, CUSTOMS_OPTIONS_VERSION);
	a = calloc(1, sizeof(*a));
	if (!a || !(a->priv = calloc(1, sizeof(*a->priv)))) {
		free(a);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	pthread_mutex_init(&a->priv->mu, NULL);
	a->complete = 1;
	a->image.reference = customs_strdup(ref);

	if ((err = source__open_opts(&img, ref, opts)) < 0) {
		err = name_image(err, ref);
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
		err = name_image(err, ref);
		goto fail;
	}

	if ((err = customs__analyzers_start(an, &nan, 64, opts->analyzers)) < 0 ||
	    (err = layers__dispatch_init(&d, an, nan)) < 0)
		goto fail;
	dispatch_ok = 1;

	engine e = {
		.a = a, .img = &img, .d = &d, .results = res,
		.max_layer_bytes = opts->max_layer_bytes ? opts->max_layer_bytes : (64ull << 30),
		.max_ratio = opts->max_ratio ? opts->max_ratio : 1000,
		.max_entries = opts->max_entries ? opts->max_entries : 10000000,
		.verify_diff_ids = opts->verify_diff_ids, .file_digests = opts->file_digests,
		.progress = opts->progress, .progress_ud = opts->progress_ud,
	};
	for (size_t i = 0; i < img.nlayers; i++)
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
	if ((err = layers__squash(a, res, img.nlayers)) < 0)
		goto fail;
	/* the per-layer arenas hold every path: the analysis keeps them */
	a->priv->arenas = calloc(img.nlayers ? img.nlayers : 1, sizeof(customs_arena));
	if (!a->priv->arenas) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < img.nlayers; i++) {
		a->priv->arenas[i] = res[i].arena;
		memset(&res[i].arena, 0, sizeof(res[i].arena));
		free(res[i].e);
		res[i].e = NULL;
	}
	a->priv->narenas = img.nlayers;

	for (size_t i = 0; i < nan; i++)
		if (an[i].type->finish(an[i].state, a) < 0)
			customs_analysis_warn(a, CUSTOMS_WARN, -1, NULL, "analyzer %s failed: %s", an[i].type->name,
					      customs_error_last());
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

static void config_release(customs_config *c)
{
	free(c->user), free(c->workdir), free(c->stop_signal);
	customs_strlist_release(&c->env);
	customs_strlist_release(&c->entrypoint);
	customs_strlist_release(&c->cmd);
	customs_strlist_release(&c->shell);
	customs_strlist_release(&c->exposed_ports);
	customs_strlist_release(&c->volumes);
	json_decref(c->labels);
	json_decref(c->healthcheck);
}

void customs_analysis_free(customs_analysis *a)
{
	if (!a)
		return;
	customs_image *im = &a->image;
	free(im->reference), free(im->source_kind), free(im->source_path), free(im->manifest_digest);
	free(im->manifest_media_type), free(im->config_digest), free(im->created), free(im->author);
	free(im->architecture), free(im->os), free(im->variant), free(im->name);
	customs_strlist_release(&im->tags);
	config_release(&im->config);
	for (size_t i = 0; i < a->nlayers; i++) {
		customs_layer *l = &a->layers[i];
		free(l->digest), free(l->diff_id), free(l->media_type), free(l->created_by), free(l->created);
		free(l->comment);
	}
	free(a->layers);
	free(a->files);
	customs_distro *d = &a->distro;
	free(d->id), free(d->version_id), free(d->version_codename), free(d->pretty_name), free(d->id_like);
	free(d->source_path);
	for (size_t i = 0; i < a->npackages; i++)
		customs_package_free(a->packages[i]);
	free(a->packages);
	for (size_t i = 0; i < a->nwarnings; i++) {
		free(a->warnings[i].path);
		free(a->warnings[i].message);
	}
	free(a->warnings);
	if (a->priv) {
		for (size_t i = 0; i < a->priv->narenas; i++)
			customs_arena_release(&a->priv->arenas[i]);
		free(a->priv->arenas);
		pthread_mutex_destroy(&a->priv->mu);
		free(a->priv);
	}
	free(a);
}

/* ---- lookups in the squashed view ---- */

static const customs_file *find_visible(const customs_analysis *a, const char *path, size_t len)
{
	size_t lo = 0, hi = a->nfiles;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strncmp(a->files[mid].path, path, len);
		if (c == 0 && a->files[mid].path[len] != '\0')
			c = 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < a->nfiles; i++) {
		const customs_file *f = &a->files[i];
		if (strncmp(f->path, path, len) != 0 || f->path[len] != '\0')
			break;
		if (f->visible)
			return f;
	}
	return NULL;
}

/* A directory that no entry created but a visible file lies under (a layer
 * may omit parent directory entries: FORMATS-images.md 4.5 step 3). */
static int implicit_dir(const customs_analysis *a, const char *dir, size_t len)
{
	size_t lo = 0, hi = a->nfiles;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strncmp(a->files[mid].path, dir, len);
		if (c == 0 && (unsigned char)a->files[mid].path[len] < '/')
			c = -1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < a->nfiles; i++) {
		const customs_file *f = &a->files[i];
		if (strncmp(f->path, dir, len) != 0 || f->path[len] != '/')
			break;
		if (f->visible)
			return 1;
	}
	return 0;
}

const customs_file *customs_analysis_lookup(const customs_analysis *a, const char *path, int follow)
{
	/* cur: resolved prefix; todo: components still to walk */
	customs_buf cur = CUSTOMS_BUF_INIT(1 << 20), todo = CUSTOMS_BUF_INIT(1 << 20);
	const customs_file *res = NULL;
	int hops = 0;

	if (customs_buf_puts(&todo, path) < 0 || customs_buf_puts(&cur, "") < 0)
		goto done;
	size_t pos = 0;
	while (pos < todo.len) {
		while (pos < todo.len && todo.ptr[pos] == '/')
			pos++;
		if (pos >= todo.len)
			break;
		size_t s = pos;
		while (pos < todo.len && todo.ptr[pos] != '/')
			pos++;
		size_t n = pos - s;
		if (n == 1 && todo.ptr[s] == '.')
			continue;
		if (n == 2 && todo.ptr[s] == '.' && todo.ptr[s + 1] == '.') {
			char *sl = strrchr(cur.ptr, '/');
			cur.len = sl ? (size_t)(sl - cur.ptr) : 0;
			cur.ptr[cur.len] = '\0';
			continue;
		}
		size_t save = cur.len;
		if ((cur.len && customs_buf_put(&cur, "/", 1) < 0) || customs_buf_put(&cur, todo.ptr + s, n) < 0)
			goto done;
		const customs_file *f = find_visible(a, cur.ptr, cur.len);
		int last = pos >= todo.len;
		if (!f && !last && implicit_dir(a, cur.ptr, cur.len))
			continue;
		if (!f)
			goto done;
		if (f->type == CUSTOMS_FILE_SYMLINK && f->link && (follow || !last)) {
			if (++hops > 40)
				goto done; /* symlink loop */
			/* replace the component by the target, relative to its directory */
			customs_buf next = CUSTOMS_BUF_INIT(1 << 20);
			if (customs_buf_puts(&next, f->link) < 0 || customs_buf_put(&next, "/", 1) < 0 ||
			    customs_buf_put(&next, todo.ptr + pos, todo.len - pos) < 0) {
				customs_buf_release(&next);
				goto done;
			}
			customs_buf_release(&todo);
			todo = next;
			pos = 0;
			if (f->link[0] == '/')
				cur.len = 0;
			else
				cur.len = save;
			cur.ptr[cur.len] = '\0';
			continue;
		}
		if (!last && f->type != CUSTOMS_FILE_DIR)
			goto done;
	}
	res = cur.len ? find_visible(a, cur.ptr, cur.len) : NULL;
done:
	customs_buf_release(&cur);
	customs_buf_release(&todo);
	return res;
}
