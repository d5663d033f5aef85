/* table.c - a customs_store_table being made (table.h): the column names,
 * their headings in capitals, and the cells in one arena; or filled by a
 * query's rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"
#include "store/table.h"

void customs_store_table_free(customs_store_table *t)
{
	store_rows *o = (store_rows *)t;
	if (!o)
		return;
	free(o->cols);
	free(o->heads);
	free(o->cells);
	free(o->types);
	customs_arena_release(&o->ar);
	free(o);
}

store_rows *store__table_new(const char *columns, const char *types)
{
	store_rows *o = calloc(1, sizeof(*o));
	char *cols;
	size_t n = 1;
	if (!o)
		return NULL;
	for (const char *p = columns; *p; p++)
		n += *p == ',';
	if (!(o->cols = calloc(n, sizeof(*o->cols))) || !(o->heads = calloc(n, sizeof(*o->heads))) ||
	    !(cols = customs_arena_strdup(&o->ar, columns)) || !(o->types = customs_strdup(types))) {
		customs_store_table_free(&o->t);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		o->cols[i] = cols;
		char *c = strchr(cols, ',');
		if (c)
			*c = '\0', cols = c + 1;
		/* "packages_added" as "PACKAGES ADDED" */
		char *h = customs_arena_strdup(&o->ar, o->cols[i]);
		for (char *p = h; p && *p; p++)
			*p = *p == '_' ? ' ' : (*p >= 'a' && *p <= 'z') ? (char)(*p - 32) : *p;
		if (!(o->heads[i] = h)) {
			customs_store_table_free(&o->t);
			return NULL;
		}
	}
	o->t.columns = o->cols;
	o->t.headings = o->heads;
	o->t.ncolumns = n;
	o->t.types = o->types;
	return o;
}

int store__cell(store_rows *o, const char *v)
{
	if (o->ncells == o->cap && CUSTOMS_ARRAY_GROW(o->cells, o->ncells, o->cap) < 0)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	const char *c = v ? customs_arena_strdup(&o->ar, v) : NULL;
	if (v && !c)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	o->cells[o->ncells++] = c;
	return 0;
}

int store__celli(store_rows *o, long long v)
{
	char b[32];
	snprintf(b, sizeof(b), "%lld", v);
	return store__cell(o, b);
}

customs_store_table *store__table_done(store_rows *o)
{
	o->t.cells = o->cells;
	o->t.nrows = o->t.ncolumns ? o->ncells / o->t.ncolumns : 0;
	return &o->t;
}

static int query_row(void *ud, const customs_store_value *c, size_t n)
{
	store_rows *o = ud;
	int err = 0;
	for (size_t i = 0; i < n && !err; i++) {
		char t = o->types[i];
		err = t == 'i' && c[i].type != CUSTOMS_SV_NULL ? store__celli(o, sv_i64(&c[i]))
		      : t == 'b'                              ? store__cell(o, sv_i64(&c[i]) ? "true" : "false")
							      : store__cell(o, sv_str(&c[i]));
	}
	return err;
}

int store__table_query(customs_store *s, customs_store_table **out, const char *columns, const char *types,
		       const char *sql, const customs_store_value *v, size_t nv)
{
	store_rows *o = store__table_new(columns, types);
	int err;
	*out = NULL;
	if (!o)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if ((err = store__query(s, sql, v, nv, query_row, o)) < 0) {
		customs_store_table_free(&o->t);
		return err;
	}
	*out = store__table_done(o);
	return 0;
}
