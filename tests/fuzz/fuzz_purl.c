/* fuzz_purl.c - libFuzzer target for the Package URL parser (purl.c).
 *
 * Parse strictly and leniently; whatever parses must build (or hit the
 * length cap), the canonical string must parse strictly to the same
 * components and build to itself, and a strict parse must agree with a
 * lenient one.  Any break of these aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "customs/errors.h"
#include "customs/purl.h"

static int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static int same(const customs_purl *a, const customs_purl *b)
{
	if (!str_eq(a->type, b->type) || !str_eq(a->namespace_, b->namespace_) || !str_eq(a->name, b->name) ||
	    !str_eq(a->version, b->version) || !str_eq(a->subpath, b->subpath) || a->nqualifiers != b->nqualifiers)
		return 0;
	for (size_t i = 0; i < a->nqualifiers; i++)
		if (strcmp(a->qkeys[i], b->qkeys[i]) || strcmp(a->qvals[i], b->qvals[i]))
			return 0;
	return 1;
}

/* Returns the parse result (NULL if it did not parse); aborts on a broken
 * roundtrip. */
static customs_purl *check(const char *s, unsigned flags)
{
	customs_purl *p, *q;
	char *c1, *c2;
	int err;

	if (customs_purl_parse_ext(&p, s, flags) < 0)
		return NULL;
	if ((err = customs_purl_build(&c1, p)) == CUSTOMS_ELIMIT)
		return p; /* encoding grows: a purl near the cap may not rebuild */
	if (err < 0)
		abort(); /* parse accepted what build rejects */
	if (customs_purl_parse(&q, c1) < 0)
		abort(); /* the canonical form must parse strictly */
	if (!same(p, q))
		abort();
	if (customs_purl_build(&c2, q) < 0 || strcmp(c1, c2))
		abort(); /* canonical is a fixed point */
	free(c1);
	free(c2);
	customs_purl_free(q);
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;
	customs_purl *strict, *lenient;

	if (size > CUSTOMS_PURL_MAX + 64)
		return 0;
	if (!(s = malloc(size + 1)))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	strict = check(s, 0);
	lenient = check(s, CUSTOMS_PURL_LENIENT);
	if (strict && (!lenient || !same(strict, lenient)))
		abort(); /* lenient accepts a superset, with the same reading */
	customs_purl_free(strict);
	customs_purl_free(lenient);
	free(s);
	return 0;
}
