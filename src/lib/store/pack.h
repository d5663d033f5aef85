/* pack.h - a compact binary encoding for what the store keeps whole
 * (a layer's results, a match's explanation): integers as LEB128 varints,
 * strings with their length, the whole optionally zstd-compressed.  The
 * reader is bounded: a store is a file anyone may have edited, so a
 * truncated or made-up blob gives an error, never a read past its end. */
#ifndef CUSTOMS_STORE_PACK_H
#define CUSTOMS_STORE_PACK_H

#include <stddef.h>
#include <stdint.h>

#include "customs/analysis.h"
#include "util/util.h"

typedef struct pack_w {
	customs_buf b;
	int err;
} pack_w;

#define PACK_W_INIT {CUSTOMS_BUF_INIT(0), 0}

void pack__u64(pack_w *w, uint64_t v);
void pack__i64(pack_w *w, int64_t v);     /* zigzag */
void pack__f64(pack_w *w, double d);
void pack__str(pack_w *w, const char *s); /* NULL and "" stay apart */
void pack__bytes(pack_w *w, const void *p, size_t n);
/* A JSON tree as typed nodes (objects keep their key order): read back
 * without parsing text, several times faster than JSON for the big
 * metadata of OS packages (md5sums). */
void pack__json(pack_w *w, const json_t *j);
/* Every field of a package (metadata as pack__json). */
void pack__package(pack_w *w, const customs_package *p);

typedef struct pack_r {
	const unsigned char *p, *end;
	int bad;       /* set at the first field that does not fit */
} pack_r;

uint64_t pack__get_u64(pack_r *r);
int64_t pack__get_i64(pack_r *r);
double pack__get_f64(pack_r *r);
/* A count of things each at least min_bytes long: 0 and bad when the
 * blob cannot hold that many. */
size_t pack__get_count(pack_r *r, size_t min_bytes);
/* A string copied into ar (or malloc'd when ar is NULL); NULL for NULL
 * or when bad (also set by out of memory). */
char *pack__get_str(pack_r *r, customs_arena *ar);
/* Bytes borrowed from the blob, *n of them. */
const void *pack__get_bytes(pack_r *r, size_t *n);
/* A tree as pack__json wrote it (a new reference), or NULL (bad set);
 * nesting past 64 levels is bad. */
json_t *pack__get_json(pack_r *r);
/* A package as pack__package wrote it, or NULL (bad set). */
customs_package *pack__get_package(pack_r *r);

/* zstd of the writer's bytes into *out (malloc'd); and back, refusing
 * more than max bytes.  CUSTOMS_EFORMAT for a blob that is not zstd. */
int pack__compress(void **out, size_t *n, const void *in, size_t len);
int pack__decompress(void **out, size_t *n, const void *in, size_t len, size_t max);

#endif
