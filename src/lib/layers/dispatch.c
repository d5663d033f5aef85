/* dispatch.c - which analyzers want a file, decided without a string
 * compare per analyzer per file: hash sets of exact paths and basenames, a
 * short suffix list, then the few predicates. */
#include <stdlib.h>
#include <string.h>

#include "layers/layers.h"

static int add_mask(customs_strmap *m, const char *key, uint64_t bit)
{
	int found;
	uintptr_t cur = (uintptr_t)customs_strmap_get(m, key, &found);
	return customs_strmap_put(m, key, (void *)(cur | (uintptr_t)bit));
}

int layers__dispatch_init(dispatch *d, analyzer_run *an, size_t n)
{
	int err;
	memset(d, 0, sizeof(*d));
	if (n > 64)
		return customs__error(CUSTOMS_ELIMIT, "more than 64 analyzers");
	d->an = an;
	d->n = n;
	d->locks = calloc(n ? n : 1, sizeof(*d->locks));
	if (!d->locks)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		uint64_t bit = 1ull << i;
		const customs_analyzer_type *a = an[i].type;
		pthread_mutex_init(&d->locks[i], NULL);
		for (const char *const *p = a->paths; p && *p; p++)
			if ((err = add_mask(&d->paths, *p, bit)) < 0)
				return err;
		for (const char *const *p = a->basenames; p && *p; p++)
			if ((err = add_mask(&d->basenames, *p, bit)) < 0)
				return err;
		for (const char *const *p = a->suffixes; p && *p; p++) {
			suffix_rule *r = realloc(d->suffixes, (d->nsuffixes + 1) * sizeof(*r));
			if (!r)
				return customs__error(CUSTOMS_ENOMEM, "out of memory");
			d->suffixes = r;
			r[d->nsuffixes].s = *p;
			r[d->nsuffixes].len = strlen(*p);
			r[d->nsuffixes].mask = bit;
			d->nsuffixes++;
		}
		if (a->want)
			d->want_mask |= bit;
	}
	return 0;
}

void layers__dispatch_release(dispatch *d)
{
	for (size_t i = 0; i < d->n; i++)
		pthread_mutex_destroy(&d->locks[i]);
	free(d->locks);
	free(d->suffixes);
	customs_strmap_release(&d->paths);
	customs_strmap_release(&d->basenames);
	memset(d, 0, sizeof(*d));
}

uint64_t layers__dispatch_match(dispatch *d, const char *path, uint32_t mode, uint64_t size)
{
	uint64_t mask = 0;
	size_t len = strlen(path);
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;

	mask |= (uintptr_t)customs_strmap_getn(&d->paths, path, len, NULL);
	mask |= (uintptr_t)customs_strmap_getn(&d->basenames, base, len - (size_t)(base - path), NULL);
	for (size_t i = 0; i < d->nsuffixes; i++) {
		const suffix_rule *r = &d->suffixes[i];
		if (!(mask & r->mask) && len >= r->len && memcmp(path + len - r->len, r->s, r->len) == 0)
			mask |= r->mask;
	}
	uint64_t rest = d->want_mask & ~mask;
	for (size_t i = 0; rest; i++, rest >>= 1)
		if ((rest & 1) && d->an[i].type->want(d->an[i].state, path, mode, size))
			mask |= 1ull << i;
	return mask;
}
