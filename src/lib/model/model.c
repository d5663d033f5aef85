/* model.c - the analysis data model: an analysis and its packages are made,
 * filled (thread-safe: layer tasks and analyzers add to it at once) and
 * freed here, below every stage that fills them.  docs/json.md describes
 * the fields. */
#include <pthread.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "customs/customs.h"
#include "model/model.h"

struct customs__analysis_priv {
	pthread_mutex_t mu;
	customs_arena *arenas; /* one per layer: file paths live here */
	size_t narenas;
	size_t packages_cap; /* allocated entries of a->packages */
	/* one index derived from the analysis by a stage above, kept while the
	 * key it was built for holds (customs__analysis_cache) */
	void *cache;
	void (*cache_free)(void *);
	size_t cache_key;
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

int customs__analysis_keep_arena(customs_analysis *a, customs_arena *arena)
{
	customs_arena *v = realloc(a->priv->arenas, (a->priv->narenas + 1) * sizeof(*v));
	if (!v)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	a->priv->arenas = v;
	v[a->priv->narenas++] = *arena;
	memset(arena, 0, sizeof(*arena));
	return 0;
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

/* What a warning's message starts with: the image, layer and path. */
static void warn_prefix(customs_buf *b, const customs_analysis *a, int layer, const char *path)
{
	customs_buf_printf(b, "%s", a->image.reference ? a->image.reference : "image");
	if (layer >= 0 && (size_t)layer < a->nlayers) {
		const customs_layer *l = &a->layers[layer];
		customs_buf_printf(b, ": layer %d", layer);
		/* docker-archive layers have no blob digest: name them by diff_id */
		if (l->digest || l->diff_id)
			customs_buf_printf(b, " (%s)", l->digest ? l->digest : l->diff_id);
	}
	if (path)
		customs_buf_printf(b, ": %.1024s", path);
	customs_buf_puts(b, ": ");
}

const char *customs__warning_body(const customs_analysis *a, const customs_warning *w)
{
	customs_buf b = CUSTOMS_BUF_INIT(8192);
	const char *body = w->message;
	warn_prefix(&b, a, w->layer, w->path);
	if (b.ptr && w->message && !strncmp(w->message, b.ptr, b.len))
		body = w->message + b.len;
	customs_buf_release(&b);
	return body;
}

void customs_analysis_warn(customs_analysis *a, int level, int layer, const char *path, const char *fmt, ...)
{
	customs_buf b = CUSTOMS_BUF_INIT(8192);
	va_list ap;
	char msg[2048];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn_prefix(&b, a, layer, path);
	customs_buf_puts(&b, msg);

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

/* Room for element n of an array whose capacity is the power of two at or
 * above n (at least 4): the array, or NULL when out of memory. */
static void *grow(void *v, size_t n, size_t size)
{
	if (n && (n < 4 || (n & (n - 1))))
		return v;
	if (n > SIZE_MAX / 2 / size)
		return NULL;
	return realloc(v, (n ? 2 * n : 4) * size);
}

int customs__analysis_add_secret(customs_analysis *a, const customs_secret *s)
{
	customs_secret c = *s;
	int err = 0;
	c.rule = customs_strdup(s->rule);
	c.path = customs_strdup(s->path);
	c.match = customs_strdup(s->match);
	pthread_mutex_lock(&a->priv->mu);
	customs_secret *v = grow(a->secrets, a->nsecrets, sizeof(*v));
	if (v && c.rule && c.path && (c.match || !s->match)) {
		a->secrets = v;
		v[a->nsecrets++] = c;
	} else {
		a->secrets = v ? v : a->secrets;
		free(c.rule), free(c.path), free(c.match);
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	pthread_mutex_unlock(&a->priv->mu);
	return err;
}

int customs__analysis_add_config_file(customs_analysis *a, const customs_config_file *f)
{
	customs_config_file c = *f;
	int err = 0;
	c.path = customs_strdup(f->path);
	c.data = customs_strndup(f->data ? f->data : "", f->data ? f->len : 0);
	c.len = f->data ? f->len : 0;
	pthread_mutex_lock(&a->priv->mu);
	customs_config_file *v = grow(a->config_files, a->nconfig_files, sizeof(*v));
	if (v && c.path && c.data) {
		a->config_files = v;
		v[a->nconfig_files++] = c;
	} else {
		a->config_files = v ? v : a->config_files;
		free(c.path), free(c.data);
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	pthread_mutex_unlock(&a->priv->mu);
	return err;
}

int customs__analysis_add_package_check(customs_analysis *a, const customs_package_check *k)
{
	customs_package_check c = {
		customs_strdup(k->package), customs_strdup(k->type), customs_strdup(k->path), customs_strdup(k->state),
		customs_strdup(k->algorithm), customs_strdup(k->expected), customs_strdup(k->actual),
	};
	int err = 0;
	pthread_mutex_lock(&a->priv->mu);
	customs_package_check *v = grow(a->package_checks, a->npackage_checks, sizeof(*v));
	if (v && c.package && c.path && c.state && (c.actual || !k->actual)) {
		a->package_checks = v;
		v[a->npackage_checks++] = c;
	} else {
		a->package_checks = v ? v : a->package_checks;
		free(c.package), free(c.type), free(c.path), free(c.state), free(c.algorithm), free(c.expected);
		free(c.actual);
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	pthread_mutex_unlock(&a->priv->mu);
	return err;
}

static void collected_release(customs_analysis *a)
{
	for (size_t i = 0; i < a->nsecrets; i++)
		free(a->secrets[i].rule), free(a->secrets[i].path), free(a->secrets[i].match);
	free(a->secrets);
	for (size_t i = 0; i < a->nconfig_files; i++)
		free(a->config_files[i].path), free(a->config_files[i].data);
	free(a->config_files);
	for (size_t i = 0; i < a->npackage_checks; i++) {
		customs_package_check *c = &a->package_checks[i];
		free(c->package), free(c->type), free(c->path), free(c->state), free(c->algorithm), free(c->expected);
		free(c->actual);
	}
	free(a->package_checks);
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
	collected_release(a);
	json_decref(a->plugin_results);
	if (a->priv) {
		if (a->priv->cache_free)
			a->priv->cache_free(a->priv->cache);
		for (size_t i = 0; i < a->priv->narenas; i++)
			customs_arena_release(&a->priv->arenas[i]);
		free(a->priv->arenas);
		pthread_mutex_destroy(&a->priv->mu);
		free(a->priv);
	}
	free(a);
}

void *customs__analysis_cache(const customs_analysis *a, size_t key)
{
	return a->priv && a->priv->cache && a->priv->cache_key == key ? a->priv->cache : NULL;
}

int customs__analysis_set_cache(const customs_analysis *a, void *cache, void (*free_fn)(void *), size_t key)
{
	if (!a->priv)
		return 0;
	if (a->priv->cache_free)
		a->priv->cache_free(a->priv->cache);
	a->priv->cache = cache;
	a->priv->cache_free = free_fn;
	a->priv->cache_key = key;
	return 1;
}

/* ---- which packages, in what order ---- */

static int strcmp0(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_pkg(const void *x, const void *y)
{
	const customs_package *a = *(customs_package *const *)x, *b = *(customs_package *const *)y;
	int c;
	if ((c = strcmp0(a->type, b->type)) || (c = strcmp0(a->name, b->name)) ||
	    (c = strcmp0(a->version, b->version)) || (c = strcmp0(a->arch, b->arch)))
		return c;
	if (a->visible != b->visible)
		return b->visible - a->visible;
	if (a->layer != b->layer)
		return (a->layer > b->layer) - (a->layer < b->layer);
	if ((c = strcmp0(a->db_path, b->db_path)))
		return c;
	if ((c = strcmp0(a->found_by, b->found_by)))
		return c;
	return strcmp0(a->purl, b->purl);
}

void customs_analysis_select_packages(customs_analysis *a, int all_layers)
{
	size_t k = 0;
	for (size_t i = 0; i < a->npackages; i++) {
		if (!all_layers && !a->packages[i]->visible)
			customs_package_free(a->packages[i]);
		else
			a->packages[k++] = a->packages[i];
	}
	a->npackages = k;
	if (a->npackages)
		qsort(a->packages, a->npackages, sizeof(*a->packages), cmp_pkg);
}
