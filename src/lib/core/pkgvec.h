/* pkgvec.h - the growing list of packages that parsers and the copies
 * merge hand around (pkgvec.c). */
#ifndef CUSTOMS_CORE_PKGVEC_H
#define CUSTOMS_CORE_PKGVEC_H

#include <stddef.h>

#include "customs/analysis.h"

typedef struct customs_pkgvec {
	customs_package **v;
	size_t n, cap;
} customs_pkgvec;

/* Append p; when that fails p is freed and CUSTOMS_ENOMEM returned. */
int customs__pkgvec_push(customs_pkgvec *v, customs_package *p);
/* Free every package and the array; v is empty again. */
void customs__pkgvec_release(customs_pkgvec *v);
/* err < 0: release v and return err with *out NULL and *n 0.  Else hand
 * v's packages over as (*out, *n), *out never NULL, and return 0. */
int customs__pkgvec_result(customs_package ***out, size_t *n, customs_pkgvec *v, int err);

#endif
