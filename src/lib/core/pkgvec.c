/* pkgvec.c - the growing package list the catalogers' parsers return and
 * the copies merge collects. */
#include <stdlib.h>
#include <string.h>

#include "core/pkgvec.h"
#include "util/util.h"

int customs__pkgvec_push(customs_pkgvec *v, customs_package *p)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		customs_package **nv = realloc(v->v, cap * sizeof(*nv));
		if (!nv) {
			customs_package_free(p);
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		}
		v->v = nv;
		v->cap = cap;
	}
	v->v[v->n++] = p;
	return 0;
}

void customs__pkgvec_release(customs_pkgvec *v)
{
	for (size_t i = 0; i < v->n; i++)
		customs_package_free(v->v[i]);
	free(v->v);
	memset(v, 0, sizeof(*v));
}

int customs__pkgvec_result(customs_package ***out, size_t *n, customs_pkgvec *v, int err)
{
	if (err < 0) {
		customs__pkgvec_release(v);
		*out = NULL;
		*n = 0;
		return err;
	}
	*out = v->v;
	*n = v->n;
	if (!*out && !(*out = malloc(sizeof(**out))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	return 0;
}
