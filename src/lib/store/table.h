/* table.h - a customs_store_table being made, row by row, cell by cell:
 * what the queries (query.c), the job queue and the API tokens (jobs.c,
 * tokens.c) answer with. */
#ifndef CUSTOMS_STORE_TABLE_H
#define CUSTOMS_STORE_TABLE_H

#include "customs/store.h"
#include "util/util.h"

typedef struct store_rows {
	customs_store_table t;
	const char **cols, **heads;
	const char **cells;
	size_t ncells, cap;
	customs_arena ar;
	char *types;
} store_rows;

/* A table of columns ("name,version,layer"), typed by types ("ssi");
 * NULL when out of memory. */
store_rows *store__table_new(const char *columns, const char *types);
/* Append a cell (copied; NULL stays NULL), or an integer's. */
int store__cell(store_rows *o, const char *v);
int store__celli(store_rows *o, long long v);
/* The table made: free it with customs_store_table_free(). */
customs_store_table *store__table_done(store_rows *o);

struct customs_store;
struct customs_store_value;
/* A table of columns and types filled with the rows of sql: an 'i' column
 * from an integer, a 'b' one from an integer (0: "false"), the others from
 * text (NULL stays NULL). */
int store__table_query(struct customs_store *s, customs_store_table **out, const char *columns, const char *types,
		       const char *sql, const struct customs_store_value *v, size_t nv);

#endif
