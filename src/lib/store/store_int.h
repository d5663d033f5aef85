/* store_int.h - what the files of the store share (src/lib/store/): the
 * open store and its backend connection, statements run through it (with
 * `?` placeholders numbered for backends that want $n), transactions that
 * are retried when the database asks, and multi-row inserts.  Every SQL
 * statement of the store is written once, in these files; the backends
 * (sqlite.c, postgres.c) only carry it to their database. */
#ifndef CUSTOMS_STORE_INT_H
#define CUSTOMS_STORE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "customs/store.h"
#include "customs/sys/store.h"
#include "layers/layers.h"
#include "util/util.h"

struct customs_store {
	customs_store_backend *b;
	const customs_store_backend_type *t;
	customs_buf sql;   /* a statement with its placeholders numbered */
	int in_tx;
};

extern const customs_store_backend_type store__sqlite_backend;
extern const customs_store_backend_type store__postgres_backend;

/* A PostgreSQL URL with its passwords as "***" (postgres.c), into out of
 * n bytes: what a message may show. */
void store__redact(char *out, size_t n, const char *url);

/* ---- values ---- */

static inline customs_store_value sv_null(void)
{
	customs_store_value v = {CUSTOMS_SV_NULL, 0, NULL, 0};
	return v;
}
static inline customs_store_value sv_int(int64_t i)
{
	customs_store_value v = {CUSTOMS_SV_INT, i, NULL, 0};
	return v;
}
/* NULL text is the NULL value */
static inline customs_store_value sv_text(const char *s)
{
	customs_store_value v = {s ? CUSTOMS_SV_TEXT : CUSTOMS_SV_NULL, 0, s, 0};
	if (s)
		while (s[v.len])
			v.len++;
	return v;
}
static inline customs_store_value sv_blob(const void *p, size_t n)
{
	customs_store_value v = {CUSTOMS_SV_BLOB, 0, (const char *)p, n};
	return v;
}

/* A column's value as text (NULL for NULL), as an integer (0 for NULL, a
 * number in text is parsed). */
static inline const char *sv_str(const customs_store_value *v)
{
	return v->type == CUSTOMS_SV_TEXT ? v->s : NULL;
}
static inline int64_t sv_i64(const customs_store_value *v)
{
	if (v->type == CUSTOMS_SV_INT)
		return v->i;
	return v->type == CUSTOMS_SV_TEXT && v->s ? strtoll(v->s, NULL, 10) : 0;
}

#define NV(a) (sizeof(a) / sizeof((a)[0]))

/* ---- statements ---- */

int store__exec(customs_store *s, const char *sql, const customs_store_value *p, size_t n, int64_t *changes);
int store__query(customs_store *s, const char *sql, const customs_store_value *p, size_t n, customs_store_row_fn fn,
		 void *ud);
/* The first column of the first row as an integer: 1 and *out when there
 * is a row, 0 when none. */
int store__query_int(customs_store *s, const char *sql, const customs_store_value *p, size_t n, int64_t *out);
/* The first column of the first row as text (*out malloc'd, NULL for a
 * NULL value): 1 when there is a row, 0 when none. */
int store__query_text(customs_store *s, const char *sql, const customs_store_value *p, size_t n, char **out);

/* ---- transactions ---- */

/* Run fn(s, ud) in a transaction (write: it writes), committed when fn
 * returns >= 0, rolled back otherwise; run again from the start when the
 * database asks (CUSTOMS_STORE_RETRY), a few times with a pause.  fn must
 * keep nothing from a failed attempt.  Returns what fn returned. */
int store__tx(customs_store *s, int write, int (*fn)(customs_store *s, void *ud), void *ud);

/* ---- multi-row inserts ---- */

/* INSERT of many rows in as few statements as the backend's parameter
 * limit allows: head "INSERT INTO t(a, b)", tail "" or " ON CONFLICT DO
 * NOTHING".  Values are copied (strings into the bulk's arena) until the
 * rows are sent. */
typedef struct store_bulk {
	customs_store *s;
	const char *head, *tail;
	size_t ncols, per_stmt;
	customs_store_value *v;
	size_t nrows;
	customs_arena ar;
	int err;
} store_bulk;

int store__bulk_init(store_bulk *b, customs_store *s, const char *head, size_t ncols, const char *tail);
/* One row of ncols values (copied); sends a statement when it is full. */
int store__bulk_row(store_bulk *b, const customs_store_value *row);
/* Send what is left, then release; returns the first error. */
int store__bulk_finish(store_bulk *b);
/* Release without sending (after an error). */
void store__bulk_release(store_bulk *b);

/* ---- storing and loading analyses (put.c, load.c) ---- */

/* One layer of an analysis as the store takes it from the layer pass. */
typedef struct store_layer_in {
	const lentry *e;       /* its entries as walked, whiteouts included; NULL: from the catalog */
	size_t n;
	const void *cache;     /* its results encoded (layercache.c), or NULL */
	size_t cache_len;
} store_layer_in;

typedef struct store_put {
	const customs_analysis *a;
	const char *analyzers;       /* the analyzer key (store__analyzer_key) */
	int file_digests;
	const char *tag;             /* NULL: the default tags (customs_store_opts) */
	const store_layer_in *layers; /* a->nlayers of them, or NULL */
} store_put;

/* Store p->a in one transaction (replacing what its digest held). */
int store__put(customs_store *s, const store_put *p);

/* Drop the match sets of pkgset when no image has that package set. */
int store__forget_pkgset(customs_store *s, const char *pkgset);

/* Record that tag names digest now (a new row when it named another). */
int store__tag(customs_store *s, const char *tag, const char *digest);

/* The row id of the image stored under digest: 1 and *id, or 0. */
int store__image_id(customs_store *s, const char *digest, int64_t *id);

/* The analysis stored under digest; flags CUSTOMS_STORE_LOAD_*.  The
 * reference, source and tags are the stored ones unless like (an analysis
 * of the same image just opened) is given: then its reference, source
 * kind, path and tags, and warnings naming its reference. */
int store__load(customs_store *s, customs_analysis **out, const char *digest, unsigned flags,
		const customs_analysis *like);

/* What the whole-image shortcut compares: the analyzer key and file
 * digests the image was stored with, and whether it was complete: 1 when
 * stored, 0 when not. */
int store__image_key(customs_store *s, const char *digest, char **analyzers, int *file_digests, int *complete);

/* ---- small things ---- */

/* RFC 3339 UTC now, "2025-02-12T08:00:00.123456Z": sortable, unique enough
 * to order events of one process. */
void store__now(char out[40]);

/* Claim the analysis of digest for owner for seconds (jobs.c): 1 when
 * owner holds it now, 0 when another owner's claim is live. */
int store__claim(customs_store *s, const char *digest, const char *owner, int seconds);
/* Give owner's claim of digest up. */
int store__unclaim(customs_store *s, const char *digest, const char *owner);
/* A strlist as one blob, its strings NUL-terminated one after another
 * (exact for any bytes: image content need not be UTF-8), into *out
 * (emptied first); and back from a column (NULL: an empty list). */
int store__strlist_pack(customs_buf *out, const customs_strlist *l);
int store__strlist_unpack(customs_strlist *out, const customs_store_value *v);
/* A jansson value as compact JSON text in key order (malloc'd), or NULL. */
char *store__json_text(const json_t *j);

/* The digest an analysis is stored under: manifest, else config digest,
 * else NULL. */
const char *store__analysis_digest(const customs_analysis *a);

#endif
