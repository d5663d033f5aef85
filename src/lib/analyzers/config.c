/* config.c - the config-files analyzer (opt-in): keeps, as every layer
 * holds them, the configuration files the policy engine's checks read
 * (sshd_config(5) with its sshd_config.d, sudoers(5) with sudoers.d,
 * /etc/passwd, npmrc(5), .pypirc, docker's config.json) and the paths the
 * options add (a bundle's retrieved_files).  They may hold credentials:
 * they are kept for the gates, never written out whole. */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "model/model.h"
#include "util/util.h"

#define MAX_KEEP (1u << 20) /* bytes of one file kept; the rest is cut off */

static const char *const paths[] = {"etc/ssh/sshd_config", "etc/sudoers", "etc/passwd", NULL};
static const char *const basenames[] = {".npmrc", ".pypirc", NULL};
static const char *const suffixes[] = {"/.docker/config.json", NULL};

typedef struct state {
	customs_strmap more; /* retrieve_files: path -> (void *)1 */
	char **keys;         /* what more's keys point at */
	size_t nkeys;
	pthread_mutex_t mu;
	customs_config_file *kept;
	size_t nkept, capkept;
} state;

static int want(void *self, const char *path, uint32_t mode, uint64_t size)
{
	state *s = self;
	(void)mode, (void)size;
	if (!strncmp(path, "etc/ssh/sshd_config.d/", 22) || !strncmp(path, "etc/sudoers.d/", 14) ||
	    !strcmp(path, ".docker/config.json"))
		return 1;
	return s->nkeys && customs_strmap_get(&s->more, path, NULL);
}

static int file(void *self, const customs_afile *f, const unsigned char *data, size_t len)
{
	state *s = self;
	int err = 0;
	pthread_mutex_lock(&s->mu);
	if ((err = CUSTOMS_ARRAY_GROW(s->kept, s->nkept, s->capkept)) == 0) {
		customs_config_file *c = &s->kept[s->nkept];
		memset(c, 0, sizeof(*c));
		c->path = customs_strdup(f->path);
		c->layer = f->layer;
		c->len = len < MAX_KEEP ? len : MAX_KEEP;
		c->truncated = len > MAX_KEEP;
		c->data = customs_strndup((const char *)data, c->len);
		if (c->path && c->data)
			s->nkept++;
		else {
			free(c->path), free(c->data);
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		}
	}
	pthread_mutex_unlock(&s->mu);
	return err;
}

static int by_place(const void *x, const void *y)
{
	const customs_config_file *a = x, *b = y;
	int c = strcmp(a->path, b->path);
	return c ? c : (a->layer > b->layer) - (a->layer < b->layer);
}

static int finish(void *self, customs_analysis *a)
{
	state *s = self;
	int err = 0;
	a->collected |= CUSTOMS_COLLECTED_CONFIG;
	if (s->nkept)
		qsort(s->kept, s->nkept, sizeof(*s->kept), by_place);
	for (size_t i = 0; i < s->nkept && !err; i++) {
		s->kept[i].visible = customs__analysis_visible(a, s->kept[i].path, s->kept[i].layer);
		err = customs__analysis_add_config_file(a, &s->kept[i]);
	}
	return err;
}

static int create(void **out, const customs_analyzer_type *type)
{
	(void)type;
	return customs__locked_state_new(out, sizeof(state), offsetof(state, mu));
}

static void destroy(void *self)
{
	state *s = self;
	for (size_t i = 0; i < s->nkept; i++)
		free(s->kept[i].path), free(s->kept[i].data);
	free(s->kept);
	customs_strmap_release(&s->more);
	for (size_t i = 0; i < s->nkeys; i++)
		free(s->keys[i]);
	free(s->keys);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

static int configure(void *self, const customs_options *o)
{
	state *s = self;
	size_t n = 0;
	for (const char *const *p = o->retrieve_files; p && *p; p++)
		n++;
	if (n && !(s->keys = calloc(n, sizeof(*s->keys))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	for (const char *const *p = o->retrieve_files; p && *p; p++) {
		/* "/etc/passwd" as the image holds it: "etc/passwd" */
		char *k = malloc(strlen(*p) + 1);
		if (!k)
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		if (customs__path_normalize(k, *p) < 0) {
			free(k);
			continue;
		}
		s->keys[s->nkeys++] = k;
		if (customs_strmap_put(&s->more, k, (void *)1) < 0)
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	return o->config_files || s->nkeys;
}

const customs_analyzer_type customs__config_analyzer = {
	.version = CUSTOMS_ANALYZER_VERSION,
	.name = "config-files",
	.description = "sshd_config, sudoers, passwd and credential files kept for the policy checks (opt-in)",
	.analyzer_version = "1",
	.flags = CUSTOMS_ANALYZER_THREADSAFE | CUSTOMS_ANALYZER_OPTIONAL,
	.paths = paths,
	.basenames = basenames,
	.suffixes = suffixes,
	.want = want,
	.create = create,
	.destroy = destroy,
	.max_size = 64u << 20,
	.file = file,
	.finish = finish,
	.configure = configure,
};
