/* cache.c - answers about a stored image kept in memory, each with the
 * image's version (customs_store_image_version) when it was made: a
 * request whose image has the same version now gets the same bytes
 * without the analysis being loaded again.  Direct-mapped slots under one
 * lock, and a budget of bytes: past it everything is dropped. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "server_int.h"

#define SLOTS 4096

typedef struct slot {
	char *key, *version;
	char *body;
	size_t size;
	int status;
	const char *type; /* static */
} slot;

struct answer_cache {
	pthread_mutex_t mu;
	slot s[SLOTS];
	size_t bytes, budget;
	long long hits, misses;
};

int cache_new(answer_cache **out, size_t budget)
{
	answer_cache *c = calloc(1, sizeof(*c));
	*out = NULL;
	if (!c || pthread_mutex_init(&c->mu, NULL) != 0) {
		free(c);
		return -1;
	}
	c->budget = budget;
	*out = c;
	return 0;
}

static void drop(answer_cache *c, slot *s)
{
	c->bytes -= s->size;
	free(s->key);
	free(s->version);
	free(s->body);
	memset(s, 0, sizeof(*s));
}

void cache_free(answer_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < SLOTS; i++)
		drop(c, &c->s[i]);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

static size_t hash(const char *k)
{
	size_t h = 1469598103934665603ull;
	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ull;
	return h % SLOTS;
}

int cache_get(answer_cache *c, const char *key, const char *version, call *out)
{
	int hit = 0;
	pthread_mutex_lock(&c->mu);
	slot *s = &c->s[hash(key)];
	if (s->key && !strcmp(s->key, key) && !strcmp(s->version, version)) {
		char *copy = malloc(s->size ? s->size : 1);
		if (copy) {
			memcpy(copy, s->body, s->size);
			free(out->buf);
			out->buf = copy;
			out->size = s->size;
			out->status = s->status;
			out->content_type = s->type;
			hit = 1;
		}
	}
	hit ? c->hits++ : c->misses++;
	pthread_mutex_unlock(&c->mu);
	return hit;
}

void cache_put(answer_cache *c, const char *key, const char *version, const call *in)
{
	char *k = strdup(key), *v = strdup(version), *b = malloc(in->size ? in->size : 1);
	if (!k || !v || !b || in->size > c->budget / 8) {
		free(k);
		free(v);
		free(b);
		return;
	}
	memcpy(b, in->buf, in->size);
	pthread_mutex_lock(&c->mu);
	slot *s = &c->s[hash(key)];
	drop(c, s);
	if (c->bytes + in->size > c->budget)
		for (size_t i = 0; i < SLOTS; i++)
			drop(c, &c->s[i]);
	*s = (slot){k, v, b, in->size, in->status, in->content_type};
	c->bytes += in->size;
	pthread_mutex_unlock(&c->mu);
}

void cache_counts(answer_cache *c, long long *hits, long long *misses)
{
	pthread_mutex_lock(&c->mu);
	*hits = c->hits;
	*misses = c->misses;
	pthread_mutex_unlock(&c->mu);
}

/* the route, the digest and the arguments the routes read, joined by
 * unit separators */
static char *key_of(call *c, const char *digest)
{
	const char *parts[] = {c->route, digest, call_arg(c, "type"), call_arg(c, "glob"), call_arg(c, "format")};
	size_t len = 1;
	char *k;
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		len += (parts[i] ? strlen(parts[i]) : 0) + 2;
	if (!(k = malloc(len)))
		return NULL;
	k[0] = '\0';
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		strcat(k, parts[i] ? parts[i] : "\x02");
		strcat(k, "\x1f");
	}
	return k;
}

void call_cached(call *c, void (*fn)(call *c))
{
	char *d = NULL, *version = NULL, *key = NULL;
	int err;

	if (!c->cache) {
		fn(c);
		return;
	}
	if ((err = customs_store_resolve(c->store, c->params[0], &d)) < 0 ||
	    (err = customs_store_image_version(c->store, d, &version)) < 0) {
		free(d);
		call_fail(c, err);
		return;
	}
	key = key_of(c, d);
	if (!key || !cache_get(c->cache, key, version, c)) {
		fn(c);
		if (key && c->status == 200 && c->buf)
			cache_put(c->cache, key, version, c);
	}
	free(key);
	free(version);
	free(d);
}
