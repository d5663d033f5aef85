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

#endif
