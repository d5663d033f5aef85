/* strmap.c - string-keyed open-addressing hash map (FNV-1a, linear probing).
 * Keys are borrowed: keep them alive (an arena) as long as the map. */
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

uint32_t customs_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h ? h : 1;
}

static int rehash(customs_strmap *m, size_t ncap)
{
	const char **keys = calloc(ncap, sizeof(*keys));
	void **vals = calloc(ncap, sizeof(*vals));
	uint32_t *hashes = calloc(ncap, sizeof(*hashes));
	if (!keys || !vals || !hashes) {
		free(keys), free(vals), free(hashes);
		return customs__error(CUSTOMS_ENOMEM, "out of memory growing a hash map");
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->hashes[i])
			continue;
		size_t j = m->hashes[i] & (ncap - 1);
		while (hashes[j])
			j = (j + 1) & (ncap - 1);
		hashes[j] = m->hashes[i];
		keys[j] = m->keys[i];
		vals[j] = m->vals[i];
	}
	free(m->keys), free(m->vals), free(m->hashes);
	m->keys = keys, m->vals = vals, m->hashes = hashes;
	m->cap = ncap;
	return 0;
}

int customs_strmap_put(customs_strmap *m, const char *key, void *val)
{
	size_t len = strlen(key);
	uint32_t h = customs_hash(key, len);
	int err;

	if ((m->n + 1) * 4 >= m->cap * 3) {
		if ((err = rehash(m, m->cap ? m->cap * 2 : 64)) < 0)
			return err;
	}
	size_t j = h & (m->cap - 1);
	while (m->hashes[j]) {
		if (m->hashes[j] == h && strcmp(m->keys[j], key) == 0) {
			m->vals[j] = val;
			return 0;
		}
		j = (j + 1) & (m->cap - 1);
	}
	m->hashes[j] = h;
	m->keys[j] = key;
	m->vals[j] = val;
	m->n++;
	return 0;
}

void *customs_strmap_getn(const customs_strmap *m, const char *key, size_t len, int *found)
{
	if (found)
		*found = 0;
	if (!m->cap)
		return NULL;
	uint32_t h = customs_hash(key, len);
	size_t j = h & (m->cap - 1);
	while (m->hashes[j]) {
		if (m->hashes[j] == h && strncmp(m->keys[j], key, len) == 0 && m->keys[j][len] == '\0') {
			if (found)
				*found = 1;
			return m->vals[j];
		}
		j = (j + 1) & (m->cap - 1);
	}
	return NULL;
}

void *customs_strmap_get(const customs_strmap *m, const char *key, int *found)
{
	return customs_strmap_getn(m, key, strlen(key), found);
}

void customs_strmap_release(customs_strmap *m)
{
	free(m->keys), free(m->vals), free(m->hashes);
	memset(m, 0, sizeof(*m));
}
