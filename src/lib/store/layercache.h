/* layercache.h - a layer's results as one blob (layercache.c) and the
 * store's lookups of a layer known by diff_id (stored.c uses them). */
#ifndef CUSTOMS_STORE_LAYERCACHE_H
#define CUSTOMS_STORE_LAYERCACHE_H

#include <stddef.h>

#include "customs/analysis.h"
#include "layers/analyzer_run.h"
#include "layers/layers.h"
#include "store/store_int.h"

/* What the layer pass took from layer li: the walk's counts (r), its
 * warnings among a->warnings[first_warning..], every analyzer's copies of
 * the layer's files; *out malloc'd.  Every analyzer must keep its results
 * in the copies service (customs__analyzer_copies). */
int store__layer_encode(void **out, size_t *n, const customs_analysis *a, size_t li, const layer_result *r,
			analyzer_run *an, size_t nan, size_t first_warning);
/* The reverse, for layer li whose entries are in res already: the counts
 * into res, the warnings into a, the copies into the analyzers' states.
 * A damaged blob (CUSTOMS_EFORMAT) changes nothing; so is one holding a
 * copy of a file the layer does not have, or that d (the analyzers'
 * dispatch) would not have handed to its analyzer. */
int store__layer_decode(const void *blob, size_t len, customs_analysis *a, size_t li, layer_result *res,
			analyzer_run *an, size_t nan, dispatch *d);
/* The same from the uncompressed bytes (for tests and the fuzz target). */
int store__layer_decode_raw(const void *raw, size_t n, customs_analysis *a, size_t li, layer_result *res,
			    analyzer_run *an, size_t nan, dispatch *d);

/* The stored results of the layer diff_id for analyzers key: 1 with the
 * blob (malloc'd) and the layer's entries in res (exact rows, with their
 * file digests when with_digests, which needs rows that have them); 0
 * when the store does not have them all. */
int store__layer_get(customs_store *s, const char *diff_id, const char *key, int with_digests, layer_result *res,
		     void **blob, size_t *n);

#endif
